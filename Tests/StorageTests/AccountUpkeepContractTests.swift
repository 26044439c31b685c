// The storage contract, account upkeep: an organisation removed from a trust group and a client
// record ended, each with its audit entry and counted as an account change (nothing written when
// there was nothing to remove); tokens' last use recorded at most once a minute, never counted as
// an account change, and gone with the token's user. Run against every back end.
import Foundation
import Storage
import Testing

@Suite("Storage contract: account upkeep")
struct AccountUpkeepContractTests {
    func event(_ change: String, _ subject: String) -> AuditEvent {
        AuditEvent(action: .account, actorUserID: nil, actorOrganizationID: nil, subject: subject, details: ["change": change])
    }

    func auditCount(_ store: any HubStore) async throws -> Int {
        try await store.auditEntries(after: 0, limit: 10_000).count
    }

    @Test("a member leaves a group and a client record ends, each with its audit entry; twice changes nothing",
          arguments: Backend.underTest)
    func removals(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let a = try await store.createOrganization(Organization(name: "Org A"))
        let b = try await store.createOrganization(Organization(name: "Org B"))
        let sig = try await store.createGroup(TrustGroup(name: "電力SIG"))
        try await store.addMember(organizationID: a.id, toGroup: sig.id)
        try await store.addMember(organizationID: b.id, toGroup: sig.id)
        try await store.addClient(b.id, ofOrganization: a.id)
        let audited = try await auditCount(store)
        let generation = await store.currentAccountsGeneration()

        #expect(try await store.removeMember(organizationID: a.id, fromGroup: sig.id, audit: event("group-member-removed", sig.id)))
        #expect(try await store.members(ofGroup: sig.id).map(\.id) == [b.id])
        #expect(try await store.groups(ofOrganization: a.id).isEmpty)
        #expect(try await store.readerGrants(organizationID: a.id).groups.isEmpty)
        #expect(await store.currentAccountsGeneration() > generation)
        #expect(try await auditCount(store) == audited + 1)
        #expect(try await !store.removeMember(organizationID: a.id, fromGroup: sig.id, audit: event("group-member-removed", sig.id)))
        #expect(try await auditCount(store) == audited + 1)

        #expect(try await store.removeClient(b.id, ofOrganization: a.id, audit: event("client-removed", a.id)))
        #expect(try await store.clients(ofOrganization: a.id).isEmpty)
        #expect(try await store.patrons(ofClient: b.id).isEmpty)
        #expect(try await !store.removeClient(b.id, ofOrganization: a.id, audit: event("client-removed", a.id)))
        let entries = try await store.auditEntries(after: 0, limit: 10_000)
        #expect(entries.count == audited + 2)
        #expect(entries.last?.event.details["change"] == "client-removed")
        #expect(try await store.verifyAuditTrail().isIntact)
    }

    @Test("a token's last use: recorded once a minute, never an account change, gone with its user",
          arguments: Backend.underTest)
    func tokenUse(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let org = try await store.createOrganization(Organization(name: "Org T"))
        let alice = try await store.createUser(User(organizationID: org.id, email: "alice@t.example.jp", role: .member, passwordHash: nil))
        let bob = try await store.createUser(User(organizationID: org.id, email: "bob@t.example.jp", role: .member, passwordHash: nil))
        let used = APIToken(userID: alice.id, secretHash: String(repeating: "1", count: 64), label: "taxii")
        let unused = APIToken(userID: alice.id, secretHash: String(repeating: "2", count: 64), label: "spare")
        let bobs = APIToken(userID: bob.id, secretHash: String(repeating: "3", count: 64), label: "bob")
        for token in [used, unused, bobs] { try await store.createToken(token) }
        #expect(try await store.tokenLastUses(userID: alice.id).isEmpty)

        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let generation = await store.currentAccountsGeneration()
        try await store.recordTokenUse(secretHash: used.secretHash, at: start)
        #expect(try await store.tokenLastUses(userID: alice.id) == [used.id: start])
        // Within the minute: the first use stays; from a minute on: moves.
        try await store.recordTokenUse(secretHash: used.secretHash, at: start.addingTimeInterval(59))
        #expect(try await store.tokenLastUses(userID: alice.id)[used.id] == start)
        try await store.recordTokenUse(secretHash: used.secretHash, at: start.addingTimeInterval(60))
        #expect(try await store.tokenLastUses(userID: alice.id)[used.id] == start.addingTimeInterval(60))
        // An unknown secret records nothing; a use is not an account change (caches stay valid).
        try await store.recordTokenUse(secretHash: String(repeating: "9", count: 64), at: start)
        #expect(await store.currentAccountsGeneration() == generation)
        // Another user's token is not in Alice's list.
        try await store.recordTokenUse(secretHash: bobs.secretHash, at: start)
        #expect(try await store.tokenLastUses(userID: alice.id).keys.sorted() == [used.id])
        #expect(try await store.tokenLastUses(userID: bob.id) == [bobs.id: start])

        #expect(try await store.removeUser(id: alice.id, audit: event("user-removed", alice.id)))
        #expect(try await store.tokenLastUses(userID: alice.id).isEmpty)
        #expect(try await store.tokenLastUses(userID: bob.id) == [bobs.id: start])
    }

    @Test("token uses written in one batch: each under the once-a-minute rule, the latest of a token given twice, unknown hashes ignored, no account change",
          arguments: Backend.underTest)
    func tokenUsesInBatch(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let org = try await store.createOrganization(Organization(name: "Org U"))
        let alice = try await store.createUser(User(organizationID: org.id, email: "alice@u.example.jp", role: .member, passwordHash: nil))
        let first = APIToken(userID: alice.id, secretHash: String(repeating: "4", count: 64), label: "one")
        let second = APIToken(userID: alice.id, secretHash: String(repeating: "5", count: 64), label: "two")
        for token in [first, second] { try await store.createToken(token) }
        let start = Date(timeIntervalSince1970: 1_800_000_000)
        let generation = await store.currentAccountsGeneration()
        try await store.recordTokenUses([
            TokenUse(secretHash: first.secretHash, at: start),
            TokenUse(secretHash: second.secretHash, at: start),
            TokenUse(secretHash: second.secretHash, at: start.addingTimeInterval(5)),
            TokenUse(secretHash: String(repeating: "9", count: 64), at: start),
        ])
        #expect(try await store.tokenLastUses(userID: alice.id) == [first.id: start, second.id: start.addingTimeInterval(5)])
        #expect(await store.currentAccountsGeneration() == generation)
        // Within the minute nothing moves; a minute on, only the token used again moves.
        try await store.recordTokenUses([TokenUse(secretHash: first.secretHash, at: start.addingTimeInterval(30))])
        #expect(try await store.tokenLastUses(userID: alice.id)[first.id] == start)
        try await store.recordTokenUses([TokenUse(secretHash: first.secretHash, at: start.addingTimeInterval(60)),
                                         TokenUse(secretHash: second.secretHash, at: start.addingTimeInterval(30))])
        #expect(try await store.tokenLastUses(userID: alice.id) == [first.id: start.addingTimeInterval(60), second.id: start.addingTimeInterval(5)])
        // Nothing to write: nothing written, no error.
        try await store.recordTokenUses([])
    }
}
