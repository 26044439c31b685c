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
}
