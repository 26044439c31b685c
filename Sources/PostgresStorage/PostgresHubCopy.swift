// PostgresStorage hub copy: the PostgreSQL side of `kakehashi migrate` (Storage.HubCopy) — reading
// the hub's tables in one repeatable-read transaction through a cursor, and filling an empty
// database in one transaction (committed only when every row is in, so a failed copy leaves the
// database as it was), then moving the position sequence and the feed keys past the copied rows.
//
// What the PostgreSQL schema has that the copy does not carry: the migration records, the account
// generation (bumped by this schema's own triggers), observable_probe.id (generated; probes are
// copied in its order), object_search.doc and title_doc (generated from the copied tokens). The neutral table `user` is `hub_user` here.
import Foundation
import Logging
import NIOCore
import PostgresNIO
import Storage

extension PostgresHubStore {
    /// Tables of the PostgreSQL schema that are not copied.
    static let notCopied: Set<String> = ["kakehashi_migration", "account_generation", "metrics_generation",
                                         "metrics_change", "metrics_change_pruned", "campaign_change"]
    /// Columns generated on insert: table → columns.
    static let generatedOnCopy: [String: Set<String>] = ["observable_probe": ["id"], "object_search": ["doc", "title_doc"]]
    /// Neutral table names that differ here.
    static let tableNames: [String: String] = ["user": "hub_user"]

    static func tableName(_ neutral: String) -> String { tableNames[neutral] ?? neutral }

    /// One column as this database has it.
    struct CopyColumnType: Sendable {
        /// The type's name (`int8`, `bool`, `text`, `bytea`, …), usable as a cast.
        let type: String
        /// A `GENERATED ALWAYS AS IDENTITY` column: inserting it needs OVERRIDING SYSTEM VALUE.
        let identity: Bool
    }

    /// Every column of every table of the current schema, by PostgreSQL table name.
    static func copyCatalogue(on c: PostgresConnection, logger: Logger) async throws -> [String: [String: CopyColumnType]] {
        var tables: [String: [String: CopyColumnType]] = [:]
        for try await (table, column, type, identity) in try await c.query("""
            SELECT c.table_name::text, c.column_name::text, c.udt_name::text, c.is_identity::text
            FROM information_schema.columns c JOIN information_schema.tables t
              ON t.table_schema = c.table_schema AND t.table_name = c.table_name AND t.table_type = 'BASE TABLE'
            WHERE c.table_schema = current_schema()
            """, logger: logger).decode((String, String, String, String).self) {
            tables[table, default: [:]][column] = CopyColumnType(type: type, identity: identity == "YES")
        }
        return tables
    }

    static func copyMismatches(_ catalogue: [String: [String: CopyColumnType]]) -> [String] {
        let neutralNames = Dictionary(uniqueKeysWithValues: tableNames.map { ($1, $0) })
        var tables: [String: Set<String>] = [:]
        for (table, columns) in catalogue where !notCopied.contains(table) {
            tables[neutralNames[table] ?? table] = Set(columns.keys).subtracting(generatedOnCopy[table] ?? [])
        }
        return HubCopyTables.mismatches(tables)
    }

    /// What differs between this database's schema and `HubCopyTables` (empty when the copy covers
    /// every table and column).
    public func copyMismatches() async throws -> [String] {
        try await client.withConnection { c in Self.copyMismatches(try await Self.copyCatalogue(on: c, logger: self.logger)) }
    }

    /// The first copied table that holds rows, or nil when every one is empty.
    static func occupiedTable(on c: PostgresConnection, catalogue: [String: [String: CopyColumnType]],
                              logger: Logger) async throws -> String? {
        for table in HubCopyTables.all where catalogue[tableName(table.name)] != nil {
            for try await occupied in try await c.query(PostgresQuery(unsafeSQL: """
                SELECT EXISTS (SELECT 1 FROM \(tableName(table.name)))
                """), logger: logger).decode(Bool.self) where occupied {
                return "table \(tableName(table.name)) has rows"
            }
        }
        return nil
    }

    /// Whether the database at `location` already holds a hub with rows (the table named), read
    /// without changing anything (connecting a store would first bring its schema up to date).
    ///
    /// ```swift
    /// if let occupied = try await PostgresHubStore.occupiedTable(at: location) { print("not empty: \(occupied)") }
    /// ```
    public static func occupiedTable(at location: PostgresLocation,
                                     logger: Logger = Logger(label: "kakehashi.postgres")) async throws -> String? {
        let client = PostgresClient(configuration: try location.clientConfiguration(), backgroundLogger: logger)
        let running = Task { await client.run() }
        defer { running.cancel() }
        do {
            return try await client.withConnection { c in
                try await occupiedTable(on: c, catalogue: try await copyCatalogue(on: c, logger: logger), logger: logger)
            }
        } catch {
            throw StoreError.unavailable("\(location): \(reason(error))")
        }
    }

    /// Calls `body` with a reading of every table in one repeatable-read, read-only transaction
    /// (writes committed meanwhile are not seen). Throws `HubCopyError.schemaMismatch` when the
    /// schema has a table or column the copy does not know.
    ///
    /// ```swift
    /// let summary = try await store.copyReading { try await HubCopy.summary(of: $0) }
    /// ```
    public func copyReading<R: Sendable>(_ body: (any HubCopyReading) async throws -> R) async throws -> R {
        try await client.withConnection { c in
            try await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger)
            do {
                let catalogue = try await Self.copyCatalogue(on: c, logger: logger)
                let problems = Self.copyMismatches(catalogue)
                if !problems.isEmpty { throw HubCopyError.schemaMismatch(problems) }
                let result = try await body(Reading(connection: c, logger: logger))
                try await c.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await c.query("ROLLBACK", logger: logger)
                throw Self.copyError(error)
            }
        }
    }

    /// Calls `body` with a writing into this database in one transaction, committed only when
    /// `body` returns: on any failure nothing stays. Throws `HubCopyError.targetNotEmpty` when a
    /// copied table holds rows. Other writers wait for the copy (it holds the append and audit locks).
    public func copyWriting<R: Sendable>(_ body: (any HubCopyWriting) async throws -> R) async throws -> R {
        try await client.withConnection { c in
            try await c.query("BEGIN", logger: logger)
            do {
                try await self.lock(.append, on: c)
                try await self.lock(.audit, on: c)
                let catalogue = try await Self.copyCatalogue(on: c, logger: logger)
                let problems = Self.copyMismatches(catalogue)
                if !problems.isEmpty { throw HubCopyError.schemaMismatch(problems) }
                if let occupied = try await Self.occupiedTable(on: c, catalogue: catalogue, logger: logger) {
                    throw HubCopyError.targetNotEmpty("\(location): \(occupied)")
                }
                let result = try await body(Writing(connection: c, catalogue: catalogue, logger: logger))
                try await c.query("COMMIT", logger: logger)
                return result
            } catch {
                _ = try? await c.query("ROLLBACK", logger: logger)
                throw Self.copyError(error)
            }
        }
    }

    /// A database error in words that name no query parameters (they hold the copied rows); any other error as it is.
    static func copyError(_ error: any Error) -> any Error {
        guard error is PSQLError else { return error }
        return StoreError.unavailable(reason(error))
    }

    /// The tables read through a cursor, in primary-key order (probes in the order they were recorded).
    struct Reading: HubCopyReading {
        let connection: PostgresConnection
        let logger: Logger

        func rows(of table: CopyTable, batchSize: Int, _ body: ([[CopyValue]]) async throws -> Void) async throws {
            let name = PostgresHubStore.tableName(table.name)
            var key: [String] = []
            for try await column in try await connection.query("""
                SELECT a.attname::text FROM pg_index i
                JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
                WHERE i.indrelid = \(name)::regclass AND i.indisprimary
                ORDER BY array_position(i.indkey::int2[], a.attnum)
                """, logger: logger).decode(String.self) { key.append(column) }
            let columns = table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ")
            let order = key.isEmpty ? "" : " ORDER BY " + key.map { "\"\($0)\"" }.joined(separator: ", ")
            try await connection.query(PostgresQuery(unsafeSQL: """
                DECLARE kakehashi_copy NO SCROLL CURSOR FOR SELECT \(columns) FROM \(name)\(order)
                """), logger: logger)
            while true {
                let rows = try await connection.query(PostgresQuery(unsafeSQL: "FETCH \(batchSize) FROM kakehashi_copy"),
                                                      logger: logger).collect()
                if rows.isEmpty { break }
                try await body(try rows.map { row in try row.map(Self.value) })
                if rows.count < batchSize { break }
            }
            try await connection.query("CLOSE kakehashi_copy", logger: logger)
        }

        func counters() async throws -> [String: Int64] {
            var position: Int64 = 0
            for try await (last, called) in try await connection.query(
                "SELECT last_value, is_called FROM object_position", logger: logger).decode((Int64, Bool).self) {
                position = called ? last : 0
            }
            for try await largest in try await connection.query(
                "SELECT max(position) FROM object_version", logger: logger).decode(Int64?.self) {
                position = max(position, largest ?? 0)
            }
            return ["object_position": position]
        }

        static func value(_ cell: PostgresCell) throws -> CopyValue {
            guard cell.bytes != nil else { return .null }
            switch cell.dataType {
            case .int8: return .integer(try cell.decode(Int64.self))
            case .int4: return .integer(Int64(try cell.decode(Int32.self)))
            case .int2: return .integer(Int64(try cell.decode(Int16.self)))
            case .bool: return .integer(try cell.decode(Bool.self) ? 1 : 0)
            case .float8: return .real(try cell.decode(Double.self))
            case .float4: return .real(Double(try cell.decode(Float.self)))
            case .bytea: return .bytes(Array(try cell.decode(ByteBuffer.self).readableBytesView))
            default: return .text(try cell.decode(String.self))
            }
        }
    }

    /// Multi-row inserts in the copy's transaction, each value cast to its column's type here.
    struct Writing: HubCopyWriting {
        let connection: PostgresConnection
        let catalogue: [String: [String: CopyColumnType]]
        let logger: Logger

        func insert(_ rows: [[CopyValue]], into table: CopyTable) async throws {
            guard !rows.isEmpty else { return }
            let name = PostgresHubStore.tableName(table.name)
            let types = table.columns.map { catalogue[name]![$0.name]! }
            let overriding = types.contains(where: \.identity) ? " OVERRIDING SYSTEM VALUE" : ""
            let head = "INSERT INTO \(name) (" + table.columns.map { "\"\($0.name)\"" }.joined(separator: ", ") + ")\(overriding) VALUES "
            // At most 30,000 parameters a statement (the protocol allows 65,535).
            let perStatement = max(1, min(1_000, 30_000 / table.columns.count))
            var statements: [Int: String] = [:]
            for start in stride(from: 0, to: rows.count, by: perStatement) {
                let chunk = rows[start..<min(start + perStatement, rows.count)]
                var bindings = PostgresBindings(capacity: chunk.count * table.columns.count)
                for row in chunk {
                    for (index, value) in row.enumerated() {
                        try Self.bind(value, as: types[index].type, column: "\(name).\(table.columns[index].name)", into: &bindings)
                    }
                }
                let sql = statements[chunk.count] ?? head + Self.tuples(chunk.count, types: types.map(\.type))
                statements[chunk.count] = sql
                try await connection.query(PostgresQuery(unsafeSQL: sql, binds: bindings), logger: logger)
            }
        }

        /// `($1::int8, $2::text, …), (…)` for `count` rows of columns of these types.
        static func tuples(_ count: Int, types: [String]) -> String {
            var parameter = 0
            return (0..<count).map { _ in
                "(" + types.map { type in parameter += 1; return "$\(parameter)::\(type)" }.joined(separator: ", ") + ")"
            }.joined(separator: ", ")
        }

        func advance(_ counters: [String: Int64]) async throws {
            if let position = counters["object_position"], position > 0 {
                try await connection.query("SELECT setval('object_position', \(position))", logger: logger)
            }
            // Identity columns given explicit values (feed keys): the next one generated follows the largest copied.
            for table in HubCopyTables.all {
                let name = PostgresHubStore.tableName(table.name)
                for column in table.columns where catalogue[name]?[column.name]?.identity == true {
                    try await connection.query(PostgresQuery(unsafeSQL: """
                        SELECT setval(pg_get_serial_sequence('\(name)', '\(column.name)'), max("\(column.name)"))
                        FROM \(name) HAVING max("\(column.name)") IS NOT NULL
                        """), logger: logger)
                }
            }
        }

        static func bind(_ value: CopyValue, as type: String, column: String, into bindings: inout PostgresBindings) throws {
            switch (type, value) {
            case (_, .null): bindings.appendNull()
            case ("int8", .integer(let integer)), ("int4", .integer(let integer)), ("int2", .integer(let integer)):
                bindings.append(integer)
            case ("bool", .integer(let integer)): bindings.append(integer != 0)
            case ("float8", .real(let real)): bindings.append(real)
            case ("bytea", .bytes(let bytes)): bindings.append(ByteBuffer(bytes: bytes))
            case ("bytea", .text(let text)): bindings.append(ByteBuffer(string: text))
            case ("text", .text(let text)): bindings.append(text)
            case ("text", .bytes(let bytes)):
                guard let text = String(validating: bytes, as: UTF8.self) else {
                    throw HubCopyError.invalidValue("\(column): bytes that are not UTF-8 text")
                }
                bindings.append(text)
            default:
                throw HubCopyError.invalidValue("\(column): a value of another kind for a column of type \(type)")
            }
        }
    }
}

extension PostgresHubStore {
    /// `kakehashi_key_hash(text)` as the database computes it (the schema's v2 filled stored rows with it).
    func keyHashInSQL(_ text: String) async throws -> Int64 {
        for try await hash in try await client.query("SELECT kakehashi_key_hash(\(text))", logger: logger).decode(Int64.self) {
            return hash
        }
        throw StoreError.notFound("kakehashi_key_hash")
    }
}
