// Storage, sharing metrics: the reads the measures of sharing value (seed 001: coverage and timing)
// are computed from — which organisation reported which observable first and when, when the hub
// first delivered a value to an organisation, and cheap totals for the operator's Prometheus gauges.
import Foundation

/// One organisation's first report of one observable (`observable_report`), with its submission's
/// feed and time.
public struct ObservableHolding: Sendable, Equatable, Hashable {
    /// An observable key like `ipv4-addr:198.51.100.7` (see `ObservableExtraction` in Consent).
    public var observable: String
    public var organizationID: String
    public var submissionID: String
    public var feedID: String
    /// The submission's request timestamp (STIX timestamp text).
    public var heldAt: String

    public init(observable: String, organizationID: String, submissionID: String, feedID: String, heldAt: String) {
        self.observable = observable; self.organizationID = organizationID; self.submissionID = submissionID
        self.feedID = feedID; self.heldAt = heldAt
    }
}

/// An organisation and an observable: "when did the hub first give this value to this organisation?"
public struct DeliveryProbe: Sendable, Hashable {
    public var organizationID: String
    public var observable: String
    public init(organizationID: String, observable: String) {
        self.organizationID = organizationID; self.observable = observable
    }
}

/// The first time the hub delivered to an organisation a value carried by one provider's submissions.
public struct FirstDelivery: Sendable, Equatable, Hashable {
    /// The organisation whose submission carried the value (the hub's own for hub content).
    public var providerOrganizationID: String
    /// STIX timestamp text.
    public var deliveredAt: String
    public init(providerOrganizationID: String, deliveredAt: String) {
        self.providerOrganizationID = providerOrganizationID; self.deliveredAt = deliveredAt
    }
}

/// Totals the operations gauges show; each is one cheap aggregate.
public struct SharingTotals: Sendable, Equatable {
    public var submissions: Int
    /// Distinct observables reported, by observable type (`ipv4-addr`, `url`, `file`, …).
    public var observablesByType: [String: Int]
    public var corroborated: Int
    public var deliveries: Int
    public init(submissions: Int, observablesByType: [String: Int], corroborated: Int, deliveries: Int) {
        self.submissions = submissions; self.observablesByType = observablesByType
        self.corroborated = corroborated; self.deliveries = deliveries
    }
}

/// The reads sharing metrics are computed from.
///
/// ```swift
/// let holdings = try await store.observableHoldings(organizationID: nil)
/// let first = try await store.firstDeliveries([DeliveryProbe(organizationID: org.id, observable: "domain-name:c2.example")])
/// ```
public protocol SharingMetricsStore: MetricsChangeStore {
    /// Every organisation's first report of each observable (one per observable and organisation),
    /// of one organisation when `organizationID` is given; in no particular order.
    func observableHoldings(organizationID: String?) async throws -> [ObservableHolding]
    /// For each probe, per provider, the earliest time the hub delivered to the organisation any
    /// object of a submission of that provider (another organisation, or the hub) that carried the
    /// observable; probes never delivered are absent.
    func firstDeliveries(_ probes: [DeliveryProbe]) async throws -> [DeliveryProbe: [FirstDelivery]]
    /// The operations totals.
    func sharingTotals() async throws -> SharingTotals
    /// The stored count of changes to what the metrics are computed from (submissions, observable
    /// reports, deliveries, sightings, submission details, organisations, feeds, deleted versions),
    /// kept by triggers in the changing transaction, whichever process made the change: equal
    /// generations mean an earlier report is still exact. One single-row read.
    ///
    /// ```swift
    /// let before = try await store.metricsGeneration()
    /// // … later: if try await store.metricsGeneration() == before, a report computed after `before` is current
    /// ```
    func metricsGeneration() async throws -> MetricsGeneration
}

/// The metrics' stored change counts (see `SharingMetricsStore.metricsGeneration`).
public struct MetricsGeneration: Sendable, Hashable {
    /// Every change to a metric input (deletions included).
    public var changes: Int64
    /// Deletions of object versions only (what a submission's indicators say can change then).
    public var deletions: Int64
    public init(changes: Int64, deletions: Int64) { self.changes = changes; self.deletions = deletions }
}

/// What changed among the metrics' inputs after a position of the metrics change log (kept by
/// triggers in the changing transaction, whichever process wrote): the observables whose reports or
/// sightings changed, the observable hashes whose carrying submissions changed, the submissions whose
/// timestamp, feed, kind, objects or deliveries changed, and whether something every report depends
/// on changed (an organisation's name or sector, a feed's name).
public struct MetricsChanges: Sendable, Equatable {
    public var observables: Set<String> = []
    public var observableHashes: Set<Int64> = []
    public var submissionIDs: Set<String> = []
    /// An organisation or feed changed: recompute everything.
    public var everything = false
    /// Rows after the asked position were pruned (the reader fell behind): recompute everything.
    public var pruned = false
    /// More rows than the limit: recompute everything.
    public var truncated = false
    /// The position these changes bring a reader to.
    public var through: Int64
    /// How many change rows were read.
    public var count = 0

    public init(through: Int64) { self.through = through }
}

/// One "seen" sighting of an observable by an organisation, at its first-seen time (else when recorded).
public struct SeenSighting: Sendable, Equatable, Hashable {
    public var observable: String
    public var organizationID: String
    /// STIX timestamp text.
    public var seenAt: String
    public init(observable: String, organizationID: String, seenAt: String) {
        self.observable = observable; self.organizationID = organizationID; self.seenAt = seenAt
    }
}

/// The metrics change log and the per-observable reads that let the sharing metrics keep their
/// aggregates by catching up on what changed (O(change)) instead of recomputing from every holding.
///
/// ```swift
/// var position = try await store.metricsChangePosition()         // then read everything once
/// let changes = try await store.metricsChanges(after: position, limit: 100_000)
/// let inputs = try await store.metricsInputs(observables: Array(changes.observables))
/// position = changes.through
/// ```
public protocol MetricsChangeStore: Sendable {
    /// The position of the newest change (0 when none was ever logged).
    func metricsChangePosition() async throws -> Int64
    /// The changes logged after `position`, at most `limit` rows (else `truncated`).
    func metricsChanges(after position: Int64, limit: Int) async throws -> MetricsChanges
    /// For each observable given: its first reports (one per organisation, with their submission's
    /// feed and time) and its "seen" sightings.
    func metricsInputs(observables: [String]) async throws -> (holdings: [ObservableHolding], seen: [SeenSighting])
    /// The hashes of the observables the given submissions carry (observable_source).
    func observableHashes(carriedBy submissionIDs: [String]) async throws -> Set<Int64>
    /// Drops the change rows at or before `position` (a reader behind it recomputes everything).
    func pruneMetricsChanges(through position: Int64) async throws
}
