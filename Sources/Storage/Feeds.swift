// Feeds: the hub's purpose-specific collections (TAXII collections) and the rights to them.
import Foundation

/// How urgent a feed's content is (seed 001: 緊急 / 重要 / 通常 / 参考), most urgent first. It decides
/// the order of exports (and so what a size cap keeps), whether a small member's reduced feed
/// carries the feed (urgent and important only), and which alerts a subscription raises.
public enum FeedSeverity: String, Sendable, Codable, CaseIterable, Comparable {
    case urgent, important, normal, info

    /// 0 for urgent … 3 for info: lower ranks first.
    public var rank: Int { Self.allCases.firstIndex(of: self)! }

    /// More urgent is smaller: `severities.sorted()` puts urgent first.
    public static func < (a: FeedSeverity, b: FeedSeverity) -> Bool { a.rank < b.rank }
}

/// A purpose-specific stream of STIX content; served as one TAXII 2.1 collection.
public struct Feed: Sendable, Equatable, Codable {
    /// The TAXII collection id (a UUID).
    public var id: String
    /// Short operator-facing name, unique (e.g. `C2`, `BKMW_CONFIG`).
    public var name: String
    public var title: String
    public var description: String?
    public var severity: FeedSeverity
    public var createdAt: Date
    /// The feed's own freshness settings (nil: the hub's defaults per value class).
    public var decay: FeedDecay?

    public init(id: String = UUID().uuidString.lowercased(), name: String, title: String,
                description: String? = nil, severity: FeedSeverity = .normal, createdAt: Date = Date(),
                decay: FeedDecay? = nil) {
        self.id = id; self.name = name; self.title = title; self.description = description
        self.severity = severity; self.createdAt = createdAt.wholeMilliseconds; self.decay = decay
    }
}

/// Read/write rights of one organisation on one feed.
public struct FeedGrant: Sendable, Equatable, Codable {
    public var feedID: String
    public var organizationID: String
    public var canRead: Bool
    public var canWrite: Bool

    public init(feedID: String, organizationID: String, canRead: Bool, canWrite: Bool) {
        self.feedID = feedID; self.organizationID = organizationID
        self.canRead = canRead; self.canWrite = canWrite
    }
}
