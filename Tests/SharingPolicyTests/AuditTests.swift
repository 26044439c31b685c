// The audit trail under attack: the entries of a real session (post, release, reads, revocation)
// verify intact; every in-memory alteration (an edited detail, actor or time, a removed or reordered
// entry, an edit with its own hash recomputed) is reported by AuditChain.verify at the right entry;
// on the SQLite file itself (through the sqlite3 command-line tool, when installed) UPDATE and DELETE
// are refused by the append-only triggers, and an attacker who drops the triggers and edits or
// deletes an entry (the newest included, thanks to the head recorded outside the database, and
// rewriting the chain needs the audit key, also outside it) is caught by the same verification the
// `kakehashi audit verify` command runs.
// Also: the recipients report sees reads recorded just before it is asked (DeliveryLedger).
import Foundation
import HubTesting
import SharingPolicy
import Storage
import Testing

@Suite("Audit trail")
struct AuditTests {
    /// A session through the real server: A posts and releases, B and C read, A revokes, A asks.
    static func session() async throws -> SmallHub {
        let h = try await SmallHub.make()
        try await h.withServer { client in
            let submission = try await client.post([indicator(1, markings: [.green]), indicator(2)], as: h.a)
            let release = try await client.release(submission, #"{"groups": ["電力SIG"]}"#, as: h.a)
            _ = try await client.objects(as: h.b)
            _ = try await client.objects(as: h.c)
            _ = try await client.objects(as: h.analyst)
            _ = try await client.get(client.objectsPath + "\(indicatorID(1))/", as: h.b)
            _ = try await client.revoke(release.object["id"] as? String ?? "?", as: h.a)
            _ = try await client.recipients(submission, as: h.a)
        }
        return h
    }

    static func entries(_ store: any HubStore) async throws -> [AuditEntry] {
        var all: [AuditEntry] = []
        while true {
            let page = try await store.auditEntries(after: all.last?.sequence ?? 0, limit: 500)
            all += page
            if page.count < 500 { return all }
        }
    }

    @Test("the audit trail of a session is intact and records writes, releases, reads and revocations")
    func intact() async throws {
        let h = try await Self.session(); defer { h.hub.remove() }
        let entries = try await Self.entries(h.hub.store)
        #expect(AuditChain.verify(entries, seal: h.hub.store.auditSeal) == [])
        #expect(try await h.hub.store.verifyAuditTrail().isIntact)
        let actions = Set(entries.map(\.event.action))
        #expect(actions.isSuperset(of: [.write, .release, .read, .revoke]), "actions: \(actions)")
        // B's read names the objects it got; C's read (nothing released to C) is not recorded as a delivery.
        let reads = entries.filter { $0.event.action == .read }
        #expect(reads.contains { $0.event.actorOrganizationID == h.b.principal.organization.id
            && ($0.event.details["objects"] ?? "").contains(indicatorID(1)) })
        #expect(!reads.contains { $0.event.actorOrganizationID == h.c.principal.organization.id })
    }

    @Test("every in-memory alteration of an entry is reported at that entry")
    func alterations() async throws {
        let h = try await Self.session(); defer { h.hub.remove() }
        let entries = try await Self.entries(h.hub.store)
        try #require(entries.count >= 5)
        let k = entries.count / 2       // an entry in the middle
        let seq = entries[k].sequence

        func problems(_ change: (inout [AuditEntry]) -> Void) -> [AuditChain.Problem] {
            var copy = entries
            change(&copy)
            return AuditChain.verify(copy, seal: h.hub.store.auditSeal)
        }
        // Edited content: details, actor, subject, action, time.
        let edits: [(String, (inout AuditEntry) -> Void)] = [
            ("details", { $0.event.details["objects"] = "indicator--00000000-0000-4000-8000-000000000000@x" }),
            ("added detail", { $0.event.details["note"] = "nothing to see" }),
            ("actor", { $0.event.actorOrganizationID = "someone-else" }),
            ("user", { $0.event.actorUserID = nil }),
            ("subject", { $0.event.subject = "forged" }),
            ("action", { $0.event.action = $0.event.action == .read ? .login : .read }),
            ("time", { $0.recordedAt = "2020-01-01T00:00:00.000000Z" }),
        ]
        for (what, edit) in edits {
            let found = problems { edit(&$0[k]) }
            #expect(found.contains { $0.sequence == seq && $0.description.contains("altered") },
                    "editing the \(what) of entry \(seq) was not reported: \(found)")
        }
        // An edit whose own hash is recomputed breaks the link to the next entry.
        let rehashed = problems { list in
            list[k].event.subject = "forged"
            list[k].hash = AuditChain.hash(previous: list[k].previousHash, sequence: list[k].sequence,
                                           recordedAt: list[k].recordedAt, event: list[k].event,
                                           seal: h.hub.store.auditSeal)
        }
        #expect(rehashed.contains { $0.sequence == entries[k + 1].sequence }, "\(rehashed)")
        // A removed entry in the middle, or the first one.
        let removed = problems { $0.remove(at: k) }
        #expect(removed.contains { $0.sequence == entries[k + 1].sequence && $0.description.contains("missing") }, "\(removed)")
        let removedFirst = problems { $0.removeFirst() }
        #expect(!removedFirst.isEmpty)
        // Two entries swapped.
        let swapped = problems { $0.swapAt(k, k + 1) }
        #expect(!swapped.isEmpty)
        // A forged entry inserted.
        let inserted = problems { list in
            var forged = list[k]
            forged.event.subject = "forged"
            list.insert(forged, at: k + 1)
        }
        #expect(!inserted.isEmpty)
    }

    @Test("the last entries removed, or the chain rewritten from an entry on, are detected")
    func truncationAndRewrite() async throws {
        let h = try await Self.session(); defer { h.hub.remove() }
        let entries = try await Self.entries(h.hub.store)
        let k = entries.count / 2
        let seal = h.hub.store.auditSeal
        let head = try #require(try h.hub.store.recordedAuditHead())
        #expect(head.sequence == entries.last?.sequence)
        #expect(AuditChain.verify(entries, seal: seal, head: head) == [])

        // The newest entries deleted: the chain itself is still consistent, the recorded head is not.
        let truncated = AuditChain.verify(Array(entries.dropLast(2)), seal: seal, head: head)
        #expect(truncated.contains { $0.description.contains("deleted") }, "\(truncated)")

        /// The chain from entry k on rewritten with `key`, each hash recomputed.
        func rewritten(with key: AuditSeal) -> [AuditEntry] {
            var list = entries
            list[k].event.subject = "forged"
            for i in k..<list.count {
                if i > k { list[i].previousHash = list[i - 1].hash }
                list[i].hash = AuditChain.hash(previous: list[i].previousHash, sequence: list[i].sequence,
                                               recordedAt: list[i].recordedAt, event: list[i].event, seal: key)
            }
            return list
        }
        // Without the hub's key (kept outside the database), every rewritten entry fails its seal.
        let withoutKey = AuditChain.verify(rewritten(with: AuditSeal(key: Array(repeating: 1, count: 32))), seal: seal, head: head)
        #expect(withoutKey.contains { $0.sequence == entries[k].sequence && $0.description.contains("altered") }, "\(withoutKey)")
        // Even with the key, the recorded head still names the original newest entry.
        let withKey = AuditChain.verify(rewritten(with: seal), seal: seal, head: head)
        #expect(withKey.contains { $0.description.contains("rewritten") }, "\(withKey)")
        // A head edited by hand does not carry the key's seal.
        var forgedHead = head
        forgedHead.sequence -= 2
        #expect(AuditChain.verify(Array(entries.dropLast(2)), seal: seal, head: forgedHead)
            .contains { $0.description.contains("head was edited") })
    }

    // MARK: - The SQLite file itself

    static let sqlite3 = "/usr/bin/sqlite3"

    /// Runs SQL on the hub's file with the sqlite3 tool; returns its exit status and output.
    static func sqlite(_ path: String, _ sql: String) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: sqlite3)
        process.arguments = ["-cmd", ".timeout 10000", path, sql]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return (process.terminationStatus, output)
    }

    @Test("on the SQLite file, UPDATE and DELETE of audit entries are refused; dropping the guards and editing is detected",
          .enabled(if: TestHub.Backend.isSQLiteRun, "edits the SQLite file: runs in the SQLite pass only"),
          .enabled(if: FileManager.default.isExecutableFile(atPath: sqlite3),
                   "needs the sqlite3 command-line tool (apt-get install sqlite3); the in-memory tests above still run"))
    func tamperingWithTheFile() async throws {
        let h = try await Self.session(); defer { h.hub.remove() }
        let path = try #require(h.hub.sqlite).path
        let before = try await Self.entries(h.hub.store)
        try #require(before.count >= 5)
        let k = before[before.count / 2].sequence
        let last = before.last!.sequence

        for sql in ["UPDATE audit_entry SET subject = 'forged' WHERE sequence = \(k)",
                    "DELETE FROM audit_entry WHERE sequence = \(k)",
                    "DELETE FROM audit_entry WHERE sequence = \(last)",
                    "UPDATE audit_entry SET details = CAST('{}' AS BLOB)"] {
            let result = try Self.sqlite(path, sql)
            #expect(result.status != 0, "\(sql) was accepted")
            #expect(result.output.contains("append-only"), "\(sql): \(result.output)")
        }
        let unchanged = try await Self.entries(h.hub.store)
        #expect(unchanged == before)
        #expect(try await h.hub.store.verifyAuditTrail().isIntact)

        // An attacker with the file drops the guard and edits one entry: verification names it.
        let edit = try Self.sqlite(path, """
            DROP TRIGGER audit_entry_no_update;
            UPDATE audit_entry SET subject = 'forged' WHERE sequence = \(k);
            """)
        #expect(edit.status == 0, "\(edit.output)")
        let edited = try await Self.entries(try await h.hub.reopened().store)
        let editProblems = AuditChain.verify(edited, seal: h.hub.store.auditSeal)
        #expect(editProblems.contains { $0.sequence == k && $0.description.contains("altered") }, "\(editProblems)")

        // ... or deletes one in the middle.
        let k2 = before[1].sequence
        let delete = try Self.sqlite(path, """
            DROP TRIGGER audit_entry_no_delete;
            DELETE FROM audit_entry WHERE sequence = \(k2);
            """)
        #expect(delete.status == 0, "\(delete.output)")
        let deleteProblems = try await h.hub.reopened().store.verifyAuditTrail().problems
        #expect(deleteProblems.contains { $0.description.contains("missing") }, "\(deleteProblems)")

        // ... or deletes the newest entries, which leaves a consistent chain: the head recorded
        // outside the database reports it.
        let tail = try Self.sqlite(path, "DELETE FROM audit_entry WHERE sequence >= \(last - 1);")
        #expect(tail.status == 0, "\(tail.output)")
        let tailProblems = try await h.hub.reopened().store.verifyAuditTrail().problems
        #expect(tailProblems.contains { $0.description.contains("deleted") }, "\(tailProblems)")
    }

    // MARK: - Reads recorded before the recipients report

    @Test("the recipients report sees every read recorded before it is asked, even while a timed flush is writing")
    func flushWaitsForTheFlushInFlight() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("F")
        let a = try await hub.member("A", email: "a@a.example.jp", grants: [(feed, true, true)])
        let b = try await hub.member("B", email: "b@b.example.jp", grants: [(feed, true, false)])
        var missed: [Int] = []
        let attempts = 120
        for attempt in 0..<attempts {
            let submission = "submission-\(attempt)"
            let object = StoredObject(position: 1, feedID: feed.id, stixID: indicatorID(1), type: "indicator",
                                      specVersion: "2.1", version: "2025-06-01T00:00:00.000Z", dateAddedMicroseconds: 1,
                                      bytes: Data(indicator(1).utf8), submissionID: submission,
                                      providerOrganizationID: a.principal.organization.id)
            // The server's ledger flushes on a timer; the recipients handler calls flush() and then reads.
            let ledger = DeliveryLedger(store: hub.store, interval: .milliseconds(1))
            await ledger.recordRead(of: [object], by: b.principal, path: "taxii", subject: feed.id)
            // Sweep the moment of the explicit flush across the timed flush's write (0–3 ms).
            try await Task.sleep(for: .microseconds(attempt * 25))
            await ledger.flush()
            if try await hub.store.deliveries(submissionID: submission).isEmpty { missed.append(attempt) }
        }
        #expect(missed.isEmpty, """
            DeliveryLedger.flush() returned before the read was durable in \(missed.count) of \(attempts) attempts \
            (\(missed)): when the timed flush has already taken the pending events and is still writing, an \
            explicit flush finds nothing pending and returns at once, so GET …/recipients can miss reads.
            """)
    }
}
