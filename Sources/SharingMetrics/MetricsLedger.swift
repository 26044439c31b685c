// SharingMetrics ledger: the unfiltered reports (the dashboard's charts and CSV links) kept as
// aggregates — per observable, what each organisation reported, saw and was delivered, and the sums
// of every observable's share of the coverage matrix, lead times and daily counts — brought up to
// date by catching up on the store's metrics change log (MetricsChangeStore): only the observables
// a change touched are re-read, their old share subtracted and their new one added, so the first
// view after a change costs the change, not every holding. The numbers are exactly those of the
// full computation in SharingMetrics (the ledger tests compare them after every step), with the
// same visibility: an organisation's view is its own holdings, with another organisation counted
// only where the hub delivered the value to it from that organisation's submission.
//
// The whole is recomputed from every holding when the process first asks, after an organisation's
// name or sector or a feed's name changed, and when more changes piled up than re-reading them is
// worth (or the log was pruned past the ledger's position).
import Foundation
import Storage

/// The aggregates of one `SharingMetrics` (shared by its copies through its report cache).
///
/// ```swift
/// let metrics = SharingMetrics(store: store)
/// let coverage = try await metrics.coverage(for: .hubStaff)   // the ledger's, caught up on the change log
/// ```
actor MetricsLedger {
    /// One organisation's first report of an observable (time parsed; unparseable ones are left out,
    /// as the full computation leaves them out).
    struct Report: Sendable, Equatable {
        var submissionID: String
        var feedID: String
        var at: Date
    }

    /// Everything the reports read about one observable.
    struct Value: Sendable {
        /// By organisation.
        var reports: [String: Report] = [:]
        /// The earliest "seen" sighting by organisation.
        var seen: [String: Date] = [:]
        /// For each organisation holding it (report or sighting): provider → first delivery (nil: unreadable time).
        var delivered: [String: [String: Date?]] = [:]
    }

    struct RenderedKey: Hashable, Sendable {
        var kind: MetricsReportCache.Kind
        var viewer: String
    }

    /// Change rows read in one catch-up at most; more, and the whole is recomputed.
    let catchUpLimit: Int
    /// Change rows kept behind the ledger's position for other processes; older ones are pruned.
    let retained: Int64

    private(set) var position: Int64?
    private var values: [String: Value] = [:]
    private var byHash: [Int64: Set<String>] = [:]
    private var bySubmission: [String: Set<String>] = [:]
    private var organizations: [String: Organization] = [:]
    private var feedNames: [String: String] = [:]
    private var classes: [String: MetricsReportCache.SubmissionClasses] = [:]

    // Coverage: every organisation's counts, and those counted through deliveries only.
    private var indicators: [String: Int] = [:]
    private var heldByOthers: [String: Int] = [:]
    private var shared: [String: [String: Int]] = [:]
    private var bySector: [String: [String: Int]] = [:]
    private var deliveredHeldByOthers: [String: Int] = [:]
    private var deliveredShared: [String: [String: Int]] = [:]
    // Lead time.
    private var leadTotals: [String: Int] = [:]
    /// By organisation, then observable.
    private var leadEntries: [String: [String: LeadTimeEntry]] = [:]
    // Daily counts: hub-wide (first report in a feed) and per organisation (its own reports).
    private var daily: [DailyCount: Int] = [:]
    private var organizationDaily: [String: [DailyCount: Int]] = [:]

    private var rendered: [RenderedKey: any MetricsReport] = [:]
    private var prunedThrough: Int64 = 0
    /// How many times the whole was recomputed, and how many observables were re-read by catch-ups (for tests).
    private(set) var rebuilds = 0
    private(set) var reread = 0

    init(catchUpLimit: Int = 50_000, retained: Int64 = 200_000) {
        self.catchUpLimit = catchUpLimit; self.retained = retained
    }

    // MARK: - Reports

    func coverage(for viewer: MetricsViewer, metrics: SharingMetrics) async throws -> CoverageReport {
        try await catchUp(metrics)
        let key = Self.key(.coverage, viewer)
        if let kept = rendered[key] as? CoverageReport { return kept }
        let report = renderCoverage(for: viewer)
        rendered[key] = report
        return report
    }

    func leadTime(for viewer: MetricsViewer, metrics: SharingMetrics) async throws -> LeadTimeReport {
        try await catchUp(metrics)
        let key = Self.key(.leadTime, viewer)
        if let kept = rendered[key] as? LeadTimeReport { return kept }
        let report = renderLeadTime(for: viewer)
        rendered[key] = report
        return report
    }

    func daily(for viewer: MetricsViewer, metrics: SharingMetrics) async throws -> DailyReport {
        try await catchUp(metrics)
        let key = Self.key(.daily, viewer)
        if let kept = rendered[key] as? DailyReport { return kept }
        let counts: [DailyCount: Int]
        switch viewer {
        case .hubStaff: counts = daily
        case .organization(let organization): counts = organizationDaily[organization.id] ?? [:]
        }
        let rows = counts.map { row, count in var row = row; row.count = count; return row }
            .sorted { ($0.day, $0.indicatorClass.rawValue, $0.feed, $0.sector, $0.country)
                    < ($1.day, $1.indicatorClass.rawValue, $1.feed, $1.sector, $1.country) }
        let report = DailyReport(rows: rows, countryRanges: metrics.countries.rangeCount)
        rendered[key] = report
        return report
    }

    static func key(_ kind: MetricsReportCache.Kind, _ viewer: MetricsViewer) -> RenderedKey {
        switch viewer {
        case .hubStaff: return RenderedKey(kind: kind, viewer: "*")
        case .organization(let organization):
            // The row carries the viewer's own name and sector as the principal gives them.
            return RenderedKey(kind: kind, viewer: [organization.id, organization.name, organization.sector ?? ""]
                .joined(separator: "\u{1F}"))
        }
    }

    func renderCoverage(for viewer: MetricsViewer) -> CoverageReport {
        switch viewer {
        case .hubStaff:
            let names = { (id: String) in self.organizations[id]?.name ?? id }
            let ordered = indicators.keys.sorted { names($0) < names($1) }
            var report = CoverageReport(named: true, rows: [])
            for id in ordered {
                let mine = indicators[id] ?? 0
                let counts = shared[id] ?? [:]
                let sectors = bySector[id] ?? [:]
                report.rows.append(CoverageRow(
                    organization: names(id), sector: organizations[id]?.sector, indicators: mine,
                    heldByOthers: heldByOthers[id] ?? 0,
                    overlap: ordered.filter { $0 != id }.map { other in
                        PeerOverlap(organization: names(other), sector: organizations[other]?.sector,
                                    shared: counts[other] ?? 0, of: mine)
                    },
                    bySector: sectors.keys.sorted().map { SectorOverlap(sector: $0, shared: sectors[$0]!, of: mine) }))
            }
            return report
        case .organization(let organization):
            let mine = indicators[organization.id] ?? 0
            let counts = deliveredShared[organization.id] ?? [:]
            let ranked = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
            let row = CoverageRow(
                organization: organization.name, sector: organization.sector, indicators: mine,
                heldByOthers: deliveredHeldByOthers[organization.id] ?? 0,
                overlap: ranked.enumerated().map { index, entry in
                    PeerOverlap(organization: "peer-\(index + 1)", sector: nil, shared: entry.value, of: mine)
                },
                bySector: [])
            return CoverageReport(named: false, rows: [row])
        }
    }

    func renderLeadTime(for viewer: MetricsViewer) -> LeadTimeReport {
        var entries: [LeadTimeEntry]
        var totals: [String: Int]
        switch viewer {
        case .hubStaff:
            entries = leadEntries.values.flatMap(\.values)
            totals = leadTotals
        case .organization(let organization):
            entries = Array((leadEntries[organization.id] ?? [:]).values)
            totals = leadTotals[organization.id].map { [organization.id: $0] } ?? [:]
        }
        entries.sort { ($0.organization, $0.heldAt, $0.observable) < ($1.organization, $1.heldAt, $1.observable) }
        var secondsByName: [String: [Double]] = [:]
        for entry in entries { secondsByName[entry.organization, default: []].append(entry.seconds) }
        var summaries: [LeadTimeSummary] = []
        for (id, total) in totals {
            let name = organizations[id]?.name ?? id
            summaries.append(LeadTimeSummary(organization: name, sector: organizations[id]?.sector, indicators: total,
                                             seconds: secondsByName[name] ?? []))
        }
        summaries.sort { $0.organization < $1.organization }
        return LeadTimeReport(entries: entries, organizations: summaries,
                              overall: LeadTimeSummary(organization: "all", sector: nil, indicators: totals.values.reduce(0, +),
                                                       seconds: entries.map(\.seconds)))
    }

    // MARK: - Catching up

    /// Brings the aggregates to the store's newest change: re-reads the observables changed since
    /// the ledger's position (or everything, the first time and when that is cheaper). One catch-up
    /// at a time (the actor is reentrant at every read): a caller waits for the one running, then
    /// runs its own, and renders right after it without suspending.
    func catchUp(_ metrics: SharingMetrics) async throws {
        while let current = running {
            _ = try? await current.value
            try Task.checkCancellation()
            // A finished catch-up is cleared by whoever sees it finished first: waiting for its
            // starter to resume and clear it could spin forever, since awaiting a finished task does
            // not suspend and the starter never gets the actor back.
            if running == current { running = nil }
        }
        let task = Task { try await self.catchUpOnce(metrics) }
        running = task
        do {
            // The catch-up is an unstructured task: a cancelled caller (the background service at
            // graceful shutdown) cancels it, or the server's shutdown would wait on its reads forever.
            try await withTaskCancellationHandler { try await task.value } onCancel: { task.cancel() }
            if running == task { running = nil }
        } catch {
            // Part of a change may have been subtracted and not added back: start over next time.
            if running == task { running = nil }
            position = nil
            throw error
        }
    }

    private var running: Task<Void, any Error>?

    private func catchUpOnce(_ metrics: SharingMetrics) async throws {
        let store = metrics.store
        if metricsCountries == nil { metricsCountries = metrics.countries }
        guard let position else { return try await rebuild(metrics) }
        let changes = try await store.metricsChanges(after: position, limit: catchUpLimit)
        guard changes.count > 0 || changes.pruned else { return }
        if changes.pruned || changes.truncated { return try await rebuild(metrics) }
        // Names and sectors are in every report's rows; new organisations and feeds are only added.
        let (organizations, feedNames) = try await metadata(store)
        let renamed = self.organizations.contains { id, known in
            organizations[id].map { $0.name != known.name || $0.sector != known.sector } ?? true
        } || self.feedNames.contains { id, name in feedNames[id] != name }
        if renamed { return try await rebuild(metrics) }
        self.organizations = organizations
        self.feedNames = feedNames

        var affected = changes.observables
        var hashes = changes.observableHashes
        if !changes.submissionIDs.isEmpty {
            for submission in changes.submissionIDs { affected.formUnion(bySubmission[submission] ?? []) }
            hashes.formUnion(try await store.observableHashes(carriedBy: Array(changes.submissionIDs)))
        }
        for hash in hashes { affected.formUnion(byHash[hash] ?? []) }
        // Subtract with the classes the shares were added with, then forget the changed submissions' classes.
        for observable in affected {
            if let value = values[observable] { apply(observable, value, sign: -1) }
        }
        for submission in changes.submissionIDs { classes[submission] = nil }
        let (holdings, seen) = try await store.metricsInputs(observables: Array(affected))
        try await load(affected, holdings: holdings, seen: seen, metrics: metrics)
        reread += affected.count
        self.position = changes.through
        rendered = [:]
        if changes.through - retained > prunedThrough + retained / 4 {
            try await store.pruneMetricsChanges(through: changes.through - retained)
            prunedThrough = changes.through - retained
        }
    }

    /// Everything from every holding (what the full computation reads), at the log's newest position.
    func rebuild(_ metrics: SharingMetrics) async throws {
        let store = metrics.store
        let start = try await store.metricsChangePosition()
        (organizations, feedNames) = try await metadata(store)
        values = [:]; byHash = [:]; bySubmission = [:]; classes = [:]
        indicators = [:]; heldByOthers = [:]; shared = [:]; bySector = [:]
        deliveredHeldByOthers = [:]; deliveredShared = [:]; leadTotals = [:]; leadEntries = [:]
        daily = [:]; organizationDaily = [:]; rendered = [:]
        let holdings = try await store.observableHoldings(organizationID: nil)
        var seen: [SeenSighting] = []
        for organization in organizations.keys {
            for record in try await store.sightings(organizationID: organization) where record.kind == .seen {
                seen.append(SeenSighting(observable: record.observable, organizationID: record.organizationID,
                                         seenAt: record.firstSeen ?? record.recordedAt))
            }
        }
        let observables = Set(holdings.map(\.observable)).union(seen.map(\.observable))
        try await load(observables, holdings: holdings, seen: seen, metrics: metrics)
        position = start
        rebuilds += 1
    }

    func metadata(_ store: any HubStore) async throws -> ([String: Organization], [String: String]) {
        var organizations: [String: Organization] = [:]
        for organization in try await store.organizations() { organizations[organization.id] = organization }
        var feedNames: [String: String] = [:]
        for feed in try await store.feeds() { feedNames[feed.id] = feed.name }
        return (organizations, feedNames)
    }

    /// Replaces what is known of `observables` by what `holdings` and `seen` say (with their first
    /// deliveries read now), and adds their shares.
    func load(_ observables: Set<String>, holdings: [ObservableHolding], seen: [SeenSighting],
              metrics: SharingMetrics) async throws {
        var fresh: [String: Value] = [:]
        for observable in observables { fresh[observable] = Value() }
        for holding in holdings where observables.contains(holding.observable) {
            guard let at = MetricsTime.date(holding.heldAt) else { continue }
            fresh[holding.observable]?.reports[holding.organizationID] = Report(submissionID: holding.submissionID,
                                                                                feedID: holding.feedID, at: at)
        }
        for sighting in seen where observables.contains(sighting.observable) {
            // As the full computation, sightings of organisations the hub lists only.
            guard organizations[sighting.organizationID] != nil, let at = MetricsTime.date(sighting.seenAt) else { continue }
            if let known = fresh[sighting.observable]?.seen[sighting.organizationID], known <= at { continue }
            fresh[sighting.observable]?.seen[sighting.organizationID] = at
        }
        var probes: [DeliveryProbe] = []
        for (observable, value) in fresh {
            for organization in Set(value.reports.keys).union(value.seen.keys) {
                probes.append(DeliveryProbe(organizationID: organization, observable: observable))
            }
        }
        for (probe, deliveries) in try await metrics.store.firstDeliveries(probes) {
            var providers: [String: Date?] = [:]
            for delivery in deliveries { providers[delivery.providerOrganizationID] = MetricsTime.date(delivery.deliveredAt) }
            fresh[probe.observable]?.delivered[probe.organizationID] = providers
        }
        // The classes of the submissions whose reports count in the daily reports.
        var needed: [String: String] = [:]
        for value in fresh.values {
            for report in value.reports.values where classes[report.submissionID] == nil { needed[report.submissionID] = report.feedID }
        }
        for (submission, feedID) in needed {
            classes[submission] = try await metrics.submissionClasses(submissionID: submission, feedID: feedID,
                                                                       feedName: feedNames[feedID] ?? feedID)
        }
        for (observable, value) in fresh {
            if let old = values[observable] {
                for report in old.reports.values { bySubmission[report.submissionID]?.remove(observable) }
            }
            let hash = KeyHash.of(observable)
            if value.reports.isEmpty && value.seen.isEmpty {
                values[observable] = nil
                byHash[hash]?.remove(observable)
                if byHash[hash]?.isEmpty == true { byHash[hash] = nil }
                continue
            }
            values[observable] = value
            byHash[hash, default: []].insert(observable)
            for report in value.reports.values { bySubmission[report.submissionID, default: []].insert(observable) }
            apply(observable, value, sign: 1)
        }
    }

    // MARK: - One observable's share

    /// Adds (`sign` 1) or subtracts (-1) one observable's share of every aggregate.
    func apply(_ observable: String, _ value: Value, sign: Int) {
        let holders = Set(value.reports.keys)
        for organization in holders {
            Self.bump(&indicators, organization, sign)
            let others = holders.subtracting([organization])
            if !others.isEmpty { Self.bump(&heldByOthers, organization, sign) }
            for other in others { Self.bump(&shared, organization, other, sign) }
            for sector in Set(others.map { organizations[$0]?.sector ?? "" }) { Self.bump(&bySector, organization, sector, sign) }
            let delivered = others.intersection((value.delivered[organization] ?? [:]).keys)
            if !delivered.isEmpty { Self.bump(&deliveredHeldByOthers, organization, sign) }
            for other in delivered { Self.bump(&deliveredShared, organization, other, sign) }
        }
        // Lead time: the earliest way each organisation held it itself (a report before a sighting at the same time).
        for organization in holders.union(value.seen.keys) {
            var held: (at: Date, how: String, feedID: String?)?
            if let report = value.reports[organization] { held = (report.at, "submitted", report.feedID) }
            if let seen = value.seen[organization], held.map({ seen < $0.at }) ?? true { held = (seen, "sighted", nil) }
            guard let held else { continue }
            Self.bump(&leadTotals, organization, sign)
            guard let at = value.delivered[organization]?.values.compactMap({ $0 }).min(), at < held.at else { continue }
            if sign > 0 {
                leadEntries[organization, default: [:]][observable] = LeadTimeEntry(
                    organization: organizations[organization]?.name ?? organization,
                    sector: organizations[organization]?.sector, observable: observable,
                    feed: held.feedID.flatMap { feedNames[$0] }, how: held.how, deliveredAt: at, heldAt: held.at)
            } else {
                leadEntries[organization]?[observable] = nil
                if leadEntries[organization]?.isEmpty == true { leadEntries[organization] = nil }
            }
        }
        // Daily: new in a feed on the day of its first report there (earliest, then the smallest
        // organisation id); each organisation's view counts its own reports.
        var first: [String: (organization: String, report: Report)] = [:]
        for (organization, report) in value.reports {
            if let known = first[report.feedID], (known.report.at, known.organization) <= (report.at, organization) { continue }
            first[report.feedID] = (organization, report)
        }
        for (organization, report) in first.values {
            if let row = dailyRow(observable, organization: organization, report: report) { Self.bump(&daily, row, sign) }
        }
        for (organization, report) in value.reports {
            if let row = dailyRow(observable, organization: organization, report: report) {
                Self.bump(&organizationDaily, organization, row, sign)
            }
        }
    }

    func dailyRow(_ observable: String, organization: String, report: Report) -> DailyCount? {
        let feedName = feedNames[report.feedID] ?? report.feedID
        let submission = classes[report.submissionID]
        let indicatorClass: IndicatorClass?
        if let known = submission?.classes[observable] {
            indicatorClass = known
        } else {
            indicatorClass = IndicatorClassRule.classify(observable, hints: [], feedName: feedName, kind: submission?.kind)
        }
        guard let indicatorClass else { return nil }
        return DailyCount(day: MetricsTime.dayText(report.at), indicatorClass: indicatorClass, feed: feedName,
                          sector: organizations[organization]?.sector ?? "",
                          country: metricsCountries?.country(ofObservable: observable) ?? "")
    }

    /// The country table of the metrics this ledger serves (set on first use).
    private var metricsCountries: CountryTable?

    static func bump<K: Hashable>(_ counts: inout [K: Int], _ key: K, _ sign: Int) {
        let count = (counts[key] ?? 0) + sign
        counts[key] = count == 0 ? nil : count
    }

    static func bump<K: Hashable, L: Hashable>(_ counts: inout [K: [L: Int]], _ key: K, _ inner: L, _ sign: Int) {
        var row = counts[key] ?? [:]
        bump(&row, inner, sign)
        counts[key] = row.isEmpty ? nil : row
    }
}
