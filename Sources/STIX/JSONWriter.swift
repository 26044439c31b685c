// STIX — JSONWriter.swift
// Owns turning a `JSONValue` back into compact JSON bytes (members in order, numbers verbatim,
// minimal escaping, non-ASCII text written as UTF-8).

extension JSONValue {
    /// Compact JSON (no insignificant whitespace). Members keep their order, numbers their literal
    /// text; only `"`, `\` and control characters are escaped, so Japanese text stays readable UTF-8.
    ///
    /// ```swift
    /// let value: JSONValue = ["type": "note", "content": "注意\n"]
    /// String(decoding: value.serialized(), as: UTF8.self)   // {"type":"note","content":"注意\n"}
    /// ```
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(256)
        serialize(into: &out)
        return out
    }

    /// `serialized()` as a String.
    public var serializedText: String { String(decoding: serialized(), as: UTF8.self) }

    /// Appends the compact JSON for this value to `out`.
    public func serialize(into out: inout [UInt8]) {
        switch self {
        case .null: out.append(contentsOf: "null".utf8)
        case .bool(let b): out.append(contentsOf: (b ? "true" : "false").utf8)
        case .number(let text): out.append(contentsOf: text.utf8)
        case .string(let s): JSONWriter.writeString(s, into: &out)
        case .array(let elements):
            out.append(UInt8(ascii: "["))
            for (position, element) in elements.enumerated() {
                if position > 0 { out.append(UInt8(ascii: ",")) }
                element.serialize(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let object):
            object.serialize(into: &out)
        }
    }
}

extension JSONObject {
    /// Appends the compact JSON for this object to `out`.
    public func serialize(into out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        for position in keys.indices {
            if position > 0 { out.append(UInt8(ascii: ",")) }
            JSONWriter.writeString(keys[position], into: &out)
            out.append(UInt8(ascii: ":"))
            values[position].serialize(into: &out)
        }
        out.append(UInt8(ascii: "}"))
    }

    /// Compact JSON for this object.
    public func serialized() -> [UInt8] {
        var out: [UInt8] = []
        serialize(into: &out)
        return out
    }
}

/// Writes JSON text directly, for writers that produce large documents without building a `JSONValue`.
///
/// ```swift
/// var out: [UInt8] = []
/// JSONWriter.writeString("注意\n", into: &out)   // "注意\n" with the line break escaped
/// ```
public enum JSONWriter {
    static let hexDigits: [UInt8] = Array("0123456789abcdef".utf8)

    /// Appends `string` as a JSON string: only `"`, `\` and control characters are escaped; runs
    /// of other bytes are copied at once.
    public static func writeString(_ string: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        var string = string
        string.withUTF8 { bytes in
            var start = 0
            for index in 0..<bytes.count {
                let byte = bytes[index]
                guard byte < 0x20 || byte == UInt8(ascii: "\"") || byte == UInt8(ascii: "\\") else { continue }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start..<index]))
                start = index + 1
                out.append(UInt8(ascii: "\\"))
                switch byte {
                case UInt8(ascii: "\""): out.append(UInt8(ascii: "\""))
                case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\"))
                case 0x0A: out.append(UInt8(ascii: "n"))
                case 0x0D: out.append(UInt8(ascii: "r"))
                case 0x09: out.append(UInt8(ascii: "t"))
                case 0x08: out.append(UInt8(ascii: "b"))
                case 0x0C: out.append(UInt8(ascii: "f"))
                default:
                    out.append(contentsOf: "u00".utf8)
                    out.append(hexDigits[Int(byte >> 4)])
                    out.append(hexDigits[Int(byte & 0xF)])
                }
            }
            out.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[start...]))
        }
        out.append(UInt8(ascii: "\""))
    }
}
