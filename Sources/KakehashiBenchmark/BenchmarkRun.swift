// KakehashiBenchmark — BenchmarkRun.swift
// Owns the order of the whole run: the corpus, Kakehashi started in-process, the comparison against
// Kakehashi, then medallion (started as a subprocess, always stopped by its pid, restarted from a
// snapshot when a request timed out), then the Kakehashi-only large collection, then the report.
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
        var kakehashiResults = ServerResults(name: "Kakehashi")
        var medallionResults = ServerResults(name: "medallion")
        var large: LargeResults?
        var medallionVersion: String?

        // Kakehashi
        var kakehashi: KakehashiServer?
        do {
            let server = try await KakehashiServer.start()
            kakehashi = server
            progress("Kakehashi: listening on 127.0.0.1:\(server.port), data in \(server.directory.path)")
            let endpoint = try await server.feed(named: "BENCH")
            var fresh: [TAXIIEndpoint] = []
            for round in 1..<max(1, options.ingestRounds) { fresh.append(try await server.feed(named: "BENCH-\(round + 1)")) }
            let comparison = ComparisonRun(client: client, options: options, corpus: corpus,
                                           recover: { _ in endpoint })
            kakehashiResults = await comparison.run(on: endpoint, freshCollections: fresh)
        } catch {
            kakehashiResults.unavailable = "\(error)"
            progress("Kakehashi: FAILED: \(error)")
        }

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

        // Kakehashi only: the large collection
        if options.large > 0, let server = kakehashi {
            large = await LargeCollectionRun(client: client, options: options).run(on: server)
        }

        await kakehashi?.stop(keepData: options.keepData)
        await client.shutdown()

        Report.results(kakehashi: kakehashiResults, medallion: medallionResults, large: large,
                       options: options, machine: machine, medallionVersion: medallionVersion)
        return kakehashiResults.unavailable == nil ? 0 : 1
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
