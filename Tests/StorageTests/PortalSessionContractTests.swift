// The storage contract, portal sessions: stored by token hash and read back; touched forward only;
// deleted one, per user, and when expired; a password change stored with its audit entry and
// counted as an account change; a removed user's sessions gone with it. Run against every back end.
import Foundation
import Storage
import Testing

@Suite("Storage contract: portal sessions")
struct PortalSessionContractTests {
    func user(_ store: any HubStore, _ email: String) async throws -> User {
        var org = try await store.organization(named: "Org S")
        if org == nil { org = try await store.createOrganization(Organization(name: "Org S")) }
        let organization = try #require(org)
        return try await store.createUser(User(organizationID: organization.id, email: email, role: .member, passwordHash: "old-hash"))
    }

    @Test("sessions stored by hash, touched forward, deleted singly, per user and when expired", arguments: Backend.underTest)
    func sessions(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let alice = try await user(store, "alice@s.example.jp"), bob = try await user(store, "bob@s.example.jp")
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let a1 = PortalSessionRecord(tokenHash: String(repeating: "a", count: 64), userID: alice.id, csrfToken: "csrf-1",
                                     createdAt: start, lastSeenAt: start)
        let a2 = PortalSessionRecord(tokenHash: String(repeating: "b", count: 64), userID: alice.id, csrfToken: "csrf-2",
                                     createdAt: start.addingTimeInterval(-50_000), lastSeenAt: start)
        let b1 = PortalSessionRecord(tokenHash: String(repeating: "c", count: 64), userID: bob.id, csrfToken: "csrf-3",
                                     createdAt: start, lastSeenAt: start.addingTimeInterval(-9_000))
        for session in [a1, a2, b1] { try await store.createPortalSession(session) }
        #expect(try await store.portalSession(tokenHash: a1.tokenHash) == a1)
        #expect(try await store.portalSession(tokenHash: String(repeating: "d", count: 64)) == nil)
        // The same hash twice is refused.
        await #expect(throws: (any Error).self) { try await store.createPortalSession(a1) }

        try await store.touchPortalSession(tokenHash: a1.tokenHash, at: start.addingTimeInterval(60))
        try await store.touchPortalSession(tokenHash: a1.tokenHash, at: start.addingTimeInterval(30))   // never back
        #expect(try await store.portalSession(tokenHash: a1.tokenHash)?.lastSeenAt == start.addingTimeInterval(60))

        // Expired: unused for 2 hours (b1) or made more than 12 hours ago (a2).
        let removed = try await store.deleteExpiredPortalSessions(lastSeenBefore: start.addingTimeInterval(-7_200),
                                                                  createdBefore: start.addingTimeInterval(-43_200))
        #expect(removed == 2)
        #expect(try await store.portalSession(tokenHash: a2.tokenHash) == nil)
        #expect(try await store.portalSession(tokenHash: b1.tokenHash) == nil)

        try await store.createPortalSession(a2)
        #expect(try await store.deletePortalSession(tokenHash: a2.tokenHash))
        #expect(try await !store.deletePortalSession(tokenHash: a2.tokenHash))
        try await store.createPortalSession(a2)
        try await store.createPortalSession(b1)
        #expect(try await store.deletePortalSessions(userID: alice.id) == 2)
        #expect(try await store.portalSession(tokenHash: a1.tokenHash) == nil)
        #expect(try await store.portalSession(tokenHash: b1.tokenHash) == b1)
    }

    @Test("a password change is stored with its audit entry and counts as an account change; a removed user's sessions go with it",
          arguments: Backend.underTest)
    func passwordAndRemoval(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let alice = try await user(store, "alice@s.example.jp")
        let generation = await store.currentAccountsGeneration()
        let audit = AuditEvent(action: .account, actorUserID: alice.id, actorOrganizationID: alice.organizationID,
                               subject: alice.id, details: ["change": "password-changed"])
        #expect(try await store.setPasswordHash(userID: alice.id, hash: "new-hash", audit: audit))
        #expect(try await store.user(id: alice.id)?.passwordHash == "new-hash")
        #expect(await store.currentAccountsGeneration() != generation)
        #expect(try await store.auditEntries(after: 0, limit: 10).map(\.event.subject).last == alice.id)
        #expect(try await !store.setPasswordHash(userID: "no-such-user", hash: "x", audit: audit))

        let session = PortalSessionRecord(tokenHash: String(repeating: "e", count: 64), userID: alice.id, csrfToken: "c",
                                          createdAt: Date(), lastSeenAt: Date())
        try await store.createPortalSession(session)
        _ = try await store.removeUser(id: alice.id, audit: AuditEvent(action: .account, actorUserID: nil,
                                                                       actorOrganizationID: nil, subject: alice.id))
        #expect(try await store.portalSession(tokenHash: session.tokenHash) == nil)
    }
}
