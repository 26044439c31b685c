// Reader reads repeated many times over one store, as a serving hub repeats them: on PostgreSQL the
// read path's statements are named prepared statements, planned generically once a connection has
// run one five times (PostgresNamedStatements), so these check that a statement prepared for one
// reader, id or page answers every later reader, id and page by its own values: nobody sees another
// organisation's versions, and everybody sees their own, on both back ends.
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Repeated reader reads")
struct RepeatedReaderReadTests {
    @Test("single-object reads and pages answer each reader by its own keys, however often repeated", arguments: Backend.underTest)
    func repeatedReadsKeepEachReadersView(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let feed = try await hub.feed("Repeated")
        // Sixteen objects: even ones for org:a, odd ones for org:b, every fourth also for all members.
        var visible: [String: [String]] = ["org:a": [], "org:b": [], "org:c": []]
        var ids: [String] = []
        for n in 1...16 {
            var object = indicator(uuid(n), modified: "2025-03-01T00:00:00.000Z")
            object.audiences = n % 2 == 0 ? ["org:a"] : ["org:b"]
            if n % 4 == 0 { object.audiences.append(Audience.allMembers) }
            _ = try await store.append([object], to: feed.id, recording: submission(for: [object], feed: feed, org: "p\(n)"))
            ids.append(object.stixID)
            for reader in visible.keys where object.audiences.contains(reader) || object.audiences.contains(Audience.allMembers) {
                visible[reader]!.append(object.stixID)
            }
        }
        let stored = try await store.objects(ObjectQuery(feedID: feed.id, versions: .every), for: .hub(.submissionProcessing))
        let lastAdded = try #require(stored.objects.last).dateAddedMicroseconds
        // org:a's key since the start; org:b's and org:c's since after everything was stored (a backlog
        // to date: the path that also reads the backlog's bounds).
        let scopes: [String: ReadScope] = [
            "org:a": ReadScope(audiences: ["org:a": 0, Audience.allMembers: 0]),
            "org:b": ReadScope(audiences: ["org:b": lastAdded + 1, Audience.allMembers: 0]),
            "org:c": ReadScope(audiences: ["org:c": lastAdded + 1, Audience.allMembers: lastAdded + 1]),
        ]
        for round in 1...3 {
            for id in ids {
                for (reader, scope) in scopes.sorted(by: { $0.key < $1.key }) {
                    let page = try await store.objects(ObjectQuery(feedID: feed.id, ids: [id]), for: scope)
                    let expected = visible[reader]!.contains(id) ? [id] : []
                    #expect(page.objects.map(\.stixID) == expected, "round \(round), \(reader) reading \(id)")
                }
            }
            for (reader, scope) in scopes.sorted(by: { $0.key < $1.key }) {
                for limit in [1, 3, 100] {
                    var query = ObjectQuery(feedID: feed.id, types: ["indicator"], limit: limit)
                    var listing: [String] = []
                    for _ in 0..<20 {
                        let page = try await store.objects(query, for: scope)
                        listing += page.objects.map(\.stixID)
                        guard page.more, let last = page.objects.last else { break }
                        query.afterPosition = last.position
                        query.afterDateAdded = last.dateAddedMicroseconds
                        query.listingStart = page.listingStart
                    }
                    #expect(Set(listing) == Set(visible[reader]!), "round \(round), \(reader), limit \(limit)")
                    #expect(listing.count == visible[reader]!.count, "round \(round), \(reader), limit \(limit): served once")
                }
            }
        }
    }
}
