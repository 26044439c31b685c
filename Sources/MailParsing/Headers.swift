// MailParsing — Headers.swift
// The header block: splitting fields (folding, mbox "From " line, missing blank line), decoding raw
// 8-bit values heuristically, and case-insensitive lookup that keeps the original order.

import Foundation

/// One header field.
public struct MailHeader: Sendable, Hashable {
    /// The field name as written (e.g. "Subject").
    public let name: String
    /// The value as written after the colon, folding kept; raw 8-bit bytes decoded heuristically,
    /// encoded words left as they are.
    public let rawValue: String
    /// Unfolded, trimmed and with RFC 2047 encoded words decoded.
    public let value: String

    let lowercasedName: String
}

/// All header fields of a message or MIME part, in order, with case-insensitive lookup.
///
/// ```swift
/// let message = try MailMessage.parse(bytes)
/// let subject = message.headers["subject"]               // first value, decoded
/// let hops = message.headers.values(for: "Received")      // every value, in order
/// ```
public struct MailHeaders: Sendable, Hashable, Sequence {
    public private(set) var fields: [MailHeader]

    init(fields: [MailHeader]) { self.fields = fields }

    /// The decoded value of the first field named `name` (any case).
    public subscript(_ name: String) -> String? {
        let key = name.lowercased()
        return fields.first { $0.lowercasedName == key }?.value
    }

    /// The decoded values of every field named `name`, in order.
    public func values(for name: String) -> [String] {
        let key = name.lowercased()
        return fields.filter { $0.lowercasedName == key }.map(\.value)
    }

    /// Every field named `name`, in order.
    public func fields(named name: String) -> [MailHeader] {
        let key = name.lowercased()
        return fields.filter { $0.lowercasedName == key }
    }

    func first(_ lowercasedName: String) -> MailHeader? {
        fields.first { $0.lowercasedName == lowercasedName }
    }

    public func makeIterator() -> IndexingIterator<[MailHeader]> { fields.makeIterator() }
}

/// The result of splitting a header block.
struct HeaderBlock {
    var headers: MailHeaders
    /// Where the body starts in the bytes.
    var bodyStart: Int
    var warnings: [String]
}

enum HeaderParser {
    private struct RawField {
        var name: Range<Int>
        var value: Range<Int>
    }

    /// Splits the header block at the start of `bytes`. Returns nil when no header field at all is found.
    static func parse(_ bytes: ArraySlice<UInt8>, isTopLevel: Bool) -> HeaderBlock? {
        var warnings: [String] = []
        var lines = Lines(bytes)
        var rawFields: [RawField] = []
        var bodyStart = bytes.endIndex
        var first = true
        var skippedLeadingBlank = false
        while let (content, next) = lines.nextLine() {
            let line = bytes[content]
            if first {
                if line.isEmpty && rawFields.isEmpty && isTopLevel {
                    skippedLeadingBlank = true
                    continue // leading blank lines before the headers
                }
                first = false
                if isTopLevel, ByteSearch.hasPrefix(line, "From ", caseInsensitive: false) {
                    continue // mbox separator line
                }
            }
            if line.isEmpty {
                bodyStart = next
                break
            }
            let firstByte = line[line.startIndex]
            if firstByte == 0x20 || firstByte == 0x09 {
                if !rawFields.isEmpty {
                    rawFields[rawFields.count - 1].value = rawFields[rawFields.count - 1].value.lowerBound..<content.upperBound
                    continue
                }
                if !isTopLevel {
                    // A part whose "headers" start with whitespace: a missing blank line; it is body.
                    bodyStart = content.lowerBound
                    break
                }
                continue
            }
            if let colon = fieldNameEnd(line) {
                var nameEnd = colon
                while nameEnd > content.lowerBound, bytes[nameEnd - 1] == 0x20 || bytes[nameEnd - 1] == 0x09 { nameEnd -= 1 }
                rawFields.append(RawField(name: content.lowerBound..<nameEnd, value: (colon + 1)..<content.upperBound))
                continue
            }
            if ByteSearch.hasPrefix(line, ">From ", caseInsensitive: false) && rawFields.count < 2 { continue }
            // Not a header line.
            if rawFields.isEmpty {
                if isTopLevel { return nil }
                bodyStart = content.lowerBound
                break
            }
            warnings.append("missing blank line between header and body")
            bodyStart = content.lowerBound
            break
        }
        if skippedLeadingBlank { warnings.append("blank lines before the header skipped") }
        if isTopLevel && rawFields.isEmpty { return nil }

        // A charset hint for raw 8-bit header values: the top-level Content-Type charset.
        var hint: String?
        for field in rawFields where ByteSearch.hasPrefix(bytes[field.name], "content-type") && bytes[field.name].count == 12 {
            let value = String(decoding: bytes[field.value], as: UTF8.self)
            hint = ContentParameters.parse(value).parameters["charset"]
            break
        }
        var fields: [MailHeader] = []
        fields.reserveCapacity(rawFields.count)
        var eightBitNames: [String] = []
        for field in rawFields {
            let name = String(decoding: bytes[field.name], as: UTF8.self)
            var valueBytes = bytes[field.value]
            if valueBytes.contains(0) {
                valueBytes = ArraySlice(valueBytes.filter { $0 != 0 })
            }
            let raw: String
            if Charsets.isASCII(valueBytes) && !valueBytes.contains(0x1B) {
                raw = String(decoding: valueBytes, as: UTF8.self)
            } else {
                if !valueBytes.contains(0x1B) { eightBitNames.append(name) }
                if let hint, let label = Optional(Charsets.normalizedLabel(hint)), label != "us-ascii",
                   let text = Charsets.strict(valueBytes, label: label) {
                    raw = text
                } else {
                    raw = Charsets.guess(valueBytes).text
                }
            }
            let value = EncodedWords.decode(unfold(raw))
            fields.append(MailHeader(name: name, rawValue: raw, value: value, lowercasedName: name.lowercased()))
        }
        if !eightBitNames.isEmpty {
            let names = eightBitNames.prefix(5).joined(separator: ", ")
            warnings.append("8-bit bytes in header fields (\(names)\(eightBitNames.count > 5 ? ", …" : "")) decoded heuristically")
        }
        return HeaderBlock(headers: MailHeaders(fields: fields), bodyStart: bodyStart, warnings: warnings)
    }

    /// The index of the colon ending a valid field name, or nil.
    private static func fieldNameEnd(_ line: ArraySlice<UInt8>) -> Int? {
        var index = line.startIndex
        var sawName = false
        var sawSpace = false
        while index < line.endIndex {
            let byte = line[index]
            if byte == UInt8(ascii: ":") { return sawName ? index : nil }
            if byte == 0x20 || byte == 0x09 {
                if !sawName { return nil }
                sawSpace = true
            } else {
                if sawSpace { return nil } // "Subject X: ..." is not a field
                if byte < 33 || byte > 126 { return nil }
                sawName = true
            }
            index += 1
            if index - line.startIndex > 200 { return nil }
        }
        return nil
    }

    /// RFC 5322 unfolding: CR and LF removed, the whitespace after them kept.
    static func unfold(_ value: String) -> String {
        if !value.utf8.contains(0x0A) && !value.utf8.contains(0x0D) { return value.trimmingASCIIWhitespace() }
        var bytes = [UInt8]()
        bytes.reserveCapacity(value.utf8.count)
        for byte in value.utf8 where byte != 0x0A && byte != 0x0D { bytes.append(byte) }
        return String(decoding: bytes, as: UTF8.self).trimmingASCIIWhitespace()
    }
}
