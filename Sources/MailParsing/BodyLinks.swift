// MailParsing — BodyLinks.swift
// URLs and e-mail addresses in bodies: refanging (hxxp, fxp, [.], (dot), [:], [at] ...), URL scanning
// in text with trailing-punctuation trimming, href/src values from HTML, addresses in text and mailto:.

import Foundation

enum BodyLinks {
    static let schemes: Set<String> = ["http", "https", "ftp", "ftps", "sftp"]

    /// Undoes the usual defanging so that scanners see real URLs, domains and addresses.
    ///
    /// ```swift
    /// BodyLinks.refang("hxxps://evil[.]example[.]com/a")  // "https://evil.example.com/a"
    /// ```
    static func refang(_ text: String) -> String {
        let bytes = Array(text.utf8)
        // Cheap exit: no bracket and no obfuscated scheme.
        var suspicious = false
        for byte in bytes where byte == 0x5B || byte == 0x28 || byte == 0x7B || byte == 0x78 || byte == 0x58 || byte == 0x2A || byte == 0x5F {
            suspicious = true
            break
        }
        if !suspicious { return text }
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        let count = bytes.count
        func matches(_ pattern: StaticString, at position: Int) -> Bool {
            let length = pattern.utf8CodeUnitCount
            guard position + length <= count else { return false }
            let base = pattern.utf8Start
            for offset in 0..<length where ByteSearch.lower(bytes[position + offset]) != base[offset] { return false }
            return true
        }
        while index < count {
            let byte = bytes[index]
            let lower = ByteSearch.lower(byte)
            if byte == 0x5B || byte == 0x28 || byte == 0x7B, index + 2 < count {
                let close: UInt8 = byte == 0x5B ? 0x5D : (byte == 0x28 ? 0x29 : 0x7D)
                // [x] with x one of ". : @ /", or [dot] [at] [://]
                var replacement: UInt8 = 0
                var length = 0
                if bytes[index + 2] == close {
                    switch bytes[index + 1] {
                    case 0x2E, 0x3A, 0x40, 0x2F: replacement = bytes[index + 1]; length = 3
                    default: break
                    }
                } else if index + 3 < count, bytes[index + 3] == close, matches("at", at: index + 1) {
                    replacement = 0x40; length = 4
                } else if index + 4 < count, bytes[index + 4] == close, matches("dot", at: index + 1) {
                    replacement = 0x2E; length = 5
                } else if index + 4 < count, bytes[index + 4] == close, matches("://", at: index + 1) {
                    output += [0x3A, 0x2F, 0x2F]
                    index += 5
                    continue
                }
                if length > 0 {
                    if replacement == 0x2E || replacement == 0x40 {
                        if output.last == 0x20 { output.removeLast() }
                        output.append(replacement)
                        index += length
                        if index < count, bytes[index] == 0x20 { index += 1 }
                    } else {
                        output.append(replacement)
                        index += length
                    }
                    continue
                }
            }
            // hxxp / hXXp / h**p / h__p (+s) before ':' → http
            if lower == UInt8(ascii: "h"), index + 3 < count {
                let a = ByteSearch.lower(bytes[index + 1]), b = ByteSearch.lower(bytes[index + 2]), p = ByteSearch.lower(bytes[index + 3])
                func obfuscation(_ byte: UInt8) -> Bool { byte == 0x78 || byte == 0x2A || byte == 0x5F || byte == 0x74 }
                if p == UInt8(ascii: "p"), obfuscation(a), obfuscation(b), !(a == 0x74 && b == 0x74) {
                    var after = index + 4
                    var secure = false
                    if after < count, ByteSearch.lower(bytes[after]) == UInt8(ascii: "s") { secure = true; after += 1 }
                    if after < count, bytes[after] == UInt8(ascii: ":") || bytes[after] == 0x5B || bytes[after] == 0x28 {
                        output += secure ? [0x68, 0x74, 0x74, 0x70, 0x73] : [0x68, 0x74, 0x74, 0x70]
                        index = after
                        continue
                    }
                }
            }
            if lower == UInt8(ascii: "f"), matches("fxp", at: index) {
                var after = index + 3
                var secure = false
                if after < count, ByteSearch.lower(bytes[after]) == UInt8(ascii: "s") { secure = true; after += 1 }
                if after < count, bytes[after] == UInt8(ascii: ":") || bytes[after] == 0x5B {
                    output += secure ? [0x66, 0x74, 0x70, 0x73] : [0x66, 0x74, 0x70]
                    index = after
                    continue
                }
            }
            output.append(byte)
            index += 1
        }
        return String(decoding: output, as: UTF8.self)
    }

    @inline(__always) private static func isURLByte(_ byte: UInt8) -> Bool {
        guard byte > 0x20, byte < 0x7F else { return false }
        switch byte {
        case UInt8(ascii: "<"), UInt8(ascii: ">"), UInt8(ascii: "\""), UInt8(ascii: "`"), UInt8(ascii: "{"),
             UInt8(ascii: "}"), UInt8(ascii: "|"), UInt8(ascii: "\\"), UInt8(ascii: "^"):
            return false
        default: return true
        }
    }

    /// URLs with a known scheme in (already refanged) text, in order of appearance.
    static func urls(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var result: [String] = []
        var from = 0
        let separator: [UInt8] = Array("://".utf8)
        while let found = ByteSearch.firstRange(of: separator, in: bytes[...], from: from) {
            from = found.upperBound
            var schemeStart = found.lowerBound
            while schemeStart > 0, found.lowerBound - schemeStart < 8 {
                let byte = ByteSearch.lower(bytes[schemeStart - 1])
                guard byte >= 0x61 && byte <= 0x7A else { break }
                schemeStart -= 1
            }
            let scheme = String(decoding: bytes[schemeStart..<found.lowerBound].map(ByteSearch.lower), as: UTF8.self)
            var matchedScheme = scheme
            if !schemes.contains(scheme) {
                // "xhttps://" glued to a preceding word: take the longest known suffix.
                guard let suffix = ["https", "http", "ftps", "sftp", "ftp"].first(where: { scheme.hasSuffix($0) }) else { continue }
                matchedScheme = suffix
                schemeStart = found.lowerBound - suffix.utf8.count
            }
            var end = found.upperBound
            var parens = 0, brackets = 0
            var inHost = true
            while end < bytes.count {
                let byte = bytes[end]
                if byte >= 0x80 {
                    // An internationalised label in the host ("https://例え.jp/", "https://evil.ウェブ.com/").
                    guard inHost, let labelEnd = idnLabelEnd(bytes, from: end, hostStart: found.upperBound) else { break }
                    end = labelEnd
                    continue
                }
                guard isURLByte(byte) else { break }
                if byte == UInt8(ascii: "/") || byte == UInt8(ascii: "?") || byte == UInt8(ascii: "#") { inHost = false }
                if byte == UInt8(ascii: "(") { parens += 1 }
                if byte == UInt8(ascii: ")") { if parens == 0 { break }; parens -= 1 }
                if byte == UInt8(ascii: "[") { brackets += 1 }
                if byte == UInt8(ascii: "]") { if brackets == 0 && end > found.upperBound { break }; brackets -= 1 }
                end += 1
            }
            while end > found.upperBound, let last = Optional(bytes[end - 1]),
                  last == UInt8(ascii: ".") || last == UInt8(ascii: ",") || last == UInt8(ascii: ";") || last == UInt8(ascii: ":")
                  || last == UInt8(ascii: "!") || last == UInt8(ascii: "?") || last == UInt8(ascii: "'") || last == UInt8(ascii: "*") {
                end -= 1
            }
            guard end > found.upperBound else { continue }
            let host = bytes[found.upperBound..<end].prefix { $0 != UInt8(ascii: "/") && $0 != UInt8(ascii: "?") && $0 != UInt8(ascii: "#") }
            guard host.contains(where: { ($0 >= 0x30 && $0 <= 0x39) || (ByteSearch.lower($0) >= 0x61 && ByteSearch.lower($0) <= 0x7A) || $0 >= 0x80 }) else { continue }
            var url = matchedScheme
            url += String(decoding: bytes[found.lowerBound..<end], as: UTF8.self)
            result.append(url)
            from = end
        }
        return result
    }

    /// The end of a run of non-ASCII bytes starting at `start` inside a URL's host, when the run is
    /// an IDN label: letters only (no Japanese or full-width punctuation), followed by '.', or a
    /// top-level label after '.' that ends the host. Japanese text glued to a URL ("…/a.jpへ") is not.
    private static func idnLabelEnd(_ bytes: [UInt8], from start: Int, hostStart: Int) -> Int? {
        var end = start
        while end < bytes.count, bytes[end] >= 0x80, end - start < 256 { end += 1 }
        for scalar in String(decoding: bytes[start..<end], as: UTF8.self).unicodeScalars {
            let value = scalar.value
            if value < 0xC0 || (0x2000...0x206F).contains(value) || (0x3000...0x303F).contains(value)
                || (0xFF01...0xFF0F).contains(value) || (0xFF1A...0xFF20).contains(value) || (0xFF3B...0xFF40).contains(value)
                || (0xFF5B...0xFF65).contains(value) || value == 0xFFFD || !scalar.properties.isAlphabetic {
                return nil
            }
        }
        let next = end < bytes.count ? bytes[end] : 0x20
        let previous = start > hostStart ? bytes[start - 1] : UInt8(ascii: "/")
        if next == UInt8(ascii: ".") { return end }
        if previous == UInt8(ascii: "."), next == UInt8(ascii: "/") || next == UInt8(ascii: ":") || next == UInt8(ascii: "?")
            || next == UInt8(ascii: "#") || next <= 0x20 || next >= 0x80 {
            return end
        }
        return nil
    }

    /// Normalises a link attribute value: refanged, entity-decoded already; nil unless http(s)/ftp.
    static func attributeURL(_ value: String) -> String? {
        let refanged = refang(value.trimmingASCIIWhitespace())
        guard let colon = refanged.firstIndex(of: ":") else { return nil }
        let scheme = refanged[..<colon].lowercased()
        guard schemes.contains(scheme), refanged[colon...].hasPrefix("://") else { return nil }
        guard refanged.utf8.contains(where: { $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return refanged }
        var bytes: [UInt8] = []
        for byte in refanged.utf8 where byte != 0x0A && byte != 0x0D && byte != 0x09 {
            if byte == 0x20 { bytes += [0x25, 0x32, 0x30] } else { bytes.append(byte) }
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @inline(__always) private static func isLocalByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "_") || byte == UInt8(ascii: "%") || byte == UInt8(ascii: "+")
            || byte == UInt8(ascii: "-")
    }

    @inline(__always) private static func isDomainByte(_ byte: UInt8) -> Bool {
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
            || byte == UInt8(ascii: ".") || byte == UInt8(ascii: "-")
    }

    /// E-mail addresses in (already refanged) text.
    static func addresses(in text: String) -> [String] {
        let bytes = Array(text.utf8)
        var result: [String] = []
        var from = 0
        while let at = ByteSearch.firstIndex(of: UInt8(ascii: "@"), in: bytes[...], from: from) {
            from = at + 1
            var start = at
            while start > 0, isLocalByte(bytes[start - 1]) { start -= 1 }
            while start < at, bytes[start] == UInt8(ascii: ".") { start += 1 }
            var end = at + 1
            while end < bytes.count, isDomainByte(bytes[end]) { end += 1 }
            while end > at + 1, bytes[end - 1] == UInt8(ascii: ".") || bytes[end - 1] == UInt8(ascii: "-") { end -= 1 }
            guard start < at, end > at + 1 else { continue }
            let domain = bytes[(at + 1)..<end]
            guard let lastDot = domain.lastIndex(of: UInt8(ascii: ".")), lastDot > at + 1 else { continue }
            let tld = bytes[(lastDot + 1)..<end]
            guard tld.count >= 2, tld.allSatisfy({ ByteSearch.lower($0) >= 0x61 && ByteSearch.lower($0) <= 0x7A }) else { continue }
            result.append(String(decoding: bytes[start..<end], as: UTF8.self))
            from = end
        }
        return result
    }
}
