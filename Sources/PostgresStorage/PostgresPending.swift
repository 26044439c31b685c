// PostgresStorage, not yet implemented: the parts of the storage contract still to be written for
// PostgreSQL (releases, proposals, standing consent). Each refuses with StoreError.unavailable naming
// itself, so a hub on PostgreSQL fails loudly rather than wrongly; the contract suite lists which
// tests these fail. Delete each stub as its real implementation lands.
import Foundation
@_spi(ReadGate) import Storage

extension PostgresHubStore {
    func notYet(_ what: String) -> StoreError {
        StoreError.unavailable("not yet implemented on PostgreSQL: \(what)")
    }

    // MARK: - ObjectStore

    // MARK: - SubmissionStore

    public func recordRelease(_ release: Release, feedID: String, copies: [IncomingObject], audit: AuditEvent) async throws {
        throw notYet("recordRelease")
    }
    public func releases(submissionID: String) async throws -> [Release] { throw notYet("releases") }
    public func release(id: String) async throws -> Release? { throw notYet("release") }
    public func revokeRelease(id: String, revokedBy: String?, at: String, audit: AuditEvent) async throws {
        throw notYet("revokeRelease")
    }
    public func createProposal(_ proposal: Proposal, audit: AuditEvent) async throws { throw notYet("createProposal") }
    public func proposal(id: String) async throws -> Proposal? { throw notYet("proposal") }
    public func proposals(providerOrganizationID: String?) async throws -> [Proposal] { throw notYet("proposals") }
    public func decideProposal(_ proposal: Proposal, audit: AuditEvent) async throws { throw notYet("decideProposal") }
    public func standingConsent(organizationID: String) async throws -> [StandingConsentRule] {
        throw notYet("standingConsent")
    }
    public func setStandingConsent(_ rules: [StandingConsentRule], organizationID: String, audit: AuditEvent) async throws {
        throw notYet("setStandingConsent")
    }
}
