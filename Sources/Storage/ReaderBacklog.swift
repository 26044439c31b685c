// Storage reader backlog: the paging decisions of a reader's listing when some of what it may read
// was stored before it could read it (its backlog, dated for it when it became visible to it), written
// once for every back end. The back ends run the queries (SQLiteHubStore.pageByEffectiveDate,
// PostgresHubStore.pageByEffectiveDate) and ask this type, between them, where each walk starts, how
// the walks merge into a page and what follows the backlog; none of it touches a database.

/// One reader page by effective date, between the back end's queries.
///
/// The listing: versions stored at or after the reader's latest "since" instant (the boundary
/// position) are dated as stored and read by position after the backlog; the backlog before the
/// boundary is read by one walk of the audience index per key, each in the listing's order, merged
/// by (effective date, position).
///
/// ```swift
/// guard let backlog = ReaderBacklog(query: query, scope: scope) else { return nil }   // by position instead
/// let boundary = firstPosition(addedAfter: backlog.latest - 1)
/// // lowest: the first position any key reaches; nil or ≥ boundary: no backlog
/// var walks: [ObjectPage] = []
/// for key in backlog.keys {
///     guard let start = backlog.walkStart(key: key, lowest: lowest, firstAfterCursorDate: …, firstAfterAddedAfter: …)
///     else { continue }
///     walks.append(walk(key, after: start, before: boundary))
/// }
/// var page = backlog.merge(walks)
/// if let rest = backlog.rest(after: page, boundary: boundary) { … }
/// ```
@_spi(ReadGate) public struct ReaderBacklog: Sendable {
    /// The query, its `listingStart` set once `start(firstAddedAfter:)` has run.
    public private(set) var query: ObjectQuery
    public let scope: ReadScope
    /// The reader's audience keys, sorted, with when each became the reader's.
    public let keys: [String]
    public let since: [String: Int64]
    /// The latest instant at which anything became visible to the reader (ReadScope.latestSince).
    public let latest: Int64

    /// Nil when the page goes by position: nothing became the reader's after the start, the
    /// query's `added_after` is past every such instant, or the cursor is from before cursors
    /// carried a date (resumed by position).
    public init?(query: ObjectQuery, scope: ReadScope) {
        guard let since = scope.audienceSince, !since.isEmpty else { return nil }
        let latest = scope.latestSince
        guard latest > 0 else { return nil }
        if let addedAfter = query.addedAfterMicroseconds, addedAfter >= latest { return nil }
        if query.afterPosition != nil && query.afterDateAdded == nil { return nil }
        self.query = query; self.scope = scope; self.since = since; self.latest = latest
        keys = since.keys.sorted()
    }

    /// Whether there is a backlog: `lowest`, the first position any of the keys reaches (nil:
    /// none), lies before `boundary`, the first position stored at or after `latest` (nil: none was).
    public static func hasBacklog(lowest: Int64?, boundary: Int64?) -> Bool {
        guard let lowest else { return false }
        if let boundary, lowest >= boundary { return false }
        return true
    }

    /// Whether `start` needs the first position added after `query.addedAfterMicroseconds` (the
    /// listing begins here).
    public var needsListingStart: Bool { query.listingStart == nil }

    /// Sets where the listing began (for a new listing): after the cursor, or before the first
    /// version added after `added_after` (`firstAddedAfter`, nil when none was or it does not apply).
    public mutating func start(firstAddedAfter: Int64?) {
        guard query.listingStart == nil else { return }
        var start = query.afterPosition ?? 0
        if query.addedAfterMicroseconds != nil, let first = firstAddedAfter { start = max(start, first - 1) }
        query.listingStart = start
    }

    /// Whether the whole page lies after the backlog (the cursor is past the boundary): read by
    /// position, leaving out what the backlog served.
    public func isAfterBacklog(boundary: Int64?) -> Bool {
        guard let boundary, let after = query.afterPosition else { return false }
        return after >= boundary
    }

    /// When `key` became the reader's, or read access to the feed did, whichever is later: the
    /// date of the versions this key's walk keeps (with their date_added, whichever is later).
    public func own(_ key: String) -> Int64 { max(scope.feedSince, since[key] ?? 0) }

    /// Whether some walk needs the first position added after the cursor's date
    /// (`firstAfterCursorDate` of `walkStart`).
    public var needsFirstAfterCursorDate: Bool {
        guard let afterDate = query.afterDateAdded, query.afterPosition != nil else { return false }
        return keys.contains { own($0) < afterDate }
    }

    /// Whether some walk needs the first position added after `added_after` (`firstAfterAddedAfter`).
    public var needsFirstAfterAddedAfter: Bool {
        guard let addedAfter = query.addedAfterMicroseconds else { return false }
        return keys.contains { own($0) <= addedAfter }
    }

    /// The position `key`'s walk starts after; nil when it has nothing to give this page.
    /// `firstAfterCursorDate`: the first position added after `afterDateAdded - 1`;
    /// `firstAfterAddedAfter`: the first added after `addedAfterMicroseconds` (each nil when none
    /// was, or not asked for: see `needsFirstAfterCursorDate`, `needsFirstAfterAddedAfter`).
    public func walkStart(key: String, lowest: Int64, firstAfterCursorDate: Int64?, firstAfterAddedAfter: Int64?) -> Int64? {
        let own = own(key)
        var start = lowest - 1
        if let afterDate = query.afterDateAdded, let afterPosition = query.afterPosition {
            if own == afterDate {
                start = max(start, afterPosition)
            } else if own < afterDate {
                guard let first = firstAfterCursorDate else { return nil }
                start = max(start, afterPosition, first - 1)
            }
        }
        if let addedAfter = query.addedAfterMicroseconds, own <= addedAfter {
            guard let first = firstAfterAddedAfter else { return nil }
            start = max(start, first - 1)
        }
        return start
    }

    /// The page the walks make: merged by (effective date, position), the first `limit`. Every row
    /// a walk kept precedes what that walk left, so the first `limit` merged are the next page.
    public func merge(_ walks: [ObjectPage]) -> ObjectPage {
        var merged: [Int64: StoredObject] = [:]
        var walkLeftMore = false
        for walk in walks {
            walkLeftMore = walkLeftMore || walk.more
            for object in walk.objects { merged[object.position] = object }
        }
        var backlog = merged.values.sorted {
            ($0.dateAddedMicroseconds, $0.position) < ($1.dateAddedMicroseconds, $1.position)
        }
        let more = backlog.count > query.limit || walkLeftMore
        if backlog.count > query.limit { backlog.removeSubrange(query.limit...) }
        return ObjectPage(objects: backlog, more: more)
    }

    /// What follows a backlog page that finished the backlog: the versions stored since the
    /// boundary, by position, with the room left (none left: this only tells whether more follows).
    /// Nil when the backlog goes on, or nothing was stored since.
    public func rest(after page: ObjectPage, boundary: Int64?) -> ObjectQuery? {
        guard !page.more, let boundary else { return nil }
        var rest = query
        rest.afterPosition = boundary - 1
        rest.afterDateAdded = nil
        rest.addedAfterMicroseconds = nil
        rest.limit = query.limit - page.objects.count
        return rest
    }
}
