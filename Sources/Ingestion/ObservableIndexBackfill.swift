// Ingestion — ObservableIndexBackfill.swift
// Owns the observable index's backfill: the entries of versions stored before the index existed
// (SQLite v14 / PostgreSQL v4), or while it was off, computed from each stored version exactly as
// the intake computes them on arrival (`ObservableEntries`, the same held-back rule), and written
// chunk by chunk, each chunk one short transaction of its own with the cursor that makes the work
// resumable. Idempotent: entries already there are kept, so running it again changes nothing.
import Correlation
import Foundation
import STIX
import Storage

/// Fills the observable index for stored versions that have no entries.
///
/// The upgrade schedules the versions stored before the index (a migration); `kakehashi serve`
/// runs what is pending at start, and `kakehashi correlation reindex` runs it (or, with `--all`,
/// schedules every stored version again) and waits.
///
/// ```swift
/// let backfill = ObservableIndexBackfill(store: store, defaultTLP: .amber)
/// let done = try await backfill.run { progress in print(progress.after, "of", progress.through) }
/// ```
public struct ObservableIndexBackfill: Sendable {
    public let store: any HubStore
    /// The TLP an unmarked version is taken as (the hub's `--default-tlp`): decides held-back entries.
    public let defaultTLP: TLPLevel
    /// Versions per chunk (one transaction each; arrivals wait at most one chunk).
    public let chunk: Int

    public init(store: any HubStore, defaultTLP: TLPLevel = .amber, chunk: Int = 1_000) {
        self.store = store; self.defaultTLP = defaultTLP; self.chunk = chunk
    }

    /// Runs the pending backfill to the end, chunk by chunk; returns how many chunks it wrote (0
    /// when nothing was pending). Stopped part way (a crash, a cancelled task), it resumes where
    /// the last committed chunk ended.
    @discardableResult
    public func run(progress: (ObservableBackfillProgress) -> Void = { _ in }) async throws -> Int {
        let defaultTLP = self.defaultTLP
        var chunks = 0
        while let done = try await store.backfillObservables(limit: chunk, entries: { version in
            Self.entries(of: version, defaultTLP: defaultTLP)
        }) {
            chunks += 1
            progress(done)
            if !done.pending { break }
            try Task.checkCancellation()
        }
        // The entries written to the index's tail go to its main part in bulk.
        if chunks > 0 { try await store.mergeObservableTail() }
        return chunks
    }

    /// What the intake would have indexed for this version: nil for bytes that are no longer a
    /// valid STIX object (nothing to index), `revokes` for a revoking version.
    public static func entries(of version: BackfillVersion, defaultTLP: TLPLevel) -> BackfillEntries? {
        guard let value = try? JSONParser.parse(version.bytes),
              case .success(let facts) = STIXValidator.validate(value) else { return nil }
        if facts.revoked { return BackfillEntries(observables: [], heldBack: false, revokes: true) }
        let observables = ObservableEntries.of(value, facts: facts)
        let heldBack = !observables.isEmpty && EnvelopeIntake.holdsBack(value, tlp: version.tlp ?? defaultTLP)
        return BackfillEntries(observables: observables, heldBack: heldBack, revokes: false)
    }
}
