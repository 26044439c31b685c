// `kakehashi init` and `kakehashi serve`.
import Alerts
import ArgumentParser
import Foundation
import Hummingbird
import Logging
import IndicatorExtraction
import Ingestion
import Specimens
import ServiceLifecycle
import SharingMetrics
import Storage
import Anonymization
import Consent
import HubHTTP
import HubServer
import Metrics

struct Init: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Create a new hub in the data directory.")
    @OptionGroup var data: DataOption
    @OptionGroup var corroboration: CorroborationOptions

    func validate() throws { try corroboration.validate() }

    func run() async throws {
        let database = try HubDatabase.resolve(data.databaseOptions, directory: data.url, initialising: true)
        let (store, _, created) = try await OpenedHub.initialise(data.url, database: database)
        print(created ? "initialised a new hub in \(data.data)" : "the hub in \(data.data) is already initialised")
        if case .postgres = database { print("database: \(database.description(directory: data.url))") }
        let settings = try IntakeSettings.update(data.url, k: corroboration.corroborationK,
                                                 sectors: corroboration.corroborationSectors,
                                                 falsePositives: corroboration.falsePositiveK, defaultTLP: nil)
        if created || corroboration.given {
            print("k-corroboration: \(settings.corroboration.organizations) organisations from at least \(settings.corroboration.sectors) sectors")
        }
        if !created && corroboration.given {
            // A raised k or sector count withdraws what no longer qualifies (serve re-checks as well).
            try await withdrawUnqualifiedCorroborations(store: store, anonymization: try HubSecrets.load(data.url),
                                                        rule: settings.corroboration)
        }
    }
}

/// `--corroboration-k` and `--corroboration-sectors` (init and serve): recorded in hub.json, so that
/// every way in (`serve`, `submit`, `import`) applies the same rule.
struct CorroborationOptions: ParsableArguments {
    @Option(help: "How many organisations must report an observable independently before it is released alone (default 3; recorded in hub.json).")
    var corroborationK: Int?
    @Option(help: "From how many different sectors those organisations must be (default 2; recorded in hub.json).")
    var corroborationSectors: Int?
    @Option(help: "How many organisations' false-positive sightings put a value on review and out of the corroborated feed (default: k; recorded in hub.json).")
    var falsePositiveK: Int?

    var given: Bool { corroborationK != nil || corroborationSectors != nil || falsePositiveK != nil }

    func validate() throws {
        if let corroborationK, corroborationK < 2 { throw ValidationError("--corroboration-k must be at least 2") }
        if let falsePositiveK, falsePositiveK < 1 { throw ValidationError("--false-positive-k must be at least 1") }
        if let corroborationSectors, corroborationSectors < 1 {
            throw ValidationError("--corroboration-sectors must be at least 1")
        }
        if let corroborationK, let corroborationSectors, corroborationSectors > corroborationK {
            throw ValidationError("--corroboration-sectors cannot exceed --corroboration-k")
        }
    }
}

struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Serve TAXII 2.1 (and the hub's HTTP interfaces).")
    @OptionGroup var data: DataOption
    @Option(help: "Address to listen on.") var host = "127.0.0.1"
    @Option(help: "Port to listen on (0 picks a free one).") var port = 8080
    @Option(help: "TLP level assumed for objects without a TLP marking: clear, green, amber, amber+strict or red (default amber; recorded in hub.json).")
    var defaultTlp: String?
    @OptionGroup var corroboration: CorroborationOptions
    @Option(help: "Largest sample accepted for the vault, in megabytes.")
    var maxSampleMb = 100
    @Option(help: "Public base URL written into links (TAXII discovery, sample downloads), e.g. https://hub.example.jp; default http://127.0.0.1:PORT of the listener. Never taken from a request's Host header.")
    var publicUrl: String?
    @Option(help: "Directory of RIR delegated-extended statistics files (*.txt) the daily metrics take countries from (default DATA/rir; scripts/fetch-rir-stats).")
    var rirDir: String?

    func validate() throws {
        if let publicUrl, !PublicAddress.isValid(publicUrl) {
            throw ValidationError("--public-url must be http:// or https:// and a host (with an optional port), e.g. https://hub.example.jp")
        }
        if let defaultTlp, TLPLevel(rawValue: defaultTlp) == nil {
            throw ValidationError("--default-tlp must be clear, green, amber, amber+strict or red")
        }
        try corroboration.validate()
    }

    func run() async throws {
        // Before the store opens: its read/write timings and write queue report into the hub's registry.
        let metrics = HubMetrics()
        MetricsSystem.bootstrap(metrics.factory)
        let rir = rirDir.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? data.url.appendingPathComponent("rir", isDirectory: true)
        let countries: CountryTable
        do {
            countries = try CountryTable.load(directory: rir)
        } catch {
            throw CommandFailure("cannot read the RIR statistics in \(rir.path): \(error.localizedDescription)")
        }
        let hub = try await OpenedHub.open(data, serving: true)
        // Options given are recorded in hub.json: `kakehashi submit` beside this server applies the same.
        let settings = try IntakeSettings.update(data.url, k: corroboration.corroborationK,
                                                 sectors: corroboration.corroborationSectors,
                                                 falsePositives: corroboration.falsePositiveK,
                                                 defaultTLP: defaultTlp.flatMap(TLPLevel.init(rawValue:)))
        try await withdrawUnqualifiedCorroborations(store: hub.store, anonymization: hub.anonymization,
                                                    rule: settings.corroboration)
        // Versions stored before the observable index get their entries in the background, chunk by
        // chunk while the server answers (`kakehashi correlation reindex` does the same and waits).
        let backfill = Task.detached(priority: .utility) { [store = hub.store, defaultTLP = settings.defaultTLP] in
            do {
                guard try await store.observableBackfillProgress() != nil else { return }
                try await ObservableIndexBackfill(store: store, defaultTLP: defaultTLP).run()
            } catch is CancellationError {
            } catch {
                FileHandle.standardError.write(Data("observable index backfill stopped (resumes at the next start, or run `kakehashi correlation reindex`): \(error)\n".utf8))
            }
        }
        defer { backfill.cancel() }
        // The observable index's tail (entries written on arrival) is merged into its main part in
        // bulk when the hub is quiet (nothing added for a minute) or the tail is half full; an append
        // that leaves it full merges at once (SQLite; PostgreSQL has no tail).
        let tailMerge = Task.detached(priority: .utility) { [store = hub.store] in
            var seen = 0
            while !Task.isCancelled {
                try? await Task.sleep(for: .seconds(60))
                guard let waiting = try? await store.observableTailCount(), waiting > 0 else { seen = 0; continue }
                if waiting == seen || waiting >= 10_000 {
                    _ = try? await store.mergeObservableTail()
                    seen = 0
                } else {
                    seen = waiting
                }
            }
        }
        defer { tailMerge.cancel() }
        try await serve(store: hub.store, services: hub.services, database: hub.databaseDescription,
                        anonymization: hub.anonymization, host: host, port: port, publicURL: publicUrl,
                        banner: nil,
                        defaultTLP: settings.defaultTLP, corroboration: settings.corroboration,
                        vault: try hub.vault(data, maximumMegabytes: maxSampleMb),
                        warningLists: try HandOver.warningLists(dataDirectory: data.url), metrics: metrics,
                        countries: countries, flowConfiguration: try FlowConfiguration.load(data.url),
                        alerts: try AlertSettings.load(from: data.url.appendingPathComponent("alerts.json")))
    }
}

/// Withdraws the corroborated indicators the hub's rule and held data no longer release (released
/// under earlier rules, or before k or the sectors were raised), saying how many on stderr.
func withdrawUnqualifiedCorroborations(store: any HubStore, anonymization: AnonymizationSettings,
                                       rule: CorroborationRule) async throws {
    let withdrawn = try await Corroboration(store: store, hubIdentityID: anonymization.hubIdentityID, rule: rule)
        .withdrawUnqualified()
    if !withdrawn.isEmpty {
        FileHandle.standardError.write(Data("withdrew \(withdrawn.count) corroborated indicator(s) that the current rules (k, sectors, held values) no longer release; see the audit trail\n".utf8))
    }
}

/// Runs the HTTP server until SIGINT/SIGTERM; prints `listening on URL` once it accepts connections
/// (then `database: …`, where the hub's data is, when `database` is given).
/// On either signal the server finishes the requests in flight, the ledger writes every pending read
/// record, the audit head file is written and the database closed (SQLite: checkpointed first); then it
/// returns. `services` are the store's (see `SQLiteHubStore.services`, `PostgresHubStore.services`).
func serve(store: any HubStore, services: [any Service], database: String? = nil, anonymization: AnonymizationSettings, host: String, port: Int, publicURL: String? = nil,
           banner: (@Sendable (String) -> String)?, defaultTLP: TLPLevel = .amber,
           corroboration: CorroborationRule = .standard,
           vault: SampleVault? = nil, warningLists: WarningLists = .bundled,
           metrics: HubMetrics = HubMetrics(), countries: CountryTable = CountryTable(),
           flowConfiguration: FlowConfiguration = FlowConfiguration(),
           alerts: AlertSettings = AlertSettings()) async throws {
    let app = HubApplication.make(store: store, anonymization: anonymization, corroboration: corroboration,
                                  defaultTLP: defaultTLP, vault: vault, warningLists: warningLists,
                                  host: host, port: port, publicURL: publicURL,
                                  services: services, metrics: metrics, countries: countries,
                                  flow: flowConfiguration.flow, freshness: flowConfiguration.freshness,
                                  freshnessSweepSeconds: flowConfiguration.freshnessSweepSeconds, alerts: alerts) { boundPort in
        let url = "http://\(host):\(boundPort)"
        var text = banner.map { $0(url) + "\n" } ?? ""
        text += "listening on \(url)  (TAXII discovery: \(url)/taxii2/)\n"
        // After the listening line, which supervisors read first: the database, without a password.
        if let database { text += "database: \(database)\n" }
        // Unbuffered, so a supervising process sees it at once even through a pipe.
        FileHandle.standardOutput.write(Data(text.utf8))
    }
    try await app.runService()
}
