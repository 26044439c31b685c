// KakehashiBenchmark — ComparisonRun.swift
// Owns the phases run identically against each server with the same corpus: ingest (sequential
// POSTs of envelopes), single-object GETs from concurrent clients, match[id] queries, paging the
// whole collection, match[type] queries. Every phase is bounded in requests and in wall time; a
// request that times out ends its phase, and the server is then offered a recovery (medallion is
// restarted from a snapshot) before the next phase, so one stuck request cannot hang the run.
import Foundation
import Hummingbird

/// What one server achieved in the comparison.
struct ServerResults: Sendable {
    let name: String
    /// The median of `ingestRounds` (by rate).
    var ingest = Throughput()
    /// Each ingest of the corpus, in order; the first went into the collection the later phases use.
    var ingestRounds: [Throughput] = []
    var ingestSucceeded = 0
    var ingestFailed = 0
    var paging = Throughput()
    var pageTimes: [Double] = []
    var gets = Latency()
    var idQuery = Latency()
    var typeQuery = Latency()
    /// Problems worth reading (warnings, errors, restarts).
    var notes: [String] = []
    /// Set when the server could not be measured at all.
    var unavailable: String?

    init(name: String) { self.name = name }
}

/// The comparison phases for one server.
struct ComparisonRun: Sendable {
    let client: TAXIIClient
    let options: BenchmarkOptions
    let corpus: BenchmarkCorpus
    /// Called after a phase that left the server in doubt (a timeout, a dead process). Returns the
    /// endpoint to continue with, or nil to skip the remaining phases.
    let recover: @Sendable (_ phase: String) async -> TAXIIEndpoint?

    private var clock: ContinuousClock { ContinuousClock() }
    private var probe: LatencyProbe { LatencyProbe(client: client, budget: options.phaseBudget) }

    /// Runs the phases on `start`; `freshCollections` are empty collections of the same server that
    /// receive the corpus again in the later ingest rounds, and `otherRounds` are rounds measured
    /// elsewhere (on fresh processes of a server whose speed depends on what it already holds).
    func run(on start: TAXIIEndpoint, freshCollections: [TAXIIEndpoint] = [], otherRounds: [Throughput] = []) async -> ServerResults {
        var results = ServerResults(name: start.name)
        var endpoint: TAXIIEndpoint? = start
        let name = start.name

        func after(_ phase: String, troubled: Bool) async {
            guard troubled, endpoint != nil else { return }
            endpoint = await recover(phase)
            if endpoint == nil { results.notes.append("\(name): remaining phases skipped after \(phase)") }
        }
        func skip(_ latency: inout Latency) {
            latency.skipped = "server unavailable after an earlier phase"
        }

        // The corpus is ingested once per round, each time into an empty collection (the first is
        // the one the later phases read): one ingest of 10,000 objects lasts well under a second on
        // Kakehashi, short enough for the host's noise to move it by a third, so the median is kept.
        let rounds = [start] + freshCollections.prefix(max(0, options.ingestRounds - 1 - otherRounds.count))
        progress("\(name): ingest \(Format.grouped(corpus.objects.count)) objects in envelopes of \(options.batch), \(rounds.count) round(s) into empty collections")
        for (round, collection) in rounds.enumerated() {
            var counts = ServerResults(name: name)
            let throughput = await self.ingest(on: collection, into: &counts)
            results.ingestRounds.append(throughput)
            results.notes += counts.notes
            if round == 0 { results.ingestSucceeded = counts.ingestSucceeded; results.ingestFailed = counts.ingestFailed }
            else if counts.ingestSucceeded != corpus.objects.count {
                results.notes.append("\(name): ingest round \(round + 1): \(counts.ingestSucceeded) objects succeeded, \(counts.ingestFailed) failed")
            }
            progress("  → round \(round + 1): \(Report.throughputDetail(throughput))")
            if !throughput.complete { break }
        }
        results.ingestRounds += otherRounds
        let ingest = Self.median(results.ingestRounds)
        results.ingest = ingest
        if results.ingestSucceeded + results.ingestFailed < corpus.objects.count {
            results.notes.append("\(name): ingest stopped early: \(ingest.failure ?? "?")")
        }
        if results.ingestFailed > 0 {
            results.notes.append("\(name): WARNING \(results.ingestFailed) objects were reported as failures by the server")
        }
        let first = results.ingestRounds.first ?? Throughput()
        if first.objects == 0 { endpoint = nil; results.notes.append("\(name): nothing ingested; later phases skipped") }
        await after("ingest", troubled: !first.complete)

        if let current = endpoint {
            progress("\(name): single-object GETs, \(options.concurrency) concurrent clients, up to \(Format.grouped(options.gets)) requests")
            results.gets = await probe.concurrentGets(on: current, ids: corpus.ids.randomPicks(options.gets, seed: options.seed &+ 7),
                                                      clients: options.concurrency)
            progress("  → \(results.gets.summary)")
            await after("single-object GETs", troubled: results.gets.timeouts > 0)
        } else { skip(&results.gets) }

        if let current = endpoint {
            progress("\(name): match[id] queries, up to \(options.queries)")
            let urls = corpus.ids.randomPicks(options.queries, seed: options.seed &+ 11).map {
                current.objectsURL + "?match%5Bid%5D=" + $0
            }
            results.idQuery = await probe.sequential(on: current, urls: urls, expectedCount: 1, warmUp: 3)
            progress("  → \(results.idQuery.summary)")
            await after("match[id] queries", troubled: results.idQuery.timeouts > 0)
        } else { skip(&results.idQuery) }

        if let current = endpoint {
            progress("\(name): paging the collection with limit=\(options.pageSize)")
            let (paging, times, _) = await Pager(client: client, pageSize: options.pageSize).page(on: current, expected: corpus.objects.count,
                                             budget: options.bulkBudget, reportEvery: 0)
            results.paging = paging
            results.pageTimes = times
            progress("  → \(Report.throughputDetail(paging))")
            if paging.complete && paging.objects != corpus.objects.count {
                results.notes.append("\(name): WARNING paging returned \(Format.grouped(paging.objects)) objects, the corpus has \(Format.grouped(corpus.objects.count))")
            }
            if !paging.complete { results.notes.append("\(name): paging stopped: \(paging.failure ?? "?")") }
            await after("paging", troubled: !paging.complete)
        } else { results.paging.failure = "skipped" }

        if let current = endpoint {
            progress("\(name): match[type]=indicator&limit=10 queries, up to \(options.queries)")
            let urls = Array(repeating: current.objectsURL + "?match%5Btype%5D=indicator&limit=10", count: options.queries)
            results.typeQuery = await probe.sequential(on: current, urls: urls, expectedCount: min(10, corpus.objects.count), warmUp: 0)
            progress("  → \(results.typeQuery.summary)")
            await after("match[type] queries", troubled: results.typeQuery.timeouts > 0)
        } else { skip(&results.typeQuery) }
        return results
    }

    // MARK: - Ingest

    /// The round with the median rate (the lower of the two middle ones for an even count); an
    /// incomplete round counts as slowest.
    static func median(_ rounds: [Throughput]) -> Throughput {
        guard !rounds.isEmpty else { return Throughput() }
        let ordered = rounds.sorted { ($0.rate ?? -1) < ($1.rate ?? -1) }
        return ordered[(ordered.count - 1) / 2]
    }

    func ingest(on endpoint: TAXIIEndpoint, into results: inout ServerResults) async -> Throughput {
        let envelopes = corpus.envelopes(batch: options.batch)
        var throughput = Throughput()
        let start = clock.now
        let deadline = start + .seconds(options.bulkBudget)
        var posted = 0
        for (index, envelope) in envelopes.enumerated() {
            let size = min(options.batch, corpus.objects.count - index * options.batch)
            if clock.now >= deadline {
                throughput.failure = "the \(Format.seconds(options.bulkBudget)) time budget ran out"
                break
            }
            do {
                let response = try await client.post(envelope, to: endpoint)
                guard response.status == 202 || response.status == 200 else {
                    throughput.failure = "POST objects answered \(response.status): \(response.excerpt)"
                    break
                }
                if let status = try? StatusSummary.decode(response.body) {
                    results.ingestSucceeded += status.success_count ?? 0
                    results.ingestFailed += status.failure_count ?? 0
                } else {
                    results.notes.append("\(endpoint.name): a POST answer was not a status resource: \(response.excerpt)")
                }
                posted += size
            } catch {
                throughput.failure = "POST objects: \(error)"
                break
            }
        }
        throughput.objects = posted
        throughput.seconds = (clock.now - start).seconds
        throughput.complete = posted == corpus.objects.count
        if !throughput.complete, throughput.seconds > 0 {
            throughput.ceiling = Double(min(posted + options.batch, corpus.objects.count)) / throughput.seconds
        }
        return throughput
    }
}

extension CharacterSet {
    /// RFC 3986 unreserved characters.
    static let urlUnreserved = CharacterSet(charactersIn:
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-._~")
}

/// A progress line, flushed at once (phases can take minutes).
func progress(_ line: String) {
    print(line)
    fflush(nil)
}
