// Distribution — FeedExporter: a feed's blocklists for one reader, read only through the reader the
// policy engine made (a member's export holds exactly what that member may read) and recorded as a
// read in the delivery ledger when returned. Each reader's indicators are kept as a table updated
// incrementally from the reader's last position; each document is kept with its ETag until the
// store's change stamp or the account generation moves, so a poll that changes nothing is answered
// from memory (304 with If-None-Match); a change committed through this instance is seen by the next
// poll at once (`HubStore.localChangeCount`), one by another instance within `stampLifetime`.
// Freshness (Freshness) is scored per indicator when the table is read and again when members
// report sightings; a cached document is trusted only until
// the first instant one of its indicators expires, so time passing alone changes the document and
// its ETag (a poll with the old ETag gets 200, not 304). When only new indicators arrived since a
// document was built, the document is patched: only they are read, scored, selected and written
// (Suricata and RPZ append in place; the other formats are rebuilt from the table only when the
// new indicators change what they select), and the ETag, a sum of per-value digests kept in the
// table, moves only when the reader's selected content does. Builds of one document are shared:
// polls that arrive while it is built wait for that build rather than start their own.
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
    /// The same lists merged per kind: what `isBlocked` asks for every value a table reads.
    let warningIndex: WarningListIndex
    /// Values the operator never wants on a blocklist (lowercased).
    let exclusions: Set<String>
    let hubName: String
    /// How long a read change stamp is trusted: an export is at most this much behind the store.
    let stampLifetime: TimeInterval
    let sidBase: UInt32, sidCount: UInt32
    /// The hub's decay defaults (feeds override them).
    let freshness: FreshnessDefaults

    struct Stamp: Equatable { var change: ChangeStamp; var generation: UInt64 }
    struct Table {
        var stamp: Stamp; var head: Int64; var entries: [String: StoredIndicator]
        /// Values the warning lists or the operator's exclusions keep off blocklists (decided once, when read).
        var blocked: Set<ExportValue> = []
        /// Changes whenever entries change other than by indicators read after the head (a full
        /// read, a re-scoring of all): documents built under another epoch are not patched.
        var epoch: UInt64 = 0
        /// Indicators placed by incremental reads in this epoch, in order; `replaced`: a newer
        /// version of one the table held.
        var log: [(id: String, replaced: Bool)] = []
    }
    struct StoredIndicator {
        var indicator: ExportIndicator; var object: StoredObject; var keys: [String]
        /// Per value of `indicator.values`: SHA-256 of `id|modified|type=value`, first 16 bytes.
        var digests: [ContentDigest]
    }
    struct DocumentKey: Hashable { var table: String; var request: ExportRequest }
    /// A built document, exact while the stamp holds and until `validUntil` (µs): the first instant
    /// an indicator of the table expires or falls under the reduced feed's bar.
    struct Cached { var stamp: Stamp; var validUntil: Int64; var document: ExportDocument; var patch: Patch? }
    /// What patching a cached document needs: the table epoch and log position it was built to,
    /// its content digest and its writer (Suricata and RPZ).
    struct Patch { var epoch: UInt64; var logCount: Int; var digest: ContentDigest; var writer: PatchWriter }
    enum PatchWriter { case rpz(ResponsePolicyZone.Zone), suricata(SuricataRules.RuleFile), none }

    /// The change stamp last read, when, and `localChangeCount` just before it was read.
    let stampState = Mutex<(change: ChangeStamp, read: Date, local: UInt64)?>(nil)
    /// The change stamp read under way, and the local count it was started at.
    let stampRead = Mutex<(id: UInt64, local: UInt64, task: Task<ChangeStamp, any Error>)?>(nil)
    let tables = Mutex<[String: Table]>([:])
    /// The refresh of each table under way, and the stamp it brings the table to.
    let refreshing = Mutex<[String: (id: UInt64, stamp: Stamp, task: Task<Table, any Error>)]>([:])
    let refreshIDs = Atomic<UInt64>(0)
    let documents = Mutex<[DocumentKey: Cached]>([:])
    let building = Mutex<[DocumentKey: (stamp: Stamp, task: Task<ExportDocument, any Error>)]>([:])
    let sectors = Mutex<[String: String?]>([:])
    let epochs = Atomic<UInt64>(0)

    public init(store: any HubStore, ledger: DeliveryLedger?, warningLists: WarningLists = .bundled,
                exclusions: Set<String> = [], hubName: String = "Kakehashi", stampLifetime: TimeInterval = 0.5,
                sidBase: UInt32 = 1_000_000_000, sidCount: UInt32 = 100_000_000, freshness: FreshnessDefaults = .standard) {
        self.store = store; self.ledger = ledger; self.warningLists = warningLists; self.freshness = freshness
        warningIndex = WarningListIndex(warningLists)
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
            return try build(request, feed: feed, table: table, nowMicroseconds: asOfMicroseconds).0
        }
        let now = STIXTimestamp.now().microsecondsSinceEpoch
        if let hit = documents.withLock({ $0[key] }), hit.stamp == stamp, now < hit.validUntil { return hit.document }
        // One build of a document at a time: polls arriving meanwhile wait for it.
        let task = building.withLock { building -> Task<ExportDocument, any Error> in
            if let running = building[key], running.stamp == stamp { return running.task }
            let task = Task { try await self.rebuild(request, key: key, feed: feed, reader: reader, stamp: stamp) }
            building[key] = (stamp, task)
            return task
        }
        // Shared only while it runs: a finished build is in `documents`, trusted there until its
        // `validUntil`; kept here, time passing alone (an indicator expiring) would never rebuild it.
        defer { building.withLock { building in if building[key]?.task == task { building[key] = nil } } }
        return try await task.value
    }

    /// The document of `key` at `stamp`: the cached one patched with the indicators read since,
    /// when only new indicators arrived, else built anew from the reader's table.
    func rebuild(_ request: ExportRequest, key: DocumentKey, feed: Feed, reader: FeedReader, stamp: Stamp) async throws -> ExportDocument {
        let table = try await refreshedTable(key: key.table, feed: feed, reader: reader, stamp: stamp)
        let now = STIXTimestamp.now().microsecondsSinceEpoch
        if let hit = documents.withLock({ $0[key] }), hit.stamp == stamp, now < hit.validUntil { return hit.document }
        if let patched = patch(request, key: key, feed: feed, table: table, stamp: stamp, now: now) { return patched }
        var (document, patch) = try build(request, feed: feed, table: table, nowMicroseconds: now)
        if let previous = documents.withLock({ $0[key] }), previous.document.etag == document.etag {
            document = previous.document   // the same content keeps its bytes, ETag and Last-Modified
        }
        let built = document
        documents.withLock { documents in
            if documents.count > 10_000 { documents.removeAll() }
            documents[key] = Cached(stamp: stamp, validUntil: Self.validUntil(table, after: now), document: built, patch: patch)
        }
        return built
    }

    /// The cached document of `key` patched with the indicators the table read since it was built,
    /// or nil when it cannot be (none cached, another epoch, a replaced version, expired, a cap or
    /// an age filter, or new values in a format that is not appended to).
    func patch(_ request: ExportRequest, key: DocumentKey, feed: Feed, table: Table, stamp: Stamp, now: Int64) -> ExportDocument? {
        guard request.filter.limitPerList == nil, request.filter.maxAgeSeconds == nil else { return nil }
        // Looked at in place: a copy of the cached document would keep its bytes from being appended to.
        let state = documents.withLock { documents -> (logCount: Int, validUntil: Int64)? in
            guard let cached = documents[key], let patch = cached.patch, patch.epoch == table.epoch,
                  patch.logCount <= table.log.count, now < cached.validUntil else { return nil }
            return (patch.logCount, cached.validUntil)
        }
        guard let state else { return nil }
        let fresh = table.log[state.logCount...]
        guard !fresh.contains(where: { $0.replaced }) else { return nil }
        let entries = fresh.compactMap { table.entries[$0.id] }
        let set = select(request, feed: feed, entries: entries, table: table, now: now)
        var validUntil = state.validUntil
        for entry in entries { validUntil = Self.earliest(validUntil, entry.indicator, after: now) }
        if set.indicators.isEmpty {
            // Nothing this reader's document selects arrived: the same document, the same ETag.
            return documents.withLock { documents -> ExportDocument? in
                guard documents[key]?.patch?.logCount == state.logCount else { return nil }
                documents[key]?.stamp = stamp
                documents[key]?.validUntil = validUntil
                documents[key]?.patch?.logCount = table.log.count
                return documents[key]?.document
            }
        }
        // Take the cached document out so that the writer's bytes are appended to in place.
        guard var cached = documents.withLock({ documents -> Cached? in
            guard let patch = documents[key]?.patch, patch.logCount == state.logCount else { return nil }
            switch patch.writer {
            case .none: return nil
            case .rpz, .suricata: return documents.removeValue(forKey: key)
            }
        }), var next = cached.patch else { return nil }
        cached.patch = nil
        var document = cached.document
        cached.document.files = []; cached.document.objects = []
        document.files = []
        var objects = document.objects
        document.objects = []
        var writer = next.writer
        next.writer = .none
        let files: [ExportFile]
        switch writer {
        case .rpz(var zone):
            writer = .none
            zone.add(set.indicators)
            files = [zone.file(builtMicroseconds: now)]
            writer = .rpz(zone)
        case .suricata(var rules):
            writer = .none
            rules.add(set.indicators)
            files = rules.files()
            writer = .suricata(rules)
        case .none: return nil
        }
        next.writer = writer
        next.logCount = table.log.count
        for selected in set.indicators {
            guard let index = table.entries.index(forKey: selected.indicator.stixID) else { continue }
            next.digest.add(table.entries.values[index].digests(of: selected.values))
            objects.append(table.entries.values[index].object)
        }
        document.files = files
        document.objects = objects
        document.valueCount += set.valueCount
        document.etag = Self.etag(next.digest, request: request, feed: feed)
        document.lastModified = Date()
        let built = document
        let patched = next
        documents.withLock { $0[key] = Cached(stamp: stamp, validUntil: validUntil, document: built, patch: patched) }
        return built
    }

    /// The first instant after `now` at which an indicator of `table` expires or leaves the reduced feed.
    static func validUntil(_ table: Table, after now: Int64) -> Int64 {
        var first = Int64.max
        for entry in table.entries.values { first = earliest(first, entry.indicator, after: now) }
        return first
    }

    /// The earliest of `first` and the instants after `now` at which `indicator` expires (by
    /// freshness or its STIX `valid_until`) or leaves the reduced feed.
    static func earliest(_ first: Int64, _ indicator: ExportIndicator, after now: Int64) -> Int64 {
        var first = first
        if let validUntil = indicator.validUntilMicroseconds, validUntil > now && validUntil < first { first = validUntil }
        if indicator.freshUntilMicroseconds > now && indicator.freshUntilMicroseconds < first { first = indicator.freshUntilMicroseconds }
        if indicator.strongUntilMicroseconds > now && indicator.strongUntilMicroseconds < first { first = indicator.strongUntilMicroseconds }
        return first
    }

    /// Records `document` as read by the reader's principal (the delivery ledger) or, for the
    /// hub's own export, as one audit entry.
    public func record(_ document: ExportDocument, request: ExportRequest, feed: Feed, reader: FeedReader) async {
        guard let principal = reader.principal, let ledger else { return }
        await ledger.recordRead(of: document.objects, by: principal, path: "export/\(request.format.rawValue)", subject: feed.id)
    }

    // MARK: - Building

    func build(_ request: ExportRequest, feed: Feed, table: Table, nowMicroseconds now: Int64) throws -> (ExportDocument, Patch) {
        let set = select(request, feed: feed, entries: table.entries.values, table: table, now: now)
        let context = ExportContext(feedName: feed.name, hubName: hubName, builtMicroseconds: now, sidBase: sidBase, sidCount: sidCount)
        let files: [ExportFile]
        let writer: PatchWriter
        switch request.format {
        case .rpz:
            var zone = ResponsePolicyZone.Zone(context: context)
            zone.add(set.indicators)
            files = [zone.file(builtMicroseconds: now)]
            writer = .rpz(zone)
        case .suricata:
            var rules = SuricataRules.RuleFile(context: context)
            rules.add(set.indicators)
            files = rules.files()
            writer = .suricata(rules)
        default:
            files = try ExportWriters.write(set, format: request.format, types: request.filter.types, context: context)
            writer = .none
        }
        var digest = ContentDigest()
        var objects: [StoredObject] = []
        objects.reserveCapacity(set.indicators.count)
        for selected in set.indicators {
            // Read in place: a copy of the entry would retain and release each of its fields.
            guard let index = table.entries.index(forKey: selected.indicator.stixID) else { continue }
            digest.add(table.entries.values[index].digests(of: selected.values))
            objects.append(table.entries.values[index].object)
        }
        let document = ExportDocument(files: files, etag: Self.etag(digest, request: request, feed: feed), lastModified: Date(),
                                      valueCount: set.valueCount, cut: set.cut, objects: objects)
        return (document, Patch(epoch: table.epoch, logCount: table.log.count, digest: digest, writer: writer))
    }

    /// What of `entries` the request selects (warning-listed and excluded values decided at read).
    func select<Entries: Sequence<StoredIndicator>>(_ request: ExportRequest, feed: Feed, entries: Entries, table: Table,
                                                    now: Int64) -> ExportSet {
        // A small member's reduced feed carries nothing of a normal or info feed.
        if request.filter.reduced && !ReducedFeed.carries(feed) { return ExportSet(indicators: []) }
        let blocked = table.blocked
        return ExportSelection.select(entries.lazy.map(\.indicator), filter: request.filter, nowMicroseconds: now,
                                      isBlocked: { blocked.contains($0) })
    }

    /// The strong validator: the content digest (a sum over the selected values, so a patch adds
    /// to it), the format, the filter and the feed.
    static func etag(_ digest: ContentDigest, request: ExportRequest, feed: Feed) -> String {
        var hash = SHA256()
        hash.update(data: Array("\(digest.high)|\(digest.low)|\(request.format.rawValue)|\(request.filter.signature)|\(feed.name)".utf8))
        return "\"" + hash.finalize().prefix(16).map { String(format: "%02x", $0) }.joined() + "\""
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
        return warningIndex.contains(Indicator(kind: kind, value: value.value, original: value.value, line: 0))
    }

    // MARK: - Tables

    static func tableKey(feed: Feed, reader: FeedReader) -> String {
        guard let principal = reader.principal else { return "\(feed.id)|hub" }
        return principal.user.role.isHubStaff ? "\(feed.id)|staff" : "\(feed.id)|org:\(principal.organization.id)"
    }

    /// The stamp documents and tables are kept under. The account generation is asked each time (the
    /// store reads it once per request), so a right removed or an audience changed is seen by the
    /// next export at once. The change stamp (a few counts) is reused for `stampLifetime` while
    /// nothing was committed through this store since it was read (`localChangeCount`): an indicator
    /// appended, released, revoked or deleted through this instance moves the next export at once,
    /// one committed by another process within `stampLifetime`.
    func currentStamp() async throws -> Stamp {
        let generation = await store.currentAccountsGeneration()
        let local = store.localChangeCount
        if let state = stampState.withLock({ $0 }), state.local == local, Date().timeIntervalSince(state.read) < stampLifetime {
            return Stamp(change: state.change, generation: generation)
        }
        // One read at a time for the polls that arrive together, shared only by those that saw the
        // same local count (a poll after a commit through this instance never takes an older read).
        let task = stampRead.withLock { running -> Task<ChangeStamp, any Error> in
            if let running, running.local == local { return running.task }
            let id = refreshIDs.add(1, ordering: .relaxed).newValue
            let task = Task {
                defer { self.stampRead.withLock { running in if running?.id == id { running = nil } } }
                let change = try await self.store.changeStamp()
                self.stampState.withLock { $0 = (change, Date(), local) }
                return change
            }
            running = (id, local, task)
            return task
        }
        return Stamp(change: try await task.value, generation: generation)
    }

    /// The reader's table at `stamp`. Refreshes of one table run one at a time (a poll that arrives
    /// meanwhile waits for the running one and, if that one was to another stamp, looks again), and a
    /// refresh takes the table out of the map while it works on it, so that the one reference left is
    /// its own and the 10⁶-entry dictionaries are mutated in place: a refresh costs what arrived, not
    /// a copy of the table (copy-on-write copies only while a build still holds the previous table).
    func refreshedTable(key: String, feed: Feed, reader: FeedReader, stamp: Stamp) async throws -> Table {
        while true {
            if let table = tables.withLock({ $0[key] }), table.stamp == stamp { return table }
            let (task, ours) = refreshing.withLock { running -> (Task<Table, any Error>, Bool) in
                if let current = running[key] { return (current.task, current.stamp == stamp) }
                let id = refreshIDs.add(1, ordering: .relaxed).newValue
                let task = Task {
                    // Leaves the map as it ends: no finished refresh (nor the table it returned) is kept.
                    defer { self.refreshing.withLock { running in if running[key]?.id == id { running[key] = nil } } }
                    return try await self.refresh(key: key, feed: feed, reader: reader, stamp: stamp)
                }
                running[key] = (id, stamp, task)
                return (task, true)
            }
            if ours { return try await task.value }
            _ = try? await task.value
        }
    }

    /// Brings the table of `key` to `stamp` (run only by `refreshedTable`, one at a time per key).
    func refresh(key: String, feed: Feed, reader: FeedReader, stamp: Stamp) async throws -> Table {
        if let table = tables.withLock({ $0[key] }), table.stamp == stamp { return table }
        // Out of the map: the only reference, so the dictionaries below are mutated in place.
        if var table = tables.withLock({ $0.removeValue(forKey: key) }) {
            let old = table.stamp
            // Only appends since: read what came after the table's head. Anything else (a delete, a
            // revoked release, an account change): read it all again.
            if old.generation == stamp.generation, old.change.revokedReleases == stamp.change.revokedReleases,
               stamp.change.versionCount - old.change.versionCount == stamp.change.lastPosition - old.change.lastPosition {
                // A failure leaves the table out of the map: the next export reads it all again.
                let added = try await read(into: &table, after: table.head, feed: feed, reader: reader)
                table.stamp = stamp
                // New sightings move every indicator's freshness; otherwise only the new ones are scored.
                if old.change.sightingRows == stamp.change.sightingRows {
                    try await score(&table, ids: added, feed: feed)
                } else {
                    try await score(&table, ids: nil, feed: feed)
                    table.epoch = epochs.add(1, ordering: .relaxed).newValue
                    table.log = []
                }
                let updated = table
                tables.withLock { $0[key] = updated }
                return updated
            }
        }
        var table = Table(stamp: stamp, head: 0, entries: [:], epoch: epochs.add(1, ordering: .relaxed).newValue)
        try await read(into: &table, after: nil, feed: feed, reader: reader)
        table.log = []
        try await score(&table, ids: nil, feed: feed)
        let built = table
        tables.withLock { tables in
            if tables.count > 1_000 { tables.removeAll() }
            tables[key] = built
        }
        return built
    }

    /// One stored version made ready for the table: its indicator, freshness keys, value digests
    /// and the values of it a blocklist never carries.
    struct Parsed: Sendable { var object: StoredObject; var entry: StoredIndicator; var blocked: [ExportValue] }

    /// Reads the versions after `after` into the table; returns the ids of the indicators it (re)placed.
    /// Pages are fetched one ahead and parsed on every core.
    @discardableResult
    func read(into table: inout Table, after: Int64?, feed: Feed, reader: FeedReader) async throws -> [String] {
        var placed: [String] = []
        let query = ObjectQuery(feedID: feed.id, afterPosition: after, types: ["indicator"], versions: .latest, limit: 5000)
        var page = try await reader.unrecordedPage(query)
        while true {
            var nextQuery: ObjectQuery?
            if page.more, let last = page.objects.last {
                var next = query
                next.afterPosition = last.position
                next.afterDateAdded = last.dateAddedMicroseconds
                next.listingStart = page.listingStart
                nextQuery = next
            }
            async let following = Self.page(nextQuery, reader: reader)
            var sectorOf: [String: String?] = [:]
            for organization in Set(page.objects.map(\.providerOrganizationID)) { sectorOf[organization] = try await sector(of: organization) }
            let parsed = await parse(page.objects, sectors: sectorOf)
            for item in parsed {
                table.head = max(table.head, item.object.position)
                guard !item.entry.indicator.stixID.isEmpty else { continue }
                let entry = item.entry
                let id = entry.indicator.stixID
                let existing = table.entries[id]
                if let existing, existing.indicator.modifiedMicroseconds > entry.indicator.modifiedMicroseconds { continue }
                for value in item.blocked { table.blocked.insert(value) }
                table.entries[id] = entry
                placed.append(id)
                if after != nil { table.log.append((id, existing != nil)) }
            }
            guard let next = try await following else { return placed }
            page = next
        }
    }

    static func page(_ query: ObjectQuery?, reader: FeedReader) async throws -> ObjectPage? {
        guard let query else { return nil }
        return try await reader.unrecordedPage(query)
    }

    /// Parses `objects` on every core (STIX JSON, the pattern, warning lists, digests); objects
    /// that are no indicator come back with an empty id.
    func parse(_ objects: [StoredObject], sectors: [String: String?]) async -> [Parsed] {
        let parts = objects.count < 256 ? 1 : max(1, min(ProcessInfo.processInfo.activeProcessorCount, 8))
        let size = (objects.count + parts - 1) / max(parts, 1)
        return await withTaskGroup(of: (Int, [Parsed]).self) { group in
            for part in 0..<parts {
                let slice = Array(objects[min(objects.count, part * size)..<min(objects.count, (part + 1) * size)])
                group.addTask { (part, slice.map { self.parse($0, sector: sectors[$0.providerOrganizationID] ?? nil) }) }
            }
            var results = [[Parsed]](repeating: [], count: parts)
            for await (part, parsed) in group { results[part] = parsed }
            return results.flatMap { $0 }
        }
    }

    func parse(_ object: StoredObject, sector: String?) -> Parsed {
        var slim = object
        slim.bytes = Data()
        guard let indicator = ExportIndicator.read(object.bytes, submissionID: object.submissionID, sector: sector) else {
            let empty = ExportIndicator(stixID: "", name: "", modifiedMicroseconds: 0, createdMicroseconds: 0, values: [])
            return Parsed(object: slim, entry: StoredIndicator(indicator: empty, object: slim, keys: [], digests: []), blocked: [])
        }
        // SHA-256 of `id|modified|type=value`, the text put together as bytes.
        var text: [UInt8] = []
        text.reserveCapacity(128)
        let modified = String(indicator.modifiedMicroseconds)
        let digests = indicator.values.map { value in
            text.removeAll(keepingCapacity: true)
            text.append(contentsOf: indicator.stixID.utf8); text.append(UInt8(ascii: "|"))
            text.append(contentsOf: modified.utf8); text.append(UInt8(ascii: "|"))
            text.append(contentsOf: value.type.rawValue.utf8); text.append(UInt8(ascii: "="))
            text.append(contentsOf: value.value.utf8)
            return ContentDigest(text)
        }
        return Parsed(object: slim, entry: StoredIndicator(indicator: indicator, object: slim,
                                                           keys: FreshnessKeys.observableKeys(of: indicator.values), digests: digests),
                      blocked: indicator.values.filter(isBlocked))
    }

    func sector(of organizationID: String) async throws -> String? {
        if let known = sectors.withLock({ $0[organizationID] }) { return known }
        let sector = try await store.organization(id: organizationID)?.sector
        sectors.withLock { $0[organizationID] = sector }
        return sector
    }
}

extension ExportFilter {
    /// The filter as text, the same in every process (an ETag's input).
    var signature: String {
        let types = types.map(\.rawValue).sorted().joined(separator: ",")
        return "\(types)|\(maxTLP ?? "")|\(minConfidence ?? -1)|\(maxAgeSeconds ?? -1)|\(sector ?? "")|\(limitPerList ?? -1)|\(reduced)"
    }
}

extension FeedExporter.StoredIndicator {
    /// The sum of the digests of `values` (a subset of the indicator's values).
    func digests(of values: [ExportValue]) -> ContentDigest {
        var sum = ContentDigest()
        if values.count == indicator.values.count {
            for digest in digests { sum.add(digest) }
        } else {
            for (index, value) in indicator.values.enumerated() where values.contains(value) { sum.add(digests[index]) }
        }
        return sum
    }
}

/// A 128-bit digest that adds: the sum (modulo 2^128, as two words) of per-value SHA-256 prefixes,
/// so a document's digest is kept up to date by adding the values a patch appends.
struct ContentDigest: Sendable, Equatable {
    var high: UInt64 = 0, low: UInt64 = 0
    init() {}
    init(_ bytes: [UInt8]) {
        let hash = Array(SHA256.hash(data: bytes))
        high = hash[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        low = hash[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }
    mutating func add(_ other: ContentDigest) {
        let (sum, carry) = low.addingReportingOverflow(other.low)
        low = sum
        high = high &+ other.high &+ (carry ? 1 : 0)
    }
}
