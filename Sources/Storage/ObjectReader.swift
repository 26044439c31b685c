// Storage object readers: the one way into stored objects. A read names who it is for (a reader's
// audience keys, with when each became the reader's) or which of the hub's own tasks it serves; only
// the policy engine (SharingPolicy) and the store itself may make one (`@_spi(ReadGate)`), so a read
// that forgets to filter cannot be written elsewhere. Tests/StorageTests/ReadGateTests checks that
// no other module imports the gate.

/// The hub's own reads, each named: never for a reader, never recorded as a delivery.
public enum HubReadPurpose: String, Sendable, Equatable {
    /// Anonymising or releasing a submission's originals (ConsentDesk).
    case anonymisation
    /// Counting reports of observables (k-corroboration).
    case corroboration
    /// Processing one submission inside the hub (previews, checks).
    case submissionProcessing = "submission-processing"
    /// The operator's export of a feed (`kakehashi export`): what hub staff read.
    case operatorExport = "operator-export"
    /// Classing new indicators for the sharing metrics' daily counts (SharingMetrics): counts only.
    case metrics
    /// The freshness sweep: finding the hub-created indicators that expired, to version them (`FreshnessSweep`).
    case freshnessSweep = "freshness-sweep"
}

/// Who one object read is for, as the store applies it.
///
/// A reader's scope lists its audience keys (see `Audience`) with the instant (microseconds since
/// the epoch) each became the reader's, and the instant read access to the feed did: a version that
/// was there before is dated, for this reader, when it became visible to it (its effective
/// date_added), so an incremental poll with `added_after` its last poll gets it.
///
/// ```swift
/// @_spi(ReadGate) import Storage
/// let scope = ReadScope(audiences: ["org:1": 0, "group:7": joinedAt], feedSince: 0)
/// let page = try await store.objects(ObjectQuery(feedID: feed.id), for: scope)
/// ```
public struct ReadScope: Sendable, Equatable {
    /// The reader's audience keys and when each became the reader's; nil for the hub's own reads.
    public let audienceSince: [String: Int64]?
    /// When read access to the feed became the reader's (0: from the start).
    public let feedSince: Int64
    /// The hub task a hub scope serves; nil for a reader.
    public let hubPurpose: HubReadPurpose?

    @_spi(ReadGate) public init(audiences: [String: Int64], feedSince: Int64 = 0) {
        self.audienceSince = audiences; self.feedSince = feedSince; self.hubPurpose = nil
    }

    /// One of the hub's own reads: every stored version, dated as stored.
    @_spi(ReadGate) public static func hub(_ purpose: HubReadPurpose) -> ReadScope {
        ReadScope(hubPurpose: purpose)
    }

    private init(hubPurpose: HubReadPurpose) {
        // The operator's export reads what hub staff read (originals, not each released copy again).
        audienceSince = hubPurpose == .operatorExport ? [Audience.hubStaff: 0] : nil
        feedSince = 0; self.hubPurpose = hubPurpose
    }

    /// The audience keys, sorted (nil for the hub's own reads).
    public var audiences: [String]? { audienceSince.map { $0.keys.sorted() } }

    /// The latest instant at which anything became visible to this reader: versions added after it
    /// are dated as stored.
    public var latestSince: Int64 {
        max(feedSince, audienceSince?.values.max() ?? 0)
    }
}
