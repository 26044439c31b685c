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
public protocol SharingMetricsStore: Sendable {
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
