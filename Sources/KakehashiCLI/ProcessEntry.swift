// The process entry point: runs Swift concurrency on the HTTP server's event loops, then the command.
import Foundation
import NIOCore
import NIOPosix

/// Starts `kakehashi`.
///
/// Swift concurrency's global executor is replaced by NIO's event loop group (one thread per core)
/// before any task runs. Request handlers then run on the threads that read and write the sockets,
/// instead of hopping to a separate pool and back for every request; on 2 cores that hop was a
/// fifth of the CPU time of a single-object GET. Blocking work stays off these threads (SQLite runs
/// on GRDB's own queues, sample digests on Dispatch's).
///
/// ```sh
/// kakehashi serve --data ./kakehashi-data
/// ```
@main
enum ProcessEntry {
    static func main() {
        _ = NIOSingletons.unsafeTryInstallSingletonPosixEventLoopGroupAsConcurrencyGlobalExecutor()
        Task {
            await Kakehashi.main()
            exit(0)
        }
        dispatchMain()
    }
}
