// SharingPolicy object search: full-text search over names and descriptions for one principal, over
// every feed it may read, through the store's gated search (Storage.ObjectSearchStore) with the
// principal's audience keys, so that hits, page lengths and "more" count only what it may read;
// the hits returned are recorded as read, per feed, like any other page.
import Accounts
@_spi(ReadGate) import Storage

/// Search for one principal.
///
/// ```swift
/// let search = ObjectSearch(policy: policy, ledger: ledger)
/// let page = try await search.search("標的型攻撃メール", for: principal, limit: 20)
/// for hit in page.hits { print(hit.tier, hit.object.stixID) }
/// let next = try await search.search("標的型攻撃メール", for: principal, limit: 20, after: page.next)
/// ```
public struct ObjectSearch: Sendable {
    public let policy: PolicyEngine
    /// Where the reads are recorded (nil: the caller records them itself).
    public let ledger: DeliveryLedger?

    public init(policy: PolicyEngine, ledger: DeliveryLedger?) { self.policy = policy; self.ledger = ledger }

    /// The hits of `text` the principal may read, title matches first, newest first; optionally only
    /// some of its readable feeds or some STIX types. Text with nothing to search for (punctuation
    /// only) finds nothing; operators and quotes are plain text.
    public func search(_ text: String, for principal: Principal, feedIDs: [String]? = nil, types: [String] = [],
                       limit: Int = 50, after: SearchCursor? = nil) async throws -> ObjectSearchPage {
        var readable = try await policy.visibleFeeds(for: principal).filter { $0.access.canRead }.map { $0.feed.id }
        if let feedIDs { readable = readable.filter { feedIDs.contains($0) } }
        let query = ObjectSearchQuery(text, feedIDs: readable, types: types, limit: limit, after: after)
        guard !query.terms.isEmpty, !readable.isEmpty else { return ObjectSearchPage(hits: [], more: false) }
        // The audience keys do not depend on the feed (only when each became the reader's does).
        let scope = try await policy.readScope(for: principal, feedID: "")
        let page = try await policy.store.searchObjects(query, for: scope)
        if let ledger {
            let byFeed = Dictionary(grouping: page.hits.map(\.object), by: \.feedID)
            for feedID in byFeed.keys.sorted() {
                await ledger.recordRead(of: byFeed[feedID]!, by: principal, path: ReadPurpose.search.rawValue, subject: feedID)
            }
        }
        return page
    }
}
