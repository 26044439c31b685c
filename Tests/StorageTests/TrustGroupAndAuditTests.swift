// The shared HubStore suite, continued: trust groups, organisation identifiers and the audit chain.
import Foundation
import HubTesting
import Storage
import Testing

@Suite("HubStore groups and audit")
struct TrustGroupAndAuditTests {
    @Test("trust groups, memberships, group grants and identifiers", arguments: Backend.allCases)
    func groups(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let a = try await hub.store.createOrganization(Organization(name: "電力A社", sector: "電力"))
        let b = try await hub.store.createOrganization(Organization(name: "電力B社", sector: "電力"))
        let sig = try await hub.store.createGroup(TrustGroup(name: "電力SIG"))
        await #expect(throws: StoreError.self) { _ = try await hub.store.createGroup(TrustGroup(name: "電力sig")) }
        try await hub.store.addMember(organizationID: a.id, toGroup: sig.id)
        try await hub.store.addMember(organizationID: b.id, toGroup: sig.id)
        try await hub.store.addMember(organizationID: b.id, toGroup: sig.id)   // idempotent
        #expect(try await hub.store.members(ofGroup: sig.id).map(\.name) == ["電力A社", "電力B社"])
        #expect(try await hub.store.groups(ofOrganization: a.id).map(\.name) == ["電力SIG"])
        let feed = try await hub.feed("C2")
        try await hub.store.setGroupGrant(FeedGroupGrant(feedID: feed.id, groupID: sig.id, canRead: true, canWrite: false))
        #expect(try await hub.store.groupGrants(groupIDs: [sig.id]).first?.canRead == true)
        try await hub.store.addIdentifier(OrganizationIdentifier(kind: .domain, value: "denryoku-a.example.jp"), organizationID: a.id)
        try await hub.store.addIdentifier(OrganizationIdentifier(kind: .alias, value: "Denryoku A"), organizationID: a.id)
        #expect(Set(try await hub.store.identifiers(organizationID: a.id).map(\.value)) == ["denryoku-a.example.jp", "Denryoku A"])
    }

    @Test("the audit chain verifies, and detects an altered or deleted entry", arguments: Backend.allCases)
    func auditChain(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        for n in 0..<5 {
            try await hub.store.appendAudit([AuditEvent(action: .read, actorUserID: "u\(n)", actorOrganizationID: "o",
                                                        subject: "feed", details: ["objects": "indicator--\(n)"])])
        }
        let entries = try await hub.store.auditEntries(after: 0, limit: 100)
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
        #expect(AuditChain.verify(entries).isEmpty)

        var altered = entries
        altered[2].event.details["objects"] = "indicator--forged"
        #expect(AuditChain.verify(altered).map(\.sequence) == [3])
        var deleted = entries
        deleted.remove(at: 1)
        #expect(!AuditChain.verify(deleted).isEmpty)
    }
}
