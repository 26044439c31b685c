// WebPortal object look-ups: the objects one reader may read, found by id, by feed, or by an
// observable value — every read through a FeedReader the policy engine makes for the reader, and
// recorded in the delivery ledger as the API's reads are. Unknown and unreadable are the same nil.
import Accounts
import Campaigns
import Correlation
import Foundation
import SharingPolicy
import STIX
import Storage

/// One reader's look-ups (readers made once per feed for the request).
///
/// ```swift
/// var lookup = ObjectLookup(principal: reader.principal, environment: page.environment)
/// guard let object = try await lookup.object(id: "indicator--…") else { throw PortalError.notFound }
/// ```
struct ObjectLookup {
    let principal: Principal
    let policy: PolicyEngine
    let ledger: DeliveryLedger
    let store: any HubStore
    var readers: [String: FeedReader?] = [:]

    init(principal: Principal, environment: PortalEnvironment) {
        self.principal = principal; self.policy = environment.policy; self.ledger = environment.ledger
        self.store = environment.store
    }

    /// The reader of a feed, or nil when the principal may not read it (or there is no such feed).
    mutating func reader(feedID: String) async throws -> FeedReader? {
        if let known = readers[feedID] { return known }
        var made: FeedReader?
        if let (feed, access) = try await policy.visibleFeed(id: feedID, for: principal), access.canRead {
            made = try await policy.reader(for: principal, feed: feed, purpose: .api, ledger: ledger)
        }
        readers[feedID] = made
        return made
    }

    /// The feeds the principal may read.
    func readableFeeds() async throws -> [Feed] {
        try await policy.visibleFeeds(for: principal).filter(\.access.canRead).map(\.feed)
    }

    /// The latest readable version of `id` in any feed the principal may read (recorded as read).
    mutating func object(id: String) async throws -> StoredObject? {
        guard STIXIdentifier.isValid(id) else { return nil }
        for feed in try await readableFeeds() {
            guard let reader = try await reader(feedID: feed.id) else { continue }
            if let found = try await reader.page(ObjectQuery(feedID: feed.id, ids: [id], limit: 1)).objects.first {
                return found
            }
        }
        return nil
    }

    /// Readable objects carrying an observable value (an address, domain, URL, e-mail address or
    /// hash, defanged or not), at most `limit`, the first found first.
    mutating func objects(carrying text: String, limit: Int) async throws -> [StoredObject] {
        let values = Self.candidateValues(text)
        guard !values.isEmpty else { return [] }
        let occurrences = try await store.occurrences(ofValues: values, limitPerValue: 500)
        var found: [StoredObject] = []
        var seen = Set<String>()
        for occurrence in occurrences where !seen.contains(occurrence.stixID) {
            guard found.count < limit, let reader = try await reader(feedID: occurrence.feedID) else { continue }
            var query = ObjectQuery(feedID: occurrence.feedID, ids: [occurrence.stixID], limit: 1,
                                    submissionID: occurrence.submissionID)
            query.includeReleasedCopies = true
            if let object = try await reader.page(query).objects.first {
                seen.insert(occurrence.stixID)
                found.append(object)
            }
        }
        return found
    }

    /// The forms a typed value may be indexed under: as typed, refanged and normalised by kind.
    static func candidateValues(_ text: String) -> [String] {
        let trimmed = text.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !trimmed.isEmpty, trimmed.count <= 2048 else { return [] }
        let refanged = trimmed.replacingOccurrences(of: "[.]", with: ".").replacingOccurrences(of: "(.)", with: ".")
            .replacingOccurrences(of: "[:]", with: ":").replacingOccurrences(of: "hxxp", with: "http")
            .replacingOccurrences(of: "[@]", with: "@")
        var values: [String] = [trimmed, trimmed.lowercased(), refanged, refanged.lowercased()]
        values += [ObservableNormalization.ip(refanged), ObservableNormalization.host(refanged),
                   ObservableNormalization.address(refanged), CorrelationNormalization.url(refanged)].compactMap { $0 }
        var unique: [String] = []
        for value in values where !unique.contains(value) { unique.append(value) }
        return unique
    }
}

/// What the pages show of a stored version, read from its JSON once.
struct ObjectSummary: Sendable {
    let id: String
    let type: String
    let name: String
    let tlp: MarkingBadge
    let added: String
    let feedID: String

    init(_ object: StoredObject, page: PortalPage) {
        let json = (try? JSONParser.parse(Array(object.bytes))) ?? .null
        id = object.stixID
        type = object.type
        name = Self.title(of: json) ?? object.stixID
        tlp = MarkingBadge.tlp(object.tlp, default: page.environment.policy.defaultTLP)
        added = page.date(microseconds: object.dateAddedMicroseconds)
        feedID = object.feedID
    }

    /// A human title: the name, else the value of an observable, else nil.
    static func title(of json: JSONValue) -> String? {
        for key in ["name", "value", "pattern", "subject", "path", "body"] {
            if let text = json[key]?.stringValue, !text.isEmpty { return String(text.prefix(200)) }
        }
        if let hashes = json["hashes"]?.objectValue, let first = hashes.values.first?.stringValue { return first }
        return nil
    }
}
