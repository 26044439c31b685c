// SQLiteStorage object versions: appending submitted STIX versions (and released copies) with their
// audiences, and range-reading them for one reader's audiences.
import Foundation
import GRDB
import STIX
@_spi(ReadGate) import Storage

extension SQLiteHubStore {
    public func append(_ objects: [IncomingObject], to feedID: String,
                       recording submission: Submission, extras: SubmissionExtras?) async throws -> [AppendResult] {
        try await append(IncomingStream(objects, recording: submission, extras: extras), to: feedID,
                         countingReports: false).results
    }

    public func appendCountingReports(_ objects: [IncomingObject], to feedID: String, recording submission: Submission,
                                      extras: SubmissionExtras) async throws -> AppendOutcome {
        try await append(IncomingStream(objects, recording: submission, extras: extras), to: feedID, countingReports: true)
    }

    /// Inserts each chunk as it arrives, on the writer's thread and inside its one transaction (the
    /// thread waits for the next chunk; the transaction holds the write lock meanwhile), then records
    /// the submission, its extras and its audit entry, and commits.
    public func append(_ stream: IncomingStream, to feedID: String, countingReports: Bool) async throws -> AppendOutcome {
        let (outcome, tailCount) = try await appendWrite(stream, to: feedID, countingReports: countingReports)
        noteObjectChange()   // after the commit (localChangeCount)
        // After the commit (the submission is durable): a full tail is merged in writes of its own.
        await mergeObservableTailIfFull(tailCount)
        return outcome
    }

    func appendWrite(_ stream: IncomingStream, to feedID: String, countingReports: Bool) async throws -> (AppendOutcome, Int) {
        let indexTail = !benchmarkIndexesDirectly.load(ordering: .relaxed)
        return try await measuredWrite { db in
            let feedKey = try Self.feedKey(feedID, in: db)
            // This append's entries go to one tail generation (see ObservableIndex).
            let tailGeneration = try Self.tailGeneration(in: db)
            var results: [AppendResult] = []
            var counts: [String: Int] = [:]
            while true {
                switch stream.next() {
                case .objects(let objects, let observables):
                    results += try Self.insert(objects, feedKey: feedKey, submissionID: stream.submissionID,
                                               providerOrganizationID: stream.organizationID, releaseID: "",
                                               indexTail: indexTail, tailGeneration: tailGeneration, in: db)
                    if !observables.isEmpty {
                        counts.merge(try Self.report(observables, organizationID: stream.organizationID,
                                                     submissionID: stream.submissionID, counting: countingReports, in: db),
                                     uniquingKeysWith: max)
                    }
                case .end(let submission, let extras):
                    counts.merge(try self.record(submission, results: results, extras: extras, feedID: feedID,
                                                 feedKey: feedKey, countingReports: countingReports, in: db),
                                 uniquingKeysWith: max)
                    return (AppendOutcome(results: results, observableReportCounts: counts), try Self.tailCount(in: db))
                case .abandoned:
                    throw CancellationError()
                }
            }
        }
    }

    /// The submission row (its outcome noting duplicates), its extras and its audit entry.
    func record(_ submission: Submission, results: [AppendResult], extras: SubmissionExtras?, feedID: String,
                feedKey: Int64, countingReports: Bool, in db: Database) throws -> [String: Int] {
        var outcome = SubmissionOutcome(successes: submission.successes, failures: submission.failures,
                                        pendings: submission.pendings)
        if outcome.successes.count == results.count {
            for (index, result) in results.enumerated() where result == .alreadyPresent {
                outcome.successes[index].message = "this version was already in the collection; stored once"
            }
        }
        // The originals' positions are one unbroken run (this transaction inserted them one after
        // another): reads of a submission's originals go by this range (appendFilters).
        let positions = results.compactMap { if case .stored(let position) = $0 { position } else { nil } }
        try db.execute(sql: """
            INSERT INTO submission (id, feed_id, organization_id, user_id, request_timestamp, outcome,
                                    first_position, last_position)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """, arguments: [submission.id, feedID, submission.organizationID, submission.userID,
                             submission.requestTimestamp, Self.outcomeJSON(outcome), positions.first, positions.last])
        var counts: [String: Int] = [:]
        if let extras {
            counts = try Self.insert(extras, submissionID: submission.id, organizationID: submission.organizationID,
                                     feedKey: feedKey, countingReports: countingReports, in: db)
        }
        let stored = results.filter { if case .stored = $0 { true } else { false } }.count
        try appendAudit([AuditEvent(
            action: .write, actorUserID: submission.userID, actorOrganizationID: submission.organizationID,
            subject: submission.id,
            details: ["feed": feedID, "accepted": String(outcome.successes.count),
                      "rejected": String(outcome.failures.count), "stored": String(stored)])], in: db)
        return counts
    }

    static func feedKey(_ feedID: String, in db: Database) throws -> Int64 {
        guard let key = try Int64.fetchOne(db.cachedStatement(sql: "SELECT key FROM feed WHERE id = ?"), arguments: [feedID]) else {
            throw StoreError.notFound("feed \(feedID)")
        }
        return key
    }

    /// Inserts versions with strictly increasing positions and date_added, keeping the first/latest
    /// marks of each (feed, id, release) series, and the versions' audiences.
    static func insert(_ objects: [IncomingObject], feedKey: Int64, submissionID: String,
                       providerOrganizationID: String, releaseID: String, indexTail: Bool = true,
                       tailGeneration: Int64? = nil, in db: Database) throws -> [AppendResult] {
        let nowMicroseconds = Int64(Date().timeIntervalSince1970 * 1_000_000)
        // date_added_us grows with position: the newest version holds the largest.
        let lastAdded = try Int64.fetchOne(db.cachedStatement(
            sql: "SELECT date_added_us FROM object_version ORDER BY position DESC LIMIT 1")) ?? 0
        var dateAdded = max(nowMicroseconds, lastAdded + 1)
        let insert = try db.cachedStatement(sql: """
            INSERT INTO object_version (feed_key, stix_id, id_hash, type, spec_version, version, version_us,
                date_added_us, is_latest, is_first, submission_id, provider_org_id, release_id, tlp, json)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        let clearLatest = try db.cachedStatement(sql: """
            UPDATE object_version SET is_latest = 0
            WHERE feed_key = ? AND id_hash = ? AND stix_id = ? AND release_id = ? AND provider_org_id = ? AND is_latest = 1
            """)
        let clearFirst = try db.cachedStatement(sql: """
            UPDATE object_version SET is_first = 0
            WHERE feed_key = ? AND id_hash = ? AND stix_id = ? AND release_id = ? AND provider_org_id = ? AND is_first = 1
            """)
        let addAudience = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO object_audience (feed_key, audience, position) VALUES (?, ?, ?)
            """)
        let defaultAudiences = [Audience.organization(providerOrganizationID), Audience.hubStaff]
        // The two statements run once per object: bound directly (see DirectStatement).
        let row = DirectStatement(insert, db)
        let audienceRow = DirectStatement(addAudience, db)

        // The versions already stored in each id's series (feed, id, release, provider), read at once
        // (most ids are new), then kept up to date as the envelope's own versions go in. A version
        // already in its series is stored once: this check is the series' uniqueness, and it holds
        // because every insert runs here, inside the single writer's transaction.
        var stored: [String: VersionSeries] = [:]
        let hashes = Dictionary(objects.map { ($0.stixID, KeyHash.of($0.stixID)) }, uniquingKeysWith: { first, _ in first })
        let ids = Array(hashes.keys)
        for start in stride(from: 0, to: ids.count, by: 500) {
            let chunk = ids[start..<min(start + 500, ids.count)]
            var arguments: StatementArguments = [feedKey, releaseID, providerOrganizationID]
            _ = arguments.append(contentsOf: StatementArguments.positional(chunk.map { hashes[$0]! }))
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT stix_id, version_us FROM object_version
                WHERE feed_key = ? AND release_id = ? AND provider_org_id = ? AND id_hash IN (\(placeholders(chunk.count)))
                """), arguments: arguments)
            while let row = try rows.next() {
                let id: String = row[0]
                // Another id with the same hash is not part of this series.
                guard hashes[id] != nil else { continue }
                stored[id, default: VersionSeries()].insert(row[1])
            }
        }

        var results: [AppendResult] = []
        results.reserveCapacity(objects.count)
        for object in objects {
            let versionKey = object.versionMicroseconds ?? -1
            let idHash = hashes[object.stixID]!
            var isLatest = true, isFirst = true
            let known = stored[object.stixID]
            if let known {
                if known.versions.contains(versionKey) {
                    results.append(.alreadyPresent)
                    continue
                }
                let series: StatementArguments = [feedKey, idHash, object.stixID, releaseID, providerOrganizationID]
                isLatest = versionKey > known.newest
                isFirst = versionKey < known.oldest
                if isLatest { try clearLatest.execute(arguments: series) }
                if isFirst { try clearFirst.execute(arguments: series) }
            }
            row.bind(1, feedKey); row.bind(2, object.stixID); row.bind(3, idHash); row.bind(4, object.type)
            row.bind(5, object.specVersion); row.bind(6, object.version); row.bind(7, versionKey)
            row.bind(8, dateAdded); row.bind(9, isLatest); row.bind(10, isFirst); row.bind(11, submissionID)
            row.bind(12, providerOrganizationID); row.bind(13, releaseID); row.bind(14, object.tlp?.rawValue)
            row.bind(15, blob: object.bytes)
            try row.step()
            stored[object.stixID, default: VersionSeries()].insert(versionKey)
            let position = db.lastInsertedRowID
            let audiences = object.audiences.isEmpty ? defaultAudiences : object.audiences
            for (index, audience) in audiences.enumerated() where !audiences[..<index].contains(audience) {
                audienceRow.bind(1, feedKey); audienceRow.bind(2, audience); audienceRow.bind(3, position)
                try audienceRow.step()
            }
            results.append(.stored(position: position))
            dateAdded += 1
            if object.revokes {
                try unindex(seriesOf: object.stixID, idHash: idHash, feedKey: feedKey, releaseID: releaseID,
                            providerOrganizationID: providerOrganizationID, in: db)
            } else {
                if !object.observables.isEmpty {
                    try index(object.observables, position: position, heldBack: object.observablesHeldBack,
                              generation: tailGeneration, direct: indexTail ? nil : (submissionID, providerOrganizationID),
                              in: db)
                }
                try indexForSearch(object.searchDocument, position: position, in: db)
            }
        }
        return results
    }

    @_spi(ReadGate) public func objects(_ query: ObjectQuery, for scope: ReadScope) async throws -> ObjectPage {
        // A read of named objects (or everything, for the hub itself) is one statement after the
        // feed's key, which never changes: it needs no transaction of its own. Listings merge one
        // statement per audience key and must see one snapshot, so they run in a read transaction.
        if query.addedAfterMicroseconds == nil, scope.audiences == nil || !query.ids.isEmpty {
            // Named objects are a few index lookups: read inline when a connection is idle.
            if !query.ids.isEmpty, let page = try inlineReaders.read({ db in try Self.objects(query, scope: scope, in: db) }) {
                return page
            }
            return try await pool.unsafeRead { db in try Self.objects(query, scope: scope, in: db) }
        }
        return try await measuredRead { db in try Self.objects(query, scope: scope, in: db) }
    }

    static func objects(_ query: ObjectQuery, scope: ReadScope, in db: Database) throws -> ObjectPage {
        guard let feedKey = try Int64.fetchOne(db.cachedStatement(sql: "SELECT key FROM feed WHERE id = ?"),
                                               arguments: [query.feedID])
        else { return ObjectPage(objects: [], more: false) }
        if let page = try pageByEffectiveDate(query, scope: scope, feedKey: feedKey, in: db) { return page }
        return try objects(query, audiences: scope.audiences, feedKey: feedKey, in: db)
    }

    /// A reader's page when some of what it may read was stored before it could read it: those
    /// versions are dated, for this reader, when they became visible to it (the later of their
    /// date_added and the instant the audience key, or read access to the feed, became the
    /// reader's; through several keys, the earliest), and the listing goes in that order.
    ///
    /// Versions stored at or after the reader's latest such instant are dated as stored and come
    /// after every earlier one in that order: they are read by position as usual, leaving out the
    /// versions this listing served from the backlog (served once). The earlier ones (the backlog) are dated one by one;
    /// their order resumes from the cursor's (date, position).
    /// The backlog is read by one walk of the audience index per key, from the cursor on.
    /// The decisions between the queries are ReaderBacklog's (shared with PostgreSQL).
    static func pageByEffectiveDate(_ query: ObjectQuery, scope: ReadScope, feedKey: Int64,
                                    in db: Database) throws -> ObjectPage? {
        guard var backlog = ReaderBacklog(query: query, scope: scope) else { return nil }
        let since = backlog.since
        // The first position stored at or after `latest` (nil: everything was stored before it).
        let boundary = try firstPosition(addedAfter: backlog.latest - 1, in: db)
        // The first position the reader may see in this feed (one probe of the audience index per
        // key): the backlog lies between it and the boundary, and is empty when it starts at or after it.
        let keys = backlog.keys
        let firstOfKey = try db.cachedStatement(sql: """
            SELECT position FROM object_audience WHERE feed_key = ? AND audience = ? ORDER BY position LIMIT 1
            """)
        var lowest: Int64?
        for key in keys {
            if let position = try Int64.fetchOne(firstOfKey, arguments: [feedKey, key]) {
                lowest = min(lowest ?? position, position)
            }
        }
        guard ReaderBacklog.hasBacklog(lowest: lowest, boundary: boundary), let lowest else { return nil }
        if backlog.needsListingStart, let addedAfter = query.addedAfterMicroseconds {
            backlog.start(firstAddedAfter: try firstPosition(addedAfter: addedAfter, in: db))
        } else {
            backlog.start(firstAddedAfter: nil)
        }
        let query = backlog.query
        // A version's date for this reader: the latest of when read access to the feed became its,
        // its date_added, and the earliest instant at which one of the keys it is visible through
        // became the reader's (NULL when it is visible through none).
        var cases = ""
        var caseArguments: StatementArguments = []
        for key in keys {
            cases += " WHEN ? THEN ?"
            _ = caseArguments.append(contentsOf: [key, since[key] ?? 0])
        }
        func dated(_ alias: String) -> (sql: String, arguments: StatementArguments) {
            var arguments: StatementArguments = [scope.feedSince]
            _ = arguments.append(contentsOf: caseArguments)
            _ = arguments.append(contentsOf: StatementArguments.positional(keys))
            return ("""
                MAX(?, \(alias).date_added_us, (SELECT MIN(CASE k.audience\(cases) ELSE 0 END) FROM object_audience k
                    WHERE k.feed_key = \(alias).feed_key AND k.audience IN (\(placeholders(keys.count)))
                      AND k.position = \(alias).position))
                """, arguments)
        }
        let date = dated("ov"), otherDate = dated("o2")
        // Served once across the boundary: a version with a copy in the backlog that this listing
        // serves (dated after its added_after) was served there, earlier in the reader's order, so
        // its copies stored since are not served again. (Backlog copies after the listing's start
        // are already counted by the positional rule; those at or before it are not.)
        func servedInBacklog(before boundary: Int64) -> Condition {
            var sql = """
                NOT EXISTS (SELECT 1 FROM object_version o2 CROSS JOIN object_audience a2
                              ON a2.feed_key = o2.feed_key AND a2.position = o2.position
                                 AND a2.audience IN (\(placeholders(keys.count)))
                            WHERE o2.feed_key = ov.feed_key AND o2.id_hash = ov.id_hash AND o2.stix_id = ov.stix_id
                              AND o2.version_us = ov.version_us AND o2.position < ?
                """
            var arguments = StatementArguments.positional(keys)
            _ = arguments.append(contentsOf: [boundary])
            if let addedAfter = query.addedAfterMicroseconds {
                sql += " AND \(otherDate.sql) > ?"
                _ = arguments.append(contentsOf: otherDate.arguments)
                _ = arguments.append(contentsOf: [addedAfter])
            }
            return (sql + ")", arguments)
        }
        // A page wholly after the backlog: by position.
        if let boundary, backlog.isAfterBacklog(boundary: boundary) {
            return try objects(query, audiences: keys, feedKey: feedKey, excluding: servedInBacklog(before: boundary), in: db)
        }
        // One walk of the audience index per key, in position order, keeping the versions this key
        // dates (no other key made them visible earlier): within one walk the date is the later of
        // date_added and the key's own instant, so it grows with position and each walk is already
        // in the listing's order.
        let firstAfterCursorDate = try backlog.needsFirstAfterCursorDate
            ? firstPosition(addedAfter: query.afterDateAdded! - 1, in: db) : nil
        let firstAfterAddedAfter = try backlog.needsFirstAfterAddedAfter
            ? firstPosition(addedAfter: query.addedAfterMicroseconds!, in: db) : nil
        var walks: [ObjectPage] = []
        for key in keys {
            guard let start = backlog.walkStart(key: key, lowest: lowest, firstAfterCursorDate: firstAfterCursorDate,
                                                firstAfterAddedAfter: firstAfterAddedAfter) else { continue }
            let own = backlog.own(key)
            var arguments = date.arguments
            var sql = """
                SELECT * FROM (
                  SELECT ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                         ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us,
                         \(date.sql) AS effective, ov.id_hash AS id_hash
                  FROM object_audience oa CROSS JOIN object_version ov ON ov.position = oa.position
                  WHERE oa.feed_key = ? AND oa.audience = ? AND oa.position > ? AND oa.position < ?
                """
            _ = arguments.append(contentsOf: [feedKey, key, start, boundary ?? Int64.max])
            appendFilters(query, audiences: keys, servedOnceByPosition: false, to: &sql, arguments: &arguments)
            sql += " ORDER BY oa.position) AS w WHERE w.effective = MAX(?, w.date_added_us)"
            _ = arguments.append(contentsOf: [own])
            if let addedAfter = query.addedAfterMicroseconds {
                sql += " AND w.effective > ?"
                _ = arguments.append(contentsOf: [addedAfter])
            }
            if let afterDate = query.afterDateAdded, let afterPosition = query.afterPosition {
                sql += " AND (w.effective > ? OR (w.effective = ? AND w.position > ?))"
                _ = arguments.append(contentsOf: [afterDate, afterDate, afterPosition])
            }
            // Served once: of the copies of one version the reader may see, only the one it could see
            // first (earliest date for it, then position), counting from the listing's added_after.
            sql += """
                 AND NOT EXISTS (SELECT 1 FROM (
                     SELECT o2.position AS other_position, \(otherDate.sql) AS other_date FROM object_version o2
                     WHERE o2.feed_key = ? AND o2.id_hash = w.id_hash AND o2.stix_id = w.stix_id
                       AND o2.version_us = w.version_us AND o2.position <> w.position) AS c
                   WHERE c.other_date IS NOT NULL
                     AND (c.other_date < w.effective OR (c.other_date = w.effective AND c.other_position < w.position))
                """
            _ = arguments.append(contentsOf: otherDate.arguments)
            _ = arguments.append(contentsOf: [feedKey])
            if let addedAfter = query.addedAfterMicroseconds {
                sql += " AND c.other_date > ?"
                _ = arguments.append(contentsOf: [addedAfter])
            }
            sql += ") LIMIT ?"
            _ = arguments.append(contentsOf: [query.limit + 1])
            // `read` keeps `limit` rows and tells whether more follow; every row kept from every walk
            // precedes what that walk left, so the first `limit` merged are still the next page.
            walks.append(try read(db, sql: sql, arguments: arguments, query: query, effectiveDate: true))
        }
        var page = backlog.merge(walks)
        if let boundary, let rest = backlog.rest(after: page, boundary: boundary) {
            // The backlog is done: go on with what was stored since, by position (with no room
            // left, this only tells whether more follows).
            let more = try objects(rest, audiences: keys, feedKey: feedKey, excluding: servedInBacklog(before: boundary), in: db)
            page.objects += more.objects
            page.more = more.more
        }
        page.listingStart = query.listingStart
        return page
    }

    /// A page in position order, each version dated as stored (`audiences` nil: the hub's own read).
    /// `excluding`: one more condition on `ov` every version read must meet (served once across a
    /// reader's backlog, see pageByEffectiveDate).
    static func objects(_ query: ObjectQuery, audiences: [String]?, feedKey: Int64,
                        excluding: Condition? = nil, in db: Database) throws -> ObjectPage {
        var after = query.afterPosition ?? 0
        if let addedAfter = query.addedAfterMicroseconds {
            // date_added grows with position, so added_after is a lower bound on position.
            guard let first = try Self.firstPosition(addedAfter: addedAfter, in: db)
            else { return ObjectPage(objects: [], more: false) }
            after = max(after, first - 1)
        }
        // Where this listing began: a version is served once within one listing, counting only
        // copies from there on (so an incremental poll still gets what became visible to it).
        var query = query
        if query.listingStart == nil { query.listingStart = after }
        guard let audiences else {
            var page = try Self.page(db, feedKey: feedKey, audience: nil, readerKeys: nil, after: after, query: query)
            page.listingStart = query.listingStart
            return page
        }
        if !query.ids.isEmpty {
            // Named objects: one read from the object index, each row checked against every key.
            var page = try Self.page(db, feedKey: feedKey, anyOf: Array(Set(audiences)), after: after, query: query,
                                     excluding: excluding)
            page.listingStart = query.listingStart
            return page
        }
        // One index range read per audience key, merged by position: each stays bounded by the
        // page size however large the feed is.
        var merged: [Int64: StoredObject] = [:]
        var more = false
        for audience in Set(audiences) {
            let page = try Self.page(db, feedKey: feedKey, audience: audience, readerKeys: audiences, after: after,
                                     query: query, excluding: excluding)
            more = more || page.more
            for object in page.objects { merged[object.position] = object }
        }
        var objects = merged.values.sorted { $0.position < $1.position }
        if objects.count > query.limit {
            objects.removeSubrange(query.limit...)
            more = true
        } else if more, let last = objects.last {
            // Another key had more beyond its own page, but those may all be past what we keep.
            more = try Self.anyVisible(db, feedKey: feedKey, audiences: audiences, after: last.position, query: query,
                                       excluding: excluding)
        }
        var page = ObjectPage(objects: objects, more: more)
        page.listingStart = query.listingStart
        return page
    }

    /// Named objects (`query.ids`) visible to any of `audiences`, in one statement.
    static func page(_ db: Database, feedKey: Int64, anyOf audiences: [String], after: Int64,
                     query: ObjectQuery, excluding: Condition? = nil) throws -> ObjectPage {
        var sql = """
            SELECT ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                   ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us
            FROM object_version ov
            WHERE ov.feed_key = ? AND ov.position > ?
              AND EXISTS (SELECT 1 FROM object_audience oa WHERE oa.position = ov.position AND oa.feed_key = ov.feed_key
                          AND oa.audience IN (\(placeholders(audiences.count))))
            """
        var arguments: StatementArguments = [feedKey, after]
        _ = arguments.append(contentsOf: StatementArguments.positional(audiences))
        appendFilters(query, audiences: audiences, excluding: excluding, to: &sql, arguments: &arguments)
        sql += " ORDER BY ov.position LIMIT ?"
        _ = arguments.append(contentsOf: [query.limit + 1])
        return try read(db, sql: sql, arguments: arguments, query: query)
    }

    /// One audience key's walk (`audience` nil: every version, for the hub); `readerKeys` are all
    /// the reader's keys (nil for the hub), which decide first, last and served-once.
    static func page(_ db: Database, feedKey: Int64, audience: String?, readerKeys: [String]?, after: Int64,
                     query: ObjectQuery, excluding: Condition? = nil) throws -> ObjectPage {
        var sql: String
        var arguments: StatementArguments
        if let audience, !query.ids.isEmpty {
            // Named ids: start from the object index, then check the audience (CROSS JOIN fixes the order).
            sql = """
                SELECT ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                       ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us
                FROM object_version ov CROSS JOIN object_audience oa
                  ON oa.feed_key = ov.feed_key AND oa.audience = ? AND oa.position = ov.position
                WHERE ov.feed_key = ? AND ov.position > ?
                """
            arguments = [audience, feedKey, after]
        } else if let audience {
            sql = """
                SELECT ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                       ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us
                FROM object_audience oa CROSS JOIN object_version ov ON ov.position = oa.position
                WHERE oa.feed_key = ? AND oa.audience = ? AND oa.position > ?
                """
            arguments = [feedKey, audience, after]
        } else {
            sql = """
                SELECT ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                       ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us
                FROM object_version ov WHERE \(query.ids.isEmpty ? "+" : "")ov.feed_key = ? AND ov.position > ?
                """
            // Without named ids, the read walks positions (the table's own order); the unary plus
            // keeps SQLite from reading the feed through the id index and sorting it.
            arguments = [feedKey, after]
        }
        appendFilters(query, audiences: readerKeys, excluding: excluding, to: &sql, arguments: &arguments)
        // Walk the audience (or object) index in position order; CROSS JOIN keeps SQLite from driving
        // the read from the type index, which would scan every object of that type for an empty audience.
        // Order by the column of the index being walked: `ORDER BY ov.position` on the audience branch
        // made SQLite sort every visible row (and run the served-once probes on each) before the LIMIT.
        let walksAudienceIndex = audience != nil && query.ids.isEmpty
        sql += walksAudienceIndex ? " ORDER BY oa.position LIMIT ?" : " ORDER BY ov.position LIMIT ?"
        _ = arguments.append(contentsOf: [query.limit + 1])
        return try read(db, sql: sql, arguments: arguments, query: query)
    }

    /// Runs a page query (the columns above, `limit + 1` rows) and tells whether there is more.
    /// With `effectiveDate`, a 13th column is the version's date_added for this reader.
    static func read(_ db: Database, sql: String, arguments: StatementArguments, query: ObjectQuery,
                     effectiveDate: Bool = false) throws -> ObjectPage {
        var objects: [StoredObject] = []
        // The same query shapes recur on every request: keep their compiled statements.
        let rows = try Row.fetchCursor(db.cachedStatement(sql: sql), arguments: arguments)
        while let row = try rows.next() {
            let dateAdded: Int64 = row[5]
            let version: String? = row[4]
            let releaseID: String = row[9]
            objects.append(StoredObject(
                position: row[0], feedID: query.feedID, stixID: row[1], type: row[2], specVersion: row[3],
                version: version ?? STIXTimestamp.formatting(microseconds: dateAdded),
                dateAddedMicroseconds: effectiveDate ? row[12] : dateAdded, bytes: row[6], submissionID: row[7],
                providerOrganizationID: row[8], releaseID: releaseID.isEmpty ? nil : releaseID,
                tlp: (row[10] as String?).flatMap(TLPLevel.init(rawValue:)),
                versionMicroseconds: version == nil ? nil : row[11] as Int64))
        }
        let more = objects.count > query.limit
        if more { objects.removeLast() }
        return ObjectPage(objects: objects, more: more)
    }

    static func anyVisible(_ db: Database, feedKey: Int64, audiences: [String], after: Int64, query: ObjectQuery,
                           excluding: Condition? = nil) throws -> Bool {
        var probe = query
        probe.limit = 1
        for audience in Set(audiences) {
            if try !page(db, feedKey: feedKey, audience: audience, readerKeys: audiences, after: after, query: probe,
                         excluding: excluding).objects.isEmpty { return true }
        }
        return false
    }

    /// A condition on `ov` and its arguments.
    typealias Condition = (sql: String, arguments: StatementArguments)

    /// `servedOnceByPosition` false: the caller keeps one copy of each version itself; `excluding`:
    /// one more condition every version read must meet.
    static func appendFilters(_ query: ObjectQuery, audiences: [String]?, servedOnceByPosition: Bool = true,
                              excluding: Condition? = nil,
                              to sql: inout String, arguments: inout StatementArguments) {
        if let excluding {
            sql += " AND " + excluding.sql
            _ = arguments.append(contentsOf: excluding.arguments)
        }
        if !query.ids.isEmpty {
            // The id index holds hashes (KeyHash); the text comparison keeps other ids of the same hash out.
            sql += " AND ov.id_hash IN (\(placeholders(query.ids.count))) AND ov.stix_id IN (\(placeholders(query.ids.count)))"
            _ = arguments.append(contentsOf: StatementArguments.positional(query.ids.map(KeyHash.of)))
            _ = arguments.append(contentsOf: StatementArguments.positional(query.ids))
        }
        if !query.types.isEmpty {
            sql += " AND ov.type IN (\(placeholders(query.types.count)))"
            _ = arguments.append(contentsOf: StatementArguments.positional(query.types))
        }
        if !query.specVersions.isEmpty {
            sql += " AND ov.spec_version IN (\(placeholders(query.specVersions.count)))"
            _ = arguments.append(contentsOf: StatementArguments.positional(query.specVersions))
        }
        if let submissionID = query.submissionID {
            if query.includeReleasedCopies {
                sql += " AND ov.submission_id = ?"
                _ = arguments.append(contentsOf: [submissionID])
            } else {
                // The originals: one run of positions, kept on the submission row.
                sql += """
                     AND ov.position BETWEEN (SELECT first_position FROM submission WHERE id = ?)
                                         AND (SELECT last_position FROM submission WHERE id = ?)
                     AND ov.submission_id = ? AND ov.release_id = ''
                    """
                _ = arguments.append(contentsOf: [submissionID, submissionID, submissionID])
            }
        }
        let selection = query.versions
        guard let audiences else {
            // Everything (the hub's own processing): the first/latest marks of each stored series.
            if !selection.all {
                var alternatives: [String] = []
                if selection.last { alternatives.append("ov.is_latest = 1") }
                if selection.first { alternatives.append("ov.is_first = 1") }
                if !selection.instants.isEmpty {
                    alternatives.append("ov.version_us IN (\(placeholders(selection.instants.count)))")
                    _ = arguments.append(contentsOf: StatementArguments.positional(selection.instants))
                }
                sql += alternatives.isEmpty ? " AND 0" : " AND (\(alternatives.joined(separator: " OR ")))"
            }
            return
        }
        // For a reader, "first", "last" and "once" are decided over what that reader may see: an object
        // version can reach a reader as its own original and as copies in several releases.
        let keys = Array(Set(audiences))
        func visibleOther(_ condition: String) -> String {
            """
            EXISTS (SELECT 1 FROM object_version o2 CROSS JOIN object_audience a2
                      ON a2.feed_key = o2.feed_key AND a2.position = o2.position
                         AND a2.audience IN (\(placeholders(keys.count)))
                    WHERE o2.feed_key = ov.feed_key AND o2.id_hash = ov.id_hash AND o2.stix_id = ov.stix_id
                      AND \(condition))
            """
        }
        // Served once: only the earliest visible copy of each version within this listing.
        if servedOnceByPosition {
            sql += " AND NOT " + visibleOther("o2.version_us = ov.version_us AND o2.position < ov.position AND o2.position > ?")
            _ = arguments.append(contentsOf: StatementArguments.positional(keys))
            _ = arguments.append(contentsOf: [query.listingStart ?? 0])
        }
        if !selection.all {
            var alternatives: [String] = []
            if selection.last {
                alternatives.append("NOT " + visibleOther("o2.version_us > ov.version_us"))
                _ = arguments.append(contentsOf: StatementArguments.positional(keys))
            }
            if selection.first {
                alternatives.append("NOT " + visibleOther("o2.version_us < ov.version_us"))
                _ = arguments.append(contentsOf: StatementArguments.positional(keys))
            }
            if !selection.instants.isEmpty {
                alternatives.append("ov.version_us IN (\(placeholders(selection.instants.count)))")
                _ = arguments.append(contentsOf: StatementArguments.positional(selection.instants))
            }
            sql += alternatives.isEmpty ? " AND 0" : " AND (\(alternatives.joined(separator: " OR ")))"
        }
    }

    /// The first position whose version was added after `instant` (microseconds), nil when none was.
    ///
    /// `insert` gives each stored version a date_added above every stored one, so date_added grows
    /// with position (deleting versions keeps that true) and a binary search over positions finds it
    /// in about 2·log₂(n) row look-ups, without an index on date_added.
    static func firstPosition(addedAfter instant: Int64, in db: Database) throws -> Int64? {
        let newest = try Row.fetchOne(db.cachedStatement(
            sql: "SELECT position, date_added_us FROM object_version ORDER BY position DESC LIMIT 1"))
        guard let newest, (newest[1] as Int64) > instant else { return nil }
        let firstFrom = try db.cachedStatement(
            sql: "SELECT position, date_added_us FROM object_version WHERE position >= ? ORDER BY position LIMIT 1")
        // Versions at positions <= low were added at or before `instant`; `best` is the first stored
        // position at or after `upper`, and was added after it.
        var low: Int64 = 0
        var upper: Int64 = newest[0]
        var best: Int64 = newest[0]
        while low + 1 < upper {
            let middle = low + (upper - low) / 2
            guard let row = try Row.fetchOne(firstFrom, arguments: [middle]) else { break }
            let position: Int64 = row[0]
            if (row[1] as Int64) > instant {
                best = position
                upper = middle
            } else {
                low = position
            }
        }
        return best
    }

    static func placeholders(_ count: Int) -> String {
        Array(repeating: "?", count: count).joined(separator: ",")
    }

    public func deleteObject(id stixID: String, feedID: String, versions: VersionSelection,
                             provider: String?) async throws -> Int {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        return try await measuredWrite { db in
            guard let feedKey = try Int64.fetchOne(db, sql: "SELECT key FROM feed WHERE id = ?", arguments: [feedID])
            else { return 0 }
            let idHash = KeyHash.of(stixID)
            var sql = "SELECT ov.position FROM object_version AS ov WHERE ov.feed_key = ? AND ov.id_hash = ? AND ov.stix_id = ?"
            var arguments: StatementArguments = [feedKey, idHash, stixID]
            if let provider {
                sql += " AND ov.provider_org_id = ?"
                _ = arguments.append(contentsOf: [provider])
            }
            Self.appendFilters(ObjectQuery(feedID: feedID, versions: versions), audiences: nil, to: &sql, arguments: &arguments)
            let positions = try Int64.fetchAll(db, sql: sql, arguments: arguments)
            try Self.removeAudiences(feedKey: feedKey, positions: positions, in: db)
            try Self.unindex(positions: positions, in: db)
            for start in stride(from: 0, to: positions.count, by: 500) {
                let chunk = Array(positions[start..<min(start + 500, positions.count)])
                try db.execute(sql: "DELETE FROM object_version WHERE position IN (\(Self.placeholders(chunk.count)))",
                               arguments: StatementArguments.positional(chunk))
            }
            let removed = positions.count
            if removed > 0 {
                // Re-mark the first and the latest of what remains in each series.
                try db.execute(sql: """
                    UPDATE object_version SET
                      is_latest = (version_us = (SELECT MAX(version_us) FROM object_version o
                                                 WHERE o.feed_key = object_version.feed_key AND o.id_hash = object_version.id_hash
                                                   AND o.stix_id = object_version.stix_id
                                                   AND o.release_id = object_version.release_id
                                                   AND o.provider_org_id = object_version.provider_org_id)),
                      is_first = (version_us = (SELECT MIN(version_us) FROM object_version o
                                                WHERE o.feed_key = object_version.feed_key AND o.id_hash = object_version.id_hash
                                                  AND o.stix_id = object_version.stix_id
                                                  AND o.release_id = object_version.release_id
                                                  AND o.provider_org_id = object_version.provider_org_id))
                    WHERE feed_key = ? AND id_hash = ? AND stix_id = ?
                    """, arguments: [feedKey, idHash, stixID])
            }
            return removed
        }
    }

    /// Deletes the audience rows of these positions of one feed.
    ///
    /// object_audience is keyed (feed, audience, position) for the readers' walks and has no index by
    /// position (it would cost every stored version another B-tree insert): the feed's audience keys
    /// are listed by skipping through that key (one probe each), and each (audience, position) row
    /// is then deleted by its key.
    static func removeAudiences(feedKey: Int64, positions: [Int64], in db: Database) throws {
        guard !positions.isEmpty else { return }
        var audiences: [String] = []
        let nextAudience = try db.cachedStatement(sql: """
            SELECT audience FROM object_audience WHERE feed_key = ? AND audience > ? ORDER BY audience LIMIT 1
            """)
        while let audience = try String.fetchOne(nextAudience, arguments: [feedKey, audiences.last ?? ""]) {
            audiences.append(audience)
        }
        guard !audiences.isEmpty else { return }
        let delete = DirectStatement(try db.cachedStatement(sql: """
            DELETE FROM object_audience WHERE feed_key = ? AND audience = ? AND position = ?
            """), db)
        for audience in audiences {
            for position in positions {
                delete.bind(1, feedKey); delete.bind(2, audience); delete.bind(3, position)
                try delete.step()
            }
        }
    }

    public func objectCount(feedID: String) async throws -> Int {
        try await measuredRead { db in
            try Int.fetchOne(db, sql: """
                SELECT COUNT(*) FROM object_version WHERE feed_key = (SELECT key FROM feed WHERE id = ?) AND release_id = ''
                """, arguments: [feedID]) ?? 0
        }
    }

    /// What JSONEncoder writes for `SubmissionOutcome` (nil members left out), written directly: the
    /// outcome lists every object of the submission, and the submission's commit waits for it.
    static func outcomeJSON(_ outcome: SubmissionOutcome) -> Data {
        var out: [UInt8] = []
        out.reserveCapacity(128 * (outcome.successes.count + outcome.failures.count + outcome.pendings.count) + 64)
        func member(_ name: StaticString, _ value: String?, first: Bool = false) {
            guard let value else { return }
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":".utf8)
            JSONWriter.writeString(value, into: &out)
        }
        func list(_ name: StaticString, _ outcomes: [ObjectOutcome], first: Bool = false) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: name.utf8Start, count: name.utf8CodeUnitCount))
            out.append(contentsOf: "\":[".utf8)
            for (index, item) in outcomes.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(UInt8(ascii: "{"))
                // The first member written opens without a comma.
                let before = out.count
                member("id", item.id, first: true)
                member("version", item.version, first: out.count == before)
                member("message", item.message, first: out.count == before)
                member("tlp", item.tlp, first: out.count == before)
                member("pap", item.pap, first: out.count == before)
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "{"))
        list("successes", outcome.successes, first: true)
        list("failures", outcome.failures)
        list("pendings", outcome.pendings)
        out.append(UInt8(ascii: "}"))
        return Data(out)
    }
}
