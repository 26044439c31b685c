// Distribution — Freshness (seed 004: 鮮度): how fresh an indicator still is. Pure scoring, no
// storage: MISP's polynomial decay per value class (defaults below, overridden per feed), a base
// score raised by corroboration and lowered by false-positive and "expired" sightings, the clock
// restarted by members' "seen" sightings, and the instant the score falls under the threshold — the
// instant the indicator leaves every blocklist. OpenCTI's stepped decay is here as the second model
// to compare (see the README's Freshness section).
import Foundation
import Storage

/// The hub's decay defaults per value class (hub.json `decay_ip`, … override them; feeds override those).
///
/// ```swift
/// let ip = FreshnessDefaults.standard.parameters(for: .ip)   // 30 days, speed 2, threshold 30
/// ```
public struct FreshnessDefaults: Sendable, Equatable {
    public var byClass: [DecayClass: DecayParameters]

    public init(byClass: [DecayClass: DecayParameters]) { self.byClass = byClass }

    /// Addresses are reassigned and C2 hosts move within weeks (30 days, falling fast early: speed 2);
    /// domains and URLs live for months (90 days, linear); a file hash never comes to mean another
    /// file, only stops being seen (365 days, holding long: speed 0.5). Threshold 30 for all, as
    /// MISP's nids-simple-model.
    public static let standard = FreshnessDefaults(byClass: [
        .ip: DecayParameters(lifetimeSeconds: 30 * 86_400, decaySpeed: 2, threshold: 30),
        .domain: DecayParameters(lifetimeSeconds: 90 * 86_400, decaySpeed: 1, threshold: 30),
        .url: DecayParameters(lifetimeSeconds: 90 * 86_400, decaySpeed: 1, threshold: 30),
        .hash: DecayParameters(lifetimeSeconds: 365 * 86_400, decaySpeed: 0.5, threshold: 30),
    ])

    public func parameters(for decayClass: DecayClass) -> DecayParameters {
        byClass[decayClass] ?? Self.standard.byClass[decayClass]!
    }

    /// The parameters for `decayClass` in a feed with `decay` overrides.
    public func parameters(for decayClass: DecayClass, feed decay: FeedDecay?) -> DecayParameters {
        decay?.overrides[decayClass] ?? parameters(for: decayClass)
    }
}

/// What members said about an indicator's values, summed over organisations (who said it is never
/// carried here).
public struct FreshnessEvidence: Sendable, Hashable {
    /// The latest "seen" sighting (its `last_seen`, else when it was recorded), µs since 1970.
    public var lastSeenMicroseconds: Int64?
    /// How many organisations reported a value of it independently (k-corroboration counts).
    public var reporters: Int
    /// How many organisations reported it a false positive.
    public var falsePositives: Int
    /// How many organisations reported it expired.
    public var expiredReports: Int

    public init(lastSeenMicroseconds: Int64? = nil, reporters: Int = 0, falsePositives: Int = 0, expiredReports: Int = 0) {
        self.lastSeenMicroseconds = lastSeenMicroseconds; self.reporters = reporters
        self.falsePositives = falsePositives; self.expiredReports = expiredReports
    }

    public static let none = FreshnessEvidence()
}

/// The scoring rules.
///
/// ```swift
/// let p = DecayParameters(lifetimeSeconds: 30 * 86_400, decaySpeed: 2, threshold: 30)
/// Freshness.score(base: 80, ageSeconds: 7.5 * 86_400, parameters: p)   // 80 × (1 − 0.25^0.5) = 40
/// Freshness.expiryAge(base: 80, parameters: p)                          // 30 d × (1 − 30/80)^2 = 11.72 d
/// ```
public enum Freshness {
    /// Each further organisation that reported a value independently adds this much to the base.
    public static let corroborationBonus = 10.0
    /// Each organisation's false-positive report takes this much off the base: one report drops an
    /// indicator of the default confidence (50) to 0, two drop any.
    public static let falsePositivePenalty = 50.0
    /// Each organisation's "expired" report takes this much off the base.
    public static let expiredPenalty = 25.0

    /// MISP's polynomial decay: `base × (1 − (t/lifetime)^(1/speed))`, 0 from the lifetime on.
    public static func score(base: Double, ageSeconds: Double, parameters p: DecayParameters) -> Double {
        let t = max(0, ageSeconds)
        guard t < p.lifetimeSeconds else { return 0 }
        return base * (1 - pow(t / p.lifetimeSeconds, 1 / p.decaySpeed))
    }

    /// The base score: the STIX confidence (50 when absent), plus the corroboration bonus for every
    /// reporter after the first, minus the penalties; within 0…100.
    public static func base(confidence: Int, evidence: FreshnessEvidence) -> Double {
        let raised = Double(confidence) + corroborationBonus * Double(max(0, evidence.reporters - 1))
        let lowered = raised - falsePositivePenalty * Double(evidence.falsePositives)
            - expiredPenalty * Double(evidence.expiredReports)
        return min(100, max(0, lowered))
    }

    /// How long after its reference instant a score starting at `base` stays at or above the
    /// threshold: `lifetime × (1 − threshold/base)^speed`; nil when it starts below it (expired at once).
    public static func expiryAge(base: Double, parameters p: DecayParameters) -> Double? {
        guard base > 0, base >= p.threshold else { return nil }
        return p.lifetimeSeconds * pow(1 - p.threshold / base, p.decaySpeed)
    }

    /// The class an indicator decays by: the shortest-lived class among its values (an indicator
    /// naming an address and a hash leaves when the address goes stale).
    public static func decayClass(of indicator: ExportIndicator, defaults: FreshnessDefaults, feed decay: FeedDecay?) -> DecayClass? {
        let classes = Set(indicator.values.map { decayClass(of: $0.type) })
        return classes.min { defaults.parameters(for: $0, feed: decay).lifetimeSeconds < defaults.parameters(for: $1, feed: decay).lifetimeSeconds }
    }

    public static func decayClass(of type: ExportValueType) -> DecayClass {
        switch type {
        case .ipv4, .ipv6, .cidr: return .ip
        case .domain: return .domain
        case .url: return .url
        case .md5, .sha1, .sha256: return .hash
        }
    }

    /// When the indicator's freshness begins: its version (`modified`), or a later "seen" sighting.
    public static func reference(of indicator: ExportIndicator, evidence: FreshnessEvidence) -> Int64 {
        max(indicator.modifiedMicroseconds, evidence.lastSeenMicroseconds ?? .min)
    }

    /// The instant (µs) from which the indicator has expired: its score is under the threshold.
    ///
    /// ```swift
    /// let until = Freshness.freshUntil(indicator, evidence: .none, defaults: .standard, feed: nil)
    /// let expired = until <= nowMicroseconds
    /// ```
    public static func freshUntil(_ indicator: ExportIndicator, evidence: FreshnessEvidence,
                                  defaults: FreshnessDefaults, feed decay: FeedDecay?) -> Int64 {
        guard let decayClass = decayClass(of: indicator, defaults: defaults, feed: decay) else { return .max }
        let parameters = defaults.parameters(for: decayClass, feed: decay)
        let reference = reference(of: indicator, evidence: evidence)
        guard let age = expiryAge(base: base(confidence: indicator.confidence, evidence: evidence), parameters: parameters)
        else { return .min }
        return reference.addingReportingOverflow(Int64((age * 1_000_000).rounded(.down))).partialValue
    }

    /// The score now (0–100), for display and the reduced feed.
    public static func score(_ indicator: ExportIndicator, evidence: FreshnessEvidence, defaults: FreshnessDefaults,
                             feed decay: FeedDecay?, nowMicroseconds: Int64) -> Double {
        guard let decayClass = decayClass(of: indicator, defaults: defaults, feed: decay) else { return 0 }
        let age = Double(nowMicroseconds - reference(of: indicator, evidence: evidence)) / 1_000_000
        return score(base: base(confidence: indicator.confidence, evidence: evidence), ageSeconds: age,
                     parameters: defaults.parameters(for: decayClass, feed: decay))
    }

    /// Why parameters are unusable, or nil: lifetime and speed above 0, threshold within 0…100.
    public static func problem(with p: DecayParameters) -> String? {
        if !(p.lifetimeSeconds > 0) || !p.lifetimeSeconds.isFinite { return "the lifetime must be longer than 0" }
        if !(p.decaySpeed > 0) || !p.decaySpeed.isFinite { return "the decay speed must be above 0" }
        if !(0...100).contains(p.threshold) { return "the threshold is a score from 0 to 100" }
        return nil
    }

    // MARK: - OpenCTI's model, for comparison

    /// OpenCTI's decay rules (6.x) use the same curve (`decay_pound` for the speed) but change the
    /// stored score only at the rule's reaction points, and set `valid_until` once, at creation, to
    /// the instant the curve reaches the revoke score; past it the indicator is revoked. The score
    /// an OpenCTI consumer would read at `ageSeconds`: the curve rounded up to the next reaction
    /// point not yet passed (the initial score before the first).
    public static func openCTIScore(base: Double, ageSeconds: Double, parameters p: DecayParameters,
                                    reactionPoints: [Double]) -> Double {
        let curve = score(base: base, ageSeconds: ageSeconds, parameters: p)
        return reactionPoints.filter { $0 < base }.sorted().first { $0 >= curve } ?? base
    }
}
