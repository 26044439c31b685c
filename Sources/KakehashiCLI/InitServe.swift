// `kakehashi init` and `kakehashi serve`.
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import SQLiteStorage
import Anonymization
import HubServer

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new hub in the data directory.")
    @OptionGroup var data: DataOption

    func run() async throws {
        let (_, created) = try await OpenedHub.initialise(data.url)
        print(created ? "initialised a new hub in \(data.data)" : "the hub in \(data.data) is already initialised")
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve TAXII 2.1 (and the hub's HTTP interfaces).")
    @OptionGroup var data: DataOption
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080

    func run() async throws {
        let hub = try await OpenedHub.open(data)
        try await serve(store: hub.store, anonymization: hub.anonymization, host: host, port: port, banner: nil)
    }
}

/// Runs the HTTP server until SIGINT/SIGTERM; prints `listening on URL` once it accepts connections.
func serve(store: SQLiteHubStore, anonymization: AnonymizationSettings, host: String, port: Int,
           banner: (@Sendable (String) -> String)?) async throws {
    let app = HubApplication.make(store: store, anonymization: anonymization, host: host, port: port) { boundPort in
        let url = "http://\(host):\(boundPort)"
        var text = banner.map { $0(url) + "\n" } ?? ""
        text += "listening on \(url)  (TAXII discovery: \(url)/taxii2/)\n"
        // Unbuffered, so a supervising process sees it at once even through a pipe.
        FileHandle.standardOutput.write(Data(text.utf8))
    }
    try await app.runService()
}
