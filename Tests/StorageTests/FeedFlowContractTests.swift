// The storage contract, feed flow (issue 16): a feed's severity and decay settings and an
// organisation's consumer tier are stored with their audit entry, read back by every read of the
// record (also by another store on the same database), count as account changes, and an unknown
// id or an unchanged value writes nothing; sightings move the change stamp. Every back end.
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: feed flow")
struct FeedFlowContractTests {
    static func audit(_ change: String) -> AuditEvent {
        AuditEvent(action: .account, actorUserID: nil, actorOrganizationID: nil, subject: change, details: ["change": change])
    }

    @Test("severity: stored, audited, seen by another store, an account change; unchanged or unknown writes nothing",
          arguments: Backend.underTest)
    func severity(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let feed = try await hub.feed("C2")
        #expect(feed.severity == .normal)
        let generation = await other.store.currentAccountsGeneration()
        #expect(try await hub.store.setFeedSeverity(feedID: feed.id, .urgent, audit: Self.audit("severity")))
        #expect(try await other.store.feed(id: feed.id)?.severity == .urgent)
        #expect(try await other.store.feed(named: "C2")?.severity == .urgent)
        #expect(try await other.store.feeds().first { $0.id == feed.id }?.severity == .urgent)
        #expect(try await hub.generationMoves(other.store, from: generation), "another instance sees it within a second")
        #expect(try await !hub.store.setFeedSeverity(feedID: feed.id, .urgent, audit: Self.audit("again")))
        #expect(try await !hub.store.setFeedSeverity(feedID: "no-such-feed", .info, audit: Self.audit("unknown")))
        #expect(try await hub.store.setFeedSeverity(feedID: feed.id, .info, audit: Self.audit("info")))
        #expect(try await hub.store.feed(id: feed.id)?.severity == .info)
        let subjects = try await hub.store.auditEntries(after: 0, limit: 100).map(\.event.subject)
        #expect(subjects == ["severity", "info"])
    }

    @Test("decay: overrides stored as given and read back; cleared with nil; unknown feed writes nothing",
          arguments: Backend.underTest)
    func decay(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        #expect(feed.decay == nil)
        let decay = FeedDecay(overrides: [.ip: DecayParameters(lifetimeSeconds: 3, decaySpeed: 0.5, threshold: 40),
                                          .hash: DecayParameters(lifetimeSeconds: 86_400 * 500, decaySpeed: 1, threshold: 30)])
        #expect(try await hub.store.setFeedDecay(feedID: feed.id, decay, audit: Self.audit("decay")))
        let other = try await hub.reopened()
        #expect(try await other.store.feed(id: feed.id)?.decay == decay)
        #expect(try await other.store.feed(named: "C2")?.decay == decay)
        #expect(try await !hub.store.setFeedDecay(feedID: "no-such-feed", decay, audit: Self.audit("unknown")))
        #expect(try await hub.store.setFeedDecay(feedID: feed.id, nil, audit: Self.audit("reset")))
        #expect(try await hub.store.feed(id: feed.id)?.decay == nil)
        #expect(try await hub.store.auditEntries(after: 0, limit: 100).map(\.event.subject) == ["decay", "reset"])
    }

    @Test("tier: medium by default, created with one, changed with its audit entry, an account change",
          arguments: Backend.underTest)
    func tier(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let plain = try await hub.store.createOrganization(Organization(name: "電力A"))
        let large = try await hub.store.createOrganization(Organization(name: "通信B", tier: .large))
        #expect(try await hub.store.organization(id: plain.id)?.tier == .medium)
        #expect(try await hub.store.organization(named: "通信B")?.tier == .large)
        let generation = await hub.store.currentAccountsGeneration()
        #expect(try await hub.store.setOrganizationTier(id: plain.id, .small, audit: Self.audit("tier")))
        let other = try await hub.reopened()
        #expect(try await other.store.organization(id: plain.id)?.tier == .small)
        #expect(try await other.store.organizations().first { $0.id == plain.id }?.tier == .small)
        #expect(try await other.store.organization(id: large.id)?.tier == .large)
        #expect(await hub.store.currentAccountsGeneration() != generation)
        #expect(try await !hub.store.setOrganizationTier(id: plain.id, .small, audit: Self.audit("same")))
        #expect(try await !hub.store.setOrganizationTier(id: "no-such-org", .large, audit: Self.audit("unknown")))
        #expect(try await hub.store.auditEntries(after: 0, limit: 100).map(\.event.subject) == ["tier"])
    }

    @Test("a sighting report moves the change stamp (freshness depends on it)", arguments: Backend.underTest)
    func sightingsMoveStamp(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let before = try await hub.store.changeStamp()
        try await hub.store.recordSightings([SightingRecord(observable: "ipv4-addr:198.51.100.7", organizationID: "org-a",
                                                            userID: nil, indicatorID: "indicator--a", kind: .falsePositive,
                                                            recordedAt: "2026-12-07T00:00:00Z", via: "api")],
                                            audit: AuditEvent(action: .sighting, actorUserID: nil, actorOrganizationID: "org-a", subject: "s"))
        let other = try await hub.reopened()
        let after = try await other.store.changeStamp()
        #expect(after.sightingRows == before.sightingRows + 1)
        #expect(after != before)
    }
}
