// PostgresStorage lifecycle: the store's background work as a service of the server's ServiceGroup,
// so that a graceful shutdown (SIGTERM, SIGINT) writes the recorded audit head and closes the pool
// after the requests in flight and the pending read records are done.
import ServiceLifecycle

extension PostgresHubStore {
    /// The store's services, in the order a ServiceGroup starts them (see `SQLiteHubStore.services`):
    /// on graceful shutdown, once everything started after them has stopped, the audit head is
    /// written and the connections closed.
    ///
    /// ```swift
    /// var app = Application(router: router)
    /// app.addServices(store.services)   // then the ledger; the server stops first
    /// try await app.runService()
    /// ```
    public var services: [any Service] { [Closing(store: self)] }

    /// Runs until graceful shutdown (or cancellation, on a failed start), then `close()`.
    struct Closing: Service {
        let store: PostgresHubStore

        func run() async throws {
            try? await gracefulShutdown()
            await store.close()
        }
    }
}

