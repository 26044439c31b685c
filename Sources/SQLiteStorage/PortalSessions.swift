// SQLiteStorage portal sessions (PortalSessionStore): the portal's sessions by token hash, and
// password changes.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func createPortalSession(_ session: PortalSessionRecord) async throws {
        try await measuredWrite { db in
            try db.execute(sql: """
                INSERT INTO portal_session (token_hash, user_id, csrf_token, created_at, last_seen_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [session.tokenHash, session.userID, session.csrfToken,
                                 session.createdAt.timeIntervalSince1970, session.lastSeenAt.timeIntervalSince1970])
        }
    }

    public func portalSession(tokenHash: String) async throws -> PortalSessionRecord? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM portal_session WHERE token_hash = ?", arguments: [tokenHash]).map { row in
                PortalSessionRecord(tokenHash: row["token_hash"], userID: row["user_id"], csrfToken: row["csrf_token"],
                                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                                    lastSeenAt: Date(timeIntervalSince1970: row["last_seen_at"]))
            }
        }
    }

    public func touchPortalSession(tokenHash: String, at: Date) async throws {
        try await measuredWrite { db in
            try db.execute(sql: "UPDATE portal_session SET last_seen_at = ? WHERE token_hash = ? AND last_seen_at < ?",
                           arguments: [at.timeIntervalSince1970, tokenHash, at.timeIntervalSince1970])
        }
    }

    @discardableResult
    public func deletePortalSession(tokenHash: String) async throws -> Bool {
        try await measuredWrite { db in
            try db.execute(sql: "DELETE FROM portal_session WHERE token_hash = ?", arguments: [tokenHash])
            return db.changesCount > 0
        }
    }

    @discardableResult
    public func deletePortalSessions(userID: String) async throws -> Int {
        try await measuredWrite { db in
            try db.execute(sql: "DELETE FROM portal_session WHERE user_id = ?", arguments: [userID])
            return db.changesCount
        }
    }

    @discardableResult
    public func deleteExpiredPortalSessions(lastSeenBefore: Date, createdBefore: Date) async throws -> Int {
        try await measuredWrite { db in
            try db.execute(sql: "DELETE FROM portal_session WHERE last_seen_at < ? OR created_at < ?",
                           arguments: [lastSeenBefore.timeIntervalSince1970, createdBefore.timeIntervalSince1970])
            return db.changesCount
        }
    }

    public func setPasswordHash(userID: String, hash: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "UPDATE user SET password_hash = ? WHERE id = ?", arguments: [hash, userID])
        }
    }
}
