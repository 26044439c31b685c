// KakehashiBenchmark — ExportPolling.swift
// Owns the exports workload's HTTP polling figure (issue 16: > 20,000 conditional requests/s
// answered 304 on 2 cores): a real `kakehashi serve` on SQLite holding 100,000 indicators its member
// may read, N API tokens of that member (each request authenticated and passed through the
// per-token rate limiter), and M keep-alive connections, one thread each, cycling through the tokens
// with `If-None-Match` on the RPZ export. Client and server share the host's cores. Prints, asserts nothing.
import Accounts
import AsyncHTTPClient
import Foundation
import NIOCore
import Storage

enum ExportPolling {
    static func run(consumers: Int, connections: Int, seconds: Double, indicators: Int = 100_000) async -> String {
        do {
            return try await measure(consumers: consumers, connections: connections, seconds: max(5, seconds), indicators: indicators)
        } catch {
            return "export polling over HTTP: not measured (\(error))"
        }
    }

    static func measure(consumers: Int, connections: Int, seconds: Double, indicators: Int) async throws -> String {
        let server = try await KakehashiServer.start()
        do {
            let result = try await poll(server, consumers: consumers, connections: connections, seconds: seconds, indicators: indicators)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func poll(_ server: KakehashiServer, consumers: Int, connections: Int, seconds: Double, indicators: Int) async throws -> String {
        let endpoint = try await server.feed(named: "EXPORTS")
        let feed = try await server.store.feed(id: endpoint.collectionID)!
        try await ExportThroughput.append(store: server.store, feed: feed, range: 0..<indicators, organization: server.organizationID)
        let accounts = AccountAdministration(store: server.store, bcryptCost: 4)
        var tokens = [server.token]
        let issue = try await ContinuousClock().measure {
            while tokens.count < consumers {
                tokens.append(try await accounts.issueToken(email: server.email, label: "consumer \(tokens.count)"))
            }
        }
        progress("export polling: \(tokens.count) tokens issued in \(String(format: "%.1f", ExportThroughput.seconds(issue))) s")
        let path = "/api/v1/feeds/EXPORTS/export?format=rpz"
        // The first GET builds the document and gives the ETag.
        let client = HTTPClient(eventLoopGroupProvider: .singleton)
        var request = HTTPClientRequest(url: "http://127.0.0.1:\(server.port)\(path)")
        request.headers.add(name: "Authorization", value: "Bearer \(server.token)")
        var first = Duration.zero
        var etag: String?
        var values = ""
        do {
            let started = ContinuousClock.now
            let response = try await client.execute(request, timeout: .seconds(600))
            _ = try await response.body.collect(upTo: 1 << 30)
            first = ContinuousClock.now - started
            etag = response.headers.first(name: "ETag")
            values = response.headers.first(name: "X-Kakehashi-Export-Values") ?? "?"
        } catch {
            try? await client.shutdown()
            throw error
        }
        try await client.shutdown()
        guard let etag else { throw BenchmarkFailure("the export answered without an ETag") }
        let port = UInt16(server.port)
        let shared = tokens
        let deadline = Date().addingTimeInterval(seconds)
        let started = Date()
        let counts = await onThreads(connections) { worker -> (notModified: Int, other: Int) in
            let connection = BlockingHTTPConnection(port: port, timeoutSeconds: 60)
            var notModified = 0, other = 0, index = worker
            while Date() < deadline {
                let token = shared[index % shared.count]
                index += connections
                if let response = try? connection.get(path, headers: [("Authorization", "Bearer \(token)"), ("If-None-Match", etag)]),
                   response.status == 304 { notModified += 1 } else { other += 1 }
            }
            connection.close()
            return (notModified, other)
        }
        let elapsed = Date().timeIntervalSince(started)
        let notModified = counts.reduce(0) { $0 + $1.notModified }, other = counts.reduce(0) { $0 + $1.other }
        return "export polling over HTTP (SQLite, \(indicators) indicators, RPZ, \(values) values; first GET "
            + String(format: "%.2f s): %d tokens on %d keep-alive connections with If-None-Match for %.0f s: %.0f requests/s answered 304 (%d), %d other answers",
                     ExportThroughput.seconds(first), tokens.count, connections, elapsed, Double(notModified) / elapsed, notModified, other)
    }
}
