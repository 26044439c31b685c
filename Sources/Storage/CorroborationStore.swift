// Storage, corroboration: who reported which observable, which values are held back, and the
// probes recorded for the operator.
import Foundation

/// The counts and held values k-corroboration decides by.
///
/// ```swift
/// let counts = try await store.observableReportCounts(["ipv4-addr:198.51.100.7"])
/// ```
public protocol CorroborationStore: Sendable {
    // MARK: Corroboration
    /// Records that an organisation reported these observables (keys like `ipv4-addr:198.51.100.7`);
    /// returns, for each key, how many different organisations have reported it so far.
    func recordObservables(_ keys: [String], organizationID: String, submissionID: String) async throws -> [String: Int]
    /// For each key, how many different organisations have reported it independently so far (a
    /// report of a value the organisation had already received from the hub does not count).
    func observableReportCounts(_ keys: [String]) async throws -> [String: Int]
    /// For each key, the organisations whose report of it counts (independent reports only).
    func observableReporters(_ keys: [String]) async throws -> [String: [String]]
    /// Marks an observable as released by corroboration; false when it already was.
    func markCorroborated(_ key: String, at: String) async throws -> Bool
    /// Every observable marked released by corroboration (and not withdrawn), in key order.
    func corroboratedObservables() async throws -> [String]
    /// Withdraws an observable released by corroboration that no longer qualifies: as a revoked
    /// release, the versions of its indicator (`indicatorID` in `feedID`, stored by
    /// `providerOrganizationID`, the hub) vanish from every later read while the deliveries keep who
    /// had them, and the observable is no longer marked released (it is released again once it
    /// qualifies). When `notice` builds a version from the indicator's latest, it is appended as the
    /// series' last version, readable by `WithdrawalAudience` of the organisations the deliveries
    /// record for the indicator. With its audit entry, in one transaction; returns how many versions
    /// were withdrawn.
    func withdrawCorroborated(_ key: String, indicatorID: String, feedID: String, providerOrganizationID: String,
                              notice: WithdrawalNotice, audit: AuditEvent) async throws -> Int
    /// Which of `values` (bare values, see `ObservableKey.bareValue`) some submission holds back from
    /// corroboration: marked TLP:RED or AMBER+STRICT, or one of its victim identifiers. One entry per
    /// holding organisation.
    func heldValues(_ values: [String]) async throws -> [HeldValue]
    /// Every held value that is an address range (a victim identifier written as CIDR).
    func heldAddressRanges() async throws -> [HeldValue]
    /// Every organisation's registered identifiers, and its users' e-mail addresses (as `.email`).
    func memberIdentifiers() async throws -> [MemberIdentifier]
    /// Records reports that matched other organisations' held data, with their audit entry, in one transaction.
    func recordProbes(_ hits: [ProbeHit], audit: AuditEvent) async throws
    /// Every probe hit recorded, oldest first.
    func probeHits() async throws -> [ProbeHit]
}
