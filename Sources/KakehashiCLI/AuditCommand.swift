// `kakehashi audit …`: checking the hash-chained audit trail.
import ArgumentParser
import Foundation
import Storage

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The audit trail.", subcommands: [Verify.self])

    struct Verify: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "Recompute the audit chain; exits non-zero if any entry was edited or deleted.")
        @OptionGroup var data: DataOption

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let result = try await hub.store.verifyAuditTrail()
            if result.isIntact {
                let anchored = result.recordedHead.map { "recorded head: entry \($0.sequence)" } ?? "no head recorded yet"
                print("audit trail intact: \(result.entryCount) entries, head \(result.headHash) (\(anchored))")
            } else {
                for problem in result.problems.prefix(50) { print("TAMPERED: \(problem.description)") }
                throw CommandFailure("the audit trail has \(result.problems.count) break(s); first at entry \(result.problems[0].sequence)")
            }
        }
    }
}
