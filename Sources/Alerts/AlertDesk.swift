// Alerts — AlertDesk: what members and the administrator do with alerts, whichever way they come
// (JSON API, CLI): subscribe (the webhook secret shown once), list and remove their own
// subscriptions, see their own deliveries; the hub administrator alone sees the dead letters and
// retries them. A feed the member may not read is answered as one that does not exist.
import Accounts
import Foundation
import SharingPolicy
import STIX
import Storage

/// What a member asks for when subscribing.
public struct AlertSubscriptionRequest: Sendable, Equatable, Decodable {
    /// A feed name; nil for every feed the member may read at `minimumSeverity` or above.
    public var feed: String?
    public var minimumSeverity: String?
    public var campaign: String?
    public var sector: String?
    public var watch: [String]?
    /// E-mail to the account's address (default true).
    public var email: Bool?
    public var webhookURL: String?
    /// `daily` (default) or `weekly`.
    public var digest: String?

    enum CodingKeys: String, CodingKey {
        case feed, campaign, sector, watch, email, digest
        case minimumSeverity = "minimum_severity", webhookURL = "webhook_url"
    }

    public init(feed: String? = nil, minimumSeverity: String? = nil, campaign: String? = nil, sector: String? = nil,
                watch: [String]? = nil, email: Bool? = nil, webhookURL: String? = nil, digest: String? = nil) {
        self.feed = feed; self.minimumSeverity = minimumSeverity; self.campaign = campaign; self.sector = sector
        self.watch = watch; self.email = email; self.webhookURL = webhookURL; self.digest = digest
    }

    public static let shape = #"{"feed": NAME, "minimum_severity": "urgent|important|normal|…", "campaign": ID, "sector": S, "watch": [VALUES], "email": true, "webhook_url": "https://…", "digest": "daily|weekly"}"#
}

/// A subscription as its owner sees it: the webhook secret only in the answer that created it.
public struct AlertSubscriptionView: Sendable, Encodable, Equatable {
    public var id: String
    public var feed: String?
    public var minimumSeverity: String
    public var campaign: String?
    public var sector: String?
    public var watch: [String]
    public var email: Bool
    public var webhookURL: String?
    public var webhookSecret: String?
    public var digest: String
    public var createdAt: String

    enum CodingKeys: String, CodingKey {
        case id, feed, campaign, sector, watch, email, digest
        case minimumSeverity = "minimum_severity", webhookURL = "webhook_url", webhookSecret = "webhook_secret"
        case createdAt = "created_at"
    }

    public init(_ s: AlertSubscription, feedName: String?, showingSecret: Bool) {
        id = s.id; feed = feedName; minimumSeverity = s.minimumSeverity; campaign = s.campaign; sector = s.sector
        watch = s.watched; email = s.email; webhookURL = s.webhookURL
        webhookSecret = showingSecret ? s.webhookSecret : nil; digest = s.digest.rawValue; createdAt = s.createdAt
    }
}

/// A delivery as its recipient (or the administrator) sees it.
public struct AlertDeliveryView: Sendable, Encodable, Equatable {
    public var id: String
    public var subscription: String
    public var user: String
    public var channel: String
    public var cadence: String
    public var feed: String
    public var object: String
    public var status: String
    public var attempts: Int
    public var lastError: String?
    public var createdAt: String
    public var sentAt: String?

    enum CodingKeys: String, CodingKey {
        case id, subscription, user, channel, cadence, feed, object, status, attempts
        case lastError = "last_error", createdAt = "created_at", sentAt = "sent_at"
    }

    public init(_ d: AlertDelivery) {
        id = d.id; subscription = d.subscriptionID; user = d.userID; channel = d.channel.rawValue
        cadence = d.cadence.rawValue; feed = d.feedID; object = "\(d.stixID)@\(d.version)"; status = d.status.rawValue
        attempts = d.attempts; lastError = d.lastError; createdAt = d.createdAt; sentAt = d.sentAt
    }
}

/// Subscriptions, deliveries and dead letters for members and the administrator.
///
/// ```swift
/// let desk = AlertDesk(store: store, policy: policy)
/// let created = try await desk.subscribe(AlertSubscriptionRequest(feed: "C2", webhookURL: url), by: member)
/// created.webhookSecret   // shown now, never again
/// let dead = try await desk.deadLetters(by: admin)   // 403 for anyone but a hub administrator
/// ```
public struct AlertDesk: Sendable {
    let store: any HubStore
    let policy: PolicyEngine
    let allowPlainHTTPWebhooks: Bool
    let allowInternalWebhooks: Bool

    public init(store: any HubStore, policy: PolicyEngine, allowPlainHTTPWebhooks: Bool = false,
                allowInternalWebhooks: Bool = false) {
        self.store = store; self.policy = policy; self.allowPlainHTTPWebhooks = allowPlainHTTPWebhooks
        self.allowInternalWebhooks = allowInternalWebhooks
    }

    /// Stores a subscription of `principal`'s own; its view carries the webhook secret this once.
    public func subscribe(_ request: AlertSubscriptionRequest, by principal: Principal) async throws -> AlertSubscriptionView {
        var feed: Feed?
        if let name = request.feed {
            guard let found = try await store.feed(named: name), try await policy.access(of: principal, to: found).canRead else {
                throw HubError.notFound("There is no feed named \(name.prefix(64)) that you may read.")
            }
            feed = found
        }
        let severity = request.minimumSeverity ?? (feed == nil ? "urgent" : AlertMatching.leastSevere)
        guard AlertMatching.isSeverity(severity) else {
            throw HubError.invalid("minimum_severity must be one of \(FeedSeverity.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        let digest = request.digest ?? "daily"
        guard let cadence = AlertCadence(rawValue: digest), cadence != .immediate else {
            throw HubError.invalid("digest must be daily or weekly (urgent feeds are always alerted at once).")
        }
        var watched: [String] = []
        for raw in request.watch ?? [] {
            guard let value = AlertMatching.normalisedWatch(raw) else {
                throw HubError.invalid("\(raw.prefix(100)) is not a domain, IP address, URL or e-mail address to watch.")
            }
            watched.append(value)
        }
        guard watched.count <= 1000 else { throw HubError.invalid("At most 1000 watched values per subscription.") }
        if let url = request.webhookURL { try checkWebhookURL(url) }
        let email = request.email ?? true
        guard email || request.webhookURL != nil else {
            throw HubError.invalid("A subscription needs e-mail or a webhook_url to deliver to.")
        }
        if let campaign = request.campaign, try await publishedCampaign(campaign) == nil {
            throw HubError.notFound("There is no released campaign \(campaign.prefix(64)).")
        }
        if let sector = request.sector, sector.isEmpty || sector.count > 100 {
            throw HubError.invalid("sector must be a sector name.")
        }
        let subscription = AlertSubscription(
            userID: principal.user.id, organizationID: principal.organization.id, feedID: feed?.id,
            minimumSeverity: severity, campaign: request.campaign, sector: request.sector, watched: watched,
            email: email, webhookURL: request.webhookURL,
            webhookSecret: request.webhookURL == nil ? nil : WebhookSignature.newSecret(), digest: cadence,
            createdAt: STIXTimestamp.now().text)
        try await store.addAlertSubscription(subscription, audit: AuditEvent(
            action: .alert, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: subscription.id,
            details: ["change": "subscribe", "feed": feed?.name ?? "*", "minimum_severity": severity,
                      "channels": subscription.channels.map(\.rawValue).joined(separator: ","),
                      "watched": String(watched.count)]))
        return AlertSubscriptionView(subscription, feedName: feed?.name, showingSecret: true)
    }

    /// `principal`'s own subscriptions (never a secret).
    public func subscriptions(for principal: Principal) async throws -> [AlertSubscriptionView] {
        var views: [AlertSubscriptionView] = []
        for s in try await store.alertSubscriptions(userID: principal.user.id) {
            views.append(AlertSubscriptionView(s, feedName: try await feedName(s.feedID), showingSecret: false))
        }
        return views
    }

    /// Removes one of `principal`'s own subscriptions (a hub administrator may remove anyone's);
    /// anyone else's is answered as one that does not exist.
    public func unsubscribe(id: String, by principal: Principal) async throws {
        let own = try await store.alertSubscriptions(userID: principal.user.id).contains { $0.id == id }
        let mayRemoveAny = principal.user.role == .hubAdmin
        guard own || mayRemoveAny else { throw HubError.notFound("There is no alert subscription \(id.prefix(80)).") }
        let removed = try await store.removeAlertSubscription(id: id, audit: AuditEvent(
            action: .alert, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: id, details: ["change": "unsubscribe"]))
        guard removed else { throw HubError.notFound("There is no alert subscription \(id.prefix(80)).") }
    }

    /// `principal`'s own deliveries, newest first; with `everyone`, a hub administrator's view of all.
    public func deliveries(for principal: Principal, status: AlertDeliveryStatus? = nil, everyone: Bool = false,
                           limit: Int = 500) async throws -> [AlertDeliveryView] {
        if everyone { try requireAdministrator(principal) }
        return try await store.alertDeliveries(userID: everyone ? nil : principal.user.id, status: status,
                                               limit: min(max(limit, 1), 5000)).map(AlertDeliveryView.init)
    }

    /// Every delivery that failed as often as allowed: the hub administrator's alone.
    public func deadLetters(by principal: Principal, limit: Int = 500) async throws -> [AlertDeliveryView] {
        try requireAdministrator(principal)
        return try await store.alertDeliveries(userID: nil, status: .dead, limit: min(max(limit, 1), 5000))
            .map(AlertDeliveryView.init)
    }

    /// Puts a dead letter back to be sent at once (attempts counted afresh); the administrator's alone.
    public func retry(deliveryID: String, by principal: Principal, nowMicroseconds: Int64 = STIXTimestamp.now().microsecondsSinceEpoch)
        async throws -> AlertDeliveryView {
        try requireAdministrator(principal)
        guard var delivery = try await store.alertDelivery(id: deliveryID), delivery.status == .dead else {
            throw HubError.notFound("There is no dead letter \(deliveryID.prefix(80)).")
        }
        delivery.status = .pending; delivery.attempts = 0; delivery.nextAttemptMicroseconds = nowMicroseconds
        try await store.updateAlertDeliveries([delivery])
        try await store.appendAudit([AuditEvent(action: .alert, actorUserID: principal.user.id,
                                                actorOrganizationID: principal.organization.id, subject: deliveryID,
                                                details: ["change": "retry"])])
        return AlertDeliveryView(delivery)
    }

    /// Makes every pending digest of `cadence` due now (the administrator's, e.g. before a holiday).
    public func sendDigestsNow(_ cadence: AlertCadence, by principal: Principal,
                               nowMicroseconds: Int64 = STIXTimestamp.now().microsecondsSinceEpoch) async throws -> Int {
        try requireAdministrator(principal)
        var due: [AlertDelivery] = []
        for var d in try await store.alertDeliveries(userID: nil, status: .pending, limit: 100_000)
        where d.cadence == cadence && d.attempts == 0 && d.nextAttemptMicroseconds > nowMicroseconds {
            d.nextAttemptMicroseconds = nowMicroseconds
            due.append(d)
        }
        try await store.updateAlertDeliveries(due)
        return due.count
    }

    // MARK: - Checks

    func requireAdministrator(_ principal: Principal) throws {
        guard principal.user.role == .hubAdmin else {
            throw HubError.forbidden("Only a hub administrator sees every delivery and the dead letters.")
        }
    }

    func checkWebhookURL(_ url: String) throws {
        guard url.count <= 2048, let parts = URLComponents(string: url), let scheme = parts.scheme?.lowercased(),
              let host = parts.host, !host.isEmpty else {
            throw HubError.invalid("webhook_url must be an absolute http(s) URL.")
        }
        // A member's URL must not aim the hub at its own machine or network (SSRF), unless the
        // operator allows internal receivers; the poster checks the resolved addresses again.
        let pointsInside = WebhookDestination.namesInternal(host)
        guard !pointsInside || allowInternalWebhooks else {
            throw HubError.invalid("webhook_url points at an internal address (loopback, private or link-local), which this hub does not allow.")
        }
        guard scheme == "https" || (scheme == "http" && (pointsInside || allowPlainHTTPWebhooks)) else {
            throw HubError.invalid("webhook_url must be https://.")
        }
    }

    func feedName(_ feedID: String?) async throws -> String? {
        guard let feedID else { return nil }
        return try await store.feed(id: feedID)?.name
    }

    /// The released campaign named by id or name, or nil.
    func publishedCampaign(_ idOrName: String) async throws -> CampaignRecord? {
        try await store.campaigns().first { ($0.id == idOrName || $0.name == idOrName) && $0.publication != nil }
    }
}
