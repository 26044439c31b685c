// KakehashiCLI flow configuration (issue 16): the hub-wide settings of feed flow kept in hub.json —
// the decay defaults per value class (`decay_ip`, `decay_domain`, `decay_url`, `decay_hash`:
// "lifetime=30d,speed=2,threshold=30") and each consumer tier's limits (`tier_small_burst`,
// `tier_small_per_minute`, `tier_small_page_size`, `tier_small_poll_seconds`, …) — and
// `kakehashi admin tier-limits`, which sets the latter. `serve` reads them when it starts.
import ArgumentParser
import Distribution
import Foundation
import HubHTTP
import Storage

/// The flow settings in a hub's hub.json (defaults for anything absent).
///
/// ```swift
/// let configuration = try FlowConfiguration.load(dataURL)
/// configuration.flow.limits(for: .small).burst   // 20 unless hub.json says otherwise
/// ```
struct FlowConfiguration {
    var freshness = FreshnessDefaults.standard
    var flow = FlowSettings.standard
    /// How often the server sweeps expired hub-created indicators (hub.json `freshness_sweep_seconds`; 0: never).
    var freshnessSweepSeconds = 60.0

    static func load(_ directory: URL) throws -> FlowConfiguration {
        let hub = try IntakeSettings.stored(directory)
        var configuration = FlowConfiguration()
        for decayClass in DecayClass.allCases {
            guard let text = hub["decay_\(decayClass.rawValue)"] else { continue }
            configuration.freshness.byClass[decayClass] = try decay(text, base: configuration.freshness.parameters(for: decayClass),
                                                                    key: "decay_\(decayClass.rawValue)")
        }
        if let text = hub["freshness_sweep_seconds"] {
            guard let seconds = Double(text), seconds >= 0, seconds.isFinite else {
                throw CommandFailure("hub.json: freshness_sweep_seconds must be a number of seconds, 0 or more (got \(text.prefix(32)))")
            }
            configuration.freshnessSweepSeconds = seconds
        }
        for tier in ConsumerTier.allCases {
            var limits = configuration.flow.limits(for: tier)
            func number(_ name: String) throws -> Double? {
                guard let text = hub["tier_\(tier.rawValue)_\(name)"] else { return nil }
                guard let value = Double(text), value >= 0, value.isFinite else {
                    throw CommandFailure("hub.json: tier_\(tier.rawValue)_\(name) must be a number of 0 or more (got \(text.prefix(32)))")
                }
                return value
            }
            if let value = try number("burst") { limits.burst = value == 0 ? nil : Int(value) }
            if let value = try number("per_minute") { limits.perMinute = value }
            if let value = try number("page_size") { limits.maxPageSize = max(1, Int(value)) }
            if let value = try number("poll_seconds") { limits.pollSeconds = Int(value) }
            configuration.flow.limits[tier] = limits
        }
        return configuration
    }

    /// `lifetime=30d,speed=2,threshold=30` (any of them) over `base`.
    static func decay(_ text: String, base: DecayParameters, key: String) throws -> DecayParameters {
        var parameters = base
        for part in text.split(separator: ",") {
            let pair = part.split(separator: "=", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard pair.count == 2 else { throw CommandFailure("hub.json: \(key) is lifetime=30d,speed=2,threshold=30 (got \(text.prefix(64)))") }
            switch pair[0] {
            case "lifetime":
                guard let seconds = ExportFilter.age(pair[1]) else { throw CommandFailure("hub.json: \(key) lifetime is a duration such as 30d") }
                parameters.lifetimeSeconds = Double(seconds)
            case "speed": parameters.decaySpeed = Double(pair[1]) ?? -1
            case "threshold": parameters.threshold = Double(pair[1]) ?? -1
            default: throw CommandFailure("hub.json: \(key) knows lifetime, speed and threshold (got \(pair[0].prefix(32)))")
            }
        }
        if let problem = Freshness.problem(with: parameters) { throw CommandFailure("hub.json: \(key): \(problem)") }
        return parameters
    }
}

/// `kakehashi admin tier-limits small --burst 5 --per-minute 1 --page-size 100 --poll-seconds 900`.
struct TierLimitsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tier-limits",
        abstract: "Set a consumer tier's rate limit, TAXII page size and polling hint (hub.json; a running server applies them when restarted).")
    @OptionGroup var data: DataOption
    @Argument(help: "large, medium or small.") var tier: String
    @Option(help: "Requests a token may make at once (0: no limit).") var burst: Int?
    @Option(name: .customLong("per-minute"), help: "Requests per minute on average.") var perMinute: Double?
    @Option(name: .customLong("page-size"), help: "Largest TAXII page.") var pageSize: Int?
    @Option(name: .customLong("poll-seconds"), help: "Polling interval hint in seconds.") var pollSeconds: Int?

    func run() async throws {
        guard let level = ConsumerTier(rawValue: tier.lowercased()) else {
            throw CommandFailure("tier must be large, medium or small; nothing was changed")
        }
        if let burst, burst < 0 { throw CommandFailure("--burst must be 0 (no limit) or more; nothing was changed") }
        if let perMinute, !(perMinute >= 0) || !perMinute.isFinite { throw CommandFailure("--per-minute must be 0 or more; nothing was changed") }
        if let pageSize, pageSize < 1 { throw CommandFailure("--page-size must be 1 or more; nothing was changed") }
        if let pollSeconds, pollSeconds < 0 { throw CommandFailure("--poll-seconds must be 0 or more; nothing was changed") }
        var hub = try IntakeSettings.stored(data.url)
        let prefix = "tier_\(level.rawValue)_"
        if let burst { hub[prefix + "burst"] = String(burst) }
        if let perMinute { hub[prefix + "per_minute"] = String(perMinute) }
        if let pageSize { hub[prefix + "page_size"] = String(pageSize) }
        if let pollSeconds { hub[prefix + "poll_seconds"] = String(pollSeconds) }
        try JSONSerialization.data(withJSONObject: hub, options: [.sortedKeys])
            .write(to: data.url.appendingPathComponent("hub.json"), options: .atomic)
        let limits = try FlowConfiguration.load(data.url).flow.limits(for: level)
        let burstText = limits.burst.map { "burst \($0), \(limits.perMinute) per minute" } ?? "no rate limit"
        print("tier \(level.rawValue): \(burstText), page size \(limits.maxPageSize.map(String.init) ?? "the server's"), poll every \(limits.pollSeconds) s")
    }
}
