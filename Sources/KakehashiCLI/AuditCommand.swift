// `kakehashi audit …`: checking and listing the hash-chained audit trail.
import ArgumentParser
import Foundation
import Storage

struct Audit: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "The audit trail.", subcommands: [Verify.self, List.self])

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

    /// `kakehashi audit list [--action read] [--after N] [--limit N]`: one JSON object per line.
    struct List: AsyncParsableCommand {
        static let configuration = CommandConfiguration(
            abstract: "List audit entries in order, one JSON object a line (sequence, recorded_at, action, actor, subject, details).")
        @OptionGroup var data: DataOption
        @Option(help: "Only entries of this action: \(AuditAction.allCases.map(\.rawValue).joined(separator: ", ")).")
        var action: String?
        @Option(help: "Only entries after this sequence number.") var after: Int64 = 0
        @Option(help: "At most this many entries.") var limit = 1000

        func validate() throws {
            if let action, AuditAction(rawValue: action) == nil {
                throw ValidationError("--action must be one of \(AuditAction.allCases.map(\.rawValue).joined(separator: ", "))")
            }
            guard limit > 0, after >= 0 else { throw ValidationError("--limit must be positive and --after not negative") }
        }

        func run() async throws {
            let hub = try await OpenedHub.open(data)
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            var cursor = after, printed = 0
            while printed < limit {
                let entries = try await hub.store.auditEntries(after: cursor, limit: 1000)
                guard let last = entries.last else { break }
                cursor = last.sequence
                for entry in entries where action == nil || entry.event.action.rawValue == action {
                    guard printed < limit else { break }
                    print(String(decoding: try encoder.encode(Line(entry)), as: UTF8.self))
                    printed += 1
                }
            }
        }

        struct Line: Encodable {
            let sequence: Int64
            let recorded_at: String
            let action: String
            let actor_user_id: String?
            let actor_organization_id: String?
            let subject: String?
            let details: [String: String]

            init(_ entry: AuditEntry) {
                sequence = entry.sequence; recorded_at = entry.recordedAt; action = entry.event.action.rawValue
                actor_user_id = entry.event.actorUserID; actor_organization_id = entry.event.actorOrganizationID
                subject = entry.event.subject; details = entry.event.details
            }
        }
    }
}
