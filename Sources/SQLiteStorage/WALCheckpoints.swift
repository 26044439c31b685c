// SQLiteStorage WAL checkpoints: copying committed pages from the write-ahead log into the database
// file on a thread of their own, so that a commit only appends to the log and syncs it.
//
// SQLite's default is to checkpoint inside the commit that pushes the log past 1,000 pages. With
// random index keys (STIX ids, observables) every large submission crosses that mark, so each POST
// paid for copying and syncing its pages twice before it could answer. Here the writer's own
// checkpoint only happens past `writerCheckpointPages` (a bound on the log's size when this thread
// falls behind); otherwise this thread checkpoints shortly after each commit, and pages changed by
// several commits in between are copied once.
import Foundation
import GRDB

/// Runs passive WAL checkpoints of one SQLite file on a dedicated thread, after each commit of the
/// pool it observes.
///
/// ```swift
/// let checkpoints = try WALCheckpoints(path: path)
/// pool.add(transactionObserver: checkpoints.observer, extent: .databaseLifetime)
/// ```
/// The thread ends when this value is released.
final class WALCheckpoints: Sendable {
    /// The log size (pages) past which the writing connection checkpoints in its own commit.
    static let writerCheckpointPages = 32_768
    /// How long after a commit the checkpoint waits, so that back-to-back commits share one.
    static let delay: TimeInterval = 0.005

    private let worker: Worker
    /// Tells the checkpoint thread of each commit; add it to the writing connection.
    let observer: CommitObserver

    init(path: String) throws {
        var config = Configuration()
        config.label = "kakehashi.wal-checkpoints"
        config.prepareDatabase { db in
            // The checkpoint syncs the database file before the log may be reused.
            try db.execute(sql: "PRAGMA synchronous = FULL")
        }
        worker = Worker(connection: try DatabaseQueue(path: path, configuration: config))
        observer = CommitObserver(worker: worker)
        let thread = Thread { [worker] in worker.run() }
        thread.name = "kakehashi.wal-checkpoints"
        thread.qualityOfService = .utility
        thread.start()
    }

    deinit { worker.stop() }

    /// Forwards commits of the observed connection to the worker.
    final class CommitObserver: TransactionObserver, Sendable {
        let worker: Worker
        init(worker: Worker) { self.worker = worker }
        func observes(eventsOfKind eventKind: DatabaseEventKind) -> Bool { false }
        func databaseDidChange(with event: DatabaseEvent) {}
        func databaseDidCommit(_ db: Database) { worker.committed() }
        func databaseDidRollback(_ db: Database) {}
    }

    /// The thread's state: whether a commit awaits its checkpoint, and whether to stop.
    final class Worker: @unchecked Sendable {
        private let connection: DatabaseQueue
        private let condition = NSCondition()
        private var pending = false
        private var stopped = false

        init(connection: DatabaseQueue) { self.connection = connection }

        func committed() {
            condition.lock()
            pending = true
            condition.signal()
            condition.unlock()
        }

        func stop() {
            condition.lock()
            stopped = true
            condition.signal()
            condition.unlock()
        }

        func run() {
            while true {
                condition.lock()
                while !pending && !stopped { condition.wait() }
                let finish = stopped
                pending = false
                condition.unlock()
                if finish { return }
                Thread.sleep(forTimeInterval: WALCheckpoints.delay)
                checkpoint()
            }
        }

        /// One passive checkpoint: copies what no reader still needs, never waits for the writer.
        private func checkpoint() {
            // A failure (busy) leaves the pages in the log, where the next attempt or the writer's
            // own checkpoint finds them; nothing is lost.
            _ = try? connection.inDatabase { db in
                try Row.fetchOne(db, sql: "PRAGMA wal_checkpoint(PASSIVE)")
            }
        }
    }
}
