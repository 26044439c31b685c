// Which database a hub keeps its data in, for every command: the SQLite file `hub.sqlite` in the
// data directory (the default), or a PostgreSQL database named by `--database postgres://…` when the
// hub is initialised and recorded in hub.json (`database_url`, never a password), so that later
// commands on the same data directory use it without repeating `--database`. Also closes the stores
// a command opened before the process ends.
import ArgumentParser
import Foundation
import Logging
import PostgresStorage
import ServiceLifecycle
import SQLiteStorage
import Storage
import Synchronization

/// `--database` and `--database-password-file`, shared by every command that opens a hub.
struct DatabaseOptions: ParsableArguments {
    @Option(help: ArgumentHelp(
        "The hub's PostgreSQL database: postgres://USER@HOST:PORT/DATABASE[?sslmode=disable|prefer|require&sslrootcert=FILE]. Default: SQLite (hub.sqlite in the data directory).",
        discussion: "`kakehashi init` records it in hub.json; later commands on that data directory use it without the option. The password comes from PGPASSWORD or --database-password-file, never from the URL."))
    var database: String?
    @Option(help: "A file whose first line is the PostgreSQL password (instead of the environment variable PGPASSWORD).")
    var databasePasswordFile: String?
}

/// Where a hub's data is.
///
/// ```swift
/// let database = try HubDatabase.resolve(data.database, directory: data.url, initialising: false)
/// let opened = try await database.open(directory: data.url)   // store, its services, a description
/// ```
enum HubDatabase {
    /// `hub.sqlite` in the data directory.
    case sqlite
    /// A PostgreSQL database; `url` as recorded in hub.json (no password), and the password file
    /// (its path; nil: PGPASSWORD).
    case postgres(PostgresLocation, url: String, passwordFile: String?)

    /// The hub.json entry that names a hub's PostgreSQL database.
    static let recordedKey = "database_url"
    /// The hub.json entry that names the file holding its password (the path, never the password).
    static let recordedPasswordFileKey = "database_password_file"

    /// The database of the hub in `directory`: the one recorded in its hub.json; else the one
    /// `--database` names (only when `initialising`: a new hub, or a directory without hub.sqlite);
    /// else SQLite. A `--database` other than the recorded one, or given for a SQLite hub, is refused:
    /// one data directory's keys and audit head belong to one database. The password comes from
    /// `--database-password-file`, else from the file recorded in hub.json, else from PGPASSWORD.
    static func resolve(_ options: DatabaseOptions, directory: URL, initialising: Bool) throws -> HubDatabase {
        if options.databasePasswordFile != nil && options.database == nil && recordedURL(directory) == nil {
            throw CommandFailure("--database-password-file is for a hub on PostgreSQL; give --database postgres://…")
        }
        var options = options
        if let file = options.databasePasswordFile {
            options.databasePasswordFile = URL(fileURLWithPath: file).standardizedFileURL.path
        } else {
            options.databasePasswordFile = recorded(recordedPasswordFileKey, in: directory)
        }
        let passwordFile = options.databasePasswordFile
        let recorded = recordedURL(directory)
        if let given = options.database {
            let location = try Self.location(given, options)
            if let recorded {
                let recordedLocation = try Self.location(recorded, options)
                guard recordedLocation.description == location.description,
                      recordedLocation.rootCertificate == location.rootCertificate else {
                    throw CommandFailure("the hub in \(directory.path) uses the database \(recordedLocation) (recorded in hub.json), not \(location); leave out --database, or give that one")
                }
                return .postgres(recordedLocation, url: recorded, passwordFile: passwordFile)
            }
            let sqliteFile = directory.appendingPathComponent("hub.sqlite").path
            if FileManager.default.fileExists(atPath: sqliteFile) {
                throw CommandFailure("the hub in \(directory.path) keeps its data in \(sqliteFile); --database is for a hub initialised on PostgreSQL (kakehashi init --data NEW_DIR --database postgres://…)")
            }
            guard initialising else {
                throw CommandFailure("no hub on PostgreSQL in \(directory.path); run `kakehashi init --data \(directory.path) --database \(location)` first")
            }
            return .postgres(location, url: given, passwordFile: passwordFile)
        }
        if let recorded { return .postgres(try Self.location(recorded, options), url: recorded, passwordFile: passwordFile) }
        return .sqlite
    }

    /// The `database_url` recorded in hub.json in `directory`, if any.
    static func recordedURL(_ directory: URL) -> String? { recorded(recordedKey, in: directory) }

    /// The string entry `key` of hub.json in `directory`, if any.
    static func recorded(_ key: String, in directory: URL) -> String? {
        guard let data = FileManager.default.contents(atPath: directory.appendingPathComponent("hub.json").path),
              let hub = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else { return nil }
        return hub[key] as? String
    }

    /// Records this database in hub.json (kept with its other entries), and the password file's path
    /// when there is one (so later commands need neither option again); nothing for SQLite.
    func record(in directory: URL) throws {
        guard case .postgres(_, let url, let passwordFile) = self,
              Self.recordedURL(directory) != url || Self.recorded(Self.recordedPasswordFileKey, in: directory) != passwordFile
        else { return }
        var hub = try IntakeSettings.stored(directory)
        hub[Self.recordedKey] = url
        hub[Self.recordedPasswordFileKey] = passwordFile
        try JSONSerialization.data(withJSONObject: hub, options: [.sortedKeys])
            .write(to: directory.appendingPathComponent("hub.json"), options: .atomic)
    }

    /// Parses `url` with the password from `--database-password-file` or PGPASSWORD.
    static func location(_ url: String, _ options: DatabaseOptions) throws -> PostgresLocation {
        do {
            return try PostgresLocation(url: url, environment: ProcessInfo.processInfo.environment,
                                        passwordFile: options.databasePasswordFile)
        } catch {
            throw CommandFailure("--database: \(error)")
        }
    }

    /// The database for an operator to read: its kind and location, never a password.
    func description(directory: URL) -> String {
        switch self {
        case .sqlite: return "SQLite \(directory.appendingPathComponent("hub.sqlite").path)"
        case .postgres(let location, _, _): return "PostgreSQL \(location)"
        }
    }

    /// Opens (creating the schema if needed) the hub's store; the audit key and head stay files in
    /// `directory`. A PostgreSQL store is closed (audit head written, connections closed) when the
    /// command ends (`OpenStores.closeAll`), or by its services on a server's graceful shutdown.
    /// The connection pool logs at `info` for a server (`serving`), else only warnings and errors
    /// (a one-shot command reports what went wrong itself; LOG_LEVEL overrides either).
    func open(directory: URL, serving: Bool = false) async throws -> (store: any HubStore, services: [any Service]) {
        switch self {
        case .sqlite:
            let store = try SQLiteHubStore(directory: directory)
            return (store, store.services)
        case .postgres(let location, _, _):
            var logger = Logger(label: "kakehashi.postgres")
            logger.logLevel = ProcessInfo.processInfo.environment["LOG_LEVEL"].flatMap(Logger.Level.init(rawValue:))
                ?? (serving ? .info : .warning)
            let store: PostgresHubStore
            do {
                store = try await PostgresHubStore.connect(to: location,
                                                           auditKey: directory.appendingPathComponent("audit.key"),
                                                           auditHead: directory.appendingPathComponent("audit.head"),
                                                           logger: logger)
            } catch StoreError.unavailable(let why) {
                throw CommandFailure("cannot use the hub's PostgreSQL database: \(why)")
            }
            OpenStores.register { await store.close() }
            return (store, store.services)
        }
    }
}

/// The stores this process opened that must be closed before it exits (PostgreSQL: the recorded
/// audit head written, the connections closed). SQLite stores need nothing at exit.
enum OpenStores {
    private static let closers = Mutex<[@Sendable () async -> Void]>([])

    static func register(_ close: @escaping @Sendable () async -> Void) {
        closers.withLock { $0.append(close) }
    }

    /// Closes every registered store, once.
    static func closeAll() async {
        let pending = closers.withLock { list in defer { list = [] }; return list }
        for close in pending { await close() }
    }
}
