// Specimens — ZipDirectory.swift
// ZIP-based formats told apart by their entry names: OOXML (docx/xlsx/pptx, and their macro-enabled
// forms), OpenDocument, Java archives, Android packages, and plain (possibly encrypted) ZIP. Names
// come from the central directory, or from the local headers when the end record is missing.

import Foundation

enum ZipDirectory {
    static func kind(_ w: ByteWindow) -> FileKind {
        let (names, encrypted) = entries(w)
        if names.contains("[Content_Types].xml") {
            let macros = names.contains { $0.hasSuffix("vbaProject.bin") }
            if names.contains(where: { $0.hasPrefix("word/") }) {
                return macros
                    ? FileKind(mimeType: "application/vnd.ms-word.document.macroEnabled.12", label: "Microsoft Word 2007+ document, with macros")
                    : FileKind(mimeType: "application/vnd.openxmlformats-officedocument.wordprocessingml.document", label: "Microsoft Word 2007+")
            }
            if names.contains(where: { $0.hasPrefix("xl/") }) {
                return macros
                    ? FileKind(mimeType: "application/vnd.ms-excel.sheet.macroEnabled.12", label: "Microsoft Excel 2007+ workbook, with macros")
                    : FileKind(mimeType: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", label: "Microsoft Excel 2007+")
            }
            if names.contains(where: { $0.hasPrefix("ppt/") }) {
                return macros
                    ? FileKind(mimeType: "application/vnd.ms-powerpoint.presentation.macroEnabled.12", label: "Microsoft PowerPoint 2007+ presentation, with macros")
                    : FileKind(mimeType: "application/vnd.openxmlformats-officedocument.presentationml.presentation", label: "Microsoft PowerPoint 2007+")
            }
            return FileKind(mimeType: "application/vnd.openxmlformats-package", label: "Microsoft OOXML package")
        }
        if w.matches(Array("mimetype".utf8), at: 30) {
            let length = min(Int(w.u32(18) ?? 0), 100)
            let declared = String(decoding: w.slice(38, length) ?? [], as: UTF8.self)
            if declared.hasPrefix("application/vnd.oasis.opendocument") {
                return FileKind(mimeType: declared, label: "OpenDocument (\(declared.split(separator: ".").last ?? ""))")
            }
            if declared.hasPrefix("application/epub+zip") { return FileKind(mimeType: "application/epub+zip", label: "EPUB document") }
        }
        if names.contains("AndroidManifest.xml") && names.contains("classes.dex") {
            return FileKind(mimeType: "application/vnd.android.package-archive", label: "Android package (APK)")
        }
        if names.contains("META-INF/MANIFEST.MF") || names.contains(where: { $0.hasSuffix(".class") }) {
            return FileKind(mimeType: "application/java-archive", label: "Java archive data (JAR)")
        }
        return FileKind(mimeType: "application/zip", label: encrypted ? "Zip archive data, encrypted" : "Zip archive data")
    }

    /// Entry names (at most 20,000) and whether any entry is encrypted.
    static func entries(_ w: ByteWindow) -> (Set<String>, Bool) {
        var names = Set<String>()
        var encrypted = false
        // The end-of-central-directory record sits in the last 64 KiB + 22 bytes.
        let signature: [UInt8] = [0x50, 0x4B, 0x05, 0x06]
        var end: Int?
        var at = w.count - 22
        while at >= max(0, w.count - 22 - 0xFFFF) {
            if w.matches(signature, at: at) { end = at; break }
            at -= 1
        }
        if let end, let total = w.u16(end + 10), let start = w.u32(end + 16) {
            var at = Int(start)
            for _ in 0..<min(Int(total), 20_000) {
                guard w.matches([0x50, 0x4B, 0x01, 0x02], at: at), let flags = w.u16(at + 8), let nameLength = w.u16(at + 28),
                      let extra = w.u16(at + 30), let comment = w.u16(at + 32), let name = w.slice(at + 46, Int(nameLength)) else { break }
                names.insert(String(decoding: name, as: UTF8.self))
                encrypted = encrypted || flags & 1 != 0
                at += 46 + Int(nameLength) + Int(extra) + Int(comment)
            }
        }
        if names.isEmpty {
            var at = 0
            while names.count < 20_000, w.matches([0x50, 0x4B, 0x03, 0x04], at: at), let flags = w.u16(at + 6),
                  let size = w.u32(at + 18), let nameLength = w.u16(at + 26), let extra = w.u16(at + 28),
                  let name = w.slice(at + 30, Int(nameLength)) {
                names.insert(String(decoding: name, as: UTF8.self))
                encrypted = encrypted || flags & 1 != 0
                if flags & 8 != 0 && size == 0 { break }   // sizes follow the data; cannot skip ahead
                at += 30 + Int(nameLength) + Int(extra) + Int(size)
            }
        }
        return (names, encrypted)
    }
}
