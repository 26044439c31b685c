// `kakehashi alerts subscribe|list|unsubscribe|deliveries|dead-letters|retry|send-digests`: members'
// alert subscriptions from the command line (as a member with --as EMAIL) and the operator's view of
// deliveries and dead letters. The same AlertDesk as the JSON API; refusals print the API's message.
// The running server sends the alerts (AlertDispatch); these commands only read and write the store.
import Alerts
import ArgumentParser
import Foundation
import SharingPolicy
import Storage

struct AlertsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "alerts", abstract: "Alert subscriptions (e-mail, signed webhooks), deliveries and dead letters.",
        subcommands: [Subscribe.self, List.self, Unsubscribe.self, Deliveries.self, DeadLetters.self, Retry.self,
                      SendDigests.self])

    /// `kakehashi alerts subscribe --as soc@member.example --feed C2 --webhook https://soc.example/hook`
    struct Subscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Subscribe a member to alerts; prints the subscription with its webhook secret (shown this once).")
        @OptionGroup var data: DataOption
        @Option(name: .customLong("as"), help: "E-mail address of the subscribing user.") var email: String
        @Option(help: "Feed name (default: every feed you may read at --severity or above).") var feed: String?
        @Option(help: "Least severe feed severity alerted (default: info for one feed, urgent for all).") var severity: String?
        @Option(help: "A released campaign's id or name.") var campaign: String?
        @Option(help: "Only indicators from providers of this sector.") var sector: String?
        @Option(name: .customLong("watch"), help: "A domain, IP, URL or e-mail address to watch (repeatable).")
        var watched: [String] = []
        @Option(help: "A webhook URL (https://; internal addresses only when alerts.json allows them).") var webhook: String?
        @Flag(help: "No e-mail (only the webhook).") var noEmail = false
        @Option(help: "Digest of non-urgent feeds: daily or weekly (default daily).") var digest: String?

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let principal = try await hub.principal(email: email)
            let request = AlertSubscriptionRequest(feed: feed, minimumSeverity: severity, campaign: campaign, sector: sector,
                                                   watch: watched, email: noEmail ? false : nil, webhookURL: webhook,
                                                   digest: digest)
            try await SightingsCommand.printing { try await AlertsCommand.desk(hub, data).subscribe(request, by: principal) }
        }
    }

    /// `kakehashi alerts list --as soc@member.example`
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "A user's subscriptions (never the webhook secrets).")
        @OptionGroup var data: DataOption
        @Option(name: .customLong("as"), help: "E-mail address of the user.") var email: String

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let principal = try await hub.principal(email: email)
            try await SightingsCommand.printing { try await AlertsCommand.desk(hub, data).subscriptions(for: principal) }
        }
    }

    /// `kakehashi alerts unsubscribe alert-subscription--… [--as EMAIL]`
    struct Unsubscribe: AsyncParsableCommand {
        static let configuration = CommandConfiguration(abstract: "Remove a subscription (as its user, or as the operator).")
        @OptionGroup var data: DataOption
        @Argument(help: "The subscription id.") var id: String
        @Option(name: .customLong("as"), help: "E-mail address of the subscription's user (default: the operator).")
        var email: String?

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            var principal = hub.operatorPrincipal
            if let email { principal = try await hub.principal(email: email) }
            try await SightingsCommand.printing {
                try await AlertsCommand.desk(hub, data).unsubscribe(id: id, by: principal)
                return ["id": id, "state": "removed"]
            }
        }
    }

    /// `kakehashi alerts deliveries [--as EMAIL] [--status dead]`
    struct Deliveries: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Deliveries, newest first: a user's own (--as), or every user's (the operator).")
        @OptionGroup var data: DataOption
        @Option(name: .customLong("as"), help: "E-mail address of the user (default: the operator, who sees all).")
        var email: String?
        @Option(help: "pending, sent, dead or withheld.") var status: String?
        @Option(help: "At most this many (default 500).") var limit = 500

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let filter = try status.map { text in
                guard let status = AlertDeliveryStatus(rawValue: text) else {
                    throw CommandFailure("--status must be pending, sent, dead or withheld")
                }
                return status
            }
            var principal = hub.operatorPrincipal
            if let email { principal = try await hub.principal(email: email) }
            try await SightingsCommand.printing {
                try await AlertsCommand.desk(hub, data).deliveries(for: principal, status: filter, everyone: email == nil, limit: limit)
            }
        }
    }

    /// `kakehashi alerts dead-letters`
    struct DeadLetters: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "dead-letters", abstract: "Deliveries that failed as often as allowed (the operator's view).")
        @OptionGroup var data: DataOption

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            try await SightingsCommand.printing { try await AlertsCommand.desk(hub, data).deadLetters(by: hub.operatorPrincipal) }
        }
    }

    /// `kakehashi alerts retry alert-delivery--…`
    struct Retry: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Send a dead letter again (the running server sends it within its poll interval).")
        @OptionGroup var data: DataOption
        @Argument(help: "The delivery id, as dead-letters lists it.") var id: String

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            try await SightingsCommand.printing {
                try await AlertsCommand.desk(hub, data).retry(deliveryID: id, by: hub.operatorPrincipal)
            }
        }
    }

    /// `kakehashi alerts send-digests --cadence daily`
    struct SendDigests: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            commandName: "send-digests", abstract: "Make the pending daily or weekly digests due now.")
        @OptionGroup var data: DataOption
        @Option(help: "daily or weekly.") var cadence = "daily"

        func run() async throws {
            guard let which = AlertCadence(rawValue: cadence), which != .immediate else {
                throw CommandFailure("--cadence must be daily or weekly")
            }
            let hub = try await OpenedHub.open(data)
            try await SightingsCommand.printing {
                ["due": try await AlertsCommand.desk(hub, data).sendDigestsNow(which, by: hub.operatorPrincipal)]
            }
        }
    }

    static func desk(_ hub: OpenedHub, _ data: DataOption) -> AlertDesk {
        let settings = try? AlertSettings.load(from: data.url.appendingPathComponent("alerts.json"))
        return AlertDesk(store: hub.store, policy: PolicyEngine(store: hub.store, defaultTLP: hub.settings.defaultTLP),
                         allowPlainHTTPWebhooks: settings?.allowPlainHTTPWebhooks ?? false,
                         allowInternalWebhooks: settings?.allowInternalWebhookAddresses ?? false)
    }
}
