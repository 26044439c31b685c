// Accounts bcrypt pool: the threads that hash and check passwords, apart from the threads that
// serve requests. A bcrypt check at cost 12 takes about a quarter second of one core; run where
// requests are read and answered (the event loops) or on Swift's cooperative threads, twelve
// clients sending wrong passwords slowed every other user's requests from 3–6 ms to 2–3 s. Here
// they wait their turn on a fixed number of threads, and when too many already wait, a sign-in is
// refused at once (503, retry shortly) rather than queued for minutes.
import NIOCore
import NIOPosix
import Synchronization

/// A bounded pool for bcrypt work.
///
/// ```swift
/// let ok = try await BcryptPool.shared.run { Credentials.verifyPassword(password, hash: hash) }
/// ```
public final class BcryptPool: Sendable {
    /// The hub's pool: half the cores (at least one), so that at least as many are left for serving;
    /// at most 64 checks waiting.
    public static let shared = BcryptPool(threads: max(1, System.coreCount / 2), maximumWaiting: 64)

    let pool: NIOThreadPool
    /// Checks queued or running beyond which `run` refuses.
    public let maximumWaiting: Int
    let waiting = Atomic<Int>(0)

    public init(threads: Int, maximumWaiting: Int) {
        pool = NIOThreadPool(numberOfThreads: threads)
        pool.start()
        self.maximumWaiting = maximumWaiting
    }

    deinit { pool.shutdownGracefully { _ in } }

    /// Runs `work` on one of the pool's threads; throws `SignInRefused(busy: true)` without running
    /// it when `maximumWaiting` are already queued or running.
    public func run<T: Sendable>(_ work: @escaping @Sendable () -> T) async throws -> T {
        guard waiting.add(1, ordering: .relaxed).newValue <= maximumWaiting else {
            waiting.subtract(1, ordering: .relaxed)
            throw SignInRefused(retryAfter: 1, busy: true)
        }
        defer { waiting.subtract(1, ordering: .relaxed) }
        return try await pool.runIfActive(work)
    }
}
