// Storage, feed flow (issue 16): what decides how much of a feed reaches a member's devices and how
// fast — the feed's severity and its freshness (decay) settings, and each organisation's consumer
// tier — and the one narrow write contract that changes them on every back end.
import Foundation

/// How much an organisation's devices take and how often they poll (seed 001: a small member's
/// device must not be flooded). Decides rate limits, TAXII page sizes, polling hints and whether
/// the member receives the reduced feed (small).
public enum ConsumerTier: String, Sendable, Codable, CaseIterable, Comparable {
    case large, medium, small

    public static func < (a: ConsumerTier, b: ConsumerTier) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One decay curve (MISP's polynomial decay model): a value is fresh for `lifetimeSeconds` at most,
/// its score falling as `base × (1 − (t / lifetime)^(1 / decaySpeed))`; below `threshold` it has expired.
public struct DecayParameters: Sendable, Equatable, Codable, Hashable {
    /// How long after its last sign of life the score reaches 0 (seconds, > 0).
    public var lifetimeSeconds: Double
    /// MISP's `decay_speed` (> 0): 1 is linear, larger falls faster early, smaller holds longer.
    public var decaySpeed: Double
    /// The score (0–100) under which the value has expired and leaves every blocklist.
    public var threshold: Double

    public init(lifetimeSeconds: Double, decaySpeed: Double, threshold: Double) {
        self.lifetimeSeconds = lifetimeSeconds; self.decaySpeed = decaySpeed; self.threshold = threshold
    }

    enum CodingKeys: String, CodingKey {
        case lifetimeSeconds = "lifetime_seconds", decaySpeed = "decay_speed", threshold
    }
}

/// The value classes decay is set for: addresses live shortest, domains and URLs longer, file
/// hashes longest (a hash never starts to mean something else).
public enum DecayClass: String, Sendable, Codable, CaseIterable, Hashable {
    case ip, domain, url, hash
}

/// A feed's own decay settings: overrides of the hub's defaults, per value class.
public struct FeedDecay: Sendable, Equatable, Codable, Hashable {
    public var overrides: [DecayClass: DecayParameters]
    public init(overrides: [DecayClass: DecayParameters] = [:]) { self.overrides = overrides }

    /// The JSON the stores keep (`{"ip":{"lifetime_seconds":…,"decay_speed":…,"threshold":…}}`).
    public var storedText: String {
        let byName = Dictionary(uniqueKeysWithValues: overrides.map { ($0.key.rawValue, $0.value) })
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        return String(decoding: (try? encoder.encode(byName)) ?? Data("{}".utf8), as: UTF8.self)
    }

    /// The settings in stored text; nil for none or unreadable text (the defaults then apply).
    public init?(storedText: String?) {
        guard let storedText, let byName = try? JSONDecoder().decode([String: DecayParameters].self, from: Data(storedText.utf8))
        else { return nil }
        var overrides: [DecayClass: DecayParameters] = [:]
        for (name, parameters) in byName { if let type = DecayClass(rawValue: name) { overrides[type] = parameters } }
        self.overrides = overrides
    }
}

/// Changes to feed severity, feed decay and organisation tiers: each with its audit entry in one
/// transaction, durably, and counted as an account change (`currentAccountsGeneration` moves, so
/// every server's caches of feeds and principals see it on the next request).
///
/// ```swift
/// let changed = try await store.setFeedSeverity(feedID: feed.id, .urgent, audit: AuditEvent(action: .account, …))
/// try await store.setOrganizationTier(id: org.id, .small, audit: …)
/// ```
public protocol FeedFlowStore: Sendable {
    /// Sets a feed's severity; false (nothing written) when there is no such feed or it already had it.
    func setFeedSeverity(feedID: String, _ severity: FeedSeverity, audit: AuditEvent) async throws -> Bool
    /// Sets (nil: clears) a feed's decay overrides; false when there is no such feed.
    func setFeedDecay(feedID: String, _ decay: FeedDecay?, audit: AuditEvent) async throws -> Bool
    /// Sets an organisation's consumer tier; false when there is no such organisation or it already had it.
    func setOrganizationTier(id: String, _ tier: ConsumerTier, audit: AuditEvent) async throws -> Bool
}
