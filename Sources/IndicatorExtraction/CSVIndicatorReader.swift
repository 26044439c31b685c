// IndicatorExtraction — CSVIndicatorReader.swift
// Indicators from CSV files with a column mapping; bad rows reported with line and reason.

import Foundation

/// One indicator read from a CSV row, with the row's description, first-seen time and tags.
public struct CSVIndicatorRecord: Sendable, Hashable {
    public var indicator: Indicator
    public var description: String?
    public var firstSeen: Date?
    public var tags: [String]
}

/// What a CSV read produced.
public struct CSVIndicatorReadResult: Sendable {
    /// Unique by kind and value (the first row wins), in file order.
    public var records: [CSVIndicatorRecord] = []
    /// Dropped by warning lists or as unknown ATT&CK ids.
    public var dropped: [DroppedIndicator] = []
    /// Rows or cells that could not be read.
    public var problems: [RowProblem] = []

    public var indicators: [Indicator] { records.map(\.indicator) }
}

/// Reads indicators from CSV text or bytes (UTF-8, UTF-8 with BOM, Shift_JIS/CP932).
///
/// ```swift
/// let mapping = ColumnMapping(indicators: [("ip", .ip), ("hash", .kind(.sha256))],
///                             description: "説明", firstSeen: "first_seen", tags: "tags")
/// let result = try CSVIndicatorReader().read(data: Data(contentsOf: upload), mapping: mapping)
/// for problem in result.problems { print(problem) }   // "line 7: column 'ip': '999.1.1.1' is not a valid IPv4 address"
/// ```
public struct CSVIndicatorReader: Sendable {
    public var warningLists: WarningLists

    public init(warningLists: WarningLists = .bundled) {
        self.warningLists = warningLists
    }

    /// Reads uploaded bytes, decoding them with `TextDecoding`.
    public func read(data: Data, mapping: ColumnMapping) throws -> CSVIndicatorReadResult {
        read(csv: try TextDecoding.decode(data), mapping: mapping)
    }

    /// Reads CSV text.
    public func read(csv: String, mapping: ColumnMapping) -> CSVIndicatorReadResult {
        var result = CSVIndicatorReadResult()
        let (records, parseProblems) = CSVRecords.parse(csv, delimiter: mapping.delimiter)
        result.problems = parseProblems
        guard let first = records.first else { return result }
        let headerPresent = mapping.hasHeader ?? looksLikeHeader(first, mapping)
        let header = headerPresent ? first.fields.map(Self.headerKey) : []
        func resolve(_ column: CSVColumn) -> Int? {
            switch column {
            case .index(let i): return i
            case .name(let name): return header.firstIndex(of: Self.headerKey(name))
            }
        }
        var indicatorColumns: [(index: Int, label: String, content: ColumnContent)] = []
        for (column, content) in mapping.indicators {
            guard let index = resolve(column) else {
                result.problems.append(RowProblem(line: first.line, reason: "no column \(Self.label(column)) in the header"))
                continue
            }
            indicatorColumns.append((index, Self.label(column), content))
        }
        let descriptionIndex = mapping.description.flatMap(resolve)
        let firstSeenIndex = mapping.firstSeen.flatMap(resolve)
        let tagsIndex = mapping.tags.flatMap(resolve)
        for (name, column) in [("description", mapping.description), ("first_seen", mapping.firstSeen), ("tags", mapping.tags)] {
            if let column, resolve(column) == nil {
                result.problems.append(RowProblem(line: first.line, reason: "no \(name) column \(Self.label(column)) in the header"))
            }
        }
        guard !indicatorColumns.isEmpty else { return result }

        var collector = Collector(warningLists: warningLists)
        let extractor = IndicatorExtractor(warningLists: warningLists)
        for record in records.dropFirst(headerPresent ? 1 : 0) {
            func cell(_ index: Int?) -> String? {
                guard let index, index < record.fields.count else { return nil }
                let value = record.fields[index].trimmingCharacters(in: .whitespacesAndNewlines)
                return value.isEmpty ? nil : value
            }
            var firstSeen: Date? = nil
            if let raw = cell(firstSeenIndex) {
                firstSeen = ObservationTimestamp.parse(raw, timeZone: mapping.timeZone)
                if firstSeen == nil {
                    result.problems.append(RowProblem(line: record.line, reason: "first_seen '\(raw)' is not a date and time"))
                }
            }
            let tags = cell(tagsIndex).map { $0.split(whereSeparator: { mapping.tagSeparators.contains($0) || $0 == "," })
                .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty } } ?? []
            let description = cell(descriptionIndex)
            var rowHadValue = false
            for column in indicatorColumns {
                guard let raw = cell(column.index) else { continue }
                rowHadValue = true
                var found: [Indicator] = []
                switch column.content {
                case .auto:
                    let cellResult = extractor.extract(from: raw)
                    for dropped in cellResult.dropped {
                        collector.add(.rejected(kind: dropped.indicator.kind, value: dropped.indicator.value, reason: dropped.reason),
                                      original: dropped.indicator.original, line: record.line)
                    }
                    for indicator in cellResult.indicators {
                        let c = Classification.indicator(kind: indicator.kind, value: indicator.value, port: indicator.port,
                                                         name: indicator.name, note: indicator.note)
                        if let kept = collector.add(c, original: indicator.original, line: record.line) { found.append(kept) }
                    }
                    if cellResult.indicators.isEmpty && cellResult.dropped.isEmpty {
                        result.problems.append(RowProblem(line: record.line, reason: "column \(column.label): no indicator found in '\(raw)'"))
                    }
                case .ip, .kind:
                    let kind: IndicatorKind
                    if case .kind(let k) = column.content { kind = k } else { kind = .ipv4 }
                    switch IndicatorClassifier.validate(raw, as: kind) {
                    case .success(let c):
                        if case .indicator(let k, _, _, _, _) = c, column.content != .ip, k != kind {
                            result.problems.append(RowProblem(line: record.line,
                                reason: "column \(column.label): '\(raw)' is not a valid \(kind.displayName)"))
                            continue
                        }
                        if let kept = collector.add(c, original: raw, line: record.line) { found.append(kept) }
                    case .failure(let problem):
                        let expected = column.content == .ip ? "IP address" : kind.displayName
                        let reason = problem.reason.replacingOccurrences(of: "valid \(kind.displayName)", with: "valid \(expected)")
                        result.problems.append(RowProblem(line: record.line, reason: "column \(column.label): \(reason)"))
                    }
                }
                for indicator in found {
                    result.records.append(CSVIndicatorRecord(indicator: indicator, description: description,
                                                             firstSeen: firstSeen, tags: tags))
                }
            }
            if !rowHadValue {
                result.problems.append(RowProblem(line: record.line, reason: "no value in any indicator column"))
            }
        }
        result.dropped = collector.result.dropped
        return result
    }

    static func headerKey(_ name: String) -> String {
        var key = name.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if key.hasPrefix("\u{FEFF}") { key.removeFirst() }
        return key
    }

    static func label(_ column: CSVColumn) -> String {
        switch column {
        case .name(let name): "'\(name)'"
        case .index(let i): "#\(i)"
        }
    }

    private func looksLikeHeader(_ record: CSVRecord, _ mapping: ColumnMapping) -> Bool {
        let names = [mapping.description, mapping.firstSeen, mapping.tags].compactMap { $0 } + mapping.indicators.map(\.column)
        let keys = Set(record.fields.map(Self.headerKey))
        for case .name(let name) in names where keys.contains(Self.headerKey(name)) { return true }
        for (column, content) in mapping.indicators {
            guard case .index(let i) = column, i < record.fields.count else { continue }
            let value = record.fields[i]
            switch content {
            case .auto: if !IndicatorExtractor(warningLists: WarningLists()).extract(from: value).indicators.isEmpty { return false }
            case .ip: if case .success = IndicatorClassifier.validate(value, as: .ipv4) { return false }
            case .kind(let k): if case .success = IndicatorClassifier.validate(value, as: k) { return false }
            }
        }
        return true
    }
}
