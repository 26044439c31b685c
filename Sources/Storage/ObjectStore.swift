// Storage, objects: STIX object versions appended by submissions and read back only through a
// `ReadScope` the policy engine makes.
import Foundation

/// Object versions in `position` order. Appends are durable when they return; reads need a `ReadScope`.
///
/// ```swift
/// let results = try await store.append(objects, to: feed.id, recording: submission, extras: nil)
/// // Reads go through the policy engine: `policy.reader(for: principal, feed: feed, purpose: .taxii, ledger: ledger).page(query)`.
/// ```
public protocol ObjectStore: Sendable {
    // MARK: Objects
    /// Appends object versions to a feed and records the submission and its audit entry, in one
    /// durable transaction.
    /// Versions already present (same id and version instant) are not stored again.
    /// `submission.successes` must list the objects one-to-one and in order; the store notes a
    /// duplicate in its entry's message. The results are in the order of `objects`.
    /// `extras` (the kind of hand-over, victim identifiers, samples, observation hours) are stored
    /// in the same transaction, with the submission's id filled in.
    func append(_ objects: [IncomingObject], to feedID: String,
                recording submission: Submission, extras: SubmissionExtras?) async throws -> [AppendResult]
    /// `append`, also answering for each of `extras.observableKeys` how many different organisations
    /// have reported it so far, counted in the same transaction (for k-corroboration).
    func appendCountingReports(_ objects: [IncomingObject], to feedID: String,
                               recording submission: Submission, extras: SubmissionExtras) async throws -> AppendOutcome
    /// `append` (and with `countingReports`, `appendCountingReports`) for objects that arrive while
    /// later ones are still being checked (see `IncomingStream`): one durable transaction all the same.
    /// Throws `CancellationError` and writes nothing when the stream is abandoned.
    func append(_ stream: IncomingStream, to feedID: String, countingReports: Bool) async throws -> AppendOutcome
    /// One page of what `scope` may read (only the policy engine makes scopes, see `ReadScope`).
    /// For a reader, each version's `dateAddedMicroseconds` is its effective date_added for that
    /// reader, and `added_after`, ordering and paging go by it.
    @_spi(ReadGate) func objects(_ query: ObjectQuery, for scope: ReadScope) async throws -> ObjectPage
    /// Deletes the versions of one object the selection names (only those `provider` gave, when
    /// given: originals and their released copies); returns how many were removed.
    func deleteObject(id stixID: String, feedID: String, versions: VersionSelection,
                      provider: String?) async throws -> Int
    func objectCount(feedID: String) async throws -> Int
    /// Ids of the `observed-data` objects whose hour starts in [from, to), optionally of one source,
    /// in time order: the first `limit` of those `scope` may read.
    @_spi(ReadGate) func observationObjectIDs(feedID: String, fromMicroseconds: Int64, toMicroseconds: Int64,
                                              source: String?, limit: Int, for scope: ReadScope) async throws -> [String]
}
