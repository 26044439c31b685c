// SQLiteStorage WAL checkpoints: copying committed pages from the write-ahead log into the database
// file on a thread of their own, so that a commit only appends to the log and syncs it.
//
// SQLite's default is to checkpoint inside the commit that pushes the log past 1,000 pages. With
// random index keys (STIX ids, observables) every large submission crosses that mark, so each POST
// paid for copying and syncing its pages a second time before it could answer. Here the writing
// connection's WAL hook (which replaces the automatic checkpoint) hands that checkpoint to this
// thread, and pages changed by several commits in between are copied once. Only when the log has
// grown past `writerCheckpointPages` (this thread fell far behind) does the commit checkpoint itself.
import Foundation
import GRDB
import GRDBSQLite

/// Runs passive WAL checkpoints of one SQLite file on a dedicated thread.
///
/// ```swift
/// let checkpoints = WALCheckpoints(path: path)
/// config.prepareDatabase { db in checkpoints.install(on: db) }
/// ```
/// The thread ends, and its connection closes, when this value is released.
final class WALCheckpoints: Sendable {
    /// The log size (pages) past which a commit hands a checkpoint to the thread: 4 MiB of 16 KiB
    /// pages (SQLite's default automatic checkpoint is 1,000 pages of 4 KiB).
    static let backgroundCheckpointPages: Int32 = 256
    /// The log size (pages) past which the writing connection checkpoints in its own commit (128 MiB).
    static let writerCheckpointPages: Int32 = 8_192
    /// How long after a commit the checkpoint waits, so that back-to-back commits share one.
    static let delay: TimeInterval = 0.005

    private let worker: Worker

    /// Checkpoints at the default sizes; tests pass small ones to make every commit cross them.
    init(path: String, backgroundPages: Int32 = backgroundCheckpointPages, writerPages: Int32 = writerCheckpointPages) {
        worker = Worker(path: path, backgroundPages: backgroundPages, writerPages: writerPages)
        let thread = Thread { [worker] in worker.run() }
        thread.name = "kakehashi.wal-checkpoints"
        thread.qualityOfService = .utility
        thread.start()
    }

    deinit { worker.stop() }

    /// Stops the thread and waits until it has ended and closed its connection, so that a final
    /// checkpoint by the store (at shutdown) does not find this thread's checkpoint in its way.
    func finish() { worker.stop(); worker.waitUntilEnded() }

    /// Replaces the automatic checkpoint of `db`, the writing connection.
    func install(on db: Database) {
        // Retained by the hook for as long as the connection lives; only the small worker object
        // outlives a closed store, its thread and connection are gone by then.
        let context = Unmanaged.passRetained(worker).toOpaque()
        sqlite3_wal_hook(db.sqliteConnection, { context, connection, name, pages in
            guard let context else { return SQLITE_OK }
            let worker = Unmanaged<Worker>.fromOpaque(context).takeUnretainedValue()
            if pages >= worker.writerPages {
                // Whatever this returns (SQLITE_BUSY while the thread checkpoints too), the hook
                // answers SQLITE_OK: SQLite reports a hook's error as the failure of the statement
                // that committed, although the commit has happened, and a stored submission would
                // be answered with an error.
                _ = sqlite3_wal_checkpoint_v2(connection, name, SQLITE_CHECKPOINT_PASSIVE, nil, nil)
            } else if pages >= worker.backgroundPages {
                worker.committed()
            }
            return SQLITE_OK
        }, context)
    }

    /// The thread's state: whether a checkpoint was asked for, and whether to stop.
    final class Worker: @unchecked Sendable {
        let path: String
        let backgroundPages: Int32
        let writerPages: Int32
        private var connection: DatabaseQueue?
        private let condition = NSCondition()
        private var pending = false
        private var stopped = false
        private var ended = false

        init(path: String, backgroundPages: Int32, writerPages: Int32) {
            self.path = path; self.backgroundPages = backgroundPages; self.writerPages = writerPages
        }

        func committed() {
            condition.lock()
            pending = true
            condition.broadcast()
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.broadcast()
            condition.unlock()
        }

        func waitUntilEnded() {
            condition.lock()
            while !ended { condition.wait() }
            condition.unlock()
        }

        func run() {
            while true {
                condition.lock()
                while !pending && !stopped { condition.wait() }
                let finish = stopped
                pending = false
                condition.unlock()
                if finish {
                    connection = nil
                    condition.lock()
                    ended = true
                    condition.broadcast()
                    condition.unlock()
                    return
                }
                Thread.sleep(forTimeInterval: WALCheckpoints.delay)
                checkpoint()
            }
        }

        /// One passive checkpoint: copies what no reader still needs, never waits for the writer.
        private func checkpoint() {
            // A failure (busy) leaves the pages in the log, where the next attempt or the writer's
            // own checkpoint finds them; nothing is lost.
            do {
                if connection == nil {
                    var config = Configuration()
                    config.label = "kakehashi.wal-checkpoints"
                    config.prepareDatabase { db in
                        // The checkpoint syncs the database file before the log may be reused.
                        try db.execute(sql: "PRAGMA synchronous = FULL")
                    }
                    connection = try DatabaseQueue(path: path, configuration: config)
                }
                _ = try connection?.inDatabase { db in
                    try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
                }
            } catch {}
        }
    }
}
