// SQLiteStorage hub copy: the SQLite side of `kakehashi migrate` (Storage.HubCopy) — reading a hub
// file in one snapshot, table by table in key order, and writing a new hub file through a temporary
// file renamed into place only when every row is in, so a failed copy leaves the target as it was.
//
// What the SQLite schema has that the copy does not carry: the migration records and
// sqlite_sequence (object_position is carried as a counter instead), the account generation (bumped
// by this schema's own triggers), the FTS5 index over object_search (its triggers fill it), and
// the 64-bit key hashes, derived again from their text on insert.
import Foundation
import GRDB
import Storage

/// Reads and writes hub files for `kakehashi migrate`.
///
/// ```swift
/// let summary = try await SQLiteHubCopy.reading(database: "data/hub.sqlite") { source in
///     try await SQLiteHubCopy.writing(database: "copy/hub.sqlite") { target in
///         try await HubCopy.copy(from: source, to: target)
///     }
/// }
/// ```
public enum SQLiteHubCopy {
    /// Tables of the SQLite schema that are not copied (besides SQLite's own `sqlite_*`).
    static let notCopied: Set<String> = ["grdb_migrations", "account_generation", "metrics_generation", "metrics_change",
                                         "metrics_change_pruned", "object_search_fts",
                                         "object_search_fts_data", "object_search_fts_idx", "object_search_fts_docsize",
                                         "object_search_fts_config", "observable_tail", "campaign_change"]
    /// Columns derived from another column of the same row on insert: table → (column → source column).
    static let derived: [String: [String: String]] = [
        "object_version": ["id_hash": "stix_id"],
        "observable_report": ["observable_hash": "observable"],
        "held_value": ["value_hash": "value"],
    ]

    /// Calls `body` with a reading of the hub file at `path` (one snapshot: rows committed later are
    /// not seen). Writes nothing. Throws when the file is missing, its schema is not this version's
    /// (open it with this version's `kakehashi` first), or the schema has tables the copy does not know.
    public static func reading<R>(database path: String, _ body: (any HubCopyReading) async throws -> R) async throws -> R {
        try checkSource(database: path)
        // Only SELECTs run on it (the pool's writer connection is opened, never used).
        let pool = try DatabasePool(path: path)
        return try await body(Reading(pool: pool, snapshot: try pool.makeSnapshot()))
    }

    /// Throws unless the hub file at `path` exists with this version's schema, every table and
    /// column of which the copy covers. Writes nothing.
    public static func checkSource(database path: String) throws {
        guard FileManager.default.fileExists(atPath: path) else { throw StoreError.notFound("hub database \(path)") }
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        try queue.read { db in
            guard try Schema.migrator.hasCompletedMigrations(db) else {
                throw StoreError.unavailable("\(path) was written by another version of kakehashi: run `kakehashi audit verify --data` on it with this version first to bring its schema up to date")
            }
            let problems = try mismatches(db)
            if !problems.isEmpty { throw HubCopyError.schemaMismatch(problems) }
        }
    }

    /// What differs between the schema of the hub file at `path` and `HubCopyTables` (empty when
    /// the copy covers every table and column).
    public static func mismatches(database path: String) throws -> [String] {
        let queue = try DatabaseQueue(path: path)
        return try queue.read(mismatches)
    }

    static func mismatches(_ db: Database) throws -> [String] {
        var tables: [String: Set<String>] = [:]
        for name in try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'")
        where !name.hasPrefix("sqlite_") && !notCopied.contains(name) {
            let columns = try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?)", arguments: [name]).map { $0[0] as String }
            tables[name] = Set(columns).subtracting((derived[name] ?? [:]).keys)
        }
        return HubCopyTables.mismatches(tables)
    }

    /// Calls `body` with a writing into a new hub file at `path`, then puts the file in place. The
    /// rows go to `path.migrating` (its schema made by this version's migrations), renamed to
    /// `path` only once `body` returns: a failure removes the temporary file and leaves `path` as it
    /// was. Throws `HubCopyError.targetNotEmpty`, writing nothing, when `path` holds a hub with rows.
    public static func writing<R>(database path: String, _ body: (any HubCopyWriting) async throws -> R) async throws -> R {
        if FileManager.default.fileExists(atPath: path), let occupied = try occupiedTable(database: path) {
            throw HubCopyError.targetNotEmpty("\(path): \(occupied)")
        }
        let temporary = path + ".migrating"
        removeDatabaseFiles(temporary)
        let result: R
        do {
            var configuration = Configuration()
            configuration.foreignKeysEnabled = true
            configuration.prepareDatabase { db in
                try db.execute(sql: "PRAGMA page_size = 16384")
                // The file is renamed into place only when complete, and synced before: a crash loses nothing.
                try db.execute(sql: "PRAGMA synchronous = OFF")
            }
            var queue: DatabaseQueue? = try DatabaseQueue(path: temporary, configuration: configuration)
            try Schema.migrator.migrate(queue!)
            result = try await body(Writing(queue: queue!))
            try queue!.close()
            queue = nil
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: temporary))
            try handle.synchronize()
            try handle.close()
        } catch {
            removeDatabaseFiles(temporary)
            throw error
        }
        // An earlier empty hub file gives way: its log, if any, must not be applied to the new file.
        for suffix in ["-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
        if rename(temporary, path) != 0 {
            let reason = String(cString: strerror(errno))
            removeDatabaseFiles(temporary)
            throw StoreError.unavailable("\(path): \(reason)")
        }
        return result
    }

    /// The first copied table of the hub file at `path` that holds rows, with its row count; nil when none does.
    public static func occupiedTable(database path: String) throws -> String? {
        let queue = try DatabaseQueue(path: path)
        defer { try? queue.close() }
        return try queue.read { db in
            let present = Set(try String.fetchAll(db, sql: "SELECT name FROM sqlite_master WHERE type = 'table'"))
            for table in HubCopyTables.all where present.contains(table.name) {
                let count = try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table.name.quotedDatabaseIdentifier)") ?? 0
                if count > 0 { return "table \(table.name) has \(count) rows" }
            }
            return nil
        }
    }

    static func removeDatabaseFiles(_ path: String) {
        for suffix in ["", "-journal", "-wal", "-shm"] { try? FileManager.default.removeItem(atPath: path + suffix) }
    }

    /// One snapshot of a hub file, read in key order: by rowid, or by primary key for tables without one.
    struct Reading: HubCopyReading {
        let pool: DatabasePool
        let snapshot: DatabaseSnapshot

        /// What a table is read from: itself, except the observable index, whose entries are in
        /// `observable_entry` and then its tail (not copied as such: the copy's entries are all in
        /// the main index; the summary's content hash does not depend on the order of rows).
        static func sources(of table: String) -> [String] {
            guard table == "observable_entry" else { return [table.quotedDatabaseIdentifier] }
            return ["observable_entry", """
                (SELECT t.position, t.value_hash, t.kind, t.value, v.submission_id, v.provider_org_id AS organization_id,
                        t.held_back
                 FROM observable_tail t JOIN object_version v ON v.position = t.position)
                """]
        }

        func rows(of table: CopyTable, batchSize: Int, _ body: ([[CopyValue]]) async throws -> Void) async throws {
            let key = try await snapshot.read { db -> [String] in
                let sql = try String.fetchOne(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'table' AND name = ?",
                                              arguments: [table.name]) ?? ""
                guard sql.uppercased().contains("WITHOUT ROWID") else { return ["rowid"] }
                return try Row.fetchAll(db, sql: "SELECT name FROM pragma_table_info(?) WHERE pk > 0 ORDER BY pk",
                                        arguments: [table.name]).map { $0[0] as String }
            }
            for source in Self.sources(of: table.name) {
                try await rows(of: table, from: source, key: key, batchSize: batchSize, body)
            }
        }

        /// One source's rows in key order, in batches.
        func rows(of table: CopyTable, from source: String, key: [String], batchSize: Int,
                  _ body: ([[CopyValue]]) async throws -> Void) async throws {
            let columns = table.columns.map(\.name.quotedDatabaseIdentifier).joined(separator: ", ")
            let keyList = key.map(\.quotedDatabaseIdentifier).joined(separator: ", ")
            // Key columns are read after the table's own, to resume after the last row of a batch.
            let select = "SELECT \(columns), \(keyList) FROM \(source)"
            let order = "ORDER BY \(keyList) LIMIT \(batchSize)"
            let resume = "WHERE (\(keyList)) > (" + Array(repeating: "?", count: key.count).joined(separator: ", ") + ")"
            let width = table.columns.count
            var after: [DatabaseValue]?
            while true {
                let from = after
                let (rows, last) = try await snapshot.read { db -> ([[CopyValue]], [DatabaseValue]?) in
                    let cursor = if let from {
                        try Row.fetchCursor(db, sql: "\(select) \(resume) \(order)", arguments: StatementArguments(from))
                    } else {
                        try Row.fetchCursor(db, sql: "\(select) \(order)")
                    }
                    var rows: [[CopyValue]] = [], last: [DatabaseValue]?
                    while let row = try cursor.next() {
                        rows.append((0..<width).map { Self.value(row[$0] as DatabaseValue) })
                        last = (0..<key.count).map { row[width + $0] as DatabaseValue }
                    }
                    return (rows, last)
                }
                guard !rows.isEmpty else { return }
                after = last
                try await body(rows)
                if rows.count < batchSize { return }
            }
        }

        func counters() async throws -> [String: Int64] {
            try await snapshot.read { db in
                let sequence = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'object_version'") ?? 0
                let largest = try Int64.fetchOne(db, sql: "SELECT max(position) FROM object_version") ?? 0
                return ["object_position": max(sequence, largest)]
            }
        }

        static func value(_ value: DatabaseValue) -> CopyValue {
            switch value.storage {
            case .null: return .null
            case .int64(let integer): return .integer(integer)
            case .double(let real): return .real(real)
            case .string(let text): return .text(text)
            case .blob(let data): return .bytes(Array(data))
            }
        }
    }

    /// Inserts into the temporary hub file, one transaction per batch.
    struct Writing: HubCopyWriting {
        let queue: DatabaseQueue

        func insert(_ rows: [[CopyValue]], into table: CopyTable) async throws {
            guard !rows.isEmpty else { return }
            let derived = (SQLiteHubCopy.derived[table.name] ?? [:]).sorted { $0.key < $1.key }
            let sources = derived.map { column in table.columns.firstIndex { $0.name == column.value }! }
            let names = (table.columns.map(\.name) + derived.map(\.key)).map(\.quotedDatabaseIdentifier)
            let sql = "INSERT INTO \(table.name.quotedDatabaseIdentifier) (\(names.joined(separator: ", "))) VALUES ("
                + Array(repeating: "?", count: names.count).joined(separator: ", ") + ")"
            try await queue.write { db in
                let statement = try db.cachedStatement(sql: sql)
                for row in rows {
                    var values = row.map(Self.databaseValue)
                    for source in sources {
                        guard case .text(let text) = row[source] else {
                            throw HubCopyError.invalidValue("\(table.name).\(table.columns[source].name) is not text")
                        }
                        values.append(KeyHash.of(text).databaseValue)
                    }
                    try statement.execute(arguments: StatementArguments(values))
                }
            }
        }

        func advance(_ counters: [String: Int64]) async throws {
            guard let position = counters["object_position"], position > 0 else { return }
            try await queue.write { db in
                try db.execute(sql: "UPDATE sqlite_sequence SET seq = max(seq, ?) WHERE name = 'object_version'", arguments: [position])
                try db.execute(sql: """
                    INSERT INTO sqlite_sequence (name, seq) SELECT 'object_version', ?
                    WHERE NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = 'object_version')
                    """, arguments: [position])
            }
        }

        static func databaseValue(_ value: CopyValue) -> DatabaseValue {
            switch value {
            case .null: return .null
            case .integer(let integer): return integer.databaseValue
            case .real(let real): return real.databaseValue
            case .text(let text): return text.databaseValue
            case .bytes(let bytes): return Data(bytes).databaseValue
            }
        }
    }
}
