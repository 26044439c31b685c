// Specimens — TextKind.swift
// Text samples: scripts by shebang, then by content (PowerShell, VBScript, JScript/JavaScript, batch,
// HTA), e-mail messages, HTML, XML/SVG, and plain text. Content heuristics count telltale tokens in
// the first 64 KiB and need two or more to name a language.

import Foundation

enum TextKind {
    static let headLimit = 64 * 1024

    static func kind(_ w: ByteWindow) -> FileKind? {
        guard let (text, encoding) = decode(w.bytes.prefix(headLimit), cut: w.count > headLimit) else { return nil }
        let lower = text.lowercased()
        let trimmed = lower.drop { $0.isWhitespace }

        if trimmed.hasPrefix("#!") {
            let line = trimmed.prefix { $0 != "\n" }
            let interpreters: [(String, String, String)] = [
                ("python", "text/x-python", "Python script"), ("perl", "text/x-perl", "Perl script"),
                ("node", "text/javascript", "Node.js script"), ("ruby", "text/x-ruby", "Ruby script"),
                ("pwsh", "text/x-powershell", "PowerShell script"), ("powershell", "text/x-powershell", "PowerShell script"),
                ("php", "application/x-php", "PHP script"),
            ]
            for (word, mime, label) in interpreters where line.contains(word) {
                return FileKind(mimeType: mime, label: "\(label), \(encoding)")
            }
            return FileKind(mimeType: "text/x-shellscript", label: "shell script, \(encoding)")
        }
        if lower.contains("<hta:application") {
            return FileKind(mimeType: "application/hta", label: "HTML Application (HTA), \(encoding)")
        }
        if isMail(text) { return FileKind(mimeType: "message/rfc822", label: "RFC 822 mail, \(encoding)") }
        if trimmed.hasPrefix("<") {
            if trimmed.hasPrefix("<!doctype html") || trimmed.hasPrefix("<html") || trimmed.hasPrefix("<head")
                || trimmed.hasPrefix("<body") || (trimmed.prefix(2048).contains("<html") && !trimmed.hasPrefix("<?xml")) {
                return FileKind(mimeType: "text/html", label: "HTML document, \(encoding)")
            }
            if trimmed.prefix(4096).contains("<svg") { return FileKind(mimeType: "image/svg+xml", label: "SVG image, \(encoding)") }
            if trimmed.hasPrefix("<?xml") { return FileKind(mimeType: "application/xml", label: "XML document, \(encoding)") }
            if trimmed.hasPrefix("<script") { return FileKind(mimeType: "text/html", label: "HTML document, \(encoding)") }
        }
        if let script = scriptLanguage(lower) {
            return FileKind(mimeType: script.mime, label: "\(script.label), \(encoding)")
        }
        return FileKind(mimeType: "text/plain", label: "\(encoding) text")
    }

    /// The head as text and a name for its encoding, or nil when it looks binary.
    static func decode(_ head: ArraySlice<UInt8>, cut: Bool) -> (String, String)? {
        var bytes = head
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            let little = bytes.first == 0xFF
            bytes = bytes.dropFirst(2)
            let units = stride(from: bytes.startIndex, to: bytes.endIndex - 1, by: 2).map { i -> UInt16 in
                little ? UInt16(bytes[i]) | UInt16(bytes[i + 1]) << 8 : UInt16(bytes[i]) << 8 | UInt16(bytes[i + 1])
            }
            let text = String(decoding: units, as: UTF16.self)
            guard isTextual(text.unicodeScalars) else { return nil }
            return (text, "UTF-16 Unicode")
        }
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { bytes = bytes.dropFirst(3) }
        guard !bytes.isEmpty, !bytes.contains(0) else { return nil }
        let controls = bytes.reduce(0) { $0 + (($1 < 0x09 || ($1 > 0x0D && $1 < 0x20 && $1 != 0x1B) || $1 == 0x7F) ? 1 : 0) }
        guard controls * 100 <= bytes.count else { return nil }
        // A multi-byte character cut by the 64 KiB head is not an encoding error.
        for trim in 0...(cut ? 3 : 0) {
            if let text = String(validating: bytes.dropLast(trim), as: UTF8.self) {
                return (text, text.utf8.allSatisfy { $0 < 0x80 } ? "ASCII" : "UTF-8 Unicode")
            }
        }
        return (String(decoding: bytes, as: UTF8.self), "non-UTF-8")   // Shift_JIS, Latin-1, …
    }

    static func isTextual(_ scalars: String.UnicodeScalarView) -> Bool {
        var controls = 0, total = 0
        for scalar in scalars {
            total += 1
            if scalar.value == 0 { return false }
            if scalar.value < 0x20 && !(0x09...0x0D).contains(scalar.value) { controls += 1 }
        }
        return total > 0 && controls * 100 <= total
    }

    static func isMail(_ text: String) -> Bool {
        let headerNames = ["from", "to", "subject", "received", "message-id", "mime-version", "return-path", "date",
                           "delivered-to", "reply-to", "content-type", "x-mailer", "cc"]
        var seen = Set<String>()
        for (index, line) in text.prefix(8192).split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" }).enumerated() {
            if line.isEmpty { break }
            if line.first == " " || line.first == "\t" { continue }   // folded header
            guard let colon = line.firstIndex(of: ":") else { return false }
            let name = line[..<colon].lowercased()
            guard !name.isEmpty, name.allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" }) else { return false }
            if index == 0 && !(headerNames.contains(name) || name.hasPrefix("x-")) { return false }
            if headerNames.contains(name) { seen.insert(name) }
        }
        return seen.count >= 3 && (seen.contains("from") || seen.contains("received"))
    }

    static let languages: [(mime: String, label: String, tokens: [String])] = [
        ("text/x-powershell", "PowerShell script", [
            "powershell", "invoke-expression", "iex ", "iex(", "new-object", "-encodedcommand", " -enc ", "$env:",
            "[system.", "frombase64string", "-executionpolicy", "write-host", "param(", "$psscriptroot", "invoke-webrequest",
            "downloadstring", "start-process", "-noprofile", "foreach-object", "out-null", "get-item", "set-item",
            "-windowstyle hidden", "[convert]::", "$null",
        ]),
        ("text/vbscript", "VBScript", [
            "createobject(", "wscript.shell", "end sub", "end function", "on error resume next", "dim ", "end if",
            "vbcrlf", "msgbox", "wscript.sleep", "chr(", "execute(", "then\n", "then\r\n", "& \"",
        ]),
        ("text/javascript", "JavaScript (or JScript) source", [
            "activexobject", "function(", "function ", "var ", "let ", "const ", "eval(", "string.fromcharcode",
            "document.", "window.", "=>", "wscript.createobject", ".prototype", "});", "new activexobject", "===",
        ]),
        ("text/x-msdos-batch", "DOS batch file", [
            "@echo off", "echo off", "goto ", "%~dp0", "setlocal", "%comspec%", "cmd /c", "cmd.exe /c", "\nrem ",
            "\n::", "start \"\"", "exit /b", "%errorlevel%", "set /a ", "set /p ", "if exist ", "%temp%", "call :",
            "%appdata%", "\ndel ", "bitsadmin", "certutil",
        ]),
    ]

    static func scriptLanguage(_ lower: String) -> (mime: String, label: String)? {
        var best: (mime: String, label: String, score: Int)?
        for language in languages {
            let score = language.tokens.reduce(0) { $0 + (lower.contains($1) ? 1 : 0) }
            if score >= 2, score > (best?.score ?? 0) { best = (language.mime, language.label, score) }
        }
        return best.map { ($0.mime, $0.label) }
    }
}
