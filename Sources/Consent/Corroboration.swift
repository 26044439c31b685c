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

/// Records what each organisation reports and releases observables corroborated by `k` of them.
///
/// ```swift
/// let corroboration = Corroboration(store: store, hubIdentityID: settings.hubIdentityID, k: 2)
/// try await corroboration.record(submission: submission, objects: scanned)
/// ```
public struct Corroboration: Sendable {
    public static let feedName = "CORROBORATED"
    public let store: any HubStore
    public let hubIdentityID: String
    public let k: Int

    public init(store: any HubStore, hubIdentityID: String, k: Int = 2) {
        self.store = store; self.hubIdentityID = hubIdentityID; self.k = max(2, k)
    }

    /// Records the observables of a member's submission; releases those now reported by k organisations.
    /// Returns the observable keys released by this call.
    @discardableResult
    public func record(keys: [String], submission: Submission, provider: Principal) async throws -> [String] {
        guard !provider.user.role.isHubStaff, !keys.isEmpty else { return [] }
        let counts = try await store.recordObservables(keys, organizationID: submission.organizationID,
                                                       submissionID: submission.id)
        return try await release(counts)
    }

    /// Releases the observables `counts` shows reported by k organisations (counted when the
    /// submission was stored, `HubStore.appendCountingReports`). Returns the keys released now.
    public func releaseCorroborated(counts: [String: Int], provider: Principal) async throws -> [String] {
        guard !provider.user.role.isHubStaff, !counts.isEmpty else { return [] }
        return try await release(counts)
    }

    func release(_ counts: [String: Int]) async throws -> [String] {
        var released: [String] = []
        // Most counts are below k: only the others are sorted (into a stable release order).
        for (key, count) in counts.filter({ $0.value >= k }).sorted(by: { $0.key < $1.key }) {
            let now = STIXTimestamp.now().text
            guard try await store.markCorroborated(key, at: now) else { continue }
            try await releaseObservable(key, organizations: count, at: now)
            released.append(key)
        }
        return released
    }

    /// A hub-authored TLP:GREEN indicator for the observable alone, readable by every member.
    func releaseObservable(_ key: String, organizations: Int, at now: String) async throws {
        let feed = try await corroboratedFeed()
        guard let pattern = Self.pattern(for: key) else { return }
        let id = "indicator--" + Self.uuid(from: key)
        let name = "Corroborated by \(organizations) organisations / \(organizations)組織が独立に報告"
        let object: [String: Any] = [
            "type": "indicator", "spec_version": "2.1", "id": id, "created": now, "modified": now,
            "name": name, "indicator_types": ["malicious-activity"], "pattern": pattern, "pattern_type": "stix",
            "valid_from": now, "created_by_ref": hubIdentityID,
            "object_marking_refs": [TLPLevel.green.markingDefinitionID],
            "x_kakehashi_corroborating_organizations": organizations,
        ]
        let bytes = Array(try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes]))
        guard let hub = try await store.organizations().first(where: { $0.sector == "hub" }) else { return }
        let incoming = IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: now,
                                      versionMicroseconds: STIXTimestamp(now)?.microsecondsSinceEpoch, bytes: bytes,
                                      tlp: .green, audiences: [Audience.organization(hub.id), Audience.hubStaff,
                                                               Audience.allMembers])
        let submission = Submission(feedID: feed.id, organizationID: hub.id, userID: nil, requestTimestamp: now,
                                    successes: [ObjectOutcome(id: id, version: now, message: "corroborated: \(key)")])
        _ = try await store.append([incoming], to: feed.id, recording: submission)
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
