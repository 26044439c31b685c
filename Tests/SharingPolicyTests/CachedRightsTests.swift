// The policy engine's short-lived caches never grant what the store no longer allows through this
// process, and never hide what another process (the CLI beside a running server) just allowed; and
// the delivery ledger's group commit lists every object each read returned.
import Accounts
import Foundation
import HubTesting
import SharingPolicy
import SQLiteStorage
import Storage
import Testing

@Suite("Cached rights and grouped read records")
struct CachedRightsTests {
    @Test("a feed and grant made through another connection (another process) count at once; a group join through this one too")
    func otherProcessChanges() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let first = try await hub.feed("C2")
        let member = try await hub.member("電力A社", email: "soc@denryoku-a.example.jp", grants: [(first, true, false)])
        let policy = PolicyEngine(store: hub.store, rightsLifetime: 60)
        #expect(try await policy.visibleFeed(id: first.id, for: member.principal) != nil)

        // The CLI, in its own process, opens the same file and adds a feed and a grant.
        let cli = try await hub.reopened().store
        // (At once on SQLite; on PostgreSQL each instance sees it within a second: `propagated`.)
        let second = try await hub.propagated { try await cli.createFeed(Feed(name: "CX", title: "CX")) }
        try await hub.propagated {
            try await cli.setGrant(FeedGrant(feedID: second.id, organizationID: member.principal.organization.id,
                                             canRead: true, canWrite: false))
        }
        let seen = try await policy.visibleFeed(id: second.id, for: member.principal)
        #expect(seen?.access.canRead == true, "a feed granted by another process is visible at once (PostgreSQL: once propagated), despite a 60 s cache")

        // A group join through this process's store changes the audiences at once.
        let group = try await hub.store.createGroup(TrustGroup(name: "電力SIG"))
        let before = try await policy.readAudiences(for: member.principal)
        try await hub.store.addMember(organizationID: member.principal.organization.id, toGroup: group.id)
        let after = try await policy.readAudiences(for: member.principal)
        #expect(!before.contains(Audience.group(group.id)) && after.contains(Audience.group(group.id)))
    }

    @Test("reads within one group commit share an entry per reader that lists every object; other readers get their own")
    func groupedReadRecords() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        let a = try await hub.member("電力A社", email: "soc@denryoku-a.example.jp", grants: [(feed, true, true)])
        let b = try await hub.member("ガスB社", email: "soc@gas-b.example.jp", grants: [(feed, true, false)])
        let ledger = DeliveryLedger(store: hub.store, interval: .seconds(30))
        func object(_ n: Int) -> StoredObject {
            StoredObject(position: Int64(n), feedID: feed.id, stixID: "indicator--00000000-0000-4000-8000-00000000000\(n)",
                         type: "indicator", specVersion: "2.1", version: "2026-11-0\(n)T00:00:00.000Z",
                         dateAddedMicroseconds: Int64(n), bytes: Data(), submissionID: "s", providerOrganizationID: a.principal.organization.id)
        }
        await ledger.recordRead(of: [object(1)], by: b.principal, path: "taxii", subject: feed.id)
        await ledger.recordRead(of: [object(2), object(3)], by: b.principal, path: "taxii", subject: feed.id)
        await ledger.recordRead(of: [object(4)], by: a.principal, path: "taxii", subject: feed.id)
        await ledger.flush()
        let reads = try await hub.store.auditEntries(after: 0, limit: 100).filter { $0.event.action == .read }
        #expect(reads.count == 2)
        let ofB = try #require(reads.first { $0.event.actorOrganizationID == b.principal.organization.id })
        #expect(ofB.event.details["reads"] == "2" && ofB.event.details["count"] == "3")
        for n in 1...3 { #expect(ofB.event.details["objects"]?.contains("0000000000\(n)@2026-11-0\(n)") == true) }
        #expect(try await hub.store.verifyAuditTrail().isIntact)
        // B's deliveries are one per object A provided.
        #expect(try await hub.store.deliveries(submissionID: "s").filter { $0.organizationID == b.principal.organization.id }.count == 3)
    }
}
