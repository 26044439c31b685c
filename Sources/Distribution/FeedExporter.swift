// Distribution — FeedExporter: a feed's blocklists for one reader, read only through the reader the
// policy engine made (a member's export holds exactly what that member may read) and recorded as a
// read in the delivery ledger when returned. Each reader's indicators are kept as a table updated
// incrementally from the reader's last position; each document is kept with its ETag until the
// store's change stamp or the account generation moves, so a poll that changes nothing is answered
// from memory (304 with If-None-Match). Freshness (Freshness) is scored per indicator when the
// table is read and again when members report sightings; a cached document is trusted only until
// the first instant one of its indicators expires, so time passing alone changes the document and
// its ETag (a poll with the old ETag gets 200, not 304).
import Accounts
import Crypto
import Foundation
import IndicatorExtraction
import SharingPolicy
import STIX
import Storage
import Synchronization

/// One export request.
public struct ExportRequest: Sendable, Hashable {
    public var format: ExportFormat
    public var filter: ExportFilter
    public init(format: ExportFormat, filter: ExportFilter = ExportFilter()) { self.format = format; self.filter = filter }
}

/// A built export: its files, validators and what selection left out.
public struct ExportDocument: Sendable {
    public var files: [ExportFile]
    /// A strong validator: SHA-256 of the selected content (quoted, as sent in `ETag`).
    public var etag: String
    /// When this content was first built (HTTP `Last-Modified`).
    public var lastModified: Date
    public var valueCount: Int
    public var cut: [ExportValueType: Int]
    /// The versions the export was made from (recorded as delivered when sent).
    var objects: [StoredObject]

    public var main: ExportFile { files[0] }
    public var cutTotal: Int { cut.values.reduce(0, +) }
    /// One line saying what the cap cut, or nil (`domain 1200, url 30`).
    public var cutReport: String? {
        cut.isEmpty ? nil : cut.keys.sorted { $0.rawValue < $1.rawValue }.map { "\($0.rawValue) \(cut[$0]!)" }.joined(separator: ", ")
    }
}

/// Builds and caches exports.
///
/// ```swift
/// let exporter = FeedExporter(store: store, policy: policy, ledger: ledger)
/// guard let reader = try await policy.reader(for: principal, feed: feed, purpose: .export, ledger: nil) else { … }
/// let document = try await exporter.export(ExportRequest(format: .rpz), feed: feed, reader: reader)
/// ```
public final class FeedExporter: Sendable {
    let store: any HubStore
    let ledger: DeliveryLedger?
    let warningLists: WarningLists
    /// Values the operator never wants on a blocklist (lowercased).
    let exclusions: Set<String>
    let hubName: String
    /// How long a read change stamp is trusted: an export is at most this much behind the store.
    let stampLifetime: TimeInterval
    let sidBase: UInt32, sidCount: UInt32
    /// The hub's decay defaults (feeds override them).
    let freshness: FreshnessDefaults

    struct Stamp: Equatable { var change: ChangeStamp; var generation: UInt64 }
    struct Table { var stamp: Stamp; var head: Int64; var entries: [String: StoredIndicator] }
    struct StoredIndicator { var indicator: ExportIndicator; var object: StoredObject; var keys: [String] }
    struct DocumentKey: Hashable { var table: String; var request: ExportRequest }
    /// A built document, exact while the stamp holds and until `validUntil` (µs): the first instant
    /// an indicator of the table expires or falls under the reduced feed's bar.
    struct Cached { var stamp: Stamp; var validUntil: Int64; var document: ExportDocument }

    let stampState = Mutex<(stamp: Stamp, read: Date)?>(nil)
    let tables = Mutex<[String: Table]>([:])
    let documents = Mutex<[DocumentKey: Cached]>([:])
    let sectors = Mutex<[String: String?]>([:])

    public init(store: any HubStore, ledger: DeliveryLedger?, warningLists: WarningLists = .bundled,
                exclusions: Set<String> = [], hubName: String = "Kakehashi", stampLifetime: TimeInterval = 0.5,
                sidBase: UInt32 = 1_000_000_000, sidCount: UInt32 = 100_000_000, freshness: FreshnessDefaults = .standard) {
        self.store = store; self.ledger = ledger; self.warningLists = warningLists; self.freshness = freshness
        self.exclusions = Set(exclusions.map { $0.lowercased() }); self.hubName = hubName
        self.stampLifetime = stampLifetime; self.sidBase = sidBase; self.sidCount = sidCount
    }

    /// The export `request` of `feed` as `reader` may read it; recorded as delivered to the
    /// reader's principal (`record: false` for a 304 check that sends nothing: see `current`).
    public func export(_ request: ExportRequest, feed: Feed, reader: FeedReader) async throws -> ExportDocument {
        let document = try await current(request, feed: feed, reader: reader)
        await record(document, request: request, feed: feed, reader: reader)
        return document
    }

    /// The current document without recording a delivery (the caller answers 304 with it, or
    /// records it with `record` when it sends it).
    /// `asOfMicroseconds`: the document as freshness selects it at that instant instead of now (the
    /// operator's `kakehashi export --as-of`; never cached).
    public func current(_ request: ExportRequest, feed: Feed, reader: FeedReader,
                        asOfMicroseconds: Int64? = nil) async throws -> ExportDocument {
        let stamp = try await currentStamp()
        let tableKey = Self.tableKey(feed: feed, reader: reader)
        let key = DocumentKey(table: tableKey, request: request)
        if let asOfMicroseconds {
            let table = try await refreshedTable(key: tableKey, feed: feed, reader: reader, stamp: stamp)
            return try build(request, feed: feed, table: table, nowMicroseconds: asOfMicroseconds)
        }
        let now = STIXTimestamp.now().microsecondsSinceEpoch
        if let hit = documents.withLock({ $0[key] }), hit.stamp == stamp, now < hit.validUntil { return hit.document }
        let table = try await refreshedTable(key: tableKey, feed: feed, reader: reader, stamp: stamp)
        var document = try build(request, feed: feed, table: table, nowMicroseconds: now)
        if let previous = documents.withLock({ $0[key] }), previous.document.etag == document.etag {
            document = previous.document   // the same content keeps its bytes, ETag and Last-Modified
        }
        let built = document
        documents.withLock { documents in
            if documents.count > 10_000 { documents.removeAll() }
            documents[key] = Cached(stamp: stamp, validUntil: Self.validUntil(table, after: now), document: built)
        }
        return built
    }

    /// The first instant after `now` at which an indicator of `table` expires or leaves the reduced feed.
    static func validUntil(_ table: Table, after now: Int64) -> Int64 {
        var first = Int64.max
        for entry in table.entries.values {
            for instant in [entry.indicator.freshUntilMicroseconds, entry.indicator.strongUntilMicroseconds]
            where instant > now && instant < first { first = instant }
        }
        return first
    }

    /// Records `document` as read by the reader's principal (the delivery ledger) or, for the
    /// hub's own export, as one audit entry.
    public func record(_ document: ExportDocument, request: ExportRequest, feed: Feed, reader: FeedReader) async {
        guard let principal = reader.principal, let ledger else { return }
        await ledger.recordRead(of: document.objects, by: principal, path: "export/\(request.format.rawValue)", subject: feed.id)
    }

    // MARK: - Building

    func build(_ request: ExportRequest, feed: Feed, table: Table, nowMicroseconds now: Int64) throws -> ExportDocument {
        // A small member's reduced feed carries nothing of a normal or info feed.
        let indicators = request.filter.reduced && !ReducedFeed.carries(feed) ? [] : table.entries.values.map(\.indicator)
        let set = ExportSelection.select(indicators, filter: request.filter, nowMicroseconds: now, isBlocked: isBlocked)
        let context = ExportContext(feedName: feed.name, hubName: hubName, builtMicroseconds: now, sidBase: sidBase, sidCount: sidCount)
        let files = try ExportWriters.write(set, format: request.format, types: request.filter.types, context: context)
        var digest = SHA256()
        for selected in set.indicators {
            digest.update(data: Array("\(selected.indicator.stixID)|\(selected.indicator.modifiedMicroseconds)|".utf8))
            for value in selected.values { digest.update(data: Array("\(value.type.rawValue)=\(value.value);".utf8)) }
        }
        digest.update(data: Array("\(request.format.rawValue)|\(feed.name)".utf8))
        let etag = "\"" + digest.finalize().prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
        let ids = Set(set.indicators.map(\.indicator.stixID))
        let objects = table.entries.values.filter { ids.contains($0.indicator.stixID) }.map(\.object)
        return ExportDocument(files: files, etag: etag, lastModified: Date(), valueCount: set.valueCount,
                              cut: set.cut, objects: objects)
    }

    /// Warning lists and the operator's exclusions.
    func isBlocked(_ value: ExportValue) -> Bool {
        if exclusions.contains(value.value) { return true }
        let kind: IndicatorKind
        switch value.type {
        case .ipv4: kind = .ipv4
        case .ipv6: kind = .ipv6
        case .domain: kind = .domain
        case .url: kind = .url
        case .md5: kind = .md5
        case .sha1: kind = .sha1
        case .sha256: kind = .sha256
        case .cidr: return false
        }
        return warningLists.match(Indicator(kind: kind, value: value.value, original: value.value, line: 0)) != nil
    }

    // MARK: - Tables

    static func tableKey(feed: Feed, reader: FeedReader) -> String {
        guard let principal = reader.principal else { return "\(feed.id)|hub" }
        return principal.user.role.isHubStaff ? "\(feed.id)|staff" : "\(feed.id)|org:\(principal.organization.id)"
    }

    func currentStamp() async throws -> Stamp {
        if let state = stampState.withLock({ $0 }), Date().timeIntervalSince(state.read) < stampLifetime { return state.stamp }
        let stamp = Stamp(change: try await store.changeStamp(), generation: await store.currentAccountsGeneration())
        stampState.withLock { $0 = (stamp, Date()) }
        return stamp
    }

    func refreshedTable(key: String, feed: Feed, reader: FeedReader, stamp: Stamp) async throws -> Table {
        if var table = tables.withLock({ $0[key] }) {
            if table.stamp == stamp { return table }
            let old = table.stamp
            // Only appends since: read what came after the table's head. Anything else (a delete, a
            // revoked release, an account change): read it all again.
            if old.generation == stamp.generation, old.change.revokedReleases == stamp.change.revokedReleases,
               stamp.change.versionCount - old.change.versionCount == stamp.change.lastPosition - old.change.lastPosition {
                let added = try await read(into: &table, after: table.head, feed: feed, reader: reader)
                // New sightings move every indicator's freshness; otherwise only the new ones are scored.
                try await score(&table, ids: old.change.sightingRows == stamp.change.sightingRows ? added : nil, feed: feed)
                table.stamp = stamp
                let updated = table
                tables.withLock { $0[key] = updated }
                return updated
            }
        }
        var table = Table(stamp: stamp, head: 0, entries: [:])
        try await read(into: &table, after: nil, feed: feed, reader: reader)
        try await score(&table, ids: nil, feed: feed)
        let built = table
        tables.withLock { tables in
            if tables.count > 1_000 { tables.removeAll() }
            tables[key] = built
        }
        return built
    }

    /// Reads the versions after `after` into the table; returns the ids of the indicators it (re)placed.
    @discardableResult
    func read(into table: inout Table, after: Int64?, feed: Feed, reader: FeedReader) async throws -> [String] {
        var placed: [String] = []
        var query = ObjectQuery(feedID: feed.id, afterPosition: after, types: ["indicator"], versions: .latest, limit: 5000)
        while true {
            let page = try await reader.unrecordedPage(query)
            for object in page.objects {
                table.head = max(table.head, object.position)
                let providerSector = try await sector(of: object.providerOrganizationID)
                guard let indicator = ExportIndicator.read(object.bytes, submissionID: object.submissionID,
                                                           sector: providerSector) else { continue }
                if let existing = table.entries[indicator.stixID],
                   existing.indicator.modifiedMicroseconds > indicator.modifiedMicroseconds { continue }
                var slim = object
                slim.bytes = Data()
                table.entries[indicator.stixID] = StoredIndicator(indicator: indicator, object: slim,
                                                                  keys: FreshnessKeys.observableKeys(of: indicator.values))
                placed.append(indicator.stixID)
            }
            guard page.more, let last = page.objects.last else { return placed }
            query.afterPosition = last.position
            query.afterDateAdded = last.dateAddedMicroseconds
            query.listingStart = page.listingStart
        }
    }

    func sector(of organizationID: String) async throws -> String? {
        if let known = sectors.withLock({ $0[organizationID] }) { return known }
        let sector = try await store.organization(id: organizationID)?.sector
        sectors.withLock { $0[organizationID] = sector }
        return sector
    }
}
