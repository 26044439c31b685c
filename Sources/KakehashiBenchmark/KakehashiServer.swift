// KakehashiBenchmark — KakehashiServer.swift
// Owns the Kakehashi side of the benchmark: a fresh hub in a temporary data directory (SQLite store,
// the operator organisation and anonymisation settings as `kakehashi init` makes them, one member
// organisation with one user and an API token, feeds granted read/write), and the real HTTP
// server started in-process on 127.0.0.1 with a free port. Stopping asks the server's service group
// for a graceful shutdown (SIGUSR2, which the benchmark sends to itself; the group traps it), and
// cancels the server's task if that has not ended it within a few seconds.
import Accounts
import Anonymization
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import HubServer
import Hummingbird
import SQLiteStorage
import Storage
import TAXIIServer

/// A running Kakehashi hub that the benchmark reaches only over HTTP.
final class KakehashiServer: Sendable {
    let directory: URL
    let store: SQLiteHubStore
    let port: Int
    let token: String
    let organizationID: String
    private let serverTask: Task<Void, any Error>

    static let apiRoot = TAXIIConfiguration().apiRootName

    private init(directory: URL, store: SQLiteHubStore, port: Int, token: String, organizationID: String,
                 serverTask: Task<Void, any Error>) {
        self.directory = directory; self.store = store; self.port = port; self.token = token
        self.organizationID = organizationID; self.serverTask = serverTask
    }

    /// Creates the hub and its member, starts the server and waits until it listens.
    static func start(startupTimeout: Double = 30) async throws -> KakehashiServer {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-benchmark-\(UUID().uuidString.lowercased())", isDirectory: true)
        let store = try SQLiteHubStore(directory: directory)
        let accounts = AccountAdministration(store: store, bcryptCost: 4)
        // As `kakehashi init` sets a hub up: the operator's organisation, the hub's STIX identity and
        // a random anonymisation key.
        _ = try await store.createOrganization(Organization(name: "Kakehashi Hub", sector: "hub", country: "JP"))
        var generator = SystemRandomNumberGenerator()
        let anonymization = AnonymizationSettings(
            hubIdentityID: "identity--\(UUID().uuidString.lowercased())",
            idKey: (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) })
        let organization = try await accounts.addOrganization(name: "ベンチマーク組織 Benchmark Org",
                                                              sector: "電力", size: "large", country: "JP")
        _ = try await accounts.addUser(organization: organization.name, email: "bench@benchmark.example.jp",
                                       role: .member, password: "benchmark-password-\(UUID().uuidString.prefix(8))")
        let token = try await accounts.issueToken(email: "bench@benchmark.example.jp", label: "benchmark")

        // The shutdown signal must never take its default action (ending the benchmark); the service
        // group ignores it too once it traps it.
        signal(SIGUSR2, SIG_IGN)
        let (ports, continuation) = AsyncStream.makeStream(of: Int.self)
        let app = HubApplication.make(store: store, taxii: TAXIIConfiguration(), anonymization: anonymization,
                                      host: "127.0.0.1", port: 0) { port in
            continuation.yield(port)
            continuation.finish()
        }
        let task = Task {
            defer { continuation.finish() }
            try await app.runService(gracefulShutdownSignals: [.sigusr2])
        }
        // The first port reported, or nil if the server ended (or never started) in time.
        let port: Int? = await withTaskGroup(of: Int?.self) { group in
            group.addTask { await ports.first { _ in true } }
            group.addTask {
                try? await Task.sleep(for: .seconds(startupTimeout))
                return nil
            }
            let first = await group.next() ?? nil
            group.cancelAll()
            return first
        }
        guard let port, port > 0 else {
            task.cancel()
            let failure = await task.result
            try? FileManager.default.removeItem(at: directory)
            throw BenchmarkFailure("the Kakehashi server did not start listening within \(Int(startupTimeout)) s"
                                   + (failure.errorText.map { ": \($0)" } ?? ""))
        }
        return KakehashiServer(directory: directory, store: store, port: port, token: token,
                               organizationID: organization.id, serverTask: task)
    }

    /// A new feed the member may read and write, as a TAXII endpoint.
    func feed(named name: String) async throws -> TAXIIEndpoint {
        let feed = try await store.createFeed(Feed(name: name, title: "Benchmark \(name)",
                                                   description: "kakehashi-benchmark load", severity: .normal))
        try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: organizationID,
                                           canRead: true, canWrite: true))
        return TAXIIEndpoint(name: "Kakehashi", baseURL: "http://127.0.0.1:\(port)",
                             apiRoot: "/\(Self.apiRoot)/", collectionID: feed.id,
                             authorization: "Bearer \(token)")
    }

    /// Size of the SQLite files (database and WAL), bytes.
    var databaseBytes: Int {
        let files = (try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: [.fileSizeKey])) ?? []
        return files.reduce(0) { total, url in
            total + ((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
    }

    /// Stops the server (graceful shutdown, else cancellation of its task) and removes the data
    /// directory unless `keepData`.
    func stop(keepData: Bool = false, gracePeriod: Double = 10) async {
        kill(getpid(), SIGUSR2)
        let serverTask = self.serverTask
        let stopped = await withTaskGroup(of: Bool.self) { group in
            group.addTask { _ = await serverTask.result; return true }
            group.addTask {
                try? await Task.sleep(for: .seconds(gracePeriod))
                return false
            }
            let first = await group.next() ?? false
            if !first { serverTask.cancel() }
            await group.waitForAll()
            return first
        }
        if !stopped { progress("Kakehashi: no graceful shutdown within \(Int(gracePeriod)) s; the server task was cancelled") }
        if keepData {
            progress("Kakehashi: data kept in \(directory.path)")
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
