// Distribution — FreshnessScoring: the exporter's side of freshness. The evidence members gave
// about an indicator's values (sightings: seen, false positive, expired; k-corroboration counts) is
// read in batches from the store and turned into the two instants a table keeps per indicator
// (fresh until, strong until). What any one organisation reported is never carried further.
import Foundation
import STIX
import Storage

/// The observable keys (as `ObservableExtraction` writes them) under which members' sightings and
/// corroboration counts of a value are stored.
///
/// ```swift
/// FreshnessKeys.observableKeys(of: [ExportValue(type: .ipv4, value: "198.51.100.7")])   // ["ipv4-addr:198.51.100.7"]
/// ```
public enum FreshnessKeys {
    public static func observableKeys(of values: [ExportValue]) -> [String] {
        values.flatMap { value -> [String] in
            switch value.type {
            case .ipv4, .cidr where !value.value.contains(":"): return ["ipv4-addr:\(value.value)"]
            case .ipv6, .cidr: return ["ipv6-addr:\(value.value)"]
            case .domain: return ["domain-name:\(value.value)"]
            case .url: return ["url:\(value.value)"]
            case .md5: return ["file:hashes.MD5:\(value.value)"]
            case .sha1: return ["file:hashes.SHA-1:\(value.value)", "file:hashes.SHA1:\(value.value)"]
            case .sha256: return ["file:hashes.SHA-256:\(value.value)", "file:hashes.SHA256:\(value.value)"]
            }
        }
    }
}

extension FreshnessEvidence {
    /// The evidence in sighting rows about one indicator's keys and the corroboration counts of them.
    ///
    /// ```swift
    /// let evidence = FreshnessEvidence(sightings: rows, reporters: 2)
    /// ```
    public init(sightings: [SightingRecord], reporters: Int) {
        var lastSeen: Int64?
        var falsePositive: Set<String> = [], expired: Set<String> = []
        for row in sightings {
            switch row.kind {
            case .seen:
                let recorded = STIXTimestamp(row.recordedAt)?.microsecondsSinceEpoch
                // A reporter's last_seen never moves freshness past when the hub heard of it.
                let seen = row.lastSeen.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch
                let instant = [seen, recorded].compactMap { $0 }.min()
                if let instant { lastSeen = max(lastSeen ?? instant, instant) }
            case .falsePositive: falsePositive.insert(row.organizationID)
            case .expired: expired.insert(row.organizationID)
            }
        }
        self.init(lastSeenMicroseconds: lastSeen, reporters: reporters, falsePositives: falsePositive.count,
                  expiredReports: expired.count)
    }
}

extension FeedExporter {
    /// Scores the indicators `ids` of the table (nil: all) from the store's sightings and
    /// corroboration counts of their values, under the feed's decay settings.
    func score(_ table: inout Table, ids: [String]?, feed: Feed) async throws {
        let targets = ids ?? Array(table.entries.keys)
        guard !targets.isEmpty else { return }
        let keys = Array(Set(targets.flatMap { table.entries[$0]?.keys ?? [] }))
        var counts: [String: Int] = [:]
        var rows: [String: [SightingRecord]] = [:]
        // Batched: one corroboration and one sightings read per 5,000 keys (none of the latter while
        // the store holds no sighting at all).
        for start in stride(from: 0, to: keys.count, by: 5_000) {
            let chunk = Array(keys[start..<min(start + 5_000, keys.count)])
            counts.merge(try await store.observableReportCounts(chunk)) { a, _ in a }
            guard table.stamp.change.sightingRows > 0 else { continue }
            for row in try await store.sightings(indicatorID: nil, observables: chunk) { rows[row.observable, default: []].append(row) }
        }
        let strong = ReducedFeed.strongDefaults(freshness, feed: feed.decay)
        for id in targets {
            // Scored in place (a copy of the entry out and back retained and released all of it).
            guard let index = table.entries.index(forKey: id) else { continue }
            let keys = table.entries.values[index].keys
            let evidence = FreshnessEvidence(sightings: rows.isEmpty ? [] : keys.flatMap { rows[$0] ?? [] },
                                             reporters: keys.map { counts[$0] ?? 0 }.max() ?? 0)
            // As `ExportIndicator.scored(evidence:defaults:feed:)`.
            let fresh = Freshness.freshUntil(table.entries.values[index].indicator, evidence: evidence, defaults: freshness, feed: feed.decay)
            let strongUntil = Freshness.freshUntil(table.entries.values[index].indicator, evidence: evidence, defaults: strong, feed: nil)
            table.entries.values[index].indicator.freshUntilMicroseconds = fresh
            table.entries.values[index].indicator.strongUntilMicroseconds = strongUntil
        }
    }
}
