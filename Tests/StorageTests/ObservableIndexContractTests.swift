// The storage contract for the observable index (Storage.ObservableIndexStore): entries written with
// their versions, looked up by value, gone with deleted and revoked versions, kept by `kakehashi
// migrate`'s catalogue. Run against every back end (see StoreFixtures).
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: the observable index")
struct ObservableIndexContractTests {
    static func indexed(_ object: IncomingObject, _ entries: [(String, String)], held: Bool = false) -> IncomingObject {
        var object = object
        object.observables = entries.map { IndexedObservable(kind: $0.0, value: $0.1) }
        object.observablesHeldBack = held
        return object
    }

    @Test("entries are written with their versions and found by value across submissions and organisations",
          arguments: Backend.underTest)
    func lookUp(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let a = [Self.indexed(indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z"),
                              [("ipv4-addr", "45.77.10.1"), ("domain-name", "kq7-update.net")]),
                 Self.indexed(ipv4(uuid(2), value: "45.77.10.2"), [("ipv4-addr", "45.77.10.2")])]
        let first = submission(for: a, feed: feed, org: "org-a")
        _ = try await hub.store.append(a, to: feed.id, recording: first, extras: nil)
        let b = [Self.indexed(indicator(uuid(3), modified: "2026-01-02T00:00:00.000Z"),
                              [("domain-name", "kq7-update.net"), ("ipv4-addr", "45.77.10.9")], held: true)]
        let second = submission(for: b, feed: feed, org: "org-b")
        _ = try await hub.store.append(b, to: feed.id, recording: second, extras: nil)

        let own = try await hub.store.indexedObservables(submissionID: first.id)
        #expect(Set(own.map(\.value)) == ["45.77.10.1", "kq7-update.net", "45.77.10.2"])
        #expect(own.allSatisfy { $0.submissionID == first.id && $0.organizationID == "org-a" && $0.feedID == feed.id })
        let shared = try await hub.store.occurrences(ofValues: ["kq7-update.net"], limitPerValue: 100)
        #expect(shared.map(\.submissionID) == [first.id, second.id])
        #expect(shared.map(\.organizationID) == ["org-a", "org-b"])
        #expect(shared.map(\.heldBack) == [false, true])
        #expect(shared[0].stixID == "indicator--\(uuid(1))" && shared[1].stixID == "indicator--\(uuid(3))")
        // Exact text only: another case or a value nobody has finds nothing.
        #expect(try await hub.store.occurrences(ofValues: ["KQ7-UPDATE.NET", "nothing.example"], limitPerValue: 100).isEmpty)
        #expect(try await hub.store.occurrences(ofValues: ["kq7-update.net"], limitPerValue: 1).map(\.submissionID) == [first.id])
        #expect(try await hub.store.indexedObservableCount() == 5)
    }

    @Test("a deleted version and every version of a revoked object leave the index; a duplicate adds nothing",
          arguments: Backend.underTest)
    func revokeAndDelete(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let v1 = Self.indexed(indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z"), [("ipv4-addr", "45.77.10.1")])
        let v2 = Self.indexed(indicator(uuid(1), modified: "2026-01-02T00:00:00.000Z"), [("ipv4-addr", "45.77.10.3")])
        let other = Self.indexed(ipv4(uuid(2), value: "45.77.10.2"), [("ipv4-addr", "45.77.10.2")])
        _ = try await hub.store.append([v1, v2, other], to: feed.id, recording: submission(for: [v1, v2, other], feed: feed, org: "org-a"),
                                       extras: nil)
        // The same version again stores nothing and indexes nothing twice.
        _ = try await hub.store.append([v1], to: feed.id, recording: submission(for: [v1], feed: feed, org: "org-a"), extras: nil)
        #expect(try await hub.store.indexedObservableCount() == 3)

        // Another organisation's version of the same id is its own series: not revoked with it.
        let theirs = Self.indexed(indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z"), [("ipv4-addr", "45.77.10.1")])
        _ = try await hub.store.append([theirs], to: feed.id, recording: submission(for: [theirs], feed: feed, org: "org-b"), extras: nil)

        var revoking = indicator(uuid(1), modified: "2026-01-03T00:00:00.000Z")
        revoking.revokes = true
        let revocation = submission(for: [revoking], feed: feed, org: "org-a")
        _ = try await hub.store.append([revoking], to: feed.id, recording: revocation, extras: nil)
        #expect(try await hub.store.occurrences(ofValues: ["45.77.10.1"], limitPerValue: 10).map(\.organizationID) == ["org-b"])
        #expect(try await hub.store.occurrences(ofValues: ["45.77.10.3"], limitPerValue: 10).isEmpty)
        #expect(try await hub.store.indexedObservables(submissionID: revocation.id).isEmpty)

        #expect(try await hub.store.deleteObject(id: other.stixID, feedID: feed.id, versions: .every, provider: nil) == 1)
        #expect(try await hub.store.occurrences(ofValues: ["45.77.10.2"], limitPerValue: 10).isEmpty)
        #expect(try await hub.store.indexedObservableCount() == 1)
        // And it stays so for a store opened again.
        let reopened = try await hub.reopened()
        #expect(try await reopened.store.indexedObservableCount() == 1)
    }

    @Test("an abandoned submission leaves no entries", arguments: Backend.underTest)
    func abandoned(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let object = Self.indexed(ipv4(uuid(2), value: "45.77.10.2"), [("ipv4-addr", "45.77.10.2")])
        let stream = IncomingStream(for: submission(for: [object], feed: feed))
        stream.send([object])
        stream.abandon()
        await #expect(throws: CancellationError.self) {
            _ = try await hub.store.append(stream, to: feed.id, countingReports: false)
        }
        #expect(try await hub.store.indexedObservableCount() == 0)
    }

    /// The backfill's view of a stored version in these tests: the entries listed for its id (the
    /// domain's ObservableIndexBackfill reads the STIX; CorrelationTests run it end to end).
    static func backfillEntries(_ byID: [String: [(String, String)]], revoking: Set<String> = [])
        -> @Sendable (BackfillVersion) -> BackfillEntries? {
        let byID = byID.mapValues { $0.map { IndexedObservable(kind: $0.0, value: $0.1) } }
        return { version in
            let object = try? JSONSerialization.jsonObject(with: Data(version.bytes)) as? [String: Any]
            guard let id = object?["id"] as? String else { return nil }
            if revoking.contains(id), object?["revoked"] as? Bool == true {
                return BackfillEntries(observables: [], heldBack: false, revokes: true)
            }
            return BackfillEntries(observables: byID[id] ?? [], heldBack: version.tlp == .red, revokes: false)
        }
    }

    @Test("backfill: versions stored without entries get them, chunk by chunk and resumable; a revoked series stays out; running twice changes nothing",
          arguments: Backend.underTest)
    func backfill(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        // A hub with no versions has nothing pending (the migration recorded no work).
        #expect(try await hub.store.observableBackfillProgress() == nil)
        #expect(try await hub.store.backfillObservables(limit: 10, entries: { _ in nil }) == nil)
        let feed = try await hub.feed("ATTACKS")
        // Stored as before the index: no entries.
        var red = ipv4(uuid(3), value: "45.77.10.3")
        red.tlp = .red
        let old = [indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z"), ipv4(uuid(2), value: "45.77.10.2"), red,
                   indicator(uuid(4), modified: "2026-01-01T00:00:00.000Z")]
        let first = submission(for: old, feed: feed, org: "org-a")
        _ = try await hub.store.append(old, to: feed.id, recording: first, extras: nil)
        var revoking = indicator(uuid(4), modified: "2026-01-02T00:00:00.000Z")
        revoking.bytes = Array(String(decoding: revoking.bytes, as: UTF8.self).replacingOccurrences(
            of: "\"x_kakehashi_note\"", with: "\"revoked\":true,\"x_kakehashi_note\"").utf8)
        _ = try await hub.store.append([revoking], to: feed.id, recording: submission(for: [revoking], feed: feed, org: "org-a"),
                                       extras: nil)
        // One indexed on arrival already (its entry must not be doubled).
        let fresh = Self.indexed(ipv4(uuid(5), value: "45.77.10.5"), [("ipv4-addr", "45.77.10.5")])
        _ = try await hub.store.append([fresh], to: feed.id, recording: submission(for: [fresh], feed: feed, org: "org-b"),
                                       extras: nil)
        #expect(try await hub.store.indexedObservableCount() == 1)

        let scheduled = try await hub.store.scheduleObservableBackfill()
        #expect(scheduled.after == 0 && scheduled.pending)
        let entries = Self.backfillEntries([
            "indicator--\(uuid(1))": [("ipv4-addr", "198.51.100.7")], "ipv4-addr--\(uuid(2))": [("ipv4-addr", "45.77.10.2")],
            "ipv4-addr--\(uuid(3))": [("ipv4-addr", "45.77.10.3")], "indicator--\(uuid(4))": [("domain-name", "revoked.example")],
            "ipv4-addr--\(uuid(5))": [("ipv4-addr", "45.77.10.5")],
        ], revoking: ["indicator--\(uuid(4))"])
        // Two versions per chunk: the cursor moves and is kept by a store opened again (resumable).
        let chunk = try #require(try await hub.store.backfillObservables(limit: 2, entries: entries))
        #expect(chunk.pending && chunk.through == scheduled.through)
        #expect(try await hub.store.indexedObservableCount() == 3)
        let reopened = try await hub.reopened()
        #expect(try await reopened.store.observableBackfillProgress() == chunk)
        var chunks = 1
        while let progress = try await reopened.store.backfillObservables(limit: 2, entries: entries) {
            chunks += 1
            if !progress.pending { break }
        }
        #expect(chunks == 3)
        #expect(try await reopened.store.observableBackfillProgress() == nil)
        let own = try await reopened.store.indexedObservables(submissionID: first.id)
        #expect(Set(own.map(\.value)) == ["198.51.100.7", "45.77.10.2", "45.77.10.3"])
        #expect(own.first { $0.value == "45.77.10.3" }?.heldBack == true && own.first { $0.value == "45.77.10.2" }?.heldBack == false)
        #expect(own.allSatisfy { $0.organizationID == "org-a" && $0.feedID == feed.id })
        // The revoked series got no entries back; the version indexed on arrival has one entry.
        #expect(try await reopened.store.occurrences(ofValues: ["revoked.example"], limitPerValue: 10).isEmpty)
        #expect(try await reopened.store.occurrences(ofValues: ["45.77.10.5"], limitPerValue: 10).count == 1)
        #expect(try await reopened.store.indexedObservableCount() == 4)

        // Again over everything: the same entries, nothing added or lost.
        let before = try await reopened.store.occurrences(ofValues: ["198.51.100.7", "45.77.10.2", "45.77.10.3", "45.77.10.5"],
                                                          limitPerValue: 10)
        try await reopened.store.scheduleObservableBackfill()
        while let progress = try await reopened.store.backfillObservables(limit: 1_000, entries: entries), progress.pending {}
        #expect(try await reopened.store.indexedObservableCount() == 4)
        #expect(try await reopened.store.occurrences(ofValues: ["198.51.100.7", "45.77.10.2", "45.77.10.3", "45.77.10.5"],
                                                     limitPerValue: 10) == before)
        #expect(try await reopened.store.observableBackfillProgress() == nil)
    }
}
