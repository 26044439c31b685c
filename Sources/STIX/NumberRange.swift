// STIX — NumberRange.swift
// Owns the rule that every number in an object is one its consumers can read back: within IEEE
// double range, and an integer beyond 2^53 at most 17 significant digits. JSON itself has no limit,
// but Python's json.loads refuses integers of more than 4,300 digits (and so a whole TAXII page
// holding one), and JavaScript and most STIX libraries read numbers as doubles.

enum NumberRange {
    /// The most significant digits an integer may carry: every integer up to 2^53 has at most 16, and
    /// 17 keeps the round-trip precision of a double.
    static let maximumSignificantDigits = 17

    /// The path of the first number in `value` that consumers cannot read, with why; nil when all can.
    static func firstUnreadable(in value: JSONValue) -> (path: String, reason: String)? {
        switch value {
        case .number(let text):
            return reason(text).map { ("", $0) }
        case .object(let object):
            for position in object.keys.indices {
                if let found = firstUnreadable(in: object.values[position]) {
                    let name = object.keys[position]
                    return (found.path.isEmpty ? name : name + (found.path.hasPrefix("[") ? "" : ".") + found.path, found.reason)
                }
            }
            return nil
        case .array(let elements):
            for (index, element) in elements.enumerated() {
                if let found = firstUnreadable(in: element) {
                    return ("[\(index)]" + (found.path.isEmpty || found.path.hasPrefix("[") ? "" : ".") + found.path, found.reason)
                }
            }
            return nil
        default:
            return nil
        }
    }

    /// Why the number literal `text` (valid JSON grammar) cannot be read back, or nil.
    static func reason(_ text: String) -> String? {
        let utf8 = text.utf8
        let hasExponent = utf8.contains(UInt8(ascii: "e")) || utf8.contains(UInt8(ascii: "E"))
        // The common case, short literals without an exponent, is decided without converting.
        if utf8.count <= 15 && !hasExponent { return nil }
        guard let double = Double(text), double.isFinite else {
            return "is beyond the range of a double (about 1.8e308); consumers cannot read it"
        }
        guard !hasExponent, !utf8.contains(UInt8(ascii: ".")) else { return nil }
        let digits = utf8.drop { $0 == UInt8(ascii: "-") || $0 == UInt8(ascii: "0") }
        var significant = digits.count
        for digit in digits.reversed() {
            guard digit == UInt8(ascii: "0") else { break }
            significant -= 1
        }
        guard significant > maximumSignificantDigits else { return nil }
        return "is an integer of \(significant) significant digits; beyond 2^53 at most \(maximumSignificantDigits) are kept, so consumers would read another number"
    }
}
