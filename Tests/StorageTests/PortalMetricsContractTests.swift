// The storage contract for what the portal's dashboard and submission list read quickly: the
// metrics generation (moves with every change to a metric input, by any store on the database; not
// with reads) and the one-statement submission listing (newest first, paged, one organisation's
// only when asked, with names, kind, object count and live-release flag). Every back end.
import Foundation
import STIX
import Storage
import Testing

@Suite("Storage contract: portal metrics generation and submission listing")
struct PortalMetricsContractTests {
    @Test("submissions, observable reports, deliveries, organisations and deletions move the generation; reads do not; another store sees it",
          arguments: Backend.underTest)
    func generationMoves(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let feed = try await hub.feed("C2")
        let start = try await hub.store.metricsGeneration()

        let object = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        let record = submission(for: [object], feed: feed, org: "provider")
        _ = try await hub.store.append([object], to: feed.id, recording: record)
        let submitted = try await other.store.metricsGeneration()
        #expect(submitted.changes > start.changes)
        #expect(submitted.deletions == start.deletions)

        _ = try await hub.store.submissionListing(organizationID: nil, after: nil, limit: 10)
        _ = try await hub.store.observableHoldings(organizationID: nil)
        #expect(try await hub.store.metricsGeneration() == submitted, "reads change nothing")

        _ = try await hub.store.recordObservables(["ipv4-addr:198.51.100.7"], organizationID: "provider", submissionID: record.id)
        let reported = try await other.store.metricsGeneration()
        #expect(reported.changes > submitted.changes)

        try await hub.store.recordReads([], deliveries: [Delivery(
            organizationID: "reader", submissionID: record.id, releaseID: nil, stixID: object.stixID,
            version: object.version ?? "", deliveredAt: "2026-11-23T02:00:00Z", path: "taxii")])
        let delivered = try await other.store.metricsGeneration()
        #expect(delivered.changes > reported.changes)

        _ = try await hub.store.createOrganization(Organization(name: "Renamed later", sector: "finance"))
        let organized = try await other.store.metricsGeneration()
        #expect(organized.changes > delivered.changes)

        #expect(try await hub.store.deleteObject(id: object.stixID, feedID: feed.id, versions: .every, provider: nil) > 0)
        let deleted = try await other.store.metricsGeneration()
        #expect(deleted.deletions > organized.deletions)
        #expect(deleted.changes > organized.changes)
    }

    @Test("the listing pages newest first, keeps to one organisation when asked, and carries names, count and live releases",
          arguments: Backend.underTest)
    func listing(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        let mine = try await hub.store.createOrganization(Organization(name: "CERT 甲", sector: "finance"))
        let theirs = try await hub.store.createOrganization(Organization(name: "CERT 乙", sector: "energy"))
        var ids: [String] = []
        for n in 0..<5 {
            let objects = (0...n).map { indicator(uuid(100 * n + $0), modified: "2025-02-01T00:00:00.000Z") }
            var record = submission(for: objects, feed: feed, org: n == 2 ? theirs.id : mine.id)
            record.requestTimestamp = "2026-11-2\(n)T00:00:00Z"
            _ = try await hub.store.append(objects, to: feed.id, recording: record)
            ids.append(record.id)
        }
        let everyone = try await hub.store.submissionListing(organizationID: nil, after: nil, limit: 10)
        #expect(everyone.map(\.id) == ids.reversed())
        #expect(everyone.map(\.objects) == [5, 4, 3, 2, 1])
        #expect(everyone.first?.feedName == "C2")
        #expect(everyone.first?.organizationName == "CERT 甲")
        #expect(everyone.allSatisfy { $0.kind == nil && !$0.released })

        let first = try await hub.store.submissionListing(organizationID: mine.id, after: nil, limit: 2)
        #expect(first.map(\.id) == [ids[4], ids[3]])
        let second = try await hub.store.submissionListing(organizationID: mine.id, after: first.last?.cursor, limit: 2)
        #expect(second.map(\.id) == [ids[1], ids[0]], "the other organisation's submission is never listed")
        #expect(try await hub.store.submissionListing(organizationID: mine.id, after: second.last?.cursor, limit: 2).isEmpty)
        #expect(try await hub.store.submissionListing(organizationID: theirs.id, after: nil, limit: 10).map(\.id) == [ids[2]])

        let release = Release(submissionID: ids[4], providerOrganizationID: mine.id, scope: ReleaseScope(groups: ["g"]),
                              anonymized: false, kind: .consent, createdBy: nil, createdAt: "2026-11-25T01:00:00Z")
        try await hub.store.recordRelease(release, feedID: feed.id, copies: [],
                                          audit: AuditEvent(action: .release, actorUserID: nil, actorOrganizationID: mine.id,
                                                            subject: release.id))
        #expect(try await hub.store.submissionListing(organizationID: mine.id, after: nil, limit: 1).first?.released == true)
        try await hub.store.revokeRelease(id: release.id, revokedBy: nil, at: "2026-11-25T03:00:00Z",
                                          audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: mine.id,
                                                            subject: release.id))
        #expect(try await hub.store.submissionListing(organizationID: mine.id, after: nil, limit: 1).first?.released == false)
        #expect(SubmissionCursor(text: first[0].cursor.text) == first[0].cursor)
        #expect(SubmissionCursor(text: "no-tilde") == nil)
    }
}
