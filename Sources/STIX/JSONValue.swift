// STIX — JSONValue.swift
// Owns the parsed-JSON value model: `JSONValue` (numbers keep their literal text) and `JSONObject`
// (members in document order, unique keys, fast lookup), plus convenience accessors and literals.

/// A parsed JSON value. Numbers keep their literal text so nothing is lost.
///
/// ```swift
/// let value = try JSONParser.parse(Array(#"{"type":"indicator","count":10}"#.utf8))
/// value["type"]?.stringValue      // "indicator"
/// value["count"]?.numberText      // "10"
/// value["count"]?.integerValue    // 10
/// ```
public enum JSONValue: Sendable, Equatable {
    case null
    case bool(Bool)
    /// The number exactly as written in the document (already checked against the RFC 8259 grammar).
    case number(String)
    case string(String)
    case array([JSONValue])
    case object(JSONObject)
}

extension JSONValue {
    /// The string, if this is a string.
    public var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// The object, if this is an object.
    public var objectValue: JSONObject? {
        if case .object(let o) = self { return o }
        return nil
    }

    /// The elements, if this is an array.
    public var arrayValue: [JSONValue]? {
        if case .array(let a) = self { return a }
        return nil
    }

    /// The Boolean, if this is `true` or `false`.
    public var boolValue: Bool? {
        if case .bool(let b) = self { return b }
        return nil
    }

    /// The literal text, if this is a number.
    public var numberText: String? {
        if case .number(let n) = self { return n }
        return nil
    }

    /// The number as an `Int64`, if it is written as an integer (no fraction, no exponent) that fits.
    public var integerValue: Int64? {
        guard case .number(let text) = self else { return nil }
        return JSONNumber.integer(text)
    }

    /// The number as a `Double`, if this is a number.
    public var doubleValue: Double? {
        guard case .number(let text) = self else { return nil }
        return Double(text)
    }

    public var isNull: Bool {
        if case .null = self { return true }
        return false
    }

    /// The member `key` when this is an object; nil otherwise.
    public subscript(key: String) -> JSONValue? {
        guard case .object(let o) = self else { return nil }
        return o[key]
    }

    /// A short name of the JSON kind ("string", "object", ...) for error messages.
    public var kindName: String {
        switch self {
        case .null: return "null"
        case .bool: return "boolean"
        case .number: return "number"
        case .string: return "string"
        case .array: return "array"
        case .object: return "object"
        }
    }
}

enum JSONNumber {
    /// Parses a JSON integer literal (optional '-', digits only) into Int64; nil for fractions,
    /// exponents or overflow.
    static func integer(_ text: String) -> Int64? {
        var utf8 = text.utf8[...]
        var negative = false
        if utf8.first == UInt8(ascii: "-") { negative = true; utf8 = utf8.dropFirst() }
        guard !utf8.isEmpty else { return nil }
        var value: Int64 = 0
        for byte in utf8 {
            guard byte >= 0x30 && byte <= 0x39 else { return nil }
            let (m, o1) = value.multipliedReportingOverflow(by: 10)
            let (a, o2) = m.addingReportingOverflow(Int64(byte - 0x30))
            if o1 || o2 { return nil }
            value = a
        }
        return negative ? -value : value
    }
}

/// A JSON object: members in document order, keys unique.
///
/// Equality is JSON equality: the same set of keys with equal values, whatever their order.
///
/// ```swift
/// var object = JSONObject()
/// object["type"] = "identity"
/// object["name"] = .string("株式会社かけはし")
/// object.keys                    // ["type", "name"]
/// object["name"]?.stringValue    // "株式会社かけはし"
/// object["name"] = nil           // removes the member
/// ```
public struct JSONObject: Sendable, Equatable {
    /// Member names in document order.
    public private(set) var keys: [String]
    /// Member values, parallel to `keys`.
    public private(set) var values: [JSONValue]
    /// Key -> position, kept only for larger objects (small ones are searched linearly, which is faster).
    private var index: [String: Int]?
    /// One bit per key (see `signatureBit`): a clear bit proves a key absent without searching.
    private var signature: UInt64 = 0

    static let indexThreshold = 24

    public init() {
        keys = []
        values = []
        index = nil
    }

    public init(minimumCapacity: Int) {
        self.init()
        keys.reserveCapacity(minimumCapacity)
        values.reserveCapacity(minimumCapacity)
    }

    /// Members in order; a later duplicate key replaces the earlier value (keeping the first position).
    public init(_ members: [(String, JSONValue)]) {
        self.init(minimumCapacity: members.count)
        for (key, value) in members { self[key] = value }
    }

    /// Built by the parser, which has already rejected duplicate keys.
    init(uniqueKeys keys: [String], values: [JSONValue]) {
        self.keys = keys
        self.values = values
        self.index = nil
        var signature: UInt64 = 0
        for key in keys { signature |= Self.signatureBit(key) }
        self.signature = signature
        if keys.count > Self.indexThreshold { rebuildIndex() }
    }

    @inline(__always)
    static func signatureBit(_ key: String) -> UInt64 {
        let utf8 = key.utf8
        let count = utf8.count
        guard count > 0 else { return 1 }
        let mixed = UInt(truncatingIfNeeded: count) &* 31 &+ UInt(utf8.first!) &* 7 &+ UInt(utf8[utf8.index(before: utf8.endIndex)])
        return 1 << UInt64(mixed & 63)
    }

    private mutating func rebuildIndex() {
        var map = [String: Int](minimumCapacity: keys.count)
        for (position, key) in keys.enumerated() { map[key] = position }
        index = map
    }

    public var count: Int { keys.count }
    public var isEmpty: Bool { keys.isEmpty }

    /// The position of `key` in `keys`, if present.
    public func position(of key: String) -> Int? {
        if signature & Self.signatureBit(key) == 0 { return nil }
        if let index { return index[key] }
        let length = key.utf8.count
        for position in keys.indices {
            let candidate = keys[position]
            // Comparing lengths first skips Swift's general string comparison for most mismatches.
            if candidate.utf8.count == length && candidate == key { return position }
        }
        return nil
    }

    public func contains(_ key: String) -> Bool { position(of: key) != nil }

    /// The value of member `key`; setting nil removes the member, setting a new key appends it.
    public subscript(key: String) -> JSONValue? {
        get {
            guard let position = position(of: key) else { return nil }
            return values[position]
        }
        set {
            if let position = position(of: key) {
                if let newValue {
                    values[position] = newValue
                } else {
                    keys.remove(at: position)
                    values.remove(at: position)
                    signature = 0
                    for key in keys { signature |= Self.signatureBit(key) }
                    if index != nil {
                        if keys.count > Self.indexThreshold { rebuildIndex() } else { index = nil }
                    }
                }
            } else if let newValue {
                keys.append(key)
                values.append(newValue)
                signature |= Self.signatureBit(key)
                if index != nil {
                    index![key] = keys.count - 1
                } else if keys.count > Self.indexThreshold {
                    rebuildIndex()
                }
            }
        }
    }

    /// Members in document order.
    public var members: [(key: String, value: JSONValue)] {
        (0..<keys.count).map { (keys[$0], values[$0]) }
    }

    public static func == (lhs: JSONObject, rhs: JSONObject) -> Bool {
        guard lhs.keys.count == rhs.keys.count else { return false }
        if lhs.keys == rhs.keys { return lhs.values == rhs.values }
        for position in lhs.keys.indices {
            guard let other = rhs[lhs.keys[position]], other == lhs.values[position] else { return false }
        }
        return true
    }
}

// MARK: - Literals (convenient for tests and for building small documents in code)

extension JSONValue: ExpressibleByStringLiteral, ExpressibleByBooleanLiteral, ExpressibleByIntegerLiteral,
    ExpressibleByFloatLiteral, ExpressibleByArrayLiteral, ExpressibleByDictionaryLiteral, ExpressibleByNilLiteral
{
    public init(stringLiteral value: String) { self = .string(value) }
    public init(booleanLiteral value: Bool) { self = .bool(value) }
    public init(integerLiteral value: Int) { self = .number(String(value)) }
    public init(floatLiteral value: Double) { self = .number(String(value)) }
    public init(arrayLiteral elements: JSONValue...) { self = .array(elements) }
    public init(dictionaryLiteral elements: (String, JSONValue)...) { self = .object(JSONObject(elements)) }
    public init(nilLiteral: ()) { self = .null }
}
