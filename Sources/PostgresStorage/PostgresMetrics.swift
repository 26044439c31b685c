// PostgresStorage metrics: how long reads and writes take, how many of them wait for a pooled
// connection or hold one, and how long transactions wait for the append and audit advisory locks
// (the write queue of a PostgreSQL hub: appends on every instance take the append lock one at a
// time). Reported through swift-metrics: the global system, which `kakehashi serve` bootstraps with
// the hub's Prometheus registry before it opens the store, or the factory given to `connect`.
// The read and write durations and the write queue carry the names SQLiteStorage reports, so one
// dashboard serves both back ends.
import CoreMetrics
import Dispatch
import PostgresNIO
import Synchronization

/// A store's metrics (the counts behind the gauges are per process: two stores in one process add up).
///
/// | metric | kind | what |
/// |---|---|---|
/// | `kakehashi_db_read_duration_seconds` | histogram | a read, from asking for a connection to its last row |
/// | `kakehashi_db_write_duration_seconds` | histogram | a transaction, from asking for a connection to commit |
/// | `kakehashi_db_write_queue_depth` | gauge | transactions waiting for a connection, a lock, or running |
/// | `kakehashi_db_connection_wait_seconds` | histogram | the wait for a pooled connection |
/// | `kakehashi_db_connections_waiting` | gauge | reads and transactions waiting for a pooled connection |
/// | `kakehashi_db_connections_in_use` | gauge | reads and transactions holding a pooled connection |
/// | `kakehashi_db_lock_wait_seconds{lock="append"\|"audit"}` | histogram | the wait for an advisory lock |
/// | `kakehashi_db_lock_waiting{lock="append"\|"audit"}` | gauge | transactions waiting for that lock now |
final class PostgresMetrics: Sendable {
    let readDuration: CoreMetrics.Timer
    let writeDuration: CoreMetrics.Timer
    let writeQueueDepth: CoreMetrics.Gauge
    let connectionWait: CoreMetrics.Timer
    let connectionsWaiting: CoreMetrics.Gauge
    let connectionsInUse: CoreMetrics.Gauge
    let lockWait: [PostgresSchema.Lock: CoreMetrics.Timer]
    let lockWaiting: [PostgresSchema.Lock: CoreMetrics.Gauge]

    static let writes = Atomic<Int>(0)
    static let waiting = Atomic<Int>(0)
    static let inUse = Atomic<Int>(0)
    static let lockWaiters = Mutex<[PostgresSchema.Lock: Int]>([:])

    /// Adds `change` to the transactions of this process waiting for `lock`; returns the new count.
    static func lockWaiters(_ lock: PostgresSchema.Lock, _ change: Int) -> Int {
        lockWaiters.withLock { waiters in
            waiters[lock, default: 0] += change
            return waiters[lock]!
        }
    }

    /// The metrics in `factory`'s registry (nil: the global system's, as bootstrapped).
    init(factory: (any MetricsFactory)?) {
        let factory = factory ?? MetricsSystem.factory
        readDuration = CoreMetrics.Timer(label: "kakehashi_db_read_duration_seconds", factory: factory)
        writeDuration = CoreMetrics.Timer(label: "kakehashi_db_write_duration_seconds", factory: factory)
        writeQueueDepth = CoreMetrics.Gauge(label: "kakehashi_db_write_queue_depth", factory: factory)
        connectionWait = CoreMetrics.Timer(label: "kakehashi_db_connection_wait_seconds", factory: factory)
        connectionsWaiting = CoreMetrics.Gauge(label: "kakehashi_db_connections_waiting", factory: factory)
        connectionsInUse = CoreMetrics.Gauge(label: "kakehashi_db_connections_in_use", factory: factory)
        var lockWait: [PostgresSchema.Lock: CoreMetrics.Timer] = [:]
        var lockWaiting: [PostgresSchema.Lock: CoreMetrics.Gauge] = [:]
        for (lock, name) in [(PostgresSchema.Lock.append, "append"), (.audit, "audit")] {
            lockWait[lock] = CoreMetrics.Timer(label: "kakehashi_db_lock_wait_seconds", dimensions: [("lock", name)],
                                               factory: factory)
            lockWaiting[lock] = CoreMetrics.Gauge(label: "kakehashi_db_lock_waiting", dimensions: [("lock", name)],
                                                  factory: factory)
        }
        self.lockWait = lockWait; self.lockWaiting = lockWaiting
        // Present (at zero) from the start, not only after the first wait.
        writeQueueDepth.record(Self.writes.load(ordering: .relaxed))
        connectionsWaiting.record(Self.waiting.load(ordering: .relaxed))
        connectionsInUse.record(Self.inUse.load(ordering: .relaxed))
        for (lock, gauge) in lockWaiting { gauge.record(Self.lockWaiters(lock, 0)) }
    }

    static func now() -> UInt64 { DispatchTime.now().uptimeNanoseconds }

    static func since(_ start: UInt64) -> Int64 { Int64(clamping: now() &- start) }
}

extension PostgresHubStore {
    /// What a pooled connection is taken for: a read (`rows`, a page) or a transaction.
    enum Use { case read, write }

    /// `client.withConnection`, timed from the moment it asks for a connection to the moment it gives
    /// it back, and counted while it waits for one and while it holds it.
    func measuredConnection<Result>(_ use: Use, _ body: (PostgresConnection) async throws -> Result) async throws -> Result {
        let start = PostgresMetrics.now()
        if use == .write { metrics.writeQueueDepth.record(PostgresMetrics.writes.add(1, ordering: .relaxed).newValue) }
        metrics.connectionsWaiting.record(PostgresMetrics.waiting.add(1, ordering: .relaxed).newValue)
        var leased = false
        defer {
            if !leased { metrics.connectionsWaiting.record(PostgresMetrics.waiting.subtract(1, ordering: .relaxed).newValue) }
            switch use {
            case .read: metrics.readDuration.recordNanoseconds(PostgresMetrics.since(start))
            case .write:
                // Whatever it changed (a trigger may have counted an account change): read the count again.
                recentGeneration.forget()
                metrics.writeQueueDepth.record(PostgresMetrics.writes.subtract(1, ordering: .relaxed).newValue)
                metrics.writeDuration.recordNanoseconds(PostgresMetrics.since(start))
            }
        }
        return try await client.withConnection { connection in
            leased = true
            metrics.connectionsWaiting.record(PostgresMetrics.waiting.subtract(1, ordering: .relaxed).newValue)
            metrics.connectionWait.recordNanoseconds(PostgresMetrics.since(start))
            metrics.connectionsInUse.record(PostgresMetrics.inUse.add(1, ordering: .relaxed).newValue)
            defer { metrics.connectionsInUse.record(PostgresMetrics.inUse.subtract(1, ordering: .relaxed).newValue) }
            return try await body(connection)
        }
    }

    /// Takes one of the store's transaction-level advisory locks on `connection` (held to commit or
    /// rollback), timing the wait.
    func lock(_ lock: PostgresSchema.Lock, on connection: PostgresConnection) async throws {
        let start = PostgresMetrics.now()
        metrics.lockWaiting[lock]?.record(PostgresMetrics.lockWaiters(lock, 1))
        defer {
            metrics.lockWaiting[lock]?.record(PostgresMetrics.lockWaiters(lock, -1))
            metrics.lockWait[lock]?.recordNanoseconds(PostgresMetrics.since(start))
        }
        try await connection.query("SELECT pg_advisory_xact_lock(\(lock.rawValue))", logger: logger)
    }
}
