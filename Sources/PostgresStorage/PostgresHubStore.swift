// PostgresStorage: the HubStore on PostgreSQL (PostgresNIO: async, a pool of connections, no
// blocking threads), for hubs that outgrow one SQLite file. It owns the connection pool, the
// schema (PostgresSchema), the transactions every write runs in, and the account generation that
// tells every instance's caches about changes made by any other.
//
// Behaviour follows SQLiteStorage to the byte; both pass one contract suite (Tests/StorageTests).
// Several instances share one database (Tests/StorageTests/ConcurrentInstancesTests): appends take
// one advisory lock across them, so they commit one at a time. Reads, transactions and lock waits are
// measured (PostgresMetrics).
// Every write commits before it returns (PostgreSQL's default synchronous_commit = on: durable
// before acknowledged). The audit key and the recorded audit head stay files, as with SQLite.
import CoreMetrics
import Foundation
import Logging
import NIOSSL
import PostgresNIO
import Storage
import Synchronization

/// The hub's store in a PostgreSQL database.
///
/// ```swift
/// let location = try PostgresLocation(url: "postgres://kakehashi@127.0.0.1:5432/hub",
///                                     environment: ProcessInfo.processInfo.environment)
/// let store = try await PostgresHubStore.connect(to: location, auditKey: dataURL.appendingPathComponent("audit.key"),
///                                                auditHead: dataURL.appendingPathComponent("audit.head"))
/// let orgs = try await store.organizations()
/// await store.close()
/// ```
public final class PostgresHubStore: HubStore, @unchecked Sendable {
    // @unchecked: every stored property is immutable after `connect`, or atomic.
    let client: PostgresClient
    let logger: Logger
    public let location: PostgresLocation
    /// Seals the audit chain; read from a key file outside the database.
    public let auditSeal: AuditSeal
    /// Where the newest audit entry is recorded after each append, outside the database.
    let auditHeads: AuditHeadFile
    /// Changes to accounts made through this store (seen at once here).
    let localGeneration = Atomic<UInt64>(0)
    /// Commits through this store that move the change stamp (`localChangeCount`).
    let objectChanges = Atomic<UInt64>(0)
    /// The stored account generation as last read (by `connect` and then every `generationInterval`).
    let storedGeneration = Atomic<UInt64>(0)
    /// The stored generation read less than 250 ms ago (by the poll or a request), which requests
    /// use without a read of their own (issue 16: a poll answered 304 makes no round trip).
    // Lifetime zero: the stored count is read by every request. Kept for 250 ms, a token revoked or
    // a user disabled through the CLI went on working for up to that long after the CLI returned
    // (interop test_accounts: "stops at once"); a revocation must not wait on a cache.
    let recentGeneration = RecentAccountsGeneration(lifetime: .zero)
    /// Each feed's key (feed.key, never changed once the feed is stored), as read: saves every read
    /// and append a round trip.
    let feedKeys = Mutex<[String: Int64]>([:])
    private let running: Task<Void, Never>
    private let polling = Mutex<Task<Void, Never>?>(nil)
    let metrics: PostgresMetrics
    /// Tests only: run inside every append's transaction once its positions are taken, before commit.
    let afterPositions = Mutex<(@Sendable () async -> Void)?>(nil)
    /// Callers of `currentAccountsGeneration` waiting for the next read, and whether one is under way.
    private let generationReads = Mutex<(waiting: [CheckedContinuation<UInt64?, Never>], reading: Bool)>(([], false))

    /// How often the stored account generation is read: changes made through another instance (or
    /// the CLI) reach this one's caches within this time.
    static let generationInterval: Duration = .milliseconds(200)

    /// This store's account changes plus the stored count of everyone's, as last read.
    public var accountsGeneration: UInt64 {
        localGeneration.load(ordering: .acquiring) &+ storedGeneration.load(ordering: .acquiring)
    }

    private init(client: PostgresClient, running: Task<Void, Never>, location: PostgresLocation, logger: Logger,
                 auditSeal: AuditSeal, auditHead: URL, metrics: PostgresMetrics) {
        self.client = client; self.running = running; self.location = location; self.logger = logger
        self.auditSeal = auditSeal; self.auditHeads = AuditHeadFile(url: auditHead); self.metrics = metrics
    }

    /// Connects to the database at `location`, brings its schema up to date and starts following the
    /// account generation. The audit key is created 0600 at `auditKey` when absent. Throws
    /// `StoreError.unavailable` (naming the location, never the password) when the server cannot be
    /// used, or gives no connection within `connectTimeout`: a refused TLS handshake, a missing
    /// database, a refused login or an unreachable server is said at once, from a first connection
    /// made outside the pool.
    /// Metrics go to `metricsFactory` (nil: swift-metrics' global system, see PostgresMetrics).
    public static func connect(to location: PostgresLocation, auditKey: URL, auditHead: URL,
                               connectTimeout: Duration = .seconds(15), metricsFactory: (any MetricsFactory)? = nil,
                               logger: Logger = Logger(label: "kakehashi.postgres")) async throws -> PostgresHubStore {
        let seal: AuditSeal
        do {
            seal = try AuditSeal.loadOrCreate(at: auditKey)
        } catch {
            throw StoreError.unavailable("\(error)")
        }
        // One connection first: a wrong password or an unreachable server is reported at once, with
        // the server's reason (the pool would retry it quietly until `connectTimeout`).
        do {
            let probe = try await PostgresConnection.connect(
                configuration: try location.connectionConfiguration(connectTimeout: connectTimeout),
                id: 0, logger: logger)
            try await probe.close()
        } catch {
            throw StoreError.unavailable("\(location): \(Self.reason(error))")
        }
        let client = PostgresClient(configuration: try location.clientConfiguration(),
                                    backgroundLogger: StartedPoolLogHandler.wrapping(logger))
        let running = await startRunning(client)
        let store = PostgresHubStore(client: client, running: running, location: location, logger: logger,
                                     auditSeal: seal, auditHead: auditHead, metrics: PostgresMetrics(factory: metricsFactory))
        do {
            // The pool retries a server that does not answer without end: give up when it gives no
            // connection within `connectTimeout`, with an error that says so, rather than hang. The
            // migrations come after and have no time limit: an upgrade's backfill of a large hub, or a
            // loaded machine, may take longer than a connection should.
            try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask {
                    try await client.withConnection { connection in
                        _ = try await connection.query("SELECT 1", logger: logger)
                    }
                }
                group.addTask {
                    try await Task.sleep(for: connectTimeout)
                    throw StoreError.unavailable("no connection within \(connectTimeout)")
                }
                try await group.next()
                group.cancelAll()
            }
            try await PostgresSchema.migrate(client, logger: logger)
            try await store.refreshGeneration()
        } catch {
            await store.close()
            throw StoreError.unavailable("\(location): \(Self.reason(error))")
        }
        store.startPolling()
        return store
    }

    /// Starts `client.run()` in a task and returns once that task has begun, so that the first query
    /// does not lease a connection before the pool runs (PostgresNIO warns "PostgresClient.run() hasn't
    /// been called yet" then). `run()` marks the pool running right after, before its first suspension
    /// point; a lease in those few instructions (a loaded machine) waits for the pool like any other,
    /// and the pool's logger (StartedPoolLogHandler) leaves out the warning it would cause.
    static func startRunning(_ client: PostgresClient) async -> Task<Void, Never> {
        let (started, signal) = AsyncStream<Void>.makeStream()
        let task = Task {
            signal.finish()
            await client.run()
        }
        for await _ in started {}
        return task
    }

    /// Stops following the generation and closes every connection (after writing the audit head).
    public func close() async {
        polling.withLock { $0?.cancel() }
        await auditHeads.written()
        running.cancel()
    }

    // MARK: - Account generation

    func refreshGeneration() async throws {
        _ = try await readStoredGeneration()
    }

    /// Reads the stored generation and keeps it as `storedGeneration` (a prepared statement: every
    /// request reads it once, see `currentAccountsGeneration`).
    func readStoredGeneration() async throws -> UInt64 {
        let readAt = ContinuousClock.now
        var read: UInt64?
        for try await value in try await client.execute(StoredGenerationStatement(), logger: logger) {
            read = UInt64(bitPattern: value)
            storedGeneration.store(read!, ordering: .releasing)
            recentGeneration.record(stored: read!, at: readAt)
        }
        return read ?? storedGeneration.load(ordering: .acquiring)
    }

    private func startPolling() {
        let task = Task { [weak self] in
            while !Task.isCancelled {
                try? await Task.sleep(for: Self.generationInterval)
                guard let self else { return }
                try? await self.refreshGeneration()
            }
        }
        polling.withLock { $0 = task }
    }

    /// Tests only: `pause` runs inside every later append's transaction once its positions are
    /// taken, before it commits (nil: no pause). Shows what a reader sees while a writer is slow.
    ///
    /// ```swift
    /// store.pauseAppends { await released.wait() }
    /// ```
    func pauseAppends(afterPositions pause: (@Sendable () async -> Void)?) {
        afterPositions.withLock { $0 = pause }
    }

    /// The generation requests use (`HubStore.currentAccountsGeneration`): this store's changes at
    /// once; the stored count as read less than 250 ms ago (`RecentAccountsGeneration`; the poll reads
    /// it every `generationInterval`), so a change another instance or the CLI committed is seen
    /// within that time, as on SQLite. When no reading is that recent (the poll is late), a read:
    /// callers that arrive while one is under way wait for the next one (which starts after they
    /// arrived), so concurrent requests share a few reads instead of making one each. Within a
    /// request (`RequestAccountsGeneration.current`) the first reading is kept for its later calls
    /// (sign-in, feeds, rights). When the read fails: a value never returned before, so every cache
    /// misses (as SQLiteHubStore.accountsGeneration does).
    public func currentAccountsGeneration() async -> UInt64 {
        let request = RequestAccountsGeneration.current
        if let stored = request?.stored { return localGeneration.load(ordering: .acquiring) &+ stored }
        if let stored = recentGeneration.stored {
            request?.record(stored: stored)
            return localGeneration.load(ordering: .acquiring) &+ stored
        }
        let read = await withCheckedContinuation { (done: CheckedContinuation<UInt64?, Never>) in
            let start = generationReads.withLock { state -> Bool in
                state.waiting.append(done)
                guard !state.reading else { return false }
                state.reading = true
                return true
            }
            if start { Task { await self.readGenerationForWaiting() } }
        }
        guard let stored = read else { return UInt64.max &- localGeneration.add(1, ordering: .relaxed).newValue }
        request?.record(stored: stored)
        return localGeneration.load(ordering: .acquiring) &+ stored
    }

    /// Reads the stored generation for everyone waiting (nil to each when the read fails), again
    /// while more arrived meanwhile.
    private func readGenerationForWaiting() async {
        while true {
            let batch = generationReads.withLock { state -> [CheckedContinuation<UInt64?, Never>] in
                let batch = state.waiting
                state.waiting = []
                if batch.isEmpty { state.reading = false }
                return batch
            }
            guard !batch.isEmpty else { return }
            var value: UInt64?
            do {
                value = try await readStoredGeneration()
            } catch {
                value = nil
            }
            for waiting in batch { waiting.resume(returning: value) }
        }
    }

    public var localChangeCount: UInt64 { objectChanges.load(ordering: .acquiring) }
    func noteObjectChange() { objectChanges.add(1, ordering: .releasing) }

    /// Notes an account change made through this store (its own caches see it before the next poll).
    func accountChanged() { localGeneration.add(1, ordering: .releasing) }

    // MARK: - Queries and transactions

    /// The rows of one query, outside any transaction.
    func rows(_ query: PostgresQuery) async throws -> [PostgresRandomAccessRow] {
        do {
            return try await measuredConnection(.read) { connection in
                try await connection.query(query, logger: logger).collect().map { $0.makeRandomAccess() }
            }
        } catch {
            throw Self.storeError(error, what: "record")
        }
    }

    /// Runs `body` in one transaction on one connection, committed (and so durable) before it returns.
    /// A uniqueness violation becomes `StoreError.duplicate(what)`, a missing reference `.notFound`.
    func transaction<Result: Sendable>(duplicate what: String = "record",
                                       _ body: @Sendable (PostgresConnection) async throws -> Result) async throws -> Result {
        do {
            return try await measuredConnection(.write) { connection in
                try await connection.query("BEGIN", logger: logger)
                do {
                    let result = try await body(connection)
                    try await connection.query("COMMIT", logger: logger)
                    return result
                } catch {
                    _ = try? await connection.query("ROLLBACK", logger: logger)
                    throw error
                }
            }
        } catch {
            throw Self.storeError(error, what: what)
        }
    }

    static func storeError(_ error: any Error, what: String) -> any Error {
        guard let error = error as? PSQLError else { return error }
        switch error.serverInfo?[.sqlState] {
        case "23505": return StoreError.duplicate(what)
        case "23503": return StoreError.notFound("a record that \(what) refers to")
        default: return StoreError.unavailable(reason(error))
        }
    }

    /// What went wrong, in words that name no query parameters (they may hold secrets).
    static func reason(_ error: any Error) -> String {
        if let error = error as? PSQLError {
            if let message = error.serverInfo?[.message] { return message }
            if error.code == .sslUnsupported { return "the server does not offer TLS (sslmode=require)" }
            if let underlying = error.underlying, underlying is NIOSSLError || underlying is BoringSSLError {
                return "TLS handshake failed (is sslrootcert the CA that signed the server's certificate?): \(underlying)"
            }
            // A connection that failed below PostgreSQL (refused, unreachable, TLS): say how.
            // (Only then: other underlying errors, e.g. decoding ones, may quote stored values.)
            if error.code == .connectionError, let underlying = error.underlying { return "\(error.code): \(underlying)" }
            return "\(error.code)"
        }
        if let error = error as? StoreError {
            if case .unavailable(let why) = error { return why }
            return error.description
        }
        if let error = error as? StoreLocationError { return error.description }
        // TLS settings that cannot be used (an sslrootcert file missing or not a certificate).
        if let error = error as? NIOSSLError { return "cannot use the TLS settings (sslrootcert): \(error)" }
        return String(describing: type(of: error))
    }

    /// The instant a way of reading made now takes effect: after every version stored so far (see
    /// SQLiteHubStore.sinceNow).
    static func sinceNow(_ connection: PostgresConnection, logger: Logger) async throws -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        var newest: Int64 = 0
        for try await value in try await connection.query(
            "SELECT date_added_us FROM object_version ORDER BY position DESC LIMIT 1", logger: logger).decode(Int64.self) {
            newest = value
        }
        return max(now, newest + 1)
    }
}

/// The stored account generation, as a named prepared statement (parsed and planned once per connection).
struct StoredGenerationStatement: PostgresPreparedStatement {
    typealias Row = Int64
    static let sql = "SELECT value FROM account_generation WHERE id = 0"

    func makeBindings() throws -> PostgresBindings { PostgresBindings() }
    func decodeRow(_ row: PostgresRow) throws -> Int64 { try row.decode(Int64.self) }
}

extension PostgresRandomAccessRow {
    /// The column `name` decoded as `T` (optional types decode NULL as nil).
    func get<T: PostgresDecodable>(_ name: String, as type: T.Type = T.self) throws -> T {
        try self[name].decode(T.self)
    }
}

extension PostgresHubStore {
    /// Creates an empty database `name` on the server at `location` (connecting to the database
    /// `location` names). `name` must be a plain identifier: lower-case letters, digits, `_`.
    ///
    /// ```swift
    /// try await PostgresHubStore.createDatabase("kakehashi_test_1", at: location)
    /// ```
    public static func createDatabase(_ name: String, at location: PostgresLocation,
                                      logger: Logger = Logger(label: "kakehashi.postgres")) async throws {
        guard !name.isEmpty, name.utf8.allSatisfy({ (0x61...0x7A).contains($0) || (0x30...0x39).contains($0) || $0 == 0x5F }) else {
            throw StoreLocationError.invalid("a database name is lower-case letters, digits and _")
        }
        let client = PostgresClient(configuration: try location.clientConfiguration(), backgroundLogger: StartedPoolLogHandler.wrapping(logger))
        let running = await startRunning(client)
        defer { running.cancel() }
        do {
            try await client.query(PostgresQuery(unsafeSQL: "CREATE DATABASE \(name)"), logger: logger)
        } catch {
            throw storeError(error, what: "database \(name)")
        }
    }
}

/// The pool's logger: everything the given logger logs, except PostgresNIO's warning that a connection
/// was leased before `PostgresClient.run()` was called. `connect` starts `run()` before any lease, but
/// `run()` notes that it runs a few instructions after it starts; a lease that wins that race is
/// served once the pool runs, so the warning would be wrong.
struct StartedPoolLogHandler: LogHandler {
    var base: any LogHandler

    static func wrapping(_ logger: Logger) -> Logger {
        let base = logger.handler
        var wrapped = Logger(label: logger.label) { _ in StartedPoolLogHandler(base: base) }
        wrapped.logLevel = logger.logLevel
        return wrapped
    }

    func log(event: LogEvent) {
        if event.level == .warning, event.message.description.contains("`PostgresClient.run()` hasn't been called yet") {
            return
        }
        base.log(event: event)
    }

    var metadataProvider: Logger.MetadataProvider? {
        get { base.metadataProvider }
        set { base.metadataProvider = newValue }
    }
    subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { base[metadataKey: key] }
        set { base[metadataKey: key] = newValue }
    }
    var metadata: Logger.Metadata {
        get { base.metadata }
        set { base.metadata = newValue }
    }
    var logLevel: Logger.Level {
        get { base.logLevel }
        set { base.logLevel = newValue }
    }
}
