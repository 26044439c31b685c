// KakehashiCLI — CorrelationsCommand.swift
// Owns `kakehashi correlations SUBMISSION_ID --json [--as EMAIL]`: the submissions that share
// observables with one submission (correlation on arrival), as the operator (analyst view) or as
// the given user sees them — the same answer as GET /api/v1/submissions/{id}/correlations.
import ArgumentParser
import Correlation
import Foundation
import Ingestion
import SharingPolicy

struct CorrelationsCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "correlations",
        abstract: "Submissions sharing observables with a submission, with the shared values.",
        discussion: """
            Prints {"submission", "view", "matches": {"reports", "organizations"}, "links": [{"submission", \
            "organization", "held_back", "shared": [{"kind", "value"}]}], "excluded": [{"kind", "value", "list"}], \
            "truncated", "indexed_values"} (a provider's view, with --as a member, also has "readable"). Submission \
            ids are those `kakehashi submit` prints. Values on the exclusion lists (bundled and DATA/warninglists/) \
            link nothing and are listed as excluded.
            """)
    @OptionGroup var data: DataOption
    @Argument(help: "The submission id.") var submission: String
    @Flag(help: "Print JSON (the only format).") var json = false
    @Option(name: .customLong("as"), help: "See it as this user (default: the operator, i.e. an analyst).")
    var email: String?

    func run() async throws {
        let hub = try await OpenedHub.open(data)
        let principal = if let email { try await hub.principal(email: email) } else { hub.operatorPrincipal }
        let exclusions: CorrelationExclusions
        do {
            exclusions = .with(try HandOver.warningLists(dataDirectory: data.url))
        } catch {
            throw CommandFailure("the warning lists in \(data.url.path)/warninglists cannot be read: \(error)")
        }
        let desk = CorrelationDesk(store: hub.store, policy: PolicyEngine(store: hub.store), exclusions: exclusions)
        guard let view = try await desk.correlations(of: submission, for: principal) else {
            throw CommandFailure("there is no submission \(submission.prefix(64))\(email.map { " for \($0)" } ?? "")")
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .prettyPrinted, .withoutEscapingSlashes]
        print(String(decoding: try encoder.encode(view), as: UTF8.self))
    }
}
