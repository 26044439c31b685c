// SQLiteStorage object versions: appending submitted STIX versions and range-reading them.
import Foundation
import GRDB
import STIX
import Storage

extension SQLiteHubStore {
    public func append(_ objects: [IncomingObject], to feedID: String,
                       recording submission: Submission) async throws -> [AppendResult] {
        let nowMicroseconds = Int64(Date().timeIntervalSince1970 * 1_000_000)
        return try await pool.write { db in
            guard let feedKey = try Int64.fetchOne(db, sql: "SELECT key FROM feed WHERE id = ?", arguments: [feedID])
            else { throw StoreError.notFound("feed \(feedID)") }
            let lastAdded = try Int64.fetchOne(db, sql: "SELECT MAX(date_added_us) FROM object_version") ?? 0
            var dateAdded = max(nowMicroseconds, lastAdded + 1)

            let insert = try db.cachedStatement(sql: """
                INSERT INTO object_version (feed_key, stix_id, type, spec_version, version, version_us,
                    date_added_us, is_latest, is_first, submission_id, json)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (feed_key, stix_id, version_us) DO NOTHING
                """)
            let bounds = try db.cachedStatement(sql: """
                SELECT MIN(version_us), MAX(version_us), COUNT(*) FROM object_version
                WHERE feed_key = ? AND stix_id = ?
                """)
            let clearLatest = try db.cachedStatement(sql: """
                UPDATE object_version SET is_latest = 0 WHERE feed_key = ? AND stix_id = ? AND is_latest = 1
                """)
            let clearFirst = try db.cachedStatement(sql: """
                UPDATE object_version SET is_first = 0 WHERE feed_key = ? AND stix_id = ? AND is_first = 1
                """)

            var results: [AppendResult] = []
            results.reserveCapacity(objects.count)
            for object in objects {
                let versionKey = object.versionMicroseconds ?? -1
                var isLatest = true, isFirst = true
                if let row = try Row.fetchOne(bounds, arguments: [feedKey, object.stixID]),
                   let count = row[2] as Int?, count > 0 {
                    let minVersion: Int64 = row[0], maxVersion: Int64 = row[1]
                    isLatest = versionKey > maxVersion
                    isFirst = versionKey < minVersion
                    if isLatest { try clearLatest.execute(arguments: [feedKey, object.stixID]) }
                    if isFirst { try clearFirst.execute(arguments: [feedKey, object.stixID]) }
                }
                try insert.execute(arguments: [
                    feedKey, object.stixID, object.type, object.specVersion, object.version, versionKey,
                    dateAdded, isLatest, isFirst, submission.id, Data(object.bytes),
                ])
                if db.changesCount == 0 {
                    results.append(.alreadyPresent)
                } else {
                    results.append(.stored(position: db.lastInsertedRowID))
                    dateAdded += 1
                }
            }

            var outcome = SubmissionOutcome(successes: submission.successes, failures: submission.failures,
                                            pendings: submission.pendings)
            if outcome.successes.count == results.count {
                for (index, result) in results.enumerated() where result == .alreadyPresent {
                    outcome.successes[index].message = "this version was already in the collection; stored once"
                }
            }
            try db.execute(sql: """
                INSERT INTO submission (id, feed_id, organization_id, user_id, request_timestamp, outcome)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [submission.id, feedID, submission.organizationID, submission.userID,
                                 submission.requestTimestamp, try JSONEncoder().encode(outcome)])
            let stored = results.filter { if case .stored = $0 { true } else { false } }.count
            try Self.appendAudit([AuditEvent(
                action: .write, actorUserID: submission.userID, actorOrganizationID: submission.organizationID,
                subject: submission.id,
                details: ["feed": feedID, "accepted": String(outcome.successes.count),
                          "rejected": String(outcome.failures.count), "stored": String(stored)])], in: db)
            return results
        }
    }

    public func objects(_ query: ObjectQuery) async throws -> ObjectPage {
        try await pool.read { db in
            guard let feedKey = try Int64.fetchOne(db, sql: "SELECT key FROM feed WHERE id = ?",
                                                   arguments: [query.feedID])
            else { return ObjectPage(objects: [], more: false) }
            var after = query.afterPosition ?? 0
            if let addedAfter = query.addedAfterMicroseconds {
                // date_added grows with position, so added_after is a lower bound on position.
                guard let first = try Int64.fetchOne(db, sql: """
                    SELECT position FROM object_version WHERE date_added_us > ? ORDER BY date_added_us LIMIT 1
                    """, arguments: [addedAfter])
                else { return ObjectPage(objects: [], more: false) }
                after = max(after, first - 1)
            }
            var sql = """
                SELECT position, stix_id, type, spec_version, version, date_added_us, json
                FROM object_version WHERE feed_key = ? AND position > ?
                """
            var arguments: StatementArguments = [feedKey, after]
            Self.appendFilters(query, to: &sql, arguments: &arguments)
            sql += " ORDER BY position LIMIT ?"
            _ = arguments.append(contentsOf: [query.limit + 1])

            var objects: [StoredObject] = []
            objects.reserveCapacity(min(query.limit, 1000) + 1)
            let rows = try Row.fetchCursor(db, sql: sql, arguments: arguments)
            while let row = try rows.next() {
                let dateAdded: Int64 = row[5]
                let version: String? = row[4]
                objects.append(StoredObject(
                    position: row[0], feedID: query.feedID, stixID: row[1], type: row[2], specVersion: row[3],
                    version: version ?? STIXTimestamp.formatting(microseconds: dateAdded),
                    dateAddedMicroseconds: dateAdded, bytes: row[6]))
            }
            let more = objects.count > query.limit
            if more { objects.removeLast() }
            return ObjectPage(objects: objects, more: more)
        }
    }

    static func appendFilters(_ query: ObjectQuery, to sql: inout String, arguments: inout StatementArguments) {
        if !query.ids.isEmpty {
            sql += " AND stix_id IN (\(placeholders(query.ids.count)))"
            _ = arguments.append(contentsOf: StatementArguments(query.ids))
        }
        if !query.types.isEmpty {
            sql += " AND type IN (\(placeholders(query.types.count)))"
            _ = arguments.append(contentsOf: StatementArguments(query.types))
        }
        if !query.specVersions.isEmpty {
            sql += " AND spec_version IN (\(placeholders(query.specVersions.count)))"
            _ = arguments.append(contentsOf: StatementArguments(query.specVersions))
        }
        let selection = query.versions
        if !selection.all {
            var alternatives: [String] = []
            if selection.last { alternatives.append("is_latest = 1") }
            if selection.first { alternatives.append("is_first = 1") }
            if !selection.instants.isEmpty {
                alternatives.append("version_us IN (\(placeholders(selection.instants.count)))")
                _ = arguments.append(contentsOf: StatementArguments(selection.instants))
            }
            sql += alternatives.isEmpty ? " AND 0" : " AND (\(alternatives.joined(separator: " OR ")))"
        }
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    public func deleteObject(id stixID: String, feedID: String, versions: VersionSelection) async throws -> Int {
        try await pool.write { db in
            guard let feedKey = try Int64.fetchOne(db, sql: "SELECT key FROM feed WHERE id = ?", arguments: [feedID])
            else { return 0 }
            var sql = "DELETE FROM object_version WHERE feed_key = ? AND stix_id = ?"
            var arguments: StatementArguments = [feedKey, stixID]
            Self.appendFilters(ObjectQuery(feedID: feedID, versions: versions), to: &sql, arguments: &arguments)
            try db.execute(sql: sql, arguments: arguments)
            let removed = db.changesCount
            if removed > 0 {
                // Re-mark the first and the latest of what remains.
                try db.execute(sql: """
                    UPDATE object_version SET
                      is_latest = (version_us = (SELECT MAX(version_us) FROM object_version o
                                                 WHERE o.feed_key = object_version.feed_key AND o.stix_id = object_version.stix_id)),
                      is_first = (version_us = (SELECT MIN(version_us) FROM object_version o
                                                WHERE o.feed_key = object_version.feed_key AND o.stix_id = object_version.stix_id))
                    WHERE feed_key = ? AND stix_id = ?
                    """, arguments: [feedKey, stixID])
            }
            return removed
        }
    }

    public func objectCount(feedID: String) async throws -> Int {
        try await pool.read { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM object_version WHERE feed_key = (SELECT key FROM feed WHERE id = ?)
                """, arguments: [feedID]) ?? 0
        }
    }
}
