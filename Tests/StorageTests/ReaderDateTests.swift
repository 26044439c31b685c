// Per-reader dates (issue 12 item 16): a version a reader may see through a key (or a feed grant) it
// gained later is dated, for that reader, from then; listings, added_after and paging follow those
// dates. Checked against an independent statement of the rule over every page size.
import Foundation
@testable import SQLiteStorage
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Dates per reader")
struct ReaderDateTests {
    struct Row { var position: Int64; var id: String; var version: String; var added: Int64; var audiences: [String] }

    @Test("listings by the reader's dates, paged at every size and from added_after, match the rule", arguments: Backend.underTest)
    func pagesFollowTheReadersDates(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let feed = try await store.createFeed(Feed(name: "Default", title: "Default"))
        let own = "org:r", group = "group:g", clients = "clients:p", other = "org:x"
        // Twelve submissions, one object each (some the same version from another provider: copies),
        // each visible through its own mix of keys.
        let plan: [(Int, String, [String])] = [
            (1, "p1", [own]), (2, "p1", [group]), (3, "p1", [clients]), (4, "p1", [other]),
            (2, "p2", [own]), (5, "p1", [group, clients]), (6, "p1", [own, group]), (3, "p2", [group]),
            (7, "p1", [clients]), (8, "p1", [group]), (9, "p1", [own]), (10, "p1", [other, group]),
            // A third copy of version 3, stored after every key became the reader's: a listing that
            // serves an older copy (dated by a join) does not serve this one again.
            (3, "p3", [own]),
        ]
        var rows: [Row] = []
        for (n, provider, audiences) in plan {
            var object = indicator(uuid(n), modified: "2025-02-01T00:00:00.000Z")
            object.audiences = audiences
            let results = try await store.append([object], to: feed.id, recording: submission(for: [object], feed: feed, org: provider))
            guard case .stored(let position) = results[0] else { Issue.record("not stored"); return }
            let stored = try await store.objects(ObjectQuery(feedID: feed.id, ids: [object.stixID], versions: .every),
                                                 for: .hub(.submissionProcessing))
            let added = try #require(stored.objects.first { $0.position == position }).dateAddedMicroseconds
            rows.append(Row(position: position, id: object.stixID, version: object.version ?? "", added: added,
                            audiences: audiences))
        }
        // The reader gained the group after the 4th version, became a client after the 8th, and was
        // granted the feed after the 2nd.
        let since = [own: 0, group: rows[3].added + 1, clients: rows[7].added + 1, Audience.allMembers: 0]
        let feedSince = rows[1].added + 1
        let scope = ReadScope(audiences: since, feedSince: feedSince)

        func expected(after addedAfter: Int64?) -> [String] {
            var dated: [(Int64, Int64, String, String)] = []
            for row in rows {
                let keys = row.audiences.filter { since[$0] != nil }
                guard let earliest = keys.map({ since[$0]! }).min() else { continue }
                dated.append((max(feedSince, row.added, earliest), row.position, row.id, row.version))
            }
            if let addedAfter { dated = dated.filter { $0.0 > addedAfter } }
            dated.sort { ($0.0, $0.1) < ($1.0, $1.1) }
            var seen = Set<String>(), listing: [String] = []
            for (date, position, id, version) in dated where seen.insert(id + version).inserted {
                listing.append("\(id)#\(position)@\(date)")
            }
            return listing
        }

        for addedAfter in [nil, rows[0].added, rows[5].added, rows[7].added, rows[7].added + 1, rows[11].added] as [Int64?] {
            for limit in [1, 2, 3, 5, 100] {
                var query = ObjectQuery(feedID: feed.id, addedAfterMicroseconds: addedAfter, limit: limit)
                var listing: [String] = []
                var pages = 0
                while pages < 50 {
                    pages += 1
                    let page = try await store.objects(query, for: scope)
                    listing += page.objects.map { "\($0.stixID)#\($0.position)@\($0.dateAddedMicroseconds)" }
                    #expect(page.objects.count <= limit)
                    guard page.more, let last = page.objects.last else { break }
                    query.afterPosition = last.position
                    query.afterDateAdded = last.dateAddedMicroseconds
                    query.listingStart = page.listingStart
                }
                #expect(listing == expected(after: addedAfter), "added_after \(String(describing: addedAfter)), limit \(limit)")
            }
        }
    }
}
