// The storage contract, alerts: subscriptions stored with their audit entry, listed per user and
// removed once (their pending deliveries withheld); the cursor started at the head by the first
// subscription and never lowered; deliveries stored once per key however often decided; due
// deliveries claimed by one dispatcher until the lease ends; updates and filters. Run against every
// back end (see StoreFixtures).
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: alerts")
struct AlertStoreContractTests {
    static func audit(_ subject: String) -> AuditEvent {
        AuditEvent(action: .alert, actorUserID: "u", actorOrganizationID: "o", subject: subject, details: ["change": "test"])
    }

    static func delivery(_ subscription: String, _ object: Int, _ channel: AlertChannel = .webhook, due: Int64 = 100,
                         cadence: AlertCadence = .immediate, user: String = "user-1") -> AlertDelivery {
        AlertDelivery(subscriptionID: subscription, userID: user, channel: channel, cadence: cadence, feedID: "feed-1",
                      stixID: "indicator--\(uuid(object))", version: "2026-12-01T00:00:00.000Z",
                      nextAttemptMicroseconds: due, createdAt: "2026-12-01T00:00:0\(object).000000Z")
    }

    @Test("subscriptions: stored with their audit entry, listed per user, removed once", arguments: Backend.underTest)
    func subscriptions(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let first = AlertSubscription(id: "alert-subscription--1", userID: "user-1", organizationID: "org-1", feedID: "feed-1",
                                      minimumSeverity: "urgent", watched: ["example.jp", "203.0.113.9"], email: true,
                                      webhookURL: "https://soc.example/hook?token=x", webhookSecret: "s3cret",
                                      digest: .weekly, createdAt: "2026-12-01T00:00:00.000001Z")
        let second = AlertSubscription(id: "alert-subscription--2", userID: "user-2", organizationID: "org-2", campaign: "camp",
                                       sector: "電力", createdAt: "2026-12-01T00:00:00.000002Z")
        try await store.addAlertSubscription(first, audit: Self.audit(first.id))
        try await store.addAlertSubscription(second, audit: Self.audit(second.id))
        #expect(try await store.alertSubscriptions(userID: nil) == [first, second])
        #expect(try await store.alertSubscriptions(userID: "user-2") == [second])
        #expect(try await store.alertSubscriptions(userID: "nobody") == [])
        // The same id again fails and writes nothing (no second audit entry).
        await #expect(throws: (any Error).self) { try await store.addAlertSubscription(first, audit: Self.audit("again")) }
        #expect(try await store.auditEntries(after: 0, limit: 100).map(\.event.subject) == [first.id, second.id])

        _ = try await store.recordAlertDeliveries([Self.delivery(first.id, 1), Self.delivery(second.id, 2)], cursor: 0)
        #expect(try await store.removeAlertSubscription(id: first.id, audit: Self.audit("removed")))
        #expect(try await !store.removeAlertSubscription(id: first.id, audit: Self.audit("removed again")))
        #expect(try await store.alertSubscriptions(userID: nil) == [second])
        let statuses = Dictionary(uniqueKeysWithValues: try await store.alertDeliveries(userID: nil, status: nil, limit: 10)
            .map { ($0.subscriptionID, $0.status) })
        #expect(statuses == [first.id: .withheld, second.id: .pending])
        #expect(try await store.auditEntries(after: 0, limit: 100).map(\.event.subject) == [first.id, second.id, "removed"])
    }

    @Test("the cursor starts at the head with the first subscription and never goes back", arguments: Backend.underTest)
    func cursor(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let feed = try await hub.feed("C2")
        let objects = [indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z"), indicator(uuid(2), modified: "2026-01-01T00:00:00.000Z")]
        _ = try await store.append(objects, to: feed.id, recording: submission(for: objects, feed: feed), extras: nil)
        let before = try await store.alertPositions()
        #expect(before.head >= 2 && before.cursor == before.head)      // no subscription: nothing to consider
        try await store.addAlertSubscription(AlertSubscription(userID: "u", organizationID: "o", createdAt: "2026-12-01T00:00:00Z"),
                                             audit: Self.audit("s"))
        let later = [indicator(uuid(3), modified: "2026-01-01T00:00:00.000Z")]
        _ = try await store.append(later, to: feed.id, recording: submission(for: later, feed: feed), extras: nil)
        let now = try await store.alertPositions()
        #expect(now.cursor == before.head && now.head > before.head)     // existing content raises nothing; the new does
        #expect(try await store.recordAlertDeliveries([], cursor: now.head) == 0)
        #expect(try await store.alertPositions().cursor == now.head)
        _ = try await store.recordAlertDeliveries([], cursor: 1)        // a late, slower dispatcher
        #expect(try await store.alertPositions().cursor == now.head)
        // A reopened store keeps it.
        let reopened = try await hub.reopened(); defer { reopened.remove() }
        #expect(try await reopened.store.alertPositions().cursor == now.head)
    }

    @Test("a delivery is stored once per subscription, object version and channel", arguments: Backend.underTest)
    func idempotentDeliveries(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let decided = [Self.delivery("s1", 1), Self.delivery("s1", 1, .email), Self.delivery("s1", 2), Self.delivery("s2", 1)]
        #expect(try await store.recordAlertDeliveries(decided, cursor: 5) == 4)
        // The same decisions again (a restart, a second instance), with fresh ids: nothing new.
        let again = decided.map { d in Self.delivery(d.subscriptionID, Int(d.stixID.suffix(1))!, d.channel) }
        #expect(try await store.recordAlertDeliveries(again + [again[0]], cursor: 6) == 0)
        let stored = try await store.alertDeliveries(userID: "user-1", status: nil, limit: 100)
        #expect(Set(stored.map(\.id)) == Set(decided.map(\.id)))
        #expect(Set(stored.map(\.key)) == Set(decided.map(\.key)))
        #expect(try await store.alertDelivery(id: decided[1].id) == decided[1])
        #expect(try await store.alertDelivery(id: "alert-delivery--none") == nil)
        #expect(try await store.alertPositions().cursor == 6)
    }

    @Test("due deliveries are claimed once until the lease ends; updates and filters", arguments: Backend.underTest)
    func claims(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let due = [Self.delivery("s1", 1, due: 100), Self.delivery("s1", 2, due: 200)]
        let later = Self.delivery("s2", 3, due: 10_000, cadence: .daily, user: "user-2")
        _ = try await store.recordAlertDeliveries(due + [later], cursor: 0)
        let claimed = try await store.claimDueAlertDeliveries(nowMicroseconds: 500, leaseMicroseconds: 1000, limit: 10)
        #expect(claimed.map(\.id) == due.map(\.id))
        #expect(claimed == due)                                           // returned as they were before the claim
        // Another dispatcher finds nothing until the lease has passed.
        #expect(try await store.claimDueAlertDeliveries(nowMicroseconds: 600, leaseMicroseconds: 1000, limit: 10) == [])
        let again = try await store.claimDueAlertDeliveries(nowMicroseconds: 1500, leaseMicroseconds: 1000, limit: 1)
        #expect(again.map(\.id) == [due[0].id])                           // limit respected, oldest first
        var sent = due[0]; sent.status = .sent; sent.attempts = 1; sent.sentAt = "2026-12-01T00:01:00Z"
        var dead = due[1]; dead.status = .dead; dead.attempts = 6; dead.lastError = "POST to https://x/ answered 500"
        try await store.updateAlertDeliveries([sent, dead])
        #expect(try await store.alertDelivery(id: sent.id) == sent)
        #expect(try await store.alertDelivery(id: dead.id) == dead)
        #expect(try await store.claimDueAlertDeliveries(nowMicroseconds: 100_000, leaseMicroseconds: 1000, limit: 10).map(\.id)
                == [later.id])                                            // sent and dead are never claimed
        #expect(try await store.alertDeliveries(userID: nil, status: .dead, limit: 10).map(\.id) == [dead.id])
        #expect(try await store.alertDeliveries(userID: "user-2", status: nil, limit: 10).map(\.id) == [later.id])
        #expect(try await store.alertDeliveries(userID: "user-1", status: .pending, limit: 10) == [])
        // Newest first.
        #expect(try await store.alertDeliveries(userID: nil, status: nil, limit: 2).map(\.id) == [later.id, dead.id])
    }
}
