// SharingPolicy submission access: who may see a submission (its status, its detail, its recipients),
// act on it as its provider, and delete objects from a feed. The TAXII status resource, the JSON
// API's submission list and detail, the consent desk (release, preview, revoke, recipients) and
// TAXII deletes ask here instead of deciding for themselves.
import Accounts
import Storage

/// How a principal stands towards one submission.
public enum SubmissionStanding: Sendable, Equatable {
    /// A user of the organisation that provided it.
    case provider
    /// Hub staff of another organisation: may see it, not act as its provider.
    case hubStaff
    /// Anyone else: the submission does not exist for them.
    case none
}

extension PolicyEngine {
    /// How `principal` stands towards `submission`.
    ///
    /// ```swift
    /// guard policy.standing(of: principal, towards: submission) == .provider else { /* refuse */ }
    /// ```
    public func standing(of principal: Principal, towards submission: Submission) -> SubmissionStanding {
        if submission.organizationID == principal.organization.id { return .provider }
        return principal.user.role.isHubStaff ? .hubStaff : .none
    }

    /// The submission with this id if the principal may see it (its provider and hub staff); nil
    /// when there is none or it is another organisation's (callers answer 404 either way).
    ///
    /// ```swift
    /// guard let submission = try await policy.visibleSubmission(id: id, for: principal) else { /* 404 */ }
    /// ```
    public func visibleSubmission(id: String, for principal: Principal) async throws -> Submission? {
        guard let submission = try await store.submission(id: id),
              standing(of: principal, towards: submission) != .none else { return nil }
        return submission
    }

    /// The submissions the principal may see: its organisation's, or every one for hub staff.
    public func visibleSubmissions(for principal: Principal) async throws -> [Submission] {
        try await store.submissions(organizationID: principal.user.role.isHubStaff ? nil : principal.organization.id)
    }

    /// One page of the submissions the principal may see (as `visibleSubmissions`), newest first.
    ///
    /// ```swift
    /// let rows = try await policy.visibleSubmissionListing(for: principal, after: nil, limit: 100)
    /// ```
    public func visibleSubmissionListing(for principal: Principal, after: SubmissionCursor?,
                                         limit: Int) async throws -> [SubmissionListing] {
        try await store.submissionListing(organizationID: principal.user.role.isHubStaff ? nil : principal.organization.id,
                                          after: after, limit: limit)
    }

    /// Whose versions `principal` may delete from a feed it may write: its own organisation's, or
    /// any provider's for a hub admin (nil).
    public func deletableProvider(for principal: Principal) -> String? {
        principal.user.role == .hubAdmin ? nil : principal.organization.id
    }
}
