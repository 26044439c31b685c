// The SQLite store's corroboration gate (migration v12): a database written before it holds back
// what its earlier submissions marked RED or AMBER+STRICT and their victim identifiers, and keeps
// counting the reports it had.
import Foundation
import GRDB
@testable import SQLiteStorage
import Storage
import Testing

@Suite("SQLite corroboration gate migration")
struct CorroborationMigrationTests {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("kakehashi-gate-\(UUID().uuidString)", isDirectory: true)

    @Test("a v10 database migrates: reports still count, held values and victim identifiers are held")
    func migratesV10Database() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let path = directory.appendingPathComponent("hub.sqlite").path
        do {
            let pool = try DatabasePool(path: path)
            try Schema.migrator.migrate(pool, upTo: "v10-hashed-keys")
            try await pool.write { db in
                db.add(function: KeyHash.function)
                try db.execute(sql: """
                    INSERT INTO feed (key, id, name, title, severity, created_at) VALUES (1, 'feed-1', 'Default', 'Default', 'normal', 0);
                    INSERT INTO submission (id, feed_id, organization_id, user_id, request_timestamp, outcome, first_position, last_position)
                    VALUES ('sub-red', 'feed-1', 'org-a', NULL, '2026-11-01T00:00:00Z', '{}', 1, 1),
                           ('sub-green', 'feed-1', 'org-b', NULL, '2026-11-01T00:00:00Z', '{}', 2, 2);
                    INSERT INTO object_version (position, feed_key, stix_id, id_hash, type, spec_version, version, version_us,
                        date_added_us, is_latest, is_first, submission_id, provider_org_id, release_id, tlp, json)
                    VALUES (1, 1, 'indicator--1', 1, 'indicator', '2.1', NULL, -1, 1, 1, 1, 'sub-red', 'org-a', '', 'red', X'7B7D'),
                           (2, 1, 'indicator--2', 2, 'indicator', '2.1', NULL, -1, 2, 1, 1, 'sub-green', 'org-b', '', 'green', X'7B7D');
                    INSERT INTO observable_report (observable_hash, observable, organization_id, submission_id)
                    VALUES (kakehashi_key_hash('ipv4-addr:185.220.101.47'), 'ipv4-addr:185.220.101.47', 'org-a', 'sub-red'),
                           (kakehashi_key_hash('ipv4-addr:45.77.10.11'), 'ipv4-addr:45.77.10.11', 'org-b', 'sub-green'),
                           (kakehashi_key_hash('ipv4-addr:45.77.10.11'), 'ipv4-addr:45.77.10.11', 'org-c', 'sub-other');
                    """)
                let detail = SubmissionDetail(submissionID: "sub-green", kind: .email,
                                              victimIdentifiers: ["Keiri@Denryoku-B.example.jp"])
                try db.execute(sql: "INSERT INTO submission_detail (submission_id, kind, detail) VALUES (?, ?, ?)",
                               arguments: ["sub-green", "email", try JSONEncoder().encode(detail)])
            }
            try pool.close()
        }
        let store = try SQLiteHubStore(path: path, auditKey: directory.appendingPathComponent("audit.key"),
                                       auditHead: directory.appendingPathComponent("audit.head"))
        #expect(try await store.observableReportCounts(["ipv4-addr:45.77.10.11"]) == ["ipv4-addr:45.77.10.11": 2])
        let held = try await store.heldValues(["185.220.101.47", "45.77.10.11", "keiri@denryoku-b.example.jp"])
        #expect(Set(held) == [HeldValue(value: "185.220.101.47", organizationID: "org-a"),
                              HeldValue(value: "keiri@denryoku-b.example.jp", organizationID: "org-b")])
    }
}
