// PostgresStorage feed flow: feed severity, feed decay and organisation tiers (Storage.FeedFlowStore),
// as SQLiteStorage keeps them: each an account change with its audit entry in one transaction.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func setFeedSeverity(feedID: String, _ severity: FeedSeverity, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                UPDATE feed SET severity = \(severity.rawValue) WHERE id = \(feedID) AND severity <> \(severity.rawValue) RETURNING id
                """, logger: self.logger))
        }
    }

    public func setFeedDecay(feedID: String, _ decay: FeedDecay?, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                UPDATE feed SET decay = \(decay?.storedText) WHERE id = \(feedID) RETURNING id
                """, logger: self.logger))
        }
    }

    public func setOrganizationTier(id: String, _ tier: ConsumerTier, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                UPDATE organization SET tier = \(tier.rawValue) WHERE id = \(id) AND tier <> \(tier.rawValue) RETURNING id
                """, logger: self.logger))
        }
    }
}
