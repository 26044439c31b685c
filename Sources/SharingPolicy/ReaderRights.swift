// SharingPolicy reader rights: one organisation's feed rights and audiences, read from the store in
// one look-up and kept for a moment, so that a busy reader does not pay several database reads per
// request. A change (a grant, a group join) is seen on the next request, whichever process made it
// (the CLI beside a running server too): the store's account generation counts them all.
import Foundation
import Storage
import Synchronization

/// What an organisation may read and write, and the audience keys it reads with.
public struct ReaderRights: Sendable, Equatable {
    public var grants: ReaderGrants

    /// Access to one feed through the organisation's own grants and those of its trust groups.
    public func access(toFeed feedID: String) -> FeedAccess {
        var read = false, write = false
        for grant in grants.grants where grant.feedID == feedID {
            read = read || grant.canRead; write = write || grant.canWrite
        }
        for grant in grants.groupGrants where grant.feedID == feedID {
            read = read || grant.canRead; write = write || grant.canWrite
        }
        // A recorded client reads the feeds its patrons read (only what reaches clients, see audiences).
        if !read, grants.patronReadableFeedIDs.contains(feedID) { read = true }
        return FeedAccess(canRead: read, canWrite: write)
    }
}

/// Recently read `ReaderRights`, per organisation, valid for one store generation and `lifetime`.
final class ReaderRightsCache: Sendable {
    struct Entry { var rights: ReaderRights; var generation: UInt64; var expires: Date }
    let lifetime: TimeInterval
    let entries = Mutex<[String: Entry]>([:])

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    func rights(organizationID: String, store: any HubStore, refresh: Bool = false) async throws -> ReaderRights {
        let generation = await store.currentAccountsGeneration()
        let now = Date()
        if lifetime > 0, !refresh, let hit = entries.withLock({ $0[organizationID] }),
           hit.generation == generation, hit.expires > now {
            return hit.rights
        }
        let rights = ReaderRights(grants: try await store.readerGrants(organizationID: organizationID))
        if lifetime > 0 {
            entries.withLock { entries in
                if entries.count > 50_000 { entries.removeAll() }
                entries[organizationID] = Entry(rights: rights, generation: generation, expires: now.addingTimeInterval(lifetime))
            }
        }
        return rights
    }
}

/// The feeds, kept for one store generation and a moment (feeds change rarely).
final class FeedDirectoryCache: Sendable {
    struct Snapshot { var byID: [String: Feed]; var ordered: [Feed]; var generation: UInt64; var expires: Date }
    let lifetime: TimeInterval
    let snapshot = Mutex<Snapshot?>(nil)

    init(lifetime: TimeInterval) { self.lifetime = lifetime }

    func feeds(store: any HubStore, refresh: Bool = false) async throws -> Snapshot {
        let generation = await store.currentAccountsGeneration()
        let now = Date()
        if lifetime > 0, !refresh, let hit = snapshot.withLock({ $0 }), hit.generation == generation, hit.expires > now {
            return hit
        }
        let feeds = try await store.feeds()
        let fresh = Snapshot(byID: Dictionary(feeds.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a }),
                             ordered: feeds, generation: generation, expires: now.addingTimeInterval(lifetime))
        if lifetime > 0 { snapshot.withLock { $0 = fresh } }
        return fresh
    }
}
