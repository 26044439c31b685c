// SQLiteStorage account upkeep (AccountUpkeepStore): removing trust-group members and client
// records with their audit entries, and API tokens' last use.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func removeMember(organizationID: String, fromGroup groupID: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "DELETE FROM trust_group_member WHERE group_id = ? AND organization_id = ?",
                           arguments: [groupID, organizationID])
        }
    }

    public func removeClient(_ clientID: String, ofOrganization organizationID: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { db in
            try db.execute(sql: "DELETE FROM organization_client WHERE organization_id = ? AND client_id = ?",
                           arguments: [organizationID, clientID])
        }
    }

    public func recordTokenUse(secretHash: String, at: Date) async throws {
        let seconds = at.timeIntervalSince1970
        try await measuredWrite { db in
            try db.execute(sql: """
                INSERT INTO api_token_use (token_id, used_at) SELECT id, ? FROM api_token WHERE secret_hash = ?
                ON CONFLICT (token_id) DO UPDATE SET used_at = excluded.used_at
                WHERE api_token_use.used_at <= excluded.used_at - ?
                """, arguments: [seconds, secretHash, Self.tokenUseResolution])
        }
    }

    public func recordTokenUses(_ uses: [TokenUse]) async throws {
        let uses = uses.latestPerToken
        guard !uses.isEmpty else { return }
        try await measuredWrite { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO api_token_use (token_id, used_at) SELECT id, ? FROM api_token WHERE secret_hash = ?
                ON CONFLICT (token_id) DO UPDATE SET used_at = excluded.used_at
                WHERE api_token_use.used_at <= excluded.used_at - ?
                """)
            for use in uses {
                try statement.execute(arguments: [use.at.timeIntervalSince1970, use.secretHash, Self.tokenUseResolution])
            }
        }
    }

    public func tokenLastUses(userID: String) async throws -> [String: Date] {
        try await measuredRead { db in
            var uses: [String: Date] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT token_id, used_at FROM api_token_use JOIN api_token ON api_token.id = token_id WHERE user_id = ?
                """, arguments: [userID]) {
                uses[row["token_id"]] = Date(timeIntervalSince1970: row["used_at"])
            }
            return uses
        }
    }
}
