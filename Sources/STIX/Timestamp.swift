// STIX — Timestamp.swift
// Owns STIX 2.1 timestamps: strict parsing of "YYYY-MM-DDTHH:MM:SS[.s+]Z" (RFC 3339, UTC, 'Z'),
// conversion to microseconds since the Unix epoch, ordering, and formatting.

#if canImport(Darwin)
import Darwin
#elseif canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A STIX 2.1 timestamp: RFC 3339 in UTC with an upper-case 'T' and 'Z', e.g.
/// `2016-05-12T08:17:27.000Z`. Fractional seconds are optional and may have any number of digits.
///
/// Equality, hashing and order are by instant, to the microsecond (digits past the sixth are
/// kept in `text` but ignored for comparison), so `...27Z` equals `...27.000Z`.
///
/// ```swift
/// let t = STIXTimestamp("2026-11-23T06:50:02.123456Z")!
/// t.microsecondsSinceEpoch                                  // 1795416602123456
/// t.fractionDigits                                          // 6
/// STIXTimestamp.formatting(microseconds: t.microsecondsSinceEpoch)  // "2026-11-23T06:50:02.123456Z"
/// STIXTimestamp("2026-11-23 06:50:02Z")                     // nil (no 'T')
/// STIXTimestamp("2026-02-30T00:00:00Z")                     // nil (no such day)
/// ```
public struct STIXTimestamp: Sendable, Comparable, Hashable, CustomStringConvertible {
    /// The timestamp exactly as written.
    public let text: String
    /// Microseconds since 1970-01-01T00:00:00Z (negative before). A leap second (`23:59:60`)
    /// counts as 23:59:59.999999 of that day.
    public let microsecondsSinceEpoch: Int64
    /// How many digits follow the decimal point (0 when there is no fraction).
    public let fractionDigits: Int

    /// Parses `text`; nil unless it is a valid STIX timestamp.
    public init?(_ text: String) {
        var text = text
        let parsed = text.withUTF8 { Self.parse($0) }
        guard let parsed else { return nil }
        self.text = text
        self.microsecondsSinceEpoch = parsed.micros
        self.fractionDigits = parsed.digits
    }

    /// The timestamp for an instant, formatted with six fractional digits.
    public init(microsecondsSinceEpoch: Int64) {
        self.text = Self.formatting(microseconds: microsecondsSinceEpoch)
        self.microsecondsSinceEpoch = microsecondsSinceEpoch
        self.fractionDigits = 6
    }

    /// The current time (microsecond resolution).
    public static func now() -> STIXTimestamp {
        var spec = timespec()
        clock_gettime(CLOCK_REALTIME, &spec)
        let micros = Int64(spec.tv_sec) * 1_000_000 + Int64(spec.tv_nsec) / 1_000
        return STIXTimestamp(microsecondsSinceEpoch: micros)
    }

    public var description: String { text }

    /// True when the fraction has at least `digits` digits (3 = millisecond precision).
    public func hasPrecision(atLeast digits: Int) -> Bool { fractionDigits >= digits }

    public static func == (lhs: STIXTimestamp, rhs: STIXTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch == rhs.microsecondsSinceEpoch
    }

    public func hash(into hasher: inout Hasher) { hasher.combine(microsecondsSinceEpoch) }

    public static func < (lhs: STIXTimestamp, rhs: STIXTimestamp) -> Bool {
        lhs.microsecondsSinceEpoch < rhs.microsecondsSinceEpoch
    }

    /// Formats an instant as `YYYY-MM-DDTHH:MM:SS.ffffffZ` (always six fractional digits).
    ///
    /// ```swift
    /// STIXTimestamp.formatting(microseconds: 0)   // "1970-01-01T00:00:00.000000Z"
    /// ```
    public static func formatting(microseconds: Int64) -> String {
        let perDay: Int64 = 86_400_000_000
        var days = microseconds / perDay
        var rest = microseconds % perDay
        if rest < 0 { rest += perDay; days -= 1 }
        let (year, month, day) = civil(fromDays: days)
        let fraction = Int(rest % 1_000_000)
        let seconds = Int(rest / 1_000_000)
        var out: [UInt8] = []
        out.reserveCapacity(27)
        func digits(_ value: Int, _ width: Int) {
            var divisor = 1
            for _ in 1..<width { divisor *= 10 }
            var v = value
            for _ in 0..<width {
                out.append(UInt8(ascii: "0") + UInt8((v / divisor) % 10))
                v %= divisor
                divisor /= 10
            }
        }
        digits(Int(year), 4); out.append(UInt8(ascii: "-"))
        digits(month, 2); out.append(UInt8(ascii: "-"))
        digits(day, 2); out.append(UInt8(ascii: "T"))
        digits(seconds / 3600, 2); out.append(UInt8(ascii: ":"))
        digits(seconds / 60 % 60, 2); out.append(UInt8(ascii: ":"))
        digits(seconds % 60, 2); out.append(UInt8(ascii: "."))
        digits(fraction, 6); out.append(UInt8(ascii: "Z"))
        return String(decoding: out, as: UTF8.self)
    }

    // MARK: Parsing

    static func parse(_ b: UnsafeBufferPointer<UInt8>) -> (micros: Int64, digits: Int)? {
        // YYYY-MM-DDTHH:MM:SS = 19 bytes, then optional .f+ then Z.
        guard b.count >= 20 else { return nil }
        @inline(__always) func digit(_ i: Int) -> Int? {
            let c = b[i]
            return c >= 0x30 && c <= 0x39 ? Int(c - 0x30) : nil
        }
        @inline(__always) func number(_ i: Int, _ width: Int) -> Int? {
            var value = 0
            for k in i..<(i + width) {
                guard let d = digit(k) else { return nil }
                value = value * 10 + d
            }
            return value
        }
        guard let year = number(0, 4), b[4] == UInt8(ascii: "-"),
              let month = number(5, 2), b[7] == UInt8(ascii: "-"),
              let day = number(8, 2), b[10] == UInt8(ascii: "T"),
              let hour = number(11, 2), b[13] == UInt8(ascii: ":"),
              let minute = number(14, 2), b[16] == UInt8(ascii: ":"),
              let second = number(17, 2) else { return nil }
        guard year >= 1, month >= 1, month <= 12, day >= 1, day <= daysIn(month: month, year: year),
              hour <= 23, minute <= 59, second <= 60 else { return nil }
        if second == 60 && !(hour == 23 && minute == 59) { return nil }
        var i = 19
        var fraction: Int64 = 0
        var digits = 0
        if b[i] == UInt8(ascii: ".") {
            i += 1
            while i < b.count, let d = digit(i) {
                if digits < 6 { fraction = fraction * 10 + Int64(d) }
                digits += 1
                i += 1
            }
            guard digits > 0 else { return nil }
            for _ in min(digits, 6)..<6 { fraction *= 10 }
        }
        guard i == b.count - 1, b[i] == UInt8(ascii: "Z") else { return nil }
        let days = daysFromCivil(year: Int64(year), month: month, day: day)
        var micros = (days * 86_400 + Int64(hour * 3600 + minute * 60 + min(second, 59))) * 1_000_000
        micros += second == 60 ? 999_999 : fraction
        return (micros, digits)
    }

    static func isLeap(_ year: Int) -> Bool { (year % 4 == 0 && year % 100 != 0) || year % 400 == 0 }

    static func daysIn(month: Int, year: Int) -> Int {
        switch month {
        case 2: return isLeap(year) ? 29 : 28
        case 4, 6, 9, 11: return 30
        default: return 31
        }
    }

    /// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(year: Int64, month: Int, day: Int) -> Int64 {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = Int64((month + 9) % 12)
        let doy = (153 * mp + 2) / 5 + Int64(day) - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// The proleptic Gregorian date (year, month 1–12, day 1–31) of a day counted from 1970-01-01
    /// (H. Hinnant's algorithm); the one civil-date conversion the hub has (HTTP dates use it too).
    ///
    /// ```swift
    /// STIXTimestamp.civil(fromDays: 0)        // (1970, 1, 1)
    /// STIXTimestamp.civil(fromDays: 9_075)    // (1994, 11, 6)
    /// ```
    public static func civil(fromDays days: Int64) -> (Int64, Int, Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), Int(m), Int(d))
    }
}
