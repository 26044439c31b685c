// KakehashiBenchmark — BenchmarkRun.swift
// Owns the order of the whole run: the corpus; then for each backend in turn (SQLite, PostgreSQL
// with one instance, with two behind nginx) Kakehashi started as its own process(es), the
// comparison phases and the large collection (single-instance backends), then stopped; then
// medallion (started as a subprocess, always stopped by its pid, restarted from a snapshot when a
// request timed out); then the report. The private PostgreSQL server is started before the first
// PostgreSQL backend and stopped by its pid at the end.
import Foundation

struct BenchmarkRun {
    let options: BenchmarkOptions

    /// Runs everything and prints the report; returns the process exit status.
    func run() async -> Int32 {
        let machine = MachineDescription.current()
        Report.header(options: options, machine: machine)

        let clock = ContinuousClock()
        let generationStart = clock.now
        let corpus = BenchmarkCorpus(count: options.objects, seed: options.seed)
        let generation = (clock.now - generationStart).seconds
        progress("corpus: \(Format.grouped(corpus.objects.count)) indicators, \(String(format: "%.1f", corpus.megabytes)) MiB, generated in \(Format.seconds(generation))")
        if Set(corpus.ids).count != corpus.ids.count || corpus.ids.contains("") {
            progress("WARNING: the corpus has duplicate or missing ids; counts below will not match")
        }

        let client = TAXIIClient.make(connections: options.concurrency * 2, timeout: options.requestTimeout)
        var medallionResults = ServerResults(name: "medallion")
        var medallionVersion: String?
        var measured: [BackendResults] = []

        var postgres: PostgresServer?
        for backend in options.backends {
            var results = BackendResults(backend: backend)
            results.loadBefore = loadAverage()
            progress("== Kakehashi \(backend.label) (load average \(results.loadBefore))")
            if backend.usesPostgres && postgres == nil {
                do {
                    postgres = try await PostgresServer.start()
                    progress("PostgreSQL: private server on 127.0.0.1:\(postgres!.port) (pid \(postgres!.pid)): \(postgres!.settings)")
                } catch {
                    results.comparison.unavailable = "\(error)"
                    progress("PostgreSQL: FAILED: \(error)")
                    measured.append(results)
                    continue
                }
            }
            var kakehashi: KakehashiServer?
            do {
                let server = try await KakehashiServer.start(backend: backend, postgres: postgres)
                kakehashi = server
                progress("Kakehashi \(backend.label): listening on 127.0.0.1:\(server.port)\(server.balancer == nil ? "" : " (nginx pid \(server.balancer!.process.processIdentifier))"), serve pid(s) \(server.pids), data in \(server.directory.path)")
                let endpoint = try await server.feed(named: "BENCH")
                var fresh: [TAXIIEndpoint] = []
                for round in 1..<max(1, options.ingestRounds) { fresh.append(try await server.feed(named: "BENCH-\(round + 1)")) }
                let comparison = ComparisonRun(client: client, options: options, corpus: corpus,
                                               recover: { _ in endpoint })
                results.comparison = await comparison.run(on: endpoint, freshCollections: fresh)
            } catch {
                results.comparison.unavailable = "\(error)"
                progress("Kakehashi \(backend.label): FAILED: \(error)")
            }
            // The large collection on each single-instance backend (two instances share the one database).
            if options.large > 0, backend.instances == 1, let server = kakehashi {
                results.large = await LargeCollectionRun(client: client, options: options).run(on: server)
            }
            await kakehashi?.stop(keepData: options.keepData)
            results.loadAfter = loadAverage()
            measured.append(results)
        }
        postgres?.stop()
        if postgres != nil { progress("PostgreSQL: stopped (pid \(postgres!.pid))") }
        // medallion is compared with the first backend measured (SQLite unless --backends says otherwise).
        let kakehashiResults = measured.first?.comparison ?? ServerResults(name: "Kakehashi")
        let large = measured.first?.large

        // medallion
        if options.skipMedallion {
            medallionResults.unavailable = "skipped (--skip-medallion)"
        } else {
            var medallion: MedallionServer?
            do {
                // medallion's memory backend slows down with everything it holds (a second 10,000
                // objects went in at half the rate of the first), so its extra ingest rounds each
                // run on a fresh process, stopped afterwards; the first round is the main run's.
                var extraRounds: [Throughput] = []
                for round in 1..<max(1, options.ingestRounds) {
                    let fresh = try await MedallionServer.start(options: options, client: client)
                    progress("medallion: ingest round \(round + 1) on a fresh process (pid \(fresh.pid.map(String.init) ?? "?"))")
                    var counts = ServerResults(name: "medallion")
                    let throughput = await ComparisonRun(client: client, options: options, corpus: corpus, recover: { _ in nil })
                        .ingest(on: fresh.endpoint, into: &counts)
                    fresh.stop()
                    progress("  → \(Report.throughputDetail(throughput))")
                    extraRounds.append(throughput)
                }
                let server = try await MedallionServer.start(options: options, client: client)
                medallion = server
                medallionVersion = server.version
                progress("medallion \(server.version): listening on 127.0.0.1:\(server.port) (pid \(server.pid.map(String.init) ?? "?"))")
                let recovery = MedallionRecovery(server: server, objects: corpus.objects, client: client)
                let comparison = ComparisonRun(client: client, options: options, corpus: corpus,
                                               recover: { phase in await recovery.recover(after: phase) })
                medallionResults = await comparison.run(on: server.endpoint, otherRounds: extraRounds)
                medallionResults.notes.append(contentsOf: await recovery.notes)
                if !server.isRunning { medallionResults.notes.append("medallion: the process had exited by the end: \(server.logTail())") }
            } catch {
                medallionResults.unavailable = "\(error)"
                progress("medallion: FAILED: \(error)")
            }
            medallion?.stop()
            for (error, count) in (medallion?.loggedErrors ?? [:]).sorted(by: { $0.value > $1.value }) {
                medallionResults.notes.append("medallion logged \(count)× \(error)")
            }
        }

        await client.shutdown()

        Report.results(kakehashi: kakehashiResults, medallion: medallionResults, large: large,
                       options: options, machine: machine, medallionVersion: medallionVersion)
        Report.backends(measured, options: options, postgresSettings: postgres?.settings)
        return measured.allSatisfy { $0.comparison.unavailable == nil } ? 0 : 1
    }
}

/// What one backend achieved: the comparison phases and, on a single instance, the large collection.
struct BackendResults: Sendable {
    let backend: Backend
    var comparison: ServerResults
    var large: LargeResults?
    /// Load averages when the backend's run began and ended.
    var loadBefore = "", loadAfter = ""

    init(backend: Backend) {
        self.backend = backend
        comparison = ServerResults(name: "Kakehashi \(backend.label)")
    }
}

/// Brings medallion back after a phase that timed out: the timed-out request keeps its single
/// Python process busy for minutes, so it is stopped and a fresh one is started holding the same
/// objects (written into its memory backend's data file), so that the next phase starts clean.
actor MedallionRecovery {
    let server: MedallionServer
    let objects: [String]
    let client: TAXIIClient
    private(set) var notes: [String] = []
    private let maxRestarts = 4

    init(server: MedallionServer, objects: [String], client: TAXIIClient) {
        self.server = server; self.objects = objects; self.client = client
    }

    func recover(after phase: String) async -> TAXIIEndpoint? {
        guard server.restarts < maxRestarts else {
            notes.append("medallion: not restarted after \(phase) (already restarted \(server.restarts) times)")
            return nil
        }
        progress("medallion: restarting from a snapshot of the corpus after \(phase) (the timed-out request would keep it busy)")
        do {
            try await server.restart(objects: objects, client: client)
            notes.append("medallion: restarted from a snapshot holding the corpus after \(phase)")
            return server.endpoint
        } catch {
            notes.append("medallion: restart after \(phase) failed: \(error)")
            return nil
        }
    }
}
