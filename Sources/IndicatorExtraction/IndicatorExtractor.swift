// IndicatorExtraction — IndicatorExtractor.swift
// Extraction of indicators from free text (reports, advisories, mails), with warning lists applied.

/// What an extraction found: the indicators kept, and those left out with the reason.
public struct ExtractionResult: Sendable {
    /// Unique by kind and value, in order of first appearance.
    public var indicators: [Indicator] = []
    /// Found but left out (warning lists, unknown ATT&CK ids), unique by kind and value.
    public var dropped: [DroppedIndicator] = []

    public init(indicators: [Indicator] = [], dropped: [DroppedIndicator] = []) {
        self.indicators = indicators
        self.dropped = dropped
    }

    /// The values of the kept indicators of one kind.
    public func values(_ kind: IndicatorKind) -> [String] { indicators.filter { $0.kind == kind }.map(\.value) }
}

/// Finds indicators in free text: IPv4 (with port), IPv6, domains (real TLDs only), URLs, e-mail
/// addresses, MD5/SHA-1/SHA-256/SHA-512, CVE ids and ATT&CK Enterprise technique ids, defanged or not,
/// in English or Japanese text. Matches against the warning lists are dropped with a reason.
///
/// ```swift
/// let report = """
/// 攻撃者はhxxps://update-check[.]jp-evil[.]com/dl/a.zip（2024年5月）からダウンロードさせ、
/// C2 サーバ 45.77.12[.]9:8443 と通信します。内部の 192.168.10.5 は除外。T1566.001, CVE-2023-4966
/// """
/// let result = IndicatorExtractor().extract(from: report)
/// for i in result.indicators { print(i.kind, i.value, i.line) }
/// for d in result.dropped { print(d.indicator.value, d.reason) }   // 192.168.10.5  warning list: …RFC 1918…
/// ```
public struct IndicatorExtractor: Sendable {
    public var warningLists: WarningLists

    /// An extractor using the bundled warning lists (or the lists given).
    public init(warningLists: WarningLists = .bundled) {
        self.warningLists = warningLists
    }

    /// Extracts, refangs, normalises, deduplicates and filters the indicators in `text`.
    public func extract(from text: String) -> ExtractionResult {
        var collector = Collector(warningLists: warningLists)
        let scalars = Array(text.unicodeScalars)
        var internationalised = false
        var lineStart = 0, lineNumber = 1
        var i = 0
        while i <= scalars.count {
            if i == scalars.count || scalars[i] == "\n" || scalars[i] == "\r" {
                if i > lineStart {
                    // Unicode host names are scanned in their ASCII form and reported as written.
                    if let ascii = InternationalNames.asciiHosts(in: scalars[lineStart..<i]) {
                        scan(ascii[...], line: lineNumber, into: &collector)
                        internationalised = true
                    } else {
                        scan(scalars[lineStart..<i], line: lineNumber, into: &collector)
                    }
                }
                if i < scalars.count, scalars[i] == "\r", i + 1 < scalars.count, scalars[i + 1] == "\n" { i += 1 }
                lineNumber += 1
                lineStart = i + 1
            }
            i += 1
        }
        guard internationalised else { return collector.result }
        var result = collector.result
        for index in result.indicators.indices where result.indicators[index].value.contains("xn--") {
            result.indicators[index].value = InternationalNames.writtenForm(of: result.indicators[index].value)
        }
        return result
    }

    /// A string from scalars (via UTF-8, much faster than appending scalars one by one).
    static func text(_ scalars: ArraySlice<Unicode.Scalar>) -> String {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(scalars.count)
        for scalar in scalars { UTF8.encode(scalar) { bytes.append($0) } }
        return String(decoding: bytes, as: UTF8.self)
    }

    static func isTokenByte(_ c: UInt8) -> Bool {
        RefangedLine.isAlnum(c) || c == UInt8(ascii: ".") || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
            || c == UInt8(ascii: "@") || c == UInt8(ascii: ":") || c == UInt8(ascii: "+")
    }

    func scan(_ line: ArraySlice<Unicode.Scalar>, line number: Int, into collector: inout Collector) {
        // Fast path: a line without any ASCII letter or digit holds no indicator.
        guard line.contains(where: { $0.value < 0x80 ? RefangedLine.isAlnum(UInt8($0.value)) : $0.value >= 0xFF10 && $0.value <= 0xFF5A }) else { return }
        let refanged = RefangedLine(line)
        var bytes = refanged.bytes
        var found: [(Range<Int>, Classification)] = []
        if bytes.count >= 10 {
            for url in URLParts.scan(bytes) {
                found.append((url.range, url.classification))
                for k in url.range { bytes[k] = 0x20 }
            }
        }
        var i = 0
        let n = bytes.count
        var pieces: [(ArraySlice<UInt8>, Classification)] = []
        while i < n {
            guard IndicatorExtractor.isTokenByte(bytes[i]) else { i += 1; continue }
            var j = i
            while j < n, IndicatorExtractor.isTokenByte(bytes[j]) { j += 1 }
            if j - i >= 3 {
                let token = IndicatorClassifier.trim(bytes[i..<j])
                if !token.isEmpty {
                    pieces.removeAll(keepingCapacity: true)
                    IndicatorClassifier.classify(token, into: &pieces)
                    for (slice, c) in pieces { found.append((slice.startIndex..<slice.endIndex, c)) }
                }
            }
            i = j
        }
        found.sort { $0.0.lowerBound < $1.0.lowerBound }
        for (range, classification) in found {
            let start = refanged.originStart[range.lowerBound], end = refanged.originEnd[range.upperBound - 1]
            collector.add(classification, original: IndicatorExtractor.text(line[(line.startIndex + start)..<(line.startIndex + end)]),
                          line: number)
        }
    }
}

/// Deduplication and warning-list filtering shared by the text and CSV readers.
struct Collector {
    let warningLists: WarningLists
    var result = ExtractionResult()
    private var seen = Set<String>()
    private var seenDropped = Set<String>()

    init(warningLists: WarningLists) { self.warningLists = warningLists }

    /// Adds a classification; returns the indicator when it was kept (and new).
    @discardableResult
    mutating func add(_ classification: Classification, original: @autoclosure () -> String, line: Int) -> Indicator? {
        switch classification {
        case .indicator(let kind, let value, let port, let name, let note):
            let key = kind.rawValue + " " + value
            if seen.contains(key) || seenDropped.contains(key) { return nil }
            let indicator = Indicator(kind: kind, value: value, original: original(), line: line, port: port, name: name, note: note)
            if let list = warningLists.match(indicator) {
                if seenDropped.insert(key).inserted {
                    result.dropped.append(DroppedIndicator(indicator: indicator, reason: "warning list: \(list.name)"))
                }
                return nil
            }
            guard seen.insert(key).inserted else { return nil }
            result.indicators.append(indicator)
            return indicator
        case .rejected(let kind, let value, let reason):
            let key = kind.rawValue + " " + value
            if seenDropped.insert(key).inserted {
                result.dropped.append(DroppedIndicator(
                    indicator: Indicator(kind: kind, value: value, original: original(), line: line), reason: reason))
            }
            return nil
        }
    }
}
