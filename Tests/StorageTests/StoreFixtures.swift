// Fixtures for the shared store suite (the storage contract): every HubStore back end runs the same
// tests. SQLite always; PostgreSQL when KAKEHASHI_TEST_POSTGRES_URL names a server the tests may
// create databases on (scripts/postgres-test-server starts one), each hub in a fresh database.
import Foundation
import HubTesting
import PostgresStorage
import SQLiteStorage
import STIX
import Storage

/// The back ends under test.
enum Backend: String, CaseIterable, CustomStringConvertible, Sendable {
    case sqlite
    case postgres
    var description: String { rawValue }

    /// The server PostgreSQL hubs are made on, from KAKEHASHI_TEST_POSTGRES_URL.
    static let postgresURL: String? = ProcessInfo.processInfo.environment["KAKEHASHI_TEST_POSTGRES_URL"]

    /// The back ends this run tests: PostgreSQL only when a test server is named (with a notice when not).
    static let underTest: [Backend] = {
        guard postgresURL?.isEmpty == false else {
            FileHandle.standardError.write(Data("""
                note: KAKEHASHI_TEST_POSTGRES_URL is not set: the storage contract suite runs on SQLite only; \
                the PostgreSQL side is SKIPPED (start a server with scripts/postgres-test-server and export its URL)

                """.utf8))
            return [.sqlite]
        }
        return [.sqlite, .postgres]
    }()

    func makeHub() async throws -> ContractHub {
        switch self {
        case .sqlite: return try await ContractHub.sqlite()
        case .postgres: return try await ContractHub.postgres(url: try requireURL())
        }
    }

    private func requireURL() throws -> String {
        guard let url = Self.postgresURL, !url.isEmpty else { throw StoreError.unavailable("KAKEHASHI_TEST_POSTGRES_URL is not set") }
        return url
    }
}

/// A hub on one back end: its store, and the directory holding its audit key and head (and, for
/// SQLite, the database file).
struct ContractHub: Sendable {
    let backend: Backend
    let store: any HubStore
    let directory: URL
    /// The PostgreSQL database (nil for SQLite).
    let location: PostgresLocation?

    static func sqlite() async throws -> ContractHub {
        let hub = try await TestHub.make(backend: .sqlite)
        return ContractHub(backend: .sqlite, store: hub.store, directory: hub.directory, location: nil)
    }

    static func postgres(url: String) async throws -> ContractHub {
        let server = try PostgresLocation(url: url, environment: ProcessInfo.processInfo.environment)
        let name = "kakehashi_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await PostgresHubStore.createDatabase(name, at: server)
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-test-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        let location = server.database(name)
        let store = try await Self.open(location, directory: directory)
        // The hub operator's own organisation, as `kakehashi init` creates it.
        _ = try await store.createOrganization(Organization(name: "Kakehashi Hub", sector: "hub", country: "JP"))
        return ContractHub(backend: .postgres, store: store, directory: directory, location: location)
    }

    static func open(_ location: PostgresLocation, directory: URL) async throws -> PostgresHubStore {
        try await PostgresHubStore.connect(to: location, auditKey: directory.appendingPathComponent("audit.key"),
                                           auditHead: directory.appendingPathComponent("audit.head"))
    }

    /// Opens the same database again (as a restarted server would).
    func reopened() async throws -> ContractHub {
        switch backend {
        case .sqlite:
            return ContractHub(backend: .sqlite, store: try SQLiteHubStore(directory: directory), directory: directory,
                               location: nil)
        case .postgres:
            return ContractHub(backend: .postgres, store: try await Self.open(location!, directory: directory),
                               directory: directory, location: location)
        }
    }

    /// Whether `store`'s generation (as requests use it) moves away from `before` within a second:
    /// another instance's change is seen within 250 ms (RecentAccountsGeneration; issue 13: a second).
    func generationMoves(_ store: any HubStore, from before: UInt64) async throws -> Bool {
        let deadline = ContinuousClock.now + .seconds(1)
        while await store.currentAccountsGeneration() == before {
            guard ContinuousClock.now < deadline else { return false }
            try await Task.sleep(for: .milliseconds(20))
        }
        return true
    }

    func feed(_ name: String, title: String? = nil) async throws -> Feed {
        try await store.createFeed(Feed(name: name, title: title ?? "\(name) feed"))
    }

    /// Removes the files; a PostgreSQL store's connections are closed (its database stays on the
    /// test server, which is thrown away whole).
    func remove() {
        if let store = store as? PostgresHubStore {
            let directory = directory
            Task { await store.close(); try? FileManager.default.removeItem(at: directory) }
        } else {
            try? FileManager.default.removeItem(at: directory)
        }
    }
}

/// An indicator version as a submitted object would arrive (bytes with odd spacing and Japanese text).
func indicator(_ uuid: String, modified: String, name: String = "C2サーバ indicator") -> IncomingObject {
    let id = "indicator--\(uuid)"
    let json = """
    {"type": "indicator",  "spec_version":"2.1","id":"\(id)","created":"2025-01-01T00:00:00.000Z",\
    "modified":"\(modified)","name":"\(name)","pattern":"[ipv4-addr:value = '198.51.100.7']",\
    "pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","x_kakehashi_note":"保持"}
    """
    return IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: modified,
                          versionMicroseconds: STIXTimestamp(modified)!.microsecondsSinceEpoch, bytes: Array(json.utf8))
}

/// An SCO without a version.
func ipv4(_ uuid: String, value: String) -> IncomingObject {
    let id = "ipv4-addr--\(uuid)"
    let json = "{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"\(id)\",\"value\":\"\(value)\"}"
    return IncomingObject(stixID: id, type: "ipv4-addr", specVersion: "2.1", version: nil,
                          versionMicroseconds: nil, bytes: Array(json.utf8))
}

func uuid(_ n: Int) -> String {
    String(format: "00000000-0000-4000-8000-%012d", n)
}

func submission(for objects: [IncomingObject], feed: Feed, org: String = "org") -> Submission {
    Submission(feedID: feed.id, organizationID: org, userID: nil, requestTimestamp: "2026-11-23T00:00:00Z",
               successes: objects.map { ObjectOutcome(id: $0.stixID, version: $0.version, message: nil) })
}
