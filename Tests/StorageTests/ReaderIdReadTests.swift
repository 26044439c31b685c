// A reader's read by id (TAXII GET object, match[id]) against its read of the whole feed: on
// PostgreSQL the read by id takes its own path (PostgresHubStore.idsPage: the visible versions read
// by one function, first/last and served once decided in Swift), so these check that it answers
// exactly what the whole feed's listing answers for that id — every version selection, copies of one
// version from several providers, versions other readers may not see — for the organisation that may
// see some versions, one whose rights began later, and an outsider, on both back ends.
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Reader reads by id")
struct ReaderIdReadTests {
    @Test("a read by id answers what the whole feed's listing answers for that id", arguments: Backend.underTest)
    func readByIdIsTheListingNarrowed(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let feed = try await hub.feed("ById")
        let modified = ["2025-03-01T00:00:00.000Z", "2025-03-02T00:00:00.000Z", "2025-03-03T00:00:00.000Z"]
        func add(_ object: IncomingObject, audiences: [String], provider: String) async throws {
            var object = object
            object.audiences = audiences
            _ = try await store.append([object], to: feed.id, recording: submission(for: [object], feed: feed, org: provider))
        }
        // Four indicators of three versions each, each version for org:a, for org:b, or for org:a
        // and every member; copies of one version from a second provider for other audiences; an
        // SCO (no version) stored twice.
        for n in 1...4 {
            for (m, version) in modified.enumerated() {
                let audiences = [["org:a"], ["org:b"], ["org:a", Audience.allMembers]][(n + m) % 3]
                try await add(indicator(uuid(n), modified: version), audiences: audiences, provider: "p\(n)")
            }
        }
        try await add(indicator(uuid(1), modified: modified[1]), audiences: ["org:a"], provider: "q")
        try await add(indicator(uuid(2), modified: modified[2]), audiences: ["org:b", "org:a"], provider: "q")
        try await add(indicator(uuid(3), modified: modified[0]), audiences: [Audience.allMembers], provider: "q")
        try await add(ipv4(uuid(50), value: "198.51.100.9"), audiences: ["org:a"], provider: "p1")
        try await add(ipv4(uuid(50), value: "198.51.100.9"), audiences: ["org:b", "org:a"], provider: "q")
        let everything = try await store.objects(ObjectQuery(feedID: feed.id, versions: .every), for: .hub(.submissionProcessing))
        let lastAdded = try #require(everything.objects.last).dateAddedMicroseconds

        let scopes: [(String, ReadScope)] = [
            ("org:a since the start", ReadScope(audiences: ["org:a": 0, Audience.allMembers: 0])),
            ("org:a since an early instant", ReadScope(audiences: ["org:a": 1, Audience.allMembers: 1])),
            ("org:b with a backlog", ReadScope(audiences: ["org:b": lastAdded + 1, Audience.allMembers: 0])),
            ("an outsider", ReadScope(audiences: ["org:z": 0])),
        ]
        let second = STIXTimestamp(modified[1])!.microsecondsSinceEpoch
        let selections: [(String, VersionSelection, [String], [String])] = [
            ("latest", .latest, [], []),
            ("every", .every, [], []),
            ("first", VersionSelection(first: true), [], []),
            ("first and last", VersionSelection(first: true, last: true), [], []),
            ("the second instant", VersionSelection(instants: [second]), [], []),
            ("last or the second instant", VersionSelection(last: true, instants: [second]), [], []),
            ("indicators, every version", .every, ["indicator"], []),
            ("SCOs, every version", .every, ["ipv4-addr"], []),
            ("spec 2.0", .every, [], ["2.0"]),
        ]
        let idSets = (1...4).map { ["indicator--\(uuid($0))"] } + [["ipv4-addr--\(uuid(50))"], ["indicator--\(uuid(1))", "indicator--\(uuid(3))"]]
        var seen = 0
        for (reader, scope) in scopes {
            for (name, versions, types, specVersions) in selections {
                let listing = try await store.objects(ObjectQuery(feedID: feed.id, types: types, versions: versions,
                                                                  specVersions: specVersions, limit: 1000), for: scope)
                for ids in idSets {
                    let expected = listing.objects.filter { ids.contains($0.stixID) }
                    let query = ObjectQuery(feedID: feed.id, ids: ids, types: types, versions: versions,
                                            specVersions: specVersions, limit: 1000)
                    let page = try await store.objects(query, for: scope)
                    #expect(page.objects == expected, "\(reader), \(name), \(ids)")
                    #expect(!page.more)
                    seen += page.objects.count
                    // Page by page (limit 1, following the cursor): the same versions, once each.
                    var paged = query
                    paged.limit = 1
                    var read: [StoredObject] = []
                    for _ in 0..<20 {
                        let page = try await store.objects(paged, for: scope)
                        read += page.objects
                        guard page.more, let last = page.objects.last else { break }
                        paged.afterPosition = last.position
                        paged.afterDateAdded = last.dateAddedMicroseconds
                        paged.listingStart = page.listingStart
                    }
                    #expect(read.map(\.position) == expected.map(\.position), "\(reader), \(name), \(ids), limit 1")
                }
                if reader == "an outsider" { #expect(listing.objects.isEmpty, "\(name)") }
            }
        }
        #expect(seen > 50)  // the readers do see versions: the comparisons are not of empty pages
    }
}
