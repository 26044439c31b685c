// `kakehashi freshness sweep [--as-of T]`: the freshness sweep once, as the server runs it
// periodically — every hub-created indicator that has expired (at T, or now) gets its `valid_until`
// or `revoked` version for TAXII consumers; running it again adds nothing.
import ArgumentParser
import Distribution
import Foundation
import SharingPolicy
import STIX

struct FreshnessCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "freshness", abstract: "Freshness of indicators: the sweep that tells TAXII consumers what expired.",
        subcommands: [Sweep.self])

    /// `kakehashi freshness sweep --as-of 2026-12-24T00:00:00Z`
    struct Sweep: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Give every expired hub-created indicator a new version with valid_until (or revoked, for false positives); prints {\"examined\", \"expired\", \"revoked\", \"skipped\"}.",
            discussion: """
            Only indicators the hub created (anonymised released copies, corroborated indicators) are
            versioned: STIX lets only an object's creator version it. A member's own indicators leave
            every blocklist export when they expire all the same.
            """)
        @OptionGroup var data: DataOption
        @Option(name: .customLong("as-of"), help: "Sweep as freshness stands at this instant (RFC 3339, e.g. 2026-12-24T00:00:00Z) instead of now.")
        var asOf: String?

        func run() async throws {
            let instant = try asOf.map { text -> Int64 in
                guard let stamp = STIXTimestamp(text) else {
                    throw CommandFailure("--as-of must be an RFC 3339 UTC time such as 2026-12-24T00:00:00Z; nothing was changed")
                }
                return stamp.microsecondsSinceEpoch
            }
            let hub = try await OpenedHub.open(data)
            let sweep = FreshnessSweep(store: hub.store, policy: PolicyEngine(store: hub.store, defaultTLP: hub.settings.defaultTLP),
                                       hubIdentityID: hub.anonymization.hubIdentityID,
                                       freshness: try FlowConfiguration.load(data.url).freshness)
            let report = try await sweep.sweep(asOfMicroseconds: instant)
            print("{\"examined\": \(report.examined), \"expired\": \(report.expired), \"revoked\": \(report.revoked), \"skipped\": \(report.skipped)}")
        }
    }
}
