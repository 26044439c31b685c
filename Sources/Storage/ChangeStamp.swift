// Storage change stamp: what a cache of members' reads (the blocklist exports) compares to know
// whether anything it was built from may have changed: the last version appended or deleted, and
// the number of revoked releases. One cheap read, asked at most a few times a second.
import Foundation

/// A summary of the object data: equal stamps mean no version was appended or deleted, no
/// release revoked and no sighting reported in between (account changes are `accountsGeneration`'s).
public struct ChangeStamp: Sendable, Hashable {
    /// The highest position ever given to a version (appends raise it).
    public var lastPosition: Int64
    /// How many versions are stored (a delete lowers it).
    public var versionCount: Int64
    /// How many releases have been revoked.
    public var revokedReleases: Int64
    /// How many sighting rows are stored (members' seen / false-positive / expired reports move
    /// indicators' freshness).
    public var sightingRows: Int64

    public init(lastPosition: Int64, versionCount: Int64, revokedReleases: Int64, sightingRows: Int64 = 0) {
        self.lastPosition = lastPosition; self.versionCount = versionCount; self.revokedReleases = revokedReleases
        self.sightingRows = sightingRows
    }
}

/// The change stamp, on every back end.
///
/// ```swift
/// let before = try await store.changeStamp()
/// // … later: if try await store.changeStamp() == before, a cached export is still exact
/// ```
public protocol ChangeStampStore: Sendable {
    /// The stamp as of now, including changes committed by any process on the same database.
    func changeStamp() async throws -> ChangeStamp
    /// How many times this store (this process) committed something that moves the stamp (an
    /// append, a release's copies, a revocation, a delete, a sighting, a swept version): read
    /// without touching the database, it only grows. A cache that read the stamp when this count
    /// was n may trust it without reading again while the count is still n, as far as this
    /// process's own changes go (other processes' changes need `changeStamp()`).
    ///
    /// ```swift
    /// let count = store.localChangeCount
    /// let stamp = try await store.changeStamp()
    /// // later: store.localChangeCount == count → nothing changed through this store since
    /// ```
    var localChangeCount: UInt64 { get }
}
