// SharingMetrics reports: the coverage, lead-time and daily reports and how they are written, as
// JSON (the API and `--json`) and as CSV with a header row (`--csv`).
import Foundation
import STIX

/// How one report is written.
public protocol MetricsReport: Sendable {
    var json: JSONValue { get }
    /// CSV with a header row, lines ending in CRLF (RFC 4180).
    var csv: String { get }
}

extension MetricsReport {
    /// The JSON text.
    public var jsonText: String { String(decoding: json.serialized(), as: UTF8.self) }
}

enum CSV {
    static func field(_ text: String) -> String {
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
    static func lines(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }
}

func number(_ value: Int) -> JSONValue { .number(String(value)) }
func number(_ value: Double) -> JSONValue { .number(String(format: "%.4f", value)) }
func share(_ part: Int, _ whole: Int) -> Double { whole == 0 ? 0 : Double(part) / Double(whole) }
func optional(_ text: String?) -> JSONValue { text.map { .string($0) } ?? .null }

// MARK: - Coverage

/// Another organisation's share of one organisation's indicators.
public struct PeerOverlap: Sendable, Equatable {
    /// Its name (hub staff) or a pseudonym `peer-N` (anyone else).
    public var organization: String
    public var sector: String?
    public var shared: Int
    public var share: Double
    init(organization: String, sector: String?, shared: Int, of total: Int) {
        self.organization = organization; self.sector = sector; self.shared = shared; share = SharingMetricsShare.of(shared, total)
    }
}

/// A sector's share of one organisation's indicators (held by any organisation of the sector).
public struct SectorOverlap: Sendable, Equatable {
    public var sector: String
    public var shared: Int
    public var share: Double
    init(sector: String, shared: Int, of total: Int) {
        self.sector = sector; self.shared = shared; share = SharingMetricsShare.of(shared, total)
    }
}

enum SharingMetricsShare { static func of(_ part: Int, _ whole: Int) -> Double { share(part, whole) } }

/// One organisation's coverage.
public struct CoverageRow: Sendable, Equatable {
    public var organization: String
    public var sector: String?
    /// Distinct observables it reported.
    public var indicators: Int
    /// Of those, how many at least one other organisation also reported.
    public var heldByOthers: Int
    public var overlap: [PeerOverlap]
    public var bySector: [SectorOverlap]
}

/// Coverage of every organisation (hub staff) or of the viewer's own (anyone else).
public struct CoverageReport: MetricsReport {
    /// Whether other organisations are named (hub staff) or pseudonymous.
    public var named: Bool
    public var rows: [CoverageRow]

    public var json: JSONValue {
        let organizations: [JSONValue] = rows.map { row in
            let overlap: [JSONValue] = row.overlap.map { peer in
                .object(JSONObject([("organization", .string(peer.organization)), ("sector", optional(peer.sector)),
                                    ("shared", number(peer.shared)), ("share", number(peer.share))]))
            }
            let bySector: [JSONValue] = row.bySector.map { sector in
                .object(JSONObject([("sector", .string(sector.sector)), ("shared", number(sector.shared)),
                                    ("share", number(sector.share))]))
            }
            return .object(JSONObject([
                ("organization", .string(row.organization)), ("sector", optional(row.sector)),
                ("indicators", number(row.indicators)), ("held_by_others", number(row.heldByOthers)),
                ("share_held_by_others", number(share(row.heldByOthers, row.indicators))),
                ("overlap", .array(overlap)), ("by_sector", .array(bySector)),
            ]))
        }
        var members: [(String, JSONValue)] = [
            ("metric", .string("coverage")),
            ("others", .string(named ? "named" : "pseudonymous; only values the hub delivered to you from them count")),
            ("organizations", .array(organizations)),
        ]
        if named { members.append(("matrix", matrix)) }
        return .object(JSONObject(members))
    }

    /// The overlap matrix: `shared[i][j]` = indicators of organisation i also reported by j (i = j: its total).
    var matrix: JSONValue {
        let names = rows.map(\.organization)
        return .object(JSONObject([
            ("organizations", .array(names.map { .string($0) })),
            ("shared", .array(rows.map { row in
                .array(names.map { name in
                    name == row.organization ? number(row.indicators)
                        : number(row.overlap.first { $0.organization == name }?.shared ?? 0)
                })
            })),
        ]))
    }

    public var csv: String {
        CSV.lines(["organization", "sector", "indicators", "other_organization", "other_sector", "shared", "share"],
                  rows.flatMap { row in
                      row.overlap.map { peer in
                          [row.organization, row.sector ?? "", String(row.indicators), peer.organization, peer.sector ?? "",
                           String(peer.shared), String(format: "%.4f", peer.share)]
                      }
                  })
    }
}

// MARK: - Lead time

/// One indicator the hub delivered to an organisation before the organisation held it itself.
public struct LeadTimeEntry: Sendable, Equatable {
    public var organization: String
    public var sector: String?
    public var observable: String
    public var feed: String?
    /// `submitted` (or `sighted`).
    public var how: String
    public var deliveredAt: Date
    public var heldAt: Date
    public var seconds: Double { heldAt.timeIntervalSince(deliveredAt) }
}

/// The distribution of lead times of one organisation (or of all).
public struct LeadTimeSummary: Sendable, Equatable {
    public var organization: String
    public var sector: String?
    /// Indicators it held itself in the window.
    public var indicators: Int
    /// Lead times, seconds, of those the hub had delivered first.
    public var seconds: [Double]

    /// The histogram's upper bounds, seconds (the last bucket is open).
    public static let buckets: [(label: String, upTo: Double)] = [
        ("<1h", 3600), ("1h-1d", 86_400), ("1d-7d", 7 * 86_400), ("7d-30d", 30 * 86_400), (">=30d", .infinity),
    ]

    /// The `q` quantile by nearest rank (nil without lead times).
    public func quantile(_ q: Double) -> Double? {
        guard !seconds.isEmpty else { return nil }
        let sorted = seconds.sorted()
        let rank = max(1, Int((q * Double(sorted.count)).rounded(.up)))
        return sorted[min(rank, sorted.count) - 1]
    }

    public var histogram: [(label: String, count: Int)] {
        var lower = -Double.infinity
        return Self.buckets.map { bucket in
            defer { lower = bucket.upTo }
            return (bucket.label, seconds.filter { $0 >= lower && $0 < bucket.upTo }.count)
        }
    }

    var json: JSONValue {
        .object(JSONObject([
            ("organization", .string(organization)), ("sector", optional(sector)),
            ("indicators", number(indicators)), ("delivered_first", number(seconds.count)),
            ("share_delivered_first", number(share(seconds.count, indicators))),
            ("median_seconds", quantile(0.5).map { number($0) } ?? .null),
            ("p90_seconds", quantile(0.9).map { number($0) } ?? .null),
            ("histogram", .object(JSONObject(histogram.map { ($0.label, number($0.count)) }))),
        ]))
    }
}

/// Lead times with their distribution per organisation and overall.
public struct LeadTimeReport: MetricsReport {
    public var entries: [LeadTimeEntry]
    public var organizations: [LeadTimeSummary]
    public var overall: LeadTimeSummary

    public var json: JSONValue {
        let items: [JSONValue] = entries.map { entry in
            let members: [(String, JSONValue)] = [
                ("organization", .string(entry.organization)), ("sector", optional(entry.sector)),
                ("observable", .string(entry.observable)), ("feed", optional(entry.feed)), ("how", .string(entry.how)),
                ("delivered_at", .string(MetricsTime.text(entry.deliveredAt))),
                ("held_at", .string(MetricsTime.text(entry.heldAt))),
                ("lead_seconds", number(entry.seconds)),
            ]
            return .object(JSONObject(members))
        }
        return .object(JSONObject([
            ("metric", .string("lead-time")),
            ("overall", overall.json),
            ("organizations", .array(organizations.map(\.json))),
            ("entries", .array(items)),
        ]))
    }

    public var csv: String {
        CSV.lines(["organization", "sector", "observable", "feed", "how", "delivered_at", "held_at", "lead_seconds"],
                  entries.map { entry in
                      [entry.organization, entry.sector ?? "", entry.observable, entry.feed ?? "", entry.how,
                       MetricsTime.text(entry.deliveredAt), MetricsTime.text(entry.heldAt), String(format: "%.3f", entry.seconds)]
                  })
    }
}

// MARK: - Daily

/// New indicators of one class on one day in one feed, sector and country.
public struct DailyCount: Sendable, Hashable {
    public var day: String
    public var indicatorClass: IndicatorClass
    public var feed: String
    public var sector: String
    /// ISO 3166 code from the RIR statistics; empty when none (names, URLs, unknown addresses).
    public var country: String
    public var count = 0

    public static func == (a: DailyCount, b: DailyCount) -> Bool {
        (a.day, a.indicatorClass, a.feed, a.sector, a.country) == (b.day, b.indicatorClass, b.feed, b.sector, b.country)
    }
    public func hash(into hasher: inout Hasher) {
        hasher.combine(day); hasher.combine(indicatorClass); hasher.combine(feed); hasher.combine(sector); hasher.combine(country)
    }
}

/// Daily counts of new C2, phishing and malware-hosting indicators.
public struct DailyReport: MetricsReport {
    public var rows: [DailyCount]
    /// How many address ranges the country table held (0: no RIR files configured).
    public var countryRanges: Int

    public var json: JSONValue {
        .object(JSONObject([
            ("metric", .string("daily")),
            ("country_ranges", number(countryRanges)),
            ("rows", .array(rows.map { row in
                .object(JSONObject([
                    ("day", .string(row.day)), ("class", .string(row.indicatorClass.rawValue)), ("feed", .string(row.feed)),
                    ("sector", .string(row.sector)), ("country", .string(row.country)), ("count", number(row.count)),
                ]))
            })),
        ]))
    }

    public var csv: String {
        CSV.lines(["day", "class", "feed", "sector", "country", "count"],
                  rows.map { [$0.day, $0.indicatorClass.rawValue, $0.feed, $0.sector, $0.country, String($0.count)] })
    }
}
