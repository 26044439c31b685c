// HubHTTP consumer flow (issue 16, seed 001): per-token rate limits by the organisation's consumer
// tier (a token bucket per credential), the tier's largest TAXII page and its polling hint. A
// request over the limit is answered 429 with Retry-After and the hub's error body (a TAXII error
// message on TAXII, the same JSON on the API and exports). Buckets live in this process: with
// several instances behind a balancer each keeps its own, so a token may make up to N times the
// limit across N instances (README, Feed flow).
import Accounts
import Foundation
import Hummingbird
import Storage
import Synchronization

/// One tier's limits.
public struct TierLimits: Sendable, Equatable {
    /// Requests a token may make at once after a quiet spell (the bucket's size); nil: no limit.
    public var burst: Int?
    /// Requests per minute a token may make on average (the bucket's refill).
    public var perMinute: Double
    /// The largest TAXII page (`limit`) served to this tier; nil: the server's own maximum.
    public var maxPageSize: Int?
    /// How often this tier's devices should poll (seconds), sent as `X-Kakehashi-Poll-Interval`.
    public var pollSeconds: Int

    public init(burst: Int?, perMinute: Double, maxPageSize: Int?, pollSeconds: Int) {
        self.burst = burst; self.perMinute = perMinute; self.maxPageSize = maxPageSize; self.pollSeconds = pollSeconds
    }
}

/// The limits of every tier (hub.json `tier_<tier>_burst`, `_per_minute`, `_page_size`, `_poll_seconds`).
///
/// ```swift
/// var settings = FlowSettings.standard
/// settings.limits[.small]?.burst = 5
/// let flow = ConsumerFlow(settings: settings)
/// ```
public struct FlowSettings: Sendable, Equatable {
    public var limits: [ConsumerTier: TierLimits]
    public init(limits: [ConsumerTier: TierLimits]) { self.limits = limits }

    /// A small member's one device polls every 15 minutes, 100 objects a page, at most 20 requests
    /// at once and 30 an hour on average. Large and medium (every organisation's tier until the
    /// operator sets one) are not limited until the operator sets their limits (`kakehashi admin
    /// tier-limits`): a hub that turns flow control on must not cut off the SOCs and tools that
    /// already poll it; they get the polling hint (60 s, 300 s) and the server's page size.
    public static let standard = FlowSettings(limits: [
        .large: TierLimits(burst: nil, perMinute: 0, maxPageSize: nil, pollSeconds: 60),
        .medium: TierLimits(burst: nil, perMinute: 0, maxPageSize: nil, pollSeconds: 300),
        .small: TierLimits(burst: 20, perMinute: 0.5, maxPageSize: 100, pollSeconds: 900),
    ])

    public func limits(for tier: ConsumerTier) -> TierLimits { limits[tier] ?? Self.standard.limits[tier]! }
}

/// What a request was granted: the tier's page cap (for TAXII's `limit`) and polling hint.
public struct FlowGrant: Sendable, Equatable {
    /// nil: the server's own maximum.
    public var maxPageSize: Int?
    public var pollSeconds: Int

    public init(maxPageSize: Int?, pollSeconds: Int) { self.maxPageSize = maxPageSize; self.pollSeconds = pollSeconds }

    /// The grant of the request being handled (set by `AuthenticationMiddleware` when it limits).
    @TaskLocal public static var current: FlowGrant?
}

/// Token buckets per credential, kept in memory.
///
/// ```swift
/// let flow = ConsumerFlow(settings: .standard)
/// let grant = try flow.admit(credential: "Bearer …", tier: .small)   // HubError.tooManyRequests when empty
/// ```
public final class ConsumerFlow: Sendable {
    public let settings: FlowSettings
    struct Bucket { var tokens: Double; var updated: Double; var tier: ConsumerTier }
    let buckets = Mutex<[String: Bucket]>([:])
    let clock: @Sendable () -> Double

    public init(settings: FlowSettings = .standard, clock: @escaping @Sendable () -> Double = { Date().timeIntervalSince1970 }) {
        self.settings = settings; self.clock = clock
    }

    /// Takes one request from the credential's bucket (created full), or throws a 429 saying in how
    /// many whole seconds one will be available. `credential` is hashed before it is kept.
    public func admit(credential: String, tier: ConsumerTier) throws -> FlowGrant {
        let limits = settings.limits(for: tier)
        let grant = FlowGrant(maxPageSize: limits.maxPageSize, pollSeconds: limits.pollSeconds)
        guard let burst = limits.burst else { return grant }
        let key = Credentials.hashTokenSecret(credential)
        let now = clock()
        let wait: Double? = buckets.withLock { buckets in
            if buckets.count > 100_000 { buckets = buckets.filter { now - $0.value.updated < 3_600 } }
            var bucket = buckets[key] ?? Bucket(tokens: Double(burst), updated: now, tier: tier)
            if bucket.tier != tier {   // the tier changed: start the new tier's bucket full
                bucket = Bucket(tokens: Double(burst), updated: now, tier: tier)
            }
            let rate = limits.perMinute / 60
            bucket.tokens = min(Double(burst), bucket.tokens + max(0, now - bucket.updated) * rate)
            bucket.updated = now
            defer { buckets[key] = bucket }
            if bucket.tokens >= 1 { bucket.tokens -= 1; return nil }
            return rate > 0 ? (1 - bucket.tokens) / rate : 3_600
        }
        if let wait {
            let seconds = max(1, Int(wait.rounded(.up)))
            throw HubError.tooManyRequests(
                "This token made more requests than its organisation's tier (\(tier.rawValue)) allows: \(burst) at once, \(Self.text(limits.perMinute)) a minute. Try again in \(seconds) s.",
                retryAfter: seconds)
        }
        return grant
    }

    static func text(_ value: Double) -> String {
        value == value.rounded() ? String(Int(value)) : String(format: "%.2f", value)
    }
}
