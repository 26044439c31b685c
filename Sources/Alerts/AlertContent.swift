// Alerts — AlertContent: which new indicators a subscription asks for (feed and its severity,
// campaign, provider sector, watched values compared in Correlation's normal forms), and what an
// alert says about them: the e-mail (subject and text in English and Japanese) and the webhook's
// JSON body. Built only from objects the recipient's reader returned at send time.
import Campaigns
import Correlation
import Foundation
import STIX
import Storage

/// Subscription filters, as pure functions of a subscription, a feed and an object.
///
/// ```swift
/// AlertMatching.normalisedWatch("Login.EXAMPLE[.]jp")           // "login.example.jp"
/// AlertMatching.covers(subscription, feed: c2)                  // feed and severity
/// AlertMatching.watches(["example.jp"], entries: item.values)    // c2.example.jp matches
/// ```
public enum AlertMatching {
    /// How severe a feed severity is: higher is more severe (FeedSeverity ranks urgent first);
    /// names the hub does not know rank as `normal`.
    public static func rank(_ severity: String) -> Int {
        let known = FeedSeverity(rawValue: severity) ?? .normal
        return FeedSeverity.allCases.count - 1 - known.rank
    }

    /// The least severe of the hub's feed severities (the default for a subscription to one feed).
    public static var leastSevere: String {
        FeedSeverity.allCases.map(\.rawValue).min { rank($0) < rank($1) } ?? "normal"
    }

    /// Whether `severity` names one of the hub's feed severities.
    public static func isSeverity(_ severity: String) -> Bool { FeedSeverity(rawValue: severity) != nil }

    /// Whether alerts of `feed` reach `subscription` (its feed, or any at its minimum severity).
    public static func covers(_ subscription: AlertSubscription, feed: Feed) -> Bool {
        (subscription.feedID == nil || subscription.feedID == feed.id)
            && rank(feed.severity.rawValue) >= rank(subscription.minimumSeverity)
    }

    /// The cadence of `feed`'s alerts for `subscription`: urgent feeds at once, others in its digest.
    public static func cadence(_ subscription: AlertSubscription, feed: Feed) -> AlertCadence {
        feed.severity.rawValue == "urgent" ? .immediate : subscription.digest
    }

    /// A watched value in the observable index's normal form (URL, e-mail address, IP or host), or nil.
    public static func normalisedWatch(_ raw: String) -> String? {
        let text = raw.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !text.isEmpty, text.count <= 2048 else { return nil }
        if text.contains("://") { return CorrelationNormalization.url(text) }
        if text.contains("@") { return ObservableNormalization.address(text) }
        if let ip = ObservableNormalization.ip(text) { return ip }
        guard let host = ObservableNormalization.host(text), host.contains(".") else { return nil }
        return host
    }

    /// Kinds whose value is a host name: a watched domain matches them and their sub-domains.
    static let hostKinds: Set<String> = ["domain-name", "url:host", "email-addr:domain", "email-message:message-id-domain"]

    /// Whether any of `entries` is one of `watched` (or a sub-domain of a watched domain).
    public static func watches(_ watched: [String], entries: [IndexedObservable]) -> Bool {
        for entry in entries {
            for value in watched {
                if entry.value == value { return true }
                if hostKinds.contains(entry.kind), entry.value.hasSuffix("." + value) { return true }
            }
        }
        return false
    }
}

/// One indicator as an alert shows it.
public struct AlertItem: Sendable {
    public var stixID: String
    public var version: String
    public var feedName: String
    public var severity: String
    public var name: String?
    public var pattern: String?
    public var validFrom: String?
    /// Its observables in Correlation's normal form.
    public var values: [IndexedObservable]
    /// The object as the recipient may read it.
    public var bytes: [UInt8]

    /// The item of a stored indicator version, or nil when it is not a valid STIX object.
    public static func read(_ object: StoredObject, feed: Feed) -> AlertItem? {
        let bytes = Array(object.bytes)
        guard let value = try? JSONParser.parse(bytes), case .success(let facts) = STIXValidator.validate(value),
              let properties = value.objectValue else { return nil }
        return AlertItem(stixID: object.stixID, version: object.version, feedName: feed.name,
                         severity: feed.severity.rawValue, name: properties["name"]?.stringValue,
                         pattern: properties["pattern"]?.stringValue, validFrom: properties["valid_from"]?.stringValue,
                         values: ObservableEntries.of(value, facts: facts), bytes: bytes)
    }
}

/// What one alert says: for one subscription, through one channel, one or more indicators.
public struct AlertContent: Sendable {
    /// Stable for the deliveries it carries (webhook `X-Kakehashi-Delivery`, e-mail `Message-ID`).
    public var id: String
    public var subscriptionID: String
    public var cadence: AlertCadence
    public var items: [AlertItem]
    public var generatedAt: String

    public init(id: String, subscriptionID: String, cadence: AlertCadence, items: [AlertItem], generatedAt: String) {
        self.id = id; self.subscriptionID = subscriptionID; self.cadence = cadence; self.items = items
        self.generatedAt = generatedAt
    }

    static let japaneseSeverity = ["urgent": "緊急", "important": "重要", "normal": "通常", "info": "情報"]

    /// `[Kakehashi] urgent C2: 2 new indicators / 緊急 C2: 新しい指標 2 件`
    public var subject: String {
        let count = items.count
        let plural = count == 1 ? "indicator" : "indicators"
        switch cadence {
        case .immediate:
            let feeds = Set(items.map(\.feedName)).sorted().joined(separator: ", ")
            let severity = items.first?.severity ?? "urgent"
            return "[Kakehashi] \(severity) \(feeds): \(count) new \(plural) / \(Self.japaneseSeverity[severity] ?? severity) \(feeds): 新しい指標 \(count) 件"
        case .daily:
            return "[Kakehashi] daily digest: \(count) new \(plural) / 日次ダイジェスト: 新しい指標 \(count) 件"
        case .weekly:
            return "[Kakehashi] weekly digest: \(count) new \(plural) / 週次ダイジェスト: 新しい指標 \(count) 件"
        }
    }

    /// The e-mail text: a line in English and in Japanese, then one block per indicator.
    public var text: String {
        var lines: [String] = []
        switch cadence {
        case .immediate:
            lines.append("New indicators in an urgent feed you subscribed to.")
            lines.append("購読している緊急フィードに新しい指標が届きました。")
        case .daily, .weekly:
            lines.append("New indicators since the last \(cadence == .daily ? "daily" : "weekly") digest.")
            lines.append("前回の\(cadence == .daily ? "日次" : "週次")ダイジェスト以降の新しい指標です。")
        }
        lines.append("")
        for item in items {
            lines.append("* \(item.name ?? item.stixID)")
            lines.append("  id: \(item.stixID) (version \(item.version))")
            lines.append("  feed / フィード: \(item.feedName) (\(item.severity))")
            for value in item.values { lines.append("  \(value.kind): \(value.value)") }
            if let pattern = item.pattern { lines.append("  pattern: \(pattern)") }
            if let validFrom = item.validFrom { lines.append("  valid from / 有効開始: \(validFrom)") }
            lines.append("")
        }
        lines.append("Subscription / 購読: \(subscriptionID)")
        lines.append("Unsubscribe / 購読解除: kakehashi alerts unsubscribe \(subscriptionID)  or  DELETE /api/v1/alerts/subscriptions/\(subscriptionID)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// The webhook body: `{"id", "type": "kakehashi-alert", "cadence", "subscription", "generated_at",
    /// "indicators": [{"id", "version", "feed", "severity", "name", "values": [{"kind", "value"}]}],
    /// "objects": [the STIX objects]}`.
    public var webhookBody: [UInt8] {
        let indicators: [[String: Any]] = items.map { item in
            var entry: [String: Any] = ["id": item.stixID, "version": item.version, "feed": item.feedName,
                                        "severity": item.severity,
                                        "values": item.values.map { ["kind": $0.kind, "value": $0.value] }]
            if let name = item.name { entry["name"] = name }
            if let pattern = item.pattern { entry["pattern"] = pattern }
            if let validFrom = item.validFrom { entry["valid_from"] = validFrom }
            return entry
        }
        let objects = items.compactMap { try? JSONSerialization.jsonObject(with: Data($0.bytes)) }
        let body: [String: Any] = ["id": id, "type": "kakehashi-alert", "cadence": cadence.rawValue,
                                   "subscription": subscriptionID, "generated_at": generatedAt,
                                   "indicators": indicators, "objects": objects]
        return Array((try? JSONSerialization.data(withJSONObject: body, options: [.sortedKeys, .withoutEscapingSlashes])) ?? Data())
    }
}
