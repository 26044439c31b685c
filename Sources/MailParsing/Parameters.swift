// MailParsing — Parameters.swift
// Content-Type / Content-Disposition values: the type and its parameters, quoted strings, RFC 2231
// continuations (name*0*=, name*1=) with charset'lang' prefixes, and RFC 2047 words in quoted values.

import Foundation

struct ContentParameters: Sendable {
    /// Lower-cased main value ("text/plain", "attachment"); empty when absent.
    var value: String
    /// Lower-cased parameter names → decoded values.
    var parameters: [String: String]

    /// Parses a raw (not RFC 2047-decoded) header value.
    ///
    /// ```swift
    /// let type = ContentParameters.parse("text/plain; charset=\"ISO-2022-JP\"")
    /// type.value                  // "text/plain"
    /// type.parameters["charset"]  // "ISO-2022-JP"
    /// ```
    static func parse(_ raw: String) -> ContentParameters {
        let bytes = Array(HeaderParser.unfold(raw).utf8)
        var index = 0
        let count = bytes.count
        // Main value, up to the first ';' (comments dropped).
        var main: [UInt8] = []
        while index < count, bytes[index] != UInt8(ascii: ";") {
            if bytes[index] == UInt8(ascii: "(") { index = skipComment(bytes, from: index); continue }
            if !ByteSearch.isWhitespace(bytes[index]) && bytes[index] != UInt8(ascii: "\"") { main.append(ByteSearch.lower(bytes[index])) }
            index += 1
        }
        struct Section { var number: Int; var extended: Bool; var value: String }
        var plain: [String: String] = [:]
        var sections: [String: [Section]] = [:]
        var order: [String] = []
        while index < count {
            while index < count, bytes[index] == UInt8(ascii: ";") || ByteSearch.isWhitespace(bytes[index]) { index += 1 }
            if index >= count { break }
            let nameStart = index
            while index < count, bytes[index] != UInt8(ascii: "="), bytes[index] != UInt8(ascii: ";") { index += 1 }
            let name = String(decoding: ByteSearch.trimmed(bytes[nameStart..<index]), as: UTF8.self).lowercased()
            guard index < count, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            while index < count, bytes[index] == 0x20 || bytes[index] == 0x09 { index += 1 }
            var value: [UInt8] = []
            if index < count, bytes[index] == UInt8(ascii: "\"") {
                index += 1
                while index < count, bytes[index] != UInt8(ascii: "\"") {
                    if bytes[index] == UInt8(ascii: "\\"), index + 1 < count { index += 1 }
                    value.append(bytes[index])
                    index += 1
                }
                index += 1
                // Anything after the closing quote up to ';' is junk.
                while index < count, bytes[index] != UInt8(ascii: ";") { index += 1 }
            } else {
                let valueStart = index
                while index < count, bytes[index] != UInt8(ascii: ";") { index += 1 }
                value = Array(ByteSearch.trimmed(bytes[valueStart..<index]))
                if let comment = value.firstIndex(of: UInt8(ascii: "(")), comment > 0 {
                    value = Array(ByteSearch.trimmed(value[..<comment]))
                }
            }
            let valueString = String(decoding: value, as: UTF8.self)
            if name.isEmpty { continue }
            if let star = name.firstIndex(of: "*") {
                let base = String(name[..<star])
                let rest = name[name.index(after: star)...]
                var extended = false
                var number = 0
                if rest.isEmpty {
                    extended = true
                } else {
                    var digits = rest
                    if digits.hasSuffix("*") { extended = true; digits = digits.dropLast() }
                    number = Int(digits) ?? 0
                }
                if sections[base] == nil { order.append(base) }
                sections[base, default: []].append(Section(number: number, extended: extended, value: valueString))
            } else if plain[name] == nil {
                plain[name] = valueString
            }
        }
        var parameters: [String: String] = [:]
        for (name, value) in plain {
            parameters[name] = EncodedWords.decode(value)
        }
        for base in order {
            guard let parts = sections[base]?.sorted(by: { $0.number < $1.number }) else { continue }
            var charset: String?
            var collected: [UInt8] = []
            for (position, part) in parts.enumerated() {
                var text = Substring(part.value)
                if part.extended && position == 0 {
                    // charset'language'value
                    let pieces = text.split(separator: "'", maxSplits: 2, omittingEmptySubsequences: false)
                    if pieces.count == 3 {
                        charset = pieces[0].isEmpty ? nil : String(pieces[0])
                        text = pieces[2]
                    }
                }
                if part.extended { collected += percentDecoded(text) } else { collected += Array(text.utf8) }
            }
            let decoded: String
            if let charset {
                decoded = Charsets.decode(collected[...], declared: charset).text
            } else if let text = Charsets.strictUTF8(collected[...]) {
                decoded = EncodedWords.decode(text)
            } else {
                decoded = Charsets.guess(collected[...]).text
            }
            parameters[base] = decoded
        }
        return ContentParameters(value: String(decoding: main, as: UTF8.self), parameters: parameters)
    }

    private static func skipComment(_ bytes: [UInt8], from start: Int) -> Int {
        var depth = 0
        var index = start
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "(") { depth += 1 } else if bytes[index] == UInt8(ascii: ")") {
                depth -= 1
                if depth == 0 { return index + 1 }
            } else if bytes[index] == UInt8(ascii: "\\") { index += 1 }
            index += 1
        }
        return index
    }

    static func percentDecoded(_ text: Substring) -> [UInt8] {
        let bytes = Array(text.utf8)
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        var index = 0
        func hex(_ byte: UInt8) -> UInt8? {
            switch byte {
            case 0x30...0x39: return byte - 0x30
            case 0x41...0x46: return byte - 0x37
            case 0x61...0x66: return byte - 0x57
            default: return nil
            }
        }
        while index < bytes.count {
            if bytes[index] == UInt8(ascii: "%"), index + 2 < bytes.count, let high = hex(bytes[index + 1]), let low = hex(bytes[index + 2]) {
                output.append(high << 4 | low)
                index += 3
            } else {
                output.append(bytes[index])
                index += 1
            }
        }
        return output
    }
}
