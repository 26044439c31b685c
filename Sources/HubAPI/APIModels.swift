// HubAPI request and response bodies (snake_case JSON, as documented in the OpenAPI document).
import Consent
import Foundation
import STIX
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
/// The bundle itself is taken from the parsed body as it is (`processed_bundle`), never re-encoded.
struct ProposalRequest: Decodable {
    var release: ReleaseRequest
    var note: String?

    static let shape = #"{"groups": [...], "organizations": [...], "all_members": bool, "public": bool, "anonymize": bool, "processed_bundle": {STIX bundle}, "note": "..."}"#

    enum CodingKeys: String, CodingKey {
        case note
    }

    init(from decoder: any Decoder) throws {
        release = try ReleaseRequest(from: decoder)
        let container = try decoder.container(keyedBy: CodingKeys.self)
        note = try container.decodeIfPresent(String.self, forKey: .note)
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

/// A proposal as its provider (and hub staff) see it: the proposal, the analyst's processed bundle,
/// the difference from the provider's submission, exactly what approving would share, and why
/// approving would be refused, if it would.
enum ProposalDocument {
    static func json(_ proposal: Proposal, review: ProposalReview) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(proposal.id)), ("submission_id", .string(proposal.submissionID)),
            ("groups", .array(proposal.scope.groups.map(JSONValue.string))),
            ("organizations", .array(proposal.scope.organizations.map(JSONValue.string))),
            ("all_members", .bool(proposal.scope.allMembers)), ("public", .bool(proposal.scope.isPublic)),
            ("include_context", .bool(proposal.scope.includeContext)), ("anonymize", .bool(proposal.anonymized)),
            ("processed", .bool(proposal.processedBundle != nil)),
            ("processed_bundle", proposal.processedBundle.flatMap { try? JSONParser.parse(Array($0)) } ?? .null),
            ("note", proposal.note.map(JSONValue.string) ?? .null), ("state", .string(proposal.state.rawValue)),
            ("proposed_at", .string(proposal.proposedAt)),
            ("decided_at", proposal.decidedAt.map(JSONValue.string) ?? .null),
            ("release_id", proposal.releaseID.map(JSONValue.string) ?? .null),
            ("diff", diff(review.diff)),
        ]
        if let shared = review.shared {
            members.append(("would_share", .object(JSONObject([
                // The proposal's id names the bundle, so the same proposal always shows the same bundle.
                ("bundle", .object(JSONObject([("type", "bundle"), ("id", .string("bundle--\(proposal.id)")),
                                               ("objects", .array(shared.objects))]))),
                ("withheld", .array(shared.withheld.map(JSONValue.string))),
                ("blocked", shared.blocked.map(JSONValue.string) ?? .null),
            ]))))
        }
        members.append(("refused", review.refusal.map(JSONValue.string) ?? .null))
        return .object(JSONObject(members))
    }

    static func diff(_ diff: ProposalDiff) -> JSONValue {
        .object(JSONObject([
            ("added", .array(diff.added.map { object($0, markings: [("markings", $0.after)]) })),
            ("removed", .array(diff.removed.map { object($0, markings: [("markings", $0.before)]) })),
            ("changed", .array(diff.changed.map {
                object($0, markings: [("markings_before", $0.before), ("markings_after", $0.after)],
                       properties: $0.properties)
            })),
            ("unchanged", .array(diff.unchanged.map(JSONValue.string))),
        ]))
    }

    static func object(_ object: DiffedObject, markings: [(String, ObjectMarkings?)], properties: [String]? = nil) -> JSONValue {
        var members: [(String, JSONValue)] = [
            ("id", .string(object.id)), ("type", .string(object.type)),
            ("created_by_ref", object.createdByRef.map(JSONValue.string) ?? .null),
        ]
        if let properties { members.append(("properties_changed", .array(properties.map(JSONValue.string)))) }
        for (key, value) in markings { members.append((key, value.map(markingsJSON) ?? .null)) }
        return .object(JSONObject(members))
    }

    static func markingsJSON(_ markings: ObjectMarkings) -> JSONValue {
        .object(JSONObject([
            ("tlp", markings.tlp.map { .string($0.rawValue) } ?? .null),
            ("effective_tlp", .string(markings.effectiveTLP.rawValue)),
            ("object_marking_refs", .array(markings.objectMarkingRefs.map(JSONValue.string))),
            ("granular_markings", .array(markings.granular.map { granular in
                .object(JSONObject([
                    ("marking_ref", .string(granular.markingRef)),
                    ("tlp", granular.tlp.map { .string($0.rawValue) } ?? .null),
                    ("selectors", .array(granular.selectors.map(JSONValue.string))),
                ]))
            })),
        ]))
    }
}
