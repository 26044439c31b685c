// SQLiteStorage observable index: writing a version's entries in its append transaction, removing
// them with deleted and revoked versions, the look-ups by value hash (Storage.ObservableIndexStore),
// and the chunked backfill of versions stored before the index.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    /// Writes one stored version's entries (inside the append transaction).
    static func index(_ observables: [IndexedObservable], position: Int64, submissionID: String, organizationID: String,
                      heldBack: Bool, in db: Database) throws {
        let insert = DirectStatement(try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO observable_entry (position, value_hash, kind, value, submission_id, organization_id, held_back)
            VALUES (?, ?, ?, ?, ?, ?, ?)
            """), db)
        for entry in observables {
            insert.bind(1, position); insert.bind(2, KeyHash.of(entry.value)); insert.bind(3, entry.kind)
            insert.bind(4, entry.value); insert.bind(5, submissionID); insert.bind(6, organizationID)
            insert.bind(7, heldBack)
            try insert.step()
        }
    }

    /// Removes the entries of every version of one object's series (a version revoking it arrived).
    static func unindex(seriesOf stixID: String, idHash: Int64, feedKey: Int64, releaseID: String,
                        providerOrganizationID: String, in db: Database) throws {
        let positions = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT position FROM object_version
            WHERE feed_key = ? AND id_hash = ? AND stix_id = ? AND release_id = ? AND provider_org_id = ?
            """), arguments: [feedKey, idHash, stixID, releaseID, providerOrganizationID])
        try unindex(positions: positions, in: db)
    }

    /// Removes the entries of these versions (by the table's key: position first).
    static func unindex(positions: [Int64], in db: Database) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM observable_entry WHERE position = ?")
        // The search documents leave with the index entries (Storage.ObjectSearchStore).
        let unsearch = try db.cachedStatement(sql: "DELETE FROM object_search WHERE position = ?")
        for position in positions {
            try delete.execute(arguments: [position])
            try unsearch.execute(arguments: [position])
        }
    }

    public func indexedObservables(submissionID: String) async throws -> [ObservableOccurrence] {
        try await measuredRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT first_position, last_position FROM submission WHERE id = ?",
                                             arguments: [submissionID]),
                  let first = row[0] as Int64?, let last = row[1] as Int64? else { return [] }
            // The submission's originals are one run of positions (see `record`).
            return try Self.occurrences(db, sql: """
                SELECT e.value, e.kind, e.submission_id, e.organization_id, e.position, ov.stix_id, f.id, e.held_back
                FROM observable_entry e JOIN object_version ov ON ov.position = e.position JOIN feed f ON f.key = ov.feed_key
                WHERE e.position BETWEEN ? AND ? AND e.submission_id = ?
                ORDER BY e.position, e.value_hash, e.kind
                """, arguments: [first, last, submissionID])
        }
    }

    public func occurrences(ofValues values: [String], limitPerValue: Int) async throws -> [ObservableOccurrence] {
        try await measuredRead { db in
            try Self.occurrences(ofValues: values, limitPerValue: limitPerValue, in: db)
        }
    }

    static func occurrences(ofValues values: [String], limitPerValue: Int, in db: Database) throws -> [ObservableOccurrence] {
        let statement = try db.cachedStatement(sql: """
            SELECT e.value, e.kind, e.submission_id, e.organization_id, e.position, ov.stix_id, f.id, e.held_back
            FROM observable_entry e JOIN object_version ov ON ov.position = e.position JOIN feed f ON f.key = ov.feed_key
            WHERE e.value_hash = ? AND e.value = ?
            ORDER BY e.position LIMIT ?
            """)
        var found: [ObservableOccurrence] = []
        for value in Set(values).sorted() {
            found += try occurrences(statement, arguments: [KeyHash.of(value), value, limitPerValue])
        }
        return found
    }

    static func occurrences(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ObservableOccurrence] {
        try occurrences(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func occurrences(_ statement: Statement, arguments: StatementArguments) throws -> [ObservableOccurrence] {
        try Row.fetchAll(statement, arguments: arguments).map { row in
            ObservableOccurrence(value: row[0], kind: row[1], submissionID: row[2], organizationID: row[3],
                                 position: row[4], stixID: row[5], feedID: row[6], heldBack: row[7])
        }
    }

    public func indexedObservableCount() async throws -> Int {
        try await measuredRead { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM observable_entry") ?? 0 }
    }

    // MARK: Backfill

    @discardableResult
    public func scheduleObservableBackfill() async throws -> ObservableBackfillProgress {
        try await measuredWrite { db in
            let through = try Int64.fetchOne(db, sql: "SELECT max(position) FROM object_version") ?? 0
            try db.execute(sql: """
                INSERT INTO observable_backfill (id, after_position, through_position) VALUES (1, 0, ?)
                ON CONFLICT (id) DO UPDATE SET after_position = 0, through_position = excluded.through_position
                """, arguments: [through])
            return ObservableBackfillProgress(after: 0, through: through)
        }
    }

    public func observableBackfillProgress() async throws -> ObservableBackfillProgress? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT after_position, through_position FROM observable_backfill WHERE id = 1")
                .map { ObservableBackfillProgress(after: $0[0], through: $0[1]) }
        }
    }

    /// One chunk in the writer's transaction: arrivals wait for it (a chunk is short), so no
    /// version is revoked or deleted between reading it and writing its entries.
    public func backfillObservables(limit: Int, entries: @escaping @Sendable (BackfillVersion) -> BackfillEntries?)
        async throws -> ObservableBackfillProgress? {
        try await measuredWrite { db in
            guard let cursor = try Row.fetchOne(db, sql: "SELECT after_position, through_position FROM observable_backfill WHERE id = 1")
            else { return nil }
            var after: Int64 = cursor[0]
            let through: Int64 = cursor[1]
            let rows = try Row.fetchAll(db, sql: """
                SELECT position, feed_key, id_hash, stix_id, provider_org_id, submission_id, tlp, json FROM object_version
                WHERE position > ? AND position <= ? AND release_id = '' ORDER BY position LIMIT ?
                """, arguments: [after, through, max(1, limit)])
            for row in rows {
                let position: Int64 = row[0]
                let tlp: String? = row[6]
                let version = BackfillVersion(position: position, bytes: Array(row[7] as Data), tlp: tlp.flatMap(TLPLevel.init(rawValue:)))
                if let found = entries(version) {
                    // As `insert` does for an arriving version.
                    if found.revokes {
                        try Self.unindex(seriesOf: row[3], idHash: row[2], feedKey: row[1], releaseID: "",
                                         providerOrganizationID: row[4], in: db)
                    } else if !found.observables.isEmpty {
                        try Self.index(found.observables, position: position, submissionID: row[5], organizationID: row[4],
                                       heldBack: found.heldBack, in: db)
                    }
                }
                after = position
            }
            if rows.count < max(1, limit) { after = through }
            if after >= through {
                try db.execute(sql: "DELETE FROM observable_backfill WHERE id = 1")
            } else {
                try db.execute(sql: "UPDATE observable_backfill SET after_position = ? WHERE id = 1", arguments: [after])
            }
            return ObservableBackfillProgress(after: after, through: through)
        }
    }
}
