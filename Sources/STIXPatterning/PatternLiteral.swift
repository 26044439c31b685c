// STIXPatterning — PatternLiteral: the literal values a comparison can test against, and their pattern text.

/// A literal on the right-hand side of a comparison.
public enum PatternLiteral: Sendable, Hashable {
    /// `'text'` with the `\'` and `\\` escapes already resolved.
    case string(String)
    /// `42`, `-7`, `+3`.
    case integer(Int64)
    /// `7.0`, `-0.5`, `.25`.
    case float(Double)
    /// `true`, `false`.
    case bool(Bool)
    /// `t'2016-01-01T00:00:00.123Z'`: the RFC 3339 text inside the quotes.
    case timestamp(String)
    /// `h'0a1B'`: the hex digits inside the quotes, as written.
    case hex(String)
    /// `b'aGVsbG8='`: the base64 text inside the quotes, as written.
    case binary(String)
    /// `('a', 'b')`: the set on the right of IN.
    case list([PatternLiteral])
}

extension PatternLiteral: CustomStringConvertible {
    /// The literal as STIX pattern text, e.g. `'it\'s'`, `t'2016-01-01T00:00:00Z'`, `(1, 2)`.
    public var description: String {
        switch self {
        case .string(let s): quoteString(s)
        case .integer(let n): String(n)
        case .float(let d): formatDecimal(d)
        case .bool(let b): b ? "true" : "false"
        case .timestamp(let t): "t'\(t)'"
        case .hex(let h): "h'\(h)'"
        case .binary(let b): "b'\(b)'"
        case .list(let items): "(" + items.map(\.description).joined(separator: ", ") + ")"
        }
    }

    /// A short name of the literal's kind, for error messages.
    var kindName: String {
        switch self {
        case .string: "string"
        case .integer: "integer"
        case .float: "float"
        case .bool: "boolean"
        case .timestamp: "timestamp"
        case .hex: "hex"
        case .binary: "binary"
        case .list: "set"
        }
    }
}

/// `'` + text with `\` and `'` escaped + `'`.
func quoteString(_ s: String) -> String {
    var out = "'"
    for ch in s.unicodeScalars {
        if ch == "\\" || ch == "'" { out.unicodeScalars.append("\\") }
        out.unicodeScalars.append(ch)
    }
    out += "'"
    return out
}

/// A decimal rendering the pattern grammar accepts (always with a '.', never an exponent),
/// which reads back as the same `Double`.
func formatDecimal(_ d: Double) -> String {
    let s = d.description
    guard d.isFinite, let eIndex = s.firstIndex(where: { $0 == "e" || $0 == "E" }) else {
        return s.contains(".") || !d.isFinite ? s : s + ".0"
    }
    var mantissa = String(s[..<eIndex])
    let exponent = Int(s[s.index(after: eIndex)...]) ?? 0
    var sign = ""
    if mantissa.hasPrefix("-") { sign = "-"; mantissa.removeFirst() }
    let point = mantissa.firstIndex(of: ".").map { mantissa.distance(from: mantissa.startIndex, to: $0) } ?? mantissa.count
    let digits = Array(mantissa.replacingOccurrences(of: "."))
    let newPoint = point + exponent
    if newPoint <= 0 {
        return sign + "0." + String(repeating: "0", count: -newPoint) + String(digits)
    } else if newPoint >= digits.count {
        return sign + String(digits) + String(repeating: "0", count: newPoint - digits.count) + ".0"
    } else {
        return sign + String(digits[..<newPoint]) + "." + String(digits[newPoint...])
    }
}

/// A number for a WITHIN qualifier: an integer when whole, otherwise a decimal.
func formatSeconds(_ d: Double) -> String {
    if d.isFinite, d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
    return formatDecimal(d)
}

private extension String {
    func replacingOccurrences(of character: Character) -> String {
        String(filter { $0 != character })
    }
}
