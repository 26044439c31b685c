// Storage recent accounts generation: the stored account generation as one instance last read it,
// shared by every request for `lifetime` (250 ms), so that a poll answered from caches reads nothing.
// A write through this instance forgets the reading (`forget()`, after it committed), so the next
// request reads the count again and sees it at once, whatever the write changed; a change made
// through another instance or the CLI is seen within `lifetime` (issue 13 asks for rights changed
// on one instance to take effect on the others within a second).
import Synchronization

/// The stored account generation last read by this process and when.
///
/// ```swift
/// if let stored = recent.stored { return local &+ stored }   // read less than 250 ms ago
/// let stored = try readStoredCount()
/// recent.record(stored: stored)
/// ```
public final class RecentAccountsGeneration: Sendable {
    /// How long a reading is reused by later requests: another instance's change waits at most this long.
    public static let lifetime: Duration = .milliseconds(250)

    private let reading = Mutex<(stored: UInt64, at: ContinuousClock.Instant)?>(nil)
    /// Readings started before this instant are not kept (a write committed after they began).
    private let forgotten = Mutex<ContinuousClock.Instant?>(nil)
    let lifetime: Duration

    public init(lifetime: Duration = RecentAccountsGeneration.lifetime) { self.lifetime = lifetime }

    /// The stored count read less than `lifetime` ago, if any.
    public var stored: UInt64? {
        reading.withLock { reading in
            guard let reading, ContinuousClock.now - reading.at < lifetime else { return nil }
            return reading.stored
        }
    }

    /// Records a reading begun at `instant` (one begun earlier than the one kept, or before the last
    /// `forget()`, is not kept).
    public func record(stored: UInt64, at instant: ContinuousClock.Instant) {
        if let floor = forgotten.withLock({ $0 }), instant < floor { return }
        reading.withLock { reading in
            if reading == nil || reading!.at <= instant { reading = (stored, instant) }
        }
    }

    /// A write through this instance committed: the next request reads the stored count again.
    public func forget() {
        let now = ContinuousClock.now
        forgotten.withLock { $0 = now }
        reading.withLock { $0 = nil }
    }
}
