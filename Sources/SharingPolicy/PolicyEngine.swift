// SharingPolicy: the one place that decides who may see and write what. Every read path (TAXII,
// JSON API, exports, web pages, reports, federation) asks this engine; none filters on its own.
import Accounts
import Foundation
import Storage

/// What a principal may do with one feed.
public struct FeedAccess: Sendable, Equatable {
    public var canRead: Bool
    public var canWrite: Bool
    public static let none = FeedAccess(canRead: false, canWrite: false)
    public init(canRead: Bool, canWrite: Bool) { self.canRead = canRead; self.canWrite = canWrite }
}

/// Decides access for principals.
///
/// Feed level: hub staff read every feed and hub admins write every feed; other users act through
/// their organisation's grants and those of its trust groups, and read-only users never write.
///
/// ```swift
/// let policy = PolicyEngine(store: store)
/// let access = try await policy.access(of: principal, to: feed)
/// guard access.canRead else { /* 404 */ }
/// ```
public struct PolicyEngine: Sendable {
    public let store: any HubStore
    /// The marking assumed for an object that carries no TLP marking.
    public let defaultTLP: TLPLevel
    let rightsCache: ReaderRightsCache
    let feedCache: FeedDirectoryCache

    /// `rightsLifetime`: how long an organisation's rights read from the store are reused when
    /// nothing changed (`HubStore.accountsGeneration` counts changes by every process, the CLI beside
    /// a running server too, so a change takes effect on the next request). 0 reads them on every request.
    public init(store: any HubStore, defaultTLP: TLPLevel = .amber, rightsLifetime: TimeInterval = 1) {
        self.store = store
        self.defaultTLP = defaultTLP
        self.rightsCache = ReaderRightsCache(lifetime: rightsLifetime)
        self.feedCache = FeedDirectoryCache(lifetime: rightsLifetime)
    }

    /// The organisation's grants, groups and group grants (reused briefly, see `init`).
    public func rights(of principal: Principal) async throws -> ReaderRights {
        try await rightsCache.rights(organizationID: principal.organization.id, store: store)
    }

    public func access(of principal: Principal, to feed: Feed) async throws -> FeedAccess {
        try await access(of: principal, to: [feed])[feed.id] ?? .none
    }

    /// Access to each of `feeds`, keyed by feed id, with one look-up of the organisation's grants.
    public func access(of principal: Principal, to feeds: [Feed]) async throws -> [String: FeedAccess] {
        let role = principal.user.role
        if role.isHubStaff {
            let access = FeedAccess(canRead: true, canWrite: role == .hubAdmin)
            return Dictionary(uniqueKeysWithValues: feeds.map { ($0.id, access) })
        }
        let rights = try await rights(of: principal)
        var byFeed: [String: FeedAccess] = [:]
        for feed in feeds {
            let access = rights.access(toFeed: feed.id)
            byFeed[feed.id] = FeedAccess(canRead: access.canRead, canWrite: access.canWrite && role.mayWrite)
        }
        return byFeed
    }

    /// The feed with this id and the principal's access to it, or nil when there is no such feed or
    /// the principal may neither read nor write it (callers answer 404 either way).
    ///
    /// ```swift
    /// guard let (feed, access) = try await policy.visibleFeed(id: collectionID, for: principal) else { /* 404 */ }
    /// ```
    public func visibleFeed(id: String, for principal: Principal) async throws -> (feed: Feed, access: FeedAccess)? {
        if let feed = try await feedCache.feeds(store: store).byID[id] {
            let access = try await access(of: principal, to: feed)
            if access.canRead || access.canWrite { return (feed, access) }
        }
        // Not in what was read a moment ago: a feed or grant just made by another process (the CLI
        // beside a running server) counts at once, so read again before saying no.
        guard let feed = try await feedCache.feeds(store: store, refresh: true).byID[id] else { return nil }
        var access = try await access(of: principal, to: feed)
        if !access.canRead && !access.canWrite && !principal.user.role.isHubStaff {
            let fresh = try await rightsCache.rights(organizationID: principal.organization.id, store: store, refresh: true)
                .access(toFeed: feed.id)
            access = FeedAccess(canRead: fresh.canRead, canWrite: fresh.canWrite && principal.user.role.mayWrite)
        }
        guard access.canRead || access.canWrite else { return nil }
        return (feed, access)
    }

    /// The feed named exactly `name` among the feeds kept for the current account generation (a feed
    /// created or renamed by any process moves it), without a read of its own; nil when it is not
    /// among them (ask the store: names may match in other ways there).
    ///
    /// ```swift
    /// var feed = try await policy.knownFeed(named: "C2")
    /// if feed == nil { feed = try await store.feed(named: "C2") }
    /// ```
    public func knownFeed(named name: String) async throws -> Feed? {
        try await feedCache.feeds(store: store).ordered.first { $0.name == name }
    }

    /// The feeds the principal may read or write, with their access.
    public func visibleFeeds(for principal: Principal) async throws -> [(feed: Feed, access: FeedAccess)] {
        let feeds = try await feedCache.feeds(store: store).ordered
        let access = try await access(of: principal, to: feeds)
        return feeds.compactMap { feed in
            guard let a = access[feed.id], a.canRead || a.canWrite else { return nil }
            return (feed, a)
        }
    }
}
