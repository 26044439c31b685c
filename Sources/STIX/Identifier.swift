// STIX — Identifier.swift
// Owns STIX identifiers ("type--uuid") and the STIX 2.1 rules for type names and UUIDs.

/// A STIX identifier, `<object type>--<UUID>`, e.g.
/// `indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f`.
///
/// The type part must be a valid STIX type name (`STIXIdentifier.isValidTypeName`); the UUID must
/// be in RFC 4122 / RFC 9562 form: 8-4-4-4-12 hexadecimal digits (either case), a version digit
/// 1-8 and the RFC 4122 variant (`8`, `9`, `a` or `b` at the start of the fourth group).
///
/// ```swift
/// let id = STIXIdentifier("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")!
/// id.type   // "indicator"
/// id.uuid   // "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"
/// STIXIdentifier("indicator-8e2e2d2b")   // nil
/// ```
public struct STIXIdentifier: Sendable, Hashable, CustomStringConvertible {
    /// The object type named by the identifier.
    public let type: String
    /// The UUID part, as written.
    public let uuid: String

    public init?(_ text: String) {
        var text = text
        guard let split = text.withUTF8({ Self.check($0) }) else { return nil }
        let utf8 = text.utf8
        let typeEnd = utf8.index(utf8.startIndex, offsetBy: split)
        let uuidStart = utf8.index(typeEnd, offsetBy: 2)
        self.type = String(text[..<typeEnd])
        self.uuid = String(text[uuidStart...])
    }

    /// The identifier text, `type--uuid`.
    public var text: String { type + "--" + uuid }
    public var description: String { text }

    /// True when `text` is a well-formed identifier (cheaper than building one).
    public static func isValid(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { check($0) } != nil
    }

    /// True when `text` is a well-formed identifier whose type part is `type`.
    public static func isValid(_ text: String, ofType type: String) -> Bool {
        isValid(text) && text.utf8.count == type.utf8.count + 38 && text.hasPrefix(type)
    }

    /// The type part of a well-formed identifier; nil if `text` is not one.
    public static func typePart(of text: String) -> String? {
        var copy = text
        guard let split = copy.withUTF8({ check($0) }) else { return nil }
        return String(text.utf8.prefix(split))!
    }

    /// STIX 2.1 type-name rules: 3-250 characters of `a-z`, `0-9` and `-`, starting with a letter,
    /// not ending with `-`, and no two hyphens in a row.
    ///
    /// ```swift
    /// STIXIdentifier.isValidTypeName("x-acme-widget")   // true
    /// STIXIdentifier.isValidTypeName("Indicator")       // false
    /// ```
    public static func isValidTypeName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { isValidTypeName($0[...]) }
    }

    static func isValidTypeName(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard b.count >= 3 && b.count <= 250 else { return false }
        var previousHyphen = false
        for (offset, c) in b.enumerated() {
            switch c {
            case UInt8(ascii: "a")...UInt8(ascii: "z"):
                previousHyphen = false
            case UInt8(ascii: "0")...UInt8(ascii: "9"):
                if offset == 0 { return false }
                previousHyphen = false
            case UInt8(ascii: "-"):
                if offset == 0 || previousHyphen { return false }
                previousHyphen = true
            default:
                return false
            }
        }
        return !previousHyphen
    }

    /// RFC 4122 textual form with version 1-8 and the RFC 4122 variant.
    public static func isValidUUID(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { isValidUUID($0[...]) }
    }

    static func isValidUUID(_ b: Slice<UnsafeBufferPointer<UInt8>>) -> Bool {
        guard b.count == 36 else { return false }
        let p = b.base.baseAddress! + b.startIndex
        let dash = UInt8(ascii: "-")
        guard p[8] == dash, p[13] == dash, p[18] == dash, p[23] == dash else { return false }
        // Version 1-8, RFC 4122 variant (10xx: 8, 9, a, b).
        guard p[14] &- UInt8(ascii: "1") < 8 else { return false }
        guard (p[19] | 0x20) &- UInt8(ascii: "a") < 2 || p[19] &- UInt8(ascii: "8") < 2 else { return false }
        for offset in 0..<36 where offset != 8 && offset != 13 && offset != 18 && offset != 23 {
            let c = p[offset]
            guard c &- UInt8(ascii: "0") < 10 || (c | 0x20) &- UInt8(ascii: "a") < 6 else { return false }
        }
        return true
    }

    /// Byte length of the type part when `b` is a valid identifier.
    static func check(_ b: UnsafeBufferPointer<UInt8>) -> Int? {
        let typeLength = b.count - 38
        guard typeLength >= 3 else { return nil }
        guard b[typeLength] == UInt8(ascii: "-"), b[typeLength + 1] == UInt8(ascii: "-") else { return nil }
        guard isValidTypeName(b[0..<typeLength]), isValidUUID(b[(typeLength + 2)...]) else { return nil }
        return typeLength
    }
}
