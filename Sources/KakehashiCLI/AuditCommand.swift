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
            var previous = AuditChain.genesis
            var sequence: Int64 = 0
            var problems: [AuditChain.Problem] = []
            var count = 0
            while true {
                let entries = try await hub.store.auditEntries(after: sequence, limit: 10_000)
                guard let last = entries.last else { break }
                problems += AuditChain.verify(entries, previous: previous, previousSequence: sequence)
                previous = last.hash
                sequence = last.sequence
                count += entries.count
            }
            if problems.isEmpty {
                print("audit trail intact: \(count) entries, head \(previous)")
            } else {
                for problem in problems.prefix(50) { print("TAMPERED: \(problem.description)") }
                throw CommandFailure("the audit trail has \(problems.count) break(s); first at entry \(problems[0].sequence)")
            }
        }
    }
}
