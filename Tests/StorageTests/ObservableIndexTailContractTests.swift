// The storage contract for the observable index's tail (Storage.ObservableIndexStore's
// `mergeObservableTail`): entries written on arrival are found at once, the same before and after a
// merge into the main index; a store opened again without a merge (as after a crash) has lost none;
// a revoked or deleted version leaves the tail as it leaves the index; appends from two store
// instances while merges run lose nothing and double nothing. Run against every back end (see
// StoreFixtures); PostgreSQL writes arrivals to the main index directly (its merge moves nothing), and
// answers the same.
import Foundation
import PostgresStorage
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: the observable index's tail")
struct ObservableIndexTailContractTests {
    static func indexed(_ object: IncomingObject, _ entries: [(String, String)], held: Bool = false) -> IncomingObject {
        ObservableIndexContractTests.indexed(object, entries, held: held)
    }

    /// Everything a reader of the index can see, for comparing before and after a merge.
    struct View: Equatable {
        var lookUps: [ObservableOccurrence]
        var limited: [ObservableOccurrence]
        var own: [[ObservableOccurrence]]
        var count: Int
    }

    static func view(_ store: any HubStore, values: [String], submissions: [String]) async throws -> View {
        var own: [[ObservableOccurrence]] = []
        for id in submissions { own.append(try await store.indexedObservables(submissionID: id)) }
        return View(lookUps: try await store.occurrences(ofValues: values, limitPerValue: 100),
                    limited: try await store.occurrences(ofValues: values, limitPerValue: 1),
                    own: own, count: try await store.indexedObservableCount())
    }

    @Test("look-ups give the same answers before and after a merge, with entries in both parts at once",
          arguments: Backend.underTest)
    func mergeKeepsAnswers(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let a = [Self.indexed(indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z"),
                              [("ipv4-addr", "45.77.10.1"), ("domain-name", "kq7-update.net")]),
                 Self.indexed(ipv4(uuid(2), value: "45.77.10.2"), [("ipv4-addr", "45.77.10.2")])]
        let first = submission(for: a, feed: feed, org: "org-a")
        _ = try await hub.store.append(a, to: feed.id, recording: first, extras: nil)
        // The same value under two kinds in one version, and a held-back version of another organisation.
        let b = [Self.indexed(indicator(uuid(3), modified: "2026-01-02T00:00:00.000Z"),
                              [("domain-name", "kq7-update.net"), ("url:host", "kq7-update.net")], held: true)]
        let second = submission(for: b, feed: feed, org: "org-b")
        _ = try await hub.store.append(b, to: feed.id, recording: second, extras: nil)
        let values = ["kq7-update.net", "45.77.10.1", "45.77.10.2", "nothing.example"]
        let before = try await Self.view(hub.store, values: values, submissions: [first.id, second.id])
        #expect(before.lookUps.filter { $0.value == "kq7-update.net" }.map(\.submissionID) == [first.id, second.id, second.id])
        #expect(before.lookUps.filter { $0.value == "kq7-update.net" }.map(\.heldBack) == [false, true, true])
        #expect(before.own[1].map(\.organizationID) == ["org-b", "org-b"])
        #expect(before.count == 5)

        #expect(try await hub.store.mergeObservableTail(chunk: 1) == (backend == .sqlite ? 5 : 0))
        #expect(try await hub.store.observableTailCount() == 0)
        #expect(try await Self.view(hub.store, values: values, submissions: [first.id, second.id]) == before)

        // A third submission lands in the tail beside merged entries of the same value.
        let c = [Self.indexed(ipv4(uuid(4), value: "45.77.10.1"), [("ipv4-addr", "45.77.10.1"), ("domain-name", "kq7-update.net")])]
        let third = submission(for: c, feed: feed, org: "org-c")
        _ = try await hub.store.append(c, to: feed.id, recording: third, extras: nil)
        let mixed = try await Self.view(hub.store, values: values, submissions: [first.id, second.id, third.id])
        #expect(mixed.lookUps.filter { $0.value == "kq7-update.net" }.map(\.organizationID) == ["org-a", "org-b", "org-b", "org-c"])
        #expect(mixed.limited.filter { $0.value == "45.77.10.1" }.map(\.organizationID) == ["org-a"])
        #expect(mixed.count == 7)
        try await hub.store.mergeObservableTail()
        #expect(try await Self.view(hub.store, values: values, submissions: [first.id, second.id, third.id]) == mixed)
    }

    @Test("a store opened again without a merge (as after a crash) has every acknowledged entry, and merges them later",
          arguments: Backend.underTest)
    func reopenedWithoutMerge(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        var acknowledged: [String] = []
        for n in 0..<6 {
            let object = Self.indexed(ipv4(uuid(10 + n), value: "198.51.100.\(n)"), [("ipv4-addr", "198.51.100.\(n)"),
                                                                                 ("domain-name", "shared.example")])
            let record = submission(for: [object], feed: feed, org: "org-\(n % 2)")
            _ = try await hub.store.append([object], to: feed.id, recording: record, extras: nil)
            acknowledged.append(record.id)
        }
        let values = (0..<6).map { "198.51.100.\($0)" } + ["shared.example"]
        let before = try await Self.view(hub.store, values: values, submissions: acknowledged)
        #expect(before.count == 12)
        let reopened = try await hub.reopened()
        #expect(try await Self.view(reopened.store, values: values, submissions: acknowledged) == before)
        try await reopened.store.mergeObservableTail(chunk: 4)
        #expect(try await reopened.store.observableTailCount() == 0)
        #expect(try await Self.view(reopened.store, values: values, submissions: acknowledged) == before)
        if let other = reopened.store as? PostgresHubStore { await other.close() }
    }

    @Test("a revoked or deleted version leaves the tail, and a merge does not bring it back", arguments: Backend.underTest)
    func revocationLeavesTail(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let v1 = Self.indexed(indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z"), [("ipv4-addr", "45.77.10.1")])
        let kept = Self.indexed(ipv4(uuid(2), value: "45.77.10.2"), [("ipv4-addr", "45.77.10.2")])
        let deleted = Self.indexed(ipv4(uuid(3), value: "45.77.10.3"), [("ipv4-addr", "45.77.10.3")])
        _ = try await hub.store.append([v1, kept, deleted], to: feed.id,
                                       recording: submission(for: [v1, kept, deleted], feed: feed, org: "org-a"), extras: nil)
        // One version merged, a later one of the same series still in the tail: revocation removes both.
        try await hub.store.mergeObservableTail()
        let v2 = Self.indexed(indicator(uuid(1), modified: "2026-01-02T00:00:00.000Z"), [("ipv4-addr", "45.77.10.9")])
        _ = try await hub.store.append([v2], to: feed.id, recording: submission(for: [v2], feed: feed, org: "org-a"), extras: nil)
        var revoking = indicator(uuid(1), modified: "2026-01-03T00:00:00.000Z")
        revoking.revokes = true
        _ = try await hub.store.append([revoking], to: feed.id, recording: submission(for: [revoking], feed: feed, org: "org-a"),
                                       extras: nil)
        let fresh = Self.indexed(ipv4(uuid(4), value: "45.77.10.4"), [("ipv4-addr", "45.77.10.4")])
        _ = try await hub.store.append([fresh], to: feed.id, recording: submission(for: [fresh], feed: feed, org: "org-b"), extras: nil)
        #expect(try await hub.store.deleteObject(id: fresh.stixID, feedID: feed.id, versions: .every, provider: nil) == 1)
        #expect(try await hub.store.deleteObject(id: deleted.stixID, feedID: feed.id, versions: .every, provider: nil) == 1)
        for value in ["45.77.10.1", "45.77.10.9", "45.77.10.4", "45.77.10.3"] {
            #expect(try await hub.store.occurrences(ofValues: [value], limitPerValue: 10).isEmpty)
        }
        #expect(try await hub.store.indexedObservableCount() == 1)
        #expect(try await hub.store.observableTailCount() == 0)
        try await hub.store.mergeObservableTail()
        #expect(try await hub.store.occurrences(ofValues: ["45.77.10.9", "45.77.10.4"], limitPerValue: 10).isEmpty)
        #expect(try await hub.store.occurrences(ofValues: ["45.77.10.2"], limitPerValue: 10).map(\.organizationID) == ["org-a"])
    }

    @Test("two store instances appending at once while merges run: every entry found exactly once", arguments: Backend.underTest)
    func concurrentWriters(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let feed = try await hub.feed("ATTACKS")
        let stores = [hub.store, other.store]
        try await withThrowingTaskGroup(of: Void.self) { group in
            for writer in 0..<2 {
                group.addTask {
                    for n in 0..<15 {
                        let id = writer * 100 + n
                        let object = Self.indexed(ipv4(uuid(id), value: "203.0.113.\(id % 250)"),
                                                  [("ipv4-addr", "v\(id).example"), ("domain-name", "everyone.example")])
                        _ = try await stores[writer].append([object], to: feed.id,
                                                            recording: submission(for: [object], feed: feed, org: "org-\(writer)"),
                                                            extras: nil)
                        if n % 5 == 4 { try await stores[1 - writer].mergeObservableTail(chunk: 3) }
                    }
                }
            }
            try await group.waitForAll()
        }
        let everyone = try await hub.store.occurrences(ofValues: ["everyone.example"], limitPerValue: 1_000)
        #expect(everyone.count == 30)
        #expect(Set(everyone.map(\.position)).count == 30)
        #expect(everyone.map(\.position) == everyone.map(\.position).sorted())
        for writer in 0..<2 {
            for n in 0..<15 {
                let found = try await other.store.occurrences(ofValues: ["v\(writer * 100 + n).example"], limitPerValue: 10)
                #expect(found.map(\.organizationID) == ["org-\(writer)"])
            }
        }
        #expect(try await hub.store.indexedObservableCount() == 60)
        try await other.store.mergeObservableTail()
        #expect(try await hub.store.observableTailCount() == 0)
        #expect(try await hub.store.occurrences(ofValues: ["everyone.example"], limitPerValue: 1_000) == everyone)
        if let other = other.store as? PostgresHubStore { await other.close() }
    }
}
