// SQLiteStorage proposals and standing consent.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func createProposal(_ proposal: Proposal, audit: AuditEvent) async throws {
        let body = try JSONEncoder().encode(proposal)
        try await measuredWrite { db in
            try db.execute(sql: """
                INSERT INTO proposal (id, submission_id, provider_org_id, body, state, proposed_at) VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [proposal.id, proposal.submissionID, proposal.providerOrganizationID, body,
                                 proposal.state.rawValue, proposal.proposedAt])
            try self.appendAudit([audit], in: db)
        }
    }

    public func proposal(id: String) async throws -> Proposal? {
        try await measuredRead { db in
            try Data.fetchOne(db, sql: "SELECT body FROM proposal WHERE id = ?", arguments: [id])
                .map { try JSONDecoder().decode(Proposal.self, from: $0) }
        }
    }

    public func proposals(providerOrganizationID: String?) async throws -> [Proposal] {
        try await measuredRead { db in
            let bodies: [Data]
            if let providerOrganizationID {
                bodies = try Data.fetchAll(db, sql: "SELECT body FROM proposal WHERE provider_org_id = ? ORDER BY proposed_at DESC",
                                           arguments: [providerOrganizationID])
            } else {
                bodies = try Data.fetchAll(db, sql: "SELECT body FROM proposal ORDER BY proposed_at DESC")
            }
            return try bodies.map { try JSONDecoder().decode(Proposal.self, from: $0) }
        }
    }

    public func decideProposal(_ proposal: Proposal, audit: AuditEvent) async throws {
        let body = try JSONEncoder().encode(proposal)
        try await measuredWrite { db in
            try db.execute(sql: "UPDATE proposal SET body = ?, state = ? WHERE id = ? AND state = 'pending'",
                           arguments: [body, proposal.state.rawValue, proposal.id])
            guard db.changesCount == 1 else { throw StoreError.notFound("a pending proposal \(proposal.id)") }
            try self.appendAudit([audit], in: db)
        }
    }

    public func standingConsent(organizationID: String) async throws -> [StandingConsentRule] {
        try await measuredRead { db in
            try Data.fetchOne(db, sql: "SELECT rules FROM standing_consent WHERE organization_id = ?", arguments: [organizationID])
                .map { try JSONDecoder().decode([StandingConsentRule].self, from: $0) } ?? []
        }
    }

    public func setStandingConsent(_ rules: [StandingConsentRule], organizationID: String, audit: AuditEvent) async throws {
        let body = try JSONEncoder().encode(rules)
        try await measuredWrite { db in
            try db.execute(sql: """
                INSERT INTO standing_consent (organization_id, rules) VALUES (?, ?)
                ON CONFLICT (organization_id) DO UPDATE SET rules = excluded.rules
                """, arguments: [organizationID, body])
            try self.appendAudit([audit], in: db)
        }
    }
}
