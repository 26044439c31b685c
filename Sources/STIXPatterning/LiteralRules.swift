// STIXPatterning — LiteralRules: validation of hex, binary (base64) and timestamp literal contents,
// timestamp ordering for START/STOP, and the hash-value check cti-pattern-validator applies.

enum LiteralRules {
    /// nil if `content` is an even number of hex digits (possibly none).
    static func hexProblem(_ content: ArraySlice<UInt8>) -> String? {
        if let bad = content.firstIndex(where: { !CharClass.isHexDigit($0) }) {
            return "invalid hex literal: '\(Character(scalarStarting(at: bad, in: content)).shownInMessage)' is not a hex digit"
        }
        if content.count % 2 != 0 {
            return "invalid hex literal: it must contain an even number of hex digits (found \(content.count))"
        }
        return nil
    }

    /// nil if `content` is non-empty, padded base64 (`[A-Za-z0-9+/]`, length a multiple of 4,
    /// at most two trailing '=').
    static func base64Problem(_ content: ArraySlice<UInt8>) -> String? {
        let chars = content
        guard !chars.isEmpty else { return "invalid binary literal: it must contain base64 data" }
        guard chars.count % 4 == 0 else {
            return "invalid binary literal: base64 length must be a multiple of 4 (found \(chars.count))"
        }
        var padding = 0
        if chars[chars.endIndex - 1] == UInt8(ascii: "=") {
            padding = chars[chars.endIndex - 2] == UInt8(ascii: "=") ? 2 : 1
        }
        if let bad = chars[..<(chars.endIndex - padding)].firstIndex(where: { !CharClass.isBase64($0) }) {
            return "invalid binary literal: '\(Character(scalarStarting(at: bad, in: chars)).shownInMessage)' is not a base64 character here"
        }
        return nil
    }

    /// nil if `content` is `YYYY-MM-DDTHH:MM:SS[.fraction]Z` naming a real UTC instant
    /// (leap second :60 allowed, as in the STIX grammar).
    static func timestampProblem(_ content: ArraySlice<UInt8>) -> String? {
        let c = Array(content)
        let expected = "timestamp literal must look like t'2016-01-01T00:00:00Z' (RFC 3339, UTC, optional fractional seconds)"
        guard c.count >= 20 else { return "invalid \(expected)" }
        func digits(_ range: Range<Int>) -> Int? {
            var v = 0
            for i in range {
                guard CharClass.isDigit(c[i]) else { return nil }
                v = v * 10 + Int(c[i] - 0x30)
            }
            return v
        }
        guard let year = digits(0..<4), c[4] == UInt8(ascii: "-"),
              let month = digits(5..<7), c[7] == UInt8(ascii: "-"),
              let day = digits(8..<10), c[10] == UInt8(ascii: "T"),
              let hour = digits(11..<13), c[13] == UInt8(ascii: ":"),
              let minute = digits(14..<16), c[16] == UInt8(ascii: ":"),
              let second = digits(17..<19), c[c.count - 1] == UInt8(ascii: "Z")
        else { return "invalid \(expected)" }
        if c.count > 20 {
            guard c[19] == UInt8(ascii: "."), c.count > 21, allDigits(c[20..<(c.count - 1)])
            else { return "invalid \(expected)" }
        }
        guard (1...12).contains(month) else { return "invalid timestamp: month \(month) is out of range" }
        guard day >= 1, day <= daysIn(month: month, year: year) else {
            return "invalid timestamp: day \(day) does not exist in \(year)-\(twoDigits(month))"
        }
        guard hour <= 23 else { return "invalid timestamp: hour \(hour) is out of range" }
        guard minute <= 59 else { return "invalid timestamp: minute \(minute) is out of range" }
        guard second <= 60 else { return "invalid timestamp: second \(second) is out of range" }
        return nil
    }

    private static func allDigits(_ s: ArraySlice<UInt8>) -> Bool { s.allSatisfy(CharClass.isDigit) }

    private static func twoDigits(_ n: Int) -> String { n < 10 ? "0\(n)" : "\(n)" }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 ? 29 : 28
        case 4, 6, 9, 11: 30
        default: 31
        }
    }

    /// Orders two already-validated timestamps: the fixed-width date-time part compares
    /// textually, then the fractional seconds compare as decimals.
    static func isEarlier(_ a: String, than b: String) -> Bool {
        let aHead = a.utf8.prefix(19), bHead = b.utf8.prefix(19)
        if !aHead.elementsEqual(bHead) { return aHead.lexicographicallyPrecedes(bHead) }
        var aFrac = Array(fraction(a)), bFrac = Array(fraction(b))
        let width = max(aFrac.count, bFrac.count)
        aFrac += Array(repeating: UInt8(ascii: "0"), count: width - aFrac.count)
        bFrac += Array(repeating: UInt8(ascii: "0"), count: width - bFrac.count)
        return aFrac.lexicographicallyPrecedes(bFrac)
    }

    private static func fraction(_ t: String) -> ArraySlice<UInt8> {
        let u = Array(t.utf8)
        return u.count > 21 ? u[20..<(u.count - 1)] : []
    }

    /// Hash formats cti-pattern-validator checks, keyed by the upper-cased name without hyphens.
    private static let hashFormats: [String: (name: String, hexLengths: Set<Int>)] = [
        "MD5": ("MD5", [32]),
        "MD6": ("MD6", [32, 40, 56, 64, 96, 128]),
        "RIPEMD160": ("RIPEMD-160", [40]),
        "SHA1": ("SHA-1", [40]),
        "SHA224": ("SHA-224", [56]),
        "SHA256": ("SHA-256", [64]),
        "SHA384": ("SHA-384", [96]),
        "SHA512": ("SHA-512", [128]),
        "SHA3224": ("SHA3-224", [56]),
        "SHA3256": ("SHA3-256", [64]),
        "SHA3384": ("SHA3-384", [96]),
        "SHA3512": ("SHA3-512", [128]),
        "WHIRLPOOL": ("WHIRLPOOL", [128]),
    ]

    /// For a path ending in `hashes.<algorithm>`, a message if `value` is not a well-formed
    /// hash of that algorithm; nil for other paths and for algorithms without a fixed format.
    static func hashProblem(path: ObjectPath, value: String) -> String? {
        let names = path.components
        guard names.count >= 2, case .property(let algorithm) = names[names.count - 1],
              case .property("hashes") = names[names.count - 2] else { return nil }
        let key = algorithm.uppercased().filter { $0 != "-" }
        if key == "SSDEEP" {
            let ok = (1...128).contains(value.utf8.count) && value.utf8.allSatisfy {
                CharClass.isIdentifierBody($0) && $0 != UInt8(ascii: "_") || $0 == UInt8(ascii: "/")
                    || $0 == UInt8(ascii: "+") || $0 == UInt8(ascii: ":") || $0 == UInt8(ascii: ".")
            }
            return ok ? nil : "'\(clip(value))' is not a valid SSDEEP hash"
        }
        guard let format = hashFormats[key] else { return nil }
        let ok = format.hexLengths.contains(value.utf8.count) && value.utf8.allSatisfy(CharClass.isHexDigit)
        return ok ? nil : "'\(clip(value))' is not a valid \(format.name) hash"
    }
}
