// Storage request accounts generation: one request's reading of the account generation, taken at
// its first `currentAccountsGeneration()` and reused by the rest of the request (sign-in, feed
// directory, rights), so that a back end which reads the stored count over the network (PostgreSQL)
// reads it once per request rather than once per cache. A change committed by any process before
// the request began is still seen by it.
import Synchronization

/// The account generation one request has read. The HTTP layer binds a fresh one around each
/// request; a back end's `currentAccountsGeneration()` reads the stored count once, records it here
/// and answers the request's later calls from it.
///
/// ```swift
/// try await RequestAccountsGeneration.$current.withValue(RequestAccountsGeneration()) {
///     try await next(request, context)   // every cache asks the store; one read of the stored count
/// }
/// ```
public final class RequestAccountsGeneration: Sendable {
    /// The request being served (nil outside a request: every call reads).
    @TaskLocal public static var current: RequestAccountsGeneration?

    /// How long a recorded reading is reused: a task started within a request inherits it, and one
    /// that outlives the request must not keep an old reading.
    public static let lifetime: Duration = .seconds(1)

    private let reading = Mutex<(stored: UInt64, at: ContinuousClock.Instant)?>(nil)

    public init() {}

    /// The stored count this request read, unless it read none or longer ago than `lifetime`.
    public var stored: UInt64? {
        reading.withLock { reading in
            guard let reading, ContinuousClock.now - reading.at < Self.lifetime else { return nil }
            return reading.stored
        }
    }

    /// Records the stored count a read made during this request found (the first one stays).
    public func record(stored: UInt64) {
        reading.withLock { reading in
            if reading == nil || ContinuousClock.now - reading!.at >= Self.lifetime { reading = (stored, ContinuousClock.now) }
        }
    }
}
