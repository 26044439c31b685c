// CampaignDesk — CampaignDesk.swift
// Owns campaigns on the stored hub: each arriving submission's traits written and clustered at once
// (the hook every ingestion path calls, `SubmissionArrivals`), full re-clustering on demand, and the
// hub analysts' work on the result — confirm (and name), rename, merge, split, reject — each written
// with its audit entry in one transaction. Confirmed and rejected campaigns are pins of the engine:
// they keep their id and members across re-clustering, and a rejected candidate does not form again
// (its submissions stay together under the rejected record). Only hub staff see candidates.
//
// The engine is a cache of the stored traits and records: each process keeps one, catches up with
// traits written since (by sequence) before each use, and rebuilds it when the analysts' pins changed
// (another process confirmed or split). Two instances clustering arrivals at once may each write a
// candidate the other does not know; `recluster` rewrites every candidate from the stored traits.
import Accounts
import Anonymization
import Campaigns
import Consent
import Extraction
import Foundation
import Ingestion
import SharingPolicy
import STIX
import Storage

/// Why an analyst's campaign action was refused (nothing was changed).
public struct CampaignDeskError: Error, Sendable, Equatable, CustomStringConvertible, HubErrorConvertible {
    public enum Kind: Sendable, Equatable { case invalid, notFound, forbidden, conflict, leak }
    public let kind: Kind
    public let description: String
    public init(_ kind: Kind, _ description: String) { self.kind = kind; self.description = description }

    public var hubError: HubError {
        switch kind {
        case .invalid: .invalid(description)
        case .notFound: .notFound(description)
        case .forbidden: .forbidden(description)
        case .conflict, .leak: .conflict(description)
        }
    }
}

/// Campaigns on the stored hub.
///
/// ```swift
/// let campaigns = CampaignDesk(store: store, policy: policy, anonymization: settings)
/// var intake = EnvelopeIntake(store: store, policy: policy)
/// intake.arrivals = campaigns                                   // clusters every arrival
/// let candidates = try await campaigns.list(includeCandidates: true, by: analyst)
/// let confirmed = try await campaigns.confirm(candidates[0].id, name: "Operation Tsuru", by: analyst)
/// try await campaigns.release(confirmed.id, feed: "CAMPAIGNS", scope: ReleaseScope(groups: ["ISAC"]), by: analyst)
/// ```
public actor CampaignDesk: SubmissionArrivals {
    public nonisolated let store: any HubStore
    public nonisolated let policy: PolicyEngine
    public nonisolated let anonymization: AnonymizationSettings
    public nonisolated let settings: ClusteringSettings
    var engine: CampaignClustering?
    var lastSequence: Int64 = 0
    var pinsSeen: [String: [String]] = [:]
    /// The stored campaign records as of `recordsSequence` (nil: not read yet), kept up to date by
    /// reading only the changes since (Storage.CampaignStore.campaignChanges).
    var storedRecords: [String: CampaignRecord] = [:]
    var recordsSequence: Int64?

    public init(store: any HubStore, policy: PolicyEngine, anonymization: AnonymizationSettings,
                settings: ClusteringSettings = ClusteringSettings(exclusions: CampaignExclusions.standard())) {
        self.store = store; self.policy = policy; self.anonymization = anonymization; self.settings = settings
    }

    /// Submissions of more objects than this are bulk lists, not reports of one attack: not clustered.
    static let largestReport = 500
    static let confirmedPrefix = "campaign--"
    static let rejectedPrefix = "rejected--"
    static func now() -> String { STIXTimestamp.now().text }

    // MARK: - Arrival

    /// Writes the submission's traits and places it: in a candidate, a confirmed campaign (flagged
    /// as an update, and published to those who received the campaign when it was released) or
    /// alone. Hub staff's own content is not clustered. A failure is recorded in the audit trail;
    /// the submission stays stored.
    public func stored(_ submission: Submission, extracted: ExtractedSubmission?, by principal: Principal) async {
        // Hub content is not an attack report, and neither is a bulk list (a feed export, CSV of
        // thousands of indicators, sensor statistics): its values would link everything.
        guard !principal.user.role.isHubStaff, submission.successes.count <= Self.largestReport,
              extracted?.observationHours.isEmpty ?? true else { return }
        do {
            let traits = try await traits(of: submission, extracted: extracted)
            guard StixTraits.isLinkable(traits) else { return }
            let encoder = JSONEncoder()
            encoder.outputFormatting = .sortedKeys
            try await store.recordTraits([StoredTraits(submissionID: submission.id, organizationID: submission.organizationID,
                                                       traits: Array(try encoder.encode(traits)), recordedAt: Self.now())])
            try await place(submission.id)
        } catch {
            try? await store.appendAudit([AuditEvent(
                action: .campaign, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
                subject: submission.id, details: ["change": "arrival", "result": "not clustered",
                                                  "reason": String(describing: error)])])
        }
    }

    /// From the parsed e-mail when it was one, else from its STIX objects.
    func traits(of submission: Submission, extracted: ExtractedSubmission?) async throws -> SubmissionTraits {
        if let extracted, let report = extracted.attackReport {
            return SubmissionTraits(submissionID: submission.id, organization: submission.organizationID, report: report,
                                    victimIdentifiers: extracted.victimIdentifiers)
        }
        let objects: [JSONValue]
        if let extracted {
            objects = extracted.objects.map { .object($0) }
        } else {
            objects = try await policy.hubReader(feedID: submission.feedID, purpose: .submissionProcessing)
                .all(ObjectQuery(feedID: submission.feedID, versions: .every, limit: 5000, submissionID: submission.id))
                .compactMap { try? JSONParser.parse(Array($0.bytes)) }
        }
        return StixTraits.traits(submissionID: submission.id, organization: submission.organizationID, objects: objects)
    }

    /// Places one stored submission and writes the records it changed.
    func place(_ submissionID: String) async throws {
        let (records, arrivals) = try await catchUp(wanted: [submissionID])
        guard let arrival = arrivals.first, let engine else { return }
        let target = arrival.campaignID
        let members = engine.submissions(in: target)
        let memberSet = Set(members)
        let now = Self.now()
        var upserts: [CampaignRecord] = []
        var removing: [String] = []
        var published: CampaignRecord?
        if var record = records.first(where: { $0.id == target }), record.status != .candidate {
            record.submissionIDs = members
            record.evidence = evidence(among: members)
            record.updatedAt = now
            upserts.append(record)
            if record.status == .confirmed, record.publication != nil { published = record }
        } else if members.count >= 2 {
            let created = records.first { $0.id == target }?.createdAt ?? now
            upserts.append(CampaignRecord(id: target, status: .candidate, submissionIDs: members,
                                          evidence: evidence(among: members), createdAt: created, updatedAt: now))
        }
        // Candidates written earlier (here or by another process) that this one now holds.
        for record in records where record.status == .candidate && record.id != target
            && !memberSet.isDisjoint(with: record.submissionIDs) {
            removing.append(record.id)
        }
        if !upserts.isEmpty || !removing.isEmpty {
            try await store.saveCampaigns(upserts, removing: removing, audit: [])
        }
        if let published { try await publishUpdate(published) }
    }

    /// `place`, for the benchmark (kakehashi-benchmark --stored-campaigns): the traits are already stored.
    public func placeForBenchmark(_ submissionID: String) async throws { try await place(submissionID) }

    /// Brings the engine up to date with the stored traits and pins; returns the records read and
    /// the arrivals of `wanted` submissions placed now.
    func catchUp(wanted: Set<String> = []) async throws -> ([CampaignRecord], [CampaignArrival]) {
        let changes = try await store.campaignChanges(after: recordsSequence)
        if recordsSequence == nil { storedRecords = [:] }
        for record in changes.changed { storedRecords[record.id] = record }
        for id in changes.removed { storedRecords[id] = nil }
        recordsSequence = changes.sequence
        let records = storedRecords.values.sorted { $0.id < $1.id }
        let pins = Self.pins(records)
        if engine == nil || pins != pinsSeen {
            var fresh = CampaignClustering(settings: settings)
            for (id, members) in pins.sorted(by: { $0.key < $1.key }) {
                fresh.pin(CampaignPin(campaignID: id, submissionIDs: members))
            }
            engine = fresh
            lastSequence = 0
            pinsSeen = pins
        }
        var arrivals: [CampaignArrival] = []
        let decoder = JSONDecoder()
        while true {
            let page = try await store.traits(after: lastSequence, limit: 10_000)
            guard let last = page.last else { break }
            for row in page {
                guard let traits = try? decoder.decode(SubmissionTraits.self, from: Data(row.traits)) else { continue }
                let arrival = engine!.add(traits)
                if wanted.contains(row.submissionID) { arrivals.append(arrival) }
            }
            lastSequence = last.sequence
        }
        return (records, arrivals)
    }

    static func pins(_ records: [CampaignRecord]) -> [String: [String]] {
        Dictionary(records.filter { $0.status != .candidate }.map { ($0.id, $0.submissionIDs) },
                   uniquingKeysWith: { a, _ in a })
    }

    /// What links the submissions to each other: per kind, the shared values and how many links carry it.
    func evidence(among members: [String]) -> [CampaignEvidence] {
        guard let engine, members.count > 1 else { return [] }
        let inside = Set(members)
        var values: [EvidenceKind: Set<String>] = [:]
        var links: [EvidenceKind: Int] = [:]
        for member in members {
            for link in engine.links(of: member) where link.first == member && inside.contains(link.second) && member < link.second {
                for item in link.evidence {
                    links[item.kind, default: 0] += 1
                    values[item.kind, default: []].formUnion(item.values)
                }
            }
        }
        return links.keys.sorted().map { kind in
            CampaignEvidence(kind: kind.rawValue, values: Array(values[kind, default: []].sorted().prefix(20)),
                             links: links[kind] ?? 0)
        }
    }

    // MARK: - Analysts

    /// Only hub staff work on campaigns; members and their users never see candidates.
    nonisolated func requireAnalyst(_ principal: Principal, writing: Bool = false) throws {
        guard principal.user.role.isHubStaff else {
            throw CampaignDeskError(.forbidden, "only hub analysts work on campaigns")
        }
        if writing, !principal.user.role.mayWrite {
            throw CampaignDeskError(.forbidden, "read-only users cannot change campaigns")
        }
    }

    /// Confirmed campaigns, and with `includeCandidates` the candidates too (rejected ones with
    /// `includeRejected`), ordered by id. Hub staff only.
    public func list(includeCandidates: Bool, includeRejected: Bool = false, by principal: Principal) async throws -> [CampaignRecord] {
        try requireAnalyst(principal)
        return try await store.campaigns().filter { record in
            switch record.status {
            case .confirmed: true
            case .candidate: includeCandidates
            case .rejected: includeRejected
            }
        }
    }

    func storedRecord(_ id: String) async throws -> CampaignRecord {
        guard let record = try await store.campaign(id: id) else { throw CampaignDeskError(.notFound, "no campaign \(id)") }
        return record
    }

    func audit(_ change: String, subject: String, by principal: Principal, _ details: [String: String] = [:]) -> AuditEvent {
        var details = details
        details["change"] = change
        return AuditEvent(action: .campaign, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
                          subject: subject, details: details)
    }

    static func newID(_ prefix: String) -> String { prefix + UUID().uuidString.lowercased() }

    /// Confirms a candidate (or a rejected one) under a new, lasting id, or renames a confirmed
    /// campaign; either way its submissions are acknowledged (no longer flagged as updates).
    @discardableResult
    public func confirm(_ id: String, name: String? = nil, by principal: Principal) async throws -> CampaignRecord {
        try requireAnalyst(principal, writing: true)
        let name = try Self.checkedName(name)
        var record = try await storedRecord(id)
        let now = Self.now()
        if record.status == .confirmed {
            if let name { record.name = name }
            record.acknowledgedSubmissionIDs = record.submissionIDs
            record.updatedAt = now
            try await store.saveCampaigns([record], removing: [], audit: [audit(name == nil ? "acknowledge" : "rename",
                                                                               subject: id, by: principal,
                                                                               ["name": record.name ?? ""])])
            return record
        }
        let confirmed = CampaignRecord(id: Self.newID(Self.confirmedPrefix), name: name ?? "Campaign \(now.prefix(10))",
                                       status: .confirmed, submissionIDs: record.submissionIDs, evidence: record.evidence,
                                       acknowledgedSubmissionIDs: record.submissionIDs, createdAt: now, updatedAt: now)
        try await store.saveCampaigns([confirmed], removing: [id], audit: [audit(
            "confirm", subject: confirmed.id, by: principal,
            ["from": id, "name": confirmed.name ?? "", "submissions": String(confirmed.submissionIDs.count)])])
        return confirmed
    }

    /// Renames a confirmed campaign.
    @discardableResult
    public func rename(_ id: String, to name: String, by principal: Principal) async throws -> CampaignRecord {
        guard try await storedRecord(id).status == .confirmed else {
            throw CampaignDeskError(.conflict, "\(id) is not a confirmed campaign; confirm it with a name instead")
        }
        return try await confirm(id, name: name, by: principal)
    }

    /// Rejects a candidate (or an unreleased confirmed campaign): its submissions stay together
    /// under the rejected record, so the same candidate does not form again.
    @discardableResult
    public func reject(_ id: String, by principal: Principal) async throws -> CampaignRecord {
        try requireAnalyst(principal, writing: true)
        let record = try await storedRecord(id)
        guard record.status != .rejected else { return record }
        guard record.publication == nil else {
            throw CampaignDeskError(.conflict, "\(id) was released; revoke its release before rejecting it")
        }
        let now = Self.now()
        let rejected = CampaignRecord(id: Self.newID(Self.rejectedPrefix), name: record.name, status: .rejected,
                                      submissionIDs: record.submissionIDs, evidence: record.evidence,
                                      acknowledgedSubmissionIDs: record.submissionIDs, createdAt: now, updatedAt: now)
        try await store.saveCampaigns([rejected], removing: [id], audit: [audit(
            "reject", subject: rejected.id, by: principal, ["from": id, "submissions": String(record.submissionIDs.count)])])
        return rejected
    }

    /// Merges campaigns (candidates or confirmed) into one confirmed campaign: the first confirmed
    /// one given keeps its id (and its release), else a new id. At most one may have been released.
    @discardableResult
    public func merge(_ ids: [String], name: String? = nil, by principal: Principal) async throws -> CampaignRecord {
        try requireAnalyst(principal, writing: true)
        let name = try Self.checkedName(name)
        let unique = ids.reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
        guard unique.count >= 2 else { throw CampaignDeskError(.invalid, "merge takes at least two different campaign ids") }
        var records: [CampaignRecord] = []
        for id in unique { records.append(try await storedRecord(id)) }
        if let rejected = records.first(where: { $0.status == .rejected }) {
            throw CampaignDeskError(.conflict, "\(rejected.id) was rejected; confirm it first to merge it")
        }
        guard records.filter({ $0.publication != nil }).count <= 1 else {
            throw CampaignDeskError(.conflict, "more than one of these campaigns was released; they stay apart")
        }
        _ = try await catchUp()
        let now = Self.now()
        let keeper = records.first { $0.publication != nil } ?? records.first { $0.status == .confirmed }
        let members = Array(Set(records.flatMap(\.submissionIDs))).sorted()
        var merged = keeper ?? CampaignRecord(id: Self.newID(Self.confirmedPrefix), status: .confirmed, submissionIDs: [],
                                              createdAt: now, updatedAt: now)
        merged.status = .confirmed
        merged.name = name ?? merged.name ?? records.compactMap(\.name).first ?? "Campaign \(now.prefix(10))"
        merged.submissionIDs = members
        merged.acknowledgedSubmissionIDs = members
        merged.evidence = evidence(among: members)
        merged.updatedAt = now
        let removing = unique.filter { $0 != merged.id }
        try await store.saveCampaigns([merged], removing: removing, audit: [audit(
            "merge", subject: merged.id, by: principal, ["from": unique.joined(separator: ","), "submissions": String(members.count)])])
        return merged
    }

    /// Splits the listed submissions off a campaign into a new confirmed campaign; both are pinned,
    /// so re-clustering does not join them again. Returns the campaign as it stays and the new one.
    public func split(_ id: String, leaving: [String], name: String? = nil,
                      by principal: Principal) async throws -> (stays: CampaignRecord, leaves: CampaignRecord) {
        try requireAnalyst(principal, writing: true)
        let name = try Self.checkedName(name)
        var record = try await storedRecord(id)
        let leavingSet = Set(leaving)
        guard !leavingSet.isEmpty else { throw CampaignDeskError(.invalid, "name the submissions that leave (--submissions)") }
        if let stranger = leavingSet.subtracting(record.submissionIDs).sorted().first {
            throw CampaignDeskError(.invalid, "submission \(stranger) is not in campaign \(id)")
        }
        let staying = record.submissionIDs.filter { !leavingSet.contains($0) }
        guard !staying.isEmpty else { throw CampaignDeskError(.invalid, "every submission would leave; reject the campaign instead") }
        _ = try await catchUp()
        let now = Self.now()
        var removing: [String] = []
        if record.status == .candidate {
            // A candidate split by an analyst is decided: both parts are pinned.
            removing.append(record.id)
            record.id = Self.newID(Self.confirmedPrefix)
            record.status = .confirmed
            record.name = record.name ?? "Campaign \(now.prefix(10))"
            record.createdAt = now
        }
        record.submissionIDs = staying
        record.acknowledgedSubmissionIDs = staying
        record.evidence = evidence(among: staying)
        record.updatedAt = now
        let leaves = CampaignRecord(id: Self.newID(record.status == .rejected ? Self.rejectedPrefix : Self.confirmedPrefix),
                                    name: name ?? record.name.map { "\($0) (split)" }, status: record.status,
                                    submissionIDs: leavingSet.sorted(), evidence: evidence(among: leavingSet.sorted()),
                                    acknowledgedSubmissionIDs: leavingSet.sorted(), createdAt: now, updatedAt: now)
        try await store.saveCampaigns([record, leaves], removing: removing, audit: [audit(
            "split", subject: record.id, by: principal,
            ["from": id, "into": leaves.id, "leaving": leavingSet.sorted().joined(separator: ",")])])
        return (record, leaves)
    }

    /// Clusters every stored submission again. Confirmed and rejected campaigns keep their ids and
    /// members and may grow (new members flagged as updates); every candidate is rewritten.
    /// Returns the records as they are now (confirmed and candidates).
    @discardableResult
    public func recluster(by principal: Principal) async throws -> [CampaignRecord] {
        try requireAnalyst(principal, writing: true)
        let records = try await store.campaigns()
        let pins = Self.pins(records)
        var all: [SubmissionTraits] = []
        var sequence: Int64 = 0
        let decoder = JSONDecoder()
        while true {
            let page = try await store.traits(after: sequence, limit: 20_000)
            guard let last = page.last else { break }
            for row in page { if let traits = try? decoder.decode(SubmissionTraits.self, from: Data(row.traits)) { all.append(traits) } }
            sequence = last.sequence
        }
        let fresh = CampaignClustering.clustering(all, pins: pins.sorted { $0.key < $1.key }.map {
            CampaignPin(campaignID: $0.key, submissionIDs: $0.value) }, settings: settings)
        engine = fresh
        lastSequence = sequence
        pinsSeen = pins
        let now = Self.now()
        var upserts: [CampaignRecord] = []
        let byID = Dictionary(records.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var kept = Set<String>()
        for candidate in fresh.candidates {
            if var record = byID[candidate.id], record.status != .candidate {
                if record.submissionIDs != candidate.submissionIDs {
                    record.submissionIDs = candidate.submissionIDs
                    record.evidence = evidence(among: candidate.submissionIDs)
                    record.updatedAt = now
                    upserts.append(record)
                }
            } else if candidate.submissionIDs.count >= 2 {
                kept.insert(candidate.id)
                upserts.append(CampaignRecord(id: candidate.id, status: .candidate, submissionIDs: candidate.submissionIDs,
                                              evidence: evidence(among: candidate.submissionIDs),
                                              createdAt: byID[candidate.id]?.createdAt ?? now, updatedAt: now))
            }
        }
        let removing = records.filter { $0.status == .candidate && !kept.contains($0.id) }.map(\.id)
        try await store.saveCampaigns(upserts, removing: removing, audit: [audit(
            "recluster", subject: "campaigns", by: principal,
            ["submissions": String(all.count), "candidates": String(kept.count)])])
        return try await store.campaigns().filter { $0.status != .rejected }
    }

    /// A name an analyst gives: one line, not empty, at most 200 characters.
    static func checkedName(_ name: String?) throws -> String? {
        guard let name else { return nil }
        let trimmed = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 200, !trimmed.contains(where: \.isNewline) else {
            throw CampaignDeskError(.invalid, "a campaign name is one line of 1 to 200 characters")
        }
        return trimmed
    }
}
