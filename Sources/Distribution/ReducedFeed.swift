// Distribution — ReducedFeed: what a small member's devices receive (seed 001: a small
// organisation's device must not be flooded): only feeds of severity urgent or important, only
// indicators of confidence 70 or more whose freshness score is still 60 or more. The same bar
// applies to its blocklist exports and to the indicators of those feeds over TAXII (ReducedFeedReads).
import Accounts
import Foundation
import Storage

/// The reduced feed's bar.
///
/// ```swift
/// ReducedFeed.applies(to: principal)              // a small member's user
/// ReducedFeed.carries(feed)                       // false for a normal or info feed
/// ReducedFeed.admits(indicator, nowMicroseconds: now)
/// ```
public enum ReducedFeed {
    public static let minimumConfidence = 70
    /// The freshness score an indicator must still have (the feed's threshold is usually 30).
    public static let minimumScore = 60.0
    /// Feeds a small member receives at all.
    public static let severities: Set<FeedSeverity> = [.urgent, .important]

    /// Whether `principal` gets the reduced feed: a small member's users (hub staff never: they see
    /// what the hub holds).
    public static func applies(to principal: Principal) -> Bool {
        principal.organization.tier == .small && !principal.user.role.isHubStaff
    }

    /// Whether the reduced feed carries anything of `feed`.
    public static func carries(_ feed: Feed) -> Bool { severities.contains(feed.severity) }

    /// Whether a scored indicator is on the reduced feed at `nowMicroseconds`.
    public static func admits(_ indicator: ExportIndicator, nowMicroseconds: Int64) -> Bool {
        indicator.confidence >= minimumConfidence && indicator.strongUntilMicroseconds > nowMicroseconds
            && indicator.freshUntilMicroseconds > nowMicroseconds
    }

    /// The decay parameters under which an indicator's "expiry" is the instant its score falls
    /// under `minimumScore` (each class's threshold raised to it): `strongUntilMicroseconds`.
    public static func strongDefaults(_ defaults: FreshnessDefaults, feed decay: FeedDecay?) -> FreshnessDefaults {
        var strong = defaults
        for decayClass in DecayClass.allCases {
            var parameters = defaults.parameters(for: decayClass, feed: decay)
            parameters.threshold = max(parameters.threshold, minimumScore)
            strong.byClass[decayClass] = parameters
        }
        return strong
    }
}
