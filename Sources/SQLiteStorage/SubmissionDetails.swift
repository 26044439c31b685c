// SQLiteStorage submission details: the kind of hand-over, victim identifiers, samples and
// observation hours, written with the submission and read back for consent, downloads and ranges.
import Foundation
import GRDB
@_spi(ReadGate) import Storage

extension SQLiteHubStore {
    /// Stores the extras of a submission; with `countingReports`, returns how many organisations have
    /// reported each observable key (counted right after its row went in, on pages already at hand).
    @discardableResult
    static func insert(_ extras: SubmissionExtras, submissionID: String, organizationID: String, feedKey: Int64,
                       countingReports: Bool = false, in db: Database) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        if !extras.observableKeys.isEmpty {
            counts = try report(extras.observableKeys, organizationID: organizationID, submissionID: submissionID,
                                counting: countingReports, in: db)
        }
        // Values held back from corroboration: what the submission marked RED or AMBER+STRICT, and
        // its victim identifiers.
        try hold(extras.heldKeys.map(ObservableKey.bareValue(of:))
                    + (extras.detail?.victimIdentifiers ?? []).map(ObservableKey.heldValue(ofIdentifier:)),
                 organizationID: organizationID, submissionID: submissionID, in: db)
        if var detail = extras.detail {
            detail.submissionID = submissionID
            try db.execute(sql: "INSERT INTO submission_detail (submission_id, kind, detail) VALUES (?, ?, ?)",
                           arguments: [submissionID, detail.kind.rawValue, try JSONEncoder().encode(detail)])
        }
        for sample in extras.samples {
            try db.execute(sql: """
                INSERT OR IGNORE INTO sample (sha256, submission_id, file_object_id, name, size) VALUES (?, ?, ?, ?, ?)
                """, arguments: [sample.sha256, submissionID, sample.fileObjectID, sample.name, sample.size])
        }
        let hour = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO observation_hour (feed_key, hour_start_us, source, stix_id, submission_id)
            VALUES (?, ?, ?, ?, ?)
            """)
        for observation in extras.observationHours {
            try hour.execute(arguments: [feedKey, observation.hourStartMicroseconds, observation.source,
                                         observation.stixID, submissionID])
        }
        return counts
    }

    public func submissionDetail(id: String) async throws -> SubmissionDetail? {
        try await measuredRead { db in
            guard let data = try Data.fetchOne(db, sql: "SELECT detail FROM submission_detail WHERE submission_id = ?",
                                               arguments: [id]) else { return nil }
            return try JSONDecoder().decode(SubmissionDetail.self, from: data)
        }
    }

    public func sampleReferences(sha256: String) async throws -> [SampleReference] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sample WHERE sha256 = ? ORDER BY submission_id",
                             arguments: [sha256.lowercased()]).map { row in
                SampleReference(sha256: row["sha256"], submissionID: row["submission_id"],
                                fileObjectID: row["file_object_id"], name: row["name"], size: row["size"])
            }
        }
    }

    @_spi(ReadGate) public func observationObjectIDs(feedID: String, fromMicroseconds: Int64, toMicroseconds: Int64,
                                                     source: String?, limit: Int, for scope: ReadScope) async throws -> [String] {
        try await measuredRead { db in
            let feedKey = try Self.feedKey(feedID, in: db)
            var sql = "SELECT stix_id FROM observation_hour WHERE feed_key = ? AND hour_start_us >= ? AND hour_start_us < ?"
            var arguments: StatementArguments = [feedKey, fromMicroseconds, toMicroseconds]
            if let source { sql += " AND source = ?"; arguments += [source] }
            sql += " ORDER BY hour_start_us, source"
            guard let audiences = scope.audiences else {
                sql += " LIMIT ?"
                arguments += [limit]
                return try String.fetchAll(db, sql: sql, arguments: arguments)
            }
            // Only what the reader may read counts towards the limit: the hours are walked in order
            // and each id checked against the reader's audience keys until `limit` are found.
            let visible = try db.cachedStatement(sql: """
                SELECT 1 FROM object_version ov
                WHERE ov.feed_key = ? AND ov.id_hash = ? AND ov.stix_id = ?
                  AND EXISTS (SELECT 1 FROM object_audience oa WHERE oa.feed_key = ov.feed_key
                              AND oa.audience IN (\(Self.placeholders(audiences.count))) AND oa.position = ov.position)
                LIMIT 1
                """)
            var ids: [String] = []
            let rows = try String.fetchCursor(db, sql: sql, arguments: arguments)
            while ids.count < limit, let id = try rows.next() {
                var check: StatementArguments = [feedKey, KeyHash.of(id), id]
                _ = check.append(contentsOf: StatementArguments.positional(audiences))
                if try Int.fetchOne(visible, arguments: check) != nil { ids.append(id) }
            }
            return ids
        }
    }
}
