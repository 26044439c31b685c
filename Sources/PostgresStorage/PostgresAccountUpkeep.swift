// PostgresStorage account upkeep (AccountUpkeepStore): removing trust-group members and client
// records with their audit entries, and API tokens' last use.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func removeMember(organizationID: String, fromGroup groupID: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                DELETE FROM trust_group_member WHERE group_id = \(groupID) AND organization_id = \(organizationID)
                RETURNING group_id
                """, logger: self.logger))
        }
    }

    public func removeClient(_ clientID: String, ofOrganization organizationID: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                DELETE FROM organization_client WHERE organization_id = \(organizationID) AND client_id = \(clientID)
                RETURNING client_id
                """, logger: self.logger))
        }
    }

    public func recordTokenUse(secretHash: String, at: Date) async throws {
        let seconds = at.timeIntervalSince1970, resolution = Self.tokenUseResolution
        _ = try await transaction { c in
            try await c.query("""
                INSERT INTO api_token_use (token_id, used_at) SELECT id, \(seconds) FROM api_token WHERE secret_hash = \(secretHash)
                ON CONFLICT (token_id) DO UPDATE SET used_at = excluded.used_at
                WHERE api_token_use.used_at <= excluded.used_at - \(resolution)
                """, logger: self.logger)
        }
    }

    public func recordTokenUses(_ uses: [TokenUse]) async throws {
        let uses = uses.latestPerToken
        guard !uses.isEmpty else { return }
        let resolution = Self.tokenUseResolution
        _ = try await transaction { c in
            for use in uses {
                let seconds = use.at.timeIntervalSince1970
                try await c.query("""
                    INSERT INTO api_token_use (token_id, used_at) SELECT id, \(seconds) FROM api_token WHERE secret_hash = \(use.secretHash)
                    ON CONFLICT (token_id) DO UPDATE SET used_at = excluded.used_at
                    WHERE api_token_use.used_at <= excluded.used_at - \(resolution)
                    """, logger: self.logger)
            }
        }
    }

    public func tokenLastUses(userID: String) async throws -> [String: Date] {
        var uses: [String: Date] = [:]
        for row in try await rows("""
            SELECT token_id, used_at FROM api_token_use JOIN api_token ON api_token.id = token_id WHERE user_id = \(userID)
            """) {
            uses[try row.get("token_id")] = Date(timeIntervalSince1970: try row.get("used_at"))
        }
        return uses
    }
}
