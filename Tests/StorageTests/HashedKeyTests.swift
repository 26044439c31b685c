// The SQLite store's hashed keys (migration v10): a database written before it keeps every version,
// audience, report and position, and ids or observables that share a hash are never confused.
import Foundation
import GRDB
@testable import SQLiteStorage
@_spi(ReadGate) import Storage
import Testing

@Suite("SQLite hashed id and observable keys")
struct HashedKeyTests {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("kakehashi-hashed-\(UUID().uuidString)", isDirectory: true)

    func openStore() throws -> SQLiteHubStore {
        try SQLiteHubStore(path: directory.appendingPathComponent("hub.sqlite").path,
                           auditKey: directory.appendingPathComponent("audit.key"),
                           auditHead: directory.appendingPathComponent("audit.head"))
    }

    @Test("a v9 database migrates with its versions, audiences, reports and position sequence")
    func migratesV9Database() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let series = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        let newer = indicator(uuid(1), modified: "2025-03-01T00:00:00.000Z")
        let address = ipv4(uuid(2), value: "198.51.100.7")
        let reader = Audience.organization("org")
        // Written by the v9 schema: two versions of one indicator, an address, and a fourth version
        // that was deleted again (so the position sequence is ahead of the last stored position).
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            let pool = try DatabasePool(path: directory.appendingPathComponent("hub.sqlite").path,
                                        configuration: configuration)
            try Schema.migrator.migrate(pool, upTo: "v9-date-added-by-position")
            try await pool.write { db in
                try db.execute(sql: """
                    INSERT INTO feed (key, id, name, title, severity, created_at) VALUES (1, 'feed-1', 'Default', 'Default', 'normal', 0)
                    """)
                for (index, object) in [series, newer, address, address].enumerated() {
                    try db.execute(sql: """
                        INSERT INTO object_version (feed_key, stix_id, type, spec_version, version, version_us, date_added_us,
                            is_latest, is_first, submission_id, provider_org_id, release_id, tlp, json)
                        VALUES (1, ?, ?, '2.1', ?, ?, ?, ?, ?, 'sub-1', 'org', ?, NULL, ?)
                        """, arguments: [object.stixID, object.type, object.version, object.versionMicroseconds ?? -1,
                                         1_000 + index, index != 0, index != 1, index == 3 ? "gone" : "",
                                         Data(object.bytes)])
                    try db.execute(sql: "INSERT INTO object_audience (feed_key, audience, position) VALUES (1, ?, ?)",
                                   arguments: [reader, db.lastInsertedRowID])
                }
                try db.execute(sql: "DELETE FROM object_version WHERE position = 4")
                try db.execute(sql: """
                    INSERT INTO submission (id, feed_id, organization_id, user_id, request_timestamp, outcome)
                    VALUES ('sub-1', 'feed-1', 'org', NULL, '2026-11-23T00:00:00Z', '{"successes":[],"failures":[],"pendings":[]}')
                    """)
                try db.execute(sql: """
                    INSERT INTO observable_report (observable, organization_id, submission_id)
                    VALUES ('ipv4-addr:198.51.100.7', 'org-a', 'sub-1'), ('ipv4-addr:198.51.100.7', 'org-b', 'sub-2')
                    """)
            }
            try pool.close()
        }

        let store = try openStore()
        let every = try await store.objects(ObjectQuery(feedID: "feed-1", ids: [series.stixID], versions: .every), for: ReadScope(audiences: [reader: 0]))
        #expect(every.objects.map(\.position) == [1, 2])
        #expect(every.objects.map(\.bytes) == [Data(series.bytes), Data(newer.bytes)])
        let latest = try await store.objects(ObjectQuery(feedID: "feed-1", ids: [series.stixID]), for: ReadScope(audiences: [reader: 0]))
        #expect(latest.objects.map(\.version) == [newer.version])

        // The submission's originals are found by the position range the migration recorded.
        let originals = try await store.objects(ObjectQuery(feedID: "feed-1", versions: .every, submissionID: "sub-1"), for: .hub(.submissionProcessing))
        #expect(originals.objects.map(\.position) == [1, 2, 3])

        // The same version is still stored once; a new one continues after the deleted position 4.
        let feed = Feed(id: "feed-1", name: "Default", title: "Default")
        let again = try await store.append([newer, address], to: "feed-1", recording: submission(for: [newer, address], feed: feed))
        #expect(again == [.alreadyPresent, .alreadyPresent])
        let newest = indicator(uuid(1), modified: "2025-04-01T00:00:00.000Z")
        let added = try await store.append([newest], to: "feed-1", recording: submission(for: [newest], feed: feed))
        #expect(added == [.stored(position: 5)])
        let newSubmission = try await store.pool.read { db in
            try Row.fetchOne(db, sql: "SELECT id, first_position, last_position FROM submission WHERE first_position = 5")
        }
        let newest5 = try await store.objects(ObjectQuery(feedID: "feed-1", versions: .every,
                                                          submissionID: try #require(newSubmission?["id"] as String?)), for: .hub(.submissionProcessing))
        #expect(newest5.objects.map(\.position) == [5])

        #expect(try await store.observableReportCounts(["ipv4-addr:198.51.100.7"]) == ["ipv4-addr:198.51.100.7": 2])
        let sameOrg = try await store.recordObservables(["ipv4-addr:198.51.100.7"], organizationID: "org-a", submissionID: "sub-3")
        #expect(sameOrg == ["ipv4-addr:198.51.100.7": 2])
        let third = try await store.recordObservables(["ipv4-addr:198.51.100.7"], organizationID: "org-c", submissionID: "sub-4")
        #expect(third == ["ipv4-addr:198.51.100.7": 3])
    }

    @Test("ids sharing a hash: reads, version marks and deletes of one never touch the other")
    func collidingIDs() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try openStore()
        let feed = try await store.createFeed(Feed(name: "Default", title: "Default"))
        let first = indicator(uuid(10), modified: "2025-02-01T00:00:00.000Z")
        let other = indicator(uuid(20), modified: "2025-02-01T00:00:00.000Z")
        _ = try await store.append([first, other], to: feed.id, recording: submission(for: [first, other], feed: feed))
        // A 64-bit collision cannot be found for a test: give `other` the hash of `first` instead.
        try await store.pool.write { db in
            try db.execute(sql: "UPDATE object_version SET id_hash = ? WHERE stix_id = ?",
                           arguments: [KeyHash.of(first.stixID), other.stixID])
        }
        let reader = Audience.organization("org")
        func versions(of id: String) async throws -> [String?] {
            try await store.objects(ObjectQuery(feedID: feed.id, ids: [id]), for: ReadScope(audiences: [reader: 0])).objects.map(\.version)
        }
        #expect(try await versions(of: first.stixID) == [first.version])

        // A newer version of `first` is the latest of its own series only.
        let newer = indicator(uuid(10), modified: "2025-03-01T00:00:00.000Z")
        let added = try await store.append([newer], to: feed.id, recording: submission(for: [newer], feed: feed))
        #expect(added.count == 1 && added[0] != .alreadyPresent)
        #expect(try await versions(of: first.stixID) == [newer.version])
        let all = try await store.objects(ObjectQuery(feedID: feed.id), for: ReadScope(audiences: [reader: 0]))
        #expect(Set(all.objects.map(\.stixID)) == [first.stixID, other.stixID])
        #expect(all.objects.count == 2)

        // Deleting `first` leaves `other`, still marked latest and first.
        #expect(try await store.deleteObject(id: first.stixID, feedID: feed.id, versions: .every, provider: nil) == 2)
        let left = try await store.objects(ObjectQuery(feedID: feed.id, versions: VersionSelection(first: true, last: true)), for: .hub(.submissionProcessing))
        #expect(left.objects.map(\.stixID) == [other.stixID])
        // The deleted versions' audience rows went with them; the remaining version keeps its own.
        let audienceRows = try await store.pool.read { db in
            try Int64.fetchAll(db, sql: "SELECT position FROM object_audience ORDER BY position")
        }
        #expect(audienceRows.count == 2 && Set(audienceRows) == [left.objects[0].position])
    }

    @Test("the hash is FNV-1a 64 of the UTF-8 text (stored: it must never change)")
    func hashIsStable() {
        #expect(KeyHash.of("") == Int64(bitPattern: 0xcbf2_9ce4_8422_2325))
        #expect(KeyHash.of("a") == Int64(bitPattern: 0xaf63_dc4c_8601_ec8c))
        #expect(KeyHash.of("indicator--00000000-0000-4000-8000-000000000010")
                != KeyHash.of("indicator--00000000-0000-4000-8000-000000000020"))
    }
}
