// SQLiteStorage metrics: how long reads and writes take and how many writes wait for the one
// writer connection, reported through swift-metrics' global system (a no-op until a process
// bootstraps it; `kakehashi serve` does, before it opens the store, with the hub's Prometheus
// registry).
import CoreMetrics
import Dispatch
import GRDB
import Synchronization

/// The store's metrics: `kakehashi_db_read_duration_seconds`, `kakehashi_db_write_duration_seconds`
/// (histograms) and `kakehashi_db_write_queue_depth` (writes waiting for or holding the writer).
enum StoreMetrics {
    static let readDuration = CoreMetrics.Timer(label: "kakehashi_db_read_duration_seconds")
    static let writeDuration = CoreMetrics.Timer(label: "kakehashi_db_write_duration_seconds")
    static let writeQueueDepth = CoreMetrics.Gauge(label: "kakehashi_db_write_queue_depth")
    static let writesWaiting = Atomic<Int>(0)
}

extension SQLiteHubStore {
    /// `pool.read`, timed.
    func measuredRead<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        defer { StoreMetrics.readDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds &- start)) }
        return try await pool.read(body)
    }

    /// `pool.write`, timed from the moment it queues for the writer, and counted while it waits or runs.
    func measuredWrite<T: Sendable>(_ body: @Sendable (Database) throws -> T) async throws -> T {
        let start = DispatchTime.now().uptimeNanoseconds
        StoreMetrics.writeQueueDepth.record(StoreMetrics.writesWaiting.add(1, ordering: .relaxed).newValue)
        defer {
            StoreMetrics.writeQueueDepth.record(StoreMetrics.writesWaiting.subtract(1, ordering: .relaxed).newValue)
            StoreMetrics.writeDuration.recordNanoseconds(Int64(DispatchTime.now().uptimeNanoseconds &- start))
            // Whatever it changed (a trigger may have counted an account change): read the count again.
            recentGeneration.forget()
        }
        return try await pool.write(body)
    }

    /// `SELECT 1` on a reader connection (`GET /readyz`).
    public func checkReadiness() async throws {
        _ = try await measuredRead { db in try Int.fetchOne(db, sql: "SELECT 1") }
    }
}
