// Sightings and feedback: members report back what they saw of an indicator they received (seen,
// false positive, expired; MISP's three kinds), by the JSON API, the CLI or a STIX `sighting`
// object posted through TAXII. Others see only counts (organisations, sectors) unless a reporter
// consented to be named; a false positive reported by k organisations puts the value on review and
// out of the corroborated feed until a hub analyst clears it.
import Accounts
import Foundation
import IndicatorExtraction
import SharingPolicy
import STIX
import Storage

/// One sighting report as a member gives it (`POST /api/v1/sightings`, `kakehashi sightings add`).
///
/// ```swift
/// let input = try SightingInput(json: try JSONParser.parse(Array(body)))
/// // {"value": "198.51.100.7", "kind": "false-positive", "count": 3}
/// ```
public struct SightingInput: Sendable, Equatable {
    /// The STIX id of the indicator (exactly one of `indicator` and `value`).
    public var indicator: String?
    /// An observable value (an address, domain, URL, e-mail address or file hash).
    public var value: String?
    public var kind: SightingKind
    public var count: Int
    public var firstSeen: String?
    public var lastSeen: String?
    public var named: Bool

    public static let fields = ["indicator", "value", "kind", "count", "first_seen", "last_seen", "consent_to_be_named"]
    public static let shape = """
        {"indicator": STIX id, or "value": observable value, "kind": "seen"|"false-positive"|"expired", \
        "count": integer ≥ 1, "first_seen": timestamp, "last_seen": timestamp, "consent_to_be_named": bool}
        """

    public init(indicator: String? = nil, value: String? = nil, kind: SightingKind = .seen, count: Int = 1,
                firstSeen: String? = nil, lastSeen: String? = nil, named: Bool = false) throws {
        self.indicator = indicator; self.value = value; self.kind = kind; self.count = count
        self.firstSeen = firstSeen; self.lastSeen = lastSeen; self.named = named
        try check()
    }

    /// Reads and checks a JSON body; every problem is a `HubError.invalid` (400) saying what is wrong.
    public init(json: JSONValue) throws {
        guard let object = json.objectValue else { throw HubError.invalid("The body must be \(Self.shape).") }
        for (key, _) in object.members where !Self.fields.contains(key) {
            throw HubError.invalid("Unknown member \"\(key.prefix(64))\"; the body must be \(Self.shape).")
        }
        func text(_ name: String) throws -> String? {
            guard let value = object[name], !value.isNull else { return nil }
            guard let text = value.stringValue else { throw HubError.invalid("\"\(name)\" must be a string.") }
            return text
        }
        var kind = SightingKind.seen
        if let name = try text("kind") {
            guard let known = SightingKind(rawValue: name) else {
                throw HubError.invalid("\"kind\" must be \"seen\", \"false-positive\" or \"expired\", not \"\(name.prefix(64))\".")
            }
            kind = known
        }
        var count = 1
        if let value = object["count"], !value.isNull {
            guard let number = value.integerValue, let int = Int(exactly: number) else {
                throw HubError.invalid("\"count\" must be a whole number from 1 to 999999999.")
            }
            count = int
        }
        var named = false
        if let value = object["consent_to_be_named"], !value.isNull {
            guard let flag = value.boolValue else { throw HubError.invalid("\"consent_to_be_named\" must be true or false.") }
            named = flag
        }
        try self.init(indicator: try text("indicator"), value: try text("value"), kind: kind, count: count,
                      firstSeen: try text("first_seen"), lastSeen: try text("last_seen"), named: named)
    }

    func check() throws {
        switch (indicator, value) {
        case (nil, nil), (.some, .some):
            throw HubError.invalid("Give exactly one of \"indicator\" (a STIX id) and \"value\" (an observable value).")
        case (let id?, nil):
            guard STIXIdentifier.isValid(id, ofType: "indicator") else {
                throw HubError.invalid("\"indicator\" must be a STIX indicator id (indicator--<UUID>), not \"\(id.prefix(80))\".")
            }
        case (nil, let value?):
            let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
            guard !trimmed.isEmpty, trimmed.utf8.count <= 2048 else {
                throw HubError.invalid("\"value\" must be an observable value of 1 to 2048 bytes.")
            }
        }
        guard (1...999_999_999).contains(count) else {
            throw HubError.invalid("\"count\" must be a whole number from 1 to 999999999, not \(count).")
        }
        let first = try Self.timestamp(firstSeen, "first_seen")
        let last = try Self.timestamp(lastSeen, "last_seen")
        if let first, let last, first > last {
            throw HubError.invalid("\"first_seen\" (\(first.text)) is after \"last_seen\" (\(last.text)).")
        }
        // A clock a few minutes ahead is tolerated; a sighting in the future is not.
        let limit = STIXTimestamp.now().microsecondsSinceEpoch + 10 * 60 * 1_000_000
        for (name, stamp) in [("first_seen", first), ("last_seen", last)] {
            if let stamp, stamp.microsecondsSinceEpoch > limit {
                throw HubError.invalid("\"\(name)\" (\(stamp.text)) is in the future.")
            }
        }
    }

    static func timestamp(_ text: String?, _ name: String) throws -> STIXTimestamp? {
        guard let text else { return nil }
        guard let stamp = STIXTimestamp(text) else {
            throw HubError.invalid("\"\(name)\" must be an RFC 3339 UTC timestamp such as 2026-03-01T09:00:00Z, not \"\(text.prefix(64))\".")
        }
        return stamp
    }
}

/// What a reporter is told once its report is durable.
public struct SightingReceipt: Sendable, Equatable, Encodable {
    public let id: String
    public let indicator: String
    public let kind: String
    public let count: Int
    public let recorded_at: String
}

/// Sightings of one indicator as one reader may see them: per kind, how many organisations in how
/// many sectors, the sum of their counts and the window, and the names of only those reporters that
/// consented to be named. Sector names are never given (see README, Sightings: a sector of one).
public struct SightingSummary: Sendable, Equatable, Encodable {
    public struct KindCounts: Sendable, Equatable, Encodable {
        public let kind: String
        public let organizations: Int
        public let sectors: Int
        public let count: Int
        public let first_seen: String?
        public let last_seen: String?
        /// Organisations that consented to be named (names only).
        public let named: [String]
        /// "seen by 4 organisations in 2 sectors".
        public let text: String
    }
    public let indicator: String
    public let kinds: [KindCounts]
    /// Hub staff only: "review" or "cleared" when false-positive reports put a value of it on review.
    public let review: String?
}

/// A value put on review, as hub analysts see it.
public struct SightingReviewView: Sendable, Equatable, Encodable {
    public let value: String
    public let state: String
    public let organizations: Int
    public let placed_at: String
    public let cleared_at: String?
    /// The organisations that reported it a false positive (analysts see everything).
    public let reporters: [String]
}

/// Takes members' sighting reports and answers sighting counts; the policy engine decides who may
/// report and which indicators a principal may read.
///
/// ```swift
/// let desk = SightingDesk(store: store, policy: policy, corroboration: corroboration)
/// let receipt = try await desk.report(try SightingInput(value: "198.51.100.7", kind: .seen), by: principal, via: "api")
/// let summary = try await desk.summary(indicatorID: receipt.indicator, for: otherPrincipal)
/// ```
public struct SightingDesk: Sendable {
    public let store: any HubStore
    public let policy: PolicyEngine
    /// Where a value on review is withdrawn from (and released again when cleared); its rule's
    /// `falsePositives` is k for reviews.
    public let corroboration: Corroboration?
    /// How many organisations' false-positive reports put a value on review.
    public var falsePositiveThreshold: Int { corroboration?.rule.falsePositives ?? CorroborationRule.standard.falsePositives }

    /// What a reporter is told for an indicator that does not exist and for one it may not read alike.
    public static let unknownIndicator = "There is no indicator for you with that id or value."

    public init(store: any HubStore, policy: PolicyEngine, corroboration: Corroboration?) {
        self.store = store; self.policy = policy; self.corroboration = corroboration
    }

    // MARK: Reporting

    /// Records one report, durably and audited, before it returns; then puts values reported a false
    /// positive by k organisations on review. 403 for principals that may not report, 404 for an
    /// indicator or value it may not read (as for one that does not exist).
    public func report(_ input: SightingInput, by principal: Principal, via: String) async throws -> SightingReceipt {
        let records = try await records(for: input, by: principal, via: via, stixID: nil)
        try await commit(records, by: principal)
        let first = records[0]
        return SightingReceipt(id: first.id, indicator: first.indicatorID, kind: first.kind.rawValue, count: first.count,
                               recorded_at: first.recordedAt)
    }

    /// The rows one report would store (nothing stored yet), or the error to answer.
    public func records(for input: SightingInput, by principal: Principal, via: String,
                        stixID: String?) async throws -> [SightingRecord] {
        guard try await policy.maySight(principal) else {
            throw HubError.forbidden("Only a member organisation's users who may write report sightings (not read-only users, clients or hub staff).")
        }
        let (indicator, keys) = try await resolve(input, for: principal)
        let now = STIXTimestamp.now().text
        let id = "sighting-report--" + UUID().uuidString.lowercased()
        return (keys.isEmpty ? [""] : keys).map { key in
            SightingRecord(id: id, observable: key, organizationID: principal.organization.id, userID: principal.user.id,
                           indicatorID: indicator, kind: input.kind, count: input.count, firstSeen: input.firstSeen,
                           lastSeen: input.lastSeen, named: input.named, recordedAt: now, via: via, stixID: stixID)
        }
    }

    /// Stores the rows of one report with its audit entry, then reviews false positives.
    public func commit(_ records: [SightingRecord], by principal: Principal) async throws {
        guard let first = records.first else { return }
        try await store.recordSightings(records, audit: AuditEvent(
            action: .sighting, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: first.id,
            details: ["indicator": first.indicatorID, "kind": first.kind.rawValue, "count": String(first.count),
                      "observables": records.map(\.observable).filter { !$0.isEmpty }.joined(separator: ","),
                      "named": String(first.named), "via": first.via]))
        if first.kind == .falsePositive {
            for key in records.map(\.observable) where !key.isEmpty { try await reviewFalsePositives(key) }
        }
    }

    /// The indicator a report is about and the observable keys it counts for: by id, the indicator
    /// the principal may read; by value, an indicator it may read that carries the value.
    func resolve(_ input: SightingInput, for principal: Principal) async throws -> (String, [String]) {
        if let id = input.indicator {
            guard let object = try await policy.readableIndicator(id: id, for: principal) else {
                throw HubError.notFound(Self.unknownIndicator)
            }
            return (object.stixID, Self.observableKeys(of: object))
        }
        let candidates = Self.candidateKeys(for: input.value ?? "")
        let submissions = try await store.submissionsCarrying(Array(candidates), limit: 200)
        for object in try await policy.readableIndicators(inSubmissions: submissions, for: principal) {
            let matching = Self.observableKeys(of: object).filter(candidates.contains)
            if !matching.isEmpty { return (object.stixID, matching) }
        }
        throw HubError.notFound(Self.unknownIndicator)
    }

    /// A value's possible observable keys, one per type it could be (the store's look-up decides).
    static func candidateKeys(for value: String) -> Set<String> {
        // Defanged forms as extraction refangs them (hxxp, [.], [at], full-width, zero-width, …).
        let text = Refanging.refang(value).trimmingCharacters(in: .whitespacesAndNewlines)
        var keys = Set(ObservableExtraction.valueTypes.map { ObservableExtraction.key(type: $0, value: text) })
        if text.allSatisfy(\.isHexDigit) {
            for name in ["MD5", "SHA-1", "SHA-256", "SHA-512", "SHA1", "SHA256", "SHA512"] {
                keys.insert("file:hashes.\(name):\(text.lowercased())")
            }
        }
        return keys
    }

    static func observableKeys(of object: StoredObject) -> [String] {
        guard let value = try? JSONParser.parse(Array(object.bytes)),
              case .success(let facts) = STIXValidator.validate(value) else { return [] }
        return Array(Set(ObservableExtraction.keys(in: value, facts: facts))).sorted()
    }

    // MARK: STIX sightings (TAXII)

    /// The rows a STIX `sighting` object (already valid STIX) reports, or the reason it is refused:
    /// `sighting_of_ref` must be an indicator the principal may read (refused alike when it does not
    /// exist); `x_kakehashi_sighting_kind` gives the kind (default seen) and
    /// `x_kakehashi_consent_to_be_named` the consent.
    public func records(forSighting object: JSONValue, by principal: Principal) async throws
        -> Result<[SightingRecord], HubError> {
        guard let properties = object.objectValue, let id = properties["id"]?.stringValue else {
            return .failure(.invalid("not a sighting object"))
        }
        var kind = SightingKind.seen
        if let name = properties["x_kakehashi_sighting_kind"]?.stringValue {
            guard let known = SightingKind(rawValue: name) else {
                return .failure(.invalid("x_kakehashi_sighting_kind must be seen, false-positive or expired"))
            }
            kind = known
        }
        guard let ref = properties["sighting_of_ref"]?.stringValue, ref.hasPrefix("indicator--") else {
            return .failure(.invalid("sighting_of_ref must name an indicator you may read"))
        }
        do {
            let input = try SightingInput(
                indicator: ref, kind: kind, count: Int(properties["count"]?.integerValue ?? 1),
                firstSeen: properties["first_seen"]?.stringValue, lastSeen: properties["last_seen"]?.stringValue,
                named: properties["x_kakehashi_consent_to_be_named"]?.boolValue ?? false)
            return .success(try await records(for: input, by: principal, via: "taxii", stixID: id))
        } catch let error as HubError {
            return .failure(error)
        }
    }

    // MARK: Counts

    /// The sightings of an indicator the principal may read, as counts; 404 (as for one that does
    /// not exist) otherwise.
    public func summary(indicatorID: String, for principal: Principal) async throws -> SightingSummary {
        guard let object = try await policy.readableIndicator(id: indicatorID, for: principal) else {
            throw HubError.notFound(Self.unknownIndicator)
        }
        let keys = Self.observableKeys(of: object)
        let rows = try await store.sightings(indicatorID: object.stixID, observables: keys)
        let organizations = try await store.organizations()
        let byID = Dictionary(organizations.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        var kinds: [SightingSummary.KindCounts] = []
        for kind in SightingKind.allCases {
            let ofKind = rows.filter { $0.kind == kind }
            guard !ofKind.isEmpty else { continue }
            let reporters = Set(ofKind.map(\.organizationID))
            let sectors = Set(reporters.compactMap { byID[$0]?.sector }.filter { !$0.isEmpty })
            // One report stored per observable counts once.
            var seenReports = Set<String>()
            let count = ofKind.reduce(0) { sum, row in seenReports.insert(row.id).inserted ? sum + row.count : sum }
            let named = Set(ofKind.filter(\.named).compactMap { byID[$0.organizationID]?.name }).sorted()
            let firsts = ofKind.compactMap { $0.firstSeen.flatMap(STIXTimestamp.init) }
            let lasts = ofKind.compactMap { ($0.lastSeen ?? $0.firstSeen).flatMap(STIXTimestamp.init) }
            kinds.append(.init(kind: kind.rawValue, organizations: reporters.count, sectors: sectors.count, count: count,
                               first_seen: firsts.min()?.text, last_seen: lasts.max()?.text, named: named,
                               text: Self.text(kind, organizations: reporters.count, sectors: sectors.count)))
        }
        var review: String?
        if principal.user.role.isHubStaff {
            let states = try await store.reviews(of: keys).values.map(\.state)
            review = states.contains(.review) ? "review" : states.isEmpty ? nil : "cleared"
        }
        return SightingSummary(indicator: object.stixID, kinds: kinds, review: review)
    }

    static func text(_ kind: SightingKind, organizations: Int, sectors: Int) -> String {
        let verb = switch kind {
        case .seen: "seen"
        case .falsePositive: "reported a false positive"
        case .expired: "reported expired"
        }
        let orgs = organizations == 1 ? "1 organisation" : "\(organizations) organisations"
        let sects = sectors == 1 ? "1 sector" : "\(sectors) sectors"
        return kind == .seen ? "seen by \(orgs) in \(sects)" : "\(verb) by \(orgs) in \(sects)"
    }

    // MARK: Review

    /// Puts `key` on review (and out of the corroborated feed) once k organisations reported it a
    /// false positive since it was last cleared.
    func reviewFalsePositives(_ key: String) async throws {
        let previous = try await store.reviews(of: [key])[key]
        guard previous?.state != .review else { return }
        let rows = try await store.sightings(indicatorID: nil, observables: [key])
        let since = previous?.clearedAt.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch ?? 0
        let reporters = Set(rows.filter {
            $0.kind == .falsePositive && $0.observable == key
                && (STIXTimestamp($0.recordedAt)?.microsecondsSinceEpoch ?? 0) > since
        }.map(\.organizationID))
        guard reporters.count >= falsePositiveThreshold else { return }
        let now = STIXTimestamp.now().text
        let placed = try await store.placeOnReview(
            SightingReview(observable: key, organizations: reporters.count, placedAt: now),
            audit: AuditEvent(action: .review, actorUserID: nil, actorOrganizationID: nil, subject: key,
                              details: ["change": "placed", "organizations": String(reporters.count),
                                        "threshold": String(falsePositiveThreshold)]))
        if placed { try await corroboration?.withdrawForReview(key, organizations: reporters.count) }
    }

    /// The values on review (with `includingCleared`, those cleared too), for hub staff only.
    public func reviews(for principal: Principal, includingCleared: Bool = false) async throws -> [SightingReviewView] {
        guard principal.user.role.isHubStaff else { throw HubError.forbidden("Only hub analysts see the review queue.") }
        let reviews = try await store.reviews(includingCleared: includingCleared)
        let names = Dictionary(try await store.organizations().map { ($0.id, $0.name) }, uniquingKeysWith: { a, _ in a })
        var views: [SightingReviewView] = []
        for review in reviews {
            let rows = try await store.sightings(indicatorID: nil, observables: [review.observable])
            let reporters = Set(rows.filter { $0.kind == .falsePositive }.map(\.organizationID)).compactMap { names[$0] }.sorted()
            views.append(SightingReviewView(value: review.observable, state: review.state.rawValue,
                                            organizations: review.organizations, placed_at: review.placedAt,
                                            cleared_at: review.clearedAt, reporters: reporters))
        }
        return views
    }

    /// Clears a value on review (hub staff only): it may be released by corroboration again, and is
    /// at once when it still qualifies. 404 when it is not on review.
    public func clear(_ key: String, by principal: Principal) async throws {
        guard principal.user.role.isHubStaff else { throw HubError.forbidden("Only hub analysts clear reviews.") }
        let cleared = try await store.clearReview(
            key, at: STIXTimestamp.now().text, by: principal.user.id,
            audit: AuditEvent(action: .review, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
                              subject: key, details: ["change": "cleared"]))
        guard cleared else { throw HubError.notFound("\(key.prefix(200)) is not on review.") }
        try await corroboration?.reconsider(key)
    }
}
