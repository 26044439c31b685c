// The `kakehashi` command: set up a hub, administer accounts and feeds, import and export STIX,
// serve TAXII, and run the demo hub.
import ArgumentParser
import Foundation

@main
struct Kakehashi: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "kakehashi",
        abstract: "Kakehashi 架け橋 — cyber-threat information-sharing hub (STIX 2.1 / TAXII 2.1).",
        subcommands: [Init.self, Serve.self, Admin.self, Import.self, Export.self, Submit.self, Extract.self, Audit.self, Demo.self])
}

/// `--data DIR`, shared by every command.
struct DataOption: ParsableArguments {
    @Option(name: .long, help: "The hub's data directory.")
    var data: String = "./kakehashi-data"

    var url: URL { URL(fileURLWithPath: data, isDirectory: true) }
}

/// An error for the operator: printed as `error: …`, exit status 1.
struct CommandFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
