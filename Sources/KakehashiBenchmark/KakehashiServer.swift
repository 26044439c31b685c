// KakehashiBenchmark — KakehashiServer.swift
// Owns the Kakehashi side of the benchmark: a fresh hub in a temporary data directory made by the
// real `kakehashi init` (next to this executable, built by scripts/benchmark), one member
// organisation with one user and an API token, feeds granted read/write, and the real
// `kakehashi serve` started as its own process on 127.0.0.1 with a free port, as it is deployed and
// as medallion runs — so the benchmark's HTTP client never shares the server's threads. Stopped by
// its pid (SIGTERM, then SIGKILL).
import Accounts
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import SQLiteStorage
import Storage
import TAXIIServer

/// A running Kakehashi hub that the benchmark reaches only over HTTP.
final class KakehashiServer: @unchecked Sendable {
    let directory: URL
    /// The benchmark's own connection to the hub's file, for setting up feeds and grants.
    let store: SQLiteHubStore
    let port: Int
    let token: String
    let organizationID: String
    let process: Process
    let logURL: URL

    static let apiRoot = TAXIIConfiguration().apiRootName

    private init(directory: URL, store: SQLiteHubStore, port: Int, token: String, organizationID: String,
                 process: Process, logURL: URL) {
        self.directory = directory; self.store = store; self.port = port; self.token = token
        self.organizationID = organizationID; self.process = process; self.logURL = logURL
    }

    /// The `kakehashi` executable built beside this one.
    static var executable: URL {
        URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
            .deletingLastPathComponent().appendingPathComponent("kakehashi")
    }

    /// Creates the hub and its member, starts `kakehashi serve` and waits until it listens.
    static func start(startupTimeout: Double = 60) async throws -> KakehashiServer {
        let binary = executable
        guard FileManager.default.isExecutableFile(atPath: binary.path) else {
            throw BenchmarkFailure("\(binary.path) is missing: build it with `swift build -c release --product kakehashi` (scripts/benchmark does)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-benchmark-\(UUID().uuidString.lowercased())", isDirectory: true)
        let initialise = Process()
        initialise.executableURL = binary
        initialise.arguments = ["init", "--data", directory.path]
        initialise.standardOutput = FileHandle.nullDevice
        try initialise.run()
        initialise.waitUntilExit()
        guard initialise.terminationStatus == 0 else { throw BenchmarkFailure("kakehashi init failed") }

        let store = try SQLiteHubStore(directory: directory)
        let accounts = AccountAdministration(store: store, bcryptCost: 4)
        let organization = try await accounts.addOrganization(name: "ベンチマーク組織 Benchmark Org",
                                                              sector: "電力", size: "large", country: "JP")
        _ = try await accounts.addUser(organization: organization.name, email: "bench@benchmark.example.jp",
                                       role: .member, password: "benchmark-password-\(UUID().uuidString.prefix(8))")
        let token = try await accounts.issueToken(email: "bench@benchmark.example.jp", label: "benchmark")

        let logURL = directory.appendingPathComponent("serve.log")
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
            try? FileManager.default.removeItem(at: directory)
            throw BenchmarkFailure("kakehashi serve did not start listening within \(Int(startupTimeout)) s: \(log.suffix(400))")
        }
        return KakehashiServer(directory: directory, store: store, port: port, token: token,
                               organizationID: organization.id, process: process, logURL: logURL)
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
        return files.filter { $0.lastPathComponent.hasPrefix("hub.sqlite") }.reduce(0) { total, url in
            total + ((try? url.resourceValues(forKeys: [.fileSizeKey]).fileSize) ?? 0)
        }
    }

    /// Stops the server by its pid (SIGTERM, then SIGKILL after `gracePeriod`) and removes the data
    /// directory unless `keepData`.
    func stop(keepData: Bool = false, gracePeriod: Double = 10) async {
        if process.isRunning {
            kill(process.processIdentifier, SIGTERM)
            let deadline = Date().addingTimeInterval(gracePeriod)
            while process.isRunning && Date() < deadline { try? await Task.sleep(for: .milliseconds(50)) }
            if process.isRunning {
                progress("Kakehashi: no graceful shutdown within \(Int(gracePeriod)) s; killed")
                kill(process.processIdentifier, SIGKILL)
            }
        }
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
