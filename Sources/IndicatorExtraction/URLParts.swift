// IndicatorExtraction — URLParts.swift
// Finding http/https/ftp URLs in a refanged line, trimming trailing punctuation, validating the host.

import Foundation

enum URLParts {
    static let schemes: Set<String> = ["http", "https", "ftp"]

    static func isURLByte(_ c: UInt8) -> Bool {
        c > 0x20 && c < 0x7F && !"\"<>\\^`{|}".utf8.contains(c)
    }

    /// Every URL in the line: its byte range and classification.
    static func scan(_ b: [UInt8]) -> [(range: Range<Int>, classification: Classification)] {
        var found: [(Range<Int>, Classification)] = []
        var i = 0
        let n = b.count
        while i + 2 < n {
            guard b[i] == UInt8(ascii: ":"), b[i + 1] == UInt8(ascii: "/"), b[i + 2] == UInt8(ascii: "/") else { i += 1; continue }
            var start = i
            while start > 0, b[start - 1] | 0x20 >= 0x61, b[start - 1] | 0x20 <= 0x7A { start -= 1 }
            if start < i, let url = url(in: b[start...]), url.range.upperBound > i + 3 {
                found.append((url.range, url.classification))
                i = url.range.upperBound
            } else {
                i += 3
            }
        }
        return found
    }

    /// The URL that starts at the beginning of `b`, if any.
    static func url(in b: ArraySlice<UInt8>) -> (range: Range<Int>, classification: Classification)? {
        guard let colon = b.firstIndex(of: UInt8(ascii: ":")), colon - b.startIndex <= 5 else { return nil }
        let scheme = IndicatorClassifier.lowercased(b[b.startIndex..<colon])
        guard schemes.contains(scheme), colon + 2 < b.endIndex, b[colon + 1] == UInt8(ascii: "/"),
              b[colon + 2] == UInt8(ascii: "/") else { return nil }
        var end = colon + 3
        while end < b.endIndex, isURLByte(b[end]) { end += 1 }
        // Trailing punctuation and unbalanced closing brackets belong to the sentence.
        while end > colon + 3 {
            let last = b[end - 1]
            if ".,;:!?'\"*".utf8.contains(last) { end -= 1; continue }
            let pairs: [UInt8: UInt8] = [UInt8(ascii: ")"): UInt8(ascii: "("), UInt8(ascii: "]"): UInt8(ascii: "["),
                                         UInt8(ascii: ">"): UInt8(ascii: "<")]
            if let open = pairs[last] {
                let body = b[b.startIndex..<end]
                if body.filter({ $0 == last }).count > body.filter({ $0 == open }).count { end -= 1; continue }
            }
            break
        }
        let authorityStart = colon + 3
        var authorityEnd = authorityStart
        while authorityEnd < end, !"/?#".utf8.contains(b[authorityEnd]) { authorityEnd += 1 }
        var hostStart = authorityStart
        if let at = b[authorityStart..<authorityEnd].lastIndex(of: UInt8(ascii: "@")) { hostStart = at + 1 }
        var hostEnd = authorityEnd
        if hostStart < authorityEnd, b[hostStart] == UInt8(ascii: "[") {
            guard let close = b[hostStart..<authorityEnd].firstIndex(of: UInt8(ascii: "]")),
                  IPAddress.parseV6(Array(b[(hostStart + 1)..<close])) != nil else { return nil }
            hostEnd = close + 1
        } else {
            if let portColon = b[hostStart..<authorityEnd].firstIndex(of: UInt8(ascii: ":")) { hostEnd = portColon }
            var host = b[hostStart..<hostEnd]
            if host.last == UInt8(ascii: ".") { host = host.dropLast() }
            guard IPAddress.parseV4(host) != nil || TopLevelDomains.isDomainName(host) else { return nil }
        }
        if hostEnd < authorityEnd {
            // Only ":port" may follow the host.
            let port = b[(hostEnd + 1)..<authorityEnd]
            guard b[hostEnd] == UInt8(ascii: ":"), port.count <= 5, port.allSatisfy(IndicatorClassifier.isDigit) else { return nil }
        }
        let value = scheme + "://" + String(decoding: b[authorityStart..<hostStart], as: UTF8.self)
            + IndicatorClassifier.lowercased(b[hostStart..<hostEnd]) + String(decoding: b[hostEnd..<end], as: UTF8.self)
        return (b.startIndex..<end, .indicator(kind: .url, value: value, port: nil, name: nil, note: nil))
    }

    /// The lowercased host of a normalised URL (brackets removed from IPv6).
    static func host(of url: String) -> String? {
        let b = Array(url.utf8)
        var i = 0
        while i + 2 < b.count, !(b[i] == UInt8(ascii: ":") && b[i + 1] == UInt8(ascii: "/") && b[i + 2] == UInt8(ascii: "/")) { i += 1 }
        guard i + 2 < b.count else { return nil }
        var start = i + 3, end = start
        while end < b.count, b[end] != UInt8(ascii: "/"), b[end] != UInt8(ascii: "?"), b[end] != UInt8(ascii: "#") { end += 1 }
        if let at = b[start..<end].lastIndex(of: UInt8(ascii: "@")) { start = at + 1 }
        if start < end, b[start] == UInt8(ascii: "["), let close = b[start..<end].firstIndex(of: UInt8(ascii: "]")) {
            return IndicatorClassifier.lowercased(b[(start + 1)..<close])
        }
        if let colon = b[start..<end].firstIndex(of: UInt8(ascii: ":")) { end = colon }
        return IndicatorClassifier.lowercased(b[start..<end])
    }
}
