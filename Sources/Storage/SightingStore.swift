// Storage, sightings: what members report back about indicators they received (seen, false
// positive, expired; MISP's three kinds), and the values a false-positive report from k
// organisations put on review (out of the corroborated feed until a hub analyst clears them).
import Foundation

/// The three kinds of sighting MISP users know.
public enum SightingKind: String, Sendable, Codable, CaseIterable, Comparable {
    /// The reporter saw the indicator in its own traffic or systems.
    case seen
    /// The reporter found the indicator to be wrong (benign, shared infrastructure).
    case falsePositive = "false-positive"
    /// The reporter considers the indicator no longer valid.
    case expired

    public static func < (a: SightingKind, b: SightingKind) -> Bool {
        allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)!
    }
}

/// One member's sighting report of one observable (a report about an indicator with several
/// observables is stored once per observable, under one report id).
public struct SightingRecord: Sendable, Equatable, Codable {
    /// The report's id (`sighting-report--<uuid>`), shared by its rows.
    public var id: String
    /// The observable key (`ipv4-addr:198.51.100.7`, see `ObservableExtraction`); "" when the
    /// indicator states none the hub can key (the report then counts for the indicator only).
    public var observable: String
    public var organizationID: String
    public var userID: String?
    /// The STIX id of the indicator the reporter may read that the report is about.
    public var indicatorID: String
    public var kind: SightingKind
    /// How many times the reporter saw it (at least 1).
    public var count: Int
    /// RFC 3339 UTC, as the reporter gave them (nil: not given).
    public var firstSeen: String?
    public var lastSeen: String?
    /// Whether the reporter consented to be named to other members.
    public var named: Bool
    /// When the hub recorded it (RFC 3339 UTC).
    public var recordedAt: String
    /// How it arrived: `api` (POST /api/v1/sightings), `taxii` (a STIX sighting object), `cli`.
    public var via: String
    /// The STIX id of the reporter's own `sighting` object (TAXII only).
    public var stixID: String?

    public init(id: String = "sighting-report--" + UUID().uuidString.lowercased(), observable: String,
                organizationID: String, userID: String?, indicatorID: String, kind: SightingKind, count: Int = 1,
                firstSeen: String? = nil, lastSeen: String? = nil, named: Bool = false, recordedAt: String,
                via: String, stixID: String? = nil) {
        self.id = id; self.observable = observable; self.organizationID = organizationID; self.userID = userID
        self.indicatorID = indicatorID; self.kind = kind; self.count = count; self.firstSeen = firstSeen
        self.lastSeen = lastSeen; self.named = named; self.recordedAt = recordedAt; self.via = via; self.stixID = stixID
    }
}

/// A value put on review by false-positive reports.
public struct SightingReview: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case review, cleared }
    public var observable: String
    public var state: State
    /// How many organisations had reported it a false positive when it was put on review.
    public var organizations: Int
    public var placedAt: String
    public var clearedAt: String?
    /// The user id of the analyst who cleared it.
    public var clearedBy: String?

    public init(observable: String, state: State = .review, organizations: Int, placedAt: String,
                clearedAt: String? = nil, clearedBy: String? = nil) {
        self.observable = observable; self.state = state; self.organizations = organizations
        self.placedAt = placedAt; self.clearedAt = clearedAt; self.clearedBy = clearedBy
    }
}

/// Sighting reports and false-positive reviews.
///
/// ```swift
/// try await store.recordSightings([record], audit: AuditEvent(action: .sighting, …))
/// let rows = try await store.sightings(indicatorID: "indicator--…", observables: ["ipv4-addr:198.51.100.7"])
/// ```
public protocol SightingStore: Sendable {
    // MARK: Sightings
    /// Stores one report's rows with its audit entry, in one transaction, durably.
    func recordSightings(_ records: [SightingRecord], audit: AuditEvent) async throws
    /// Every row about the indicator `indicatorID` (nil: any) or one of `observables`, oldest first
    /// (then by report id and observable).
    /// Callers decide who may see what (only through the policy engine).
    func sightings(indicatorID: String?, observables: [String]) async throws -> [SightingRecord]
    /// Every row one organisation reported, oldest first: its values with first and last seen
    /// (for lead-time metrics).
    func sightings(organizationID: String) async throws -> [SightingRecord]

    /// Up to `limit` submissions that carried any of `observables` (members' originals and the
    /// hub's corroborated indicators), newest first: where a value reported by value is looked for.
    func submissionsCarrying(_ observables: [String], limit: Int) async throws -> [String]

    // MARK: Review
    /// Puts a value on review (again, when it was cleared), with its audit entry in one transaction;
    /// false when it already is on review (nothing written).
    func placeOnReview(_ review: SightingReview, audit: AuditEvent) async throws -> Bool
    /// The reviews of these values (on review or cleared), by value.
    func reviews(of observables: [String]) async throws -> [String: SightingReview]
    /// Every review, oldest first; only those on review unless `includingCleared`.
    func reviews(includingCleared: Bool) async throws -> [SightingReview]
    /// Clears a value on review, with its audit entry in one transaction; false when it was not on review.
    func clearReview(_ observable: String, at: String, by userID: String?, audit: AuditEvent) async throws -> Bool
}
