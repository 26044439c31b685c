// SharingMetrics report cache: the reports of the unfiltered metrics (what the portal's dashboard
// charts and its CSV links give) kept per viewer — hub staff, or one organisation — as long as the
// store's metrics generation (SharingMetricsStore.metricsGeneration, kept by triggers in the
// changing transaction, whichever process wrote) has not moved; and each submission's indicator
// classes, which a daily report otherwise re-reads from every submission's objects, kept until a
// version is deleted. A report is never served for a generation older than the store's: the
// generation is read before the report is computed and the report kept under it.
import Foundation
import Storage
import Synchronization

/// Reports of one `SharingMetrics` (and its copies), keyed by viewer and stored generation.
///
/// ```swift
/// let metrics = SharingMetrics(store: store)          // makes its own cache
/// let daily = try await metrics.daily(for: .hubStaff) // computed once, then served until a change
/// ```
final class MetricsReportCache: Sendable {
    enum Kind: Hashable, Sendable { case daily, coverage, leadTime }

    struct Key: Hashable, Sendable {
        let kind: Kind
        /// `*` for hub staff, else the organisation's id.
        let viewer: String
    }

    /// What a submission's indicators say about the values they carry, classified.
    struct SubmissionClasses: Sendable {
        let feedName: String
        let kind: SubmissionKind?
        /// The class of each value its indicators carry (nil: none of the three).
        let classes: [String: IndicatorClass?]
    }

    struct State {
        var changes: Int64 = -1
        var reports: [Key: any MetricsReport] = [:]
        var deletions: Int64 = -1
        var submissions: [String: SubmissionClasses] = [:]
    }

    private let state = Mutex(State())

    /// The unfiltered reports' aggregates, caught up on the store's change log.
    let ledger = MetricsLedger()

    /// How many reports are kept at most (viewers × three kinds); the oldest set is dropped whole.
    let capacity: Int

    init(capacity: Int = 300) { self.capacity = capacity }

    static func key(_ kind: Kind, _ viewer: MetricsViewer) -> Key {
        switch viewer {
        case .hubStaff: return Key(kind: kind, viewer: "*")
        case .organization(let organization): return Key(kind: kind, viewer: organization.id)
        }
    }

    /// The report kept for `key` at `generation`, else `compute()`'s, kept unless the store moved on meanwhile.
    func report<R: MetricsReport>(_ key: Key, generation: MetricsGeneration,
                                  compute: () async throws -> R) async throws -> R {
        if let kept = state.withLock({ $0.changes == generation.changes ? $0.reports[key] as? R : nil }) { return kept }
        let report = try await compute()
        state.withLock { state in
            if state.changes < generation.changes || state.reports.count >= capacity {
                state.changes = max(state.changes, generation.changes)
                state.reports = [:]
            }
            if state.changes == generation.changes { state.reports[key] = report }
        }
        return report
    }

    /// The classes kept for a submission, when no version was deleted since and its feed's name is the same.
    func classes(of submissionID: String, feedName: String, generation: MetricsGeneration) -> SubmissionClasses? {
        state.withLock { state in
            guard state.deletions == generation.deletions, let kept = state.submissions[submissionID],
                  kept.feedName == feedName else { return nil }
            return kept
        }
    }

    func keep(_ classes: SubmissionClasses, of submissionID: String, generation: MetricsGeneration) {
        state.withLock { state in
            if state.deletions != generation.deletions {
                guard state.deletions < generation.deletions else { return }
                state.deletions = generation.deletions
                state.submissions = [:]
            }
            state.submissions[submissionID] = classes
        }
    }
}
