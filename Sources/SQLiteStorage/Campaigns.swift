// SQLiteStorage, campaigns: the CampaignStore on SQLite — submission traits in `submission_traits`
// (read back in sequence order for re-clustering) and campaign records as JSON in `campaign`.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func recordTraits(_ traits: [StoredTraits]) async throws {
        guard !traits.isEmpty else { return }
        try await measuredWrite { db in
            let statement = try db.cachedStatement(sql: """
                INSERT INTO submission_traits (submission_id, organization_id, traits, recorded_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (submission_id) DO NOTHING
                """)
            for row in traits {
                try statement.execute(arguments: [row.submissionID, row.organizationID, Data(row.traits), row.recordedAt])
            }
        }
    }

    public func traits(after sequence: Int64, limit: Int) async throws -> [StoredTraits] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: """
                SELECT sequence, submission_id, organization_id, traits, recorded_at FROM submission_traits
                WHERE sequence > ? ORDER BY sequence LIMIT ?
                """, arguments: [sequence, limit]).map { row in
                StoredTraits(sequence: row["sequence"], submissionID: row["submission_id"],
                             organizationID: row["organization_id"], traits: Array(row["traits"] as Data),
                             recordedAt: row["recorded_at"])
            }
        }
    }

    public func campaigns() async throws -> [CampaignRecord] {
        try await measuredRead { db in
            try Data.fetchAll(db, sql: "SELECT record FROM campaign ORDER BY id")
                .map { try JSONDecoder().decode(CampaignRecord.self, from: $0) }
        }
    }

    public func campaign(id: String) async throws -> CampaignRecord? {
        try await measuredRead { db in
            try Data.fetchOne(db, sql: "SELECT record FROM campaign WHERE id = ?", arguments: [id])
                .map { try JSONDecoder().decode(CampaignRecord.self, from: $0) }
        }
    }

    public func saveCampaigns(_ records: [CampaignRecord], removing: [String], audit: [AuditEvent]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try records.map { ($0.id, $0.status.rawValue, try encoder.encode($0), $0.updatedAt) }
        try await measuredWrite { db in
            // Each saved or removed id gets the next change sequence (writes are serial: commit order).
            let forget = try db.cachedStatement(sql: "DELETE FROM campaign_change WHERE campaign_id = ?")
            let note = try db.cachedStatement(sql: "INSERT INTO campaign_change (campaign_id) VALUES (?)")
            for id in removing + records.map(\.id) {
                try forget.execute(arguments: [id])
                try note.execute(arguments: [id])
            }
            for id in removing { try db.execute(sql: "DELETE FROM campaign WHERE id = ?", arguments: [id]) }
            for (id, status, body, updated) in rows {
                try db.execute(sql: """
                    INSERT INTO campaign (id, status, record, updated_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record,
                        updated_at = excluded.updated_at
                    """, arguments: [id, status, body, updated])
            }
            if !audit.isEmpty { try self.appendAudit(audit, in: db) }
        }
    }

    public func campaignChanges(after sequence: Int64?) async throws -> CampaignChanges {
        try await measuredRead { db in
            let decoder = JSONDecoder()
            let newest = try Int64.fetchOne(db, sql: "SELECT max(sequence) FROM campaign_change") ?? 0
            guard let sequence else {
                let all = try Data.fetchAll(db, sql: "SELECT record FROM campaign ORDER BY id")
                    .map { try decoder.decode(CampaignRecord.self, from: $0) }
                return CampaignChanges(sequence: newest, changed: all, removed: [])
            }
            var changed: [CampaignRecord] = [], removed: [String] = []
            for row in try Row.fetchAll(db, sql: """
                SELECT c.campaign_id, k.record FROM campaign_change c LEFT JOIN campaign k ON k.id = c.campaign_id
                WHERE c.sequence > ? ORDER BY c.campaign_id
                """, arguments: [sequence]) {
                if let record = row[1] as Data? {
                    changed.append(try decoder.decode(CampaignRecord.self, from: record))
                } else {
                    removed.append(row[0])
                }
            }
            return CampaignChanges(sequence: max(sequence, newest), changed: changed, removed: removed)
        }
    }
}
