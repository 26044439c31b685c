// `kakehashi sightings add|list|review|clear`: members' sighting reports from the command line (as a
// member with --as EMAIL), the counts of an indicator's sightings (as the operator, or as a member),
// and the hub analysts' review queue of values reported as false positives. The same SightingDesk
// as the JSON API and TAXII; refusals print the API's message.
import ArgumentParser
import Consent
import Foundation
import Storage

struct SightingsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sightings", abstract: "Sightings members report back, and the false-positive review queue.",
        subcommands: [Add.self, List.self, Review.self, Clear.self])

    /// `kakehashi sightings add --as EMAIL --value 198.51.100.7 --kind false-positive`
    struct Add: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Report a sighting as a member; prints {\"id\", \"indicator\", \"kind\", \"count\", \"recorded_at\"}.")
        @OptionGroup var data: DataOption
        @Option(name: .customLong("as"), help: "E-mail address of the reporting member's user.") var email: String
        @Option(help: "STIX id of the indicator (or --value).") var indicator: String?
        @Option(help: "The observable value (or --indicator).") var value: String?
        @Option(help: "seen | false-positive | expired (default seen).") var kind: String = "seen"
        @Option(help: "How many times it was seen (default 1).") var count: Int = 1
        @Option(help: "RFC 3339 UTC timestamp.") var firstSeen: String?
        @Option(help: "RFC 3339 UTC timestamp.") var lastSeen: String?
        @Flag(help: "Consent to be named to other members.") var consentToBeNamed = false

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let principal = try await hub.principal(email: email)
            guard let sightingKind = SightingKind(rawValue: kind) else {
                throw CommandFailure("--kind must be seen, false-positive or expired")
            }
            try await SightingsCommand.printing {
                let input = try SightingInput(indicator: indicator, value: value, kind: sightingKind, count: count,
                                              firstSeen: firstSeen, lastSeen: lastSeen, named: consentToBeNamed)
                return try await SightingsCommand.desk(hub).report(input, by: principal, via: "cli")
            }
        }
    }

    /// `kakehashi sightings list indicator--… [--as EMAIL]`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Print the sightings of an indicator as counts, as the operator sees them or (--as) as a member does.")
        @OptionGroup var data: DataOption
        @Argument(help: "STIX id of the indicator.") var indicator: String
        @Option(name: .customLong("as"), help: "E-mail address of a user to see it as (default: the operator).") var email: String?
        @Flag(help: "Print JSON (the only format).") var json = false

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            var principal = hub.operatorPrincipal
            if let email { principal = try await hub.principal(email: email) }
            try await SightingsCommand.printing {
                try await SightingsCommand.desk(hub).summary(indicatorID: indicator, for: principal)
            }
        }
    }

    /// `kakehashi sightings review --json`
    struct Review: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "The values false-positive reports put on review (out of the corroborated feed): [{\"value\", \"state\", \"organizations\", \"placed_at\", \"cleared_at\", \"reporters\"}].")
        @OptionGroup var data: DataOption
        @Flag(help: "Also those already cleared.") var all = false
        @Flag(help: "Print JSON (the only format).") var json = false

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            try await SightingsCommand.printing {
                try await SightingsCommand.desk(hub).reviews(for: hub.operatorPrincipal, includingCleared: all)
            }
        }
    }

    /// `kakehashi sightings clear ipv4-addr:198.51.100.7`
    struct Clear: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Clear a value on review (as a hub analyst): corroboration may release it again, at once if it qualifies.")
        @OptionGroup var data: DataOption
        @Argument(help: "The value as the review lists it, e.g. ipv4-addr:198.51.100.7.") var value: String

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            try await SightingsCommand.printing {
                try await SightingsCommand.desk(hub).clear(value, by: hub.operatorPrincipal)
                return ["value": value, "state": "cleared"]
            }
        }
    }

    static func desk(_ hub: OpenedHub) -> SightingDesk {
        let intake = hub.intake()
        return intake.sightings ?? SightingDesk(store: hub.store, policy: intake.policy, corroboration: nil)
    }

    /// Prints the result as JSON; a refusal as `error: …` (exit status 1) with the API's message.
    static func printing<T: Encodable>(_ body: () async throws -> T) async throws {
        do {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes, .prettyPrinted]
            print(String(decoding: try encoder.encode(try await body()), as: UTF8.self))
        } catch let error as HubError {
            throw CommandFailure(error.reason)
        }
    }
}
