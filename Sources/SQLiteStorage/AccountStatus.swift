// SQLiteStorage account status: revoking tokens, disabling, re-enabling and removing users and
// organisations (each with its audit entry in the same transaction), and the stored count of account
// changes that lets every process's caches notice them at once.
import Foundation
import GRDB
import Storage
import Synchronization

extension SQLiteHubStore {
    // MARK: - Tokens

    public func token(id: String) async throws -> APIToken? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM api_token WHERE id = ?", arguments: [id]).map(Self.token(from:))
        }
    }

    public func tokens(userID: String) async throws -> [APIToken] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM api_token WHERE user_id = ? ORDER BY created_at, id",
                             arguments: [userID]).map(Self.token(from:))
        }
    }

    public func revokeToken(id: String, at: Date, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "UPDATE api_token SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [at.timeIntervalSince1970, id])
        }
    }

    static func token(from row: Row) -> APIToken {
        APIToken(id: row["id"], userID: row["user_id"], secretHash: row["secret_hash"], label: row["label"],
                 createdAt: Date(timeIntervalSince1970: row["created_at"]),
                 revokedAt: (row["revoked_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: - Users and organisations

    public func setUserDisabled(id: String, at: Date?, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "UPDATE user SET disabled_at = ? WHERE id = ?",
                           arguments: [at?.timeIntervalSince1970, id])
        }
    }

    public func removeUser(id: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "DELETE FROM api_token WHERE user_id = ?", arguments: [id])
            try db.execute(sql: "DELETE FROM user WHERE id = ?", arguments: [id])
        }
    }

    public func setOrganizationDisabled(id: String, at: Date?, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "UPDATE organization SET disabled_at = ? WHERE id = ?",
                           arguments: [at?.timeIntervalSince1970, id])
        }
    }

    /// Runs `change` and, when its last statement changed a row, appends `audit` in the same
    /// transaction; true when it did. Nothing is written otherwise.
    func changeAccount(audit: AuditEvent, _ change: @escaping @Sendable (Database) throws -> Void) async throws -> Bool {
        let changed = try await measuredWrite { db -> Bool in
            try change(db)
            guard db.changesCount > 0 else { return false }
            try self.appendAudit([audit], in: db)
            return true
        }
        if changed { generation.add(1, ordering: .releasing) }
        return changed
    }

    // MARK: - Generation

    /// The count the v11 triggers keep of changes to accounts, feeds, grants, groups and clients,
    /// by any process: one single-row read on the calling thread (an inline reader when one is
    /// idle, else a connection of its own); nil when the read fails. It costs about 10 µs (debug
    /// build, 100,000 calls in a loop on a busy 2-core machine), against about 200 µs for a read
    /// through the pool, so the caches that ask it on every request still save most of their reads.
    func storedAccountGeneration() -> UInt64? {
        let read = { (db: Database) throws -> Int64 in
            try Int64.fetchOne(db.cachedStatement(sql: "SELECT value FROM account_generation WHERE id = 0")) ?? 0
        }
        do {
            if let value = try inlineReaders.read(read) { return UInt64(bitPattern: value) }
            return UInt64(bitPattern: try generationReader.inDatabase(read))
        } catch {
            return nil
        }
    }
}
