// Alerts — AlertDispatch: the server's alert service. The object log is the outbox: every way content
// becomes readable (arrivals, consent releases, corroboration, campaign releases) appends versions,
// and appends commit in position order on both back ends. The dispatch reads what was appended after
// its cursor through each subscriber's own reader (so only what that user may read is considered),
// records one delivery per subscription, object version and channel and the new cursor in one
// transaction (a crash before it redoes the scan; keys make the redo a no-op), then sends what is due:
// each alert's content is read again through the recipient's reader at send time (a subscriber who
// lost access gets nothing: the delivery is `withheld`), and a sent alert is recorded as a read in
// the delivery ledger. Failures are retried with exponential back-off and become dead letters.
import Accounts
import Crypto
import Foundation
import Logging
import ServiceLifecycle
import SharingPolicy
import STIX
import Storage

/// Carries a built alert to its recipient (the network in the server, a recorder in tests).
public protocol AlertCourier: Sendable {
    func deliver(_ content: AlertContent, channel: AlertChannel, subscription: AlertSubscription,
                 recipient: User) async throws
    /// Releases connections (called once the dispatch stops).
    func close() async
}

extension AlertCourier {
    public func close() async {}
}

/// E-mail through the operator's relay, webhooks signed over HTTP.
public struct NetworkCourier: AlertCourier {
    let mail: MailRelay?
    let webhooks: WebhookPoster

    public init(mail: MailRelay?, webhooks: WebhookPoster) { self.mail = mail; self.webhooks = webhooks }

    public func deliver(_ content: AlertContent, channel: AlertChannel, subscription: AlertSubscription,
                        recipient: User) async throws {
        switch channel {
        case .email:
            guard let mail else { throw MailRelayError("no SMTP relay is configured (alerts.json \"smtp\")") }
            try await mail.send(OutgoingMail(to: recipient.email, subject: content.subject, text: content.text,
                                             messageID: "\(content.id)@kakehashi"))
        case .webhook:
            guard let url = subscription.webhookURL, let secret = subscription.webhookSecret else {
                throw WebhookError("the subscription has no webhook")
            }
            try await webhooks.post(content.webhookBody, to: url, secret: secret, deliveryID: content.id)
        }
    }

    public func close() async { try? await webhooks.shutdown() }
}

/// The alert service of the server.
///
/// ```swift
/// let dispatch = AlertDispatch(store: store, policy: policy, ledger: ledger, settings: settings,
///                              courier: NetworkCourier(mail: settings.smtp.map(MailRelay.init), webhooks: poster))
/// // a Service of the application's ServiceGroup; or, in a test:
/// _ = try await dispatch.scan(); _ = try await dispatch.sendDue()
/// ```
public actor AlertDispatch: Service {
    let store: any HubStore
    let policy: PolicyEngine
    let ledger: DeliveryLedger?
    let settings: AlertSettings
    let courier: any AlertCourier
    let logger: Logger
    let clock: @Sendable () -> Int64
    /// How long a claimed delivery stays with this dispatcher before another may take it.
    let leaseMicroseconds: Int64 = 120_000_000

    public init(store: any HubStore, policy: PolicyEngine, ledger: DeliveryLedger?, settings: AlertSettings,
                courier: any AlertCourier, logger: Logger = Logger(label: "kakehashi.alerts"),
                clock: @escaping @Sendable () -> Int64 = { STIXTimestamp.now().microsecondsSinceEpoch }) {
        self.store = store; self.policy = policy; self.ledger = ledger; self.settings = settings
        self.courier = courier; self.logger = logger; self.clock = clock
    }

    /// Scans and sends every `pollSeconds` until graceful shutdown. A cycle in progress is cancelled
    /// by the shutdown: waiting on a store that no longer answers (closed, or its database gone) must
    /// not hold the server's shutdown forever (seen on PostgreSQL: the pool's lease waited for good).
    /// A send cut off before it was recorded goes again later, with the same delivery id.
    public func run() async throws {
        let pause = UInt64(settings.pollSeconds * 1_000_000_000)
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            try? await cancelWhenGracefulShutdown { await self.cycle() }
            try? await cancelWhenGracefulShutdown { try await Task.sleep(nanoseconds: pause) }
        }
        await courier.close()
    }

    /// One scan and one round of sending; failures are logged (never with a secret) and retried next cycle.
    public func cycle() async {
        do { _ = try await scan() } catch {
            logger.error("alert scan failed", metadata: ["error": "\(error)"])
        }
        do { _ = try await sendDue() } catch {
            logger.error("alert sending failed", metadata: ["error": "\(error)"])
        }
    }

    // MARK: - Scanning

    /// Considers what was appended since the cursor; returns how many deliveries were decided.
    public func scan() async throws -> Int {
        let positions = try await store.alertPositions()
        guard positions.head > positions.cursor else { return 0 }
        let subscriptions = try await store.alertSubscriptions(userID: nil)
        let feeds = try await store.feeds()
        let campaigns = try await publishedCampaigns(subscriptions)
        let now = clock()
        var decided: [AlertDelivery] = []
        for (userID, own) in Dictionary(grouping: subscriptions, by: \.userID) {
            guard let principal = try await principal(userID) else { continue }
            for feed in feeds {
                let relevant = own.filter { AlertMatching.covers($0, feed: feed) }
                guard !relevant.isEmpty,
                      let reader = try await policy.reader(for: principal, feed: feed, purpose: .alert, ledger: nil)
                else { continue }
                for object in try await appended(reader, feed: feed, positions: positions)
                where principal.user.role.isHubStaff || object.providerOrganizationID != principal.organization.id {
                    guard let item = AlertItem.read(object, feed: feed) else { continue }
                    for subscription in relevant {
                        guard try await matches(subscription, item: item, object: object, campaigns: campaigns) else { continue }
                        let cadence = AlertMatching.cadence(subscription, feed: feed)
                        for channel in subscription.channels {
                            decided.append(AlertDelivery(
                                subscriptionID: subscription.id, userID: userID, channel: channel, cadence: cadence,
                                feedID: feed.id, stixID: object.stixID, version: object.version,
                                nextAttemptMicroseconds: dueTime(cadence, after: now),
                                createdAt: STIXTimestamp.now().text))
                        }
                    }
                }
            }
        }
        return try await store.recordAlertDeliveries(decided, cursor: positions.head)
    }

    /// The indicator versions appended in (cursor, head] that `reader` may read.
    func appended(_ reader: FeedReader, feed: Feed, positions: AlertPositions) async throws -> [StoredObject] {
        var query = ObjectQuery(feedID: feed.id, afterPosition: positions.cursor, types: ["indicator"], versions: .every,
                                limit: 1000)
        var found: [StoredObject] = []
        while true {
            let page = try await reader.unrecordedPage(query)
            found += page.objects.filter { $0.position > positions.cursor && $0.position <= positions.head }
            guard page.more, let last = page.objects.last else { return found }
            query.afterPosition = last.position
            query.afterDateAdded = last.dateAddedMicroseconds
            query.listingStart = page.listingStart
        }
    }

    func matches(_ subscription: AlertSubscription, item: AlertItem, object: StoredObject,
                 campaigns: [String: CampaignRecord]) async throws -> Bool {
        if !subscription.watched.isEmpty, !AlertMatching.watches(subscription.watched, entries: item.values) { return false }
        if let campaign = subscription.campaign {
            guard let record = campaigns[campaign], record.publication?.submissionID == object.submissionID else { return false }
        }
        if let sector = subscription.sector {
            // An anonymised copy does not tell its provider, nor therefore its sector.
            if let releaseID = object.releaseID, try await store.release(id: releaseID)?.anonymized ?? true { return false }
            guard try await store.organization(id: object.providerOrganizationID)?.sector == sector else { return false }
        }
        return true
    }

    /// Released campaigns named by subscriptions, by the id or name the subscription gave.
    func publishedCampaigns(_ subscriptions: [AlertSubscription]) async throws -> [String: CampaignRecord] {
        let named = Set(subscriptions.compactMap(\.campaign))
        guard !named.isEmpty else { return [:] }
        var found: [String: CampaignRecord] = [:]
        for record in try await store.campaigns() where record.publication != nil {
            if named.contains(record.id) { found[record.id] = record }
            if let name = record.name, named.contains(name) { found[name] = record }
        }
        return found
    }

    /// When a delivery of `cadence` decided at `now` is due: at once, or at the next digest time.
    func dueTime(_ cadence: AlertCadence, after now: Int64) -> Int64 {
        guard cadence != .immediate else { return now }
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        let date = Date(timeIntervalSince1970: Double(now) / 1_000_000)
        var wanted = DateComponents(hour: settings.digestHourUTC, minute: 0, second: 0)
        if cadence == .weekly { wanted.weekday = 2 }   // Monday
        let next = calendar.nextDate(after: date, matching: wanted, matchingPolicy: .nextTime) ?? date.addingTimeInterval(86_400)
        return Int64(next.timeIntervalSince1970 * 1_000_000)
    }

    // MARK: - Sending

    /// Sends what is due; returns how many deliveries were sent.
    public func sendDue() async throws -> Int {
        let now = clock()
        let due = try await store.claimDueAlertDeliveries(nowMicroseconds: now, leaseMicroseconds: leaseMicroseconds,
                                                          limit: 1000)
        guard !due.isEmpty else { return 0 }
        let subscriptions = Dictionary(try await store.alertSubscriptions(userID: nil).map { ($0.id, $0) },
                                       uniquingKeysWith: { a, _ in a })
        struct GroupKey: Hashable { var subscription: String; var channel: AlertChannel; var digest: Bool }
        let groups = Dictionary(grouping: due) {
            GroupKey(subscription: $0.subscriptionID, channel: $0.channel, digest: $0.cadence != .immediate)
        }
        var sent = 0
        for key in groups.keys.sorted(by: { ($0.subscription, $0.channel.rawValue) < ($1.subscription, $1.channel.rawValue) }) {
            sent += try await send(groups[key]!, subscription: subscriptions[key.subscription], now: now)
        }
        return sent
    }

    /// Sends one alert carrying `deliveries` (one subscription, one channel), read as its recipient now.
    func send(_ deliveries: [AlertDelivery], subscription: AlertSubscription?, now: Int64) async throws -> Int {
        guard let subscription, let principal = try await principal(subscription.userID) else {
            try await store.updateAlertDeliveries(deliveries.map { withheld($0, "the subscription or its account is gone") })
            return 0
        }
        var readable: [(feed: Feed, object: StoredObject)] = []
        var seen: Set<String> = []
        for (feedID, ofFeed) in Dictionary(grouping: deliveries, by: \.feedID) {
            guard let feed = try await store.feed(id: feedID),
                  let reader = try await policy.reader(for: principal, feed: feed, purpose: .alert, ledger: nil) else { continue }
            let wanted = Set(ofFeed.map { "\($0.stixID)@\($0.version)" })
            let page = try await reader.unrecordedPage(ObjectQuery(feedID: feedID, ids: Array(Set(ofFeed.map(\.stixID))),
                                                                   versions: .every, limit: 1000))
            for object in page.objects {
                let key = "\(object.stixID)@\(object.version)"
                if wanted.contains(key), seen.insert(key).inserted { readable.append((feed, object)) }
            }
        }
        let sendable = deliveries.filter { seen.contains("\($0.stixID)@\($0.version)") }
        let lost = deliveries.filter { !seen.contains("\($0.stixID)@\($0.version)") }
        try await store.updateAlertDeliveries(lost.map { withheld($0, "the recipient may no longer read it") })
        guard !sendable.isEmpty else { return 0 }
        let items = readable.sorted { $0.object.position < $1.object.position }.compactMap { AlertItem.read($0.object, feed: $0.feed) }
        let content = AlertContent(id: Self.alertID(sendable), subscriptionID: subscription.id,
                                   cadence: sendable.contains { $0.cadence == .immediate } ? .immediate : sendable[0].cadence,
                                   items: items, generatedAt: STIXTimestamp.now().text)
        if sendable[0].channel == .email, settings.smtp == nil {
            // Not an attempt: the operator has not configured the relay yet; looked at again later.
            try await store.updateAlertDeliveries(sendable.map {
                var d = $0; d.lastError = "no SMTP relay is configured (alerts.json \"smtp\")"
                d.nextAttemptMicroseconds = now + 300_000_000; return d
            })
            return 0
        }
        do {
            try await courier.deliver(content, channel: sendable[0].channel, subscription: subscription,
                                      recipient: principal.user)
        } catch {
            try await store.updateAlertDeliveries(sendable.map { failed($0, error, now: now) })
            logger.warning("alert delivery failed", metadata: [
                "alert": "\(content.id)", "channel": "\(sendable[0].channel.rawValue)", "error": "\(error)"])
            return 0
        }
        let sentAt = STIXTimestamp.now().text
        try await store.updateAlertDeliveries(sendable.map { var d = $0; d.status = .sent; d.attempts += 1; d.sentAt = sentAt; return d })
        if let ledger {
            for (feedID, entries) in Dictionary(grouping: readable, by: { $0.feed.id }) {
                await ledger.recordRead(of: entries.map(\.object), by: principal,
                                        path: "alert/\(sendable[0].channel.rawValue)", subject: feedID)
            }
        }
        return sendable.count
    }

    func withheld(_ delivery: AlertDelivery, _ reason: String) -> AlertDelivery {
        var d = delivery
        d.status = .withheld; d.lastError = reason
        return d
    }

    func failed(_ delivery: AlertDelivery, _ error: any Error, now: Int64) -> AlertDelivery {
        var d = delivery
        d.attempts += 1
        d.lastError = String(String(describing: error).prefix(300))
        if d.attempts >= settings.maxAttempts {
            d.status = .dead
        } else {
            d.nextAttemptMicroseconds = now + Int64(settings.retryDelaySeconds(afterAttempts: d.attempts) * 1_000_000)
        }
        return d
    }

    /// The principal of an enabled user of an enabled organisation, or nil.
    func principal(_ userID: String) async throws -> Principal? {
        guard let user = try await store.user(id: userID), user.disabledAt == nil,
              let organization = try await store.organization(id: user.organizationID), organization.disabledAt == nil
        else { return nil }
        return Principal(user: user, organization: organization)
    }

    /// The same deliveries make the same alert id (a resend after a crash carries the id of the first try).
    static func alertID(_ deliveries: [AlertDelivery]) -> String {
        let digest = SHA256.hash(data: Array(deliveries.map(\.id).sorted().joined(separator: ",").utf8))
        return "alert--" + digest.prefix(16).map { String(format: "%02x", $0) }.joined()
    }
}
