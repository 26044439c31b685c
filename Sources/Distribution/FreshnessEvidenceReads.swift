// Distribution — FreshnessEvidenceReads: members' evidence about indicators (sightings: seen, false
// positive, expired; k-corroboration counts) read in batches from the store, and an indicator scored
// with it — the one scoring every reader of freshness shares (exports' tables, the freshness sweep,
// a small member's reduced feed over TAXII). What any one organisation reported is never carried further.
import Foundation
import Storage

extension FreshnessEvidence {
    /// The evidence about each indicator's values, by indicator id.
    ///
    /// ```swift
    /// let evidence = try await FreshnessEvidence.read(for: indicators, from: store)
    /// let scored = indicators[0].scored(evidence: evidence[indicators[0].stixID] ?? .none, defaults: .standard, feed: nil)
    /// ```
    public static func read(for indicators: [ExportIndicator], from store: any HubStore) async throws -> [String: FreshnessEvidence] {
        let keysByID = Dictionary(indicators.map { ($0.stixID, FreshnessKeys.observableKeys(of: $0.values)) },
                                  uniquingKeysWith: { a, _ in a })
        let keys = Array(Set(keysByID.values.joined())).sorted()
        var counts: [String: Int] = [:]
        var rows: [String: [SightingRecord]] = [:]
        for start in stride(from: 0, to: keys.count, by: 500) {
            let chunk = Array(keys[start..<min(start + 500, keys.count)])
            counts.merge(try await store.observableReportCounts(chunk)) { a, _ in a }
            for row in try await store.sightings(indicatorID: nil, observables: chunk) { rows[row.observable, default: []].append(row) }
        }
        return keysByID.mapValues { keys in
            FreshnessEvidence(sightings: keys.flatMap { rows[$0] ?? [] }, reporters: keys.map { counts[$0] ?? 0 }.max() ?? 0)
        }
    }
}

extension ExportIndicator {
    /// The indicator with `freshUntilMicroseconds` (when it expires) and `strongUntilMicroseconds`
    /// (when it falls under the reduced feed's bar, `ReducedFeed.strongDefaults`) set from `evidence`.
    ///
    /// ```swift
    /// let scored = indicator.scored(evidence: .none, defaults: .standard, feed: feed.decay)
    /// scored.freshUntilMicroseconds <= now   // expired
    /// ```
    public func scored(evidence: FreshnessEvidence, defaults: FreshnessDefaults, feed decay: FeedDecay?) -> ExportIndicator {
        var scored = self
        scored.freshUntilMicroseconds = Freshness.freshUntil(self, evidence: evidence, defaults: defaults, feed: decay)
        scored.strongUntilMicroseconds = Freshness.freshUntil(self, evidence: evidence,
                                                              defaults: ReducedFeed.strongDefaults(defaults, feed: decay), feed: nil)
        return scored
    }
}
