// The storage contract, campaigns: submission traits written once and read back in sequence order
// (paged, resumable), campaign records written, replaced and removed with their audit entries in one
// transaction, and both survive reopening and a copy between back ends' tables. Run against every
// back end (see StoreFixtures).
import Foundation
import PostgresStorage
import Storage
import Testing

@Suite("Storage contract: campaign traits and records")
struct CampaignStoreContractTests {
    static func traits(_ id: String, _ body: String = "{}") -> StoredTraits {
        StoredTraits(submissionID: id, organizationID: "org-\(id)", traits: Array(body.utf8), recordedAt: "2026-11-01T00:00:00.000Z")
    }

    @Test("traits: written once, read in sequence order in pages that resume", arguments: Backend.underTest)
    func traitsPages(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        #expect(try await hub.store.traits(after: 0, limit: 10).isEmpty)
        try await hub.store.recordTraits((0..<7).map { Self.traits("s\($0)", "{\"n\":\($0)}") })
        try await hub.store.recordTraits([Self.traits("s3", "{\"changed\":true}"), Self.traits("s7")])
        let first = try await hub.store.traits(after: 0, limit: 5)
        #expect(first.map(\.submissionID) == ["s0", "s1", "s2", "s3", "s4"])
        #expect(String(decoding: first[3].traits, as: UTF8.self) == "{\"n\":3}")   // the second write changed nothing
        #expect(first[0].organizationID == "org-s0")
        let rest = try await hub.store.traits(after: first.last!.sequence, limit: 5)
        #expect(rest.map(\.submissionID) == ["s5", "s6", "s7"])
        #expect(zip(first + rest, (first + rest).dropFirst()).allSatisfy { $0.sequence < $1.sequence })
        try await hub.store.recordTraits([])
    }

    @Test("campaign records: saved, replaced, removed with their audit entries in one transaction", arguments: Backend.underTest)
    func records(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let now = "2026-11-01T00:00:00.000Z"
        let candidate = CampaignRecord(id: "candidate-s1", status: .candidate, submissionIDs: ["s1", "s2"],
                                       evidence: [CampaignEvidence(kind: "attachment-hash", values: ["ab"], links: 1)],
                                       createdAt: now, updatedAt: now)
        try await hub.store.saveCampaigns([candidate], removing: [], audit: [])
        #expect(try await hub.store.campaign(id: "candidate-s1") == candidate)
        var confirmed = candidate
        confirmed.id = "campaign--1"; confirmed.status = .confirmed; confirmed.name = "Operation Tsuru"
        confirmed.submissionIDs = ["s1", "s2", "s3"]; confirmed.acknowledgedSubmissionIDs = ["s1", "s2"]
        confirmed.publication = CampaignPublication(stixID: "campaign--x", version: now, feedID: "f", scope: ReleaseScope(groups: ["ISAC"]),
                                                    submissionID: "h", releaseID: "r", releasedAt: now, versions: 1)
        let event = AuditEvent(action: .campaign, actorUserID: "analyst", actorOrganizationID: "hub", subject: confirmed.id,
                               details: ["change": "confirm"])
        try await hub.store.saveCampaigns([confirmed], removing: ["candidate-s1"], audit: [event])
        #expect(try await hub.store.campaign(id: "candidate-s1") == nil)
        let stored = try #require(try await hub.store.campaign(id: "campaign--1"))
        #expect(stored == confirmed)
        #expect(stored.updates == ["s3"])
        #expect(try await hub.store.campaigns().map(\.id) == ["campaign--1"])
        let audit = try await hub.store.auditEntries(after: 0, limit: 100)
        #expect(audit.last?.event == event)
        // Replacing keeps one row; removing an unknown id is no error.
        confirmed.name = "Renamed"
        try await hub.store.saveCampaigns([confirmed], removing: ["no-such"], audit: [])
        #expect(try await hub.store.campaigns().map(\.name) == ["Renamed"])
        #expect(try await hub.store.verifyAuditTrail().isIntact)
    }

    @Test("campaign changes: a first read gives every record, later reads only what was saved or removed since",
          arguments: Backend.underTest)
    func changes(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let now = "2026-11-01T00:00:00.000Z"
        func record(_ id: String, _ members: [String], _ status: CampaignStatus = .candidate) -> CampaignRecord {
            CampaignRecord(id: id, status: status, submissionIDs: members, createdAt: now, updatedAt: now)
        }
        let empty = try await hub.store.campaignChanges(after: nil)
        #expect(empty.changed.isEmpty && empty.removed.isEmpty)
        #expect(try await hub.store.campaignChanges(after: empty.sequence) == empty)
        try await hub.store.saveCampaigns([record("c-b", ["s1", "s2"]), record("c-a", ["s3", "s4"])], removing: [], audit: [])
        let first = try await hub.store.campaignChanges(after: nil)
        #expect(first.changed.map(\.id) == ["c-a", "c-b"] && first.removed.isEmpty)
        #expect(try await hub.store.campaignChanges(after: empty.sequence).changed.map(\.id) == ["c-a", "c-b"])
        // Nothing since: nothing to read.
        let quiet = try await hub.store.campaignChanges(after: first.sequence)
        #expect(quiet.changed.isEmpty && quiet.removed.isEmpty && quiet.sequence == first.sequence)
        // One replaced (read as it is now), one removed, one new; another save of an id read once.
        try await hub.store.saveCampaigns([record("c-b", ["s1", "s2", "s5"])], removing: [], audit: [])
        try await hub.store.saveCampaigns([record("campaign--x", ["s1", "s2", "s5"], .confirmed)], removing: ["c-b"], audit: [])
        try await hub.store.saveCampaigns([record("c-a", ["s3", "s4", "s6"])], removing: [], audit: [])
        let later = try await hub.store.campaignChanges(after: first.sequence)
        #expect(later.changed.map(\.id) == ["c-a", "campaign--x"])
        #expect(later.changed[0].submissionIDs == ["s3", "s4", "s6"])
        #expect(later.removed == ["c-b"])
        #expect(later.sequence > first.sequence)
        // A store opened again resumes from the same sequence.
        let reopened = try await hub.reopened()
        #expect(try await reopened.store.campaignChanges(after: first.sequence) == later)
        #expect(try await reopened.store.campaignChanges(after: nil).changed.map(\.id) == ["c-a", "campaign--x"])
        if let other = reopened.store as? PostgresHubStore { await other.close() }
    }
}
