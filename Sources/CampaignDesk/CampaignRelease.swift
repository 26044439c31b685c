// CampaignDesk — CampaignRelease.swift
// Owns what a confirmed campaign becomes for the members: a hub-authored STIX `campaign` (name, a
// description in counts, first and last seen, waves in `x_kakehashi_waves`) with `indicator`s of its
// attacker values (`indicates` the campaign), the `malware` and `attack-pattern`s its submissions
// name (`uses`), and the sectors it targets as identities of class `class` (`targets`) — never a
// victim's or member's name: values other organisations hold back, members' identifiers and the
// submissions' victim identifiers are left out, and the campaign's own text is refused when it
// contains one. It is stored as the hub's own submission and released through the normal path
// (ConsentDesk, anonymised, to the audience the analyst names), and again as a new version when a
// submission joins the released campaign (its update, to the same audience).
import Accounts
import Anonymization
import Campaigns
import Consent
import Correlation
import Crypto
import Foundation
import SharingPolicy
import STIX
import Storage

extension CampaignDesk {
    /// Releases a confirmed campaign to `scope` through `feed` (a feed name), anonymised; a second
    /// release publishes a new version. Returns the record with its publication.
    ///
    /// ```swift
    /// let record = try await desk.release("campaign--…", feed: "CAMPAIGNS", scope: ReleaseScope(groups: ["ISAC"]), by: analyst)
    /// record.publication?.stixID       // the campaign's id as members read it
    /// ```
    @discardableResult
    public func release(_ id: String, feed feedName: String, scope: ReleaseScope, tlp: TLPLevel = .green,
                        by principal: Principal) async throws -> CampaignRecord {
        try requireAnalyst(principal, writing: true)
        var record = try await storedRecord(id)
        guard record.status == .confirmed else {
            throw CampaignDeskError(.conflict, "\(id) is a \(record.status.rawValue); confirm it before releasing it")
        }
        guard !scope.isEmpty else {
            throw CampaignDeskError(.invalid, "name the audience: --to-group, --to-org or --all-members")
        }
        guard let feed = try await store.feed(named: feedName) else { throw CampaignDeskError(.invalid, "no feed named \(feedName)") }
        _ = try await catchUp()
        record = try await publish(record, feed: feed, scope: scope, tlp: tlp, by: principal)
        record.acknowledgedSubmissionIDs = record.submissionIDs
        try await store.saveCampaigns([record], removing: [], audit: [audit(
            "release", subject: record.id, by: principal,
            ["feed": feed.name, "release": record.publication?.releaseID ?? "", "stix_id": record.publication?.stixID ?? "",
             "version": record.publication?.version ?? ""])])
        return record
    }

    /// A new version to those who received the campaign, after a submission joined it. The new
    /// member stays flagged to the analysts until they acknowledge it.
    func publishUpdate(_ record: CampaignRecord) async throws {
        guard let publication = record.publication,
              let feed = try await store.feed(id: publication.feedID),
              let hub = try await hubOrganization() else { return }
        let desk = Principal(user: User(id: "campaign-desk", organizationID: hub.id, email: "campaign-desk@localhost",
                                        role: .hubAnalyst, passwordHash: nil), organization: hub)
        let updated = try await publish(record, feed: feed, scope: publication.scope, tlp: .green, by: desk)
        try await store.saveCampaigns([updated], removing: [], audit: [audit(
            "update", subject: record.id, by: desk,
            ["release": updated.publication?.releaseID ?? "", "version": updated.publication?.version ?? "",
             "submissions": String(record.submissionIDs.count)])])
    }

    func hubOrganization() async throws -> Organization? {
        try await store.organizations().first { $0.sector == "hub" }
    }

    /// Stores the campaign's objects as the hub's submission and releases them, anonymised.
    func publish(_ record: CampaignRecord, feed: Feed, scope: ReleaseScope, tlp: TLPLevel,
                 by principal: Principal) async throws -> CampaignRecord {
        guard let hub = try await hubOrganization() else { throw CampaignDeskError(.conflict, "the hub has no operator organisation") }
        let actor = Principal(user: principal.user, organization: hub)
        let now = Self.now()
        let objects = try await objects(of: record, tlp: tlp, at: now)
        var incoming: [IncomingObject] = []
        var outcomes: [ObjectOutcome] = []
        // The campaign's values are recorded as carried by this submission and indexed, as any hub
        // content that comes in through the intake: whoever receives them is known to have them
        // (lead time), and later reports correlate with the campaign's indicators.
        var observableKeys: [String] = []
        for object in objects {
            let id = object["id"] as! String
            let authored = try HubAuthoredObject(object, tlp: tlp, at: now,
                                                 audiences: [Audience.organization(hub.id), Audience.hubStaff])
            observableKeys += authored.observableKeys
            let item = authored.incoming, version = item.version ?? now
            incoming.append(item)
            outcomes.append(ObjectOutcome(id: id, version: version, message: "campaign \(record.id)", tlp: tlp.rawValue))
        }
        let submission = Submission(feedID: feed.id, organizationID: hub.id, userID: principal.user.id, requestTimestamp: now,
                                    successes: outcomes)
        _ = try await store.append(incoming, to: feed.id, recording: submission,
                                   extras: SubmissionExtras(observableKeys: Array(Set(observableKeys)).sorted()))
        let consent = ConsentDesk(store: store, policy: policy, anonymization: anonymization)
        let release: Release
        do {
            release = try await consent.release(submissionID: submission.id, scope: scope, anonymize: true, by: actor,
                                                 kind: .hubContent)
        } catch let error as ConsentError {
            throw CampaignDeskError(.conflict, "the campaign was not released: \(error.description)")
        }
        var updated = record
        updated.publication = CampaignPublication(
            stixID: Anonymizer.releasedID(for: record.id, settings: anonymization), version: now, feedID: feed.id,
            scope: scope, submissionID: submission.id, releaseID: release.id, releasedAt: now,
            versions: (record.publication?.versions ?? 0) + 1)
        updated.updatedAt = now
        return updated
    }

    // MARK: - The STIX objects

    /// The campaign, its indicators, malware, attack patterns, targeted sectors and relationships.
    func objects(of record: CampaignRecord, tlp: TLPLevel, at now: String) async throws -> [[String: Any]] {
        let forbidden = try await identifiersToKeepOut(of: record)
        if let name = record.name, let hit = Self.firstHit(in: name, of: forbidden) {
            throw CampaignDeskError(.leak, "the campaign's name contains '\(hit)', an identifier of a member or victim; rename it")
        }
        var submissions: [Submission] = []
        for id in record.submissionIDs { if let submission = try await store.submission(id: id) { submissions.append(submission) } }
        let organizations = Dictionary(try await store.organizations().map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        let marking = [tlp.markingDefinitionID]
        let hubID = anonymization.hubIdentityID
        func base(_ type: String, _ id: String) -> [String: Any] {
            ["type": type, "spec_version": "2.1", "id": id, "created": record.createdAt, "modified": now,
             "created_by_ref": hubID, "object_marking_refs": marking]
        }
        let times = submissions.map(\.requestTimestamp).sorted()
        let waves = Self.waves(times)
        let memberOrganizations = Set(submissions.map(\.organizationID))
        let sectors = Set(memberOrganizations.compactMap { organizations[$0]?.sector }.filter { !$0.isEmpty && $0 != "hub" }).sorted()
        var campaign = base("campaign", record.id)
        campaign["name"] = record.name ?? "Campaign"
        campaign["description"] = "Attack e-mails of one campaign reported to the hub by \(memberOrganizations.count) organisation(s) in \(sectors.count) sector(s): \(submissions.count) report(s) in \(waves.count) wave(s)."
        if let first = times.first { campaign["first_seen"] = first }
        if let last = times.last { campaign["last_seen"] = last }
        campaign["x_kakehashi_waves"] = waves.map { ["first_seen": $0.first, "last_seen": $0.last, "reports": $0.count] as [String: Any] }
        var objects: [[String: Any]] = [campaign]
        var related: [(String, String, String)] = []   // (source, type, target)
        for sector in sectors {
            var identity = base("identity", "identity--" + Self.uuid("kakehashi/campaign/sector/" + sector))
            identity["created"] = "2026-01-01T00:00:00.000Z"
            identity["modified"] = "2026-01-01T00:00:00.000Z"
            identity["name"] = sector
            identity["identity_class"] = "class"
            objects.append(identity)
            related.append((record.id, "targets", identity["id"] as! String))
        }
        for (key, pattern) in try await indicatorPatterns(of: record, forbidden: forbidden) {
            var indicator = base("indicator", "indicator--" + Self.uuid(record.id + "/" + key))
            indicator["pattern"] = pattern
            indicator["pattern_type"] = "stix"
            indicator["valid_from"] = times.first ?? now
            indicator["indicator_types"] = ["malicious-activity"]
            objects.append(indicator)
            related.append((indicator["id"] as! String, "indicates", record.id))
        }
        for used in try await usedObjects(of: submissions, forbidden: forbidden) {
            var object = base(used.type, used.type + "--" + Self.uuid("kakehashi/campaign/\(used.type)/" + used.key))
            for (name, value) in used.properties { object[name] = value }
            objects.append(object)
            related.append((record.id, "uses", object["id"] as! String))
        }
        for (source, type, target) in related {
            var relationship = base("relationship", "relationship--" + Self.uuid("\(source) \(type) \(target)"))
            relationship["relationship_type"] = type
            relationship["source_ref"] = source
            relationship["target_ref"] = target
            objects.append(relationship)
        }
        return objects
    }

    /// Reports grouped into waves: a pause of more than three days starts a new one.
    static func waves(_ times: [String]) -> [(first: String, last: String, count: Int)] {
        var waves: [(first: String, last: String, count: Int)] = []
        var previous: Int64?
        for time in times {
            let instant = STIXTimestamp(time)?.microsecondsSinceEpoch ?? 0
            if let previous, instant - previous <= 3 * 86_400 * 1_000_000, !waves.isEmpty {
                waves[waves.count - 1].last = time
                waves[waves.count - 1].count += 1
            } else {
                waves.append((time, time, 1))
            }
            previous = instant
        }
        return waves
    }

    /// Every organisation's names and registered identifiers, its users' addresses, and the victim
    /// identifiers of the campaign's submissions, lower-cased (those of three characters or more).
    func identifiersToKeepOut(of record: CampaignRecord) async throws -> [String] {
        var values = Set<String>()
        for organization in try await store.organizations() where organization.sector != "hub" {
            values.insert(organization.name.lowercased())
        }
        for member in try await store.memberIdentifiers() { values.insert(member.identifier.value.lowercased()) }
        for id in record.submissionIDs {
            for value in try await store.submissionDetail(id: id)?.victimIdentifiers ?? [] { values.insert(value.lowercased()) }
        }
        return values.filter { $0.count >= 3 }.sorted()
    }

    static func firstHit(in text: String, of forbidden: [String]) -> String? {
        let lowered = text.lowercased()
        return forbidden.first { lowered.contains($0) }
    }

    /// Patterns for the campaign's strong values (attachment hashes, C2 hosts and addresses), by key:
    /// none excluded as too common, held back by any organisation, or naming a member or victim.
    func indicatorPatterns(of record: CampaignRecord, forbidden: [String]) async throws -> [(String, String)] {
        guard let engine else { return [] }
        var keyed: [String: (kind: EvidenceKind, value: String)] = [:]
        for id in record.submissionIDs {
            guard let traits = engine.traits(of: id) else { continue }
            for value in traits.attachmentSHA256 { keyed["file:hashes.SHA-256:" + value] = (.attachmentHash, value) }
            for value in traits.c2Hosts { keyed["domain-name:" + value] = (.c2Host, value) }
            for value in traits.c2IPs { keyed[(value.contains(":") ? "ipv6-addr:" : "ipv4-addr:") + value] = (.c2IP, value) }
        }
        let held = Set(try await store.heldValues(keyed.values.map(\.value)).map { $0.value.lowercased() })
        var result: [(String, String)] = []
        for key in keyed.keys.sorted() {
            let (kind, value) = keyed[key]!
            guard settings.exclusions.listName(kind, value) == nil, !held.contains(value.lowercased()),
                  Self.firstHit(in: value, of: forbidden) == nil else { continue }
            let quoted = "'" + value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "'", with: "\\'") + "'"
            switch kind {
            case .attachmentHash: result.append((key, "[file:hashes.'SHA-256' = \(quoted)]"))
            case .c2Host: result.append((key, "[domain-name:value = \(quoted)]"))
            default: result.append((key, "[\(value.contains(":") ? "ipv6-addr" : "ipv4-addr"):value = \(quoted)]"))
            }
        }
        return result
    }

    /// The malware and ATT&CK techniques the submissions name, rebuilt from their names and MITRE
    /// references only (nothing else of the member's objects is carried).
    func usedObjects(of submissions: [Submission], forbidden: [String]) async throws
        -> [(type: String, key: String, properties: [String: Any])] {
        var found: [String: (type: String, key: String, properties: [String: Any])] = [:]
        for submission in submissions {
            let objects = try await policy.hubReader(feedID: submission.feedID, purpose: .submissionProcessing)
                .all(ObjectQuery(feedID: submission.feedID, types: ["malware", "attack-pattern"], versions: .latest,
                                 limit: 1000, submissionID: submission.id))
            for object in objects {
                guard let parsed = try? JSONSerialization.jsonObject(with: object.bytes) as? [String: Any],
                      let name = parsed["name"] as? String, Self.firstHit(in: name, of: forbidden) == nil else { continue }
                if object.type == "attack-pattern" {
                    let references = (parsed["external_references"] as? [[String: Any]] ?? []).filter {
                        ($0["source_name"] as? String) == "mitre-attack" && $0["external_id"] is String
                    }.map { ["source_name": "mitre-attack", "external_id": $0["external_id"] as! String] }
                    let key = (references.first?["external_id"]).map { $0 } ?? name
                    var properties: [String: Any] = ["name": name]
                    if !references.isEmpty { properties["external_references"] = references }
                    found["attack-pattern/" + key] = ("attack-pattern", key, properties)
                } else {
                    var properties: [String: Any] = ["name": name, "is_family": parsed["is_family"] as? Bool ?? false]
                    if let types = parsed["malware_types"] as? [String] { properties["malware_types"] = types }
                    found["malware/" + name.lowercased()] = ("malware", name.lowercased(), properties)
                }
            }
        }
        return found.keys.sorted().map { found[$0]! }
    }

    /// A stable version-4-form UUID for a text (SHA-256 of it).
    static func uuid(_ text: String) -> String {
        var bytes = Array(SHA256.hash(data: Data(text.utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x40
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let c = Array(hex)
        return "\(String(c[0..<8]))-\(String(c[8..<12]))-\(String(c[12..<16]))-\(String(c[16..<20]))-\(String(c[20..<32]))"
    }
}
