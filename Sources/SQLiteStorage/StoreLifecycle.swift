// SQLiteStorage lifecycle: the store's background work (the audit head writer and the WAL checkpoint
// thread) as services of the server's ServiceGroup, so that a graceful shutdown (SIGTERM, SIGINT)
// leaves the recorded audit head current and the database file checkpointed and closed.
import Foundation
import GRDB
import ServiceLifecycle
import Storage

extension SQLiteHubStore {
    /// The store's services, in the order a ServiceGroup starts them: on graceful shutdown it stops
    /// them in reverse, so the audit head is written first, then the log is checkpointed and the
    /// store closed. Put them before anything that still writes (the delivery ledger, the server).
    ///
    /// ```swift
    /// var app = Application(router: router)
    /// app.addServices(store.services)   // then the ledger; the server stops first
    /// try await app.runService()
    /// ```
    public var services: [any Service] { [Checkpointing(store: self), auditHeads] }

    /// Stops the checkpoint thread, copies the whole log into the database file (and empties the
    /// log), then closes every connection. The store cannot be used afterwards.
    public func close() throws {
        checkpoints.finish()
        try pool.writeWithoutTransaction { db in _ = try db.checkpoint(.truncate) }
        try inlineReaders.close()
        try pool.close()
    }

    /// The checkpoint thread as a service: runs until graceful shutdown, then `close()`.
    struct Checkpointing: Service {
        let store: SQLiteHubStore

        func run() async throws {
            // Returns on graceful shutdown; throws when the group is cancelled (a failed start),
            // where closing is just as right.
            try? await gracefulShutdown()
            try store.close()
        }
    }
}
