// DemoCorpus — JSONText.swift
// Owns compact JSON text writing for generated STIX objects: an ordered key/value writer with
// correct string escaping (non-ASCII such as Japanese is written as raw UTF-8), no whitespace.

/// Writes one JSON object, keys in the order they are added.
struct JSONObject {
    private var bytes: [UInt8]
    private var empty = true

    init(capacity: Int = 512) {
        bytes = []
        bytes.reserveCapacity(capacity)
        bytes.append(UInt8(ascii: "{"))
    }

    private mutating func key(_ name: String) {
        if !empty { bytes.append(UInt8(ascii: ",")) }
        empty = false
        JSONText.appendString(name, to: &bytes)
        bytes.append(UInt8(ascii: ":"))
    }

    mutating func string(_ name: String, _ value: String) {
        key(name)
        JSONText.appendString(value, to: &bytes)
    }

    mutating func string(_ name: String, ifPresent value: String?) {
        if let value { string(name, value) }
    }

    mutating func timestamp(_ name: String, _ millis: Int64) {
        key(name)
        bytes.append(UInt8(ascii: "\""))
        DemoTime.append(millis, to: &bytes)
        bytes.append(UInt8(ascii: "\""))
    }

    mutating func int(_ name: String, _ value: Int) {
        key(name)
        bytes.append(contentsOf: String(value).utf8)
    }

    mutating func bool(_ name: String, _ value: Bool) {
        key(name)
        bytes.append(contentsOf: (value ? "true" : "false").utf8)
    }

    mutating func strings(_ name: String, _ values: [String]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            JSONText.appendString(v, to: &bytes)
        }
        bytes.append(UInt8(ascii: "]"))
    }

    mutating func object(_ name: String, _ value: JSONObject) {
        key(name)
        bytes.append(contentsOf: value.finishedBytes())
    }

    mutating func objects(_ name: String, _ values: [JSONObject]) {
        key(name)
        bytes.append(UInt8(ascii: "["))
        for (i, v) in values.enumerated() {
            if i > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: v.finishedBytes())
        }
        bytes.append(UInt8(ascii: "]"))
    }

    func finishedBytes() -> [UInt8] {
        var done = bytes
        done.append(UInt8(ascii: "}"))
        return done
    }

    /// The finished compact JSON text.
    func text() -> String { String(decoding: finishedBytes(), as: UTF8.self) }
}

enum JSONText {
    /// Appends `value` as a JSON string literal (quotes included).
    static func appendString(_ value: String, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for b in value.utf8 {
            switch b {
            case UInt8(ascii: "\""): out.append(UInt8(ascii: "\\")); out.append(b)
            case UInt8(ascii: "\\"): out.append(UInt8(ascii: "\\")); out.append(b)
            case 0x0A: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "n"))
            case 0x0D: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "r"))
            case 0x09: out.append(UInt8(ascii: "\\")); out.append(UInt8(ascii: "t"))
            case 0..<0x20:
                out.append(contentsOf: Array("\\u00".utf8))
                out.append(HexDigits.lower[Int(b >> 4)])
                out.append(HexDigits.lower[Int(b & 0xF)])
            default: out.append(b)
            }
        }
        out.append(UInt8(ascii: "\""))
    }

    /// `value` as a JSON string literal.
    static func quoted(_ value: String) -> String {
        var bytes = [UInt8]()
        appendString(value, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }
}
