// KakehashiBenchmark — CorrelationBenchmark.swift
// Owns the correlation figures (`--correlation N`): ingest of indicator envelopes through the real
// intake and store with correlation on arrival (observable index entries extracted and written in
// the append transaction: on SQLite to the index's tail, merged in bulk, and for comparison straight
// into the value index as before the tail) against the same without, alternating rounds, each rate
// over all rounds (so the tail's merges are counted where they fall); then N observable index
// entries bulk-loaded beside the ingested versions (SQLite: one prepared statement in one
// transaction; PostgreSQL: unnest batches), and the p50/p99 of "who else has this value" (one
// `occurrences(ofValues:)` look-up) and of a whole correlation of one submission through the
// policy engine. In process, no HTTP: these are the store's and the domain's costs.
import Accounts
import Correlation
import Foundation
import GRDB
import Logging
import Ingestion
import PostgresNIO
import PostgresStorage
import SharingPolicy
@_spi(Benchmark) import SQLiteStorage
import STIX
import Storage
import Synchronization

enum CorrelationBenchmark {
    struct Outcome {
        var label: String
        var withoutIndex: Double = 0
        var withIndex: Double = 0
        /// SQLite: with the entries written straight into the value index (as before the tail).
        var withDirectIndex: Double?
        var loadSeconds: Double = 0
        var entries = 0
        var lookups: [Double] = []
        var correlations: [Double] = []
    }

    static func run(backends: [Backend], entries: Int, rounds: Int = 10, envelopes: Int = 8, batch: Int = 500) async -> String {
        #if DEBUG
        let build = "DEBUG build: figures far above release"
        #else
        let build = "release build"
        #endif
        var lines = ["== Correlation (\(build); in process, no HTTP)"]
        var postgres: PostgresServer?
        defer { postgres?.stop() }
        for backend in backends where backend != .postgres2 {
            do {
                let outcome: Outcome
                if backend == .postgres {
                    if postgres == nil { postgres = try await PostgresServer.start() }
                    outcome = try await measure(backend: backend, postgres: postgres, entries: entries, rounds: rounds,
                                                envelopes: envelopes, batch: batch)
                } else {
                    outcome = try await measure(backend: backend, postgres: nil, entries: entries, rounds: rounds,
                                                envelopes: envelopes, batch: batch)
                }
                lines.append(report(outcome))
            } catch {
                lines.append("\(backend.label): failed: \(error)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func report(_ o: Outcome) -> String {
        func p(_ values: [Double], _ q: Double) -> Double {
            guard !values.isEmpty else { return 0 }
            let sorted = values.sorted()
            return sorted[min(sorted.count - 1, Int((Double(sorted.count) * q).rounded(.up)) - 1)]
        }
        let slower = (o.withoutIndex / max(o.withIndex, 1e-9) - 1) * 100
        let direct = o.withDirectIndex.map {
            String(format: "; entries straight into the value index (before the tail): %.0f (%.1f %% slower)",
                   $0, (o.withoutIndex / max($0, 1e-9) - 1) * 100)
        } ?? ""
        return String(format: """
            %@: ingest %.0f objects/s without correlation, %.0f with (%.1f %% slower; target ≤ 15 %%)%@
            %@: %d index entries, bulk-loaded in %.1f s; value look-up p50 %.3f ms, p99 %.3f ms (target < 1 ms, %d look-ups); \
            whole correlation of a 20-value submission p50 %.2f ms, p99 %.2f ms
            """, o.label, o.withoutIndex, o.withIndex, slower, direct, o.label, o.entries, o.loadSeconds,
            p(o.lookups, 0.5) * 1000, p(o.lookups, 0.99) * 1000, o.lookups.count,
            p(o.correlations, 0.5) * 1000, p(o.correlations, 0.99) * 1000)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    static func measure(backend: Backend, postgres: PostgresServer?, entries: Int, rounds: Int, envelopes: Int,
                        batch: Int) async throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-correlation-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store: any HubStore
        var databaseURL: String?
        if let postgres {
            let url = try await postgres.createDatabase("kakehashi_correlation_\(UUID().uuidString.prefix(8).lowercased())")
            databaseURL = url
            store = try await PostgresHubStore.connect(to: try PostgresLocation(url: url),
                                                       auditKey: directory.appendingPathComponent("audit.key"),
                                                       auditHead: directory.appendingPathComponent("audit.head"))
        } else {
            store = try SQLiteHubStore(directory: directory)
        }
        defer { if let store = store as? PostgresHubStore { Task { await store.close() } } }
        var outcome = Outcome(label: backend.label)
        let accounts = AccountAdministration(store: store, bcryptCost: 4)
        let hubOrganization = try await accounts.addOrganization(name: "Kakehashi Hub", sector: "hub", size: "small")
        let organization = try await accounts.addOrganization(name: "ベンチマーク組織", sector: "電力", size: "large")
        let member = try await accounts.addUser(organization: organization.name, email: "bench@benchmark.example.jp",
                                                role: .member, password: "benchmark-\(UUID().uuidString.prefix(8))")
        let analyst = try await accounts.addUser(organization: hubOrganization.name, email: "analyst@benchmark.example.jp",
                                                 role: .hubAnalyst, password: "benchmark-\(UUID().uuidString.prefix(8))")
        let feed = try await store.createFeed(Feed(name: "BENCH", title: "Benchmark"))
        try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: organization.id, canRead: true, canWrite: true))
        let principal = Principal(user: member, organization: organization)
        let policy = PolicyEngine(store: store)

        // Ingest, the order of the ways turning each round; each way's rate over all its rounds (a
        // round in which the tail is merged counts with its merge).
        var random = CampaignLikeGenerator(state: 2026)
        let sqlite = store as? SQLiteHubStore
        // 0: without correlation, 1: with (SQLite: to the tail), 2: SQLite, straight into the value index.
        let ways = sqlite == nil ? [0, 1] : [0, 1, 2]
        var elapsed = [Double](repeating: 0, count: 3)
        for round in 0..<rounds {
            let turned = Array(ways[(round % ways.count)...] + ways[..<(round % ways.count)])
            for way in turned {
                sqlite?.benchmarkIndexesDirectly.store(way == 2, ordering: .relaxed)
                let intake = EnvelopeIntake(store: store, policy: policy, indexesObservables: way != 0)
                let bodies = (0..<envelopes).map { _ in envelope(batch, random: &random) }
                elapsed[way] += seconds(try await ContinuousClock().measure {
                    for body in bodies { _ = try await intake.submit(envelope: body, to: feed, by: principal) }
                })
            }
        }
        sqlite?.benchmarkIndexesDirectly.store(false, ordering: .relaxed)
        let objects = Double(rounds * envelopes * batch)
        outcome.withoutIndex = objects / elapsed[0]
        outcome.withIndex = objects / elapsed[1]
        if sqlite != nil { outcome.withDirectIndex = objects / elapsed[2] }

        // Bulk-load the index to `entries` rows, spread over the stored versions.
        let already = try await store.indexedObservableCount()
        let toLoad = max(0, entries - already)
        let start = ContinuousClock.now
        if let databaseURL {
            try await bulkLoadPostgres(url: databaseURL, count: toLoad)
        } else {
            try bulkLoadSQLite(path: directory.appendingPathComponent("hub.sqlite").path, count: toLoad)
        }
        outcome.loadSeconds = seconds(ContinuousClock.now - start)
        outcome.entries = try await store.indexedObservableCount()

        // Look-ups of values spread over the whole index (each held by one version), after 200 unmeasured.
        let lookups = 10_000
        for index in 0..<(lookups + 200) {
            let value = "bulk-\(Int(random.next() % UInt64(max(toLoad, 1)))).example"
            let begin = ContinuousClock.now
            let found = try await store.occurrences(ofValues: [value], limitPerValue: 1_000)
            let elapsed = seconds(ContinuousClock.now - begin)
            if toLoad > 0 && found.isEmpty { throw BenchmarkFailure("bulk value \(value) not found") }
            if index >= 200 { outcome.lookups.append(elapsed) }
        }
        // Whole correlations (own entries, exclusion lists, one look-up per value, audit entry).
        let small = try await EnvelopeIntake(store: store, policy: policy)
            .submit(envelope: envelope(20, random: &random), to: feed, by: principal)
        let desk = CorrelationDesk(store: store, policy: policy)
        let analystPrincipal = Principal(user: analyst, organization: hubOrganization)
        for index in 0..<220 {
            let begin = ContinuousClock.now
            _ = try await desk.correlations(of: small.id, for: analystPrincipal)
            if index >= 20 { outcome.correlations.append(seconds(ContinuousClock.now - begin)) }
        }
        return outcome
    }

    /// `count` indicators, each with a pattern of two values (one of them shared with about one in
    /// fifty others) and a `domain-name` SCO: the shape of a member's indicator feed.
    static func envelope(_ count: Int, random: inout CampaignLikeGenerator) -> [UInt8] {
        var objects: [String] = []
        objects.reserveCapacity(count)
        for _ in 0..<count {
            let id = UUID().uuidString.lowercased()
            let host = "h\(random.next() % 10_000_000).bench-c2.net"
            let shared = "45.\(random.next() % 200 + 10).\(random.next() % 50).\(random.next() % 250 + 1)"
            objects.append("""
                {"type":"indicator","spec_version":"2.1","id":"indicator--\(id)","created":"2026-01-01T00:00:00.000Z",\
                "modified":"2026-01-01T00:00:00.000Z","name":"C2","pattern_type":"stix","valid_from":"2026-01-01T00:00:00Z",\
                "pattern":"[domain-name:value = '\(host)'] OR [ipv4-addr:value = '\(shared)']"}
                """)
        }
        return Array("{\"type\":\"bundle\",\"id\":\"bundle--\(UUID().uuidString.lowercased())\",\"objects\":[\(objects.joined(separator: ","))]}".utf8)
    }

    static func bulkLoadSQLite(path: String, count: Int) throws {
        guard count > 0 else { return }
        var configuration = Configuration()
        configuration.busyMode = .timeout(60)
        let queue = try DatabaseQueue(path: path, configuration: configuration)
        defer { try? queue.close() }
        try queue.write { db in
            let positions = try Int64.fetchAll(db, sql: "SELECT position FROM object_version")
            guard !positions.isEmpty else { return }
            let insert = try db.makeStatement(sql: """
                INSERT INTO observable_entry (position, value_hash, kind, value, submission_id, organization_id, held_back)
                VALUES (?, ?, 'domain-name', ?, ?, ?, 0)
                """)
            // In key order (position first), so that the table's B-tree is appended to; the index
            // by value hash takes its inserts at random places whatever the order.
            try db.execute(sql: "PRAGMA cache_size = -1000000")
            for slot in 0..<positions.count {
                for index in stride(from: slot, to: count, by: positions.count) {
                    let value = "bulk-\(index).example"
                    try insert.execute(arguments: [positions[slot], KeyHash.of(value), value,
                                                   "bulk-submission-\(index / 100)", "bulk-org-\(index % 50)"])
                }
            }
        }
    }

    static func bulkLoadPostgres(url: String, count: Int) async throws {
        guard count > 0 else { return }
        let components = URLComponents(string: url)!
        let configuration = PostgresConnection.Configuration(host: "127.0.0.1", port: components.port ?? 5432,
                                                             username: components.user ?? "kakehashi", password: nil,
                                                             database: String(components.path.dropFirst()), tls: .disable)
        let logger = Logger(label: "kakehashi-benchmark.correlation")
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 7, logger: logger)
        defer { Task { try? await connection.close() } }
        var positions: [Int64] = []
        for try await position in try await connection.query("SELECT position FROM object_version", logger: logger)
            .decode(Int64.self) { positions.append(position) }
        guard !positions.isEmpty else { return }
        let chunk = 100_000
        for start in stride(from: 0, to: count, by: chunk) {
            let range = start..<min(start + chunk, count)
            let values = range.map { "bulk-\($0).example" }
            try await connection.query("""
                INSERT INTO observable_entry (position, value_hash, kind, value, submission_id, organization_id, held_back)
                SELECT p, h, 'domain-name', v, 'bulk-submission-' || (i / 100), 'bulk-org-' || (i % 50), false
                FROM unnest(\(range.map { positions[$0 % positions.count] }), \(values.map(KeyHash.of)), \(values),
                            \(range.map { Int64($0) })) AS x(p, h, v, i)
                """, logger: logger)
        }
        try await connection.query("ANALYZE observable_entry", logger: logger)
    }
}

/// xorshift, as CampaignThroughput's generator.
struct CampaignLikeGenerator {
    var state: UInt64
    mutating func next() -> UInt64 {
        state ^= state << 13; state ^= state >> 7; state ^= state << 17
        return state
    }
}
