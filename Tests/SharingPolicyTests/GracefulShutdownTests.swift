// Graceful shutdown of the hub's background work (issue 12 item 9): the delivery ledger, the audit
// head writer and the checkpoint thread run in one ServiceGroup; on graceful shutdown no pending
// read record is lost, the head file names the last entry and the database is checkpointed and closed.
import Foundation
import HubTesting
import ServiceLifecycle
import SharingPolicy
import SQLiteStorage
import Storage
import Testing

@Suite("Graceful shutdown of the ledger, audit head and checkpoints")
struct GracefulShutdownTests {
    @Test("reads pending in the ledger are written, the head recorded and the log emptied when the group stops")
    func pendingReadsSurviveShutdown() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        let a = try await hub.member("電力A社", email: "soc@denryoku-a.example.jp", grants: [(feed, true, true)])
        let b = try await hub.member("ガスB社", email: "soc@gas-b.example.jp", grants: [(feed, true, false)])
        // An interval far longer than the test: only the shutdown can write these records.
        let ledger = DeliveryLedger(store: hub.store, interval: .seconds(3600))
        let group = ServiceGroup(services: hub.services + [ledger], logger: .init(label: "test"))
        async let running: Void = group.run()

        let object = StoredObject(position: 1, feedID: feed.id, stixID: "indicator--00000000-0000-4000-8000-000000000001",
                                  type: "indicator", specVersion: "2.1", version: "2026-11-01T00:00:00.000Z",
                                  dateAddedMicroseconds: 1, bytes: Data(), submissionID: "s",
                                  providerOrganizationID: a.principal.organization.id)
        await ledger.recordRead(of: [object], by: b.principal, path: "taxii/manifest", subject: feed.id)
        await group.triggerGracefulShutdown()
        try await running

        if hub.backend == .sqlite {   // SQLite's own log; PostgreSQL has none of the hub's to empty
            let wal = hub.directory.appendingPathComponent("hub.sqlite-wal").path
            let walSize = (try? FileManager.default.attributesOfItem(atPath: wal)[.size] as? Int) ?? 0
            #expect(walSize == 0, "the log was checkpointed into the database file and emptied")
        }

        let reopened = try await hub.reopened().store
        let reads = try await reopened.auditEntries(after: 0, limit: 100).filter { $0.event.action == .read }
        #expect(reads.map(\.event.details["path"]) == ["taxii/manifest"])
        #expect(try await reopened.deliveries(submissionID: "s").map(\.organizationID) == [b.principal.organization.id])
        let verification = try await reopened.verifyAuditTrail()
        #expect(verification.isIntact)
        #expect(verification.recordedHead?.sequence == Int64(verification.entryCount), "the head file names the last entry")
    }
}
