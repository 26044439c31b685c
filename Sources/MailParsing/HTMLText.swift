// MailParsing — HTMLText.swift
// HTML bodies: text as a reader sees it (tags dropped, script/style skipped, blocks on new lines,
// entities decoded) and the URL-bearing attributes (href, src, action, background) in document order.

import Foundation

enum HTMLText {
    struct Result {
        var text: String
        var attributeURLs: [String]
    }

    private static let blockTags: Set<UInt64> = Set(["p", "div", "br", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6",
                                                     "table", "blockquote", "pre", "hr", "ul", "ol", "title", "th"].map(key))
    private static let urlAttributes: Set<UInt64> = Set(["href", "src", "action", "background", "data", "formaction", "poster"].map(key))
    private static let scriptKey = key("script"), styleKey = key("style"), imgKey = key("img"), tdKey = key("td")

    /// A tag or attribute name packed into an integer (lower-cased; names over 10 bytes share a key per prefix).
    private static func key(_ name: String) -> UInt64 { key(Array(name.utf8)[...]) }

    @inline(__always) private static func key(_ bytes: ArraySlice<UInt8>) -> UInt64 {
        var value: UInt64 = 0
        for byte in bytes.prefix(10) { value = value << 6 | UInt64(ByteSearch.lower(byte) & 0x3F) }
        return value << 4 | UInt64(min(bytes.count, 15))
    }

    /// Converts an HTML document to text and collects its link attributes.
    static func convert(_ html: String) -> Result {
        let bytes = Array(html.utf8)
        var text: [UInt8] = []
        text.reserveCapacity(bytes.count / 2)
        var urls: [String] = []
        var index = 0
        let count = bytes.count
        var skipUntil: UInt64? // closing tag name key for script/style
        var lastWasSpace = true
        while index < count {
            let byte = bytes[index]
            if byte == UInt8(ascii: "<") {
                // Comment?
                if index + 3 < count, bytes[index + 1] == UInt8(ascii: "!"), bytes[index + 2] == UInt8(ascii: "-"), bytes[index + 3] == UInt8(ascii: "-") {
                    if let end = ByteSearch.firstRange(of: Array("-->".utf8), in: bytes[...], from: index + 4) {
                        index = end.upperBound
                    } else {
                        index = count
                    }
                    continue
                }
                // Tag: name then attributes up to '>' (quotes respected).
                var cursor = index + 1
                var closing = false
                if cursor < count, bytes[cursor] == UInt8(ascii: "/") { closing = true; cursor += 1 }
                let nameStart = cursor
                while cursor < count, isNameByte(bytes[cursor]) { cursor += 1 }
                if cursor == nameStart && !(cursor < count && bytes[cursor] == UInt8(ascii: "!")) {
                    // A lone '<' in text.
                    if skipUntil == nil { text.append(byte); lastWasSpace = false }
                    index += 1
                    continue
                }
                let name = key(bytes[nameStart..<cursor])
                let tagEnd = findTagEnd(bytes, from: cursor)
                if let closingName = skipUntil {
                    if closing, name == closingName { skipUntil = nil }
                    index = tagEnd
                    continue
                }
                if !closing {
                    if name == scriptKey || name == styleKey {
                        skipUntil = name
                    } else {
                        collectAttributes(bytes[cursor..<max(cursor, tagEnd - 1)], into: &urls)
                    }
                }
                if blockTags.contains(name) {
                    newline(&text)
                    lastWasSpace = true
                } else if name == imgKey || name == tdKey {
                    if !lastWasSpace { text.append(0x20); lastWasSpace = true }
                }
                index = tagEnd
                continue
            }
            if skipUntil != nil { index += 1; continue }
            if byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D {
                if !lastWasSpace, text.last != 0x0A { text.append(0x20) }
                lastWasSpace = true
                index += 1
                continue
            }
            if byte == UInt8(ascii: "&") {
                let (decoded, next) = decodeEntity(bytes, at: index)
                text += decoded
                index = next
                lastWasSpace = false
                continue
            }
            text.append(byte)
            lastWasSpace = false
            index += 1
        }
        return Result(text: String(decoding: ByteSearch.trimmed(text[...]), as: UTF8.self), attributeURLs: urls)
    }

    /// Ends the current line: trailing spaces dropped, at most one empty line in a row.
    @inline(__always) private static func newline(_ text: inout [UInt8]) {
        while text.last == 0x20 { text.removeLast() }
        let count = text.count
        if count >= 2, text[count - 1] == 0x0A, text[count - 2] == 0x0A { return }
        text.append(0x0A)
    }

    @inline(__always) private static func isNameByte(_ byte: UInt8) -> Bool {
        (byte >= 0x61 && byte <= 0x7A) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x3A
    }

    private static func findTagEnd(_ bytes: [UInt8], from start: Int) -> Int {
        var index = start
        var quote: UInt8?
        while index < bytes.count {
            let byte = bytes[index]
            if let open = quote {
                if byte == open { quote = nil }
            } else if byte == 0x22 || byte == 0x27 {
                quote = byte
            } else if byte == UInt8(ascii: ">") {
                return index + 1
            }
            index += 1
            if index - start > 100_000 { break } // an unterminated quote: give up on this tag
        }
        // Unterminated: end the tag at the next '>' regardless of quotes.
        if let close = ByteSearch.firstIndex(of: UInt8(ascii: ">"), in: bytes[...], from: start) { return close + 1 }
        return bytes.count
    }

    private static func collectAttributes(_ bytes: ArraySlice<UInt8>, into urls: inout [String]) {
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            while index < end, !isNameByte(bytes[index]) { index += 1 }
            let nameStart = index
            while index < end, isNameByte(bytes[index]) { index += 1 }
            let name = key(bytes[nameStart..<index])
            while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
            guard index < end, bytes[index] == UInt8(ascii: "=") else { continue }
            index += 1
            while index < end, bytes[index] == 0x20 || bytes[index] == 0x09 || bytes[index] == 0x0A || bytes[index] == 0x0D { index += 1 }
            var valueStart = index
            var valueEnd = index
            if index < end, bytes[index] == 0x22 || bytes[index] == 0x27 {
                let quote = bytes[index]
                valueStart = index + 1
                valueEnd = valueStart
                while valueEnd < end, bytes[valueEnd] != quote { valueEnd += 1 }
                index = min(end, valueEnd + 1)
            } else {
                while valueEnd < end, !ByteSearch.isWhitespace(bytes[valueEnd]), bytes[valueEnd] != UInt8(ascii: ">") { valueEnd += 1 }
                index = valueEnd
            }
            guard urlAttributes.contains(name) else { continue }
            let value = decodeEntities(bytes[valueStart..<valueEnd]).trimmingASCIIWhitespace()
            if !value.isEmpty { urls.append(value) }
        }
    }

    /// Decodes character references in an attribute value.
    static func decodeEntities(_ bytes: ArraySlice<UInt8>) -> String {
        decodeReferences(bytes, inText: false)
    }

    /// Decodes the character references that a plain-text body carries when HTML was pasted into it:
    /// numeric ones (`&#12454;`, `&#x30A6;`) always, named ones only with their ';' (so that a URL's
    /// "&copy=2" stays as written).
    ///
    /// ```swift
    /// HTMLText.decodeReferencesInText("https://&#x4F8B;&#x3048;.example.jp/?a=1&copy=2")  // "https://例え.example.jp/?a=1&copy=2"
    /// ```
    static func decodeReferencesInText(_ text: String) -> String {
        var text = text
        let hasAmpersand = text.withUTF8 { buffer in
            buffer.baseAddress.map { memchr($0, Int32(UInt8(ascii: "&")), buffer.count) != nil } ?? false
        }
        guard hasAmpersand else { return text }
        return decodeReferences(Array(text.utf8)[...], inText: true)
    }

    private static func decodeReferences(_ bytes: ArraySlice<UInt8>, inText: Bool) -> String {
        guard bytes.contains(UInt8(ascii: "&")) else { return String(decoding: bytes, as: UTF8.self) }
        let array = Array(bytes)
        var output: [UInt8] = []
        output.reserveCapacity(array.count)
        var index = 0
        while index < array.count {
            if array[index] == UInt8(ascii: "&") {
                let (decoded, next) = decodeEntity(array, at: index, context: inText ? .text : .attribute)
                output += decoded
                index = next
            } else {
                output.append(array[index])
                index += 1
            }
        }
        return String(decoding: output, as: UTF8.self)
    }

    private static let named: [String: String] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "copy": "©", "reg": "®",
        "yen": "¥", "hellip": "…", "mdash": "—", "ndash": "–", "laquo": "«", "raquo": "»", "middot": "·",
        "ldquo": "“", "rdquo": "”", "lsquo": "‘", "rsquo": "’", "bull": "•", "trade": "™", "times": "×",
        "sol": "/", "colon": ":", "period": ".", "commat": "@", "lpar": "(", "rpar": ")", "quest": "?",
        "equals": "=", "num": "#", "percnt": "%", "plus": "+", "lsqb": "[", "rsqb": "]", "zwnj": "", "zwj": "",
        "shy": "", "ensp": " ", "emsp": " ", "thinsp": " ",
    ]

    /// Where a reference stands: HTML text, an HTML attribute (a named reference without ';' before
    /// '=' or an alphanumeric is left alone, as browsers do), or a plain-text body (named ones need ';').
    private enum ReferenceContext { case html, attribute, text }

    /// One character reference at `index` ('&'); returns its UTF-8 and the index after it.
    private static func decodeEntity(_ bytes: [UInt8], at index: Int, context: ReferenceContext = .html) -> ([UInt8], Int) {
        var cursor = index + 1
        let limit = min(bytes.count, index + 40)
        if cursor < limit, bytes[cursor] == UInt8(ascii: "#") {
            cursor += 1
            var hex = false
            if cursor < limit, bytes[cursor] == UInt8(ascii: "x") || bytes[cursor] == UInt8(ascii: "X") { hex = true; cursor += 1 }
            let digitsStart = cursor
            var value: UInt32 = 0
            while cursor < limit {
                let byte = bytes[cursor]
                let digit: UInt32?
                switch byte {
                case 0x30...0x39: digit = UInt32(byte - 0x30)
                case 0x61...0x66 where hex: digit = UInt32(byte - 0x57)
                case 0x41...0x46 where hex: digit = UInt32(byte - 0x37)
                default: digit = nil
                }
                guard let digit else { break }
                value = min(value * (hex ? 16 : 10) + digit, 0x110000)
                cursor += 1
            }
            guard cursor > digitsStart else { return ([bytes[index]], index + 1) }
            if cursor < bytes.count, bytes[cursor] == UInt8(ascii: ";") { cursor += 1 }
            let scalar = Unicode.Scalar(value) ?? "\u{FFFD}"
            return (Array(String(Character(scalar)).utf8), cursor)
        }
        let nameStart = cursor
        while cursor < limit, (bytes[cursor] >= 0x61 && bytes[cursor] <= 0x7A) || (bytes[cursor] >= 0x41 && bytes[cursor] <= 0x5A) || (bytes[cursor] >= 0x30 && bytes[cursor] <= 0x39) {
            cursor += 1
        }
        let name = String(decoding: bytes[nameStart..<cursor], as: UTF8.self)
        if let replacement = named[name] ?? named[name.lowercased()] {
            let terminated = cursor < bytes.count && bytes[cursor] == UInt8(ascii: ";")
            if !terminated {
                if context == .text { return ([bytes[index]], index + 1) }
                if context == .attribute, cursor < bytes.count, bytes[cursor] == UInt8(ascii: "=") {
                    return ([bytes[index]], index + 1)
                }
            }
            if terminated { cursor += 1 }
            return (Array(replacement.utf8), cursor)
        }
        return ([bytes[index]], index + 1)
    }
}
