// KakehashiBenchmark — KakehashiServer.swift
// Owns the Kakehashi side of the benchmark: a fresh hub in a temporary data directory made by the
// real `kakehashi init` (next to this executable, built by scripts/benchmark) on the backend being
// measured (SQLite, or a new database on the private PostgreSQL server), one member organisation
// with one user and an API token, feeds granted read/write, and the real `kakehashi serve` started
// as its own process (two for `postgres2`, sharing the data directory and the database, behind
// nginx) on 127.0.0.1 with a free port, as it is deployed and as medallion runs — so the
// benchmark's HTTP client never shares the server's threads. Stopped by their pids (SIGTERM, then
// SIGKILL).
import Accounts
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import PostgresStorage
import SQLiteStorage
import Storage
import TAXIIServer

/// A running Kakehashi hub that the benchmark reaches only over HTTP.
final class KakehashiServer: @unchecked Sendable {
    let backend: Backend
    let directory: URL
    /// The benchmark's own connection to the hub's database, for setting up feeds and grants.
    let store: any HubStore
    /// The port clients use: the one instance's, or nginx's in front of several.
    let port: Int
    let token: String
    /// The benchmark member's sign-in (the portal benchmark signs in with it).
    let email = "bench@benchmark.example.jp"
    let password: String
    let organizationID: String
    let processes: [Process]
    let balancer: NginxBalancer?
    /// The PostgreSQL server and database name, for a hub on PostgreSQL.
    let postgres: (server: PostgresServer, database: String)?

    static let apiRoot = TAXIIConfiguration().apiRootName

    private init(backend: Backend, directory: URL, store: any HubStore, port: Int, token: String, password: String,
                 organizationID: String,
                 processes: [Process], balancer: NginxBalancer?, postgres: (server: PostgresServer, database: String)?) {
        self.backend = backend; self.directory = directory; self.store = store; self.port = port; self.token = token
        self.password = password
        self.organizationID = organizationID; self.processes = processes; self.balancer = balancer
        self.postgres = postgres
    }

    /// The `kakehashi` executable built beside this one.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("kakehashi")
    }

    /// Creates the hub and its member on `backend` (a new database on `postgres` for the PostgreSQL
    /// backends), starts `kakehashi serve` (and nginx in front of two) and waits until it listens.
    static func start(backend: Backend = .sqlite, postgres: PostgresServer? = nil,
                      startupTimeout: Double = 60) async throws -> KakehashiServer {
        let binary = executable
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchmarkFailure("\(binary.path) is missing: build it with `swift build -c release --product kakehashi` (scripts/benchmark does)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-benchmark-\(UUID().uuidString.lowercased())", isDirectory: true)
        var arguments = ["init", "--data", directory.path]
        var database: (server: PostgresServer, database: String, url: String)?
        if backend.usesPostgres {
            guard let postgres else { throw BenchmarkFailure("no PostgreSQL server for \(backend.label)") }
            let name = "kakehashi_bench_\(backend.rawValue)_\(UUID().uuidString.prefix(8).lowercased())"
            let url = try await postgres.createDatabase(name)
            database = (postgres, name, url)
            arguments += ["--database", url]
        }
        let initialise = Process()
        initialise.executableURL = binary
        initialise.arguments = arguments
        initialise.standardOutput = FileHandle.nullDevice
        try initialise.run()
        initialise.waitUntilExit()
        guard initialise.terminationStatus == 0 else { throw BenchmarkFailure("kakehashi init \(backend.label) failed") }

        let store: any HubStore
        if let database {
            store = try await PostgresHubStore.connect(to: try PostgresLocation(url: database.url),
                                                       auditKey: directory.appendingPathComponent("audit.key"),
                                                       auditHead: directory.appendingPathComponent("audit.head"))
        } else {
            store = try SQLiteHubStore(directory: directory)
        }
        let accounts = AccountAdministration(store: store, bcryptCost: 4)
        let organization = try await accounts.addOrganization(name: "ベンチマーク組織 Benchmark Org",
                                                              sector: "電力", size: "large", country: "JP")
        let password = "benchmark-password-\(UUID().uuidString.prefix(8))"
        _ = try await accounts.addUser(organization: organization.name, email: "bench@benchmark.example.jp",
                                       role: .member, password: password)
        let token = try await accounts.issueToken(email: "bench@benchmark.example.jp", label: "benchmark")

        var processes: [Process] = []
        var ports: [Int] = []
        func abandon() async {
            for process in processes where process.isRunning { process.terminate() }
            await (store as? PostgresHubStore)?.close()
            try? FileManager.default.removeItem(at: directory)
        }
        for instance in 1...backend.instances {
            do {
                let (process, port) = try await launch(binary, directory: directory, instance: instance, startupTimeout: startupTimeout)
                processes.append(process)
                ports.append(port)
            } catch {
                await abandon()
                throw error
            }
        }
        var balancer: NginxBalancer?
        if ports.count > 1 {
            do {
                balancer = try await NginxBalancer.start(upstreams: ports)
            } catch {
                await abandon()
                throw error
            }
        }
        return KakehashiServer(backend: backend, directory: directory, store: store, port: balancer?.port ?? ports[0],
                               token: token, password: password, organizationID: organization.id, processes: processes, balancer: balancer,
                               postgres: database.map { ($0.server, $0.database) })
    }

    /// Starts one `kakehashi serve` on a free port; returns it with the port it announced.
    private static func launch(_ binary: URL, directory: URL, instance: Int,
                               startupTimeout: Double) async throws -> (Process, Int) {
        let logURL = directory.appendingPathComponent(instance == 1 ? "serve.log" : "serve-\(instance).log")
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let process = Process()
        process.executableURL = binary
        process.arguments = ["serve", "--data", directory.path, "--host", "127.0.0.1", "--port", "0"]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = try FileHandle(forWritingTo: logURL)
        try process.run()
        // The port from the "listening on http://127.0.0.1:PORT" line, read off the main thread.
        let port: Int? = await withCheckedContinuation { continuation in
            Thread.detachNewThread {
                var text = ""
                let handle = pipe.fileHandleForReading
                let deadline = Date().addingTimeInterval(startupTimeout)
                while Date() < deadline {
                    let chunk = handle.availableData
                    if chunk.isEmpty { break }
                    text += String(decoding: chunk, as: UTF8.self)
                    if let range = text.range(of: #"listening on http://127\.0\.0\.1:(\d+)"#, options: .regularExpression) {
                        let match = text[range]
                        continuation.resume(returning: Int(match.split(separator: ":").last ?? ""))
                        // Keep draining the pipe so the server never blocks on a full pipe.
                        while !handle.availableData.isEmpty {}
                        return
                    }
                }
                continuation.resume(returning: nil)
            }
        }
        guard let port, port > 0 else {
            if process.isRunning { process.terminate() }
            let log = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
            throw BenchmarkFailure("kakehashi serve did not start listening within \(Int(startupTimeout)) s: \(log.suffix(400))")
        }
        return (process, port)
    }

    /// The processes' pids, for progress lines.
    var pids: String { processes.map { String($0.processIdentifier) }.joined(separator: ", ") }

    /// A new feed the member may read and write, as a TAXII endpoint.
    func feed(named name: String) async throws -> TAXIIEndpoint {
        let feed = try await store.createFeed(Feed(name: name, title: "Benchmark \(name)",
                                                   description: "kakehashi-benchmark load", severity: .normal))
        try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: organizationID,
                                           canRead: true, canWrite: true))
        return TAXIIEndpoint(name: "Kakehashi \(backend.label)", baseURL: "http://127.0.0.1:\(port)",
                             apiRoot: "/\(Self.apiRoot)/", collectionID: feed.id,
                             authorization: "Bearer \(token)")
    }

    /// Size of the database: the SQLite files (database and WAL), or the PostgreSQL database, bytes.
    func databaseBytes() async -> Int {
        if let postgres { return await postgres.server.databaseBytes(postgres.database) }
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.fileSizeKey])) ?? []
        return files.filter { $0.lastPathComponent.hasPrefix("hub.sqlite") }.reduce(0) { total, url in
            total + ((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
    }

    /// Stops nginx and the servers by their pids (SIGTERM, then SIGKILL after `gracePeriod`), closes
    /// the benchmark's own store, and removes the data directory unless `keepData` (a PostgreSQL
    /// database goes with its server at the end of the run).
    func stop(keepData: Bool = false, gracePeriod: Double = 10) async {
        balancer?.stop()
        for process in processes where process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(gracePeriod)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning {
                progress("Kakehashi \(backend.label): no graceful shutdown within \(Int(gracePeriod)) s; killed")
                kill(process.processIdentifier, SIGKILL)
            }
        }
        await (store as? PostgresHubStore)?.close()
        if keepData {
            progress("Kakehashi \(backend.label): data kept in \(directory.path)")
        } else {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

/// A failure that ends one part of the benchmark, with a message fit for the report.
struct BenchmarkFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}

extension Result {
    var errorText: String? {
        if case .failure(let error) = self { return "\(error)" }
        return nil
    }
}
