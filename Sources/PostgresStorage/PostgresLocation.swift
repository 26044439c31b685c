// PostgresStorage location: where the hub's PostgreSQL database is (`postgres://user@host:port/db`),
// how to reach it (TLS), and the password, which never comes from the connection string: it is read
// from PGPASSWORD or a file, and never appears in a description or a log line.
import Foundation
import NIOSSL
import PostgresNIO

/// A parsed `postgres://user@host:port/database?sslmode=…` connection string.
///
/// ```swift
/// let location = try PostgresLocation(url: "postgres://kakehashi@db.internal:5432/hub?sslmode=require",
///                                     environment: ProcessInfo.processInfo.environment)
/// let store = try await PostgresHubStore.connect(to: location, auditKey: keyURL, auditHead: headURL)
/// ```
public struct PostgresLocation: Sendable, CustomStringConvertible {
    /// How the connection is protected: `disable` (plain), `prefer` (TLS when the server offers it),
    /// `require` (TLS, certificate verified against the system's roots or `sslrootcert`).
    public enum TLSMode: String, Sendable { case disable, prefer, require }

    public var host: String
    public var port: Int
    public var username: String
    public var database: String
    public var tls: TLSMode
    /// A CA certificate file (PEM) to verify the server by, instead of the system's roots.
    public var rootCertificate: String?
    var password: String?

    /// Parses `url`. The password comes from `PGPASSWORD` in `environment`, or from the file named by
    /// `passwordFile` (first line, surrounding white space removed); a password written in the URL
    /// itself is refused, so that it never reaches a command line or a log.
    public init(url: String, environment: [String: String] = [:], passwordFile: String? = nil) throws {
        guard let components = URLComponents(string: url),
              components.scheme == "postgres" || components.scheme == "postgresql",
              let host = components.host, !host.isEmpty else {
            throw StoreLocationError.invalid("expected postgres://user@host:port/database")
        }
        guard components.password == nil else {
            throw StoreLocationError.invalid("put the password in PGPASSWORD or a password file, not in the URL")
        }
        let database = String(components.path.drop(while: { $0 == "/" }))
        guard !database.isEmpty, !database.contains("/") else {
            throw StoreLocationError.invalid("the URL names no database (postgres://user@host:port/database)")
        }
        self.host = host
        self.port = components.port ?? 5432
        self.username = components.user ?? environment["PGUSER"] ?? "postgres"
        self.database = database
        let query = Dictionary((components.queryItems ?? []).map { ($0.name, $0.value ?? "") }, uniquingKeysWith: { $1 })
        if let mode = query["sslmode"] {
            switch mode {
            case "disable": tls = .disable
            case "allow", "prefer": tls = .prefer
            case "require", "verify-ca", "verify-full": tls = .require
            default: throw StoreLocationError.invalid("unknown sslmode \(mode)")
            }
        } else {
            tls = .prefer
        }
        rootCertificate = query["sslrootcert"]
        if let file = passwordFile ?? query["passwordfile"] {
            do {
                let text = try String(contentsOfFile: file, encoding: .utf8)
                password = text.split(whereSeparator: \.isNewline).first.map { $0.trimmingCharacters(in: .whitespaces) }
            } catch {
                throw StoreLocationError.invalid("cannot read the password file \(file)")
            }
        } else {
            password = environment["PGPASSWORD"]
        }
    }

    /// The location without its password: safe to log.
    public var description: String { "postgres://\(username)@\(host):\(port)/\(database)?sslmode=\(tls.rawValue)" }

    /// The same server, another database (tests make a fresh database per hub).
    public func database(_ name: String) -> PostgresLocation {
        var copy = self
        copy.database = name
        return copy
    }

    func clientConfiguration() throws -> PostgresClient.Configuration {
        let tls: PostgresClient.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(tlsConfiguration)
        case .require: tls = .require(tlsConfiguration)
        }
        var configuration = PostgresClient.Configuration(host: host, port: port, username: username, password: password,
                                                         database: database, tls: tls)
        configuration.options.additionalStartupParameters = Self.sessionSettings
        return configuration
    }

    /// Settings of every pooled connection. No parallel workers: a page of 1,000 near the start of a
    /// 1,000,000-object feed was planned as a Gather Merge over two workers (73–89 ms, EXPLAIN
    /// ANALYZE, loaded 2-core host) where one process reads it in 6–27 ms; late pages were planned
    /// without workers, so page times grew towards the start of the feed instead of staying flat.
    /// The hub's statements each read a page or a few rows: starting workers costs more than it gives.
    static let sessionSettings = [("max_parallel_workers_per_gather", "0")]

    /// The same for one connection outside the pool (the probe `PostgresHubStore.connect` makes first).
    func connectionConfiguration(connectTimeout: Duration) throws -> PostgresConnection.Configuration {
        let tls: PostgresConnection.Configuration.TLS
        switch self.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: tlsConfiguration))
        case .require: tls = .require(try NIOSSLContext(configuration: tlsConfiguration))
        }
        var configuration = PostgresConnection.Configuration(host: host, port: port, username: username,
                                                             password: password, database: database, tls: tls)
        let (seconds, attoseconds) = connectTimeout.components
        configuration.options.connectTimeout = .nanoseconds(seconds * 1_000_000_000 + attoseconds / 1_000_000_000)
        return configuration
    }

    private var tlsConfiguration: TLSConfiguration {
        var configuration = TLSConfiguration.makeClientConfiguration()
        if let rootCertificate {
            configuration.trustRoots = .file(rootCertificate)
        }
        if self.tls == .prefer {
            // As libpq's `prefer`: encrypted when offered, the certificate not verified.
            configuration.certificateVerification = .none
        }
        return configuration
    }
}

/// A connection string that cannot be used; the message never contains a password.
public enum StoreLocationError: Error, Sendable, CustomStringConvertible {
    case invalid(String)
    public var description: String {
        switch self { case .invalid(let why): return "invalid PostgreSQL location: \(why)" }
    }
}
