// The storage contract for object search (Storage.ObjectSearchStore): Japanese (whole words, partial
// words, katakana, full- and half-width forms), English and mixed queries find the same versions in
// the same order on every back end; only the latest version of a series, never a revoked or deleted
// one; only what the scope's audience keys reach, with pages and `more` counted after that filter;
// hostile query text is plain text; versions stored before the migration are found after it.
import Foundation
import GRDB
import PostgresNIO
@testable import PostgresStorage
import SQLiteStorage
import STIX
@_spi(ReadGate) import Storage
import Testing

/// A STIX object with human text, as a member would submit it.
func described(_ n: Int, type: String = "malware", name: String, description: String? = nil, aliases: [String] = [],
               modified: String = "2026-12-01T00:00:00.000Z", revoked: Bool = false, audiences: [String] = []) -> IncomingObject {
    let id = "\(type)--\(uuid(n))"
    var members: [String: Any] = ["type": type, "spec_version": "2.1", "id": id, "created": "2026-01-01T00:00:00.000Z",
                                  "modified": modified, "name": name]
    if let description { members["description"] = description }
    if !aliases.isEmpty { members["aliases"] = aliases }
    if revoked { members["revoked"] = true }
    let bytes = try! JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])
    var object = IncomingObject(stixID: id, type: type, specVersion: "2.1", version: modified,
                                versionMicroseconds: STIXTimestamp(modified)!.microsecondsSinceEpoch, bytes: Array(bytes),
                                audiences: audiences)
    object.revokes = revoked
    return object
}

@Suite("Storage contract: object search")
struct ObjectSearchContractTests {
    static let orgA = ReadScope(audiences: [Audience.organization("org-a"): 0])

    /// The ids found by `text` for org A, in order, with their tiers.
    static func found(_ hub: ContractHub, _ text: String, scope: ReadScope = orgA, feedIDs: [String]? = nil,
                      types: [String] = []) async throws -> [String] {
        let page = try await hub.store.searchObjects(ObjectSearchQuery(text, feedIDs: feedIDs, types: types, limit: 100),
                                                     for: scope)
        return page.hits.map { "\($0.object.stixID.split(separator: "-").last!.suffix(2))\($0.tier == .title ? "T" : "")" }
    }

    static func corpus(_ hub: ContractHub) async throws -> Feed {
        let feed = try await hub.feed("ATTACKS")
        let objects = [
            described(1, name: "Emotet", description: "東京電力を狙う標的型攻撃メールで配布された。"),
            described(2, type: "report", name: "標的型攻撃メールの傾向 2026", description: "Phishing campaign against the 電力 sector"),
            described(3, type: "indicator", name: "C2サーバ", description: "ＡＰＴ２９ のインフラ。ｶﾀｶﾅ表記"),
            described(4, type: "campaign", name: "Operation Kakehashi", description: "English only text about ransomware.",
                      aliases: ["架け橋作戦"]),
            ipv4(uuid(5), value: "198.51.100.7"),
        ]
        _ = try await hub.store.append(objects, to: feed.id, recording: submission(for: objects, feed: feed, org: "org-a"),
                                       extras: nil)
        return feed
    }

    @Test("Japanese, English and mixed queries: whole and partial words, katakana, full- and half-width",
          arguments: Backend.underTest)
    func queries(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        _ = try await Self.corpus(hub)
        #expect(try await hub.store.searchDocumentCount() == 4, "the SCO without text has no document")
        // Newest first within a tier; title matches before text matches.
        #expect(try await Self.found(hub, "東京電力") == ["01"])
        #expect(try await Self.found(hub, "標的型攻撃メール") == ["02T", "01"])
        #expect(try await Self.found(hub, "攻撃") == ["02T", "01"])
        #expect(try await Self.found(hub, "電力") == ["02", "01"])
        #expect(try await Self.found(hub, "電") == ["02", "01"])
        #expect(try await Self.found(hub, "型攻") == ["02T", "01"])
        // A phrase: its characters in order, not apart.
        #expect(try await Self.found(hub, "電力東京").isEmpty)
        #expect(try await Self.found(hub, "サーバ") == ["03T"])
        #expect(try await Self.found(hub, "ｻｰﾊﾞ") == ["03T"])
        #expect(try await Self.found(hub, "カタカナ") == ["03"])
        #expect(try await Self.found(hub, "ＡＰＴ２９") == ["03"])
        #expect(try await Self.found(hub, "apt29") == ["03"])
        #expect(try await Self.found(hub, "EMOTET") == ["01T"])
        #expect(try await Self.found(hub, "emot") == ["01T"])
        #expect(try await Self.found(hub, "ｅｍｏｔｅｔ") == ["01T"])
        #expect(try await Self.found(hub, "架け橋") == ["04T"])
        #expect(try await Self.found(hub, "kakehashi ransomware") == ["04"])
        #expect(try await Self.found(hub, "Kakehashi 架け橋作戦") == ["04T"])
        #expect(try await Self.found(hub, "Emotet 東京電力") == ["01"])
        #expect(try await Self.found(hub, "phishing 電力") == ["02"])
        #expect(try await Self.found(hub, "存在しない語").isEmpty)
        #expect(try await Self.found(hub, "nomatch").isEmpty)
        #expect(try await Self.found(hub, "東京 ransomware").isEmpty, "every term must match")
        #expect(try await Self.found(hub, "198.51.100.7").isEmpty, "values are not names: the observable index finds them")
        #expect(try await Self.found(hub, "Emotet", types: ["report"]).isEmpty)
        #expect(try await Self.found(hub, "攻撃", types: ["report"]) == ["02T"])
        #expect(try await Self.found(hub, "攻撃", feedIDs: ["no-such-feed"]).isEmpty)
        #expect(try await Self.found(hub, "攻撃", feedIDs: []).isEmpty)
    }

    @Test("quotes, FTS operators and SQL in the query are plain text: plain results, nothing changed",
          arguments: Backend.underTest)
    func hostileQueries(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await Self.corpus(hub)
        let hostile = ["\"", "'", "\\", "'); DROP TABLE object_version; --", "\"); DROP TABLE object_search; --",
                       "NEAR(emotet kakehashi)", "emotet OR ransomware", "emotet NOT ransomware", "*", "emotet*", "^emotet",
                       "-emotet", "{title}: emotet", "title:emotet", "(((", ")))", "\"東京電力", "東京電力\"", "& | ! <->",
                       "'emotet':*A", "%_", "\u{0}emotet", "emotet\u{0}", String(repeating: "攻撃", count: 5_000),
                       String(repeating: "a ", count: 5_000), "‮emotet", "emotet;", ":*", "''", "AND", "NOT", "OR"]
        for text in hostile {
            let page = try await hub.store.searchObjects(ObjectSearchQuery(text, feedIDs: nil, limit: 10), for: Self.orgA)
            #expect(page.hits.allSatisfy { $0.object.providerOrganizationID == "org-a" })
        }
        // Operators are words: "emotet OR ransomware" is three words, all required.
        #expect(try await Self.found(hub, "emotet OR ransomware").isEmpty)
        #expect(try await Self.found(hub, "emotet*") == ["01T"])
        #expect(try await Self.found(hub, "\"東京電力") == ["01"])
        #expect(try await Self.found(hub, "'); DROP TABLE object_version; --").isEmpty)
        #expect(try await Self.found(hub, "!!!").isEmpty)
        // Nothing was changed.
        #expect(try await hub.store.objectCount(feedID: feed.id) == 5)
        #expect(try await hub.store.searchDocumentCount() == 4)
        #expect(try await Self.found(hub, "emotet") == ["01T"])
    }

    @Test("only the latest version of a series; revoked and deleted objects are gone", arguments: Backend.underTest)
    func latestRevokedDeleted(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let v1 = described(1, name: "旧名称マルウェア", modified: "2026-12-01T00:00:00.000Z")
        let v2 = described(1, name: "新名称マルウェア", modified: "2026-12-02T00:00:00.000Z")
        let gone = described(2, name: "撤回されるキャンペーン", modified: "2026-12-01T00:00:00.000Z")
        let deleted = described(3, name: "削除される報告", modified: "2026-12-01T00:00:00.000Z")
        let all = [v1, v2, gone, deleted]
        _ = try await hub.store.append(all, to: feed.id, recording: submission(for: all, feed: feed, org: "org-a"), extras: nil)
        #expect(try await Self.found(hub, "旧名称").isEmpty, "an earlier version is not found")
        #expect(try await Self.found(hub, "新名称") == ["01T"])
        #expect(try await Self.found(hub, "マルウェア") == ["01T"], "one hit per series")
        #expect(try await Self.found(hub, "撤回") == ["02T"])
        let revoke = described(2, name: "撤回されるキャンペーン", modified: "2026-12-03T00:00:00.000Z", revoked: true)
        _ = try await hub.store.append([revoke], to: feed.id, recording: submission(for: [revoke], feed: feed, org: "org-a"),
                                       extras: nil)
        #expect(try await Self.found(hub, "撤回").isEmpty, "a revoked object is gone, the revoking version adds nothing")
        #expect(try await Self.found(hub, "削除") == ["03T"])
        #expect(try await hub.store.deleteObject(id: deleted.stixID, feedID: feed.id, versions: .every, provider: nil) == 1)
        #expect(try await Self.found(hub, "削除").isEmpty)
        #expect(try await hub.store.searchDocumentCount() == 2)
    }

    @Test("a huge text is stored with its search document cut, never failing the append", arguments: Backend.underTest)
    func hugeText(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        // About 3 MB of distinct words: more than a tsvector may hold.
        let words = (0..<120_000).map { "w\($0)x" + String(repeating: "q", count: 20) }.joined(separator: " ")
        let big = described(1, type: "report", name: "巨大な報告書", description: "冒頭の要約 " + words + " 末尾の語")
        let results = try await hub.store.append([big], to: feed.id, recording: submission(for: [big], feed: feed, org: "org-a"),
                                                 extras: nil)
        guard case .stored = results.first else { Issue.record("not stored: \(results)"); return }
        #expect(try await Self.found(hub, "巨大") == ["01T"])
        #expect(try await Self.found(hub, "冒頭の要約") == ["01"])
        #expect(try await Self.found(hub, "w10xqqqq") == ["01"])
        #expect(try await Self.found(hub, "末尾の語").isEmpty, "the text past the limit is not searched")
    }

    @Test("only what the scope's audience keys reach; pages and `more` are counted after that filter",
          arguments: Backend.underTest)
    func audiencesAndPaging(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("ATTACKS")
        let other = try await hub.feed("OTHER")
        // Interleaved: org A's own, org B's held ones (RED to nobody else), and B's shared with group G.
        var objects: [IncomingObject] = []
        for n in 1...30 {
            objects.append(described(n * 10 + 1, name: "フィッシング A\(n)", audiences: ["org:org-a", "staff"]))
            objects.append(described(n * 10 + 2, name: "フィッシング B\(n) 機密", audiences: ["org:org-b", "staff"]))
            if n % 3 == 0 { objects.append(described(n * 10 + 3, name: "フィッシング G\(n)", audiences: ["group:g", "org:org-b"])) }
        }
        _ = try await hub.store.append(objects, to: feed.id, recording: submission(for: objects, feed: feed, org: "org-b"),
                                       extras: nil)
        let elsewhere = [described(999, name: "フィッシング elsewhere", audiences: ["org:org-a"])]
        _ = try await hub.store.append(elsewhere, to: other.id, recording: submission(for: elsewhere, feed: other, org: "org-a"),
                                       extras: nil)
        let scope = ReadScope(audiences: ["org:org-a": 0, "group:g": 0])
        var seen: [String] = []
        var cursor: SearchCursor?
        var pages: [(Int, Bool)] = []
        repeat {
            let page = try await hub.store.searchObjects(
                ObjectSearchQuery("フィッシング", feedIDs: [feed.id], limit: 7, after: cursor), for: scope)
            pages.append((page.hits.count, page.more))
            seen += page.hits.map(\.object.stixID)
            cursor = page.next
        } while cursor != nil
        #expect(pages.map(\.0) == [7, 7, 7, 7, 7, 5] && pages.map(\.1) == [true, true, true, true, true, false])
        #expect(seen.count == 40 && Set(seen).count == 40)
        #expect(!seen.contains { $0.hasSuffix("2") }, "org B's own versions never reach org A")
        // Newest first.
        #expect(seen.first == "malware--\(uuid(303))" && seen.last == "malware--\(uuid(11))")
        // Org B's held text, by any query, finds nothing for A.
        for text in ["機密", "B1", "フィッシング 機密", "b30"] {
            #expect(try await hub.store.searchObjects(ObjectSearchQuery(text, feedIDs: nil), for: scope).hits.isEmpty)
        }
        // Without the feed filter, the other feed counts too; an empty scope finds nothing.
        #expect(try await hub.store.searchObjects(ObjectSearchQuery("elsewhere", feedIDs: nil), for: scope).hits.count == 1)
        #expect(try await hub.store.searchObjects(ObjectSearchQuery("フィッシング", feedIDs: nil), for: ReadScope(audiences: [:]))
            .hits.isEmpty)
        // The cursor as text round-trips; anything else is refused.
        #expect(SearchCursor(token: SearchCursor(tier: .text, position: 42).token) == SearchCursor(tier: .text, position: 42))
        for bad in ["", "t2.1", "t0.-1", "x0.1", "t0.1.2", "t0.abc", "'; DROP"] { #expect(SearchCursor(token: bad) == nil) }
    }

    @Test("versions stored before the search existed are found after the migration (SQLite)")
    func sqliteBackfill() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-search-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hub.sqlite").path
        do {
            let store = try SQLiteHubStore(path: path, auditKey: directory.appendingPathComponent("audit.key"),
                                           auditHead: directory.appendingPathComponent("audit.head"))
            let hub = ContractHub(backend: .sqlite, store: store, directory: directory, location: nil)
            let feed = try await Self.corpus(hub)
            let revoked = [described(6, name: "撤回済み", modified: "2026-12-01T00:00:00.000Z"),
                           described(6, name: "撤回済み", modified: "2026-12-02T00:00:00.000Z", revoked: true)]
            _ = try await store.append(revoked, to: feed.id, recording: submission(for: revoked, feed: feed, org: "org-a"),
                                       extras: nil)
        }
        // Back to the schema before v17, with every version still stored.
        let pool = try DatabasePool(path: path)
        try await pool.write { db in
            try db.execute(sql: """
                DROP TABLE object_search_fts; DROP TABLE object_search;
                DELETE FROM grdb_migrations WHERE identifier = 'v17-object-search';
                """)
        }
        try pool.close()
        let store = try SQLiteHubStore(path: path, auditKey: directory.appendingPathComponent("audit.key"),
                                       auditHead: directory.appendingPathComponent("audit.head"))
        let hub = ContractHub(backend: .sqlite, store: store, directory: directory, location: nil)
        #expect(try await store.searchDocumentCount() == 4)
        #expect(try await Self.found(hub, "標的型攻撃メール") == ["02T", "01"])
        #expect(try await Self.found(hub, "撤回済み").isEmpty)
    }

    @Test("versions stored before the search existed are found after the migration (PostgreSQL)",
          .enabled(if: Backend.underTest.contains(.postgres)))
    func postgresBackfill() async throws {
        let hub = try await Backend.postgres.makeHub(); defer { hub.remove() }
        let feed = try await Self.corpus(hub)
        let revoked = [described(6, name: "撤回済み", modified: "2026-12-01T00:00:00.000Z"),
                       described(6, name: "撤回済み", modified: "2026-12-02T00:00:00.000Z", revoked: true)]
        _ = try await hub.store.append(revoked, to: feed.id, recording: submission(for: revoked, feed: feed, org: "org-a"),
                                       extras: nil)
        let store = try #require(hub.store as? PostgresHubStore)
        try await store.transaction { c in
            for statement in ["DROP TABLE object_search", "DROP FUNCTION kakehashi_search_vector(text, text)",
                              "DELETE FROM kakehashi_migration WHERE name = 'v7-object-search'"] {
                try await c.query(PostgresQuery(unsafeSQL: statement), logger: store.logger)
            }
        }
        let reopened = try await hub.reopened()
        #expect(try await reopened.store.searchDocumentCount() == 4)
        #expect(try await Self.found(reopened, "標的型攻撃メール") == ["02T", "01"])
        #expect(try await Self.found(reopened, "撤回済み").isEmpty)
        #expect(try await Self.found(reopened, "ｻｰﾊﾞ") == ["03T"])
    }
}
