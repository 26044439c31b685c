// The storage contract, sightings: reports stored with their audit entry and read back by indicator,
// observable and organisation; values put on review once, cleared once, and on review again; the
// submissions that carried a value. Run against every back end (see StoreFixtures).
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: sightings")
struct SightingContractTests {
    static func audit(_ subject: String) -> AuditEvent {
        AuditEvent(action: .sighting, actorUserID: "u", actorOrganizationID: "o", subject: subject)
    }

    @Test("reports read back by indicator, observable and organisation, each with its audit entry",
          arguments: Backend.underTest)
    func reports(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let first = [
            SightingRecord(id: "sighting-report--1", observable: "ipv4-addr:198.51.100.7", organizationID: "org-a", userID: "u1",
                           indicatorID: "indicator--a", kind: .seen, count: 3, firstSeen: "2026-11-01T00:00:00Z",
                           lastSeen: "2026-11-02T00:00:00Z", named: true, recordedAt: "2026-11-05T00:00:00.000001Z", via: "api"),
            SightingRecord(id: "sighting-report--1", observable: "domain-name:c2.example", organizationID: "org-a", userID: "u1",
                           indicatorID: "indicator--a", kind: .seen, count: 3, firstSeen: "2026-11-01T00:00:00Z",
                           lastSeen: "2026-11-02T00:00:00Z", named: true, recordedAt: "2026-11-05T00:00:00.000001Z", via: "api"),
        ]
        let second = [SightingRecord(id: "sighting-report--2", observable: "ipv4-addr:198.51.100.7", organizationID: "org-b",
                                     userID: nil, indicatorID: "indicator--b", kind: .falsePositive,
                                     recordedAt: "2026-11-06T00:00:00.000000Z", via: "taxii", stixID: "sighting--x")]
        try await store.recordSightings(first, audit: Self.audit("sighting-report--1"))
        try await store.recordSightings(second, audit: Self.audit("sighting-report--2"))
        // Oldest first, then by report and observable.
        #expect(try await store.sightings(indicatorID: "indicator--a", observables: []) == [first[1], first[0]])
        #expect(try await store.sightings(indicatorID: nil, observables: ["ipv4-addr:198.51.100.7"]) == [first[0], second[0]])
        #expect(try await store.sightings(indicatorID: "indicator--b", observables: ["domain-name:c2.example"])
                == [first[1], second[0]])
        #expect(try await store.sightings(indicatorID: nil, observables: []) == [])
        #expect(try await store.sightings(organizationID: "org-b") == second)
        #expect(try await store.sightings(organizationID: "org-c") == [])
        let entries = try await store.auditEntries(after: 0, limit: 100)
        #expect(entries.map(\.event.subject) == ["sighting-report--1", "sighting-report--2"])
        // A report id and observable are stored once: a repeated row fails the whole report.
        await #expect(throws: (any Error).self) {
            try await store.recordSightings([second[0], second[0]], audit: Self.audit("again"))
        }
        #expect(try await store.sightings(organizationID: "org-b") == second)
        #expect(try await store.auditEntries(after: 0, limit: 100).count == 2)
    }

    @Test("a value is put on review once, cleared once, and can be put on review again", arguments: Backend.underTest)
    func reviews(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let key = "ipv4-addr:198.51.100.7"
        let review = SightingReview(observable: key, organizations: 3, placedAt: "2026-11-05T00:00:00Z")
        #expect(try await store.placeOnReview(review, audit: Self.audit("placed")))
        #expect(try await !store.placeOnReview(review, audit: Self.audit("placed again")))
        #expect(try await store.reviews(includingCleared: false) == [review])
        #expect(try await store.reviews(of: [key, "domain-name:x"]) == [key: review])
        #expect(try await store.clearReview(key, at: "2026-11-06T00:00:00Z", by: "analyst", audit: Self.audit("cleared")))
        #expect(try await !store.clearReview(key, at: "2026-11-07T00:00:00Z", by: "analyst", audit: Self.audit("cleared again")))
        #expect(try await store.reviews(includingCleared: false) == [])
        let cleared = SightingReview(observable: key, state: .cleared, organizations: 3, placedAt: "2026-11-05T00:00:00Z",
                                     clearedAt: "2026-11-06T00:00:00Z", clearedBy: "analyst")
        #expect(try await store.reviews(includingCleared: true) == [cleared])
        let again = SightingReview(observable: key, organizations: 4, placedAt: "2026-11-08T00:00:00Z")
        #expect(try await store.placeOnReview(again, audit: Self.audit("placed anew")))
        #expect(try await store.reviews(of: [key])[key] == again)
        #expect(try await store.auditEntries(after: 0, limit: 100).map(\.event.subject) == ["placed", "cleared", "placed anew"])
        #expect(try await store.verifyAuditTrail().isIntact)
    }

    @Test("the submissions that carried a value, for a report by value", arguments: Backend.underTest)
    func carrying(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let feed = try await store.createFeed(Feed(name: "Default", title: "Default"))
        let org = try await store.createOrganization(Organization(name: "A社", sector: "電力"))
        var ids: [String] = []
        for (index, key) in ["ipv4-addr:198.51.100.7", "domain-name:c2.example"].enumerated() {
            let id = "indicator--0000000\(index)-0000-4000-8000-000000000000"
            let object = IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: "2026-11-01T00:00:00.000Z",
                                        versionMicroseconds: nil, bytes: Array("{}".utf8), tlp: .green, audiences: ["org:\(org.id)"])
            let submission = Submission(feedID: feed.id, organizationID: org.id, userID: nil,
                                        requestTimestamp: "2026-11-0\(index + 1)T00:00:00.000Z",
                                        successes: [ObjectOutcome(id: id, version: "2026-11-01T00:00:00.000Z", message: nil)])
            _ = try await store.append([object], to: feed.id, recording: submission,
                                       extras: SubmissionExtras(observableKeys: [key]))
            ids.append(submission.id)
        }
        #expect(try await store.submissionsCarrying(["ipv4-addr:198.51.100.7"], limit: 10) == [ids[0]])
        #expect(Set(try await store.submissionsCarrying(["ipv4-addr:198.51.100.7", "domain-name:c2.example"], limit: 10))
                == Set(ids))
        #expect(try await store.submissionsCarrying(["ipv4-addr:198.51.100.7", "domain-name:c2.example"], limit: 1).count == 1)
        #expect(try await store.submissionsCarrying(["url:http://nowhere/"], limit: 10) == [])
    }
}
