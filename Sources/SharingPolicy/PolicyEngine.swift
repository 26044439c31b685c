// SharingPolicy: the one place that decides who may see and write what. Every read path (TAXII,
// JSON API, exports, web pages, reports, federation) asks this engine; none filters on its own.
import Accounts
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

    public init(store: any HubStore, defaultTLP: TLPLevel = .amber) {
        self.store = store
        self.defaultTLP = defaultTLP
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
        let grants = try await store.grants(organizationID: principal.organization.id)
        let groups = try await store.groups(ofOrganization: principal.organization.id)
        let groupGrants = try await store.groupGrants(groupIDs: groups.map(\.id))
        var byFeed: [String: FeedAccess] = [:]
        for feed in feeds {
            var read = false, write = false
            for grant in grants where grant.feedID == feed.id {
                read = read || grant.canRead; write = write || grant.canWrite
            }
            for grant in groupGrants where grant.feedID == feed.id {
                read = read || grant.canRead; write = write || grant.canWrite
            }
            byFeed[feed.id] = FeedAccess(canRead: read, canWrite: write && role.mayWrite)
        }
        return byFeed
    }

    /// The feeds the principal may read or write, with their access.
    public func visibleFeeds(for principal: Principal) async throws -> [(feed: Feed, access: FeedAccess)] {
        let feeds = try await store.feeds()
        let access = try await access(of: principal, to: feeds)
        return feeds.compactMap { feed in
            guard let a = access[feed.id], a.canRead || a.canWrite else { return nil }
            return (feed, a)
        }
    }
}
