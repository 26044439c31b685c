// HubTesting: helpers for tests of the hub: a real hub in a temporary directory — on a SQLite file,
// or in a fresh PostgreSQL database when the run says so (KAKEHASHI_TEST_BACKEND=postgres with
// KAKEHASHI_TEST_POSTGRES_URL) — with organisations, users, tokens and feeds made in one call.
import Accounts
import Foundation
import PostgresStorage
import ServiceLifecycle
import SQLiteStorage
import Storage
import Synchronization

/// A hub on a real store in a fresh temporary directory (which holds the audit key and head, and on
/// SQLite the database file): SQLite unless the environment chooses PostgreSQL (see `Backend.underTest`).
///
/// ```swift
/// let hub = try await TestHub.make()
/// defer { hub.remove() }
/// let feed = try await hub.feed("C2")
/// let alice = try await hub.member("Org A", email: "a@a.example", grants: [feed: (read: true, write: true)])
/// ```
public struct TestHub: Sendable {
    /// The store a test hub is made on.
    public enum Backend: String, Sendable, CustomStringConvertible {
        case sqlite
        case postgres
        public var description: String { rawValue }

        /// The server PostgreSQL hubs are made on, from KAKEHASHI_TEST_POSTGRES_URL.
        public static let postgresURL: String? = ProcessInfo.processInfo.environment["KAKEHASHI_TEST_POSTGRES_URL"]

        /// The back end of this run: `KAKEHASHI_TEST_BACKEND=postgres` (which needs
        /// KAKEHASHI_TEST_POSTGRES_URL) or SQLite. Any other value is refused when a hub is made.
        ///
        /// ```sh
        /// KAKEHASHI_TEST_BACKEND=postgres KAKEHASHI_TEST_POSTGRES_URL=postgres://kakehashi@127.0.0.1:5432/postgres \
        ///   swift test --skip-build --filter TAXIIServerTests
        /// ```
        public static var underTest: Backend {
            get throws {
                switch ProcessInfo.processInfo.environment["KAKEHASHI_TEST_BACKEND"] ?? "" {
                case "", "sqlite": return .sqlite
                case "postgres": return .postgres
                case let other:
                    throw StoreError.unavailable("KAKEHASHI_TEST_BACKEND is sqlite or postgres, not \(other)")
                }
            }
        }

        /// True when this run's hubs are on SQLite (for tests of SQLite itself: its file, WAL and tools).
        public static var isSQLiteRun: Bool { (try? underTest) == .sqlite }
    }

    public let backend: Backend
    public let directory: URL
    public let store: any HubStore
    public let accounts: AccountAdministration
    /// The PostgreSQL database (nil on SQLite).
    public let location: PostgresLocation?

    /// The SQLite store, for tests of SQLite itself (nil on PostgreSQL).
    public var sqlite: SQLiteHubStore? { store as? SQLiteHubStore }

    /// A new hub on this run's back end, or on `backend` (a test of one back end's own behaviour).
    public static func make(backend: Backend? = nil) async throws -> TestHub {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-test-\(UUID().uuidString.lowercased())", isDirectory: true)
        let hub: TestHub
        switch try backend ?? Backend.underTest {
        case .sqlite:
            hub = TestHub(backend: .sqlite, directory: directory, store: try SQLiteHubStore(directory: directory), location: nil)
        case .postgres:
            guard let url = Backend.postgresURL, !url.isEmpty else {
                throw StoreError.unavailable("KAKEHASHI_TEST_BACKEND=postgres needs KAKEHASHI_TEST_POSTGRES_URL (scripts/postgres-test-server)")
            }
            let server = try PostgresLocation(url: url, environment: ProcessInfo.processInfo.environment)
            Self.announcePostgres(server)
            let name = "kakehashi_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
            try await PostgresHubStore.createDatabase(name, at: server)
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            let location = server.database(name)
            hub = TestHub(backend: .postgres, directory: directory,
                          store: try await Self.connect(location, directory: directory), location: location)
        }
        // The hub operator's own organisation, as `kakehashi init` creates it.
        _ = try await hub.store.createOrganization(Organization(name: "Kakehashi Hub", sector: "hub", country: "JP"))
        return hub
    }

    /// Says once per run that hubs are on PostgreSQL, and on which server (no password).
    private static func announcePostgres(_ server: PostgresLocation) {
        announced.withLock { done in
            guard !done else { return }
            done = true
            FileHandle.standardError.write(Data("note: test hubs are on PostgreSQL (\(server)), a fresh database each\n".utf8))
        }
    }
    private static let announced = Mutex(false)

    init(backend: Backend, directory: URL, store: any HubStore, location: PostgresLocation?) {
        self.backend = backend; self.directory = directory; self.store = store; self.location = location
        accounts = AccountAdministration(store: store, bcryptCost: 4)
    }

    static func connect(_ location: PostgresLocation, directory: URL) async throws -> PostgresHubStore {
        try await PostgresHubStore.connect(to: location, auditKey: directory.appendingPathComponent("audit.key"),
                                           auditHead: directory.appendingPathComponent("audit.head"))
    }

    /// Opens the same database again (as a restarted server, or the CLI beside a running one, would).
    public func reopened() async throws -> TestHub {
        switch backend {
        case .sqlite:
            return TestHub(backend: .sqlite, directory: directory, store: try SQLiteHubStore(directory: directory), location: nil)
        case .postgres:
            return TestHub(backend: .postgres, directory: directory, store: try await Self.connect(location!, directory: directory),
                           location: location)
        }
    }

    /// Runs `change` (an account change through another connection: `reopened()`, as the CLI beside
    /// a server) and returns once this hub's store counts it in what requests use
    /// (`currentAccountsGeneration`): within `propagation`, as each instance re-reads the stored count
    /// at most every 250 ms (`RecentAccountsGeneration`). Throws when the change is not seen in that time.
    ///
    /// ```swift
    /// let admin = AccountAdministration(store: try await hub.reopened().store)
    /// try await hub.propagated { try await admin.setUserDisabled(id: id, true, by: .hubOperator) }
    /// ```
    @discardableResult
    public func propagated<Result: Sendable>(_ change: () async throws -> Result) async throws -> Result {
        let mark = await store.currentAccountsGeneration()
        let result = try await change()
        let deadline = ContinuousClock.now + propagation
        while await store.currentAccountsGeneration() == mark {
            guard ContinuousClock.now < deadline else {
                throw StoreError.unavailable("an account change through another connection was not seen within \(propagation)")
            }
            try await Task.sleep(for: .milliseconds(10))
        }
        return result
    }

    /// How soon a change through another connection reaches this store's account caches: within a
    /// second on both back ends (issue 13: rights changed through one instance take effect on the
    /// others within a second; each re-reads the stored count at most every 250 ms).
    public var propagation: Duration { .seconds(1) }

    /// The store's background services (SQLite: checkpoints and the audit head writer; none on PostgreSQL).
    public var services: [any Service] { sqlite?.services ?? [] }

    /// Closes the store: it answers no more queries.
    public func close() async throws {
        if let store = store as? PostgresHubStore { await store.close() } else { try sqlite?.close() }
    }

    /// Removes the files at once (a test process may end right after); a PostgreSQL store's
    /// connections are then closed in the background (its database stays on the test server, which
    /// is thrown away whole).
    public func remove() {
        try? FileManager.default.removeItem(at: directory)
        if let store = store as? PostgresHubStore { Task { await store.close() } }
    }

    public func feed(_ name: String, title: String? = nil) async throws -> Feed {
        try await store.createFeed(Feed(name: name, title: title ?? "\(name) feed"))
    }

    /// A signed-in member: the organisation (created if new), the user, the password and a token.
    public struct Member: Sendable {
        public let principal: Principal
        public let password: String
        public let token: String
        public var email: String { principal.user.email }
    }

    public func member(_ organization: String, email: String, role: Role = .member,
                       grants: [(feed: Feed, read: Bool, write: Bool)] = []) async throws -> Member {
        let org: Organization
        if let existing = try await store.organization(named: organization) {
            org = existing
        } else {
            org = try await accounts.addOrganization(name: organization, sector: "電力", size: "large")
        }
        let password = "pw-\(UUID().uuidString.prefix(12))"
        let user = try await accounts.addUser(organization: org.name, email: email, role: role, password: password)
        let token = try await accounts.issueToken(email: email, label: "test")
        for grant in grants {
            try await store.setGrant(FeedGrant(feedID: grant.feed.id, organizationID: org.id,
                                               canRead: grant.read, canWrite: grant.write))
        }
        return Member(principal: Principal(user: user, organization: org), password: password, token: token)
    }
}
