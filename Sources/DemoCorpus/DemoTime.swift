// DemoCorpus — DemoTime.swift
// Owns time for the generated corpus: the demo window (the ~18 months before 2026-11-01) and fast,
// Foundation-free formatting of epoch milliseconds as RFC 3339 UTC STIX timestamps
// ("2026-05-01T09:30:00.000Z").

enum DemoTime {
    static let millisPerHour: Int64 = 3_600_000
    static let millisPerDay: Int64 = 86_400_000

    /// 2025-05-01T00:00:00.000Z: start of the demo window.
    static let windowStart: Int64 = Int64(daysFromCivil(2025, 5, 1)) * millisPerDay
    /// 2026-11-01T00:00:00.000Z: end of the demo window (exclusive).
    static let windowEnd: Int64 = Int64(daysFromCivil(2026, 11, 1)) * millisPerDay
    static var windowLength: Int64 { windowEnd - windowStart }

    /// Days since 1970-01-01 for a proleptic Gregorian date (H. Hinnant's algorithm).
    static func daysFromCivil(_ year: Int, _ month: Int, _ day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146_097 + doe - 719_468
    }

    /// (year, month, day) for days since 1970-01-01.
    static func civilFromDays(_ days: Int) -> (year: Int, month: Int, day: Int) {
        let z = days + 719_468
        let era = (z >= 0 ? z : z - 146_096) / 146_097
        let doe = z - era * 146_097
        let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365
        let doy = doe - (365 * yoe + yoe / 4 - yoe / 100)
        let mp = (5 * doy + 2) / 153
        let d = doy - (153 * mp + 2) / 5 + 1
        let m = mp < 10 ? mp + 3 : mp - 9
        return (yoe + era * 400 + (m <= 2 ? 1 : 0), m, d)
    }

    /// Appends the 24-byte timestamp text for `millis` (non-negative epoch milliseconds).
    @inline(__always)
    static func append(_ millis: Int64, to out: inout [UInt8]) {
        let days = Int(millis / millisPerDay)
        var rest = Int(millis % millisPerDay)
        let (y, mo, d) = civilFromDays(days)
        let ms = rest % 1000; rest /= 1000
        let s = rest % 60; rest /= 60
        let mi = rest % 60
        let h = rest / 60
        appendDigits(y, 4, &out); out.append(UInt8(ascii: "-"))
        appendDigits(mo, 2, &out); out.append(UInt8(ascii: "-"))
        appendDigits(d, 2, &out); out.append(UInt8(ascii: "T"))
        appendDigits(h, 2, &out); out.append(UInt8(ascii: ":"))
        appendDigits(mi, 2, &out); out.append(UInt8(ascii: ":"))
        appendDigits(s, 2, &out); out.append(UInt8(ascii: "."))
        appendDigits(ms, 3, &out); out.append(UInt8(ascii: "Z"))
    }

    /// The STIX timestamp text for `millis`.
    static func text(_ millis: Int64) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(24)
        append(millis, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// "YYYY-MM-DD" for `millis`, used in human-readable names.
    static func dateText(_ millis: Int64) -> String {
        String(text(millis).prefix(10))
    }

    /// (year, month, day) of `millis`.
    static func civil(_ millis: Int64) -> (year: Int, month: Int, day: Int) {
        civilFromDays(Int(millis / millisPerDay))
    }

    @inline(__always)
    static func appendDigits(_ value: Int, _ width: Int, _ out: inout [UInt8]) {
        var divisor = 1
        for _ in 1..<width { divisor *= 10 }
        var v = value
        while divisor > 0 {
            out.append(UInt8(48 + (v / divisor) % 10))
            v %= divisor
            divisor /= 10
        }
    }
}
