// SQLiteStorage statement helpers: binding and stepping a prepared statement through SQLite's C
// interface, for the per-object inserts of a submission; positional arguments without GRDB's
// per-call key path.
//
// GRDB's `execute(arguments:)` builds an array of `DatabaseValue`s, checks it against the statement
// and notifies observers for each execution; for the rows of a 500-object envelope that bookkeeping
// cost as much as SQLite's own work. These statements run inside GRDB's transaction, on its
// connection, and are reset after each step as GRDB expects of a cached statement.
import GRDB
import GRDBSQLite

/// A cached GRDB statement bound and stepped directly.
///
/// ```swift
/// let insert = DirectStatement(try db.cachedStatement(sql: "INSERT INTO t (a, b) VALUES (?, ?)"), db)
/// insert.bind(1, 42); insert.bind(2, "text")
/// try insert.step()
/// ```
struct DirectStatement {
    let handle: OpaquePointer
    let connection: OpaquePointer?

    init(_ statement: Statement, _ db: Database) {
        handle = statement.sqliteStatement
        connection = db.sqliteConnection
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    /// SQLite copies the value before `bind` returns.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ index: Int32, _ value: Int64) { sqlite3_bind_int64(handle, index, value) }
    func bind(_ index: Int32, _ value: Bool) { sqlite3_bind_int64(handle, index, value ? 1 : 0) }

    func bind(_ index: Int32, _ value: String?) {
        guard var value else { sqlite3_bind_null(handle, index); return }
        value.withUTF8 { sqlite3_bind_text(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    func bind(_ index: Int32, blob: [UInt8]) {
        blob.withUnsafeBytes { sqlite3_bind_blob(handle, index, $0.baseAddress, Int32($0.count), Self.transient) }
    }

    private func fail<T>(_ code: Int32) throws -> T {
        let message = connection.flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        let extended = connection.map { sqlite3_extended_errcode($0) } ?? code
        sqlite3_reset(handle)
        throw DatabaseError(resultCode: ResultCode(rawValue: extended), message: message)
    }

    /// Runs the statement to completion and resets it; a failure is GRDB's `DatabaseError`.
    func step() throws {
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE || code == SQLITE_ROW else { return try fail(code) }
        sqlite3_reset(handle)
    }
}

extension StatementArguments {
    /// Positional arguments from a list of values.
    ///
    /// ```swift
    /// arguments += .positional(query.ids)
    /// ```
    /// GRDB's own `StatementArguments(_:)` for a sequence of concrete values maps it through a key
    /// path, which is instantiated again on every call; on a single-object GET that was a third of
    /// the query's CPU time.
    static func positional<Value: DatabaseValueConvertible>(_ values: [Value]) -> StatementArguments {
        StatementArguments(values.map { $0 as (any DatabaseValueConvertible)? })
    }
}
