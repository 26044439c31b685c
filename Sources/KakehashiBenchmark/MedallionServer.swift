// KakehashiBenchmark — MedallionServer.swift
// Owns the OASIS reference server side: a private Python venv with medallion (pip, created when
// missing), its JSON config and memory-backend data file (discovery, one API root `hub`, one
// read/write collection, one Basic-auth user), the server as a subprocess on 127.0.0.1 with a free
// port, and stopping it by its pid. After a request timed out (medallion keeps computing it), the
// server can be restarted from a snapshot holding the same objects, so later phases start clean.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// A medallion 3.x process serving one collection from its memory backend.
final class MedallionServer: @unchecked Sendable {  // used from one task at a time
    let venv: URL
    let workDirectory: URL
    let collectionID = UUID().uuidString.lowercased()
    let user = "bench"
    let password = "bench-\(UUID().uuidString.prefix(12).lowercased())"
    let pageSize: Int
    let version: String
    private(set) var port = 0
    private(set) var restarts = 0
    private var process: Process?

    static let apiRoot = "hub"

    /// Makes sure the venv holds medallion, prepares the files and starts the server.
    static func start(options: BenchmarkOptions, client: TAXIIClient) async throws -> MedallionServer {
        let venv = URL(fileURLWithPath: options.venv, isDirectory: true).standardizedFileURL
        try prepareVenv(venv, requirement: options.medallionRequirement)
        let version = (try? run(venv.appendingPathComponent("bin/python").path,
                                ["-c", "import medallion; print(medallion.__version__)"]).output)?
            .trimmingCharacters(in: .whitespacesAndNewlines) ?? "?"
        let work = FileManager.default.temporaryDirectory
            .appendingPathComponent("medallion-benchmark-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: work, withIntermediateDirectories: true)
        let server = MedallionServer(venv: venv, workDirectory: work, pageSize: options.pageSize, version: version)
        do {
            try server.writeData(objects: nil)
            try await server.launch(client: client)
        } catch {
            server.stop()
            throw error
        }
        return server
    }

    private init(venv: URL, workDirectory: URL, pageSize: Int, version: String) {
        self.venv = venv; self.workDirectory = workDirectory; self.pageSize = pageSize; self.version = version
    }

    var endpoint: TAXIIEndpoint {
        let credentials = Data("\(user):\(password)".utf8).base64EncodedString()
        return TAXIIEndpoint(name: "medallion", baseURL: "http://127.0.0.1:\(port)", apiRoot: "/\(Self.apiRoot)/",
                             collectionID: collectionID, authorization: "Basic \(credentials)")
    }

    var pid: Int32? { process?.processIdentifier }

    // MARK: - Venv

    static func prepareVenv(_ venv: URL, requirement: String) throws {
        let medallion = venv.appendingPathComponent("bin/medallion").path
        if FileManager.default.isExecutableFile(atPath: medallion) { return }
        print("  creating \(venv.path) and installing \(requirement) from PyPI …")
        fflush(nil)
        if !FileManager.default.isExecutableFile(atPath: venv.appendingPathComponent("bin/python").path) {
            let made = try run("/usr/bin/env", ["python3", "-m", "venv", venv.path])
            guard made.status == 0 else { throw BenchmarkFailure("python3 -m venv failed: \(made.output.suffix(500))") }
        }
        let pip = try run(venv.appendingPathComponent("bin/pip").path,
                          ["install", "-q", "--disable-pip-version-check", requirement])
        guard pip.status == 0, FileManager.default.isExecutableFile(atPath: medallion) else {
            throw BenchmarkFailure("pip install \(requirement) failed: \(pip.output.suffix(800))")
        }
    }

    /// Runs a command to completion; stdout and stderr together.
    static func run(_ executable: String, _ arguments: [String]) throws -> (status: Int32, output: String) {
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let data = pipe.fileHandleForReading.readDataToEndOfFile()
        process.waitUntilExit()
        return (process.terminationStatus, String(decoding: data, as: UTF8.self))
    }

    // MARK: - Configuration and data

    var configURL: URL { workDirectory.appendingPathComponent("config.json") }
    var dataURL: URL { workDirectory.appendingPathComponent("data.json") }
    var logURL: URL { workDirectory.appendingPathComponent("medallion.log") }

    /// Writes the config and the memory backend's data file; `objects` preloads the collection
    /// (with a manifest entry per object, as medallion's own POST handler would make).
    func writeData(objects: [String]?) throws {
        let config: [String: Any] = [
            "backend": ["module": "medallion.backends.memory_backend", "module_class": "MemoryBackend",
                        "filename": dataURL.path, "session_timeout": 3600, "check_interval": 10],
            "users": [user: password],
            "taxii": ["max_page_size": pageSize],
        ]
        try JSONSerialization.data(withJSONObject: config, options: [.prettyPrinted, .sortedKeys]).write(to: configURL)

        var manifest: [String] = []
        if let objects {
            manifest.reserveCapacity(objects.count)
            for (index, object) in objects.enumerated() {
                let id = BenchmarkCorpus.stixID(in: object) ?? ""
                let version = BenchmarkCorpus.member("modified", in: object)
                    ?? BenchmarkCorpus.member("created", in: object) ?? ""
                let added = String(format: "2026-01-01T%02d:%02d:%02d.%06dZ", (index / 3_600_000_000) % 24,
                                   (index / 60_000_000) % 60, (index / 1_000_000) % 60, index % 1_000_000)
                manifest.append(#"{"id":"\#(id)","date_added":"\#(added)","version":"\#(version)","media_type":"application/stix+json;version=2.1"}"#)
            }
        }
        let discovery = #"{"title":"medallion (kakehashi-benchmark)","description":"OASIS TAXII 2.1 reference server","contact":"benchmark","default":"http://127.0.0.1/\#(Self.apiRoot)/","api_roots":["http://127.0.0.1/\#(Self.apiRoot)/"]}"#
        let information = #"{"title":"benchmark root","description":"kakehashi-benchmark","versions":["application/taxii+json;version=2.1"],"max_content_length":268435456}"#
        var data = #"{"/discovery":\#(discovery),"\#(Self.apiRoot)":{"information":\#(information),"status":[],"collections":[{"id":"\#(collectionID)","title":"benchmark","description":"kakehashi-benchmark corpus","can_read":true,"can_write":true,"media_types":["application/stix+json;version=2.1"],"objects":["#
        data += (objects ?? []).joined(separator: ",")
        data += #"],"manifest":["#
        data += manifest.joined(separator: ",")
        data += "]}]}}"
        try Data(data.utf8).write(to: dataURL)
    }

    // MARK: - Process

    /// Starts medallion on a free port and waits until it answers discovery.
    func launch(client: TAXIIClient, startupTimeout: Double = 60) async throws {
        port = try freeLocalPort()
        let process = Process()
        process.executableURL = venv.appendingPathComponent("bin/medallion")
        process.arguments = ["--host", "127.0.0.1", "--port", String(port), "--log-level", "WARN", configURL.path]
        process.currentDirectoryURL = workDirectory
        _ = FileManager.default.createFile(atPath: logURL.path, contents: nil)
        let log = try FileHandle(forWritingTo: logURL)
        try log.seekToEnd()
        process.standardOutput = log
        process.standardError = log
        try process.run()
        self.process = process

        let clock = ContinuousClock()
        let deadline = clock.now + .seconds(startupTimeout)
        while clock.now < deadline {
            guard process.isRunning else {
                throw BenchmarkFailure("medallion exited at start (status \(process.terminationStatus)): \(logTail())")
            }
            if let response = try? await client.get(endpoint.discoveryURL, on: endpoint, timeout: 5), response.ok {
                return
            }
            try await Task.sleep(for: .milliseconds(200))
        }
        throw BenchmarkFailure("medallion did not answer within \(Int(startupTimeout)) s: \(logTail())")
    }

    /// Stops the running process (if any) and starts a new one holding `objects`.
    func restart(objects: [String], client: TAXIIClient) async throws {
        stopProcess()
        restarts += 1
        try writeData(objects: objects)
        try await launch(client: client)
    }

    /// The last lines medallion wrote.
    func logTail(_ characters: Int = 600) -> String {
        let text = (try? String(contentsOf: logURL, encoding: .utf8)) ?? ""
        return String(text.suffix(characters)).replacingOccurrences(of: "\n", with: " | ")
    }

    /// The exceptions medallion logged (Python traceback last lines), with how often each occurred;
    /// read before each restart and at the end, since every launch starts a new log.
    private(set) var loggedErrors: [String: Int] = [:]

    private func collectLoggedErrors() {
        guard let text = try? String(contentsOf: logURL, encoding: .utf8) else { return }
        var inTraceback = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("Traceback (most recent call last)") { inTraceback = true; continue }
            if inTraceback, let first = line.first, first != " " {
                loggedErrors[String(line.prefix(200)), default: 0] += 1
                inTraceback = false
            }
        }
    }

    /// Whether the process is alive.
    var isRunning: Bool { process?.isRunning ?? false }

    /// SIGTERM by pid, SIGKILL after 5 s if still running.
    func stopProcess() {
        guard let process else { return }
        self.process = nil
        defer { collectLoggedErrors() }
        guard process.isRunning else { return }
        let pid = process.processIdentifier
        kill(pid, SIGTERM)
        for _ in 0..<50 where process.isRunning { usleep(100_000) }
        if process.isRunning { kill(pid, SIGKILL) }
        process.waitUntilExit()
    }

    /// Stops the server and removes its files.
    func stop() {
        stopProcess()
        try? FileManager.default.removeItem(at: workDirectory)
    }
}

/// A TCP port on 127.0.0.1 that was free a moment ago (bound to port 0, read back, released).
func freeLocalPort() throws -> Int {
    #if canImport(Glibc)
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    #else
    let fd = socket(AF_INET, SOCK_STREAM, 0)
    #endif
    guard fd >= 0 else { throw BenchmarkFailure("socket() failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) }
    }
    guard bound == 0 else { throw BenchmarkFailure("bind() to 127.0.0.1:0 failed") }
    let named = withUnsafeMutablePointer(to: &address) {
        $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
    }
    guard named == 0 else { throw BenchmarkFailure("getsockname() failed") }
    return Int(UInt16(bigEndian: address.sin_port))
}
