// The `kakehashi` command: set up a hub, administer accounts and feeds, import and export STIX,
// serve TAXII, and run the demo hub.
import ArgumentParser
import Foundation

@main
struct Kakehashi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kakehashi",
        abstract: "Kakehashi 架け橋 — cyber-threat information-sharing hub (STIX 2.1 / TAXII 2.1).",
        subcommands: [Init.self, Serve.self, Admin.self, Import.self, Export.self, Submit.self, Extract.self, CampaignsCommand.self, CorrelationsCommand.self, CorrelationCommand.self, MetricsCommand.self, SightingsCommand.self, AlertsCommand.self, FreshnessCommand.self, Audit.self, Backup.self, Migrate.self, Demo.self])

    /// Runs the command with the file-creation mask 077: everything the hub writes (the database and
    /// its -wal/-shm files, hub.json, samples, exports) holds members' data or the hub's secrets, so it
    /// is 0600 (directories 0700) whatever the directory or the operator's shell umask would allow.
    /// SQLite gives -wal and -shm the mode of the database file, so those follow.
    ///
    /// A store the command opened on PostgreSQL is closed before the process exits (OpenStores), on
    /// success and on failure alike.
    static func main() async {
        umask(0o077)
        do {
            var command = try await asyncParseAsRoot(nil)
            if var asyncCommand = command as? any AsyncParsableCommand {
                try await asyncCommand.run()
            } else {
                try command.run()
            }
            await OpenStores.closeAll()
        } catch {
            await OpenStores.closeAll()
            exit(withError: error)
        }
    }
}

/// `--data DIR` (and the database options), shared by every command.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The hub's data directory.")
    var data: String = "./kakehashi-data"
    @OptionGroup var databaseOptions: DatabaseOptions

    var url: URL { URL(fileURLWithPath: data, isDirectory: true) }
}

/// An error for the operator: printed as `error: …`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
