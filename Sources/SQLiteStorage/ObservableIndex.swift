// SQLiteStorage observable index: writing a version's entries in its append transaction, removing
// them with deleted and revoked versions, and the look-ups by value hash (Storage.ObservableIndexStore).
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
}
