// The shared HubStore suite: accounts, feeds, object versions, paging and durability, run against
// every back end on real databases.
import Foundation
import HubTesting
@_spi(ReadGate) import Storage
import Testing

@Suite("HubStore")
struct HubStoreTests {
    @Test("organisations, users and tokens round-trip; names are unique", arguments: Backend.underTest)
    func accounts(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let org = try await hub.store.createOrganization(Organization(name: "電力A社", sector: "電力", size: "large"))
        #expect(try await hub.store.organization(named: "電力A社") == org)
        #expect(try await hub.store.organization(id: org.id)?.sector == "電力")
        await #expect(throws: StoreError.duplicate("organization 電力A社")) {
            _ = try await hub.store.createOrganization(Organization(name: "電力A社"))
        }
        let user = try await hub.store.createUser(User(organizationID: org.id, email: "SOC@Denryoku-A.example.jp",
                                                       role: .member, passwordHash: "x"))
        #expect(try await hub.store.user(email: "soc@denryoku-a.example.jp")?.id == user.id)
        await #expect(throws: StoreError.self) {
            _ = try await hub.store.createUser(User(organizationID: "no-such-org", email: "x@y.example", role: .member,
                                                    passwordHash: nil))
        }
        try await hub.store.createToken(APIToken(userID: user.id, secretHash: "abc", label: "t"))
        #expect(try await hub.store.user(tokenSecretHash: "abc")?.email == "soc@denryoku-a.example.jp")
        #expect(try await hub.store.user(tokenSecretHash: "abd") == nil)
    }

    @Test("feeds and grants", arguments: Backend.underTest)
    func feedsAndGrants(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        await #expect(throws: StoreError.self) { _ = try await hub.feed("C2") }
        let org = try await hub.store.createOrganization(Organization(name: "A"))
        try await hub.store.setGrant(FeedGrant(feedID: feed.id, organizationID: org.id, canRead: true, canWrite: false))
        try await hub.store.setGrant(FeedGrant(feedID: feed.id, organizationID: org.id, canRead: true, canWrite: true))
        #expect(try await hub.store.grants(organizationID: org.id)
                == [FeedGrant(feedID: feed.id, organizationID: org.id, canRead: true, canWrite: true)])
        #expect(try await hub.store.feed(named: "C2")?.id == feed.id)
    }

    @Test("stored bytes come back exactly; positions and date_added strictly increase", arguments: Backend.underTest)
    func appendAndRead(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let objects = (1...50).map { indicator(uuid($0), modified: "2025-02-01T00:00:00.000Z") } + [ipv4(uuid(99), value: "203.0.113.9")]
        let results = try await hub.store.append(objects, to: feed.id, recording: submission(for: objects, feed: feed))
        #expect(results.allSatisfy { if case .stored = $0 { true } else { false } })
        let page = try await hub.store.objects(ObjectQuery(feedID: feed.id, limit: 1000), for: .hub(.submissionProcessing))
        #expect(page.objects.count == 51 && !page.more)
        for (stored, original) in zip(page.objects, objects) {
            #expect(Array(stored.bytes) == original.bytes)
        }
        for (a, b) in zip(page.objects, page.objects.dropFirst()) {
            #expect(a.position < b.position)
            #expect(a.dateAddedMicroseconds < b.dateAddedMicroseconds)
        }
        // An SCO without modified/created takes date_added as its version.
        let sco = try #require(page.objects.last)
        #expect(sco.version.hasSuffix("Z") && sco.version.count == 27)
    }

    @Test("the same version posted twice is stored once", arguments: Backend.underTest)
    func duplicates(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let a = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        let sameInstant = indicator(uuid(1), modified: "2025-02-01T00:00:00Z")
        let first = try await hub.store.append([a], to: feed.id, recording: submission(for: [a], feed: feed))
        let again = try await hub.store.append([a, sameInstant], to: feed.id,
                                               recording: submission(for: [a, sameInstant], feed: feed))
        #expect(first.count == 1)
        #expect(again == [.alreadyPresent, .alreadyPresent])
        #expect(try await hub.store.objectCount(feedID: feed.id) == 1)
        let sco = ipv4(uuid(5), value: "192.0.2.1")
        _ = try await hub.store.append([sco, sco], to: feed.id, recording: submission(for: [sco, sco], feed: feed))
        #expect(try await hub.store.objectCount(feedID: feed.id) == 2)
    }

    @Test("first, last, all and exact versions, whatever the arrival order", arguments: Backend.underTest)
    func versionSelection(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let v2 = indicator(uuid(1), modified: "2025-03-01T00:00:00.000Z")
        let v1 = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        let v3 = indicator(uuid(1), modified: "2025-04-01T00:00:00.000Z")
        for v in [v2, v1, v3] {
            _ = try await hub.store.append([v], to: feed.id, recording: submission(for: [v], feed: feed))
        }
        func versions(_ selection: VersionSelection) async throws -> [String] {
            try await hub.store.objects(ObjectQuery(feedID: feed.id, versions: selection), for: .hub(.submissionProcessing)).objects.map(\.version)
        }
        #expect(try await versions(.latest) == ["2025-04-01T00:00:00.000Z"])
        #expect(try await versions(VersionSelection(first: true)) == ["2025-02-01T00:00:00.000Z"])
        #expect(try await versions(.every) == ["2025-03-01T00:00:00.000Z", "2025-02-01T00:00:00.000Z", "2025-04-01T00:00:00.000Z"])
        #expect(try await versions(VersionSelection(first: true, last: true)).count == 2)
        let exact = VersionSelection(instants: [v2.versionMicroseconds!])
        #expect(try await versions(exact) == ["2025-03-01T00:00:00.000Z"])

        // Deleting the latest makes the one before it the latest.
        let removed = try await hub.store.deleteObject(id: v3.stixID, feedID: feed.id, versions: .latest, provider: nil)
        #expect(removed == 1)
        #expect(try await versions(.latest) == ["2025-03-01T00:00:00.000Z"])
        #expect(try await hub.store.deleteObject(id: v3.stixID, feedID: feed.id, versions: .every, provider: nil) == 2)
        #expect(try await versions(.every).isEmpty)
    }

    @Test("filters: ids, types, spec_version, added_after", arguments: Backend.underTest)
    func filters(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let other = try await hub.feed("Other")
        let first = [indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z"), ipv4(uuid(2), value: "192.0.2.2")]
        _ = try await hub.store.append(first, to: feed.id, recording: submission(for: first, feed: feed))
        let marker = try await hub.store.objects(ObjectQuery(feedID: feed.id), for: .hub(.submissionProcessing)).objects.last!.dateAddedMicroseconds
        let second = [indicator(uuid(3), modified: "2025-02-01T00:00:00.000Z")]
        _ = try await hub.store.append(second, to: feed.id, recording: submission(for: second, feed: feed))
        _ = try await hub.store.append(second, to: other.id, recording: submission(for: second, feed: other))

        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id, types: ["ipv4-addr"]), for: .hub(.submissionProcessing)).objects.map(\.stixID)
                == ["ipv4-addr--\(uuid(2))"])
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id, ids: ["indicator--\(uuid(3))"]), for: .hub(.submissionProcessing)).objects.count == 1)
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id, specVersions: ["2.0"]), for: .hub(.submissionProcessing)).objects.isEmpty)
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id, addedAfterMicroseconds: marker), for: .hub(.submissionProcessing)).objects.map(\.stixID)
                == ["indicator--\(uuid(3))"])
        #expect(try await hub.store.objects(ObjectQuery(feedID: other.id), for: .hub(.submissionProcessing)).objects.count == 1)
    }

    @Test("added_after returns exactly the versions added later, from every boundary, across deleted versions",
          arguments: Backend.underTest)
    func addedAfterEveryBoundary(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let other = try await hub.feed("Other")
        // Several submissions into two feeds, then holes: deleted versions leave gaps in positions.
        for batch in 0..<6 {
            let objects = (0..<7).map { indicator(uuid(batch * 10 + $0), modified: "2025-02-01T00:00:00.000Z") }
            _ = try await hub.store.append(objects, to: batch % 2 == 0 ? feed.id : other.id,
                                           recording: submission(for: objects, feed: batch % 2 == 0 ? feed : other))
        }
        for deleted in [0, 3, 6, 21, 40, 46] {
            _ = try await hub.store.deleteObject(id: "indicator--\(uuid(deleted))", feedID: feed.id, versions: .every,
                                                 provider: nil)
        }
        let all = try await hub.store.objects(ObjectQuery(feedID: feed.id, limit: 1000), for: .hub(.submissionProcessing)).objects
        #expect(all.count == 21 - 6)
        let instants = all.map(\.dateAddedMicroseconds)
        // Every stored instant, one microsecond either side, and before the first and after the last.
        let boundaries: [Int64] = [0, instants[0] - 1] + instants.flatMap { [$0 - 1, $0, $0 + 1] } + [instants.last! + 1]
        for instant in boundaries {
            let expected = all.filter { $0.dateAddedMicroseconds > instant }.map(\.stixID)
            let got = try await hub.store.objects(ObjectQuery(feedID: feed.id, addedAfterMicroseconds: instant, limit: 1000), for: .hub(.submissionProcessing))
            #expect(got.objects.map(\.stixID) == expected, "added_after \(instant)")
        }
    }

    @Test("paging by cursor never loses or repeats a version while others write", arguments: Backend.underTest)
    func pagingUnderWrites(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let initial = (0..<500).map { indicator(uuid($0), modified: "2025-02-01T00:00:00.000Z") }
        _ = try await hub.store.append(initial, to: feed.id, recording: submission(for: initial, feed: feed))

        let store = hub.store
        let writer = Task {
            for batch in 0..<20 {
                let objects = (0..<25).map { indicator(uuid(1000 + batch * 25 + $0), modified: "2025-02-01T00:00:00.000Z") }
                _ = try await store.append(objects, to: feed.id, recording: submission(for: objects, feed: feed))
            }
        }
        var seen: [String] = []
        var query = ObjectQuery(feedID: feed.id, limit: 37)
        while true {
            let page = try await hub.store.objects(query, for: .hub(.submissionProcessing))
            seen += page.objects.map(\.stixID)
            if !page.more {
                try await writer.value   // once the writer is done, read to the end once more
                let rest = try await hub.store.objects(ObjectQuery(feedID: feed.id,
                                                                   afterPosition: page.objects.last?.position ?? query.afterPosition,
                                                                   limit: 100_000), for: .hub(.submissionProcessing))
                seen += rest.objects.map(\.stixID)
                break
            }
            query.afterPosition = page.objects.last!.position
        }
        #expect(seen.count == 1000)
        #expect(Set(seen).count == 1000)
    }

    @Test("what was acknowledged survives reopening the file", arguments: Backend.underTest)
    func durability(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let objects = [indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")]
        let record = submission(for: objects, feed: feed)
        _ = try await hub.store.append(objects, to: feed.id, recording: record)
        let reopened = try await hub.reopened()
        #expect(try await reopened.store.objectCount(feedID: feed.id) == 1)
        let status = try #require(try await reopened.store.submission(id: record.id))
        #expect(status.successes.map(\.id) == [objects[0].stixID])
        #expect(try await reopened.store.submission(id: "nope") == nil)
    }
}
