// KakehashiCLI feed flow (issue 16): `kakehashi admin feed set-severity|set-decay` and
// `kakehashi admin org set-tier` — the operator's settings that decide what reaches members'
// devices and how fast; each change is audited and seen by a running server on its next request.
import ArgumentParser
import Distribution
import Foundation
import Storage

extension FeedCommand {
    struct SetSeverity: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-severity",
            abstract: "Set a feed's severity (urgent, important, normal, info): export order, reduced feeds, alerts.")
        @OptionGroup var data: DataOption
        @Argument(help: "The feed (name).") var name: String
        @Argument(help: "urgent, important, normal or info.") var severity: String

        func run() async throws {
            guard let level = FeedSeverity(rawValue: severity.lowercased()) else {
                throw CommandFailure("severity must be urgent, important, normal or info; nothing was changed")
            }
            let hub = try await OpenedHub.open(data)
            guard let feed = try await hub.store.feed(named: name) else { throw CommandFailure("no feed named \(name)") }
            let changed = try await hub.store.setFeedSeverity(feedID: feed.id, level, audit: AuditEvent(
                action: .account, actorUserID: nil, actorOrganizationID: nil, subject: feed.id,
                details: ["change": "feed-severity", "severity": level.rawValue]))
            print(changed ? "\(feed.name) is now \(level.rawValue)" : "\(feed.name) already was \(level.rawValue)")
        }
    }

    struct SetDecay: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-decay",
            abstract: "Set how fast a feed's indicators of one value class lose freshness (MISP polynomial decay).",
            discussion: """
            score(t) = base × (1 − (t / lifetime)^(1 / speed)), t the time since the indicator's last
            sign of life (its version or a member's "seen" sighting); below the threshold it has
            expired and leaves every blocklist. Example: set-decay C2 --class ip --lifetime 14d --speed 2 --threshold 30.
            --reset drops the feed's own settings for the class (or all, without --class).
            """)
        @OptionGroup var data: DataOption
        @Argument(help: "The feed (name).") var name: String
        @Option(help: "ip, domain, url or hash.") var `class`: String?
        @Option(help: "Lifetime, e.g. 30d, 12h, 90m, 45s.") var lifetime: String?
        @Option(help: "Decay speed (> 0; 1 linear, larger falls faster early).") var speed: Double?
        @Option(help: "Threshold score 0–100 (below it: expired).") var threshold: Double?
        @Flag(help: "Return to the hub's defaults.") var reset = false

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            guard let feed = try await hub.store.feed(named: name) else { throw CommandFailure("no feed named \(name)") }
            var decay = feed.decay ?? FeedDecay()
            let decayClass = try `class`.map { text -> DecayClass in
                guard let value = DecayClass(rawValue: text.lowercased()) else {
                    throw CommandFailure("--class must be ip, domain, url or hash; nothing was changed")
                }
                return value
            }
            if reset {
                if let decayClass { decay.overrides[decayClass] = nil } else { decay.overrides = [:] }
            } else {
                guard let decayClass else { throw CommandFailure("--class is required (ip, domain, url or hash); nothing was changed") }
                let current = decay.overrides[decayClass] ?? FreshnessDefaults.standard.parameters(for: decayClass)
                var parameters = current
                if let lifetime {
                    guard let seconds = ExportFilter.age(lifetime) else {
                        throw CommandFailure("--lifetime is a duration such as 30d, 12h, 90m or 45s; nothing was changed")
                    }
                    parameters.lifetimeSeconds = Double(seconds)
                }
                if let speed { parameters.decaySpeed = speed }
                if let threshold { parameters.threshold = threshold }
                if let problem = Freshness.problem(with: parameters) { throw CommandFailure("\(problem); nothing was changed") }
                decay.overrides[decayClass] = parameters
            }
            let stored: FeedDecay? = decay.overrides.isEmpty ? nil : decay
            _ = try await hub.store.setFeedDecay(feedID: feed.id, stored, audit: AuditEvent(
                action: .account, actorUserID: nil, actorOrganizationID: nil, subject: feed.id,
                details: ["change": "feed-decay", "decay": stored?.storedText ?? "defaults"]))
            print("\(feed.name) decay: \(stored?.storedText ?? "the hub's defaults")")
        }
    }
}

extension OrgCommand {
    struct SetTier: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "set-tier",
            abstract: "Set an organisation's consumer tier (large, medium, small): rate limits, page sizes, the reduced feed.")
        @OptionGroup var data: DataOption
        @Argument(help: "The organisation (name).") var name: String
        @Argument(help: "large, medium or small.") var tier: String

        func run() async throws {
            guard let level = ConsumerTier(rawValue: tier.lowercased()) else {
                throw CommandFailure("tier must be large, medium or small; nothing was changed")
            }
            let hub = try await OpenedHub.open(data)
            let org = try await OrganizationIdentifiers.organization(name, in: hub)
            let changed = try await hub.store.setOrganizationTier(id: org.id, level, audit: AuditEvent(
                action: .account, actorUserID: nil, actorOrganizationID: nil, subject: org.id,
                details: ["change": "organization-tier", "tier": level.rawValue]))
            print(changed ? "\(org.name) is now tier \(level.rawValue)" : "\(org.name) already was tier \(level.rawValue)")
        }
    }
}
