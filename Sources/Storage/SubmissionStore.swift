// Storage, submissions: what members handed over, the releases, proposals and standing consent
// that decide where it goes, and the details kept beside each submission.
import Foundation

/// Submissions and the consent records around them. Every write here is durable, with its audit entry, when it returns.
///
/// ```swift
/// let held = try await store.submissions(organizationID: organization.id)
/// let releases = try await store.releases(submissionID: held[0].id)
/// ```
public protocol SubmissionStore: Sendable {
    // MARK: Submissions
    func submissions(organizationID: String?) async throws -> [Submission]
    func submission(id: String) async throws -> Submission?

    // MARK: Releases and deliveries
    /// Records a release and its copies (each with its audiences) in one durable transaction, with
    /// its audit entry. The copies join the submission's feed.
    func recordRelease(_ release: Release, feedID: String, copies: [IncomingObject], audit: AuditEvent) async throws
    func releases(submissionID: String) async throws -> [Release]
    func release(id: String) async throws -> Release?
    /// Marks a release revoked and removes its copies from every later read; the audit keeps who
    /// already received them. Each copy series for which `notice` builds a version (from the
    /// series' latest) gets it as its last version, readable by `WithdrawalAudience` of the
    /// organisations the deliveries record for that series. One transaction, with its audit entry.
    func revokeRelease(id: String, revokedBy: String?, at: String, notice: WithdrawalNotice, audit: AuditEvent) async throws

    // MARK: Proposals and standing consent
    func createProposal(_ proposal: Proposal, audit: AuditEvent) async throws
    func proposal(id: String) async throws -> Proposal?
    /// Proposals for one provider (nil: all), newest first.
    func proposals(providerOrganizationID: String?) async throws -> [Proposal]
    /// Records the provider's decision (and, for an approval, the release it became) with its audit entry.
    func decideProposal(_ proposal: Proposal, audit: AuditEvent) async throws
    func standingConsent(organizationID: String) async throws -> [StandingConsentRule]
    func setStandingConsent(_ rules: [StandingConsentRule], organizationID: String, audit: AuditEvent) async throws

    // MARK: Submission details
    func submissionDetail(id: String) async throws -> SubmissionDetail?
    /// The submissions that put the sample with this SHA-256 in the vault.
    func sampleReferences(sha256: String) async throws -> [SampleReference]
}
