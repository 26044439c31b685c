// MailParsing — MailDate.swift
// RFC 5322 dates, tolerantly: optional weekday, two-digit years, missing seconds, named zones
// (GMT, UT, JST, EST...), trailing comments; also ISO 8601 as some tools write it, and the dates
// forwarding clients quote ("2024年5月13日(月) 10:21", "Monday, May 13, 2024 10:21 AM",
// "Mon, 13 May 2024 at 10:21", "2024/05/13 10:21").

import Foundation

enum MailDate {
    private static let months = ["jan": 1, "feb": 2, "mar": 3, "apr": 4, "may": 5, "jun": 6,
                                 "jul": 7, "aug": 8, "sep": 9, "oct": 10, "nov": 11, "dec": 12]
    private static let zones = ["ut": 0, "utc": 0, "gmt": 0, "z": 0, "jst": 540, "kst": 540, "est": -300, "edt": -240,
                                "cst": -360, "cdt": -300, "mst": -420, "mdt": -360, "pst": -480, "pdt": -420,
                                "cet": 60, "cest": 120, "bst": 60, "ist": 330, "hkt": 480, "sgt": 480]

    /// Parses "Mon, 1 Jun 2020 10:00:00 +0900 (JST)" and its sloppy relatives.
    static func parse(_ text: String) -> Date? {
        var words: [Substring] = []
        var cleaned = text
        if let paren = cleaned.firstIndex(of: "(") { cleaned = String(cleaned[..<paren]) }
        for word in cleaned.split(whereSeparator: { $0 == " " || $0 == "," || $0 == "\t" }) { words.append(word) }
        if words.count == 1, let iso = parseISO(String(words[0])) { return iso }
        var day: Int?, month: Int?, year: Int?, hour = 0, minute = 0, second = 0
        var offsetMinutes: Int?
        var sawTime = false
        for word in words {
            let lower = word.lowercased()
            if month == nil, lower.count >= 3, let value = months[String(lower.prefix(3))], lower.allSatisfy(\.isLetter) {
                month = value
                continue
            }
            if !sawTime, word.contains(":") {
                let parts = word.split(separator: ":").map { Int($0) }
                guard parts.count >= 2, let h = parts[0], let m = parts[1] else { continue }
                hour = h; minute = m
                if parts.count >= 3, let s = parts[2] { second = s }
                sawTime = true
                continue
            }
            if (word.hasPrefix("+") || word.hasPrefix("-")), word.count == 5, let value = Int(word.dropFirst()) {
                let sign = word.hasPrefix("-") ? -1 : 1
                offsetMinutes = sign * ((value / 100) * 60 + value % 100)
                continue
            }
            if offsetMinutes == nil, sawTime, let zone = zones[lower] { offsetMinutes = zone; continue }
            if let number = Int(word) {
                if day == nil, number >= 1, number <= 31, word.count <= 2 { day = number; continue }
                if year == nil {
                    year = number < 50 ? 2000 + number : (number < 1000 ? 1900 + number : number)
                    continue
                }
            }
            // "1-Jun-2020"
            let dashed = word.split(separator: "-")
            if dashed.count == 3, let d = Int(dashed[0]), let m = months[dashed[1].lowercased().prefix(3).description], let y = Int(dashed[2]) {
                day = d; month = m; year = y < 100 ? 2000 + y : y
            }
        }
        guard let day, let month, let year, (1...31).contains(day), (0...23).contains(hour), (0...59).contains(minute),
              (0...60).contains(second), year >= 1970, year < 10000 else { return nil }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - (offsetMinutes ?? 0) * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    private static func parseISO(_ text: String) -> Date? {
        // 2020-06-01T10:00:00+09:00 / Z
        let bytes = Array(text.utf8)
        guard bytes.count >= 19, bytes[4] == 0x2D, bytes[7] == 0x2D, bytes[10] == 0x54 || bytes[10] == 0x20 else { return nil }
        func number(_ range: Range<Int>) -> Int? { Int(String(decoding: bytes[range], as: UTF8.self)) }
        guard let y = number(0..<4), let mo = number(5..<7), let d = number(8..<10), let h = number(11..<13),
              let mi = number(14..<16), let s = number(17..<19) else { return nil }
        var offset = 0
        if let signIndex = bytes[19...].firstIndex(where: { $0 == 0x2B || $0 == 0x2D }), bytes.count >= signIndex + 6,
           let oh = number((signIndex + 1)..<(signIndex + 3)), let om = number((signIndex + 4)..<(signIndex + 6)) {
            offset = (bytes[signIndex] == 0x2D ? -1 : 1) * (oh * 60 + om)
        }
        let days = daysFromCivil(year: y, month: mo, day: d)
        return Date(timeIntervalSince1970: TimeInterval(days * 86400 + h * 3600 + mi * 60 + s - offset * 60))
    }

    /// Days since 1970-01-01 (Howard Hinnant's algorithm).
    private static func daysFromCivil(year: Int, month: Int, day: Int) -> Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    // MARK: - Quoted dates

    /// A date as a forwarding client quotes it. Without a zone in the text, the time is the
    /// forwarder's local time: `defaultOffsetMinutes` (the forward's own Date offset), else JST for
    /// Japanese text, else UTC.
    ///
    /// ```swift
    /// MailDate.parseQuoted("2024年5月13日(月) 10:21", defaultOffsetMinutes: nil)        // 2024-05-13 01:21 UTC
    /// MailDate.parseQuoted("Monday, May 13, 2024 10:21 AM", defaultOffsetMinutes: 540) // 2024-05-13 01:21 UTC
    /// ```
    static func parseQuoted(_ text: String, defaultOffsetMinutes: Int?) -> Date? {
        let scalars = Array(text.unicodeScalars)
        var numbers: [(value: Int, digits: Int, start: Int, end: Int)] = []
        var index = 0
        while index < scalars.count {
            guard let digit = asciiDigit(scalars[index]) else { index += 1; continue }
            var value = digit, end = index + 1
            while end < scalars.count, let next = asciiDigit(scalars[end]), end - index < 9 { value = value * 10 + next; end += 1 }
            numbers.append((value, end - index, index, end))
            index = end
        }
        func character(at position: Int) -> Unicode.Scalar? { position >= 0 && position < scalars.count ? scalars[position] : nil }
        // The time: H:MM(:SS), with AM/PM or 午前/午後.
        var hour = 0, minute = 0, second = 0
        var timeNumbers: Set<Int> = []
        for (position, number) in numbers.enumerated() where position + 1 < numbers.count {
            let next = numbers[position + 1]
            guard character(at: number.end) == ":", next.start == number.end + 1, number.value < 24, next.value < 60,
                  next.digits == 2 else { continue }
            hour = number.value; minute = next.value
            timeNumbers = [position, position + 1]
            if position + 2 < numbers.count, character(at: next.end) == ":", numbers[position + 2].start == next.end + 1 {
                second = min(59, numbers[position + 2].value)
                timeNumbers.insert(position + 2)
            }
            break
        }
        let lowered = text.lowercased()
        let words = lowered.split { !$0.isLetter && $0 != "." }.map { $0.replacingOccurrences(of: ".", with: "") }
        if (words.contains("pm") || text.contains("午後")) && hour < 12 { hour += 12 }
        if (words.contains("am") || text.contains("午前")) && hour == 12 { hour = 0 }
        // The day: 2024年5月13日 / 2024/05/13 / 2024-05-13, else "May 13, 2024" / "13 May 2024".
        var year: Int?, month: Int?, day: Int?
        let dateNumbers = numbers.enumerated().filter { !timeNumbers.contains($0.offset) }.map(\.element)
        if let first = dateNumbers.first, first.digits == 4, dateNumbers.count >= 3 {
            year = first.value; month = dateNumbers[1].value; day = dateNumbers[2].value
        } else {
            month = words.lazy.compactMap { word in word.count >= 3 ? months[String(word.prefix(3))] : nil }.first
            year = dateNumbers.first { $0.digits == 4 }?.value
            day = dateNumbers.first { $0.digits <= 2 && $0.value >= 1 && $0.value <= 31 }?.value
        }
        guard let year, let month, let day, (1...12).contains(month), (1...31).contains(day), year >= 1970 else { return nil }
        // The zone: +0900 / -05:00 / a zone name, else the default.
        var offset: Int?
        for number in dateNumbers where number.digits == 4 && number.value != year {
            if let sign = character(at: number.start - 1), sign == "+" || sign == "-" {
                offset = (sign == "-" ? -1 : 1) * ((number.value / 100) * 60 + number.value % 100)
            }
        }
        // Apple Mail and others: "GMT+9", "GMT+09:00", "UTC-5".
        for marker in ["gmt+", "gmt-", "utc+", "utc-"] where offset == nil {
            guard let range = lowered.range(of: marker) else { continue }
            let digits = lowered[range.upperBound...].prefix { $0.isNumber || $0 == ":" }
            let parts = digits.split(separator: ":").compactMap { Int($0) }
            guard let first = parts.first else { continue }
            let minutes = digits.contains(":") || first < 100 ? first * 60 + (parts.count > 1 ? parts[1] : 0)
                                                              : (first / 100) * 60 + first % 100
            offset = (marker.hasSuffix("-") ? -1 : 1) * minutes
        }
        if offset == nil { offset = words.lazy.compactMap { zones[$0] }.first }
        if offset == nil {
            let japanese = text.unicodeScalars.contains { $0.value >= 0x3000 }
            offset = defaultOffsetMinutes ?? (japanese ? 540 : 0)
        }
        let days = daysFromCivil(year: year, month: month, day: day)
        let seconds = days * 86400 + hour * 3600 + minute * 60 + second - (offset ?? 0) * 60
        return Date(timeIntervalSince1970: TimeInterval(seconds))
    }

    /// The zone offset (minutes) of an RFC 5322 date ("… +0900"), nil when it names none.
    static func offsetMinutes(_ text: String) -> Int? {
        for word in text.split(separator: " ") where (word.hasPrefix("+") || word.hasPrefix("-")) && word.count == 5 {
            guard let value = Int(word.dropFirst()) else { continue }
            return (word.hasPrefix("-") ? -1 : 1) * ((value / 100) * 60 + value % 100)
        }
        return nil
    }

    @inline(__always) private static func asciiDigit(_ scalar: Unicode.Scalar) -> Int? {
        if scalar.value >= 0x30 && scalar.value <= 0x39 { return Int(scalar.value - 0x30) }
        if scalar.value >= 0xFF10 && scalar.value <= 0xFF19 { return Int(scalar.value - 0xFF10) }
        return nil
    }
}
