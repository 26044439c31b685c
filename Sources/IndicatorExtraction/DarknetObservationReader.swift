// IndicatorExtraction — DarknetObservationReader.swift
// Darknet sensor logs (time, source IP, destination port, protocol, count) aggregated per UTC hour and source IP.

import Foundation

/// Reads darknet-sensor CSV exports (what NICT's nicter registers) and aggregates them per UTC hour
/// and source IP. Headers are flexible (`time`/`timestamp`/`date`, `src`/`source_ip`/`src_ip`,
/// `dport`/`dst_port`/`destination_port`, `proto`/`protocol`, `count`/`packets`, and Japanese
/// equivalents); without a recognisable header the columns are taken in that order.
///
/// ```swift
/// let reader = DarknetObservationReader(timeZone: TimeZone(identifier: "Asia/Tokyo")!)
/// let result = reader.read(csv: "time,src_ip,dst_port,proto,count\n2024/05/01 09:00:05,198.51.100.7,23,tcp,3\n")
/// result.observations[0].destinationPorts   // [23: 3]
/// result.observations.within(from: start, to: end)
/// ```
public struct DarknetObservationReader: Sendable {
    /// Time zone of timestamps without an offset.
    public var timeZone: TimeZone

    public init(timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.timeZone = timeZone
    }

    /// Reads uploaded bytes (UTF-8 or Shift_JIS).
    public func read(data: Data) throws -> ObservationReadResult<HourlyObservation> {
        read(csv: try TextDecoding.decode(data))
    }

    public func read(csv: String) -> ObservationReadResult<HourlyObservation> {
        var result = ObservationReadResult<HourlyObservation>()
        let (records, parseProblems) = CSVRecords.parse(csv)
        result.problems = parseProblems
        guard let first = records.first else { return result }
        let header = first.fields
        var columns = (time: ObservationColumns.index(in: header, ObservationColumns.timeHeaders),
                       source: ObservationColumns.index(in: header, ObservationColumns.sourceHeaders),
                       port: ObservationColumns.index(in: header, ObservationColumns.portHeaders),
                       proto: ObservationColumns.index(in: header, ObservationColumns.protoHeaders),
                       count: ObservationColumns.index(in: header, ObservationColumns.countHeaders))
        var rows = records.dropFirst()
        if columns.time == nil && columns.source == nil {
            columns = (0, 1, 2, 3, 4)
            rows = records[...]
        }
        guard let timeColumn = columns.time, let sourceColumn = columns.source else {
            result.problems.append(RowProblem(line: first.line, reason: "the header needs a time column and a source IP column"))
            return result
        }
        struct Key: Hashable { let hour: Date; let source: String }
        var groups: [Key: HourlyObservation] = [:]
        for record in rows {
            func cell(_ i: Int?) -> String? {
                guard let i, i < record.fields.count else { return nil }
                let v = record.fields[i].trimmingCharacters(in: .whitespaces)
                return v.isEmpty ? nil : v
            }
            guard let rawTime = cell(timeColumn) else { result.problems.append(RowProblem(line: record.line, reason: "no time")); continue }
            guard let time = ObservationTimestamp.parse(rawTime, timeZone: timeZone) else {
                result.problems.append(RowProblem(line: record.line, reason: "time '\(rawTime)' is not a date and time")); continue
            }
            guard let rawSource = cell(sourceColumn) else { result.problems.append(RowProblem(line: record.line, reason: "no source IP")); continue }
            guard let address = IPAddress(rawSource) else {
                result.problems.append(RowProblem(line: record.line, reason: "source '\(rawSource)' is not an IP address")); continue
            }
            let port: Int?, count: Int
            switch ObservationColumns.port(cell(columns.port)) {
            case .success(let p): port = p
            case .failure(let p): result.problems.append(RowProblem(line: record.line, reason: p.reason)); continue
            }
            switch ObservationColumns.count(cell(columns.count)) {
            case .success(let c): count = c
            case .failure(let p): result.problems.append(RowProblem(line: record.line, reason: p.reason)); continue
            }
            let proto = cell(columns.proto).map(ObservationColumns.protocolName)
            let key = Key(hour: ObservationTimestamp.hourStart(of: time), source: address.text)
            var o = groups[key] ?? HourlyObservation(hourStart: key.hour, sourceIP: key.source, firstSeen: time, lastSeen: time,
                                                     count: 0, destinationPorts: [:], protocols: [])
            o.firstSeen = min(o.firstSeen, time)
            o.lastSeen = max(o.lastSeen, time)
            o.count += count
            if let port { o.destinationPorts[port, default: 0] += count }
            if let proto, !o.protocols.contains(proto) { o.protocols.append(proto); o.protocols.sort() }
            groups[key] = o
            result.rowsRead += 1
        }
        result.observations = groups.values.sorted {
            ($0.hourStart, IPSortKey($0.sourceIP)) < ($1.hourStart, IPSortKey($1.sourceIP))
        }
        return result
    }
}

/// Orders IP addresses numerically (IPv4 before IPv6), other text after them.
struct IPSortKey: Comparable {
    let family: Int, high: UInt64, low: UInt64, text: String
    init(_ text: String) {
        self.text = text
        switch IPAddress(text) {
        case .v4(let v): family = 0; high = 0; low = UInt64(v)
        case .v6(let h, let l): family = 1; high = h; low = l
        case nil: family = 2; high = 0; low = 0
        }
    }
    static func < (a: IPSortKey, b: IPSortKey) -> Bool {
        (a.family, a.high, a.low, a.text) < (b.family, b.high, b.low, b.text)
    }
}
