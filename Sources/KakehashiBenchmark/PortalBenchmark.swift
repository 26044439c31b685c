// KakehashiBenchmark — PortalBenchmark.swift
// Owns the portal page figures (`--portal N`): N indicators loaded through TAXII into a feed the
// benchmark member reads, the member signed in through the portal's own form (CSRF token included),
// then each page asked sequentially over loopback and its p50/p99 printed (client round trip, an
// upper bound of the server's time). Issue 15's target: every page under 50 ms at 10⁶ objects.
import AsyncHTTPClient
import DemoCorpus
import Foundation
import NIOCore
import NIOHTTP1

enum PortalBenchmark {
    static func run(options: BenchmarkOptions, objects: Int, rounds: Int = 50) async -> String {
        #if DEBUG
        let build = "DEBUG build: figures far above release"
        #else
        let build = "release build"
        #endif
        var lines = ["== Portal pages (\(build); \(objects) objects; a member signed in; \(rounds) sequential GETs a page over loopback, client round trip)"]
        let client = TAXIIClient.make(connections: 4, timeout: options.requestTimeout)
        var postgres: PostgresServer?
        for backend in options.backends where backend.instances == 1 {
            do {
                if backend.usesPostgres, postgres == nil { postgres = try await PostgresServer.start() }
                let server = try await KakehashiServer.start(backend: backend, postgres: postgres)
                do {
                    lines += try await measure(server, client: client, objects: objects, rounds: rounds,
                                               batch: options.largeBatch, seed: options.seed)
                } catch {
                    lines.append("\(backend.label): failed: \(error)")
                }
                await server.stop()
            } catch {
                lines.append("\(backend.label): failed: \(error)")
            }
        }
        postgres?.stop()
        await client.shutdown()
        return lines.joined(separator: "\n")
    }

    static func measure(_ server: KakehashiServer, client: TAXIIClient, objects: Int, rounds: Int, batch: Int,
                        seed: UInt64) async throws -> [String] {
        let endpoint = try await server.feed(named: "PORTAL")
        let loadStart = Date()
        var loaded = 0
        while loaded < objects {
            let range = loaded..<min(loaded + batch, objects)
            let response = try await client.post(BenchmarkCorpus.envelope(DemoCorpus.benchmarkIndicators(range: range, seed: seed)),
                                                 to: endpoint)
            guard response.status == 202 || response.status == 200 else {
                throw BenchmarkFailure("POST of objects \(range) answered \(response.status)")
            }
            loaded = range.upperBound
        }
        let loadSeconds = Date().timeIntervalSince(loadStart)
        progress("Kakehashi \(server.backend.label): \(loaded) objects loaded for the portal in \(Int(loadSeconds)) s "
                 + "(\(Int(Double(loaded) / max(loadSeconds, 0.001))) objects/s)")
        // Its own client: a redirect is an answer here (the sign-in's 303 carries the session cookie).
        var configuration = HTTPClient.Configuration()
        configuration.redirectConfiguration = .disallow
        configuration.decompression = .disabled
        let http = HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration)
        do {
            var lines = try await pages(server, http: http, feedID: endpoint.collectionID, loaded: loaded, rounds: rounds)
            lines.insert("  load: \(loaded) objects in \(Int(loadSeconds)) s (\(Int(Double(loaded) / max(loadSeconds, 0.001))) objects/s)",
                         at: 1)
            lines += try await afterChange(server, http: http, client: client, endpoint: endpoint, loaded: loaded, seed: seed)
            try? await http.shutdown()
            return lines
        } catch {
            try? await http.shutdown()
            throw error
        }
    }

    static func pages(_ server: KakehashiServer, http: HTTPClient, feedID: String, loaded: Int,
                      rounds: Int) async throws -> [String] {
        var browser = PortalBrowser(http: http, base: "http://127.0.0.1:\(server.port)")
        try await browser.signIn(email: server.email, password: server.password)
        // The first dashboard view computes the metrics from everything stored; later views are
        // served until something they are computed from changes (printed apart, not in p50/p99).
        let cold = try await browser.get("/portal/dashboard", timeout: .minutes(30))
        guard cold.status == 200 else { throw BenchmarkFailure("the dashboard answered \(cold.status)") }
        let feedPage = try await browser.get("/portal/feeds/\(feedID)")
        guard let range = feedPage.body.range(of: #"/portal/objects/[a-z0-9-]+--[0-9a-f-]{36}"#, options: .regularExpression) else {
            throw BenchmarkFailure("the feed page lists no object")
        }
        let object = String(feedPage.body[range].dropFirst("/portal/objects/".count))
        let pages = [
            ("home", "/portal/"), ("dashboard", "/portal/dashboard"), ("feeds", "/portal/feeds"),
            ("feed (first page)", "/portal/feeds/\(feedID)"), ("object", "/portal/objects/\(object)"),
            ("search by id", "/portal/search?q=\(object)"), ("search, full text", "/portal/search?q=%E6%94%BB%E6%92%83"),
            ("search by type", "/portal/search?type=indicator"), ("submissions", "/portal/submissions"),
            ("account", "/portal/account"),
        ]
        var lines = ["\(server.backend.label), \(loaded) objects:",
                     "  dashboard, first view (metrics computed from \(loaded) objects): \(String(format: "%.0f", cold.seconds * 1000)) ms"]
        for (name, path) in pages {
            var latency = Latency()
            var durations: [Double] = []
            for round in 0..<(rounds + 3) {
                let page = try await browser.get(path)
                guard page.status == 200 else { latency.problem("\(path) answered \(page.status)"); break }
                if round >= 3 { durations.append(page.seconds) }
            }
            latency.merge(durations)
            let p50 = latency.percentile(50).map { String(format: "%.1f", $0 * 1000) } ?? "-"
            let p99 = latency.percentile(99).map { String(format: "%.1f", $0 * 1000) } ?? "-"
            lines.append("  \(Format.padded(name, 20)) p50 \(p50) ms, p99 \(p99) ms\(latency.firstProblem.map { " (\($0))" } ?? "")")
        }
        return lines
    }
}

extension PortalBenchmark {
    /// One more submission (one indicator), then the dashboard's first view after it (the metrics
    /// caught up on the change) and the next one; `rounds` times, as p50/p99.
    static func afterChange(_ server: KakehashiServer, http: HTTPClient, client: TAXIIClient, endpoint: TAXIIEndpoint,
                            loaded: Int, seed: UInt64, rounds: Int = 20) async throws -> [String] {
        var browser = PortalBrowser(http: http, base: "http://127.0.0.1:\(server.port)")
        try await browser.signIn(email: server.email, password: server.password)
        _ = try await browser.get("/portal/dashboard", timeout: .minutes(30))
        var firsts = Latency(), nexts = Latency()
        var firstDurations: [Double] = [], nextDurations: [Double] = []
        for round in 0..<rounds {
            let range = (loaded + round)..<(loaded + round + 1)
            let response = try await client.post(BenchmarkCorpus.envelope(DemoCorpus.benchmarkIndicators(range: range, seed: seed)),
                                                 to: endpoint)
            guard response.status == 202 || response.status == 200 else {
                throw BenchmarkFailure("POST of one more object answered \(response.status)")
            }
            let first = try await browser.get("/portal/dashboard", timeout: .minutes(30))
            let second = try await browser.get("/portal/dashboard")
            guard first.status == 200, second.status == 200 else { throw BenchmarkFailure("the dashboard answered \(first.status)") }
            firstDurations.append(first.seconds); nextDurations.append(second.seconds)
        }
        firsts.merge(firstDurations); nexts.merge(nextDurations)
        func ms(_ latency: Latency, _ p: Double) -> String {
            latency.percentile(p).map { String(format: "%.1f", $0 * 1000) } ?? "-"
        }
        return ["  dashboard, first view after one more submission (\(rounds) rounds): p50 \(ms(firsts, 50)) ms, "
                + "p99 \(ms(firsts, 99)) ms; the next view p50 \(ms(nexts, 50)) ms, p99 \(ms(nexts, 99)) ms"]
    }
}

/// A signed-in portal session: cookies kept between requests.
struct PortalBrowser {
    let http: HTTPClient
    let base: String
    var cookies: [String: String] = [:]

    init(http: HTTPClient, base: String) { self.http = http; self.base = base }

    struct Page { let status: Int; let body: String; let seconds: Double }

    mutating func signIn(email: String, password: String) async throws {
        let form = try await get("/portal/sign-in")
        guard let match = form.body.range(of: #"name="csrf" value="[^"]*""#, options: .regularExpression) else {
            throw BenchmarkFailure("the sign-in page has no CSRF token")
        }
        let token = form.body[match].dropFirst(#"name="csrf" value=""#.count).dropLast()
        func encoded(_ text: some StringProtocol) -> String {
            String(text).addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
        }
        let body = "email=\(encoded(email))&password=\(encoded(password))&csrf=\(encoded(token))"
        let answer = try await send("/portal/sign-in", method: .POST, body: body)
        guard answer.status == 303 else {
            let alert = answer.body.range(of: #"role="alert"[^<]*<[^<]*"#, options: .regularExpression).map { String(answer.body[$0]) } ?? ""
            throw BenchmarkFailure("sign-in answered \(answer.status) \(alert)")
        }
    }

    mutating func get(_ path: String, timeout: TimeAmount = .seconds(60)) async throws -> Page {
        try await send(path, method: .GET, body: nil, timeout: timeout)
    }

    mutating func send(_ path: String, method: HTTPMethod, body: String?, timeout: TimeAmount = .seconds(60)) async throws -> Page {
        var request = HTTPClientRequest(url: base + path)
        request.method = method
        if !cookies.isEmpty {
            request.headers.add(name: "Cookie", value: cookies.map { "\($0.key)=\($0.value)" }.joined(separator: "; "))
        }
        request.headers.add(name: "Accept-Language", value: "ja")
        if let body {
            request.headers.add(name: "Content-Type", value: "application/x-www-form-urlencoded")
            request.body = .bytes(ByteBuffer(string: body))
        }
        let start = ContinuousClock.now
        let response = try await http.execute(request, timeout: timeout)
        let bytes = try await response.body.collect(upTo: 32 * 1024 * 1024)
        let seconds = (ContinuousClock.now - start).seconds
        for header in response.headers["set-cookie"] {
            guard let pair = header.split(separator: ";").first, let equals = pair.firstIndex(of: "=") else { continue }
            cookies[String(pair[..<equals]).trimmingCharacters(in: .whitespaces)] = String(pair[pair.index(after: equals)...])
        }
        return Page(status: Int(response.status.code), body: String(buffer: bytes), seconds: seconds)
    }
}
