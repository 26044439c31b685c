// Specimens — FileKind.swift
// What kind of file a sample is, from its bytes (never its name): executables (PE, ELF, Mach-O),
// Office documents (OLE2 and OOXML, macro-enabled flagged), PDF, RTF, archives (ZIP, 7z, RAR, gzip,
// CAB, ISO 9660), shortcuts (LNK), e-mail, scripts (shebang, PowerShell, VBScript, JScript, batch,
// HTA), HTML and plain text. Answers a MIME type and a short label in the manner of `file(1)`.

import Foundation

/// A sample's file type.
///
/// ```swift
/// let kind = FileKind.detect(try Data(contentsOf: url, options: .alwaysMapped))
/// kind.mimeType   // "application/vnd.microsoft.portable-executable"
/// kind.label      // "PE32 executable (GUI) Intel 80386"
/// ```
public struct FileKind: Sendable, Hashable, Codable {
    /// The IANA (or customary x-) media type.
    public var mimeType: String
    /// A short human description, e.g. "PE32+ executable (DLL) (console) x86-64" or "Microsoft Word 2007+".
    public var label: String

    public init(mimeType: String, label: String) {
        self.mimeType = mimeType
        self.label = label
    }

    public static let unknown = FileKind(mimeType: "application/octet-stream", label: "data")
    public static let empty = FileKind(mimeType: "application/x-empty", label: "empty")

    /// The kind of `bytes`, ideally the whole file (OOXML and OLE2 need their directories; the rest
    /// is decided from the first 64 KiB, ISO 9660 from offset 0x8001).
    ///
    /// ```swift
    /// FileKind.detect(Data("%PDF-1.7\n".utf8)).mimeType   // "application/pdf"
    /// ```
    public static func detect(_ bytes: some DataProtocol) -> FileKind {
        detect(window: ByteWindow(bytes))
    }

    /// The kind of the file at `url` (memory-mapped, not read whole).
    ///
    /// ```swift
    /// let kind = try FileKind.detect(contentsOf: sampleURL)
    /// ```
    public static func detect(contentsOf url: URL) throws -> FileKind {
        detect(try Data(contentsOf: url, options: .alwaysMapped))
    }

    static func detect(window w: ByteWindow) -> FileKind {
        if w.count == 0 { return .empty }
        if w.matches(Array("MZ".utf8)) {
            if let pe = PortableExecutable(window: w) {
                return FileKind(mimeType: "application/vnd.microsoft.portable-executable", label: pe.label)
            }
            return FileKind(mimeType: "application/x-dosexec", label: "MS-DOS executable")
        }
        if w.matches([0x7F, 0x45, 0x4C, 0x46]) { return elf(w) }
        if let macho = machO(w) { return macho }
        if w.matches([0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) { return CompoundDocument.kind(w) }
        if w.matches(Array("PK\u{3}\u{4}".utf8)) || w.matches(Array("PK\u{5}\u{6}".utf8)) { return ZipDirectory.kind(w) }
        if let pdf = pdf(w) { return pdf }
        if w.matches([0x37, 0x7A, 0xBC, 0xAF, 0x27, 0x1C]) {
            return FileKind(mimeType: "application/x-7z-compressed", label: "7-zip archive")
        }
        if w.matches(Array("Rar!\u{1A}\u{7}\u{1}\u{0}".utf8)) {
            return FileKind(mimeType: "application/vnd.rar", label: "RAR archive, version 5")
        }
        if w.matches(Array("Rar!\u{1A}\u{7}\u{0}".utf8)) {
            return FileKind(mimeType: "application/vnd.rar", label: "RAR archive, version 4")
        }
        if w.matches([0x1F, 0x8B]) { return FileKind(mimeType: "application/gzip", label: "gzip compressed data") }
        if w.matches(Array("BZh".utf8)) { return FileKind(mimeType: "application/x-bzip2", label: "bzip2 compressed data") }
        if w.matches([0xFD, 0x37, 0x7A, 0x58, 0x5A, 0x00]) { return FileKind(mimeType: "application/x-xz", label: "XZ compressed data") }
        if w.matches(Array("MSCF\0\0\0\0".utf8)) {
            return FileKind(mimeType: "application/vnd.ms-cab-compressed", label: "Microsoft Cabinet archive")
        }
        if w.matches([0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]) {
            return FileKind(mimeType: "application/x-ms-shortcut", label: "MS Windows shortcut")
        }
        for offset in [0x8001, 0x8801, 0x9001] where w.matches(Array("CD001".utf8), at: offset) {
            return FileKind(mimeType: "application/x-iso9660-image", label: "ISO 9660 CD-ROM filesystem data")
        }
        if w.matches(Array("ustar".utf8), at: 257) { return FileKind(mimeType: "application/x-tar", label: "POSIX tar archive") }
        if w.matches(Array("{\\rt".utf8)) { return FileKind(mimeType: "text/rtf", label: "Rich Text Format data") }
        if w.matches([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]) { return FileKind(mimeType: "image/png", label: "PNG image data") }
        if w.matches([0xFF, 0xD8, 0xFF]) { return FileKind(mimeType: "image/jpeg", label: "JPEG image data") }
        if w.matches(Array("GIF87a".utf8)) || w.matches(Array("GIF89a".utf8)) {
            return FileKind(mimeType: "image/gif", label: "GIF image data")
        }
        if w.matches(Array("dex\n".utf8)) { return FileKind(mimeType: "application/vnd.android.dex", label: "Dalvik dex file") }
        return TextKind.kind(w) ?? .unknown
    }

    private static func elf(_ w: ByteWindow) -> FileKind {
        let is64 = w.u8(4) == 2
        let bigEndian = w.u8(5) == 2
        let type = bigEndian ? w.u16BE(16) : w.u16(16)
        let machine = bigEndian ? w.u16BE(18) : w.u16(18)
        let (mime, typeName): (String, String) = switch type {
        case 1: ("application/x-object", "relocatable")
        case 2: ("application/x-executable", "executable")
        case 3: ("application/x-sharedlib", "shared object")
        case 4: ("application/x-coredump", "core file")
        default: ("application/x-elf", "unknown type")
        }
        let machineName: String = switch machine {
        case 3: "Intel 80386"
        case 8: "MIPS"
        case 20: "PowerPC"
        case 21: "64-bit PowerPC"
        case 40: "ARM"
        case 62: "x86-64"
        case 183: "ARM aarch64"
        case 243: "RISC-V"
        default: "machine \(machine ?? 0)"
        }
        return FileKind(mimeType: mime, label: "ELF \(is64 ? 64 : 32)-bit \(bigEndian ? "MSB" : "LSB") \(typeName), \(machineName)")
    }

    private static func machO(_ w: ByteWindow) -> FileKind? {
        guard let magic = w.u32BE(0) else { return nil }
        let cpu: (UInt32) -> String = { type in
            switch type & 0x00FF_FFFF {
            case 7: return type & 0x0100_0000 != 0 ? "x86_64" : "i386"
            case 12: return type & 0x0100_0000 != 0 ? "arm64" : "arm"
            case 18: return type & 0x0100_0000 != 0 ? "ppc64" : "ppc"
            default: return "cpu \(type)"
            }
        }
        switch magic {
        case 0xFEEDFACE, 0xFEEDFACF, 0xCEFAEDFE, 0xCFFAEDFE:
            let little = magic == 0xCEFAEDFE || magic == 0xCFFAEDFE
            let is64 = magic == 0xFEEDFACF || magic == 0xCFFAEDFE
            let cpuType = (little ? w.u32(4) : w.u32BE(4)) ?? 0
            let fileType = (little ? w.u32(12) : w.u32BE(12)) ?? 0
            let typeName = switch fileType {
            case 1: "object"
            case 2: "executable"
            case 6: "dynamically linked shared library"
            case 8: "bundle"
            default: "file type \(fileType)"
            }
            return FileKind(mimeType: "application/x-mach-binary", label: "Mach-O \(is64 ? "64-bit " : "")\(cpu(cpuType)) \(typeName)")
        case 0xCAFEBABE, 0xCAFEBABF:
            // Java class files share CAFEBABE; their next word is a version (45 and up), a fat header's is a small count.
            guard let count = w.u32BE(4) else { return nil }
            if count == 0 || count >= 30 {
                return magic == 0xCAFEBABE && count >= 45
                    ? FileKind(mimeType: "application/java-vm", label: "compiled Java class data") : nil
            }
            let stride = magic == 0xCAFEBABF ? 32 : 20
            let architectures = (0..<Int(count)).compactMap { w.u32BE(8 + $0 * stride).map(cpu) }
            return FileKind(mimeType: "application/x-mach-binary",
                            label: "Mach-O universal binary with \(count) architectures: [\(architectures.joined(separator: ", "))]")
        default:
            return nil
        }
    }

    private static func pdf(_ w: ByteWindow) -> FileKind? {
        let head = w.bytes.prefix(1024)
        let marker = Array("%PDF-".utf8)
        guard let start = head.indices.first(where: { w.matches(marker, at: $0) }) else { return nil }
        let version = w.bytes[(start + 5)..<min(w.count, start + 8)]
        let text = String(decoding: version, as: UTF8.self)
        return FileKind(mimeType: "application/pdf", label: text.allSatisfy({ $0.isNumber || $0 == "." }) && !text.isEmpty
                        ? "PDF document, version \(text)" : "PDF document")
    }
}
