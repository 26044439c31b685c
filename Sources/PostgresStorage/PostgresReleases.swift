// PostgresStorage releases, proposals and standing consent (SubmissionStore's consent records), as
// SQLiteStorage keeps them (Releases, Proposals): each write with its audit entry in one transaction.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    // MARK: - Releases

    public func recordRelease(_ release: Release, feedID: String, copies: [IncomingObject], audit: AuditEvent) async throws {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        let scope = try JSONEncoder().encode(release.scope)
        let head = try await transaction(duplicate: "release \(release.id)") { c in
            let feedKey = try await self.feedKey(feedID, on: c)
            try await c.query("""
                INSERT INTO release (id, submission_id, provider_org_id, scope, anonymized, kind, created_by, created_at)
                VALUES (\(release.id), \(release.submissionID), \(release.providerOrganizationID), \(scope), \(release.anonymized),
                        \(release.kind.rawValue), \(release.createdBy), \(release.createdAt))
                """, logger: self.logger)
            // The copies take positions: under the append lock, like every append.
            try await self.lock(.append, on: c)
            _ = try await self.insert(copies, feedKey: feedKey, submissionID: release.submissionID,
                                      providerOrganizationID: release.providerOrganizationID, releaseID: release.id, on: c)
            // Released `observed-data` copies with ids of their own (anonymised) are listed under
            // their hours too, as SQLiteStorage does, so `GET /api/v1/observations` finds them.
            var originals: [String] = [], copyIDs: [String] = []
            for copy in copies where copy.type == "observed-data" {
                if let original = copy.originalID, original != copy.stixID { originals.append(original); copyIDs.append(copy.stixID) }
            }
            if !originals.isEmpty {
                try await c.query("""
                    INSERT INTO observation_hour (feed_key, hour_start_us, source, stix_id, submission_id)
                    SELECT h.feed_key, h.hour_start_us, h.source, m.copy, h.submission_id
                    FROM observation_hour h JOIN unnest(\(originals), \(copyIDs)) AS m(original, copy) ON m.original = h.stix_id
                    WHERE h.feed_key = \(feedKey) AND h.submission_id = \(release.submissionID)
                    ON CONFLICT DO NOTHING
                    """, logger: self.logger)
            }
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }

    public func releases(submissionID: String) async throws -> [Release] {
        try await rows("SELECT * FROM release WHERE submission_id = \(submissionID) ORDER BY created_at COLLATE \"C\"")
            .map(Self.release(from:))
    }

    public func release(id: String) async throws -> Release? {
        try await rows("SELECT * FROM release WHERE id = \(id)").first.map(Self.release(from:))
    }

    public func revokeRelease(id: String, revokedBy: String?, at: String, notice: WithdrawalNotice,
                              audit: AuditEvent) async throws {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        let head = try await transaction { c in
            // Notices are appended: positions follow commit order under the append lock, taken first.
            try await self.lock(.append, on: c)
            guard try await Self.changed(c.query("""
                UPDATE release SET revoked_at = \(at), revoked_by = \(revokedBy) WHERE id = \(id) AND revoked_at IS NULL RETURNING id
                """, logger: self.logger)) else { throw StoreError.notFound("an unrevoked release \(id)") }
            let series = try await self.withdrawnSeries(releaseID: id, on: c)
            // The copies leave every later read: no audience reaches them any more.
            try await c.query("""
                DELETE FROM object_audience oa USING object_version ov
                WHERE ov.release_id = \(id) AND oa.feed_key = ov.feed_key AND oa.position = ov.position
                """, logger: self.logger)
            try await self.appendNotices(for: series, notice: notice, on: c)
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }

    static func release(from row: PostgresRandomAccessRow) throws -> Release {
        Release(id: try row.get("id"), submissionID: try row.get("submission_id"),
                providerOrganizationID: try row.get("provider_org_id"),
                scope: try JSONDecoder().decode(ReleaseScope.self, from: try row.get("scope", as: Data.self)),
                anonymized: try row.get("anonymized"), kind: ReleaseKind(rawValue: try row.get("kind")) ?? .consent,
                createdBy: try row.get("created_by"), createdAt: try row.get("created_at"), revokedAt: try row.get("revoked_at"),
                revokedBy: try row.get("revoked_by"))
    }

    // MARK: - Proposals and standing consent

    public func createProposal(_ proposal: Proposal, audit: AuditEvent) async throws {
        let body = try JSONEncoder().encode(proposal)
        let head = try await transaction(duplicate: "proposal \(proposal.id)") { c in
            try await c.query("""
                INSERT INTO proposal (id, submission_id, provider_org_id, body, state, proposed_at)
                VALUES (\(proposal.id), \(proposal.submissionID), \(proposal.providerOrganizationID), \(body),
                        \(proposal.state.rawValue), \(proposal.proposedAt))
                """, logger: self.logger)
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }

    public func proposal(id: String) async throws -> Proposal? {
        try await rows("SELECT body FROM proposal WHERE id = \(id)").first.map {
            try JSONDecoder().decode(Proposal.self, from: try $0.get("body", as: Data.self))
        }
    }

    public func proposals(providerOrganizationID: String?) async throws -> [Proposal] {
        let found: [PostgresRandomAccessRow]
        if let providerOrganizationID {
            found = try await rows("""
                SELECT body FROM proposal WHERE provider_org_id = \(providerOrganizationID) ORDER BY proposed_at COLLATE "C" DESC
                """)
        } else {
            found = try await rows("SELECT body FROM proposal ORDER BY proposed_at COLLATE \"C\" DESC")
        }
        return try found.map { try JSONDecoder().decode(Proposal.self, from: try $0.get("body", as: Data.self)) }
    }

    public func decideProposal(_ proposal: Proposal, audit: AuditEvent) async throws {
        let body = try JSONEncoder().encode(proposal)
        let head = try await transaction { c in
            guard try await Self.changed(c.query("""
                UPDATE proposal SET body = \(body), state = \(proposal.state.rawValue)
                WHERE id = \(proposal.id) AND state = 'pending' RETURNING id
                """, logger: self.logger)) else { throw StoreError.notFound("a pending proposal \(proposal.id)") }
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }

    public func standingConsent(organizationID: String) async throws -> [StandingConsentRule] {
        guard let row = try await rows("SELECT rules FROM standing_consent WHERE organization_id = \(organizationID)").first
        else { return [] }
        return try JSONDecoder().decode([StandingConsentRule].self, from: try row.get("rules", as: Data.self))
    }

    public func setStandingConsent(_ rules: [StandingConsentRule], organizationID: String, audit: AuditEvent) async throws {
        let body = try JSONEncoder().encode(rules)
        let head = try await transaction(duplicate: "standing consent") { c in
            try await c.query("""
                INSERT INTO standing_consent (organization_id, rules) VALUES (\(organizationID), \(body))
                ON CONFLICT (organization_id) DO UPDATE SET rules = excluded.rules
                """, logger: self.logger)
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }
}
