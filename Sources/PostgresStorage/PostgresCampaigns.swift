// PostgresStorage, campaigns: the CampaignStore on PostgreSQL — submission traits in
// `submission_traits` (an identity sequence to resume from) and campaign records as JSON in `campaign`.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func recordTraits(_ traits: [StoredTraits]) async throws {
        guard !traits.isEmpty else { return }
        // In statements of up to 500 rows (a 100,000-row load is 200 round trips, not 100,000).
        _ = try await transaction(duplicate: "submission traits") { c in
            for start in stride(from: 0, to: traits.count, by: 500) {
                let part = traits[start..<min(start + 500, traits.count)]
                var bindings = PostgresBindings(capacity: part.count * 4)
                var values: [String] = []
                for (index, row) in part.enumerated() {
                    let n = index * 4
                    values.append("($\(n + 1), $\(n + 2), $\(n + 3), $\(n + 4))")
                    bindings.append(row.submissionID)
                    bindings.append(row.organizationID)
                    try bindings.append(Data(row.traits))
                    bindings.append(row.recordedAt)
                }
                try await c.query(PostgresQuery(unsafeSQL: """
                    INSERT INTO submission_traits (submission_id, organization_id, traits, recorded_at)
                    VALUES \(values.joined(separator: ", ")) ON CONFLICT (submission_id) DO NOTHING
                    """, binds: bindings), logger: self.logger)
            }
        }
    }

    public func traits(after sequence: Int64, limit: Int) async throws -> [StoredTraits] {
        try await rows("""
            SELECT sequence, submission_id, organization_id, traits, recorded_at FROM submission_traits
            WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(Int64(limit))
            """).map { row in
            StoredTraits(sequence: try row.get("sequence", as: Int64.self), submissionID: try row.get("submission_id"),
                         organizationID: try row.get("organization_id"),
                         traits: Array(try row.get("traits", as: Data.self)), recordedAt: try row.get("recorded_at"))
        }
    }

    public func campaigns() async throws -> [CampaignRecord] {
        try await rows("SELECT record FROM campaign ORDER BY id").map { row in
            try JSONDecoder().decode(CampaignRecord.self, from: try row.get("record", as: Data.self))
        }
    }

    public func campaign(id: String) async throws -> CampaignRecord? {
        try await rows("SELECT record FROM campaign WHERE id = \(id)").first.map { row in
            try JSONDecoder().decode(CampaignRecord.self, from: try row.get("record", as: Data.self))
        }
    }

    public func saveCampaigns(_ records: [CampaignRecord], removing: [String], audit: [AuditEvent]) async throws {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let rows = try records.map { ($0.id, $0.status.rawValue, try encoder.encode($0), $0.updatedAt) }
        let head = try await transaction(duplicate: "campaign") { c -> AuditHead? in
            // Saves take the change sequence in commit order: one at a time (the lock is held to
            // the commit), so a reader that saw sequence n never later finds a smaller one committed.
            try await c.query("SELECT pg_advisory_xact_lock(\(PostgresSchema.Lock.campaignChanges.rawValue))", logger: self.logger)
            var changedIDs: [String] = []
            for id in removing + rows.map(\.0) where !changedIDs.contains(id) { changedIDs.append(id) }
            try await c.query("""
                INSERT INTO campaign_change (campaign_id, sequence)
                SELECT id, nextval('campaign_change_sequence') FROM unnest(\(changedIDs)) WITH ORDINALITY AS x(id, n)
                ORDER BY n
                ON CONFLICT (campaign_id) DO UPDATE SET sequence = excluded.sequence
                """, logger: self.logger)
            for id in removing {
                try await c.query("DELETE FROM campaign WHERE id = \(id)", logger: self.logger)
            }
            for (id, status, body, updated) in rows {
                try await c.query("""
                    INSERT INTO campaign (id, status, record, updated_at) VALUES (\(id), \(status), \(body), \(updated))
                    ON CONFLICT (id) DO UPDATE SET status = excluded.status, record = excluded.record,
                        updated_at = excluded.updated_at
                    """, logger: self.logger)
            }
            if audit.isEmpty { return nil }
            return try await self.appendAudit(audit, on: c)
        }
        if let head { auditHeads.record(head) }
    }

    public func campaignChanges(after sequence: Int64?) async throws -> CampaignChanges {
        let decoder = JSONDecoder()
        // One statement: the newest sequence and the rows are of the same snapshot.
        guard let sequence else {
            let found = try await rows("""
                SELECT (SELECT coalesce(max(sequence), 0) FROM campaign_change) AS newest, record FROM campaign
                UNION ALL SELECT (SELECT coalesce(max(sequence), 0) FROM campaign_change), NULL
                ORDER BY record NULLS LAST
                """)
            var newest: Int64 = 0
            var all: [CampaignRecord] = []
            for row in found {
                newest = try row.get("newest", as: Int64.self)
                if let body = try row.get("record", as: Data?.self) { all.append(try decoder.decode(CampaignRecord.self, from: body)) }
            }
            return CampaignChanges(sequence: newest, changed: all.sorted { $0.id < $1.id }, removed: [])
        }
        var newest = sequence
        var changed: [CampaignRecord] = [], removed: [String] = []
        for row in try await rows("""
            SELECT c.sequence, c.campaign_id, k.record FROM campaign_change c LEFT JOIN campaign k ON k.id = c.campaign_id
            WHERE c.sequence > \(sequence) ORDER BY c.campaign_id
            """) {
            newest = max(newest, try row.get("sequence", as: Int64.self))
            if let body = try row.get("record", as: Data?.self) {
                changed.append(try decoder.decode(CampaignRecord.self, from: body))
            } else {
                removed.append(try row.get("campaign_id", as: String.self))
            }
        }
        return CampaignChanges(sequence: newest, changed: changed.sorted { $0.id < $1.id }, removed: removed.sorted())
    }
}
