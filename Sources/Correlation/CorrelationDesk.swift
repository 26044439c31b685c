// Correlation — CorrelationDesk.swift
// Owns correlation on arrival as readers see it: which submissions share an observable with a given
// one, through which values, and what each reader may learn of that (the policy engine answers).
//
// Links are computed from the observable index when asked, not stored: the entries are written in
// the transaction that stores a submission, so its links exist the moment it is acknowledged, and a
// read costs one indexed look-up per value of the submission (Storage.ObservableIndexStore). Stored
// link rows would cost a write per pair on arrival, and would have to be rewritten whenever a
// version is revoked or deleted or an exclusion list changes; computed links follow all three.
//
// Visibility: hub staff (analysts, admins) see every link with its shared values. A provider (any
// user of the submitting organisation) sees its own organisation's linked submissions in full, of
// the others only "N reports from M other organisations" (never which, and not counting versions
// held back as TLP:RED or AMBER+STRICT), and the other side's objects only where the policy engine's
// reader for that feed already lets it read them. Anyone else gets nothing: the submission does not
// exist for them (404, as every submission path answers).
import Accounts
import Foundation
import SharingPolicy
import Storage

/// One value of the submission that another submission shares (or that an exclusion list stops).
public struct SharedValue: Sendable, Equatable, Hashable, Codable {
    public var kind: String
    public var value: String
    public init(kind: String, value: String) { self.kind = kind; self.value = value }
}

/// A value never used to link: on an exclusion list.
public struct ExcludedValue: Sendable, Equatable, Codable {
    public var kind: String
    public var value: String
    /// The exclusion list's name.
    public var list: String
}

/// A linked submission as hub staff (or the provider, for its own organisation's) see it.
public struct CorrelationLink: Sendable, Equatable, Codable {
    public var submission: String
    public var organization: String
    /// The linked submission's versions that share values are held back (TLP:RED or AMBER+STRICT).
    public var heldBack: Bool
    public var shared: [SharedValue]

    enum CodingKeys: String, CodingKey { case submission, organization, heldBack = "held_back", shared }
}

/// Another organisation's object the reader may read anyway, with the values it shares.
public struct ReadableMatch: Sendable, Equatable, Codable {
    public var object: String
    public var feed: String
    public var shared: [SharedValue]
}

/// How many other reports and organisations a submission matches.
public struct MatchCount: Sendable, Equatable, Codable {
    public var reports: Int
    public var organizations: Int
    public init(reports: Int, organizations: Int) { self.reports = reports; self.organizations = organizations }
}

/// What one reader may see of a submission's correlations.
public struct CorrelationView: Sendable, Equatable, Codable {
    public enum Audience: String, Sendable, Codable { case analyst, provider }
    public var submission: String
    public var view: Audience
    /// Matches with other organisations' submissions (for the provider: not counting held-back ones).
    public var matches: MatchCount
    /// Every linked submission (hub staff); the provider's own organisation's only (provider).
    public var links: [CorrelationLink]
    /// Other organisations' objects the provider may read (provider view only).
    public var readable: [ReadableMatch]?
    /// The hub's own content carrying the submission's values (corroborated indicators, released
    /// campaigns): not member reports, so never a link or counted (analyst view only; a provider
    /// finds the ones it may read in `readable`).
    public var published: [ReadableMatch]?
    /// The submission's values on an exclusion list: they link nothing.
    public var excluded: [ExcludedValue]
    /// Values too common to list every occurrence of (more than the per-value limit): the links
    /// shown for them are the oldest.
    public var truncated: [SharedValue]
    /// How many distinct values of the submission the index holds.
    public var indexedValues: Int

    enum CodingKeys: String, CodingKey {
        case submission, view, matches, links, readable, published, excluded, truncated, indexedValues = "indexed_values"
    }
}

/// Answers "which submissions share an observable with this one" for a principal.
///
/// ```swift
/// let desk = CorrelationDesk(store: store, policy: policy, exclusions: .standard)
/// guard let view = try await desk.correlations(of: submissionID, for: principal) else { /* 404 */ }
/// print(view.matches.reports, view.matches.organizations)
/// ```
public struct CorrelationDesk: Sendable {
    public let store: any HubStore
    public let policy: PolicyEngine
    public let exclusions: CorrelationExclusions
    /// Occurrences read per value at most (a value carried by more versions links too much to list).
    public let limitPerValue: Int

    public init(store: any HubStore, policy: PolicyEngine, exclusions: CorrelationExclusions = .standard,
                limitPerValue: Int = 1_000) {
        self.store = store; self.policy = policy; self.exclusions = exclusions; self.limitPerValue = limitPerValue
    }

    /// The correlations of submission `id` as `principal` may see them; nil when the submission does
    /// not exist for the principal. The read is recorded in the audit trail.
    public func correlations(of id: String, for principal: Principal) async throws -> CorrelationView? {
        guard let submission = try await policy.visibleSubmission(id: id, for: principal) else { return nil }
        let analyst = policy.standing(of: principal, towards: submission) == .hubStaff || principal.user.role.isHubStaff
        let found = try await links(of: submission)
        var view = analyst ? found.analystView : try await providerView(found, for: principal)
        view.submission = submission.id
        try await store.appendAudit([AuditEvent(
            action: .read, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: submission.id,
            details: ["path": "correlations", "view": view.view.rawValue, "links": String(view.links.count),
                      "reports": String(view.matches.reports)])])
        return view
    }

    /// Everything the index links to `submission` (no visibility applied): for the hub's own use.
    public func links(of submission: Submission) async throws -> Found {
        let own = try await store.indexedObservables(submissionID: submission.id)
        var values: [String: Set<String>] = [:]   // value -> kinds in this submission
        for entry in own { values[entry.value, default: []].insert(entry.kind) }
        var excluded: [ExcludedValue] = []
        var linking: [String] = []
        for (value, kinds) in values.sorted(by: { $0.key < $1.key }) {
            let list = kinds.sorted().lazy.compactMap { self.exclusions.list(excluding: IndexedObservable(kind: $0, value: value)) }.first
            if let list {
                excluded += kinds.sorted().map { ExcludedValue(kind: $0, value: value, list: list) }
            } else {
                linking.append(value)
            }
        }
        let occurrences = try await store.occurrences(ofValues: linking, limitPerValue: limitPerValue)
        var perValue: [String: Int] = [:]
        for occurrence in occurrences { perValue[occurrence.value, default: 0] += 1 }
        let truncated = linking.filter { perValue[$0, default: 0] >= limitPerValue }
            .flatMap { value in values[value, default: []].sorted().map { SharedValue(kind: $0, value: value) } }
        // Hub-authored content carries members' values but is no member's report.
        let hubOrganizations = Set(try await store.organizations().filter { $0.sector == "hub" }.map(\.id))
        let others = occurrences.filter { $0.submissionID != submission.id }
        return Found(submission: submission, own: values, others: others.filter { !hubOrganizations.contains($0.organizationID) },
                     published: others.filter { hubOrganizations.contains($0.organizationID) },
                     excluded: excluded, truncated: truncated)
    }

    /// What the index links to one submission, before visibility.
    public struct Found: Sendable {
        public let submission: Submission
        /// The submission's values and their kinds in it.
        public let own: [String: Set<String>]
        /// Occurrences of those values in other members' submissions.
        public let others: [ObservableOccurrence]
        /// Occurrences in the hub's own content (corroborated indicators, released campaigns).
        public let published: [ObservableOccurrence]
        public let excluded: [ExcludedValue]
        public let truncated: [SharedValue]

        /// Links grouped by submission, in the order their first shared version was stored.
        func links(_ occurrences: [ObservableOccurrence]) -> [CorrelationLink] {
            var order: [String] = []
            var bySubmission: [String: (organization: String, held: Bool, first: Int64, shared: Set<SharedValue>)] = [:]
            for occurrence in occurrences {
                let shared = own[occurrence.value, default: []].map { SharedValue(kind: $0, value: occurrence.value) }
                if var link = bySubmission[occurrence.submissionID] {
                    link.held = link.held && occurrence.heldBack
                    link.first = min(link.first, occurrence.position)
                    link.shared.formUnion(shared)
                    bySubmission[occurrence.submissionID] = link
                } else {
                    order.append(occurrence.submissionID)
                    bySubmission[occurrence.submissionID] = (occurrence.organizationID, occurrence.heldBack,
                                                             occurrence.position, Set(shared))
                }
            }
            return order.sorted { bySubmission[$0]!.first < bySubmission[$1]!.first }.map { id in
                let link = bySubmission[id]!
                return CorrelationLink(submission: id, organization: link.organization, heldBack: link.held,
                                       shared: link.shared.sorted { ($0.value, $0.kind) < ($1.value, $1.kind) })
            }
        }

        static func count(_ occurrences: [ObservableOccurrence]) -> MatchCount {
            MatchCount(reports: Set(occurrences.map(\.submissionID)).count,
                       organizations: Set(occurrences.map(\.organizationID)).count)
        }

        var analystView: CorrelationView {
            let foreign = others.filter { $0.organizationID != submission.organizationID }
            return CorrelationView(submission: submission.id, view: .analyst, matches: Self.count(foreign),
                                   links: links(others), readable: nil, published: matches(published),
                                   excluded: excluded, truncated: truncated, indexedValues: own.count)
        }

        /// Objects carrying the submission's values, each with the values, in the order found.
        func matches(_ occurrences: [ObservableOccurrence]) -> [ReadableMatch] {
            var order: [String] = []
            var found: [String: ReadableMatch] = [:]
            for occurrence in occurrences {
                if found[occurrence.stixID] == nil {
                    order.append(occurrence.stixID)
                    found[occurrence.stixID] = ReadableMatch(object: occurrence.stixID, feed: occurrence.feedID, shared: [])
                }
                for kind in own[occurrence.value, default: []].sorted() {
                    let value = SharedValue(kind: kind, value: occurrence.value)
                    if !found[occurrence.stixID]!.shared.contains(value) { found[occurrence.stixID]!.shared.append(value) }
                }
            }
            return order.map { found[$0]! }
        }
    }

    /// The provider's view: its own organisation's links in full, the others counted (held-back
    /// versions left out), and the other side's objects only where a reader of their feed that the
    /// policy engine makes for the principal contains them.
    func providerView(_ found: Found, for principal: Principal) async throws -> CorrelationView {
        let organization = principal.organization.id
        let ownLinks = found.links(found.others.filter { $0.organizationID == organization })
        let foreign = found.others.filter { $0.organizationID != organization && !$0.heldBack }
        var readers: [String: FeedReader?] = [:]
        var readable: [String: ReadableMatch] = [:]
        var order: [String] = []
        for occurrence in foreign + found.published {
            if readers[occurrence.feedID] == nil {
                let feed = try await store.feed(id: occurrence.feedID)
                readers[occurrence.feedID] = try await feed.asyncFlatMap {
                    try await policy.reader(for: principal, feed: $0, purpose: .api, ledger: nil)
                }
            }
            guard let reader = readers[occurrence.feedID] ?? nil,
                  try await Self.mayRead(occurrence, with: reader) else { continue }
            let shared = found.own[occurrence.value, default: []].map { SharedValue(kind: $0, value: occurrence.value) }
            if readable[occurrence.stixID] == nil {
                order.append(occurrence.stixID)
                readable[occurrence.stixID] = ReadableMatch(object: occurrence.stixID, feed: occurrence.feedID, shared: [])
            }
            for value in shared where !readable[occurrence.stixID]!.shared.contains(value) {
                readable[occurrence.stixID]!.shared.append(value)
            }
        }
        return CorrelationView(submission: found.submission.id, view: .provider, matches: Found.count(foreign),
                               links: ownLinks, readable: order.map { readable[$0]! }, excluded: found.excluded,
                               truncated: [], indexedValues: found.own.count)
    }
}

extension CorrelationDesk {
    /// Whether `reader` may read the version of the other side's submission that carries the value
    /// (an original, or a copy its releases made under the same id): not merely some version with
    /// the same id — an SCO's id is derived from its value, so the reader's own SCO has it too.
    static func mayRead(_ occurrence: ObservableOccurrence, with reader: FeedReader) async throws -> Bool {
        var query = ObjectQuery(feedID: occurrence.feedID, ids: [occurrence.stixID], versions: .every, limit: 1,
                                submissionID: occurrence.submissionID)
        query.includeReleasedCopies = true
        return !(try await reader.unrecordedPage(query).objects.isEmpty)
    }
}

extension Optional {
    func asyncFlatMap<U>(_ transform: (Wrapped) async throws -> U?) async rethrows -> U? {
        guard let value = self else { return nil }
        return try await transform(value)
    }
}
