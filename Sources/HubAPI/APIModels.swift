// HubAPI request and response bodies (snake_case JSON, as documented in the OpenAPI document).
import Consent
import Foundation
import Storage

/// `POST /api/v1/submissions/{id}/release`; absent fields mean empty/false.
struct ReleaseRequest: Decodable {
    var groups: [String]?
    var organizations: [String]?
    var allMembers: Bool?
    var isPublic: Bool?
    var anonymize: Bool?

    enum CodingKeys: String, CodingKey {
        case groups, organizations, anonymize
        case allMembers = "all_members"
        case isPublic = "public"
    }

    var scope: ReleaseScope {
        ReleaseScope(groups: groups ?? [], organizations: organizations ?? [], allMembers: allMembers ?? false,
                     isPublic: isPublic ?? false)
    }
}

struct ReleaseView: Encodable {
    let id: String
    let submission_id: String
    let groups: [String]
    let organizations: [String]
    let all_members: Bool
    let `public`: Bool
    let anonymize: Bool
    let kind: String
    let created_at: String
    let revoked_at: String?

    init(_ release: Release) {
        id = release.id; submission_id = release.submissionID; groups = release.scope.groups
        organizations = release.scope.organizations; all_members = release.scope.allMembers
        `public` = release.scope.isPublic; anonymize = release.anonymized; kind = release.kind.rawValue
        created_at = release.createdAt; revoked_at = release.revokedAt
    }
}

struct OutcomeView: Encodable {
    let id: String?
    let version: String?
    let message: String?
}

struct SubmissionView: Encodable {
    let id: String
    let feed: String?
    let feed_id: String
    let organization_id: String
    let submitted_at: String
    let state: String
    let success_count: Int
    let failure_count: Int
    let objects: [OutcomeView]
    let failures: [OutcomeView]
    let releases: [ReleaseView]

    init(_ submission: Submission, feedName: String?, releases: [ReleaseView]) {
        id = submission.id; feed = feedName; feed_id = submission.feedID
        organization_id = submission.organizationID; submitted_at = submission.requestTimestamp
        state = releases.contains { $0.revoked_at == nil } ? "released" : "held"
        success_count = submission.successes.count; failure_count = submission.failures.count
        objects = submission.successes.map { OutcomeView(id: $0.id, version: $0.version, message: $0.message) }
        failures = submission.failures.map { OutcomeView(id: $0.id, version: $0.version, message: $0.message) }
        self.releases = releases
    }
}

struct RecipientsView: Encodable {
    let submission: String
    let recipients: [Recipient]
}
