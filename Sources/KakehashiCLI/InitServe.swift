// `kakehashi init` and `kakehashi serve`.
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import IndicatorExtraction
import Ingestion
import Specimens
import SQLiteStorage
import Storage
import Anonymization
import HubHTTP
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
    @Option(help: "TLP level assumed for objects without a TLP marking: clear, green, amber, amber+strict or red.")
    var defaultTlp = "amber"
    @Option(help: "How many organisations must report an observable independently before it is released alone.")
    var corroborationK = 2
    @Option(help: "Largest sample accepted for the vault, in megabytes.")
    var maxSampleMb = 100
    @Option(help: "Public base URL written into links (TAXII discovery, sample downloads), e.g. https://hub.example.jp; default http://127.0.0.1:PORT of the listener. Never taken from a request's Host header.")
    var publicUrl: String?

    func validate() throws {
        if let publicUrl, !PublicAddress.isValid(publicUrl) {
            throw ValidationError("--public-url must be http:// or https:// and a host (with an optional port), e.g. https://hub.example.jp")
        }
        guard TLPLevel(rawValue: defaultTlp) != nil else {
            throw ValidationError("--default-tlp must be clear, green, amber, amber+strict or red")
        }
        guard corroborationK >= 2 else { throw ValidationError("--corroboration-k must be at least 2") }
    }

    func run() async throws {
        let hub = try await OpenedHub.open(data)
        try await serve(store: hub.store, anonymization: hub.anonymization, host: host, port: port, publicURL: publicUrl,
                        banner: nil,
                        defaultTLP: TLPLevel(rawValue: defaultTlp) ?? .amber, corroborationK: corroborationK,
                        vault: try hub.vault(data, maximumMegabytes: maxSampleMb),
                        warningLists: try HandOver.warningLists(dataDirectory: data.url))
    }
}

/// Runs the HTTP server until SIGINT/SIGTERM; prints `listening on URL` once it accepts connections.
/// On either signal the server finishes the requests in flight, the ledger writes every pending read
/// record, the audit head file is written and the database checkpointed and closed; then it returns.
func serve(store: SQLiteHubStore, anonymization: AnonymizationSettings, host: String, port: Int, publicURL: String? = nil,
           banner: (@Sendable (String) -> String)?, defaultTLP: TLPLevel = .amber, corroborationK: Int = 2,
           vault: SampleVault? = nil, warningLists: WarningLists = .bundled) async throws {
    let app = HubApplication.make(store: store, anonymization: anonymization, corroborationThreshold: corroborationK,
                                  defaultTLP: defaultTLP, vault: vault, warningLists: warningLists,
                                  host: host, port: port, publicURL: publicURL,
                                  services: store.services) { boundPort in
        let url = "http://\(host):\(boundPort)"
        var text = banner.map { $0(url) + "\n" } ?? ""
        text += "listening on \(url)  (TAXII discovery: \(url)/taxii2/)\n"
        // Unbuffered, so a supervising process sees it at once even through a pipe.
        FileHandle.standardOutput.write(Data(text.utf8))
    }
    try await app.runService()
}
