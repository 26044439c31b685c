// STIX — JSONParser.swift
// Owns strict RFC 8259 parsing of bytes into `JSONValue`: a single forward pass that validates
// UTF-8, escapes, number grammar, duplicate keys and the `JSONLimits`, with precise error offsets.

/// Parses JSON documents strictly (RFC 8259).
///
/// Rejected: trailing commas, comments, `NaN`/`Infinity`, leading zeros, single quotes, unescaped
/// control characters in strings, invalid UTF-8 (overlong forms, encoded surrogates, bytes past
/// U+10FFFF), `\u` escapes that leave a surrogate unpaired, duplicate keys in one object, anything
/// after the top-level value, and input beyond `JSONLimits`. A leading UTF-8 byte order mark is
/// ignored (RFC 8259 section 8.1 allows this).
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"name":"青い鳥","tags":["a","b"]}"#.utf8))
/// value["name"]?.stringValue              // "青い鳥"
/// value["tags"]?.arrayValue?.count        // 2
/// ```
public enum JSONParser {
    /// Parses one JSON document from raw bytes. Throws `JSONSyntaxError`.
    public static func parse(_ bytes: UnsafeRawBufferPointer, limits: JSONLimits = .standard) throws -> JSONValue {
        try parseTyped(bytes, limits: limits)
    }

    /// Parses one JSON document from a byte array. Throws `JSONSyntaxError`.
    public static func parse(_ bytes: [UInt8], limits: JSONLimits = .standard) throws -> JSONValue {
        try bytes.withUnsafeBytes { buffer throws(JSONSyntaxError) in try parseTyped(buffer, limits: limits) }
    }

    /// Parses one JSON document from text (its UTF-8). Throws `JSONSyntaxError`.
    public static func parse(_ text: String, limits: JSONLimits = .standard) throws -> JSONValue {
        try parse(Array(text.utf8), limits: limits)
    }

    static func parseTyped(_ buffer: UnsafeRawBufferPointer, limits: JSONLimits) throws(JSONSyntaxError) -> JSONValue {
        guard let base = buffer.baseAddress, buffer.count > 0 else {
            throw JSONSyntaxError(message: "the input is empty (expected a JSON value)", offset: 0)
        }
        var parser = ByteParser(base: base.assumingMemoryBound(to: UInt8.self), count: buffer.count, limits: limits)
        parser.skipByteOrderMark()
        let value = try parser.parseValue()
        try parser.expectEnd()
        return value
    }
}

/// The single-pass byte parser shared by `JSONParser` and `EnvelopeScanner`.
struct ByteParser {
    let bytes: UnsafePointer<UInt8>
    let count: Int
    let maxDepth: Int
    let maxStringBytes: Int
    var position = 0
    var depth = 0

    init(base: UnsafePointer<UInt8>, count: Int, limits: JSONLimits) {
        self.bytes = base
        self.count = count
        self.maxDepth = limits.effectiveDepth
        self.maxStringBytes = max(0, limits.maxStringBytes)
    }

    // MARK: Errors

    func error(_ message: String, at offset: Int) -> JSONSyntaxError {
        JSONSyntaxError(message: message, offset: offset)
    }

    /// A readable description of what is at `offset`.
    func found(at offset: Int) -> String {
        guard offset < count else { return "the end of the input" }
        let byte = bytes[offset]
        if byte >= 0x21 && byte < 0x7F { return "'\(Character(Unicode.Scalar(byte)))'" }
        switch byte {
        case 0x20: return "a space"
        case 0x0A: return "a line feed"
        case 0x0D: return "a carriage return"
        case 0x09: return "a tab"
        default: return "byte 0x" + hex2(byte)
        }
    }

    func hex2(_ byte: UInt8) -> String {
        let digits = Array("0123456789ABCDEF")
        return String([digits[Int(byte >> 4)], digits[Int(byte & 0xF)]])
    }

    // MARK: Structure

    mutating func skipByteOrderMark() {
        if count >= 3 && bytes[0] == 0xEF && bytes[1] == 0xBB && bytes[2] == 0xBF { position = 3 }
    }

    @inline(__always)
    mutating func skipWhitespace() {
        while position < count {
            let byte = bytes[position]
            if byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 {
                position += 1
            } else {
                return
            }
        }
    }

    mutating func expectEnd() throws(JSONSyntaxError) {
        skipWhitespace()
        if position < count {
            throw error("unexpected \(found(at: position)) after the end of the JSON value", at: position)
        }
    }

    mutating func parseValue() throws(JSONSyntaxError) -> JSONValue {
        skipWhitespace()
        guard position < count else {
            throw error("expected a value but the input ended", at: position)
        }
        switch bytes[position] {
        case UInt8(ascii: "\""): return .string(try parseString())
        case UInt8(ascii: "{"): return .object(try parseObject())
        case UInt8(ascii: "["): return .array(try parseArray())
        case UInt8(ascii: "t"): try expectLiteral("true"); return .bool(true)
        case UInt8(ascii: "f"): try expectLiteral("false"); return .bool(false)
        case UInt8(ascii: "n"): try expectLiteral("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try parseNumber())
        default:
            throw error("expected a value (object, array, string, number, true, false or null) but found \(found(at: position))",
                        at: position)
        }
    }

    mutating func expectLiteral(_ literal: StaticString) throws(JSONSyntaxError) {
        let length = literal.utf8CodeUnitCount
        let text = literal.utf8Start
        let start = position
        for offset in 0..<length {
            guard start + offset < count, bytes[start + offset] == text[offset] else {
                throw error("invalid literal (expected '\(literal)')", at: start)
            }
        }
        position = start + length
    }

    @inline(__always)
    mutating func enterContainer() throws(JSONSyntaxError) {
        depth += 1
        if depth > maxDepth {
            throw error("nesting is deeper than the limit of \(maxDepth) levels", at: position)
        }
    }

    mutating func parseObject() throws(JSONSyntaxError) -> JSONObject {
        try enterContainer()
        position += 1  // '{'
        skipWhitespace()
        if position < count && bytes[position] == UInt8(ascii: "}") {
            position += 1
            depth -= 1
            return JSONObject()
        }
        var keys: [String] = []
        var values: [JSONValue] = []
        keys.reserveCapacity(8)
        values.reserveCapacity(8)
        var seen: Set<String>? = nil
        while true {
            let key = try parseMemberName(closing: "}")
            try checkDuplicate(key, in: &keys, seen: &seen)
            try expectColon()
            values.append(try parseValue())
            skipWhitespace()
            guard position < count else {
                throw error("unterminated object: expected ',' or '}' but the input ended", at: position)
            }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "}") { break }
            throw error("expected ',' or '}' after an object member but found \(found(at: position - 1))", at: position - 1)
        }
        depth -= 1
        return JSONObject(uniqueKeys: keys, values: values)
    }

    /// Reads `"name"` (after optional whitespace); `closing` is the container's closing bracket,
    /// named in the trailing-comma message.
    mutating func parseMemberName(closing: Character) throws(JSONSyntaxError) -> String {
        skipWhitespace()
        guard position < count, bytes[position] == UInt8(ascii: "\"") else {
            if position < count && bytes[position] == UInt8(ascii: "}") {
                throw error("a trailing comma before '}' is not allowed", at: position)
            }
            throw error("expected a member name in double quotes but found \(found(at: position))", at: position)
        }
        return try parseString()
    }

    @inline(__always)
    mutating func checkDuplicate(_ key: String, in keys: inout [String], seen: inout Set<String>?) throws(JSONSyntaxError) {
        if seen != nil {
            if !seen!.insert(key).inserted { throw duplicate(key) }
        } else {
            let length = key.utf8.count
            for existing in keys where existing.utf8.count == length && existing == key { throw duplicate(key) }
            if keys.count >= 32 { seen = Set(keys); seen!.insert(key) }
        }
        keys.append(key)
    }

    func duplicate(_ key: String) -> JSONSyntaxError {
        // `position` is just past the name; point at its opening quote.
        let start = max(0, position - key.utf8.count - 2)
        return error("duplicate member name \"\(key.prefix(100))\" in one object", at: start)
    }

    mutating func expectColon() throws(JSONSyntaxError) {
        skipWhitespace()
        guard position < count, bytes[position] == UInt8(ascii: ":") else {
            throw error("expected ':' after a member name but found \(found(at: position))", at: position)
        }
        position += 1
    }

    mutating func parseArray() throws(JSONSyntaxError) -> [JSONValue] {
        try enterContainer()
        position += 1  // '['
        skipWhitespace()
        if position < count && bytes[position] == UInt8(ascii: "]") {
            position += 1
            depth -= 1
            return []
        }
        var elements: [JSONValue] = []
        while true {
            try checkNotTrailingComma(closing: UInt8(ascii: "]"), afterComma: !elements.isEmpty)
            elements.append(try parseValue())
            skipWhitespace()
            guard position < count else {
                throw error("unterminated array: expected ',' or ']' but the input ended", at: position)
            }
            let byte = bytes[position]
            position += 1
            if byte == UInt8(ascii: ",") { continue }
            if byte == UInt8(ascii: "]") { break }
            throw error("expected ',' or ']' after an array element but found \(found(at: position - 1))", at: position - 1)
        }
        depth -= 1
        return elements
    }

    @inline(__always)
    mutating func checkNotTrailingComma(closing: UInt8, afterComma: Bool) throws(JSONSyntaxError) {
        guard afterComma else { return }
        skipWhitespace()
        if position < count && bytes[position] == closing {
            throw error("a trailing comma before '\(Character(Unicode.Scalar(closing)))' is not allowed", at: position)
        }
    }

    // MARK: Numbers

    @inline(__always)
    func isDigit(_ offset: Int) -> Bool {
        offset < count && bytes[offset] >= UInt8(ascii: "0") && bytes[offset] <= UInt8(ascii: "9")
    }

    mutating func parseNumber() throws(JSONSyntaxError) -> String {
        let start = position
        var i = position
        if bytes[i] == UInt8(ascii: "-") { i += 1 }
        guard isDigit(i) else {
            throw error("a number needs a digit after '-' (NaN and Infinity are not JSON)", at: i)
        }
        if bytes[i] == UInt8(ascii: "0") {
            i += 1
            if isDigit(i) { throw error("numbers must not have leading zeros", at: start) }
        } else {
            while isDigit(i) { i += 1 }
        }
        if i < count && bytes[i] == UInt8(ascii: ".") {
            i += 1
            guard isDigit(i) else { throw error("expected a digit after the decimal point", at: i) }
            while isDigit(i) { i += 1 }
        }
        if i < count && (bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E")) {
            i += 1
            if i < count && (bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-")) { i += 1 }
            guard isDigit(i) else { throw error("expected a digit in the exponent", at: i) }
            while isDigit(i) { i += 1 }
        }
        if i - start > maxStringBytes {
            throw error("number literal is longer than the limit of \(maxStringBytes) bytes", at: start)
        }
        position = i
        return String(decoding: UnsafeBufferPointer(start: bytes + start, count: i - start), as: UTF8.self)
    }

    // MARK: Strings

    /// Parses a string starting at the opening quote at `position`.
    mutating func parseString() throws(JSONSyntaxError) -> String {
        let open = position
        let start = open + 1
        // Content may be at most maxStringBytes long; scanning stops one byte past that.
        let scanEnd = count - start > maxStringBytes ? start + maxStringBytes + 1 : count
        var i = start
        while i < scanEnd {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                position = i + 1
                return String(decoding: UnsafeBufferPointer(start: bytes + start, count: i - start), as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                return try parseEscapedString(open: open, start: start, firstEscape: i, scanEnd: scanEnd)
            }
            if byte < 0x20 { throw controlCharacter(byte, at: i) }
            if byte < 0x80 { i += 1 } else { i = try validateUTF8(at: i) }
        }
        throw unfinishedString(open: open, scanEnd: scanEnd)
    }

    func unfinishedString(open: Int, scanEnd: Int) -> JSONSyntaxError {
        if scanEnd < count {
            return error("string is longer than the limit of \(maxStringBytes) bytes", at: open)
        }
        return error("unterminated string (no closing '\"')", at: open)
    }

    func controlCharacter(_ byte: UInt8, at offset: Int) -> JSONSyntaxError {
        error("control character 0x\(hex2(byte)) must be escaped inside a string", at: offset)
    }

    mutating func parseEscapedString(open: Int, start: Int, firstEscape: Int, scanEnd: Int) throws(JSONSyntaxError) -> String {
        var buffer: [UInt8] = []
        buffer.reserveCapacity(firstEscape - start + 32)
        buffer.append(contentsOf: UnsafeBufferPointer(start: bytes + start, count: firstEscape - start))
        var i = firstEscape
        while i < scanEnd {
            let byte = bytes[i]
            if byte == UInt8(ascii: "\"") {
                position = i + 1
                return String(decoding: buffer, as: UTF8.self)
            }
            if byte == UInt8(ascii: "\\") {
                guard i + 1 < count else { break }
                switch bytes[i + 1] {
                case UInt8(ascii: "\""): buffer.append(0x22)
                case UInt8(ascii: "\\"): buffer.append(0x5C)
                case UInt8(ascii: "/"): buffer.append(0x2F)
                case UInt8(ascii: "b"): buffer.append(0x08)
                case UInt8(ascii: "f"): buffer.append(0x0C)
                case UInt8(ascii: "n"): buffer.append(0x0A)
                case UInt8(ascii: "r"): buffer.append(0x0D)
                case UInt8(ascii: "t"): buffer.append(0x09)
                case UInt8(ascii: "u"):
                    let (scalar, next) = try parseUnicodeEscape(at: i)
                    appendUTF8(scalar, to: &buffer)
                    i = next
                    continue
                default:
                    throw error("invalid escape sequence '\\\(found(at: i + 1).trimmingQuotes)' in a string", at: i)
                }
                i += 2
                continue
            }
            if byte < 0x20 { throw controlCharacter(byte, at: i) }
            if byte < 0x80 {
                buffer.append(byte)
                i += 1
            } else {
                let next = try validateUTF8(at: i)
                buffer.append(contentsOf: UnsafeBufferPointer(start: bytes + i, count: next - i))
                i = next
            }
        }
        throw unfinishedString(open: open, scanEnd: scanEnd)
    }

    func hexValue(_ offset: Int) -> UInt32? {
        guard offset < count else { return nil }
        let byte = bytes[offset]
        switch byte {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): return UInt32(byte - UInt8(ascii: "0"))
        case UInt8(ascii: "a")...UInt8(ascii: "f"): return UInt32(byte - UInt8(ascii: "a") + 10)
        case UInt8(ascii: "A")...UInt8(ascii: "F"): return UInt32(byte - UInt8(ascii: "A") + 10)
        default: return nil
        }
    }

    /// Four hex digits at `offset`.
    func hex4(_ offset: Int) -> UInt32? {
        guard let a = hexValue(offset), let b = hexValue(offset + 1), let c = hexValue(offset + 2),
              let d = hexValue(offset + 3) else { return nil }
        return a << 12 | b << 8 | c << 4 | d
    }

    /// `\uXXXX` (or a surrogate pair `\uD83D\uDE00`) at `offset` (the backslash); returns the
    /// scalar and the offset just past the escape.
    func parseUnicodeEscape(at offset: Int) throws(JSONSyntaxError) -> (Unicode.Scalar, Int) {
        guard let unit = hex4(offset + 2) else {
            throw error("invalid \\u escape (expected four hexadecimal digits)", at: offset)
        }
        if unit >= 0xDC00 && unit <= 0xDFFF {
            throw error("lone low surrogate \\u\(hexUnit(unit)) in a string (not valid Unicode)", at: offset)
        }
        if unit >= 0xD800 && unit <= 0xDBFF {
            let next = offset + 6
            guard next + 1 < count, bytes[next] == UInt8(ascii: "\\"), bytes[next + 1] == UInt8(ascii: "u"),
                  let low = hex4(next + 2), low >= 0xDC00 && low <= 0xDFFF else {
                throw error("lone high surrogate \\u\(hexUnit(unit)) not followed by a low surrogate (not valid Unicode)",
                            at: offset)
            }
            let value = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
            return (Unicode.Scalar(value)!, next + 6)
        }
        return (Unicode.Scalar(unit)!, offset + 6)
    }

    func hexUnit(_ unit: UInt32) -> String {
        hex2(UInt8(unit >> 8)) + hex2(UInt8(unit & 0xFF))
    }

    @inline(__always)
    func appendUTF8(_ scalar: Unicode.Scalar, to buffer: inout [UInt8]) {
        let value = scalar.value
        switch value {
        case 0..<0x80:
            buffer.append(UInt8(value))
        case 0x80..<0x800:
            buffer.append(UInt8(0xC0 | (value >> 6)))
            buffer.append(UInt8(0x80 | (value & 0x3F)))
        case 0x800..<0x10000:
            buffer.append(UInt8(0xE0 | (value >> 12)))
            buffer.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (value & 0x3F)))
        default:
            buffer.append(UInt8(0xF0 | (value >> 18)))
            buffer.append(UInt8(0x80 | ((value >> 12) & 0x3F)))
            buffer.append(UInt8(0x80 | ((value >> 6) & 0x3F)))
            buffer.append(UInt8(0x80 | (value & 0x3F)))
        }
    }

    /// Validates one multi-byte UTF-8 sequence starting at `offset` (whose first byte is >= 0x80)
    /// per Unicode Table 3-7; returns the offset just past it.
    @inline(__always)
    func validateUTF8(at offset: Int) throws(JSONSyntaxError) -> Int {
        let lead = bytes[offset]
        @inline(__always) func continuation(_ index: Int, _ low: UInt8 = 0x80, _ high: UInt8 = 0xBF) -> Bool {
            index < count && bytes[index] >= low && bytes[index] <= high
        }
        switch lead {
        case 0xC2...0xDF:
            if continuation(offset + 1) { return offset + 2 }
        case 0xE0:
            if continuation(offset + 1, 0xA0, 0xBF) && continuation(offset + 2) { return offset + 3 }
        case 0xE1...0xEC, 0xEE...0xEF:
            if continuation(offset + 1) && continuation(offset + 2) { return offset + 3 }
        case 0xED:
            if continuation(offset + 1, 0x80, 0x9F) && continuation(offset + 2) { return offset + 3 }
        case 0xF0:
            if continuation(offset + 1, 0x90, 0xBF) && continuation(offset + 2) && continuation(offset + 3) { return offset + 4 }
        case 0xF1...0xF3:
            if continuation(offset + 1) && continuation(offset + 2) && continuation(offset + 3) { return offset + 4 }
        case 0xF4:
            if continuation(offset + 1, 0x80, 0x8F) && continuation(offset + 2) && continuation(offset + 3) { return offset + 4 }
        default:
            break
        }
        throw error("invalid UTF-8 (byte 0x\(hex2(lead)) does not start a valid sequence)", at: offset)
    }
}

extension String {
    /// "'x'" -> "x" (for quoting a found character inside another message).
    var trimmingQuotes: String {
        if count >= 3 && first == "'" && last == "'" { return String(dropFirst().dropLast()) }
        return self
    }
}
