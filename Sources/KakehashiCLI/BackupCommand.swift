// `kakehashi backup --to FILE`: an online copy of the hub's database, taken while the server runs,
// checked before the command reports success. A hub on PostgreSQL is backed up with pg_dump instead.
import ArgumentParser
import Foundation
import SQLiteStorage

struct Backup: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Copy the hub's database while it serves (SQLite online backup), then check the copy.",
        discussion: """
            The copy is written 0600 to a new file and checked: PRAGMA integrity_check, the same number of \
            object versions as the database held at the copied instant, and the audit chain recomputed \
            with the hub's audit key. Keep audit.key, anonymization.key, vault.key, hub.json and samples/ from the data \
            directory with it: the README's operations section describes the restore.
            """)
    @OptionGroup var data: DataOption
    @Option(help: "The file to write (must not exist).") var to: String

    func validate() throws {
        if to.isEmpty { throw ValidationError("--to needs a file name") }
    }

    func run() async throws {
        if case .postgres(let location, _, _) = try HubDatabase.resolve(data.databaseOptions, directory: data.url,
                                                                      initialising: false) {
            throw CommandFailure("""
                the hub in \(data.data) keeps its data in PostgreSQL (\(location)); back it up with pg_dump, e.g. \
                `pg_dump --format=custom --file=hub.dump --host=\(location.host) --port=\(location.port) \
                --username=\(location.username) \(location.database)` (password from PGPASSWORD), and keep the data \
                directory's audit.key, anonymization.key, vault.key, hub.json and samples/ with it (README, Operations)
                """)
        }
        let report: OnlineBackup.Report
        do {
            report = try await OnlineBackup.take(directory: data.url, to: URL(fileURLWithPath: to))
        } catch {
            throw CommandFailure("backup failed, nothing was written: \(error)")
        }
        print("backup written to \(to) (\(report.bytes) bytes, mode 0600)")
        print("checked: integrity ok; \(report.objectVersions) object versions, \(report.submissions) submissions, "
              + "\(report.organizations) organisations, \(report.users) users, \(report.feeds) feeds; "
              + "audit trail intact: \(report.audit.entryCount) entries, head \(report.audit.headHash)")
    }
}
