// The storage contract, sharing metrics: first reports with their feed and time, first deliveries of a
// value to an organisation per provider (never from its own submissions), and the operations totals.
// Run against every back end (see StoreFixtures).
import Foundation
import STIX
import Storage
import Testing

@Suite("Storage contract: sharing metrics")
struct SharingMetricsContractTests {
    @Test("holdings, first deliveries per provider, totals", arguments: Backend.underTest)
    func sharingMetrics(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        let a = try await hub.store.createOrganization(Organization(name: "A社", sector: "電力"))
        let b = try await hub.store.createOrganization(Organization(name: "B社", sector: "ガス"))
        let d = try await hub.store.createOrganization(Organization(name: "D社", sector: "化学"))
        func submit(_ organization: Organization, _ n: Int, at time: String, keys: [String]) async throws -> Submission {
            let object = indicator(uuid(n), modified: "2026-11-01T09:00:00.000Z")
            let submission = Submission(feedID: feed.id, organizationID: organization.id, userID: nil, requestTimestamp: time,
                                        successes: [ObjectOutcome(id: object.stixID, version: object.version, message: nil)])
            _ = try await hub.store.append([object], to: feed.id, recording: submission, extras: nil)
            _ = try await hub.store.recordObservables(keys, organizationID: organization.id, submissionID: submission.id)
            return submission
        }
        let ip = "ipv4-addr:198.51.100.7", domain = "domain-name:c2.example"
        let fromA = try await submit(a, 1, at: "2026-12-01T00:00:00.000Z", keys: [ip, domain])
        let fromB = try await submit(b, 2, at: "2026-12-01T01:00:00.000Z", keys: [ip])
        _ = try await submit(d, 3, at: "2026-12-03T00:00:00.000Z", keys: [ip])
        func delivery(_ to: Organization, _ submission: Submission, _ n: Int, at: String) -> Delivery {
            Delivery(organizationID: to.id, submissionID: submission.id, releaseID: nil, stixID: "indicator--\(uuid(n))",
                     version: "2026-11-01T09:00:00.000Z", deliveredAt: at, path: "taxii")
        }
        let event = AuditEvent(action: .read, actorUserID: "u", actorOrganizationID: d.id, subject: feed.id)
        try await hub.store.recordReads([event], deliveries: [
            delivery(d, fromA, 1, at: "2026-12-02T00:00:00.000Z"),
            delivery(d, fromA, 1, at: "2026-12-01T12:00:00.000Z"),
            delivery(d, fromB, 2, at: "2026-12-02T06:00:00.000Z"),
            delivery(a, fromA, 1, at: "2026-12-01T00:30:00.000Z"),   // its own: never counts
        ])

        let holdings = try await hub.store.observableHoldings(organizationID: nil)
        #expect(holdings.count == 4)
        #expect(Set(holdings.filter { $0.observable == ip }.map(\.organizationID)) == [a.id, b.id, d.id])
        let mine = try await hub.store.observableHoldings(organizationID: b.id)
        #expect(mine == [ObservableHolding(observable: ip, organizationID: b.id, submissionID: fromB.id, feedID: feed.id,
                                           heldAt: "2026-12-01T01:00:00.000Z")])

        let first = try await hub.store.firstDeliveries([
            DeliveryProbe(organizationID: d.id, observable: ip), DeliveryProbe(organizationID: d.id, observable: domain),
            DeliveryProbe(organizationID: a.id, observable: ip), DeliveryProbe(organizationID: b.id, observable: ip),
            DeliveryProbe(organizationID: d.id, observable: "url:http://never.example/"),
        ])
        #expect(Set(first[DeliveryProbe(organizationID: d.id, observable: ip)] ?? []) == [
            FirstDelivery(providerOrganizationID: a.id, deliveredAt: "2026-12-01T12:00:00.000Z"),
            FirstDelivery(providerOrganizationID: b.id, deliveredAt: "2026-12-02T06:00:00.000Z"),
        ])
        #expect(first[DeliveryProbe(organizationID: d.id, observable: domain)] ==
                [FirstDelivery(providerOrganizationID: a.id, deliveredAt: "2026-12-01T12:00:00.000Z")])
        #expect(first[DeliveryProbe(organizationID: a.id, observable: ip)] == nil)
        #expect(first[DeliveryProbe(organizationID: b.id, observable: ip)] == nil)
        #expect(first.count == 2)
        #expect(try await hub.store.firstDeliveries([]).isEmpty)

        let totals = try await hub.store.sharingTotals()
        #expect(totals == SharingTotals(submissions: 3, observablesByType: ["ipv4-addr": 1, "domain-name": 1],
                                        corroborated: 0, deliveries: 3))   // d received A's indicator once
    }
}
