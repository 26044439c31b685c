// HubAPI feed look-ups by name (`?feed=NAME`): answered exactly as TAXII answers for a collection,
// so that /api/v1 tells no more about which feeds exist than /hub/collections/ does.
import Accounts
import HubHTTP
import SharingPolicy
import Storage

extension HubAPIService {
    /// The feed named `name` if `principal` may see that it exists (may read or write it), with
    /// that access. A feed that does not exist and one the principal has no right to are the same
    /// 404 with the same body, as TAXII's `visibleFeed` answers, so feed names cannot be enumerated.
    func visibleFeed(named name: String, for principal: Principal) async throws -> (feed: Feed, access: FeedAccess) {
        // The feeds kept for this account generation first: a poll answered 304 reads nothing.
        var known = try await policy.knownFeed(named: name)
        if known == nil { known = try await store.feed(named: name) }
        guard let feed = known,
              let visible = try await policy.visibleFeed(id: feed.id, for: principal) else {
            throw HubError.notFound("There is no feed named \(name.prefix(64)).")
        }
        return visible
    }

    /// The feed named `name` for reading: 404 as `visibleFeed(named:for:)`, and 403 (as TAXII's
    /// `readableFeed`) only for a feed the principal may write but not read.
    func readableFeed(named name: String, for principal: Principal) async throws -> Feed {
        let (feed, access) = try await visibleFeed(named: name, for: principal)
        guard access.canRead else { throw HubError.forbidden("You may not read feed \(feed.name).") }
        return feed
    }

    /// The feed named `name` for writing: 404 as `visibleFeed(named:for:)`, and 403 (as TAXII's
    /// POST to a collection) only for a feed the principal may read but not write.
    func writableFeed(named name: String, for principal: Principal) async throws -> Feed {
        let (feed, access) = try await visibleFeed(named: name, for: principal)
        guard access.canWrite else { throw HubError.forbidden("You may not write to feed \(feed.name).") }
        return feed
    }
}
