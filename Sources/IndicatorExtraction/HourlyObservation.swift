// IndicatorExtraction — HourlyObservation.swift
// Hourly aggregates of sensor observations (darknet packets, malware activity) and time-range filtering.

import Foundation

/// Something aggregated per UTC hour.
public protocol HourlyAggregate: Sendable {
    /// Start of the UTC hour.
    var hourStart: Date { get }
}

extension HourlyAggregate {
    /// The end of the hour (exclusive).
    public var hourEnd: Date { hourStart.addingTimeInterval(3600) }
}

extension Sequence where Element: HourlyAggregate {
    /// The aggregates whose hour overlaps `[start, end)`.
    ///
    /// ```swift
    /// let morning = result.observations.within(from: nine, to: noon)
    /// ```
    public func within(from start: Date, to end: Date) -> [Element] {
        filter { $0.hourStart < end && $0.hourEnd > start }
    }
}

/// Darknet packets from one source IP in one UTC hour (what a nicter-style sensor registers).
public struct HourlyObservation: HourlyAggregate, Hashable {
    public var hourStart: Date
    /// Normalised source address (dotted quad or RFC 5952).
    public var sourceIP: String
    public var firstSeen: Date
    public var lastSeen: Date
    /// Total packets (sum of the count column; 1 per row without one).
    public var count: Int
    /// Packets per destination port (rows without a port, e.g. ICMP, are not counted here).
    public var destinationPorts: [Int: Int]
    /// Protocols seen, lowercased ("tcp", "udp", "icmp", …), sorted.
    public var protocols: [String]
}

/// Malware activity of one (source, malware family) in one UTC hour (what PRACTICE-style statistics register).
public struct HourlyMalwareActivity: HourlyAggregate, Hashable {
    public var hourStart: Date
    /// The source IP (normalised) or host name (lowercased).
    public var source: String
    public var malwareFamily: String
    public var firstSeen: Date
    public var lastSeen: Date
    public var count: Int
    public var destinationPorts: [Int: Int]
}

/// What an observation reader produced.
public struct ObservationReadResult<Aggregate: HourlyAggregate>: Sendable {
    /// Sorted by hour, then source (and family).
    public var observations: [Aggregate] = []
    /// Rows that could not be read, with the reason.
    public var problems: [RowProblem] = []
    /// Rows that were aggregated.
    public var rowsRead = 0
}

/// Header synonyms shared by the observation readers (compared lowercased, with spaces, hyphens and dots as "_").
enum ObservationColumns {
    static let timeHeaders = ["time", "timestamp", "date", "datetime", "date_time", "time_stamp", "observed", "first_seen", "日時", "時刻", "日付"]
    static let sourceHeaders = ["src", "source_ip", "src_ip", "source", "srcip", "sip", "saddr", "source_address", "src_addr",
                         "送信元ip", "送信元", "送信元ipアドレス"]
    static let portHeaders = ["dport", "dst_port", "destination_port", "dstport", "port", "dest_port", "宛先ポート", "ポート"]
    static let protoHeaders = ["proto", "protocol", "ip_proto", "プロトコル"]
    static let countHeaders = ["count", "packets", "packet_count", "pkts", "num", "events", "hits", "件数", "パケット数", "回数"]
    static let malwareHeaders = ["malware", "family", "malware_family", "malware_name", "name", "detection", "マルウェア", "マルウェア名", "検体名"]
    static let hostHeaders = ["host", "src_host", "source_host", "hostname", "src_ip_or_host", "送信元ホスト"]

    static func key(_ header: String) -> String {
        var k = header.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        if k.hasPrefix("\u{FEFF}") { k.removeFirst() }
        for c in [" ", "-", "."] { k = k.replacingOccurrences(of: c, with: "_") }
        return k
    }

    static func index(in header: [String], _ names: [String]) -> Int? {
        let keys = header.map(key)
        for name in names { if let i = keys.firstIndex(of: name) { return i } }
        return nil
    }

    /// "tcp"/"6" → "tcp", "udp"/"17" → "udp", "icmp"/"1" → "icmp", other names lowercased.
    static func protocolName(_ raw: String) -> String {
        switch raw.lowercased() {
        case "6": "tcp"
        case "17": "udp"
        case "1": "icmp"
        case "58": "ipv6-icmp"
        case let other: other
        }
    }

    static func count(_ raw: String?) -> Result<Int, ValueProblem> {
        guard let raw, !raw.isEmpty else { return .success(1) }
        guard let n = Int(raw.replacingOccurrences(of: ",", with: "")), n >= 0 else {
            return .failure(ValueProblem(reason: "count '\(raw)' is not a non-negative whole number"))
        }
        return .success(n)
    }

    static func port(_ raw: String?) -> Result<Int?, ValueProblem> {
        guard let raw, !raw.isEmpty, raw != "-" else { return .success(nil) }
        guard let p = Int(raw), (0...65535).contains(p) else {
            return .failure(ValueProblem(reason: "destination port '\(raw)' is not 0…65535"))
        }
        return .success(p)
    }
}
