// The shared HubStore suite, continued: trust groups, organisation identifiers and the audit chain.
import Foundation
import HubTesting
import Storage
import Testing

@Suite("HubStore groups and audit")
struct TrustGroupAndAuditTests {
    @Test("trust groups, memberships, group grants and identifiers", arguments: Backend.underTest)
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
        // Every kind round-trips; removing takes exactly one, and says when there was none.
        for kind in OrganizationIdentifier.Kind.allCases {
            try await hub.store.addIdentifier(OrganizationIdentifier(kind: kind, value: "v-\(kind.rawValue)"), organizationID: a.id)
        }
        #expect(try await hub.store.identifiers(organizationID: a.id).count == 2 + OrganizationIdentifier.Kind.allCases.count)
        let range = OrganizationIdentifier(kind: .addressRange, value: "v-address-range")
        #expect(try await hub.store.removeIdentifier(range, organizationID: a.id))
        #expect(try await !hub.store.removeIdentifier(range, organizationID: a.id))
        #expect(try await !hub.store.identifiers(organizationID: a.id).contains(range))
        #expect(try await hub.store.identifiers(organizationID: a.id).contains(OrganizationIdentifier(kind: .phone, value: "v-phone")))
    }

    @Test("the audit chain verifies, and detects an altered or deleted entry", arguments: Backend.underTest)
    func auditChain(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        for n in 0..<5 {
            try await hub.store.appendAudit([AuditEvent(action: .read, actorUserID: "u\(n)", actorOrganizationID: "o",
                                                        subject: "feed", details: ["objects": "indicator--\(n)"])])
        }
        let entries = try await hub.store.auditEntries(after: 0, limit: 100)
        #expect(entries.map(\.sequence) == [1, 2, 3, 4, 5])
        let seal = hub.store.auditSeal
        #expect(AuditChain.verify(entries, seal: seal).isEmpty)
        let head = try #require(try hub.store.recordedAuditHead())
        #expect(head.sequence == 5 && head.hash == entries[4].hash)
        #expect(try await hub.store.verifyAuditTrail().isIntact)

        var altered = entries
        altered[2].event.details["objects"] = "indicator--forged"
        #expect(AuditChain.verify(altered, seal: seal).map(\.sequence) == [3])
        var deleted = entries
        deleted.remove(at: 1)
        #expect(!AuditChain.verify(deleted, seal: seal).isEmpty)
        // The newest entry gone: only the head recorded outside the database tells.
        #expect(AuditChain.verify(Array(entries.dropLast()), seal: seal).isEmpty)
        #expect(!AuditChain.verify(Array(entries.dropLast()), seal: seal, head: head).isEmpty)
        // Another hub's key does not verify this chain.
        #expect(!AuditChain.verify(entries, seal: AuditSeal(key: Array(repeating: 7, count: 32))).isEmpty)
    }

    @Test("the audit key is created 0600 outside the database, reused on reopening, and refused when others can read it",
          arguments: Backend.underTest)
    func auditKeyFile(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let keyPath = hub.directory.appendingPathComponent("audit.key").path
        let mode = try FileManager.default.attributesOfItem(atPath: keyPath)[.posixPermissions] as? NSNumber
        #expect(mode?.intValue == 0o600)
        try await hub.store.appendAudit([AuditEvent(action: .login, actorUserID: "u", actorOrganizationID: "o", subject: "x")])
        #expect(try await hub.reopened().store.verifyAuditTrail().isIntact)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: keyPath)
        await #expect(throws: StoreError.self) { try await hub.reopened() }
    }
}
