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
    /// Incident context (victim, damage, response) leaves only when this says so.
    var includeContext: Bool?

    enum CodingKeys: String, CodingKey {
        case groups, organizations, anonymize
        case allMembers = "all_members"
        case isPublic = "public"
        case includeContext = "include_context"
    }

    var scope: ReleaseScope {
        ReleaseScope(groups: groups ?? [], organizations: organizations ?? [], allMembers: allMembers ?? false,
                     isPublic: isPublic ?? false, includeContext: includeContext ?? false)
    }
}

struct ReleaseView: Encodable {
    let id: String
    let submission_id: String
    let groups: [String]
    let organizations: [String]
    let all_members: Bool
    let `public`: Bool
    let include_context: Bool
    let anonymize: Bool
    let kind: String
    let created_at: String
    let revoked_at: String?

    init(_ release: Release) {
        id = release.id; submission_id = release.submissionID; groups = release.scope.groups
        organizations = release.scope.organizations; all_members = release.scope.allMembers
        `public` = release.scope.isPublic; anonymize = release.anonymized; kind = release.kind.rawValue
        include_context = release.scope.includeContext
        created_at = release.createdAt; revoked_at = release.revokedAt
    }
}

struct OutcomeView: Encodable {
    let id: String?
    let version: String?
    let message: String?
    let tlp: String?
    let pap: String?

    init(_ outcome: ObjectOutcome) {
        id = outcome.id; version = outcome.version; message = outcome.message; tlp = outcome.tlp; pap = outcome.pap
    }
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
    /// What kind of hand-over it was (stix, email, sample, report, text, csv, observations).
    var kind: String?
    /// What extraction recovered from or dropped (uploads only).
    var warnings: [String]?
    /// How many identifiers of the provider's side extraction found (kept for the anonymiser, never shared).
    var victim_identifiers_found: Int?
    /// The identifiers themselves (this view goes only to the provider and hub staff).
    var victim_identifiers: [String]?

    init(_ submission: Submission, feedName: String?, releases: [ReleaseView]) {
        id = submission.id; feed = feedName; feed_id = submission.feedID
        organization_id = submission.organizationID; submitted_at = submission.requestTimestamp
        state = releases.contains { $0.revoked_at == nil } ? "released" : "held"
        success_count = submission.successes.count; failure_count = submission.failures.count
        objects = submission.successes.map(OutcomeView.init)
        failures = submission.failures.map(OutcomeView.init)
        self.releases = releases
    }
}

struct RecipientsView: Encodable {
    let submission: String
    let recipients: [Recipient]
}

/// `POST /api/v1/submissions/{id}/proposals`: the release fields, plus the analyst's processed bundle and a note.
struct ProposalRequest: Decodable {
    var release: ReleaseRequest
    var processedBundle: AnyJSON?
    var note: String?

    static let shape = #"{"groups": [...], "organizations": [...], "all_members": bool, "public": bool, "anonymize": bool, "processed_bundle": {STIX bundle}, "note": "..."}"#

    enum CodingKeys: String, CodingKey {
        case note
        case processedBundle = "processed_bundle"
    }

    init(from decoder: any Decoder) throws {
        release = try ReleaseRequest(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        processedBundle = try container.decodeIfPresent(AnyJSON.self, forKey: .processedBundle)
        note = try container.decodeIfPresent(String.self, forKey: .note)
    }
}

/// Any JSON value, kept as Foundation objects (for a bundle passed through unchanged).
struct AnyJSON: Decodable {
    let value: Any

    init(from decoder: any Decoder) throws {
        let container = try decoder.singleValueContainer()
        if container.decodeNil() { value = NSNull() }
        else if let bool = try? container.decode(Bool.self) { value = bool }
        else if let number = try? container.decode(Double.self) { value = number }
        else if let string = try? container.decode(String.self) { value = string }
        else if let array = try? container.decode([AnyJSON].self) { value = array.map(\.value) }
        else { value = try container.decode([String: AnyJSON].self).mapValues(\.value) }
    }
}

struct ProposalView: Encodable {
    let id: String
    let submission_id: String
    let groups: [String]
    let organizations: [String]
    let all_members: Bool
    let `public`: Bool
    let anonymize: Bool
    let processed: Bool
    let note: String?
    let state: String
    let proposed_at: String
    let decided_at: String?
    let release_id: String?

    init(_ proposal: Proposal) {
        id = proposal.id; submission_id = proposal.submissionID; groups = proposal.scope.groups
        organizations = proposal.scope.organizations; all_members = proposal.scope.allMembers
        `public` = proposal.scope.isPublic; anonymize = proposal.anonymized
        processed = proposal.processedBundle != nil; note = proposal.note; state = proposal.state.rawValue
        proposed_at = proposal.proposedAt; decided_at = proposal.decidedAt; release_id = proposal.releaseID
    }
}

/// `GET/PUT /api/v1/standing-consent`.
struct StandingConsentBody: Codable {
    var rules: [StandingConsentRule]
    static let shape = #"{"rules": [{"max_tlp": "green", "content": "technical"|"all", "scope": {"groups": [...], "organizations": [...], "all_members": bool, "public": bool}, "anonymize": bool}]}"#
}
