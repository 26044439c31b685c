// Storage, campaigns: each submission's campaign traits (kept as the clustering engine serialises
// them, written when the submission arrives) and the campaign records the analysts work on
// (candidates, confirmed and rejected campaigns, what was released of them). Analysts' actions are
// written with their audit entries in one transaction.
import Foundation

/// The serialised campaign traits of one submission (Campaigns.SubmissionTraits as JSON).
public struct StoredTraits: Sendable, Equatable {
    /// Increases with every row written: a reader resumes after the last one it saw.
    public var sequence: Int64
    public var submissionID: String
    public var organizationID: String
    public var traits: [UInt8]
    public var recordedAt: String

    public init(sequence: Int64 = 0, submissionID: String, organizationID: String, traits: [UInt8], recordedAt: String) {
        self.sequence = sequence; self.submissionID = submissionID; self.organizationID = organizationID
        self.traits = traits; self.recordedAt = recordedAt
    }
}

/// Where a campaign stands with the analysts.
public enum CampaignStatus: String, Sendable, Codable, CaseIterable {
    /// Found by clustering, not yet looked at.
    case candidate
    /// Confirmed (and named) by an analyst: keeps its id and members across re-clustering.
    case confirmed
    /// Rejected by an analyst: its submissions stay together under this record, so that the same
    /// candidate does not silently form again.
    case rejected
}

/// One kind of evidence holding a campaign together: the kind (`attachment-sha256`, `c2-host` …),
/// the shared values (attacker-side only, never victim values) and how many links carry it.
public struct CampaignEvidence: Sendable, Equatable, Codable {
    public var kind: String
    public var values: [String]
    public var links: Int

    public init(kind: String, values: [String], links: Int) { self.kind = kind; self.values = values; self.links = links }
}

/// What was released of a confirmed campaign, for its updates.
public struct CampaignPublication: Sendable, Equatable, Codable {
    /// The released STIX `campaign` id (as members receive it) and its newest version.
    public var stixID: String
    public var version: String
    public var feedID: String
    public var scope: ReleaseScope
    /// The hub submission holding the newest version, and its release.
    public var submissionID: String
    public var releaseID: String
    public var releasedAt: String
    /// How many versions were released.
    public var versions: Int

    public init(stixID: String, version: String, feedID: String, scope: ReleaseScope, submissionID: String,
                releaseID: String, releasedAt: String, versions: Int) {
        self.stixID = stixID; self.version = version; self.feedID = feedID; self.scope = scope
        self.submissionID = submissionID; self.releaseID = releaseID; self.releasedAt = releasedAt; self.versions = versions
    }
}

/// A campaign candidate, or a campaign the analysts confirmed or rejected.
public struct CampaignRecord: Sendable, Equatable, Codable {
    public var id: String
    public var name: String?
    public var status: CampaignStatus
    public var submissionIDs: [String]
    public var evidence: [CampaignEvidence]
    /// Submissions the analysts have seen in it (at confirmation, at each release); the others are
    /// its updates, flagged to them.
    public var acknowledgedSubmissionIDs: [String]
    public var createdAt: String
    public var updatedAt: String
    public var publication: CampaignPublication?

    /// Submissions that joined since the analysts last looked (confirmed or rejected campaigns).
    public var updates: [String] {
        guard status != .candidate else { return [] }
        let seen = Set(acknowledgedSubmissionIDs)
        return submissionIDs.filter { !seen.contains($0) }
    }

    public init(id: String, name: String? = nil, status: CampaignStatus, submissionIDs: [String],
                evidence: [CampaignEvidence] = [], acknowledgedSubmissionIDs: [String] = [], createdAt: String,
                updatedAt: String, publication: CampaignPublication? = nil) {
        self.id = id; self.name = name; self.status = status; self.submissionIDs = submissionIDs
        self.evidence = evidence; self.acknowledgedSubmissionIDs = acknowledgedSubmissionIDs
        self.createdAt = createdAt; self.updatedAt = updatedAt; self.publication = publication
    }
}

/// Campaign traits and campaign records.
///
/// ```swift
/// try await store.recordTraits([StoredTraits(submissionID: s.id, organizationID: s.organizationID,
///                                            traits: json, recordedAt: now)])
/// let page = try await store.traits(after: 0, limit: 10_000)
/// try await store.saveCampaigns([record], removing: ["candidate-old"], audit: [event])
/// ```
public protocol CampaignStore: Sendable {
    /// Records submissions' traits, durably, in one transaction; a submission's traits are written
    /// once (a second write for the same submission changes nothing).
    func recordTraits(_ traits: [StoredTraits]) async throws
    /// Traits with sequence numbers above `sequence`, in sequence order, at most `limit`.
    func traits(after sequence: Int64, limit: Int) async throws -> [StoredTraits]
    /// Every campaign record, ordered by id.
    func campaigns() async throws -> [CampaignRecord]
    func campaign(id: String) async throws -> CampaignRecord?
    /// Writes `records` (replacing those with the same id), removes the records with the ids in
    /// `removing`, and appends `audit` — in one durable transaction.
    func saveCampaigns(_ records: [CampaignRecord], removing: [String], audit: [AuditEvent]) async throws
    /// What changed since `sequence` (a `CampaignChanges.sequence` read before): the records saved
    /// since, as they are now, and the ids removed since. With nil, every record (a first read).
    /// Saves are numbered in commit order, so a reader resuming from the sequence it was given
    /// misses none.
    func campaignChanges(after sequence: Int64?) async throws -> CampaignChanges
}

/// Campaign records changed since a reader last looked, and where to resume.
///
/// ```swift
/// var changes = try await store.campaignChanges(after: nil)         // everything, once
/// changes = try await store.campaignChanges(after: changes.sequence) // then only what changed
/// ```
public struct CampaignChanges: Sendable, Equatable {
    /// Where the next read resumes.
    public var sequence: Int64
    /// Records saved since, as they are now, ordered by id.
    public var changed: [CampaignRecord]
    /// Ids of records removed since.
    public var removed: [String]
    public init(sequence: Int64, changed: [CampaignRecord], removed: [String]) {
        self.sequence = sequence; self.changed = changed; self.removed = removed
    }
}
