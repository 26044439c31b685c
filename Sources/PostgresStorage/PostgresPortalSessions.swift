// PostgresStorage portal sessions (PortalSessionStore): the portal's sessions by token hash, shared
// by every hub instance on the database, and password changes.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func createPortalSession(_ session: PortalSessionRecord) async throws {
        _ = try await transaction { c in
            try await c.query("""
                INSERT INTO portal_session (token_hash, user_id, csrf_token, created_at, last_seen_at)
                VALUES (\(session.tokenHash), \(session.userID), \(session.csrfToken),
                        \(session.createdAt.timeIntervalSince1970), \(session.lastSeenAt.timeIntervalSince1970))
                """, logger: self.logger)
        }
    }

    public func portalSession(tokenHash: String) async throws -> PortalSessionRecord? {
        try await rows("SELECT * FROM portal_session WHERE token_hash = \(tokenHash)").first.map { row in
            PortalSessionRecord(tokenHash: try row.get("token_hash"), userID: try row.get("user_id"),
                                csrfToken: try row.get("csrf_token"),
                                createdAt: Date(timeIntervalSince1970: try row.get("created_at")),
                                lastSeenAt: Date(timeIntervalSince1970: try row.get("last_seen_at")))
        }
    }

    public func touchPortalSession(tokenHash: String, at: Date) async throws {
        let seconds = at.timeIntervalSince1970
        _ = try await transaction { c in
            try await c.query("""
                UPDATE portal_session SET last_seen_at = \(seconds) WHERE token_hash = \(tokenHash) AND last_seen_at < \(seconds)
                """, logger: self.logger)
        }
    }

    @discardableResult
    public func deletePortalSession(tokenHash: String) async throws -> Bool {
        try await transaction { c in
            try await Self.changed(c.query("DELETE FROM portal_session WHERE token_hash = \(tokenHash) RETURNING token_hash",
                                           logger: self.logger))
        }
    }

    @discardableResult
    public func deletePortalSessions(userID: String) async throws -> Int {
        try await transaction { c in
            try await c.query("DELETE FROM portal_session WHERE user_id = \(userID) RETURNING token_hash",
                              logger: self.logger).collect().count
        }
    }

    @discardableResult
    public func deleteExpiredPortalSessions(lastSeenBefore: Date, createdBefore: Date) async throws -> Int {
        let seen = lastSeenBefore.timeIntervalSince1970, created = createdBefore.timeIntervalSince1970
        return try await transaction { c in
            try await c.query("""
                DELETE FROM portal_session WHERE last_seen_at < \(seen) OR created_at < \(created) RETURNING token_hash
                """, logger: self.logger).collect().count
        }
    }

    public func setPasswordHash(userID: String, hash: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                UPDATE hub_user SET password_hash = \(hash) WHERE id = \(userID) RETURNING id
                """, logger: self.logger))
        }
    }
}
