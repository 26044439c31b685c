// PostgresStorage: the read path's statements sent as named, per-connection prepared statements
// instead of unnamed ones, so that PostgreSQL parses each once per connection (and may switch to a
// generic plan after five executions, when it judges one no worse).
//
// Why: an unnamed statement is parsed and planned at every execution; the statement of a
// single-object GET planned in 0.9 ms on average (pg_stat_statements, the benchmark's GET phase,
// release build, 2-core host). Measured since (statement log, 40 sequential GETs on one
// connection): PostgreSQL keeps custom plans for it (bind, which plans, 0.4–0.9 ms each), so what
// is saved today is the parse; with `plan_cache_mode = force_generic_plan` bind took 0.04–0.15 ms
// and execution 0.27–0.4 ms, yet a release benchmark run with it set server-wide served GETs more
// slowly (667 against 1,082–1,285 requests/s, loaded host), so generic plans are not forced.
//
// PostgresNIO prepares statements through `PostgresPreparedStatement`, whose name and text are
// static; the reader's statements are built per query shape (filters, number of audience keys), so
// `NamedStatement` reads its name and text from a task-local set around the one `execute` call,
// which reads both before it first suspends. Names are given per distinct text (`kakehashi_1`, …),
// the same in every connection; past `NamedStatements.capacity` distinct texts a statement is
// sent unnamed, so that unusual query shapes cannot grow every connection's statements without end.
import Logging
import PostgresNIO
import Synchronization

/// The names given to statement texts, the same for every connection of every store in a process.
enum NamedStatements {
    /// Distinct statement texts that get a name; later ones are sent unnamed.
    static let capacity = 512

    private static let names = Mutex<[String: String]>([:])

    /// The name of `text`, given on first use; nil once `capacity` texts have names.
    static func name(for text: String) -> String? {
        names.withLock { names in
            if let name = names[text] { return name }
            guard names.count < capacity else { return nil }
            let name = "kakehashi_\(names.count + 1)"
            names[text] = name
            return name
        }
    }
}

/// One execution of a prepared statement whose name and text are the task-local `current`.
struct NamedStatement: PostgresPreparedStatement {
    typealias Row = PostgresRow

    @TaskLocal static var current = (name: "", sql: "")

    static var name: String { current.name }
    static var sql: String { current.sql }

    let bindings: PostgresBindings

    func makeBindings() throws -> PostgresBindings { bindings }
    func decodeRow(_ row: PostgresRow) throws -> PostgresRow { row }
}

extension PostgresConnection {
    /// The rows of `sql`, run as a named prepared statement on this connection (prepared on first
    /// use here). Every bound value of one text must always have the same type (the statement's
    /// parameter types are fixed when it is prepared); `BoundSQL` binds by position in the text, so
    /// one text has one set of types.
    ///
    /// ```swift
    /// let sql = BoundSQL("SELECT json FROM object_version WHERE position = ")
    /// sql.text += sql.bind(Int64(42))
    /// let rows = try await connection.namedQuery(sql, logger: logger)
    /// ```
    func namedQuery(_ sql: BoundSQL, logger: Logger) async throws -> [PostgresRow] {
        guard let name = NamedStatements.name(for: sql.text) else {
            return try await query(sql.query, logger: logger).collect()
        }
        return try await NamedStatement.$current.withValue((name, sql.text)) {
            var rows: [PostgresRow] = []
            for try await row in try await execute(NamedStatement(bindings: sql.binds), logger: logger) {
                rows.append(row)
            }
            return rows
        }
    }
}
