// PostgresStorage object search (Storage.ObjectSearchStore), as SQLiteStorage's ObjectSearch: the
// versions' search documents written in their append transaction (one statement), removed with
// deleted and revoked versions (PostgresObjects, PostgresObservableIndex), the backfill of
// v7-object-search, and the tsquery reads filtered by the reader's audience keys.
import Foundation
import Logging
import NIOCore
import PostgresNIO
import STIX
@_spi(ReadGate) import Storage

extension PostgresHubStore {
    /// Writes the search documents of the versions just inserted (revoking ones add none).
    func indexForSearch(_ objects: [IncomingObject], positions: [Int64], on c: PostgresConnection) async throws {
        var documentPositions: [Int64] = [], titles: [String] = [], bodies: [String] = []
        for (object, position) in zip(objects, positions) where !object.revokes {
            guard let document = object.searchDocument, !document.isEmpty else { continue }
            documentPositions.append(position); titles.append(document.title); bodies.append(document.body)
        }
        try await Self.insertSearchDocuments(positions: documentPositions, titles: titles, bodies: bodies, on: c, logger: logger)
    }

    static func insertSearchDocuments(positions: [Int64], titles: [String], bodies: [String], on c: PostgresConnection,
                                      logger: Logger) async throws {
        guard !positions.isEmpty else { return }
        try await c.query("""
            INSERT INTO object_search (position, title, body)
            SELECT p, t, b FROM unnest(\(positions), \(titles), \(bodies)) AS x(p, t, b)
            ON CONFLICT (position) DO UPDATE SET title = excluded.title, body = excluded.body
            """, logger: logger)
    }

    /// Documents for every version stored before v7-object-search, in position order, a batch at a
    /// time; a version that revokes its object removes those of its series already written.
    static func backfillSearch(on c: PostgresConnection, logger: Logger) async throws {
        var after: Int64 = 0
        while true {
            var last: Int64?
            var positions: [Int64] = [], titles: [String] = [], bodies: [String] = []
            var revoked: [(Int64, String, String, String)] = []
            for try await (position, feedKey, stixID, releaseID, provider, json) in try await c.query("""
                SELECT position, feed_key, stix_id, release_id, provider_org_id, json FROM object_version
                WHERE position > \(after) ORDER BY position LIMIT 2000
                """, logger: logger).decode((Int64, Int64, String, String, String, ByteBuffer).self) {
                last = position
                guard let document = SearchDocument(json: Array(json.readableBytesView)) else { continue }
                if document.revokes {
                    revoked.append((feedKey, stixID, releaseID, provider))
                } else if !document.isEmpty {
                    positions.append(position); titles.append(document.title); bodies.append(document.body)
                }
            }
            guard let last else { return }
            try await insertSearchDocuments(positions: positions, titles: titles, bodies: bodies, on: c, logger: logger)
            for (feedKey, stixID, releaseID, provider) in revoked {
                try await c.query("""
                    DELETE FROM object_search WHERE position IN (
                        SELECT position FROM object_version
                        WHERE feed_key = \(feedKey) AND stix_id = \(stixID) AND release_id = \(releaseID)
                          AND provider_org_id = \(provider))
                    """, logger: logger)
            }
            after = last
        }
    }

    @_spi(ReadGate) public func searchObjects(_ query: ObjectSearchQuery, for scope: ReadScope) async throws -> ObjectSearchPage {
        guard !query.terms.isEmpty, query.feedIDs?.isEmpty != true, scope.audiences?.isEmpty != true else {
            return ObjectSearchPage(hits: [], more: false)
        }
        var hits: [ObjectSearchHit] = []
        let wanted = query.limit + 1
        let any = query.terms.tsquery()
        for tier in [SearchTier.title, .text] {
            if let after = query.after, after.tier > tier { continue }
            let before = query.after?.tier == tier ? query.after!.position : Int64.max
            let match = any
            hits += try await search(match: match, tier: tier, before: before, query: query, scope: scope,
                                     limit: wanted - hits.count)
            if hits.count >= wanted { break }
        }
        let more = hits.count > query.limit
        return ObjectSearchPage(hits: Array(hits.prefix(query.limit)), more: more)
    }

    /// At most this many matching documents are read through the GIN index before the page is cut
    /// from them; a query matching more is read newest first by position instead.
    static let fewMatches = 2_000

    /// One tier, newest first. PostgreSQL cannot tell a rare tsquery from a common one (prefixes,
    /// phrases), and its one plan walked the positions backwards through every document for a word
    /// nobody used (over 1 s at 100,000 documents, debug build, loaded host). So the GIN index is
    /// asked first for up to `fewMatches` matches (a bitmap scan, no order): when that is all of them,
    /// the page is cut from those positions; otherwise the term is common and the backward walk
    /// finds a page of readable hits after a few rows. Either way the audience probes (one
    /// primary-key look-up per key) filter before the page is cut.
    func search(match: String, tier: SearchTier, before: Int64, query: ObjectSearchQuery, scope: ReadScope,
                limit: Int) async throws -> [ObjectSearchHit] {
        // Title matches through the title's own index; text matches are the rest.
        let condition = tier == .title ? "s.title_doc @@ $1::tsquery" : "s.doc @@ $1::tsquery AND NOT s.title_doc @@ $1::tsquery"
        var few: [Int64] = []
        var probe = PostgresBindings()
        probe.append(match)
        probe.append(before)
        for row in try await rows(PostgresQuery(unsafeSQL: """
            SELECT s.position FROM object_search s WHERE \(condition) AND s.position < $2 LIMIT \(Self.fewMatches + 1)
            """, binds: probe)) { few.append(try row.get("position", as: Int64.self)) }
        if few.isEmpty { return [] }
        var binds = PostgresBindings()
        var sql = """
            SELECT ov.position, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                   ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us, f.id
            FROM object_search s
            JOIN object_version ov ON ov.position = s.position
            JOIN feed f ON f.key = ov.feed_key
            """
        if few.count <= Self.fewMatches {
            binds.append(few)
            sql += " WHERE s.position = ANY($1) AND ov.is_latest"
        } else {
            // `IS TRUE` keeps the planner off the GIN index (every match, then a sort): a common
            // term is found after a few rows walking positions backwards.
            binds.append(match)
            binds.append(before)
            sql += " WHERE (\(condition)) IS TRUE AND s.position < $2 AND ov.is_latest"
        }
        if let feedIDs = query.feedIDs {
            binds.append(feedIDs)
            sql += " AND f.id = ANY($\(binds.count))"
        }
        if !query.types.isEmpty {
            binds.append(query.types)
            sql += " AND ov.type = ANY($\(binds.count))"
        }
        if let audiences = scope.audiences {
            binds.append(audiences)
            sql += """
                 AND EXISTS (SELECT 1 FROM object_audience a WHERE a.feed_key = ov.feed_key
                             AND a.audience = ANY($\(binds.count)) AND a.position = ov.position)
                """
        }
        binds.append(Int64(limit))
        sql += " ORDER BY s.position DESC LIMIT $\(binds.count)"
        var hits: [ObjectSearchHit] = []
        do {
            try await measuredConnection(.read) { c in
                for try await row in try await c.query(PostgresQuery(unsafeSQL: sql, binds: binds), logger: self.logger) {
                    let (position, stixID, type, specVersion, version, dateAdded, json, submissionID, provider, releaseID, tlp,
                         versionKey, feedID) = try row.decode((Int64, String, String, String, String?, Int64, ByteBuffer,
                                                               String, String, String, String?, Int64, String).self)
                    hits.append(ObjectSearchHit(object: StoredObject(
                        position: position, feedID: feedID, stixID: stixID, type: type, specVersion: specVersion,
                        version: version ?? STIXTimestamp.formatting(microseconds: dateAdded),
                        dateAddedMicroseconds: dateAdded, bytes: Data(json.readableBytesView), submissionID: submissionID,
                        providerOrganizationID: provider, releaseID: releaseID.isEmpty ? nil : releaseID,
                        tlp: tlp.flatMap(TLPLevel.init(rawValue:)), versionMicroseconds: version == nil ? nil : versionKey),
                        tier: tier))
                }
            }
        } catch {
            throw Self.storeError(error, what: "search")
        }
        return hits
    }

    public func searchDocumentCount() async throws -> Int {
        for row in try await rows("SELECT count(*) AS n FROM object_search") { return Int(try row.get("n", as: Int64.self)) }
        return 0
    }
}
