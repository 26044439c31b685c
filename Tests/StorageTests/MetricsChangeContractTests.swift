// The storage contract for the metrics change log (MetricsChangeStore): what each metric input's
// change logs, as another store on the same database sees it — reports and sightings by observable,
// carrying submissions by observable hash, deletions and submission details by submission, only the
// earliest delivery of a submission to an organisation, organisation changes as "everything" (their
// creation not) — the per-observable reads, and pruning. Every back end.
import Foundation
import STIX
import Storage
import Testing

@Suite("Storage contract: metrics change log")
struct MetricsChangeContractTests {
    @Test("each metric input's change is logged once for the catch-up, as another store sees it; repeated deliveries are not",
          arguments: Backend.underTest)
    func changesLogged(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let feed = try await hub.feed("C2")
        let start = try await hub.store.metricsChangePosition()

        let object = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        let record = submission(for: [object], feed: feed, org: "provider")
        _ = try await hub.store.append([object], to: feed.id, recording: record)
        _ = try await hub.store.recordObservables(["ipv4-addr:198.51.100.7"], organizationID: "provider", submissionID: record.id)
        let reported = try await other.store.metricsChanges(after: start, limit: 1000)
        #expect(reported.observables == ["ipv4-addr:198.51.100.7"])
        #expect(reported.observableHashes.contains(KeyHash.of("ipv4-addr:198.51.100.7")))
        #expect(!reported.everything && !reported.pruned && !reported.truncated && reported.through > start)
        #expect(try await other.store.metricsChangePosition() == reported.through)
        #expect(try await other.store.observableHashes(carriedBy: [record.id]) == [KeyHash.of("ipv4-addr:198.51.100.7")])

        // The first delivery of the submission to an organisation counts; a later one to it does not.
        func deliver(_ organization: String, at: String) async throws {
            try await hub.store.recordReads([], deliveries: [Delivery(
                organizationID: organization, submissionID: record.id, releaseID: nil, stixID: object.stixID,
                version: object.version ?? "", deliveredAt: at, path: "taxii")])
        }
        try await deliver("reader", at: "2026-11-23T02:00:00.000Z")
        let delivered = try await other.store.metricsChanges(after: reported.through, limit: 1000)
        #expect(delivered.submissionIDs == [record.id] && delivered.observables.isEmpty)
        try await deliver("reader", at: "2026-11-23T03:00:00.000Z")
        let again = try await other.store.metricsChanges(after: delivered.through, limit: 1000)
        #expect(again.count == 0 && again.through == delivered.through, "a later delivery changes no first delivery")
        try await deliver("second reader", at: "2026-11-23T04:00:00.000Z")
        #expect(try await other.store.metricsChanges(after: delivered.through, limit: 1000).submissionIDs == [record.id])

        // Sightings by observable; the per-observable read gives reports and "seen" sightings only.
        let position = try await other.store.metricsChangePosition()
        try await hub.store.recordSightings([
            SightingRecord(observable: "ipv4-addr:198.51.100.7", organizationID: "reader", userID: nil, indicatorID: object.stixID,
                           kind: .seen, firstSeen: "2026-11-22T00:00:00Z", recordedAt: "2026-11-24T00:00:00.000000Z", via: "api"),
            SightingRecord(observable: "ipv4-addr:198.51.100.7", organizationID: "provider", userID: nil, indicatorID: object.stixID,
                           kind: .falsePositive, recordedAt: "2026-11-24T00:00:00.000000Z", via: "api"),
        ], audit: AuditEvent(action: .sighting, actorUserID: "u", actorOrganizationID: "reader", subject: "s"))
        #expect(try await other.store.metricsChanges(after: position, limit: 1000).observables == ["ipv4-addr:198.51.100.7"])
        let inputs = try await other.store.metricsInputs(observables: ["ipv4-addr:198.51.100.7", "ipv4-addr:192.0.2.99"])
        #expect(inputs.holdings.map(\.organizationID) == ["provider"] && inputs.holdings.first?.submissionID == record.id)
        #expect(inputs.holdings.first?.feedID == feed.id)
        #expect(inputs.seen == [SeenSighting(observable: "ipv4-addr:198.51.100.7", organizationID: "reader",
                                             seenAt: "2026-11-22T00:00:00Z")])

        // Creating an organisation is no change to any report; changing one may rename a row.
        let created = try await other.store.metricsChangePosition()
        let organization = try await hub.store.createOrganization(Organization(name: "Later", sector: "finance"))
        #expect(try await other.store.metricsChanges(after: created, limit: 1000).count == 0)
        _ = try await hub.store.setOrganizationDisabled(id: organization.id, at: Date(),
                                                        audit: AuditEvent(action: .sighting, actorUserID: "u",
                                                                          actorOrganizationID: "o", subject: "d"))
        #expect(try await other.store.metricsChanges(after: created, limit: 1000).everything)

        // A deleted version names its submission (what its indicators say may change).
        let beforeDelete = try await other.store.metricsChangePosition()
        #expect(try await hub.store.deleteObject(id: object.stixID, feedID: feed.id, versions: .every, provider: nil) > 0)
        #expect(try await other.store.metricsChanges(after: beforeDelete, limit: 1000).submissionIDs.contains(record.id))

        // More than the limit is said; pruned rows are said to a reader behind them.
        let all = try await other.store.metricsChanges(after: start, limit: 2)
        #expect(all.truncated && all.count == 2)
        let newest = try await other.store.metricsChangePosition()
        try await hub.store.pruneMetricsChanges(through: newest)
        #expect(try await other.store.metricsChanges(after: start, limit: 1000).pruned)
        #expect(!(try await other.store.metricsChanges(after: newest, limit: 1000).pruned))
        #expect(try await other.store.metricsChangePosition() == newest)
    }
}
