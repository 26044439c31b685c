// SharingMetrics: the measures of sharing value seed 001 asks for — coverage (カバー率: how much of an
// organisation's indicators other organisations also hold), lead time (入手タイミング: how long before an
// organisation held an indicator itself the hub had delivered it) and daily counts of new C2, phishing
// and malware-hosting indicators by feed, sector and country.
//
// Visibility: hub staff see every organisation by name. Anyone else (members, organisation admins,
// read-only users, clients) sees only its own organisation: its coverage counts another
// organisation as holding one of its values only where the hub delivered that value to it from that
// organisation's submission (the delivery ledger), with the others as pseudonyms and no sectors — so a metric can
// never be used to probe what other organisations hold, nor name an anonymised provider; its lead
// times and daily counts are of its own indicators only.
import Accounts
import Consent
import Foundation
import SharingPolicy
import STIX
import STIXPatterning
import Storage

/// Who a report is for.
public enum MetricsViewer: Sendable, Equatable {
    /// Hub staff (and the operator's CLI without `--as`): everything, with names.
    case hubStaff
    /// Anyone else: its own organisation only.
    case organization(Organization)

    public init(_ principal: Principal) {
        self = principal.user.role.isHubStaff ? .hubStaff : .organization(principal.organization)
    }
}

/// What a report covers: a feed (by name), a sector, and a time window on when values were held.
public struct MetricsFilter: Sendable, Equatable {
    public var feedName: String?
    public var sector: String?
    public var from: Date?
    /// Exclusive.
    public var to: Date?

    public init(feedName: String? = nil, sector: String? = nil, from: Date? = nil, to: Date? = nil) {
        self.feedName = feedName; self.sector = sector; self.from = from; self.to = to
    }

    /// From text bounds: `from` as given, `to` inclusive of a whole day when a bare date (`2026-12-07`).
    public static func parse(feed: String?, sector: String?, from: String?, to: String?) throws -> MetricsFilter {
        var filter = MetricsFilter(feedName: feed.flatMap { $0.isEmpty ? nil : $0 },
                                   sector: sector.flatMap { $0.isEmpty ? nil : $0 })
        if let from, !from.isEmpty {
            guard let date = MetricsTime.bound(from) else { throw MetricsError.invalid("from must be a date (2026-12-07) or an RFC 3339 timestamp") }
            filter.from = date
        }
        if let to, !to.isEmpty {
            guard let date = MetricsTime.bound(to) else { throw MetricsError.invalid("to must be a date (2026-12-07) or an RFC 3339 timestamp") }
            filter.to = to.count == 10 ? date.addingTimeInterval(86_400) : date
        }
        if let from = filter.from, let to = filter.to, to <= from { throw MetricsError.invalid("to must be after from") }
        return filter
    }

    func contains(_ date: Date) -> Bool {
        if let from, date < from { return false }
        if let to, date >= to { return false }
        return true
    }
}

/// A request the metrics cannot answer.
public enum MetricsError: Error, Sendable, Equatable, CustomStringConvertible {
    case invalid(String)
    /// No such feed, or not one the viewer may see.
    case unknownFeed(String)
    public var description: String {
        switch self {
        case .invalid(let why): return why
        case .unknownFeed(let name): return "There is no feed \(name.prefix(64)) for you."
        }
    }
}

/// Computes the reports.
///
/// ```swift
/// let metrics = SharingMetrics(store: store, policy: policy, countries: try CountryTable.load(directory: rirURL))
/// let coverage = try await metrics.coverage(for: MetricsViewer(principal), filter: MetricsFilter(feedName: "C2"))
/// print(coverage.csv)
/// ```
public struct SharingMetrics: Sendable {
    public let store: any HubStore
    public let policy: PolicyEngine
    public let countries: CountryTable
    /// Where "the organisation held it itself" comes from (its submissions and its "seen" sightings).
    public let heldItself: [any OwnHoldingSource]
    /// The unfiltered reports per viewer until the store's metrics generation moves (shared by
    /// copies of this value); nil when `heldItself` reads sources the generation does not count.
    let cache: MetricsReportCache?

    public init(store: any HubStore, policy: PolicyEngine? = nil, countries: CountryTable = CountryTable(),
                heldItself: [any OwnHoldingSource]? = nil) {
        self.store = store
        self.policy = policy ?? PolicyEngine(store: store)
        self.countries = countries
        self.heldItself = heldItself ?? [SubmittedHoldings(store: store), SightedHoldings(store: store)]
        self.cache = heldItself == nil ? MetricsReportCache() : nil
    }

    /// Brings the unfiltered reports' aggregates up to the store's newest change (the first time:
    /// from every holding; then only what changed). Views do it themselves; a background service
    /// calls it so that they find little to do. Nothing without the report cache.
    ///
    /// ```swift
    /// try await metrics.catchUp()   // e.g. every 2 s in `serve` (MetricsLedgerService)
    /// ```
    public func catchUp() async throws {
        try await cache?.ledger.catchUp(self)
    }

    /// The ledger's report when the filter is the unfiltered one (the dashboard's), else `compute`.
    func cached<R: MetricsReport>(_ kind: MetricsReportCache.Kind, viewer: MetricsViewer, filter: MetricsFilter,
                                  compute: (MetricsGeneration?) async throws -> R) async throws -> R {
        guard let cache else { return try await compute(nil) }
        guard filter == MetricsFilter() else { return try await compute(try await store.metricsGeneration()) }
        // The dashboard's: the ledger's aggregates, caught up on what changed since they were.
        let report: any MetricsReport
        switch kind {
        case .coverage: report = try await cache.ledger.coverage(for: viewer, metrics: self)
        case .leadTime: report = try await cache.ledger.leadTime(for: viewer, metrics: self)
        case .daily: report = try await cache.ledger.daily(for: viewer, metrics: self)
        }
        guard let report = report as? R else { return try await compute(nil) }
        return report
    }

    // MARK: - Shared steps

    struct Context {
        var organizations: [String: Organization]
        var feedID: String?
        var feedNames: [String: String]
    }

    func context(for viewer: MetricsViewer, filter: MetricsFilter, principal: Principal?) async throws -> Context {
        var organizations: [String: Organization] = [:]
        for organization in try await store.organizations() { organizations[organization.id] = organization }
        var feedNames: [String: String] = [:]
        for feed in try await store.feeds() { feedNames[feed.id] = feed.name }
        var feedID: String?
        if let name = filter.feedName {
            guard let feed = try await store.feed(named: name) else { throw MetricsError.unknownFeed(name) }
            if case .organization = viewer, let principal {
                // A feed the viewer cannot see is answered as one that does not exist.
                let visible = try await policy.visibleFeeds(for: principal).contains { $0.feed.id == feed.id }
                guard visible else { throw MetricsError.unknownFeed(name) }
            }
            feedID = feed.id
        }
        return Context(organizations: organizations, feedID: feedID, feedNames: feedNames)
    }

    /// The holdings the filter selects (all sources; the viewer's own when it is an organisation).
    func holdings(for viewer: MetricsViewer, filter: MetricsFilter, context: Context,
                  sources: [any OwnHoldingSource]) async throws -> [OwnHolding] {
        var organizationID: String?
        if case .organization(let organization) = viewer { organizationID = organization.id }
        var all: [OwnHolding] = []
        for source in sources { all += try await source.ownHoldings(organizationID: organizationID) }
        return all.filter { holding in
            if let organizationID, holding.organizationID != organizationID { return false }
            if let feedID = context.feedID, holding.feedID != feedID { return false }
            if let sector = filter.sector, context.organizations[holding.organizationID]?.sector != sector { return false }
            return filter.contains(holding.heldAt)
        }
    }

    // MARK: - Coverage

    /// Coverage: for each organisation, how many of its indicators (observables it reported) each
    /// other organisation also reported, as counts and shares, by organisation and by sector.
    public func coverage(for viewer: MetricsViewer, filter: MetricsFilter = MetricsFilter(),
                         principal: Principal? = nil) async throws -> CoverageReport {
        try await cached(.coverage, viewer: viewer, filter: filter) { _ in
            try await computeCoverage(for: viewer, filter: filter, principal: principal)
        }
    }

    func computeCoverage(for viewer: MetricsViewer, filter: MetricsFilter, principal: Principal?) async throws -> CoverageReport {
        let context = try await context(for: viewer, filter: filter, principal: principal)
        // Everyone's submitted holdings in the window and feed (what "also held" is measured against).
        let submitted = SubmittedHoldings(store: store)
        var everyone = MetricsFilter(feedName: filter.feedName, from: filter.from, to: filter.to)
        everyone.sector = nil
        let all = try await holdings(for: .hubStaff, filter: everyone, context: context, sources: [submitted])
        var holders: [String: Set<String>] = [:]
        for holding in all { holders[holding.observable, default: []].insert(holding.organizationID) }
        var held: [String: Set<String>] = [:]
        for holding in all { held[holding.organizationID, default: []].insert(holding.observable) }

        switch viewer {
        case .hubStaff:
            let rows = held.keys.filter { id in filter.sector == nil || context.organizations[id]?.sector == filter.sector }
            let names = { (id: String) in context.organizations[id]?.name ?? id }
            let ordered = rows.sorted { names($0) < names($1) }
            let columns = held.keys.sorted { names($0) < names($1) }
            var report = CoverageReport(named: true, rows: [])
            for id in ordered {
                let mine = held[id] ?? []
                var shared: [String: Int] = [:]
                var bySector: [String: Set<String>] = [:]
                var heldByOthers = 0
                for value in mine {
                    let others = (holders[value] ?? []).subtracting([id])
                    if !others.isEmpty { heldByOthers += 1 }
                    for other in others {
                        shared[other, default: 0] += 1
                        bySector[context.organizations[other]?.sector ?? "", default: []].insert(value)
                    }
                }
                report.rows.append(CoverageRow(
                    organization: names(id), sector: context.organizations[id]?.sector, indicators: mine.count,
                    heldByOthers: heldByOthers,
                    overlap: columns.filter { $0 != id }.map { other in
                        PeerOverlap(organization: names(other), sector: context.organizations[other]?.sector,
                                    shared: shared[other] ?? 0, of: mine.count)
                    },
                    bySector: bySector.keys.sorted().map { SectorOverlap(sector: $0, shared: bySector[$0]!.count, of: mine.count) }))
            }
            return report

        case .organization(let organization):
            let mine = held[organization.id] ?? []
            // Only overlaps the organisation could see through the hub count (see the header): another
            // organisation holds one of its values for this report only when the hub delivered that
            // value to it from that organisation's submission.
            let probes = mine.map { DeliveryProbe(organizationID: organization.id, observable: $0) }
            let delivered = try await store.firstDeliveries(probes)
            var shared: [String: Int] = [:]
            var heldByOthers = 0
            for value in mine {
                let providers = Set(delivered[DeliveryProbe(organizationID: organization.id, observable: value)]?
                    .map(\.providerOrganizationID) ?? [])
                let others = (holders[value] ?? []).subtracting([organization.id]).intersection(providers)
                if !others.isEmpty { heldByOthers += 1 }
                for other in others { shared[other, default: 0] += 1 }
            }
            // Pseudonyms by rank in this report only: nothing ties them to an organisation across reports.
            let ranked = shared.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let row = CoverageRow(
                organization: organization.name, sector: organization.sector, indicators: mine.count,
                heldByOthers: heldByOthers,
                overlap: ranked.enumerated().map { index, entry in
                    PeerOverlap(organization: "peer-\(index + 1)", sector: nil, shared: entry.value, of: mine.count)
                },
                // No sectors: the sector of the one other holder of a value released anonymised would
                // name what anonymisation hid.
                bySector: [])
            return CoverageReport(named: false, rows: [row])
        }
    }

    // MARK: - Lead time

    /// Lead time: for each indicator an organisation held itself (submitted; sighted once sightings
    /// exist) after the hub had delivered it to the organisation, how long before.
    public func leadTime(for viewer: MetricsViewer, filter: MetricsFilter = MetricsFilter(),
                         principal: Principal? = nil) async throws -> LeadTimeReport {
        try await cached(.leadTime, viewer: viewer, filter: filter) { _ in
            try await computeLeadTime(for: viewer, filter: filter, principal: principal)
        }
    }

    func computeLeadTime(for viewer: MetricsViewer, filter: MetricsFilter, principal: Principal?) async throws -> LeadTimeReport {
        let context = try await context(for: viewer, filter: filter, principal: principal)
        let holdings = try await self.holdings(for: viewer, filter: filter, context: context, sources: heldItself)
        // The earliest holding of each value by each organisation.
        var earliest: [DeliveryProbe: OwnHolding] = [:]
        for holding in holdings {
            let key = DeliveryProbe(organizationID: holding.organizationID, observable: holding.observable)
            if let known = earliest[key], known.heldAt <= holding.heldAt { continue }
            earliest[key] = holding
        }
        let delivered = try await store.firstDeliveries(Array(earliest.keys))
        var entries: [LeadTimeEntry] = []
        var totals: [String: Int] = [:]
        for (key, holding) in earliest {
            totals[key.organizationID, default: 0] += 1
            guard let at = delivered[key]?.compactMap({ MetricsTime.date($0.deliveredAt) }).min(),
                  at < holding.heldAt else { continue }
            entries.append(LeadTimeEntry(
                organization: context.organizations[key.organizationID]?.name ?? key.organizationID,
                sector: context.organizations[key.organizationID]?.sector,
                observable: key.observable, feed: holding.feedID.flatMap { context.feedNames[$0] },
                how: holding.how, deliveredAt: at, heldAt: holding.heldAt))
        }
        entries.sort { ($0.organization, $0.heldAt, $0.observable) < ($1.organization, $1.heldAt, $1.observable) }
        var summaries: [LeadTimeSummary] = []
        for id in totals.keys {
            let name = context.organizations[id]?.name ?? id
            summaries.append(LeadTimeSummary(organization: name, sector: context.organizations[id]?.sector,
                                             indicators: totals[id]!,
                                             seconds: entries.filter { $0.organization == name }.map(\.seconds)))
        }
        summaries.sort { $0.organization < $1.organization }
        return LeadTimeReport(entries: entries, organizations: summaries,
                              overall: LeadTimeSummary(organization: "all", sector: nil, indicators: earliest.count,
                                                       seconds: entries.map(\.seconds)))
    }

    // MARK: - Daily counts

    /// Daily counts of new C2, phishing and malware-hosting indicators by feed, sector (of the first
    /// organisation to report it there) and country (RIR statistics; none for names and URLs). An
    /// indicator is new in a feed on the day of its first report in that feed.
    public func daily(for viewer: MetricsViewer, filter: MetricsFilter = MetricsFilter(),
                      principal: Principal? = nil) async throws -> DailyReport {
        try await cached(.daily, viewer: viewer, filter: filter) { generation in
            try await computeDaily(for: viewer, filter: filter, principal: principal, generation: generation)
        }
    }

    func computeDaily(for viewer: MetricsViewer, filter: MetricsFilter, principal: Principal?,
                      generation: MetricsGeneration?) async throws -> DailyReport {
        let context = try await context(for: viewer, filter: filter, principal: principal)
        let raw = try await store.observableHoldings(organizationID: {
            if case .organization(let organization) = viewer { return organization.id } else { return nil }
        }())
        // The first report of each value in each feed (over all time: "new" is new to the feed).
        var first: [String: ObservableHolding] = [:]
        var firstAt: [String: Date] = [:]
        for holding in raw {
            guard let at = MetricsTime.date(holding.heldAt) else { continue }
            let key = holding.feedID + "\u{1F}" + holding.observable
            // The earliest; of reports at the same time, the smallest organisation id's (one per organisation).
            if let known = firstAt[key], (known, first[key]!.organizationID) <= (at, holding.organizationID) { continue }
            first[key] = holding; firstAt[key] = at
        }
        let selected = first.filter { key, holding in
            if let feedID = context.feedID, holding.feedID != feedID { return false }
            if let sector = filter.sector, context.organizations[holding.organizationID]?.sector != sector { return false }
            return filter.contains(firstAt[key]!)
        }
        // What each submission said about each value it carried (its indicators), read once per
        // submission and classified; kept by the cache until a version is deleted.
        var classesBySubmission: [String: MetricsReportCache.SubmissionClasses] = [:]
        for (submissionID, feedID) in Set(selected.values.map { [$0.submissionID, $0.feedID] }).map({ ($0[0], $0[1]) }) {
            let feedName = context.feedNames[feedID] ?? feedID
            if let generation, let kept = cache?.classes(of: submissionID, feedName: feedName, generation: generation) {
                classesBySubmission[submissionID] = kept
                continue
            }
            let classified = try await submissionClasses(submissionID: submissionID, feedID: feedID, feedName: feedName)
            if let generation { cache?.keep(classified, of: submissionID, generation: generation) }
            classesBySubmission[submissionID] = classified
        }
        var counts: [DailyCount: Int] = [:]
        for (key, holding) in selected {
            let feedName = context.feedNames[holding.feedID] ?? holding.feedID
            let submission = classesBySubmission[holding.submissionID]
            // A value its indicators carry has its kept class (nil: none); another, its class by itself.
            let indicatorClass: IndicatorClass?
            if let known = submission?.classes[holding.observable] {
                indicatorClass = known
            } else {
                indicatorClass = IndicatorClassRule.classify(holding.observable, hints: [], feedName: feedName,
                                                             kind: submission?.kind)
            }
            guard let indicatorClass else { continue }
            let row = DailyCount(day: MetricsTime.dayText(firstAt[key]!), indicatorClass: indicatorClass, feed: feedName,
                                 sector: context.organizations[holding.organizationID]?.sector ?? "",
                                 country: countries.country(ofObservable: holding.observable) ?? "")
            counts[row, default: 0] += 1
        }
        let rows = counts.map { row, count in var row = row; row.count = count; return row }
            .sorted { ($0.day, $0.indicatorClass.rawValue, $0.feed, $0.sector, $0.country)
                    < ($1.day, $1.indicatorClass.rawValue, $1.feed, $1.sector, $1.country) }
        return DailyReport(rows: rows, countryRanges: countries.rangeCount)
    }

    /// What one submission's indicators say about the values they carry, classified.
    func submissionClasses(submissionID: String, feedID: String, feedName: String) async throws -> MetricsReportCache.SubmissionClasses {
        let kind = try await store.submissionDetail(id: submissionID)?.kind
        var classes: [String: IndicatorClass?] = [:]
        for (observable, words) in try await hints(submissionID: submissionID, feedID: feedID) {
            classes[observable] = IndicatorClassRule.classify(observable, hints: words, feedName: feedName, kind: kind)
        }
        return MetricsReportCache.SubmissionClasses(feedName: feedName, kind: kind, classes: classes)
    }

    /// For one submission: each observable its indicators carry, with the words said about it.
    func hints(submissionID: String, feedID: String) async throws -> [String: [String]] {
        let reader = policy.hubReader(feedID: feedID, purpose: .metrics)
        let objects = try await reader.all(ObjectQuery(feedID: feedID, types: ["indicator"], versions: .every,
                                                       submissionID: submissionID))
        var hints: [String: [String]] = [:]
        for object in objects {
            guard let value = try? JSONParser.parse([UInt8](object.bytes)), let properties = value.objectValue,
                  let patternText = properties["pattern"]?.stringValue,
                  let pattern = try? STIXPattern.parse(patternText) else { continue }
            var words: [String] = []
            for (name, member) in properties.members
            where ["name", "description", "labels", "indicator_types"].contains(name) || name.hasPrefix("x_") {
                words += Self.strings(member)
            }
            let facts = STIXObjectFacts(id: object.stixID, type: "indicator", specVersion: "2.1", created: nil, modified: nil,
                                        kind: .domainObject, createdByRef: nil, objectMarkingRefs: [], revoked: false,
                                        pattern: pattern)
            for key in ObservableExtraction.keys(in: value, facts: facts) { hints[key, default: []] += words }
        }
        return hints
    }

    static func strings(_ value: JSONValue) -> [String] {
        if let text = value.stringValue { return [text] }
        if let array = value.arrayValue { return array.flatMap(strings) }
        return []
    }
}
