// Distribution — ReducedFeedReads: a small member's reduced feed (ReducedFeed) applied to its TAXII
// reads of a collection — objects, manifest, one object, its versions. The same bar as its exports,
// scored the same way (FreshnessEvidenceReads). An indicator version the reduced feed leaves out is
// simply absent for that member: not listed, not counted, 404 when asked for by id, as an object it
// may not read; paging resumes after the last version looked at (`ObjectPage.lastExamined`).
import Foundation
import STIX
import Storage

/// Which versions of a page a small member's reduced feed keeps.
///
/// ```swift
/// let reduced = ReducedFeedReads(store: store, freshness: .standard)
/// let kept = try await reduced.keep(page.objects, feed: feed)
/// ```
public struct ReducedFeedReads: Sendable {
    public let store: any HubStore
    public let freshness: FreshnessDefaults
    /// Now, in microseconds (a test may move it).
    public let clock: @Sendable () -> Int64

    public init(store: any HubStore, freshness: FreshnessDefaults = .standard,
                clock: @escaping @Sendable () -> Int64 = { STIXTimestamp.now().microsecondsSinceEpoch }) {
        self.store = store; self.freshness = freshness; self.clock = clock
    }

    /// The versions of `objects` (read from `feed` for a small member) its reduced feed keeps, in order.
    /// Objects other than indicators are kept: the reduced feed limits what devices block, and a
    /// report or malware object blocks nothing. Indicators are kept only in feeds the reduced feed
    /// carries (urgent, important), and there: a version that withdraws its indicator (`revoked`, or
    /// `valid_until` passed, as the freshness sweep writes), so that devices remove what they added;
    /// otherwise a version `ReducedFeed.admits`, scored as exports score it. An indicator whose values
    /// the hub cannot read (another pattern language) is left out: the reduced feed carries only what
    /// it can score.
    public func keep(_ objects: [StoredObject], feed: Feed) async throws -> [StoredObject] {
        let now = clock()
        var indicators: [Int64: ExportIndicator] = [:]
        for object in objects where object.type == "indicator" {
            if let indicator = ExportIndicator.read(object.bytes) { indicators[object.position] = indicator }
        }
        let evidence = try await FreshnessEvidence.read(for: Array(indicators.values), from: store)
        return objects.filter { object in
            guard object.type == "indicator" else { return true }
            guard ReducedFeed.carries(feed), let indicator = indicators[object.position] else { return false }
            if indicator.revoked || (indicator.validUntilMicroseconds.map { $0 <= now } ?? false) { return true }
            let scored = indicator.scored(evidence: evidence[indicator.stixID] ?? .none, defaults: freshness, feed: feed.decay)
            return ReducedFeed.admits(scored, nowMicroseconds: now)
        }
    }
}
