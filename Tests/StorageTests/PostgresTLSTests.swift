// TLS to the database (issue 13), against the test server `scripts/postgres-test-server --tls`
// starts (KAKEHASHI_TEST_POSTGRES_CA names its CA; scripts/test starts it so): sslmode=require with
// that CA is encrypted, as PostgreSQL itself reports; require with another CA is refused at once with
// an error that says why; a plain connection to a database pg_hba.conf opens to TLS only is refused.
import Foundation
@testable import PostgresStorage
import Storage
import Testing

/// The TLS test server's CA (set by `scripts/postgres-test-server --tls`); nil: the suite is skipped.
private let testServerCA = ProcessInfo.processInfo.environment["KAKEHASHI_TEST_POSTGRES_CA"].flatMap { $0.isEmpty ? nil : $0 }

@Suite("PostgreSQL: TLS to the database", .enabled(if: testServerCA != nil && Backend.postgresURL != nil))
struct PostgresTLSTests {
    static let environment = ProcessInfo.processInfo.environment
    static let ca = testServerCA
    /// The database the test server's pg_hba.conf opens to TLS connections only.
    static let tlsOnlyDatabase = "kakehashi_tls_only"

    /// The test server with `sslmode` (and `sslrootcert`) as given, on `database` (default: the URL's).
    static func location(_ mode: String, rootCertificate: String? = nil, database: String? = nil) throws -> PostgresLocation {
        guard let url = Backend.postgresURL, var components = URLComponents(string: url) else {
            throw StoreError.unavailable("KAKEHASHI_TEST_POSTGRES_URL is not a URL")
        }
        components.queryItems = [URLQueryItem(name: "sslmode", value: mode)]
            + (rootCertificate.map { [URLQueryItem(name: "sslrootcert", value: $0)] } ?? [])
        if let database { components.path = "/" + database }
        return try PostgresLocation(url: components.string ?? "", environment: environment)
    }

    static func connect(_ location: PostgresLocation, directory: URL) async throws -> PostgresHubStore {
        try await PostgresHubStore.connect(to: location, auditKey: directory.appendingPathComponent("audit.key"),
                                           auditHead: directory.appendingPathComponent("audit.head"),
                                           connectTimeout: .seconds(20))
    }

    static func temporaryDirectory() throws -> URL {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-tls-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        return directory
    }

    /// Whether the connection `store` reads through is encrypted, as the server sees it.
    static func encrypted(_ store: PostgresHubStore) async throws -> Bool {
        let rows = try await store.rows("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()")
        return try #require(rows.first).get("ssl", as: Bool.self)
    }

    @Test("sslmode=require with the server's CA: every connection of the store is encrypted, and the hub works over it")
    func requireWithTheCA() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let server = try Self.location("require", rootCertificate: Self.ca)
        let name = "kakehashi_tls_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await PostgresHubStore.createDatabase(name, at: server)
        let store = try await Self.connect(server.database(name), directory: directory)
        #expect(try await Self.encrypted(store))
        let org = try await store.createOrganization(Organization(name: "暗号化A社"))
        #expect(try await store.organization(id: org.id)?.name == "暗号化A社")
        #expect(try await store.verifyAuditTrail().isIntact)
        await store.close()

        // `prefer` (the default) takes the TLS the server offers, without a CA to check it by.
        let preferred = try await Self.connect(try Self.location("prefer", database: name), directory: directory)
        #expect(try await Self.encrypted(preferred))
        await preferred.close()
        // The same server without TLS: not encrypted (so the checks above can tell).
        let plain = try await Self.connect(try Self.location("disable", database: name), directory: directory)
        #expect(try await !Self.encrypted(plain))
        await plain.close()
    }

    @Test("sslmode=require with another CA is refused at once, and the error says it is the TLS handshake")
    func requireWithAnotherCA() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let other = try #require(Self.environment["KAKEHASHI_TEST_POSTGRES_OTHER_CA"])
        do {
            let store = try await Self.connect(try Self.location("require", rootCertificate: other), directory: directory)
            await store.close()
            Issue.record("connected to a server whose certificate the given CA did not sign")
        } catch let error as StoreError {
            let description = error.description
            print("sslmode=require with another CA: \(description)")
            #expect(description.contains("TLS handshake failed"), "\(description)")
            #expect(description.contains("127.0.0.1"), "\(description)")
            #expect(!description.contains("no connection within"), "waited for the timeout: \(description)")
        }
        // A CA file that is not there is a clear error too.
        do {
            let store = try await Self.connect(try Self.location("require", rootCertificate: directory.appendingPathComponent("none.pem").path),
                                               directory: directory)
            await store.close()
            Issue.record("connected with a CA file that does not exist")
        } catch let error as StoreError {
            #expect(error.description.contains("sslrootcert"), "\(error.description)")
        }
    }

    @Test("a plain connection to a database pg_hba.conf opens to TLS only is refused; TLS to it is let in")
    func tlsOnlyDatabase() async throws {
        let directory = try Self.temporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let tls = try Self.location("require", rootCertificate: Self.ca)
        // Made once per test server (a second attempt is told it exists).
        try? await PostgresHubStore.createDatabase(Self.tlsOnlyDatabase, at: tls)
        do {
            let store = try await Self.connect(try Self.location("disable", database: Self.tlsOnlyDatabase), directory: directory)
            await store.close()
            Issue.record("a plain connection was let into a TLS-only database")
        } catch let error as StoreError {
            #expect(error.description.contains("pg_hba.conf rejects connection"), "\(error.description)")
            #expect(error.description.contains("no encryption"), "\(error.description)")
        }
        let store = try await Self.connect(tls.database(Self.tlsOnlyDatabase), directory: directory)
        #expect(try await Self.encrypted(store))
        await store.close()
    }
}
