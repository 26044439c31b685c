// `kakehashi migrate --from … --to …`: moves a hub between SQLite and PostgreSQL (Storage.HubCopy)
// and checks the copy — the audit chain verified on both sides, every table's row count and content
// hash compared — exiting non-zero on any difference. The data directory keeps the hub's keys
// (audit.key, audit.head and the rest) in both directions; only the database moves.
import ArgumentParser
import Foundation
import PostgresStorage
import SQLiteStorage
import Storage

struct Migrate: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the hub from SQLite to PostgreSQL or back, then check the copy.",
        discussion: """
            kakehashi migrate --from DATA_DIR --to postgres://user@host:port/db
                copies DATA_DIR/hub.sqlite into the PostgreSQL database, which must be empty.
            kakehashi migrate --from postgres://user@host:port/db --to DATA_DIR
                copies the PostgreSQL database into DATA_DIR/hub.sqlite, which must not hold a hub yet.

            The data directory is the hub's, with its keys (audit.key, audit.head, anonymization.key, \
            vault.key, hub.json, samples/): they stay files there and serve both sides. To move a \
            PostgreSQL hub to a new directory, copy its data directory there first (a database_url in \
            its hub.json is removed once the copy is verified). Copied to PostgreSQL, the directory's \
            hub.json records the database (and the password file's path, if given) once the copy is \
            verified, so `kakehashi serve --data DATA_DIR` runs on it; hub.sqlite is left as it was. \
            Stop the servers while the hub moves. The password comes from PGPASSWORD or --password-file, never from the URL.

            Every object keeps its exact bytes, position, date added and version (TAXII answers and \
            `next` cursors stay the same); accounts (password and token hashes as stored), grants, \
            submissions, releases, proposals, consent, corroboration records, delivery records and the \
            audit chain are copied as they are. The source is only read. A failed copy leaves the target \
            as it was: PostgreSQL in one transaction (a database that had no schema keeps an empty one), \
            SQLite through hub.sqlite.migrating, renamed into place when complete. Afterwards the command \
            verifies the audit chain on both sides and prints each table's row count and content hash \
            on both sides; it exits non-zero on any difference.
            """)

    @Option(help: "Where the hub is: a data directory, or postgres://user@host:port/database.") var from: String
    @Option(help: "Where to copy it: postgres://user@host:port/database, or a data directory.") var to: String
    @Option(name: .customLong("password-file"), help: "A file whose first line is the database password (else PGPASSWORD).")
    var passwordFile: String?

    static func isPostgres(_ place: String) -> Bool { place.hasPrefix("postgres://") || place.hasPrefix("postgresql://") }

    func validate() throws {
        switch (Self.isPostgres(from), Self.isPostgres(to)) {
        case (false, true), (true, false): return
        case (true, true): throw ValidationError("both sides are PostgreSQL: use pg_dump and pg_restore")
        case (false, false): throw ValidationError("both sides are data directories: use `kakehashi backup`")
        }
    }

    func run() async throws {
        let toPostgres = Self.isPostgres(to)
        let data = URL(fileURLWithPath: toPostgres ? from : to, isDirectory: true)
        let url = toPostgres ? to : from
        let location: PostgresLocation
        do {
            location = try PostgresLocation(url: url, environment: ProcessInfo.processInfo.environment, passwordFile: passwordFile)
        } catch {
            throw CommandFailure("\(error)")
        }
        let database = data.appendingPathComponent("hub.sqlite").path
        let auditKey = data.appendingPathComponent("audit.key"), auditHead = data.appendingPathComponent("audit.head")
        guard FileManager.default.fileExists(atPath: auditKey.path) else {
            throw CommandFailure("no audit.key in \(data.path): the data directory keeps the hub's keys; "
                                 + (toPostgres ? "is it the hub's data directory?" : "copy the PostgreSQL hub's data directory there first"))
        }
        let sqliteName = "\(database)", postgresName = "\(location)"
        print("migrating \(toPostgres ? sqliteName : postgresName) -> \(toPostgres ? postgresName : sqliteName)")

        try await Self.refuseOccupied(toPostgres ? nil : database, location: toPostgres ? location : nil)

        // The source's audit chain must be whole: a broken one is reported and nothing is copied.
        let sourceAudit: AuditVerification
        let postgres: PostgresHubStore
        if toPostgres {
            guard FileManager.default.fileExists(atPath: database) else { throw CommandFailure("no hub in \(data.path) (no hub.sqlite)") }
            do {
                try SQLiteHubCopy.checkSource(database: database)
            } catch {
                throw CommandFailure("\(error)")
            }
            let source = try SQLiteHubStore(directory: data)
            sourceAudit = try await source.verifyAuditTrail()
            postgres = try await PostgresHubStore.connect(to: location, auditKey: auditKey, auditHead: auditHead)
        } else {
            postgres = try await PostgresHubStore.connect(to: location, auditKey: auditKey, auditHead: auditHead)
            sourceAudit = try await postgres.verifyAuditTrail()
        }
        do {
            try await migrate(toPostgres: toPostgres, postgres: postgres, database: database, data: data, sourceAudit: sourceAudit)
        } catch {
            await postgres.close()
            throw error
        }
        await postgres.close()
    }

    /// A target that holds a hub is refused before anything else happens (nothing is opened for writing).
    static func refuseOccupied(_ database: String?, location: PostgresLocation?) async throws {
        if let location, let occupied = try await PostgresHubStore.occupiedTable(at: location) {
            throw CommandFailure("\(HubCopyError.targetNotEmpty("\(location): \(occupied)"))")
        }
        if let database, FileManager.default.fileExists(atPath: database),
           let occupied = try SQLiteHubCopy.occupiedTable(database: database) {
            throw CommandFailure("\(HubCopyError.targetNotEmpty("\(database): \(occupied)"))")
        }
    }

    func migrate(toPostgres: Bool, postgres: PostgresHubStore, database: String, data: URL,
                 sourceAudit: AuditVerification) async throws {
        Self.printAudit("source", sourceAudit)
        guard sourceAudit.isIntact else {
            throw CommandFailure("the source's audit trail has \(sourceAudit.problems.count) break(s): nothing was copied")
        }
        let started = ContinuousClock.now
        let source = try await copy(toPostgres: toPostgres, postgres: postgres, database: database)
        let elapsed = started.duration(to: .now)
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print(String(format: "copied %d rows in %d tables in %.2f s (%.0f rows/s)", source.rows, source.tables.count,
                     seconds, Double(source.rows) / max(seconds, 0.001)))

        // The copy, read back on its own.
        let target: HubCopySummary
        let targetAudit: AuditVerification
        if toPostgres {
            target = try await postgres.copyReading { try await HubCopy.summary(of: $0) }
            targetAudit = try await postgres.verifyAuditTrail()
        } else {
            target = try await SQLiteHubCopy.reading(database: database) { try await HubCopy.summary(of: $0) }
            targetAudit = try await SQLiteHubStore(directory: data).verifyAuditTrail()
        }
        var differences = Self.compare(source, target)
        Self.printAudit("target", targetAudit)
        if !targetAudit.isIntact || targetAudit.entryCount != sourceAudit.entryCount || targetAudit.headHash != sourceAudit.headHash {
            differences.append("the audit trail")
        }
        guard differences.isEmpty else {
            let remove = toPostgres ? "drop and recreate the database \(postgres.location.database)" : "remove \(database)"
            throw CommandFailure("the copy differs from its source (\(differences.joined(separator: ", "))); to undo it, \(remove)")
        }
        print("the copy equals its source: \(target.rows) rows, audit trail intact on both sides")
        if !toPostgres, try Self.forgetPostgres(in: data) {
            print("hub.json in \(data.path) no longer names the PostgreSQL database: commands there use hub.sqlite")
        }
        if toPostgres {
            // The data directory now serves the hub on PostgreSQL: `kakehashi serve --data DIR` with no
            // --database (the password file's path too, when one was given; never the password).
            let passwordFile = passwordFile.map { URL(fileURLWithPath: $0).standardizedFileURL.path }
            try HubDatabase.postgres(postgres.location, url: to, passwordFile: passwordFile).record(in: data)
            print("hub.json in \(data.path) now names the PostgreSQL database: commands there use it "
                  + "(hub.sqlite is left as it was; keep it as a backup or remove it)")
        }
    }

    /// Removes the PostgreSQL database recorded in the data directory's hub.json (`database_url`,
    /// as `kakehashi init --database` records it), so that the directory's commands use the new
    /// hub.sqlite; the other entries stay. Returns whether there was one.
    static func forgetPostgres(in data: URL) throws -> Bool {
        let file = data.appendingPathComponent("hub.json")
        guard let contents = FileManager.default.contents(atPath: file.path),
              var hub = try JSONSerialization.jsonObject(with: contents) as? [String: Any],
              hub.removeValue(forKey: "database_url") != nil else { return false }
        try JSONSerialization.data(withJSONObject: hub, options: [.sortedKeys]).write(to: file, options: .atomic)
        return true
    }

    /// Copies every table, in one transaction on PostgreSQL or through a temporary file on SQLite;
    /// returns the source's summary.
    func copy(toPostgres: Bool, postgres: PostgresHubStore, database: String) async throws -> HubCopySummary {
        do {
            if toPostgres {
                return try await SQLiteHubCopy.reading(database: database) { reading in
                    try await postgres.copyWriting { writing in try await HubCopy.copy(from: reading, to: writing) }
                }
            }
            return try await postgres.copyReading { reading in
                try await SQLiteHubCopy.writing(database: database) { writing in try await HubCopy.copy(from: reading, to: writing) }
            }
        } catch {
            let kept = toPostgres ? "nothing was written to the database (one that had no schema keeps an empty one)"
                                  : "nothing was written (\(database).migrating was removed)"
            throw CommandFailure("the copy failed, \(kept): \(error)")
        }
    }

    /// Prints each table's rows and hash on both sides and the counters; returns what differs.
    static func compare(_ source: HubCopySummary, _ target: HubCopySummary) -> [String] {
        var differences: [String] = []
        print("table".padding(toLength: 26, withPad: " ", startingAt: 0) + "      source rows       target rows  source hash       target hash")
        for (mine, theirs) in zip(source.tables, target.tables) {
            let same = mine == theirs
            if !same { differences.append("table \(mine.name)") }
            print(mine.name.padding(toLength: 26, withPad: " ", startingAt: 0)
                  + String(format: "%17d %17d", mine.rows, theirs.rows)
                  + "  \(mine.hash.prefix(16))  \(theirs.hash.prefix(16))  \(same ? "same" : "DIFFERENT")")
        }
        for name in HubCopyTables.counters {
            let mine = source.counters[name] ?? 0, theirs = target.counters[name] ?? 0
            if mine != theirs { differences.append("counter \(name)") }
            print("counter \(name): \(mine) -> \(theirs)  \(mine == theirs ? "same" : "DIFFERENT")")
        }
        return differences
    }

    static func printAudit(_ side: String, _ result: AuditVerification) {
        if result.isIntact {
            let anchored = result.recordedHead.map { "recorded head: entry \($0.sequence)" } ?? "no head recorded yet"
            print("audit verify on the \(side): intact, \(result.entryCount) entries, head \(result.headHash) (\(anchored))")
        } else {
            print("audit verify on the \(side): BROKEN, \(result.problems.count) break(s)")
            for problem in result.problems.prefix(50) { print("TAMPERED: \(problem.description)") }
        }
    }
}
