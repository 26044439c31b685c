// The policy engine's readers: made only for a principal that may read the feed, filtered by its
// audiences, and recorded in the delivery ledger when a page is returned; a delete check made for a
// principal that may only write returns no objects.
import Accounts
import Foundation
import HubTesting
import SharingPolicy
import SQLiteStorage
import STIX
import Storage
import Testing

@Suite("Feed readers")
struct FeedReaderTests {
    @Test("a reader exists only with read access, sees only its audiences, and each returned page is recorded")
    func readersAreGatedAndRecorded() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        let a = try await hub.member("電力A社", email: "soc@denryoku-a.example.jp", grants: [(feed, true, true)])
        let b = try await hub.member("ガスB社", email: "soc@gas-b.example.jp", grants: [(feed, true, false)])
        let writer = try await hub.member("化学C社", email: "soc@chem-c.example.jp", grants: [(feed, false, true)])
        let policy = PolicyEngine(store: hub.store)
        let id = "indicator--00000000-0000-4000-8000-000000000001"
        let json = #"{"type":"indicator","spec_version":"2.1","id":"\#(id)","created":"2026-11-01T00:00:00.000Z","modified":"2026-11-01T00:00:00.000Z","pattern":"[ipv4-addr:value = '198.51.100.7']","pattern_type":"stix","valid_from":"2026-11-01T00:00:00Z"}"#
        let object = IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: "2026-11-01T00:00:00.000Z",
                                    versionMicroseconds: STIXTimestamp("2026-11-01T00:00:00.000Z")!.microsecondsSinceEpoch,
                                    bytes: Array(json.utf8), audiences: policy.arrivalAudiences(for: a.principal))
        _ = try await hub.store.append([object], to: feed.id, recording: Submission(
            feedID: feed.id, organizationID: a.principal.organization.id, userID: a.principal.user.id,
            requestTimestamp: "2026-11-23T00:00:00Z", successes: [ObjectOutcome(id: id, version: object.version, message: nil)]))
        let ledger = DeliveryLedger(store: hub.store, interval: .seconds(30))

        #expect(try await policy.reader(for: writer.principal, feed: feed, purpose: .taxii, ledger: ledger) == nil)
        let check = try #require(try await policy.reader(for: writer.principal, feed: feed, purpose: .delete, ledger: nil))
        #expect(try await check.contains(objectID: id) == false)
        await #expect(throws: ReadRefused.self) { _ = try await check.page(ObjectQuery(feedID: feed.id)) }

        let ofA = try #require(try await policy.reader(for: a.principal, feed: feed, purpose: .taxii, ledger: ledger))
        let ofB = try #require(try await policy.reader(for: b.principal, feed: feed, purpose: .taxiiManifest, ledger: ledger))
        #expect(try await ofA.page(ObjectQuery(feedID: feed.id)).objects.map(\.stixID) == [id])
        #expect(try await ofB.page(ObjectQuery(feedID: feed.id)).objects.isEmpty, "A's original is held from B")
        // A query naming another feed still reads the reader's own.
        #expect(try await ofA.page(ObjectQuery(feedID: "another")).objects.count == 1)
        await ledger.flush()
        let reads = try await hub.store.auditEntries(after: 0, limit: 100).filter { $0.event.action == .read }
        #expect(reads.count == 1 && reads[0].event.actorOrganizationID == a.principal.organization.id
                && reads[0].event.details["path"] == "taxii" && reads[0].event.details["count"] == "2")
    }
}
