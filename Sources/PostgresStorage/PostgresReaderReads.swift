// PostgresStorage reads for a reader: the versions a ReadScope's audience keys reach, served once,
// first/last decided over what the reader may see, and each dated for that reader (issue 12 item
// 16). A port of SQLiteStorage's ObjectVersions reads, statement for statement, so both back ends
// page alike; differences are noted where PostgreSQL needs them (GREATEST ignores NULL where
// SQLite's MAX(a, b, …) returns it, so the NULL of "visible through no key" is kept explicitly).
import Foundation
import PostgresNIO
import STIX
@_spi(ReadGate) import Storage

/// A statement being built, with `$n` parameters numbered as they are bound. A class, so that text
/// and binds can be added in one expression (`sql.text += "… \(sql.bind(x))"`).
final class BoundSQL {
    var text: String
    var binds = PostgresBindings()

    init(_ text: String) { self.text = text }

    /// Binds `value` and returns its `$n`.
    func bind<Value: PostgresEncodable & PostgresNonThrowingEncodable>(_ value: Value) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    func bind(_ value: [String]) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    func bind(_ value: [Int64]) -> String {
        binds.append(value)
        return "$\(binds.count)"
    }

    var query: PostgresQuery { PostgresQuery(unsafeSQL: text, binds: binds) }
}

extension PostgresHubStore {
    static let objectColumns = """
        ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
        ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us
        """

    /// A reader's page (`scope.audiences` not nil). A page by position (no added_after, and no
    /// backlog to date) is one statement, and so one snapshot, without a transaction: when the reader
    /// has ways of reading that began later (ReaderBacklog), that statement also says whether any of
    /// it is still backlog, and only then is the page read again by effective date, in one
    /// repeatable-read transaction (its statements must all see one snapshot). A single-object GET
    /// took four round trips (BEGIN, the backlog bounds, the page, COMMIT); it now takes one.
    func readerObjects(_ query: ObjectQuery, scope: ReadScope) async throws -> ObjectPage {
        if query.addedAfterMicroseconds == nil,
           let page = try await measuredConnection(.read, { c in try await self.pageUnlessBacklog(query, scope: scope, on: c) }) {
            return page
        }
        return try await measuredConnection(.read) { c in
            try await c.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: self.logger)
            do {
                let page = try await self.readerObjects(query, scope: scope, on: c)
                try await c.query("COMMIT", logger: self.logger)
                return page
            } catch {
                _ = try? await c.query("ROLLBACK", logger: self.logger)
                throw error
            }
        }
    }

    /// A reader's page by position (the query has no added_after) in one statement, or nil when the
    /// reader has a backlog to date (ReaderBacklog.hasBacklog over the same snapshot).
    func pageUnlessBacklog(_ query: ObjectQuery, scope: ReadScope, on c: PostgresConnection) async throws -> ObjectPage? {
        guard let feedKey = try? await feedKey(query.feedID, on: c) else { return ObjectPage(objects: [], more: false) }
        let backlog = ReaderBacklog(query: query, scope: scope)
        var query = query
        let after = query.afterPosition ?? 0
        if query.listingStart == nil { query.listingStart = after }
        if !query.ids.isEmpty, query.submissionID == nil {
            return try await idsPage(query, audiences: scope.audiences ?? [], feedKey: feedKey, after: after,
                                     backlog: backlog, on: c)
        }
        let sql = BoundSQL("")
        guard positionPage(query, audiences: scope.audiences ?? [], feedKey: feedKey, after: after, into: sql) else {
            // Nothing to walk (no audience keys).
            return backlog == nil ? ObjectPage(objects: [], more: false, listingStart: query.listingStart) : nil
        }
        guard let backlog else {
            return try Self.positionPage(try await c.namedQuery(sql, logger: logger), query: query)
        }
        // The backlog's bounds (see pageByEffectiveDate) in the same statement: one row of them,
        // joined to the page's rows (NULL columns when the page is empty).
        let page = sql.text
        sql.text = """
            SELECT p.*, b.boundary, b.lowest FROM (SELECT
              (SELECT position FROM object_version WHERE date_added_us > \(sql.bind(backlog.latest - 1)) ORDER BY date_added_us LIMIT 1) AS boundary,
              \(Self.lowestPosition(feedKey: sql.bind(feedKey), keys: sql.bind(backlog.keys))) AS lowest
            ) AS b LEFT JOIN (
            \(page)
            ) AS p ON true
            """
        let rows = try await c.namedQuery(sql, logger: logger)
        guard let first = rows.first?.makeRandomAccess() else { return nil }
        let boundary = try first[first.count - 2].decode(Int64?.self)
        let lowest = try first[first.count - 1].decode(Int64?.self)
        if ReaderBacklog.hasBacklog(lowest: lowest, boundary: boundary) { return nil }
        return try Self.positionPage(first[0].bytes == nil ? [] : rows, query: query)
    }

    /// A reader's page of the versions with `query.ids` by position (no added_after, no submission),
    /// or nil when the reader has a backlog to date: one statement that calls the two functions of
    /// v15-pg-latency, kakehashi_visible_versions (every version of those ids in the feed the reader
    /// may see) and, with a backlog, kakehashi_backlog_bounds; first, last, served once and the
    /// other filters are then decided here over those versions (`idsPage(_:query:after:)`).
    ///
    /// Why: the same read as one statement (`positionPage`) was planned again at every execution
    /// (PostgreSQL keeps custom plans for it; 0.6–1.5 ms of bind against 0.12 ms of execution per
    /// GET, statement log), which at 1,000 GETs/s took most of a core. Inside the functions the
    /// statements are planned once per connection (`plan_cache_mode = force_generic_plan` on the
    /// function: their generic plans probe indexes only), and the outer statement is trivial to plan.
    func idsPage(_ query: ObjectQuery, audiences: [String], feedKey: Int64, after: Int64,
                 backlog: ReaderBacklog?, on c: PostgresConnection) async throws -> ObjectPage? {
        let sql = BoundSQL("")
        let versions = """
            kakehashi_visible_versions(\(sql.bind(feedKey)), \(sql.bind(Array(Set(query.ids)).sorted())), \
            \(sql.bind(Array(Set(audiences)).sorted())))
            """
        guard let backlog else {
            sql.text = "SELECT * FROM \(versions)"
            return Self.idsPage(try await c.namedQuery(sql, logger: logger).map(Self.visibleVersion), query: query, after: after)
        }
        sql.text = """
            SELECT p.*, b.boundary, b.lowest
            FROM kakehashi_backlog_bounds(\(sql.bind(backlog.latest - 1)), \(sql.bind(feedKey)), \(sql.bind(backlog.keys))) AS b
            LEFT JOIN \(versions) AS p ON true
            """
        let rows = try await c.namedQuery(sql, logger: logger)
        guard let first = rows.first?.makeRandomAccess() else { return nil }
        let boundary = try first[first.count - 2].decode(Int64?.self)
        let lowest = try first[first.count - 1].decode(Int64?.self)
        if ReaderBacklog.hasBacklog(lowest: lowest, boundary: boundary) { return nil }
        return Self.idsPage(first[0].bytes == nil ? [] : try rows.map(Self.visibleVersion), query: query, after: after)
    }

    /// A row of kakehashi_visible_versions: the version and its version_us (the instant versions are
    /// compared by; `StoredObject.versionMicroseconds` is nil for a version without `modified`).
    static func visibleVersion(_ row: PostgresRow) throws -> (object: StoredObject, versionUs: Int64) {
        (try storedObject(row, feedID: ""), try row.makeRandomAccess()[11].decode(Int64.self))
    }

    /// The page `appendFilters` (served once by position, first/last over what the reader may see)
    /// and `positionPage` make of `visible`: every version of the query's ids in its feed that the
    /// reader may see, in any order.
    static func idsPage(_ visible: [(object: StoredObject, versionUs: Int64)], query: ObjectQuery, after: Int64) -> ObjectPage {
        let start = query.listingStart ?? 0
        let types = Set(query.types), specVersions = Set(query.specVersions)
        let selection = query.versions, instants = Set(selection.instants)
        var versionsOf: [String: [(position: Int64, versionUs: Int64)]] = [:]
        for (object, versionUs) in visible { versionsOf[object.stixID, default: []].append((object.position, versionUs)) }
        var objects: [StoredObject] = []
        for (object, versionUs) in visible where object.position > after {
            if !types.isEmpty, !types.contains(object.type) { continue }
            if !specVersions.isEmpty, !specVersions.contains(object.specVersion) { continue }
            let others = versionsOf[object.stixID] ?? []
            // Served once: a copy of this version seen earlier in the listing.
            if others.contains(where: { $0.versionUs == versionUs && $0.position < object.position && $0.position > start }) {
                continue
            }
            if !selection.all {
                let last = selection.last && !others.contains { $0.versionUs > versionUs }
                let first = selection.first && !others.contains { $0.versionUs < versionUs }
                guard last || first || instants.contains(versionUs) else { continue }
            }
            var object = object
            object.feedID = query.feedID
            objects.append(object)
        }
        objects.sort { $0.position < $1.position }
        let more = objects.count > query.limit
        if more { objects.removeSubrange(query.limit...) }
        return ObjectPage(objects: objects, more: more, listingStart: query.listingStart)
    }

    func readerObjects(_ query: ObjectQuery, scope: ReadScope, on c: PostgresConnection) async throws -> ObjectPage {
        guard let feedKey = try? await feedKey(query.feedID, on: c) else { return ObjectPage(objects: [], more: false) }
        if let page = try await pageByEffectiveDate(query, scope: scope, feedKey: feedKey, on: c) { return page }
        return try await objects(query, audiences: scope.audiences ?? [], feedKey: feedKey, on: c)
    }

    /// See SQLiteHubStore.pageByEffectiveDate: the backlog a reader gained later, dated for it
    /// (the decisions between the queries are ReaderBacklog's).
    func pageByEffectiveDate(_ query: ObjectQuery, scope: ReadScope, feedKey: Int64,
                             on c: PostgresConnection) async throws -> ObjectPage? {
        guard var backlog = ReaderBacklog(query: query, scope: scope) else { return nil }
        let since = backlog.since
        let keys = backlog.keys
        // The first position stored after the latest way of reading began, and the lowest position
        // any of those ways reaches: one round trip.
        var boundary: Int64?, lowest: Int64?
        let bounds = BoundSQL("")
        bounds.text = """
            SELECT (SELECT position FROM object_version WHERE date_added_us > \(bounds.bind(backlog.latest - 1)) ORDER BY date_added_us LIMIT 1),
                   \(Self.lowestPosition(feedKey: bounds.bind(feedKey), keys: bounds.bind(keys)))
            """
        for try await (first, low) in try await c.query(bounds.query, logger: logger).decode((Int64?, Int64?).self) {
            (boundary, lowest) = (first, low)
        }
        guard ReaderBacklog.hasBacklog(lowest: lowest, boundary: boundary), let lowest else { return nil }
        if backlog.needsListingStart, let addedAfter = query.addedAfterMicroseconds {
            backlog.start(firstAddedAfter: try await firstPosition(addedAfter: addedAfter, on: c))
        } else {
            backlog.start(firstAddedAfter: nil)
        }
        let query = backlog.query
        // A version's date for this reader: the latest of when read access to the feed became its,
        // its date_added, and the earliest instant at which one of the keys it is visible through
        // became the reader's (NULL when it is visible through none).
        func dated(_ alias: String, in sql: BoundSQL) -> String {
            var cases = ""
            for key in keys { cases += " WHEN \(sql.bind(key)) THEN \(sql.bind(since[key] ?? 0))::bigint" }
            let keyList = sql.bind(keys)
            let feedSince = sql.bind(scope.feedSince)
            let viaKey = """
                (SELECT min(CASE k.audience\(cases) ELSE 0::bigint END) FROM object_audience k
                 WHERE k.feed_key = \(alias).feed_key AND k.audience = ANY(\(keyList)) AND k.position = \(alias).position)
                """
            return "(SELECT CASE WHEN v IS NULL THEN NULL ELSE GREATEST(\(feedSince)::bigint, \(alias).date_added_us, v) END FROM \(viaKey) AS d(v))"
        }
        // Served once across the boundary: a version with a copy in the backlog that this listing
        // serves (dated after its added_after) was served there, earlier in the reader's order, so
        // its copies stored since are not served again. (Backlog copies after the listing's start
        // are already counted by the positional rule; those at or before it are not.)
        let addedAfter = query.addedAfterMicroseconds
        func servedInBacklog(before boundary: Int64) -> Condition {
            { sql in
                var text = """
                    NOT EXISTS (SELECT 1 FROM object_version o2 JOIN object_audience a2
                                  ON a2.position = o2.position
                                     AND a2.audience = ANY(\(sql.bind(keys)))
                                WHERE o2.feed_key = ov.feed_key AND o2.stix_id = ov.stix_id
                                  AND o2.version_us = ov.version_us AND o2.position < \(sql.bind(boundary))
                    """
                if let addedAfter { text += " AND \(dated("o2", in: sql)) > \(sql.bind(addedAfter))" }
                return text + ")"
            }
        }
        // A page wholly after the backlog: by position.
        if let boundary, backlog.isAfterBacklog(boundary: boundary) {
            return try await objects(query, audiences: keys, feedKey: feedKey, excluding: servedInBacklog(before: boundary), on: c)
        }
        let firstAfterCursorDate = backlog.needsFirstAfterCursorDate
            ? try await firstPosition(addedAfter: query.afterDateAdded! - 1, on: c) : nil
        let firstAfterAddedAfter = backlog.needsFirstAfterAddedAfter
            ? try await firstPosition(addedAfter: query.addedAfterMicroseconds!, on: c) : nil
        // One walk per key, all in one statement (UNION ALL branches tagged with their walk): one
        // round trip.
        let sql = BoundSQL("")
        var branches: [String] = []
        for key in keys {
            guard let start = backlog.walkStart(key: key, lowest: lowest, firstAfterCursorDate: firstAfterCursorDate,
                                                firstAfterAddedAfter: firstAfterAddedAfter) else { continue }
            let own = backlog.own(key)
            sql.text = ""
            let effective = dated("ov", in: sql)
            sql.text = """
                (SELECT w.*, \(branches.count)::bigint AS walk FROM (
                  SELECT \(Self.objectColumns), \(effective) AS effective
                  FROM object_audience oa JOIN object_version ov ON ov.position = oa.position
                  WHERE oa.feed_key = \(sql.bind(feedKey)) AND oa.audience = \(sql.bind(key))
                    AND oa.position > \(sql.bind(start)) AND oa.position < \(sql.bind(boundary ?? Int64.max))
                    AND ov.position > \(sql.bind(start)) AND ov.position < \(sql.bind(boundary ?? Int64.max))
                """
            appendFilters(query, audiences: keys, servedOnceByPosition: false, to: sql)
            sql.text += " ORDER BY oa.position) AS w WHERE w.effective = GREATEST(\(sql.bind(own))::bigint, w.date_added_us)"
            if let addedAfter = query.addedAfterMicroseconds {
                sql.text += " AND w.effective > \(sql.bind(addedAfter))"
            }
            if let afterDate = query.afterDateAdded, let afterPosition = query.afterPosition {
                let date = sql.bind(afterDate)
                sql.text += " AND (w.effective > \(date) OR (w.effective = \(date) AND w.position > \(sql.bind(afterPosition))))"
            }
            // Served once: of the copies of one version the reader may see, only the one it could see
            // first (earliest date for it, then position), counting from the listing's added_after.
            let otherDate = dated("o2", in: sql)
            sql.text += """
                 AND NOT EXISTS (SELECT 1 FROM (
                     SELECT o2.position AS other_position, \(otherDate) AS other_date FROM object_version o2
                     WHERE o2.feed_key = \(sql.bind(feedKey)) AND o2.stix_id = w.stix_id
                       AND o2.version_us = w.version_us AND o2.position <> w.position) AS c
                   WHERE c.other_date IS NOT NULL
                     AND (c.other_date < w.effective OR (c.other_date = w.effective AND c.other_position < w.position))
                """
            if let addedAfter = query.addedAfterMicroseconds {
                sql.text += " AND c.other_date > \(sql.bind(addedAfter))"
            }
            sql.text += ") ORDER BY w.position LIMIT \(sql.bind(query.limit + 1)))"
            branches.append(sql.text)
        }
        var walks: [ObjectPage] = []
        if !branches.isEmpty {
            sql.text = branches.joined(separator: "\nUNION ALL\n")
            var rows = [[StoredObject]](repeating: [], count: branches.count)
            for row in try await c.query(sql.query, logger: logger).collect() {
                let walk = try row.makeRandomAccess()[13].decode(Int64.self)
                rows[Int(walk)].append(try Self.storedObject(row, feedID: query.feedID, effective: true))
            }
            // Each walk as a statement of its own would give it: its first `limit` in position order,
            // and whether there was more.
            walks = rows.map { walk in
                let objects = walk.sorted { $0.position < $1.position }
                return ObjectPage(objects: Array(objects.prefix(query.limit)), more: objects.count > query.limit)
            }
        }
        var page = backlog.merge(walks)
        if let boundary, let rest = backlog.rest(after: page, boundary: boundary) {
            let more = try await objects(rest, audiences: keys, feedKey: feedKey,
                                         excluding: servedInBacklog(before: boundary), on: c)
            page.objects += more.objects
            page.more = more.more
        }
        page.listingStart = query.listingStart
        return page
    }

    /// A reader's page in position order, each version dated as stored. `excluding`: one more
    /// condition on `ov` every version read must meet (served once across a reader's backlog, see
    /// pageByEffectiveDate).
    func objects(_ query: ObjectQuery, audiences: [String], feedKey: Int64, excluding: Condition? = nil,
                 on c: PostgresConnection) async throws -> ObjectPage {
        var after = query.afterPosition ?? 0
        if let addedAfter = query.addedAfterMicroseconds {
            guard let first = try await firstPosition(addedAfter: addedAfter, on: c) else { return ObjectPage(objects: [], more: false) }
            after = max(after, first - 1)
        }
        var query = query
        if query.listingStart == nil { query.listingStart = after }
        let sql = BoundSQL("")
        guard positionPage(query, audiences: audiences, feedKey: feedKey, after: after, excluding: excluding, into: sql) else {
            return ObjectPage(objects: [], more: false, listingStart: query.listingStart)
        }
        return try Self.positionPage(try await c.namedQuery(sql, logger: logger), query: query)
    }

    /// The lowest position any of `keys` reaches in the feed `feedKey` (both already bound), NULL
    /// when none does: one probe of object_audience's primary key per key. `min(position) … WHERE
    /// audience = ANY(keys)` read every entry of those keys instead — PostgreSQL cannot take a
    /// minimum from an index over several values of its middle column. Per key, `ORDER BY position
    /// LIMIT 1` under `feed_key = … AND audience = …` was not a probe either once the feed had
    /// statistics: PostgreSQL walked object_audience_by_position from the first position, filtering,
    /// and for a key with no entries in the feed (a reader's `public` or all-members key) read the
    /// whole index (29 ms of a 29.3 ms GET at 10,200 objects, EXPLAIN ANALYZE; 42 ms a GET in the
    /// statement log, growing with the feed). The row comparison below can only start a scan of the
    /// primary key (feed_key, audience, position), at the key's first entry; whether the entry found
    /// is the key's is checked after (0.02 ms per key).
    static func lowestPosition(feedKey: String, keys: String) -> String {
        """
        (SELECT min(l.position) FROM unnest(\(keys)::text[]) AS k(audience) CROSS JOIN LATERAL
           (SELECT a.feed_key, a.audience, a.position FROM object_audience a
            WHERE (a.feed_key, a.audience, a.position) > (\(feedKey)::bigint, k.audience, -1::bigint)
            ORDER BY a.feed_key, a.audience, a.position LIMIT 1) AS l
         WHERE l.feed_key = \(feedKey)::bigint AND l.audience = k.audience)
        """
    }

    /// Writes into `sql` the one statement of a reader's page in position order after `after`: false
    /// (nothing written) when there is nothing to read. With ids, one scan of the versions with those
    /// ids; otherwise each audience key's walk in position order (its first `limit + 1` versions),
    /// the walks as UNION ALL branches, each row tagged with its walk's index. The bound is repeated
    /// on `ov.position` (equal to `oa.position`): PostgreSQL does not carry an inequality across the
    /// join, and without it a merge join read object_version from its first position on every page,
    /// so that a page's time grew with its place in the collection (210 ms a page of 1,000 at 90,000
    /// objects in; 40 ms with the bound). Rows start with `objectColumns` (see `positionPage(_:query:)`).
    ///
    /// Whether a version is visible is asked of its own audience rows only: by position alone (a
    /// position belongs to one feed, so feed_key adds nothing), which only object_audience_by_position
    /// answers, and with ids the probe stays a per-version subplan (`OFFSET 0` keeps PostgreSQL
    /// from turning the EXISTS into a join). Both so that the plan does not depend on statistics:
    /// right after a feed was loaded (before autovacuum's first ANALYZE), a single-object GET was
    /// planned as a merge semi-join that sorted every audience row of the feed (17–25 ms a GET at
    /// 10,000 objects; auto_explain during the benchmark's GET phase), and probes by
    /// (feed_key, position) as a walk of the feed's whole primary key filtered by audience (0.45 ms
    /// at 10,000 objects, growing with the feed). Now 0.2–0.4 ms for the whole GET statement
    /// (EXPLAIN ANALYZE, same data, no statistics).
    func positionPage(_ query: ObjectQuery, audiences: [String], feedKey: Int64, after: Int64,
                      excluding: Condition? = nil, into sql: BoundSQL) -> Bool {
        if !query.ids.isEmpty {
            sql.text = """
                SELECT \(Self.objectColumns) FROM object_version ov
                WHERE ov.feed_key = \(sql.bind(feedKey)) AND ov.position > \(sql.bind(after))
                  AND EXISTS (SELECT 1 FROM object_audience oa WHERE oa.position = ov.position
                              AND oa.audience = ANY(\(sql.bind(Array(Set(audiences)).sorted()))) OFFSET 0)
                """
            appendFilters(query, audiences: audiences, excluding: excluding, to: sql)
            sql.text += " ORDER BY ov.position LIMIT \(sql.bind(query.limit + 1))"
            return true
        }
        let walks = Array(Set(audiences)).sorted()
        guard !walks.isEmpty else { return false }
        var branches: [String] = []
        for (walk, audience) in walks.enumerated() {
            sql.text = """
                (SELECT \(Self.objectColumns), \(walk)::bigint AS walk
                FROM object_audience oa JOIN object_version ov ON ov.position = oa.position
                WHERE oa.feed_key = \(sql.bind(feedKey)) AND oa.audience = \(sql.bind(audience)) AND oa.position > \(sql.bind(after))
                  AND ov.position > \(sql.bind(after))
                """
            appendFilters(query, audiences: audiences, excluding: excluding, to: sql)
            sql.text += " ORDER BY oa.position LIMIT \(sql.bind(query.limit + 1)))"
            branches.append(sql.text)
        }
        sql.text = branches.joined(separator: "\nUNION ALL\n")
        return true
    }

    /// The page the rows of a `positionPage` statement make: the first `limit` positions of them
    /// (one walk's rows, or the union of the walks', each walk's first `limit` holding its part);
    /// there is more exactly when there are more than `limit` positions.
    static func positionPage(_ rows: [PostgresRow], query: ObjectQuery) throws -> ObjectPage {
        var merged: [Int64: StoredObject] = [:]
        for row in rows {
            let object = try storedObject(row, feedID: query.feedID)
            merged[object.position] = object
        }
        var objects = merged.values.sorted { $0.position < $1.position }
        let more = objects.count > query.limit
        if more { objects.removeSubrange(query.limit...) }
        return ObjectPage(objects: objects, more: more, listingStart: query.listingStart)
    }

    /// A condition on `ov`, written into the statement being built (binding its values there).
    typealias Condition = (BoundSQL) -> String

    /// The reader's filters (SQLiteHubStore.appendFilters with audiences): first, last and served
    /// once are decided over what the reader may see; `excluding`: one more condition every version
    /// read must meet.
    func appendFilters(_ query: ObjectQuery, audiences: [String], servedOnceByPosition: Bool = true,
                       excluding: Condition? = nil, to sql: BoundSQL) {
        if let excluding { sql.text += " AND " + excluding(sql) }
        if !query.ids.isEmpty { sql.text += " AND ov.stix_id = ANY(\(sql.bind(query.ids)))" }
        if !query.types.isEmpty { sql.text += " AND ov.type = ANY(\(sql.bind(query.types)))" }
        if !query.specVersions.isEmpty { sql.text += " AND ov.spec_version = ANY(\(sql.bind(query.specVersions)))" }
        if let submissionID = query.submissionID {
            let marker = sql.bind(submissionID)
            if query.includeReleasedCopies {
                sql.text += " AND ov.submission_id = \(marker)"
            } else {
                sql.text += """
                     AND ov.position BETWEEN (SELECT first_position FROM submission WHERE id = \(marker))
                                         AND (SELECT last_position FROM submission WHERE id = \(marker))
                     AND ov.submission_id = \(marker) AND ov.release_id = ''
                    """
            }
        }
        let keys = Array(Set(audiences)).sorted()
        func visibleOther(_ condition: String, _ sql: BoundSQL) -> String {
            """
            EXISTS (SELECT 1 FROM object_version o2 JOIN object_audience a2
                      ON a2.position = o2.position AND a2.audience = ANY(\(sql.bind(keys)))
                    WHERE o2.feed_key = ov.feed_key AND o2.stix_id = ov.stix_id AND \(condition))
            """
        }
        if servedOnceByPosition {
            let start = sql.bind(query.listingStart ?? 0)
            sql.text += " AND NOT " + visibleOther(
                "o2.version_us = ov.version_us AND o2.position < ov.position AND o2.position > \(start)", sql)
        }
        let selection = query.versions
        if !selection.all {
            var alternatives: [String] = []
            if selection.last { alternatives.append("NOT " + visibleOther("o2.version_us > ov.version_us", sql)) }
            if selection.first { alternatives.append("NOT " + visibleOther("o2.version_us < ov.version_us", sql)) }
            if !selection.instants.isEmpty { alternatives.append("ov.version_us = ANY(\(sql.bind(selection.instants)))") }
            sql.text += alternatives.isEmpty ? " AND false" : " AND (\(alternatives.joined(separator: " OR ")))"
        }
    }

    /// The first position whose version was added after `instant`, nil when none was (date_added
    /// grows with position; the index object_by_date_added answers it).
    func firstPosition(addedAfter instant: Int64, on c: PostgresConnection) async throws -> Int64? {
        var first: Int64?
        for try await position in try await c.query("""
            SELECT position FROM object_version WHERE date_added_us > \(instant) ORDER BY date_added_us LIMIT 1
            """, logger: logger).decode(Int64.self) { first = position }
        return first
    }
}
