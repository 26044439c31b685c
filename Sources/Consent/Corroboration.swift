// Consent by corroboration (seed 004, slide 29): a technical observable that k different organisations
// reported independently no longer points at one victim, so the hub may release that observable alone —
// never its context — to the members as TLP:GREEN in the corroborated feed, without individual consent.
import Accounts
import Foundation
import SharingPolicy
import STIX
import STIXPatterning
import Storage

/// The observables an object states: SCO values, file hashes, and `=` comparisons in STIX patterns.
public enum ObservableExtraction {
    static let valueTypes: Set<String> = ["ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr"]

    /// Keys like `domain-name:c2.example` or `file:hashes.SHA-256:<hex>`, normalised (lowercase hosts
    /// and hashes), for one valid STIX object.
    public static func keys(in object: JSONValue, facts: STIXObjectFacts) -> [String] {
        guard let properties = object.objectValue else { return [] }
        var keys: [String] = []
        if valueTypes.contains(facts.type), let value = properties["value"]?.stringValue {
            keys.append(key(type: facts.type, value: value))
        }
        if facts.type == "file", let hashes = properties["hashes"]?.objectValue {
            for name in hashes.keys {
                if let value = hashes[name]?.stringValue { keys.append("file:hashes.\(name.uppercased()):\(value.lowercased())") }
            }
        }
        if let pattern = facts.pattern {
            for comparison in pattern.comparisons where comparison.op == .equal && !comparison.negated {
                guard case .string(let value)? = comparison.value else { continue }
                let path = comparison.path
                if valueTypes.contains(path.objectType), path.propertyNames == ["value"] {
                    keys.append(key(type: path.objectType, value: value))
                } else if path.objectType == "file", path.propertyNames.count == 2, path.propertyNames[0] == "hashes" {
                    keys.append("file:hashes.\(path.propertyNames[1].uppercased()):\(value.lowercased())")
                }
            }
        }
        return keys
    }

    static func key(type: String, value: String) -> String {
        let normalised = type == "url" ? value : value.lowercased()
        return "\(type):\(normalised)"
    }
}

/// How many independent reports release an observable: `organizations` different organisations
/// (k) from at least `sectors` different sectors. Organisations without a sector add no sector.
///
/// ```swift
/// let rule = CorroborationRule(organizations: 3, sectors: 2)   // the default
/// ```
public struct CorroborationRule: Sendable, Equatable {
    public let organizations: Int
    public let sectors: Int
    /// How many organisations' false-positive sightings put a value on review and out of the
    /// corroborated feed (`SightingDesk`); k unless given.
    public let falsePositives: Int

    /// k at least 2, sectors at least 1 and at most k; false positives at least 1 (default k).
    public init(organizations: Int = 3, sectors: Int = 2, falsePositives: Int? = nil) {
        self.organizations = max(2, organizations)
        self.sectors = min(max(1, sectors), self.organizations)
        self.falsePositives = max(1, falsePositives ?? self.organizations)
    }

    public static let standard = CorroborationRule()
}

/// Records what each organisation reports and releases observables corroborated independently by
/// k organisations of enough sectors (`CorroborationRule`).
///
/// A report counts only when it is independent and its value is nobody's: values some reporter
/// marked TLP:RED or AMBER+STRICT, values matching an organisation's registered identifiers
/// (domains, address ranges, hosts, e-mail addresses, and its users' addresses and their domains)
/// or any submission's victim identifiers, and e-mail addresses and host names inside members'
/// domains never count; a report of a value the reporter had already received from the hub does not
/// count (`HubStore.observableReportCounts`). Reports of values other organisations hold are
/// recorded as probes for the operator (`HubStore.probeHits`, `kakehashi admin corroboration probes`).
///
/// ```swift
/// let corroboration = Corroboration(store: store, hubIdentityID: settings.hubIdentityID, rule: .standard)
/// try await corroboration.releaseCorroborated(counts: outcome.observableReportCounts,
///                                             submission: submission, provider: principal)
/// ```
public struct Corroboration: Sendable {
    public static let feedName = "CORROBORATED"
    public let store: any HubStore
    public let hubIdentityID: String
    public let rule: CorroborationRule
    /// k: how many organisations must report an observable independently.
    public var k: Int { rule.organizations }

    public init(store: any HubStore, hubIdentityID: String, rule: CorroborationRule = .standard) {
        self.store = store; self.hubIdentityID = hubIdentityID; self.rule = rule
    }

    /// Records the observables of a member's submission; releases those now corroborated.
    /// Returns the observable keys released by this call.
    @discardableResult
    public func record(keys: [String], submission: Submission, provider: Principal) async throws -> [String] {
        guard !provider.user.role.isHubStaff, !keys.isEmpty else { return [] }
        let counts = try await store.recordObservables(keys, organizationID: submission.organizationID,
                                                       submissionID: submission.id)
        return try await releaseCorroborated(counts: counts, submission: submission, provider: provider)
    }

    /// After a member's submission was stored with its reports counted (`HubStore.appendCountingReports`):
    /// records the reports that matched other organisations' held data as probes, and releases the
    /// observables now corroborated. Returns the keys released now.
    @discardableResult
    public func releaseCorroborated(counts: [String: Int], submission: Submission,
                                    provider: Principal) async throws -> [String] {
        guard !provider.user.role.isHubStaff, !counts.isEmpty else { return [] }
        let screen = try await HeldScreen.load(from: store, keys: Array(counts.keys))
        try await recordProbes(counts.keys.sorted(), screen: screen, submission: submission)
        return try await release(counts.filter { screen.holders(of: $0.key).isEmpty }, screen: screen)
    }

    /// Reports of values other organisations hold: a probe hit each, with one audit entry.
    func recordProbes(_ keys: [String], screen: HeldScreen, submission: Submission) async throws {
        let now = STIXTimestamp.now().text
        let hits = keys.compactMap { key -> ProbeHit? in
            let others = screen.holders(of: key).subtracting([submission.organizationID])
            guard !others.isEmpty else { return nil }
            return ProbeHit(organizationID: submission.organizationID, submissionID: submission.id, observable: key,
                            holders: others.count, recordedAt: now)
        }
        guard !hits.isEmpty else { return }
        try await store.recordProbes(hits, audit: AuditEvent(
            action: .corroborationProbe, actorUserID: submission.userID, actorOrganizationID: submission.organizationID,
            subject: submission.id,
            details: ["matches": String(hits.count), "observables": hits.map(\.observable).joined(separator: ",")]))
    }

    func release(_ counts: [String: Int], screen: HeldScreen) async throws -> [String] {
        // Most counts are below k: only the others are looked at (in a stable release order).
        var candidates = counts.filter { $0.value >= k }.keys.sorted()
        guard !candidates.isEmpty else { return [] }
        // A value members reported as a false positive stays out until an analyst clears it.
        let onReview = try await store.reviews(of: candidates).filter { $0.value.state == .review }
        candidates.removeAll { onReview[$0] != nil }
        guard !candidates.isEmpty else { return [] }
        let reporters = try await store.observableReporters(candidates)
        let sectors = Dictionary(try await store.organizations().map { ($0.id, $0.sector) }, uniquingKeysWith: { a, _ in a })
        var released: [String] = []
        for key in candidates {
            let organizations = reporters[key] ?? []
            let distinctSectors = Set(organizations.compactMap { sectors[$0] ?? nil }.filter { !$0.isEmpty })
            guard organizations.count >= k, distinctSectors.count >= rule.sectors else { continue }
            let now = STIXTimestamp.now().text
            guard try await store.markCorroborated(key, at: now) else { continue }
            try await releaseObservable(key, organizations: organizations.count, at: now)
            released.append(key)
        }
        return released
    }

    /// Re-checks every observable already released by corroboration against this rule and the held
    /// data, and withdraws those that no longer qualify: a hub upgraded from earlier rules (k = 2, no
    /// held values) may have released held values, values inside members' domains, or values fewer
    /// than k organisations from enough sectors reported; and k or the sectors may have been raised
    /// since. A withdrawn indicator vanishes from every later read, as a revoked release does (the
    /// audit of reads keeps who had it), except a last version with `valid_until` now that only
    /// the organisations which received it can read, so their TAXII clients and devices expire it, with a `revoke` audit entry naming the observable and why.
    /// `kakehashi serve` runs it at start, and `kakehashi init` when k or the sectors change.
    /// Returns the keys withdrawn.
    ///
    /// ```swift
    /// let withdrawn = try await Corroboration(store: store, hubIdentityID: id, rule: settings.corroboration)
    ///     .withdrawUnqualified()
    /// ```
    @discardableResult
    public func withdrawUnqualified() async throws -> [String] {
        let keys = try await store.corroboratedObservables()
        guard !keys.isEmpty else { return [] }
        let screen = try await HeldScreen.load(from: store, keys: keys)
        let reporters = try await store.observableReporters(keys)
        let organizations = try await store.organizations()
        let sectors = Dictionary(organizations.map { ($0.id, $0.sector) }, uniquingKeysWith: { a, _ in a })
        guard let hub = organizations.first(where: { $0.sector == "hub" }),
              let feed = try await store.feed(named: Self.feedName) else { return [] }
        let onReview = try await store.reviews(of: keys).filter { $0.value.state == .review }
        var withdrawn: [String] = []
        for key in keys {
            let reported = reporters[key] ?? []
            let distinctSectors = Set(reported.compactMap { sectors[$0] ?? nil }.filter { !$0.isEmpty })
            let reason: String
            if !screen.holders(of: key).isEmpty {
                reason = "held"
            } else if onReview[key] != nil {
                reason = "on review: reported a false positive"
            } else if reported.count < k || distinctSectors.count < rule.sectors {
                reason = "fewer than \(k) organisations from \(rule.sectors) sectors"
            } else {
                continue
            }
            let indicatorID = "indicator--" + Self.uuid(from: key)
            _ = try await store.withdrawCorroborated(
                key, indicatorID: indicatorID, feedID: feed.id, providerOrganizationID: hub.id,
                notice: WithdrawalNotices.expired(creator: hubIdentityID), audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: hub.id, subject: indicatorID,
                                  details: ["kind": ReleaseKind.corroboration.rawValue, "observable": key,
                                            "reason": reason, "rule": "k=\(k) sectors=\(rule.sectors)"]))
            withdrawn.append(key)
        }
        return withdrawn
    }

    /// Takes a value out of the corroborated feed because members reported it a false positive
    /// (it is on review): as `withdrawUnqualified` does, with a `revoke` audit entry. False when it
    /// was not released by corroboration.
    @discardableResult
    public func withdrawForReview(_ key: String, organizations: Int) async throws -> Bool {
        guard try await store.corroboratedObservables().contains(key),
              let hub = try await store.organizations().first(where: { $0.sector == "hub" }),
              let feed = try await store.feed(named: Self.feedName) else { return false }
        let indicatorID = "indicator--" + Self.uuid(from: key)
        _ = try await store.withdrawCorroborated(
            key, indicatorID: indicatorID, feedID: feed.id, providerOrganizationID: hub.id,
            notice: WithdrawalNotices.expired(creator: hubIdentityID), audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: hub.id, subject: indicatorID,
                              details: ["kind": ReleaseKind.corroboration.rawValue, "observable": key,
                                        "reason": "on review: \(organizations) organisations reported a false positive"]))
        return true
    }

    /// Releases a value again once an analyst cleared its review, when it still qualifies.
    /// Returns whether it was released.
    @discardableResult
    public func reconsider(_ key: String) async throws -> Bool {
        let counts = try await store.observableReportCounts([key])
        guard !counts.isEmpty else { return false }
        let screen = try await HeldScreen.load(from: store, keys: [key])
        return try await !release(counts.filter { screen.holders(of: $0.key).isEmpty }, screen: screen).isEmpty
    }

    /// The stable id of the corroborated indicator of an observable key.
    public static func indicatorID(for key: String) -> String { "indicator--" + uuid(from: key) }

    /// A hub-authored TLP:GREEN indicator for the bare observable, readable by every member: nothing
    /// else (no count of reporters, no name, no types), so it says no more than the value itself.
    func releaseObservable(_ key: String, organizations: Int, at now: String) async throws {
        let feed = try await corroboratedFeed()
        guard let pattern = Self.pattern(for: key) else { return }
        let id = "indicator--" + Self.uuid(from: key)
        let object: [String: Any] = [
            "type": "indicator", "spec_version": "2.1", "id": id, "created": now, "modified": now,
            "pattern": pattern, "pattern_type": "stix", "valid_from": now, "created_by_ref": hubIdentityID,
            "object_marking_refs": [TLPLevel.green.markingDefinitionID],
        ]
        guard let hub = try await store.organizations().first(where: { $0.sector == "hub" }) else { return }
        // Indexed like any stored version, so later reports of the value correlate with it.
        let authored = try HubAuthoredObject(object, tlp: .green, at: now,
                                             audiences: [Audience.organization(hub.id), Audience.hubStaff, Audience.allMembers])
        let submission = Submission(feedID: feed.id, organizationID: hub.id, userID: nil, requestTimestamp: now,
                                    successes: [ObjectOutcome(id: id, version: now, message: "corroborated: \(key)")])
        // The observable is recorded as carried by this submission: a member that reads the indicator
        // has received the value from the hub, and its later reports of it are not independent.
        _ = try await store.append([authored.incoming], to: feed.id, recording: submission,
                                   extras: SubmissionExtras(observableKeys: [key]))
        try await store.appendAudit([AuditEvent(action: .release, actorUserID: nil, actorOrganizationID: hub.id,
                                                subject: submission.id,
                                                details: ["kind": ReleaseKind.corroboration.rawValue, "observable": key,
                                                          "organizations": String(organizations)])])
    }

    /// The corroborated feed, created on first use and readable by every member organisation.
    func corroboratedFeed() async throws -> Feed {
        let feed: Feed
        if let existing = try await store.feed(named: Self.feedName) {
            feed = existing
        } else {
            do {
                feed = try await store.createFeed(Feed(
                    name: Self.feedName, title: "Corroborated observables / 複数組織が確認した観測値",
                    description: "Observables reported independently by several organisations, released without their context (TLP:GREEN).",
                    severity: .important))
            } catch StoreError.duplicate {
                guard let existing = try await store.feed(named: Self.feedName) else { throw StoreError.notFound(Self.feedName) }
                feed = existing
            }
        }
        let grants = try await store.grants(feedID: feed.id)
        for organization in try await store.organizations() where !grants.contains(where: { $0.organizationID == organization.id }) {
            try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: organization.id, canRead: true, canWrite: false))
        }
        return feed
    }

    static func pattern(for key: String) -> String? {
        func quoted(_ value: String) -> String {
            "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
        }
        if key.hasPrefix("file:hashes.") {
            let rest = key.dropFirst("file:hashes.".count)
            guard let colon = rest.firstIndex(of: ":") else { return nil }
            return "[file:hashes.'\(rest[..<colon])' = \(quoted(String(rest[rest.index(after: colon)...])))]"
        }
        guard let colon = key.firstIndex(of: ":") else { return nil }
        return "[\(key[..<colon]):value = \(quoted(String(key[key.index(after: colon)...])))]"
    }

    /// A stable UUID (v4 form) for an observable key, so a re-release has the same id.
    static func uuid(from key: String) -> String {
        var hash: UInt64 = 0xcbf29ce484222325
        var hash2: UInt64 = 0x84222325cbf29ce4
        for byte in key.utf8 {
            hash = (hash ^ UInt64(byte)) &* 0x100000001b3
            hash2 = (hash2 ^ UInt64(byte)) &* 0x100000001b3 &+ 7
        }
        let hex = String(format: "%016llx%016llx", hash, hash2)
        let chars = Array(hex)
        var uuid = String(chars[0..<8]) + "-" + String(chars[8..<12]) + "-4" + String(chars[13..<16]) + "-"
        let variant = "89ab"[String.Index(utf16Offset: Int(UInt8(String(chars[16]), radix: 16)! % 4), in: "89ab")]
        uuid += String(variant) + String(chars[17..<20]) + "-" + String(chars[20..<32])
        return uuid
    }
}
