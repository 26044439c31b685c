// KakehashiBenchmark — ExportPolling.swift
// Owns the exports workload's HTTP polling figure (issue 16: > 20,000 conditional requests/s
// answered 304 on 2 cores): a real `kakehashi serve` on SQLite holding 100,000 indicators its member
// may read, N API tokens of that member (each request authenticated and passed through the
// per-token rate limiter), and M keep-alive connections cycling through the tokens with
// `If-None-Match` on the RPZ export, driven by a few threads with pipelined pre-built requests
// (PipelinedPolling). Client and server share the host's cores, so both processes' CPU time is
// printed with the figure. Prints, asserts nothing.
import Accounts
import AsyncHTTPClient
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import NIOCore
import Storage

enum ExportPolling {
    static func run(consumers: Int, connections: Int, threads: Int, depth: Int, seconds: Double,
                    indicators: Int = 100_000) async -> String {
        do {
            return try await measure(consumers: consumers, connections: connections, threads: threads, depth: depth,
                                     seconds: max(5, seconds), indicators: indicators)
        } catch {
            return "export polling over HTTP: not measured (\(error))"
        }
    }

    static func measure(consumers: Int, connections: Int, threads: Int, depth: Int, seconds: Double, indicators: Int) async throws -> String {
        let server = try await KakehashiServer.start()
        do {
            let result = try await poll(server, consumers: consumers, connections: connections, threads: threads, depth: depth,
                                        seconds: seconds, indicators: indicators)
            await server.stop()
            return result
        } catch {
            await server.stop()
            throw error
        }
    }

    static func poll(_ server: KakehashiServer, consumers: Int, connections: Int, threads: Int, depth: Int,
                     seconds: Double, indicators: Int) async throws -> String {
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
        // Every token's request, built once: the client's per-request work is a share of one send(2).
        let requests = tokens.map { token in
            Array("GET \(path) HTTP/1.1\r\nHost: 127.0.0.1:\(port)\r\nAuthorization: Bearer \(token)\r\nIf-None-Match: \(etag)\r\n\r\n".utf8)
        }
        let serverPID = server.processes[0].processIdentifier
        progress("export polling: server pid \(serverPID), \(connections) connections, \(threads) client threads, \(depth) requests in flight each")
        // The first pass: every token once (its first sign-in reads the store and records its use).
        let coldStarted = Date()
        let cold = await PipelinedPolling.run(port: port, requests: requests, connections: connections, threads: threads,
                                              depth: depth, until: coldStarted.addingTimeInterval(600), onePass: true)
        let coldElapsed = Date().timeIntervalSince(coldStarted)
        progress(String(format: "export polling: first pass, every token once: %.0f requests/s answered 304 (%d), %d other answers",
                        Double(cold.notModified) / coldElapsed, cold.notModified, cold.other))
        let serverBefore = CPUTime.process(serverPID), clientBefore = CPUTime.ownProcess()
        let started = Date()
        let counts = await PipelinedPolling.run(port: port, requests: requests, connections: connections, threads: threads,
                                                depth: depth, until: started.addingTimeInterval(seconds))
        let elapsed = Date().timeIntervalSince(started)
        let serverCPU = (CPUTime.process(serverPID) ?? 0) - (serverBefore ?? 0), clientCPU = CPUTime.ownProcess() - clientBefore
        return "export polling over HTTP (SQLite, \(indicators) indicators, RPZ, \(values) values; first GET "
            + String(format: "%.2f s): %d tokens on %d keep-alive connections (%d client threads, %d pipelined requests each) with If-None-Match; first pass (each token once) %.0f requests/s answered 304; then for %.0f s: %.0f requests/s answered 304 (%d), %d other answers; CPU: server %.1f s (%.0f %% of a core), client %.1f s (%.0f %%)",
                     ExportThroughput.seconds(first), tokens.count, connections, threads, depth,
                     Double(cold.notModified) / coldElapsed, elapsed,
                     Double(counts.notModified) / elapsed, counts.notModified, counts.other,
                     serverCPU, 100 * serverCPU / elapsed, clientCPU, 100 * clientCPU / elapsed)
    }
}

/// CPU time (user + system, seconds) of a process, from /proc (Linux).
enum CPUTime {
    static func process(_ pid: Int32) -> Double? {
        guard let text = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
              let close = text.lastIndex(of: ")") else { return nil }
        // Fields after the command: state is field 3, utime 14, stime 15.
        let fields = text[text.index(after: close)...].split(separator: " ")
        guard fields.count > 12, let user = Double(fields[11]), let system = Double(fields[12]) else { return nil }
        return (user + system) / Double(sysconf(Int32(_SC_CLK_TCK)))
    }

    static func ownProcess() -> Double {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        return Double(usage.ru_utime.tv_sec + usage.ru_stime.tv_sec) + Double(usage.ru_utime.tv_usec + usage.ru_stime.tv_usec) / 1e6
    }
}
