// IndicatorExtraction — ObservationTimestamp.swift
// Timestamps in sensor logs: ISO 8601 with or without offset, yyyy/MM/dd HH:mm:ss, epoch seconds or milliseconds.

import Foundation

/// Parses the timestamps found in sensor exports.
///
/// ```swift
/// let tokyo = TimeZone(identifier: "Asia/Tokyo")!
/// ObservationTimestamp.parse("2024-05-01T09:15:00+09:00")          // 2024-05-01 00:15:00 UTC
/// ObservationTimestamp.parse("2024/05/01 09:15:00", timeZone: tokyo) // 2024-05-01 00:15:00 UTC
/// ObservationTimestamp.parse("1714522500")                          // epoch seconds
/// ```
public enum ObservationTimestamp {
    /// The instant, or nil when `text` is no timestamp. Values without an offset are in `timeZone` (UTC by default).
    public static func parse(_ text: String, timeZone: TimeZone = TimeZone(identifier: "UTC")!) -> Date? {
        let b = Array(text.trimmingCharacters(in: .whitespaces).utf8)
        guard !b.isEmpty else { return nil }
        if b.allSatisfy({ ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: ".") }) {
            guard let value = Double(String(decoding: b, as: UTF8.self)) else { return nil }
            let digits = b.firstIndex(of: UInt8(ascii: ".")) ?? b.count
            if digits >= 12 && digits <= 13 { return Date(timeIntervalSince1970: value / 1000) }
            if digits >= 9 && digits <= 11 { return Date(timeIntervalSince1970: value) }
            return nil
        }
        var i = 0
        func number(_ maxDigits: Int, min minDigits: Int = 1) -> Int? {
            var v = 0, n = 0
            while i < b.count, n < maxDigits, b[i] >= 0x30, b[i] <= 0x39 { v = v * 10 + Int(b[i] - 0x30); i += 1; n += 1 }
            return n >= minDigits ? v : nil
        }
        func skip(_ allowed: String) -> Bool {
            if i < b.count, allowed.utf8.contains(b[i]) { i += 1; return true }
            return false
        }
        guard let year = number(4, min: 4), skip("-/"), let month = number(2), skip("-/"), let day = number(2),
              (1...12).contains(month), (1...31).contains(day) else { return nil }
        var hour = 0, minute = 0, second = 0.0
        if skip("T ") {
            while skip(" ") {}
            guard let h = number(2), skip(":"), let m = number(2), h < 24, m < 60 else { return nil }
            hour = h; minute = m
            if skip(":") {
                guard let s = number(2), s <= 60 else { return nil }
                second = Double(s)
                if skip(".,") {
                    var scale = 0.1
                    while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { second += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
                }
            }
        }
        while skip(" ") {}
        var offset: Int? = nil
        if i < b.count {
            if b[i] == UInt8(ascii: "Z") || b[i] == UInt8(ascii: "z") {
                offset = 0; i += 1
            } else if b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
                let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
                i += 1
                guard let oh = number(2, min: 2) else { return nil }
                _ = skip(":")
                let om = number(2, min: 2) ?? 0
                offset = sign * (oh * 3600 + om * 60)
            } else if String(decoding: b[i...], as: UTF8.self).uppercased() == "UTC" {
                offset = 0; i = b.count
            }
        }
        guard i == b.count else { return nil }
        let local = Double(daysFromCivil(year, month, day) * 86400 + hour * 3600 + minute * 60) + second
        if let offset { return Date(timeIntervalSince1970: local - Double(offset)) }
        let guess = Date(timeIntervalSince1970: local)
        let first = Double(timeZone.secondsFromGMT(for: guess))
        let second2 = Double(timeZone.secondsFromGMT(for: Date(timeIntervalSince1970: local - first)))
        return Date(timeIntervalSince1970: local - second2)
    }

    /// Days since 1970-01-01 in the proleptic Gregorian calendar.
    static func daysFromCivil(_ y: Int, _ m: Int, _ d: Int) -> Int {
        let y = m <= 2 ? y - 1 : y
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    /// The start of the UTC hour holding `date`.
    public static func hourStart(of date: Date) -> Date {
        Date(timeIntervalSince1970: (date.timeIntervalSince1970 / 3600).rounded(.down) * 3600)
    }
}
