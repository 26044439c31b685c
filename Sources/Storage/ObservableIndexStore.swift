// Storage, the observable index: every normalised observable value of every stored original
// version (SCO values, values inside indicator patterns, e-mail header values, sample hashes and
// TLSH, URL hosts), keyed by the value's 64-bit hash (KeyHash) so that "who else has this value" is
// one indexed look-up at any size. The entries are computed in the domain (Correlation) and handed
// to the store with each version (`IncomingObject.observables`); the store writes them in the same
// transaction as the version and removes them with it (a delete, or a later version that revokes
// the object). Storage itself never parses STIX.
import Foundation

/// One normalised value a version carries, and what kind of value it is there.
///
/// ```swift
/// IndexedObservable(kind: "domain-name", value: "update-cdn.example")
/// IndexedObservable(kind: "email-message:x-mailer", value: "the bat! (v9.1.4)")
/// ```
public struct IndexedObservable: Sendable, Hashable, Codable {
    /// What the value is: an SCO type (`ipv4-addr`, `domain-name`, `url`, `email-addr`), a file hash
    /// (`file:hashes.SHA-256`, `file:hashes.TLSH`), a URL's host (`url:host`), or an e-mail header
    /// (`email-message:reply-to`, `email-message:x-mailer`, `email-message:message-id-domain`,
    /// `email-message:first-external-hop`, `email-addr:domain`).
    public var kind: String
    /// The normalised value (the look-up key; its `KeyHash` is what is indexed).
    public var value: String

    public init(kind: String, value: String) { self.kind = kind; self.value = value }
}

/// One indexed occurrence of a value: which stored version carries it, in which submission of which
/// organisation. Only the domain (Correlation, through the policy engine) decides who sees it.
public struct ObservableOccurrence: Sendable, Equatable {
    public var value: String
    public var kind: String
    public var submissionID: String
    public var organizationID: String
    /// The version's position, its object's id and its feed.
    public var position: Int64
    public var stixID: String
    public var feedID: String
    /// The version was marked TLP:RED or AMBER+STRICT (on the whole or in part): held back.
    public var heldBack: Bool

    public init(value: String, kind: String, submissionID: String, organizationID: String, position: Int64,
                stixID: String, feedID: String, heldBack: Bool) {
        self.value = value; self.kind = kind; self.submissionID = submissionID; self.organizationID = organizationID
        self.position = position; self.stixID = stixID; self.feedID = feedID; self.heldBack = heldBack
    }
}

/// The observable index. Entries arrive with appended versions (`IncomingObject.observables`);
/// revoked and deleted versions leave it in the transaction that revokes or deletes them.
///
/// ```swift
/// let own = try await store.indexedObservables(submissionID: submission.id)
/// let others = try await store.occurrences(ofValues: own.map(\.value), limitPerValue: 1_000)
/// ```
public protocol ObservableIndexStore: Sendable {
    // MARK: Observable index
    /// The entries of one submission's stored versions still in the index, in position order.
    func indexedObservables(submissionID: String) async throws -> [ObservableOccurrence]
    /// Every indexed occurrence of each value (exact normalised text), at most `limitPerValue` per
    /// value (the oldest first): one look-up of the value's hash each.
    func occurrences(ofValues values: [String], limitPerValue: Int) async throws -> [ObservableOccurrence]
    /// How many entries the index holds (its tail included).
    func indexedObservableCount() async throws -> Int

    // MARK: Tail (entries written on arrival, merged in bulk)
    /// Moves the entries written on arrival from the index's tail into its main part, in
    /// transactions of up to `chunk` entries; returns how many were moved. Look-ups give the same
    /// answers before, during and after (an entry is found in one part or the other). Back ends
    /// that write arrivals to the main part directly (PostgreSQL) have no tail and return 0.
    @discardableResult
    func mergeObservableTail(chunk: Int) async throws -> Int
    /// How many entries wait in the tail (0 on a back end without one).
    func observableTailCount() async throws -> Int

    // MARK: Backfill (versions stored before the index, or with it off)
    /// Schedules the backfill of every original version stored so far (the upgrade schedules the
    /// versions stored before the index migration itself); idempotent, and it replaces a backfill
    /// in progress by one over every version stored now.
    @discardableResult
    func scheduleObservableBackfill() async throws -> ObservableBackfillProgress
    /// The backfill still to do, or nil when none is pending.
    func observableBackfillProgress() async throws -> ObservableBackfillProgress?
    /// One chunk of the pending backfill, in one transaction of its own: up to `limit` original
    /// versions after the cursor, in position order, each handed to `entries` (the domain parses
    /// it) and applied as an arriving version is (entries added, existing ones kept; a revoking
    /// version removes its series' entries), and the cursor moved. Returns the progress after the
    /// chunk (`pending == false` once the last chunk is done), or nil when nothing was pending.
    func backfillObservables(limit: Int, entries: @escaping @Sendable (BackfillVersion) -> BackfillEntries?)
        async throws -> ObservableBackfillProgress?
}

extension ObservableIndexStore {
    /// The whole tail, in transactions of 20,000 entries.
    ///
    /// ```swift
    /// try await store.mergeObservableTail()        // kakehashi serve, when the hub is quiet
    /// ```
    @discardableResult
    public func mergeObservableTail() async throws -> Int { try await mergeObservableTail(chunk: 20_000) }
}

/// How far the observable index's backfill has come: versions at positions `after + 1 ... through`
/// are still to do.
public struct ObservableBackfillProgress: Sendable, Equatable {
    public var after: Int64
    public var through: Int64
    public var pending: Bool { after < through }
    public init(after: Int64, through: Int64) { self.after = after; self.through = through }
}

/// One stored original version handed to the domain by the backfill.
public struct BackfillVersion: Sendable {
    public var position: Int64
    public var bytes: [UInt8]
    /// The TLP level stored with the version (nil: unmarked).
    public var tlp: TLPLevel?
    public init(position: Int64, bytes: [UInt8], tlp: TLPLevel?) { self.position = position; self.bytes = bytes; self.tlp = tlp }
}

/// What the domain makes of one version (as the intake does on arrival): its entries and whether
/// they are held back, or that the version revokes its object.
public struct BackfillEntries: Sendable {
    public var observables: [IndexedObservable]
    public var heldBack: Bool
    public var revokes: Bool
    public init(observables: [IndexedObservable], heldBack: Bool, revokes: Bool) {
        self.observables = observables; self.heldBack = heldBack; self.revokes = revokes
    }
}
