// SQLiteStorage feed flow: feed severity, feed decay and organisation tiers (Storage.FeedFlowStore),
// each an account change with its audit entry in one transaction.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func setFeedSeverity(feedID: String, _ severity: FeedSeverity, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "UPDATE feed SET severity = ? WHERE id = ? AND severity <> ?",
                           arguments: [severity.rawValue, feedID, severity.rawValue])
        }
    }

    public func setFeedDecay(feedID: String, _ decay: FeedDecay?, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "UPDATE feed SET decay = ? WHERE id = ?", arguments: [decay?.storedText, feedID])
        }
    }

    public func setOrganizationTier(id: String, _ tier: ConsumerTier, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "UPDATE organization SET tier = ? WHERE id = ? AND tier <> ?",
                           arguments: [tier.rawValue, id, tier.rawValue])
        }
    }
}
