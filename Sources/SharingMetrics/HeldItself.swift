// SharingMetrics "held it itself": the moments an organisation showed it had a value on its own —
// its first submission of it, and its sighting reports of kind "seen" (a member that saw the value
// on its own network held it itself). Lead time measures from the hub's first delivery to the earliest of these.
import Foundation
import STIX
import Storage

/// One moment an organisation showed it held an observable itself.
public struct OwnHolding: Sendable, Equatable, Hashable {
    public var organizationID: String
    /// An observable key like `domain-name:c2.example`.
    public var observable: String
    public var heldAt: Date
    /// The feed it was submitted to (nil for a sighting).
    public var feedID: String?
    /// How it showed: `submitted`, `sighted`, ….
    public var how: String

    public init(organizationID: String, observable: String, heldAt: Date, feedID: String?, how: String) {
        self.organizationID = organizationID; self.observable = observable; self.heldAt = heldAt
        self.feedID = feedID; self.how = how
    }
}

/// A source of `OwnHolding`s. A sightings store plugs in as `SharingMetrics(…, heldItself: [submitted, sightings])`.
///
/// ```swift
/// struct SightingHoldings: OwnHoldingSource {
///     func ownHoldings(organizationID: String?) async throws -> [OwnHolding] { … how: "sighted" … }
/// }
/// ```
public protocol OwnHoldingSource: Sendable {
    /// Every holding, of one organisation when `organizationID` is given.
    func ownHoldings(organizationID: String?) async throws -> [OwnHolding]
}

/// Holdings from submissions: each organisation's first report of each observable.
public struct SubmittedHoldings: OwnHoldingSource {
    let store: any HubStore

    public init(store: any HubStore) { self.store = store }

    public func ownHoldings(organizationID: String?) async throws -> [OwnHolding] {
        try await store.observableHoldings(organizationID: organizationID).compactMap { holding in
            guard let at = MetricsTime.date(holding.heldAt) else { return nil }
            return OwnHolding(organizationID: holding.organizationID, observable: holding.observable, heldAt: at,
                              feedID: holding.feedID, how: "submitted")
        }
    }
}

/// Holdings from sighting reports: each "seen" report, at its first-seen time (else when it was recorded).
public struct SightedHoldings: OwnHoldingSource {
    let store: any HubStore

    public init(store: any HubStore) { self.store = store }

    public func ownHoldings(organizationID: String?) async throws -> [OwnHolding] {
        var organizations: [String]
        if let organizationID { organizations = [organizationID] } else { organizations = try await store.organizations().map(\.id) }
        var holdings: [OwnHolding] = []
        for organization in organizations {
            for record in try await store.sightings(organizationID: organization) where record.kind == .seen {
                guard let at = MetricsTime.date(record.firstSeen ?? record.recordedAt) else { continue }
                holdings.append(OwnHolding(organizationID: record.organizationID, observable: record.observable,
                                           heldAt: at, feedID: nil, how: "sighted"))
            }
        }
        return holdings
    }
}

/// Timestamps as the hub stores them (STIX timestamp text) and as filters take them.
public enum MetricsTime {
    /// A stored timestamp (`2026-12-07T10:44:10.123Z`, any fraction) as a date.
    public static func date(_ text: String) -> Date? {
        if let stamp = STIXTimestamp(text) { return Date(timeIntervalSince1970: Double(stamp.microsecondsSinceEpoch) / 1_000_000) }
        if let date = fractional.withLock({ $0.date(from: text) }) { return date }
        return whole.withLock { $0.date(from: text) }
    }

    /// A filter bound: `2026-12-07` (the start of that day, UTC) or a full RFC 3339 timestamp.
    public static func bound(_ text: String) -> Date? {
        if text.count == 10, let day = day.withLock({ $0.date(from: text) }) { return day }
        return date(text)
    }

    /// The UTC day of a date, `2026-12-07`.
    public static func dayText(_ date: Date) -> String { day.withLock { $0.string(from: date) } }

    /// RFC 3339 with milliseconds, UTC.
    public static func text(_ date: Date) -> String { fractional.withLock { $0.string(from: date) } }

    static let fractional = LockedFormatter({
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter
    }())
    static let whole = LockedFormatter(ISO8601DateFormatter())
    static let day = LockedFormatter({
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withFullDate]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }())
}

/// A formatter used under a lock (ISO8601DateFormatter is not Sendable).
final class LockedFormatter: @unchecked Sendable {
    private let formatter: ISO8601DateFormatter
    private let lock = NSLock()
    init(_ formatter: ISO8601DateFormatter) { self.formatter = formatter }
    func withLock<T>(_ body: (ISO8601DateFormatter) -> T) -> T {
        lock.lock(); defer { lock.unlock() }
        return body(formatter)
    }
}
