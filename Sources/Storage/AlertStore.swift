// Storage alerts: members' alert subscriptions, the deliveries the alert dispatch decided (one row per
// subscription, object version and channel, keyed so that a second decision is a no-op), the cursor
// over the object log up to which arrivals have been considered, and the claiming of due deliveries
// by one dispatcher at a time. What an alert says is read through the policy engine at send time;
// the store keeps only ids.
import Foundation

/// How often a subscription's alerts go out: at once (urgent feeds), or gathered into a digest.
public enum AlertCadence: String, Sendable, Codable, CaseIterable {
    case immediate, daily, weekly
}

/// How an alert reaches its recipient.
public enum AlertChannel: String, Sendable, Codable, CaseIterable {
    /// To the subscriber's account e-mail address, through the operator's SMTP relay.
    case email
    /// A signed POST to the subscription's webhook URL.
    case webhook
}

/// Where a delivery stands.
public enum AlertDeliveryStatus: String, Sendable, Codable, CaseIterable {
    /// Waiting for its time (a digest, or a retry after a failure).
    case pending
    case sent
    /// Failed as many times as allowed; kept for the administrator, who may retry it.
    case dead
    /// Not sent because the recipient may no longer read it (or the subscription or account is gone).
    case withheld
}

/// One user's standing request to be told of new indicators.
public struct AlertSubscription: Sendable, Equatable, Codable {
    public var id: String
    public var userID: String
    public var organizationID: String
    /// One feed, or nil for every feed the user may read (filtered by `minimumSeverity`).
    public var feedID: String?
    /// The least severe feed severity alerted (`urgent`, `normal`, `info`, …, as `Feed.severity` names them).
    public var minimumSeverity: String
    /// A campaign id or name: only what its release published.
    public var campaign: String?
    /// Only indicators whose provider is of this sector.
    public var sector: String?
    /// Normalised values watched ("my domains"): only indicators carrying one of them (or a sub-domain).
    public var watched: [String]
    /// Send e-mail to the user's account address.
    public var email: Bool
    public var webhookURL: String?
    /// The HMAC-SHA256 key of the webhook's signature (shown to the user once, at creation).
    public var webhookSecret: String?
    /// `daily` or `weekly`: the digest of what non-urgent feeds bring.
    public var digest: AlertCadence
    public var createdAt: String

    public init(id: String = "alert-subscription--" + UUID().uuidString.lowercased(), userID: String, organizationID: String,
                feedID: String? = nil, minimumSeverity: String = "normal", campaign: String? = nil, sector: String? = nil,
                watched: [String] = [], email: Bool = true, webhookURL: String? = nil, webhookSecret: String? = nil,
                digest: AlertCadence = .daily, createdAt: String) {
        self.id = id; self.userID = userID; self.organizationID = organizationID; self.feedID = feedID
        self.minimumSeverity = minimumSeverity; self.campaign = campaign; self.sector = sector; self.watched = watched
        self.email = email; self.webhookURL = webhookURL; self.webhookSecret = webhookSecret; self.digest = digest
        self.createdAt = createdAt
    }

    /// The channels this subscription is delivered through.
    public var channels: [AlertChannel] {
        (email ? [.email] : []) + (webhookURL != nil ? [.webhook] : [])
    }
}

/// One object version to be told to one subscription through one channel.
public struct AlertDelivery: Sendable, Equatable, Codable {
    public var id: String
    /// `subscription|stix id@version|channel`: a decision taken twice (a restart, two instances)
    /// stores one delivery.
    public var key: String
    public var subscriptionID: String
    public var userID: String
    public var channel: AlertChannel
    public var cadence: AlertCadence
    public var feedID: String
    public var stixID: String
    public var version: String
    public var status: AlertDeliveryStatus
    public var attempts: Int
    /// When it is next due (microseconds since the epoch): its digest's time, a retry's, or a claim's end.
    public var nextAttemptMicroseconds: Int64
    /// Why the last attempt failed (never a secret: no URL query, no password).
    public var lastError: String?
    public var createdAt: String
    public var sentAt: String?

    public init(id: String = "alert-delivery--" + UUID().uuidString.lowercased(), subscriptionID: String, userID: String,
                channel: AlertChannel, cadence: AlertCadence, feedID: String, stixID: String, version: String,
                status: AlertDeliveryStatus = .pending, attempts: Int = 0, nextAttemptMicroseconds: Int64,
                lastError: String? = nil, createdAt: String, sentAt: String? = nil) {
        self.id = id; self.key = "\(subscriptionID)|\(stixID)@\(version)|\(channel.rawValue)"
        self.subscriptionID = subscriptionID; self.userID = userID; self.channel = channel; self.cadence = cadence
        self.feedID = feedID; self.stixID = stixID; self.version = version; self.status = status
        self.attempts = attempts; self.nextAttemptMicroseconds = nextAttemptMicroseconds; self.lastError = lastError
        self.createdAt = createdAt; self.sentAt = sentAt
    }
}

/// Where the alert dispatch stands in the object log.
public struct AlertPositions: Sendable, Equatable {
    public var cursor: Int64
    public var head: Int64
    public init(cursor: Int64, head: Int64) { self.cursor = cursor; self.head = head }
}

/// Alert subscriptions and deliveries, on every back end.
///
/// ```swift
/// try await store.addAlertSubscription(subscription, audit: event)
/// let positions = try await store.alertPositions()
/// // … read what arrived in (positions.cursor, positions.head] through each subscriber's reader …
/// try await store.recordAlertDeliveries(decided, cursor: positions.head)          // one transaction
/// let due = try await store.claimDueAlertDeliveries(nowMicroseconds: now, leaseMicroseconds: 60_000_000, limit: 500)
/// ```
public protocol AlertStore: Sendable {
    /// Stores a new subscription and its audit entry in one transaction (the first also starts the cursor).
    func addAlertSubscription(_ subscription: AlertSubscription, audit: AuditEvent) async throws
    /// One user's subscriptions (nil: everyone's), oldest first.
    func alertSubscriptions(userID: String?) async throws -> [AlertSubscription]
    /// Removes a subscription (its pending deliveries become `withheld`) with its audit entry; false
    /// when there was none (and nothing is written).
    func removeAlertSubscription(id: String, audit: AuditEvent) async throws -> Bool
    /// The object log position up to which arrivals have been considered (set by the first
    /// subscription to the head then, so a hub's existing content raises no alerts; the head while
    /// there is none), and the highest position committed
    /// now (not a sequence value an append in flight may hold: appends commit in position order, so
    /// every version up to it is there to read).
    func alertPositions() async throws -> AlertPositions
    /// Stores the deliveries whose key is new and raises the cursor to `cursor` (never lowers it), in
    /// one transaction; returns how many deliveries were new.
    func recordAlertDeliveries(_ deliveries: [AlertDelivery], cursor: Int64) async throws -> Int
    /// The pending deliveries due at `nowMicroseconds` (first `limit`, oldest first), each claimed
    /// until now + lease in the same transaction: another dispatcher does not take them meanwhile, and
    /// a dispatcher that dies leaves them due again when the lease ends.
    func claimDueAlertDeliveries(nowMicroseconds: Int64, leaseMicroseconds: Int64, limit: Int) async throws -> [AlertDelivery]
    /// Writes the status, attempts, next attempt, last error and sent time of each delivery.
    func updateAlertDeliveries(_ deliveries: [AlertDelivery]) async throws
    /// Deliveries, newest first: one user's (nil: everyone's), of one status (nil: any), the first `limit`.
    func alertDeliveries(userID: String?, status: AlertDeliveryStatus?, limit: Int) async throws -> [AlertDelivery]
    /// One delivery by id.
    func alertDelivery(id: String) async throws -> AlertDelivery?
}
