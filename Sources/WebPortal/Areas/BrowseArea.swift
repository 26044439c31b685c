// WebPortal browse and search: the feeds a reader may read, a feed's objects (paged, by type, date
// and TLP), and search by observable value, STIX id, words in names and descriptions (full text),
// type, date and TLP across readable feeds. Every
// read through the policy engine (ObjectLookup); a feed the reader may not read is the 404 page.
import Foundation
import Hummingbird
import SharingPolicy
import STIX
import Storage

enum BrowseArea: PortalArea {
    static let pageSize = 50
    /// The types offered in the filters (any other can be typed in the URL).
    static let commonTypes = ["indicator", "malware", "attack-pattern", "campaign", "intrusion-set", "threat-actor",
                              "report", "relationship", "sighting", "vulnerability", "tool", "identity",
                              "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr", "email-message", "file",
                              "observed-data", "note", "grouping"]

    struct Option: Sendable { let value: String; let label: String; let selected: Bool }

    struct Filters: Sendable {
        let q: String
        let types: [Option]
        let tlps: [Option]
        let since: String

        init(_ page: PortalPage) {
            q = page.query("q") ?? ""
            let type = page.query("type")
            types = [Option(value: "", label: page.text("browse_any_type"), selected: type == nil)]
                + BrowseArea.commonTypes.map { Option(value: $0, label: $0, selected: $0 == type) }
            let tlp = page.query("tlp")
            tlps = [Option(value: "", label: page.text("browse_any_tlp"), selected: tlp == nil)]
                + TLPLevel.allCases.map { Option(value: $0.rawValue, label: "TLP:" + $0.rawValue.uppercased(), selected: $0.rawValue == tlp) }
            since = page.query("since") ?? ""
        }
    }

    struct FeedRow: Sendable { let id: String; let name: String; let title: String }
    struct FeedsModel: Sendable { let feeds: [FeedRow]; let hasFeeds: Bool }

    struct ListModel: Sendable {
        let feedName: String?
        let feedID: String?
        let filters: Filters
        let objects: [ObjectSummary]
        let hasObjects: Bool
        let searched: Bool
        let next: String?
        let invalidSince: Bool
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("feeds") { page in try await feeds(page) }
        routes.page("feeds/{id}") { page in try await feed(page) }
        routes.page("search") { page in try await search(page) }
    }

    static func feeds(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        let lookup = ObjectLookup(principal: reader.principal, environment: page.environment)
        let rows = try await lookup.readableFeeds().map { FeedRow(id: $0.id, name: $0.name, title: $0.title) }
        return try page.render("feeds", title: "browse_feeds_title", FeedsModel(feeds: rows, hasFeeds: !rows.isEmpty))
    }

    /// The `since` filter (a date, midnight in the reader's zone) in microseconds; nil when absent.
    static func since(_ page: PortalPage) throws -> Int64?? {
        guard let text = page.query("since") else { return .some(nil) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = page.timeZone
        formatter.dateFormat = "yyyy-MM-dd"
        guard let date = formatter.date(from: text) else { return .none }
        return .some(Int64(date.timeIntervalSince1970 * 1_000_000))
    }

    static func feed(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        var lookup = ObjectLookup(principal: reader.principal, environment: page.environment)
        let id = try page.parameter("id")
        guard let feedReader = try await lookup.reader(feedID: id),
              let feed = try await page.environment.store.feed(id: id) else { throw PortalError.notFound }
        let since = try since(page)
        var query = ObjectQuery(feedID: feed.id, addedAfterMicroseconds: since ?? nil, limit: pageSize)
        if let type = page.query("type") { query.types = [type] }
        if let after = page.query("after").flatMap(Int64.init) { query.afterPosition = after }
        if let at = page.query("at").flatMap(Int64.init) { query.afterDateAdded = at }
        if let start = page.query("start").flatMap(Int64.init) { query.listingStart = start }
        let result = try await feedReader.page(query)
        let tlp = page.query("tlp").flatMap(TLPLevel.init(rawValue:))
        let objects = result.objects.filter { tlp == nil || ($0.tlp ?? page.environment.policy.defaultTLP) == tlp }
        var next: String?
        if result.more, let last = result.objects.last {
            var items = ["after=\(last.position)", "at=\(last.dateAddedMicroseconds)"]
            if let start = result.listingStart { items.append("start=\(start)") }
            for key in ["type", "tlp", "since"] { if let value = page.query(key) { items.append("\(key)=\(encoded(value))") } }
            next = "/portal/feeds/\(feed.id)?" + items.joined(separator: "&")
        }
        let model = ListModel(feedName: feed.title.isEmpty ? feed.name : feed.title, feedID: feed.id, filters: Filters(page),
                              objects: objects.map { ObjectSummary($0, page: page) }, hasObjects: !objects.isEmpty,
                              searched: true, next: next, invalidSince: since == nil)
        return try page.render("feed", title: "browse_feed_title", model)
    }

    /// Search: by value or id when `q` is given, else the newest objects of every readable feed
    /// matching the type and date; then the TLP filter.
    static func search(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        var lookup = ObjectLookup(principal: reader.principal, environment: page.environment)
        let filters = Filters(page)
        let since = try since(page)
        let type = page.query("type")
        let tlp = page.query("tlp").flatMap(TLPLevel.init(rawValue:))
        let searched = !filters.q.isEmpty || type != nil || tlp != nil || page.query("since") != nil
        var objects: [StoredObject] = []
        if !filters.q.isEmpty {
            if STIXIdentifier.isValid(filters.q), let object = try await lookup.object(id: filters.q) {
                objects = [object]
            } else {
                // Objects carrying the value (the observable index), then full-text matches in
                // names, aliases, descriptions and labels (Japanese-aware), both through the policy engine.
                objects = try await lookup.objects(carrying: filters.q, limit: 200)
                let search = ObjectSearch(policy: page.environment.policy, ledger: page.environment.ledger)
                let found = try await search.search(filters.q, for: reader.principal, types: type.map { [$0] } ?? [],
                                                    limit: pageSize)
                let seen = Set(objects.map(\.position))
                objects += found.hits.map(\.object).filter { !seen.contains($0.position) }
            }
        } else if searched {
            for feed in try await lookup.readableFeeds() {
                guard let feedReader = try await lookup.reader(feedID: feed.id) else { continue }
                var query = ObjectQuery(feedID: feed.id, addedAfterMicroseconds: since ?? nil, limit: pageSize)
                if let type { query.types = [type] }
                objects += try await feedReader.page(query).objects
            }
        }
        let defaultTLP = page.environment.policy.defaultTLP
        objects = objects.filter { object in
            (type == nil || object.type == type) && (tlp == nil || (object.tlp ?? defaultTLP) == tlp)
                && ((since ?? nil) == nil || object.dateAddedMicroseconds >= (since ?? nil)!)
        }
        let model = ListModel(feedName: nil, feedID: nil, filters: filters, objects: objects.map { ObjectSummary($0, page: page) },
                              hasObjects: !objects.isEmpty, searched: searched, next: nil, invalidSince: since == nil)
        return try page.render("search", title: "search_title", model)
    }

    static func encoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}
