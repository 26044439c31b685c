// KakehashiBenchmark — LargeCollection.swift
// Owns the Kakehashi-only large-collection run: loading M indicators through TAXII POSTs (generated
// chunk by chunk, the next envelope built while the current one is in flight, so memory stays flat),
// then paging the whole collection with limit=1000 and reporting whether page time stays flat from
// the first pages through the middle to the last; finally look-ups by id (GET object, match[id]) on
// the large collection, to compare with the same look-ups on the small comparison corpus.
import DemoCorpus
import Foundation
import Hummingbird

/// The figures of the large-collection run.
struct LargeResults: Sendable {
    var target = 0
    var ingest = Throughput()
    /// Sum of POST durations only (generation excluded), seconds.
    var postSeconds = 0.0
    var succeeded = 0
    var failed = 0
    var paging = Throughput()
    var pageTimes: [Double] = []
    /// Mean time (seconds) of the first, middle and last 10 pages asked for again after the pass.
    var settledPages: (first: Double?, middle: Double?, last: Double?) = (nil, nil, nil)
    var databaseBytes = 0
    /// Sequential single-object GETs of random ids of the large collection.
    var gets = Latency()
    /// Sequential `match[id]` queries of random ids of the large collection.
    var idQuery = Latency()
    var notes: [String] = []
    var unavailable: String?

    /// Mean page time (seconds) of `count` pages starting at `start`, clamped to the pages there are.
    func meanPageTime(from start: Int, count: Int) -> Double? {
        let lower = max(0, min(start, pageTimes.count - count))
        let slice = pageTimes[lower..<min(pageTimes.count, lower + count)]
        return slice.isEmpty ? nil : slice.reduce(0, +) / Double(slice.count)
    }
    var firstPages: Double? { meanPageTime(from: 0, count: 10) }
    var middlePages: Double? { meanPageTime(from: pageTimes.count / 2 - 5, count: 10) }
    var lastPages: Double? { meanPageTime(from: pageTimes.count - 10, count: 10) }
    var slowestPage: (index: Int, seconds: Double)? {
        pageTimes.enumerated().max { $0.element < $1.element }.map { ($0.offset, $0.element) }
    }
}

struct LargeCollectionRun: Sendable {
    let client: TAXIIClient
    let options: BenchmarkOptions

    func run(on server: KakehashiServer) async -> LargeResults {
        var results = LargeResults()
        results.target = options.large
        let endpoint: TAXIIEndpoint
        do {
            endpoint = try await server.feed(named: "BENCH_LARGE")
        } catch {
            results.unavailable = "could not create the feed: \(error)"
            return results
        }
        let seed = options.seed &+ 1_000_003  // other ids than the comparison corpus
        let batch = options.largeBatch
        let total = options.large
        progress("Kakehashi \(server.backend.label) large collection: loading \(Format.grouped(total)) objects in envelopes of \(Format.grouped(batch))")

        @Sendable func envelope(_ range: Range<Int>) -> ByteBuffer {
            BenchmarkCorpus.envelope(DemoCorpus.benchmarkIndicators(range: range, seed: seed))
        }
        let clock = ContinuousClock()
        let start = clock.now
        let deadline = start + .seconds(options.largeBudget)
        var loaded = 0
        var nextRange: Range<Int>? = 0..<min(batch, total)
        var pending: Task<ByteBuffer, Never>? = nextRange.map { range in Task { envelope(range) } }
        var lastReport = 0
        var lastEnvelopeSeconds = 0.0
        while let range = nextRange, let building = pending {
            if clock.now >= deadline {
                results.ingest.failure = "the \(Format.seconds(options.largeBudget)) time budget ran out"
                break
            }
            let body = await building.value
            let following = range.upperBound < total ? range.upperBound..<min(range.upperBound + batch, total) : nil
            pending = following.map { range in Task { envelope(range) } }
            nextRange = following
            do {
                let response = try await client.post(body, to: endpoint)
                guard response.status == 202 || response.status == 200 else {
                    results.ingest.failure = "POST of objects \(range) answered \(response.status): \(response.excerpt)"
                    break
                }
                results.postSeconds += response.seconds
                lastEnvelopeSeconds = response.seconds
                if let status = try? StatusSummary.decode(response.body) {
                    results.succeeded += status.success_count ?? 0
                    results.failed += status.failure_count ?? 0
                }
                loaded = range.upperBound
            } catch {
                results.ingest.failure = "POST of objects \(range): \(error)"
                break
            }
            if loaded - lastReport >= 100_000 || loaded == total {
                lastReport = loaded
                let elapsed = (clock.now - start).seconds
                progress("  … \(Format.grouped(loaded)) objects, \(Format.rate(Double(loaded) / elapsed)) objects/s, last envelope \(Format.milliseconds(lastEnvelopeSeconds)) ms")
            }
        }
        pending?.cancel()
        results.ingest.objects = loaded
        results.ingest.seconds = (clock.now - start).seconds
        results.ingest.complete = loaded == total
        if !results.ingest.complete, results.ingest.seconds > 0 {
            results.ingest.ceiling = Double(loaded + batch) / results.ingest.seconds
            results.notes.append("large ingest stopped at \(Format.grouped(loaded)) objects: \(results.ingest.failure ?? "?")")
        }
        progress("  → \(Report.throughputDetail(results.ingest)); POST time only \(Format.rate(Double(loaded) / max(results.postSeconds, 1e-9))) objects/s")
        if results.failed > 0 {
            results.notes.append("WARNING large ingest: the server reported \(results.failed) failed objects")
        }
        guard loaded > 0 else { return results }

        progress("Kakehashi \(server.backend.label) large collection: paging \(Format.grouped(loaded)) objects with limit=\(options.pageSize)")
        let pager = Pager(client: client, pageSize: options.pageSize)
        let (paging, times, urls) = await pager.page(on: endpoint, expected: loaded, budget: options.largeBudget,
                                                     reportEvery: max(1, loaded / options.pageSize / 4))
        results.paging = paging
        results.pageTimes = times
        if urls.count >= 30 {
            // The pass starts right after the load, while SQLite still copies the last commits into
            // the database file; the same pages asked for again show how a page's place in the
            // collection alone affects its time.
            let middle = urls.count / 2 - 5
            results.settledPages = (await pager.meanTime(of: urls.prefix(10), on: endpoint),
                                    await pager.meanTime(of: urls[middle..<(middle + 10)], on: endpoint),
                                    await pager.meanTime(of: urls.suffix(10), on: endpoint))
        }
        progress("  → \(Report.throughputDetail(paging))\(Report.pageDetail(times))")
        if paging.complete && paging.objects != loaded {
            results.notes.append("WARNING large paging returned \(Format.grouped(paging.objects)) objects, \(Format.grouped(loaded)) were loaded")
        }
        if !paging.complete { results.notes.append("large paging stopped: \(paging.failure ?? "?")") }
        results.databaseBytes = await server.databaseBytes()

        let lookups = options.queries
        progress("Kakehashi \(server.backend.label) large collection: \(lookups) sequential GET object and \(lookups) match[id] look-ups of random ids")
        var generator = SplitMix(seed: options.seed &+ 5)
        let ids = (0..<lookups).compactMap { _ -> String? in
            let index = Int(generator.next() % UInt64(loaded))
            return DemoCorpus.benchmarkIndicators(range: index..<(index + 1), seed: seed).first
                .flatMap(BenchmarkCorpus.stixID(in:))
        }
        let probe = LatencyProbe(client: client, budget: options.phaseBudget)
        results.gets = await probe.sequential(on: endpoint, urls: ids.map(endpoint.objectURL), expectedCount: 1, warmUp: 3)
        progress("  → GET object: \(results.gets.summary)")
        results.idQuery = await probe.sequential(on: endpoint, urls: ids.reversed().map { endpoint.objectsURL + "?match%5Bid%5D=" + $0 },
                                                 expectedCount: 1, warmUp: 3)
        progress("  → match[id]: \(results.idQuery.summary)")
        return results
    }
}
