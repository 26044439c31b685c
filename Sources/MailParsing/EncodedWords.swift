// MailParsing — EncodedWords.swift
// RFC 2047 encoded words (=?charset?B|Q?text?=): several charsets in one value, whitespace between
// adjacent words dropped, adjacent words of one charset decoded together (split multibyte characters).

import Foundation

enum EncodedWords {
    private enum Segment {
        case text(ArraySlice<UInt8>)
        case word(charset: String, encoding: UInt8, text: ArraySlice<UInt8>)
    }

    /// Decodes every encoded word in `value`; text outside encoded words is kept.
    ///
    /// ```swift
    /// EncodedWords.decode("=?ISO-2022-JP?B?GyRCJDMkcxsoQg==?= world")  // "こん world"
    /// ```
    static func decode(_ value: String) -> String {
        let bytes = Array(value.utf8)
        guard ByteSearch.firstRange(of: [0x3D, 0x3F], in: bytes[...], from: 0) != nil else { return value }
        let segments = split(bytes)
        var output = ""
        var index = 0
        while index < segments.count {
            switch segments[index] {
            case .text(let text):
                output += String(decoding: text, as: UTF8.self)
                index += 1
            case .word(let charset, _, _):
                // Gather adjacent words with the same charset, skipping whitespace-only text between them.
                var group: [Segment] = [segments[index]]
                var next = index + 1
                while next < segments.count {
                    if case .word(let other, _, _) = segments[next] {
                        if other.lowercased() == charset.lowercased() { group.append(segments[next]); next += 1; continue }
                        break
                    }
                    if case .text(let text) = segments[next], text.allSatisfy(ByteSearch.isWhitespace),
                       next + 1 < segments.count, case .word = segments[next + 1] {
                        if case .word(let following, _, _) = segments[next + 1], following.lowercased() == charset.lowercased() {
                            next += 1
                            continue
                        }
                        break
                    }
                    break
                }
                output += decodeGroup(group, charset: charset)
                // Whitespace between this group and a following word of another charset is dropped too.
                if next < segments.count, case .text(let text) = segments[next],
                   text.allSatisfy(ByteSearch.isWhitespace), next + 1 < segments.count,
                   case .word = segments[next + 1] {
                    next += 1
                }
                index = next
            }
        }
        return output
    }

    private static func decodeGroup(_ group: [Segment], charset: String) -> String {
        var decoded: [UInt8] = []
        var pendingBase64: [UInt8] = []
        var issues = TransferDecodingIssues()
        for segment in group {
            guard case .word(_, let encoding, let text) = segment else { continue }
            if encoding == UInt8(ascii: "B") || encoding == UInt8(ascii: "b") {
                pendingBase64.append(contentsOf: text)
            } else {
                if !pendingBase64.isEmpty {
                    decoded += TransferDecoder.base64(pendingBase64[...], issues: &issues)
                    pendingBase64.removeAll()
                }
                decoded += TransferDecoder.quotedPrintable(text, header: true, issues: &issues)
            }
        }
        if !pendingBase64.isEmpty { decoded += TransferDecoder.base64(pendingBase64[...], issues: &issues) }
        var label = charset
        if let star = label.firstIndex(of: "*") { label = String(label[..<star]) } // RFC 2231 language suffix
        return Charsets.decode(decoded[...], declared: label).text
    }

    private static func split(_ bytes: [UInt8]) -> [Segment] {
        var segments: [Segment] = []
        var textStart = 0
        var index = 0
        let slice = bytes[...]
        while let start = ByteSearch.firstRange(of: [0x3D, 0x3F], in: slice, from: index) {
            // =?charset?E?text?=
            let charsetStart = start.upperBound
            guard let charsetEnd = ByteSearch.firstIndex(of: 0x3F, in: slice, from: charsetStart),
                  charsetEnd > charsetStart, charsetEnd - charsetStart < 64,
                  charsetEnd + 2 < bytes.count, bytes[charsetEnd + 2] == 0x3F else {
                index = start.lowerBound + 1
                continue
            }
            let encoding = bytes[charsetEnd + 1]
            let charsetBytes = bytes[charsetStart..<charsetEnd]
            guard encoding == 0x42 || encoding == 0x62 || encoding == 0x51 || encoding == 0x71,
                  !charsetBytes.contains(where: { $0 <= 0x20 || $0 >= 0x7F }) else {
                index = start.lowerBound + 1
                continue
            }
            let textStartIndex = charsetEnd + 3
            guard let textEnd = ByteSearch.firstRange(of: [0x3F, 0x3D], in: slice, from: textStartIndex) else {
                index = start.lowerBound + 1
                continue
            }
            if start.lowerBound > textStart { segments.append(.text(bytes[textStart..<start.lowerBound])) }
            let text = bytes[textStartIndex..<textEnd.lowerBound]
            segments.append(.word(charset: String(decoding: charsetBytes, as: UTF8.self), encoding: encoding, text: text))
            index = textEnd.upperBound
            textStart = index
        }
        if textStart < bytes.count { segments.append(.text(bytes[textStart...])) }
        return segments
    }
}
