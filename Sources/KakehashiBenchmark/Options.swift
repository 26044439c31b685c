// KakehashiBenchmark — Options.swift
// Owns the command line of `kakehashi-benchmark`: the flags, their defaults and the usage text.
// Parsed by hand (a handful of `--name value` flags); an unknown flag or a bad value is an error.
import Foundation

/// What to measure and how hard; every loop of the benchmark is bounded by these counts and budgets.
struct BenchmarkOptions: Sendable {
    /// Where the Kakehashi side keeps its data, each measured with the same workload in turn.
    var backends: [Backend] = [.sqlite]
    /// Size of the corpus both servers receive.
    var objects = 10_000
    /// Size of the Kakehashi-only large collection (0 skips it).
    var large = 1_000_000
    /// Objects per POSTed envelope for the comparison corpus.
    var batch = 500
    /// Times the corpus is ingested, each into a fresh collection; the median rate is reported.
    var ingestRounds = 3
    /// Objects per POSTed envelope for the large collection.
    var largeBatch = 5_000
    /// `limit` used when paging.
    var pageSize = 1_000
    /// Requests per filtered-query kind.
    var queries = 200
    /// Single-object GETs issued by the concurrent clients, in total.
    var gets = 20_000
    /// Concurrent clients for the single-object GETs.
    var concurrency = 16
    /// Seed of the generated corpora.
    var seed: UInt64 = 2_026
    /// Longest any one HTTP request may take before it counts as timed out.
    var requestTimeout = 60
    /// Wall-time budget of each latency phase (filtered queries, GETs).
    var phaseBudget = 40.0
    /// Wall-time budget of each bulk phase (ingest, paging) of the comparison.
    var bulkBudget = 300.0
    /// Wall-time budget of the large collection's ingest and of its paging, each.
    var largeBudget = 600.0
    /// Keep Kakehashi's data directory (the SQLite files) for inspection instead of removing it.
    var keepData = false
    /// Skip the medallion half of the comparison.
    var skipMedallion = false
    /// Only measure what members hand over: e-mails parsed per second and sample ingest MB/s.
    var submissionsOnly = false
    /// Only the `exports` workload (issue 16), at this many indicators.
    var exportsOnly = false
    var exportIndicators = 1_000_000
    /// The exports workload's polling phase: consumers (API tokens) and connections polling with If-None-Match.
    var exportConsumers = 10_000
    var exportConnections = 32
    /// Client threads driving those connections, and requests each connection has in flight.
    var exportClientThreads = 2
    var exportPipeline = 8
    /// Only the HTTP polling part of the exports workload (a minute rather than several).
    var exportPollingOnly = false
    /// How long the polling runs (seconds; default a quarter of the phase budget).
    var exportPollingSeconds: Double?
    /// Typical (~50 KB) attack e-mails parsed for the e-mail figure.
    var mailMessages = 5_000
    /// Synthetic submissions fully re-clustered for the campaign figure.
    var campaignSubmissions = 100_000
    /// Only measure campaigns on stored hubs (SQLite and PostgreSQL): re-clustering of `campaignSubmissions`.
    var storedCampaignsOnly = false
    /// Size of the sample stored in the vault for the sample-ingest figure.
    var sampleMegabytes = 100
    /// Observable index entries for the correlation figures (0: not measured); alone, like --submissions.
    var correlationEntries = 0
    /// Objects stored for the object search figures (0: not measured); alone, like --submissions.
    var searchObjects = 0
    /// Objects loaded for the portal page figures (0: not measured); alone, like --search.
    var portalObjects = 0
    /// Python virtual environment holding medallion (created when missing).
    var venv = ".build/bench-venv"
    /// The medallion release installed into a new venv.
    var medallionRequirement = "medallion==3.0.0"

    static let usage = """
        usage: kakehashi-benchmark [--objects N] [--large M] [options]

          --backends LIST      Kakehashi on sqlite, postgres (one instance), postgres2 (two instances
                               behind nginx), comma-separated, or all (default sqlite); PostgreSQL is a
                               private server with fsync on (scripts/postgres-test-server --durable)
          --objects N          corpus for the Kakehashi/medallion comparison (default 10000)
          --large M            Kakehashi-only large collection, 0 to skip (default 1000000); on every
                               single-instance backend
          --batch N            objects per POSTed envelope in the comparison (default 500)
          --ingest-rounds N    ingest the corpus N times, each into a fresh collection; median reported (default 3)
          --large-batch N      objects per POSTed envelope for the large collection (default 5000)
          --page-size N        limit used when paging (default 1000)
          --queries N          requests per filtered-query kind (default 200)
          --gets N             single-object GETs in total (default 20000), after up to 1000 unmeasured ones
          --concurrency N      concurrent clients for the single-object GETs (default 16)
          --seed N             corpus seed (default 2026)
          --timeout S          per-request timeout in seconds (default 60)
          --phase-budget S     wall-time budget of each latency phase (default 40)
          --bulk-budget S      wall-time budget of comparison ingest and paging, each (default 300)
          --large-budget S     wall-time budget of large ingest and large paging, each (default 600)
          --skip-medallion     measure Kakehashi only
          --submissions        only measure submissions: e-mail parsing and sample vault ingest
          --mail N             ~50 KB attack e-mails parsed for the e-mail figure (default 5000)
          --campaigns N        synthetic submissions clustered for the campaign figure (default 100000)
          --stored-campaigns   only measure campaigns on stored hubs: re-clustering --campaigns N stored submissions
                               on SQLite and PostgreSQL (private server), and placing one arrival
          --sample-mb N        sample size for the vault ingest figure (default 100)
          --exports            only the exports workload: Suricata/RPZ writers, full and incremental
                               exports through SQLite, cached conditional checks
          --export-indicators N  indicators of the exports workload (default 1000000)
          --export-consumers N   API tokens polling the RPZ export with If-None-Match over HTTP (default 10000; 0: not measured)
          --export-connections N keep-alive connections those polls share (default 32)
          --export-client-threads N  client threads driving them (default 2; the client shares the cores)
          --export-pipeline N    pipelined requests in flight on each connection (default 8)
          --export-polling-only  only the HTTP polling part of --exports
          --export-polling-seconds S  how long the polling runs (default 10)
          --correlation N      only measure correlation: ingest with and without the observable index,
                               then N index entries (e.g. 10000000) and the look-up p50/p99, on --backends
          --portal N           only measure the portal's pages: N indicators loaded through TAXII, a member
                               signed in, p50/p99 of each page (sequential, loopback), on --backends
          --search N           only measure object search: N objects with Japanese/English text, then
                               search p50/p99 through the policy engine, on --backends
          --keep-data          keep Kakehashi's data directories (SQLite files) and print their paths
          --venv PATH          Python venv for medallion (default .build/bench-venv)
        """

    struct UsageError: Error, CustomStringConvertible {
        let description: String
    }

    static func parse(_ arguments: [String]) throws -> BenchmarkOptions {
        var options = BenchmarkOptions()
        var rest = arguments[...]
        func value(_ flag: String) throws -> String {
            guard let next = rest.popFirst() else { throw UsageError(description: "\(flag) needs a value") }
            return next
        }
        func count(_ flag: String, minimum: Int) throws -> Int {
            let text = try value(flag).replacingOccurrences(of: "_", with: "")
            guard let number = Int(text), number >= minimum else {
                throw UsageError(description: "\(flag) takes a whole number ≥ \(minimum) (got \(text))")
            }
            return number
        }
        func seconds(_ flag: String) throws -> Double {
            let text = try value(flag)
            guard let number = Double(text), number > 0 else {
                throw UsageError(description: "\(flag) takes a positive number of seconds (got \(text))")
            }
            return number
        }
        while let flag = rest.popFirst() {
            switch flag {
            case "--backends": options.backends = try Backend.list(try value(flag))
            case "--objects": options.objects = try count(flag, minimum: 1)
            case "--large": options.large = try count(flag, minimum: 0)
            case "--batch": options.batch = try count(flag, minimum: 1)
            case "--ingest-rounds": options.ingestRounds = try count(flag, minimum: 1)
            case "--large-batch": options.largeBatch = try count(flag, minimum: 1)
            case "--page-size": options.pageSize = try count(flag, minimum: 1)
            case "--queries": options.queries = try count(flag, minimum: 1)
            case "--gets": options.gets = try count(flag, minimum: 1)
            case "--concurrency": options.concurrency = try count(flag, minimum: 1)
            case "--seed": options.seed = UInt64(try count(flag, minimum: 0))
            case "--timeout": options.requestTimeout = Int(try seconds(flag).rounded(.up))
            case "--phase-budget": options.phaseBudget = try seconds(flag)
            case "--bulk-budget": options.bulkBudget = try seconds(flag)
            case "--large-budget": options.largeBudget = try seconds(flag)
            case "--skip-medallion": options.skipMedallion = true
            case "--submissions": options.submissionsOnly = true
            case "--exports": options.exportsOnly = true
            case "--export-indicators": options.exportIndicators = try count(flag, minimum: 100)
            case "--export-consumers": options.exportConsumers = try count(flag, minimum: 0)
            case "--export-connections": options.exportConnections = try count(flag, minimum: 1)
            case "--export-client-threads": options.exportClientThreads = try count(flag, minimum: 1)
            case "--export-pipeline": options.exportPipeline = try count(flag, minimum: 1)
            case "--export-polling-only": options.exportsOnly = true; options.exportPollingOnly = true
            case "--export-polling-seconds": options.exportPollingSeconds = try seconds(flag)
            case "--mail": options.mailMessages = try count(flag, minimum: 1)
            case "--campaigns": options.campaignSubmissions = try count(flag, minimum: 10)
            case "--stored-campaigns": options.storedCampaignsOnly = true
            case "--sample-mb": options.sampleMegabytes = try count(flag, minimum: 1)
            case "--correlation": options.correlationEntries = try count(flag, minimum: 1)
            case "--search": options.searchObjects = try count(flag, minimum: 1)
            case "--portal": options.portalObjects = try count(flag, minimum: 1)
            case "--keep-data": options.keepData = true
            case "--venv": options.venv = try value(flag)
            case "-h", "--help": throw UsageError(description: "")
            default: throw UsageError(description: "unknown option \(flag)")
            }
        }
        return options
    }
}
