// Storage audit head file: records the newest audit head outside the database on a thread of its
// own, so that a commit never waits for the file system; as a service, it writes the last head
// before the process ends. Several processes may record into one file (instances of a hub on
// PostgreSQL sharing a data directory, the CLI beside a server): they take turns under a lock file.
#if canImport(Glibc)
import Glibc
#endif
import Foundation
import ServiceLifecycle

/// The file holding the newest audit head (see `AuditHead`), written in the background.
///
/// A store calls `record` once a transaction with audit entries has committed. The file can lag
/// the database by the entries of the last moments (verification accepts a head that is behind) but
/// is never ahead of it, and heads are written in order: a newer head is never replaced by an older one,
/// also when several processes record into the same file (each replaces the file only under an
/// exclusive lock on `audit.head.lock`, and only with a head newer than the one the file holds).
///
/// ```swift
/// let heads = AuditHeadFile(url: dataDirectory.appendingPathComponent("audit.head"))
/// heads.record(AuditHead(sequence: 42, hash: hash, seal: seal))   // after the commit
/// let recorded = try heads.read()                                  // waits for pending writes
/// ```
///
/// Run as a service (see `SQLiteHubStore.services`), it waits on graceful shutdown until the newest
/// head recorded so far is in the file.
public final class AuditHeadFile: Service, @unchecked Sendable {
    public let url: URL
    private let queue = DispatchQueue(label: "kakehashi.audit-head")
    private let lock = NSLock()
    private var newest: AuditHead?
    private var writeScheduled = false

    public init(url: URL) { self.url = url }

    /// Schedules writing `head`, unless a newer head was recorded already.
    public func record(_ head: AuditHead) {
        lock.lock()
        if newest.map({ $0.sequence < head.sequence }) ?? true { newest = head }
        let schedule = !writeScheduled
        writeScheduled = true
        lock.unlock()
        guard schedule else { return }
        queue.async { self.writeNewest() }
    }

    private func writeNewest() {
        lock.lock()
        let head = newest
        writeScheduled = false
        lock.unlock()
        guard let head else { return }
        // A failed write leaves the previous (older) head, which verification still accepts.
        try? Self.replace(url, with: head)
    }

    /// Writes `head` to `url` unless the file already holds a newer (or the same) head, holding an
    /// exclusive lock on `url`.lock meanwhile: two processes recording into one file (two instances
    /// sharing a data directory) would otherwise share the temporary file, and the later rename could
    /// replace a newer head with an older one. An unreadable file is replaced.
    static func replace(_ url: URL, with head: AuditHead) throws {
        let lockPath = url.appendingPathExtension("lock").path
        let descriptor = open(lockPath, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AuditAnchorError("cannot open \(lockPath)") }
        defer { close(descriptor) }   // releases the lock
        while flock(descriptor, LOCK_EX) != 0 {
            guard errno == EINTR else { throw AuditAnchorError("cannot lock \(lockPath)") }
        }
        if let recorded = try? AuditHead.read(from: url), recorded.sequence >= head.sequence { return }
        try head.write(to: url)
    }

    /// Waits until every head recorded so far has been written, without blocking a thread.
    public func written() async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in queue.async { done.resume() } }
    }

    /// Runs until graceful shutdown (or cancellation), then waits for the pending write.
    public func run() async throws {
        try? await gracefulShutdown()
        await written()
    }

    /// The recorded head, after every head recorded so far has been written; nil before the first.
    public func read() throws -> AuditHead? {
        queue.sync {}
        return try AuditHead.read(from: url)
    }
}
