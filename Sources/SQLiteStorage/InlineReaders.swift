// SQLiteStorage inline readers: a few read-only connections that a short read (named objects)
// uses on the calling thread, without GRDB's reader pool.
//
// A read through `DatabasePool` waits for a pooled connection, hops to that connection's dispatch
// queue and hops back: two thread wake-ups and GRDB's generic pool bookkeeping around a statement
// that takes tens of microseconds. An inline reader is taken from an idle list under a lock and
// used where the caller runs; when none is idle the read goes through the pool as before, so a
// caller never waits for one (a cooperative thread must not block on another task's progress).
import Foundation
import GRDB
import Synchronization

/// Read-only connections to the hub's file, lent out without blocking.
///
/// ```swift
/// let readers = InlineReaders(path: path, count: 2, configuration: config)
/// if let count = try readers.read({ db in try Int.fetchOne(db, sql: "SELECT 1") }) { … }  // nil: none idle
/// ```
final class InlineReaders: Sendable {
    private let idle: Mutex<[DatabaseQueue]>

    /// Opens `count` read-only connections with `configuration` (made read-only here).
    init(path: String, count: Int, configuration: Configuration) throws {
        var configuration = configuration
        configuration.readonly = true
        configuration.label = "kakehashi.inline-reader"
        var queues: [DatabaseQueue] = []
        for _ in 0..<count { queues.append(try DatabaseQueue(path: path, configuration: configuration)) }
        idle = Mutex(queues)
    }

    /// Runs `body` on an idle connection on this thread; nil (and `body` not run) when none is idle.
    /// Each statement reads its own snapshot: use it for reads that are one statement.
    func read<T>(_ body: (Database) throws -> T) throws -> T? {
        guard let queue = idle.withLock({ $0.popLast() }) else { return nil }
        defer { idle.withLock { $0.append(queue) } }
        return try queue.inDatabase(body)
    }

    /// Closes the idle connections (at shutdown; a connection lent out is closed when released).
    func close() throws {
        for queue in idle.withLock({ queues in defer { queues = [] }; return queues }) { try queue.close() }
    }
}
