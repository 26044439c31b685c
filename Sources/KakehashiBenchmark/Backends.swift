// KakehashiBenchmark — Backends.swift
// Owns where the measured hub keeps its data and how many instances serve it: SQLite (one
// instance, as deployed by default), PostgreSQL with one instance, PostgreSQL with two instances
// behind nginx. Also the two helpers those need, both started for the run and stopped by their
// pids: a private PostgreSQL server (scripts/postgres-test-server --durable: fsync, full-page writes
// and synchronous commit on, so a commit is on disk before the hub acknowledges it) and nginx
// (Debian's nginx-light) on 127.0.0.1 with its configuration in a temporary directory, round-robin
// to the instances.
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif
import Logging
import PostgresNIO

/// A way of running the hub that the same workload is measured on.
enum Backend: String, CaseIterable, Sendable {
    case sqlite
    case postgres
    case postgres2

    /// The column heading in the report.
    var label: String {
        switch self {
        case .sqlite: return "SQLite"
        case .postgres: return "PostgreSQL ×1"
        case .postgres2: return "PostgreSQL ×2 nginx"
        }
    }

    /// `kakehashi serve` processes sharing the database.
    var instances: Int { self == .postgres2 ? 2 : 1 }
    var usesPostgres: Bool { self != .sqlite }

    /// `sqlite,postgres,postgres2` (or `all`), in the order given, without repeats.
    static func list(_ text: String) throws -> [Backend] {
        if text == "all" { return allCases }
        var backends: [Backend] = []
        for name in text.split(separator: ",").map({ $0.trimmingCharacters(in: .whitespaces) }) {
            guard let backend = Backend(rawValue: name) else {
                throw BenchmarkOptions.UsageError(description: "--backends takes a comma-separated list of sqlite, postgres, postgres2 (or all); got \(name)")
            }
            if !backends.contains(backend) { backends.append(backend) }
        }
        guard !backends.isEmpty else { throw BenchmarkOptions.UsageError(description: "--backends names no backend") }
        return backends
    }
}

/// The private PostgreSQL server of the run, made by scripts/postgres-test-server --durable.
final class PostgresServer: @unchecked Sendable {
    // @unchecked: immutable after `start`.
    /// `postgres://kakehashi@127.0.0.1:PORT/postgres?sslmode=disable` (trust authentication, no password).
    let url: String
    let port: Int
    let pid: pid_t
    let directory: String
    /// `server_version, fsync, synchronous_commit, full_page_writes, shared_buffers` as the server reports them.
    private(set) var settings = ""
    private let logger = Logger(label: "kakehashi-benchmark.postgres")

    private init(url: String, port: Int, pid: pid_t, directory: String) {
        self.url = url; self.port = port; self.pid = pid; self.directory = directory
    }

    static let script = "scripts/postgres-test-server"

    /// Starts the server (the script is run from the repository root, as scripts/benchmark does).
    static func start() async throws -> PostgresServer {
        guard FileManager.default.isExecutableFile(atPath: script) else {
            throw BenchmarkFailure("\(script) not found: run the benchmark from the repository root (scripts/benchmark does)")
        }
        // Run through system(3), which waits for the script itself: its server lives on after it.
        let outputFile = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-benchmark-postgres-\(UUID().uuidString.lowercased()).env")
        let status = system("\(script) --durable > '\(outputFile.path)' < /dev/null")
        let output = (try? String(contentsOf: outputFile, encoding: .utf8)) ?? ""
        try? FileManager.default.removeItem(at: outputFile)
        func value(_ name: String) -> String? {
            output.split(separator: "\n").first { $0.hasPrefix(name + "=") }
                .map { String($0.dropFirst(name.count + 1)).trimmingCharacters(in: CharacterSet(charactersIn: "'")) }
        }
        guard status == 0, let url = value("KAKEHASHI_TEST_POSTGRES_URL"),
              let pid = value("KAKEHASHI_TEST_POSTGRES_PID").flatMap({ pid_t($0) }),
              let directory = value("KAKEHASHI_TEST_POSTGRES_DIR"),
              let port = URLComponents(string: url)?.port else {
            throw BenchmarkFailure("\(script) --durable failed (status \(status)): \(output.suffix(400))")
        }
        let server = PostgresServer(url: url, port: port, pid: pid, directory: directory)
        do {
            let rows = try await server.withConnection { c in
                try await c.query("""
                    SELECT current_setting('server_version'), current_setting('fsync'), current_setting('synchronous_commit'),
                           current_setting('full_page_writes'), current_setting('shared_buffers')
                    """, logger: server.logger).collect()
            }
            if let row = rows.first {
                let (version, fsync, synchronous, fullPages, buffers) = try row.decode((String, String, String, String, String).self)
                server.settings = "PostgreSQL \(version), fsync=\(fsync), synchronous_commit=\(synchronous), full_page_writes=\(fullPages), shared_buffers=\(buffers)"
            }
        } catch {
            server.stop()
            throw BenchmarkFailure("the private PostgreSQL server does not answer: \(String(reflecting: error))")
        }
        return server
    }

    private func withConnection<T: Sendable>(database: String = "postgres",
                                            _ body: @Sendable (PostgresConnection) async throws -> T) async throws -> T {
        let configuration = PostgresConnection.Configuration(host: "127.0.0.1", port: port, username: "kakehashi",
                                                             password: nil, database: database, tls: .disable)
        let connection = try await PostgresConnection.connect(configuration: configuration, id: 1, logger: logger)
        do {
            let result = try await body(connection)
            try? await connection.close()
            return result
        } catch {
            try? await connection.close()
            throw error
        }
    }

    /// A new empty database; returns its URL for `kakehashi init --database`.
    func createDatabase(_ name: String) async throws -> String {
        precondition(name.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "_") })
        try await withConnection { c in
            _ = try await c.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: self.logger)
        }
        return "postgres://kakehashi@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// Size of database `name` on disk (tables, indexes, TOAST), bytes; 0 when unknown.
    func databaseBytes(_ name: String) async -> Int {
        let rows = try? await withConnection { c in
            try await c.query("SELECT pg_database_size(\(name)::name)", logger: self.logger).collect()
        }
        return (try? rows?.first?.decode(Int64.self)).map { Int($0) } ?? 0
    }

    /// Stops the server by its pid (fast shutdown) and removes its directory.
    func stop(timeout: Double = 30) {
        kill(pid, SIGINT)
        let deadline = Date().addingTimeInterval(timeout)
        while kill(pid, 0) == 0 && Date() < deadline { usleep(50_000) }
        if kill(pid, 0) == 0 { kill(pid, SIGKILL) }
        try? FileManager.default.removeItem(atPath: directory)
    }
}

/// nginx on 127.0.0.1 in front of the hub's instances: round-robin, keep-alive to the upstreams.
final class NginxBalancer: @unchecked Sendable {
    // @unchecked: immutable after `start`.
    let process: Process
    let directory: URL
    let port: Int

    private init(process: Process, directory: URL, port: Int) {
        self.process = process; self.directory = directory; self.port = port
    }

    static var executable: String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        return (path.split(separator: ":").map(String.init) + ["/usr/sbin", "/usr/local/sbin"])
            .map { $0 + "/nginx" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    }

    /// Writes the configuration into a new temporary directory and starts nginx in the foreground
    /// (`daemon off`, so that its pid is this process's child), waiting until it accepts connections.
    static func start(upstreams: [Int], timeout: Double = 20) async throws -> NginxBalancer {
        guard let binary = executable else {
            throw BenchmarkFailure("nginx not found: install Debian's nginx-light (apt-get install nginx-light)")
        }
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-benchmark-nginx-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o755])
        let port = try freeLocalPort()
        let d = directory.path
        // Workers drop to an unprivileged user when nginx starts as root (Debian has no group `nobody`).
        let user = geteuid() == 0 ? "user nobody nogroup;\n" : ""
        let configuration = """
            \(user)worker_processes 1;
            daemon off;
            pid \(d)/nginx.pid;
            error_log \(d)/error.log warn;
            events { worker_connections 1024; }
            http {
                access_log off;
                client_body_temp_path \(d)/client_body;
                proxy_temp_path \(d)/proxy;
                fastcgi_temp_path \(d)/fastcgi;
                uwsgi_temp_path \(d)/uwsgi;
                scgi_temp_path \(d)/scgi;
                client_max_body_size 200m;
                client_body_buffer_size 16m;
                proxy_buffer_size 64k;
                proxy_buffers 64 64k;
                proxy_read_timeout 600s;
                upstream kakehashi {
            \(upstreams.map { "        server 127.0.0.1:\($0);" }.joined(separator: "\n"))
                    keepalive 64;
                }
                server {
                    listen 127.0.0.1:\(port);
                    location / {
                        proxy_pass http://kakehashi;
                        proxy_http_version 1.1;
                        proxy_set_header Connection "";
                        proxy_set_header Host $http_host;
                    }
                }
            }
            """
        let file = directory.appendingPathComponent("nginx.conf")
        try configuration.write(to: file, atomically: true, encoding: .utf8)
        let process = Process()
        process.executableURL = URL(fileURLWithPath: binary)
        process.arguments = ["-p", d, "-c", file.path, "-e", "\(d)/error.log"]
        process.standardOutput = FileHandle.nullDevice
        process.standardError = FileHandle.nullDevice
        try process.run()
        let balancer = NginxBalancer(process: process, directory: directory, port: port)
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if !process.isRunning { break }
            if portAccepts(port) { return balancer }
            try await Task.sleep(for: .milliseconds(50))
        }
        let log = (try? String(contentsOf: directory.appendingPathComponent("error.log"), encoding: .utf8)) ?? ""
        balancer.stop()
        throw BenchmarkFailure("nginx did not start on 127.0.0.1:\(port): \(log.suffix(400))")
    }

    /// Stops nginx by its pid (graceful quit, then SIGKILL) and removes its directory.
    func stop(gracePeriod: Double = 10) {
        if process.isRunning {
            kill(process.processIdentifier, SIGQUIT)
            let deadline = Date().addingTimeInterval(gracePeriod)
            while process.isRunning && Date() < deadline { usleep(50_000) }
            if process.isRunning { kill(process.processIdentifier, SIGKILL) }
        }
        try? FileManager.default.removeItem(at: directory)
    }
}


/// Whether something accepts TCP connections on 127.0.0.1:`port`.
func portAccepts(_ port: Int) -> Bool {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { return false }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    return withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
            connect(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
    }
}
