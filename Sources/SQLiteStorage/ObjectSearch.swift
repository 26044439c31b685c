// SQLiteStorage object search (Storage.ObjectSearchStore): a version's search document written in its
// append transaction, removed with deleted and revoked versions (see ObservableIndex's `unindex`),
// the backfill of versions stored before v17-object-search, and the FTS5 reads filtered by the
// reader's audience keys.
import Foundation
import GRDB
import STIX
@_spi(ReadGate) import Storage

extension SQLiteHubStore {
    /// Writes one stored version's search document, if it has one (inside the append transaction).
    static func indexForSearch(_ bytes: [UInt8], position: Int64, in db: Database) throws {
        try indexForSearch(SearchDocument(json: bytes), position: position, in: db)
    }

    /// Writes `document` as the search document of the version at `position`, if it has text.
    static func indexForSearch(_ document: SearchDocument?, position: Int64, in db: Database) throws {
        guard let document, !document.isEmpty else { return }
        try db.cachedStatement(sql: "INSERT OR REPLACE INTO object_search (position, title, body) VALUES (?, ?, ?)")
            .execute(arguments: [position, document.title, document.body])
    }

    /// Documents for every version stored before the search existed, in position order; a version
    /// that revokes its object removes those of its series, as `insert` does on append.
    static func backfillSearch(in db: Database) throws {
        var after: Int64 = 0
        let batch = try db.makeStatement(sql: """
            SELECT position, feed_key, id_hash, stix_id, release_id, provider_org_id, json FROM object_version
            WHERE position > ? ORDER BY position LIMIT 2000
            """)
        while true {
            let rows = try Row.fetchAll(batch, arguments: [after])
            guard let last = rows.last else { return }
            for row in rows {
                let bytes: [UInt8] = Array(row[6] as Data)
                guard let document = SearchDocument(json: bytes) else { continue }
                if document.revokes {
                    try unindex(seriesOf: row[3], idHash: row[2], feedKey: row[1], releaseID: row[4],
                                providerOrganizationID: row[5], in: db)
                } else if !document.isEmpty {
                    try indexForSearch(bytes, position: row[0], in: db)
                }
            }
            after = last[0]
        }
    }

    @_spi(ReadGate) public func searchObjects(_ query: ObjectSearchQuery, for scope: ReadScope) async throws -> ObjectSearchPage {
        guard !query.terms.isEmpty, query.feedIDs?.isEmpty != true, scope.audiences?.isEmpty != true else {
            return ObjectSearchPage(hits: [], more: false)
        }
        return try await measuredRead { db in try Self.search(query, scope: scope, in: db) }
    }

    /// Title matches (newest first), then text matches that are not title matches (newest first),
    /// until `limit + 1` readable hits are found; each step resumes after the cursor.
    static func search(_ query: ObjectSearchQuery, scope: ReadScope, in db: Database) throws -> ObjectSearchPage {
        let expression = query.terms.fts5Expression
        let titleOnly = "{title} : (\(expression))"
        var hits: [ObjectSearchHit] = []
        let wanted = query.limit + 1
        for tier in [SearchTier.title, .text] {
            if let after = query.after, after.tier > tier { continue }
            let before = query.after?.tier == tier ? query.after!.position : Int64.max
            let match = tier == .title ? titleOnly : "(\(expression)) NOT \(titleOnly)"
            hits += try search(match: match, tier: tier, before: before, query: query, scope: scope,
                               limit: wanted - hits.count, in: db)
            if hits.count >= wanted { break }
        }
        let more = hits.count > query.limit
        return ObjectSearchPage(hits: Array(hits.prefix(query.limit)), more: more)
    }

    static func search(match: String, tier: SearchTier, before: Int64, query: ObjectSearchQuery, scope: ReadScope,
                       limit: Int, in db: Database) throws -> [ObjectSearchHit] {
        var sql = """
            SELECT ov.position, f.id, ov.stix_id, ov.type, ov.spec_version, ov.version, ov.date_added_us, ov.json,
                   ov.submission_id, ov.provider_org_id, ov.release_id, ov.tlp, ov.version_us
            FROM object_search_fts s
            CROSS JOIN object_version ov ON ov.position = s.rowid
            JOIN feed f ON f.key = ov.feed_key
            WHERE s.object_search_fts MATCH ? AND s.rowid < ? AND ov.is_latest = 1
            """
        var arguments: StatementArguments = [match, before]
        if let feedIDs = query.feedIDs {
            sql += " AND f.id IN (\(placeholders(feedIDs.count)))"
            _ = arguments.append(contentsOf: StatementArguments.positional(feedIDs))
        }
        if !query.types.isEmpty {
            sql += " AND ov.type IN (\(placeholders(query.types.count)))"
            _ = arguments.append(contentsOf: StatementArguments.positional(query.types))
        }
        if let audiences = scope.audiences {
            // One probe of the audience key per key held: the version is readable through any of them.
            sql += """
                 AND EXISTS (SELECT 1 FROM object_audience a WHERE a.feed_key = ov.feed_key
                             AND a.audience IN (\(placeholders(audiences.count))) AND a.position = ov.position)
                """
            _ = arguments.append(contentsOf: StatementArguments.positional(audiences))
        }
        sql += " ORDER BY s.rowid DESC LIMIT ?"
        _ = arguments.append(contentsOf: [limit])
        do {
            return try Row.fetchAll(db.cachedStatement(sql: sql), arguments: arguments).map { row in
                let dateAdded: Int64 = row[6]
                let version: String? = row[5]
                let releaseID: String = row[10]
                return ObjectSearchHit(object: StoredObject(
                    position: row[0], feedID: row[1], stixID: row[2], type: row[3], specVersion: row[4],
                    version: version ?? STIXTimestamp.formatting(microseconds: dateAdded),
                    dateAddedMicroseconds: dateAdded, bytes: row[7], submissionID: row[8], providerOrganizationID: row[9],
                    releaseID: releaseID.isEmpty ? nil : releaseID, tlp: (row[11] as String?).flatMap(TLPLevel.init(rawValue:)),
                    versionMicroseconds: version == nil ? nil : row[12] as Int64), tier: tier)
            }
        } catch let error as DatabaseError where error.resultCode == .SQLITE_ERROR {
            // Only tokens reach MATCH, so this is not the reader's text: report it as the store's fault.
            throw StoreError.unavailable("the search index could not run the query: \(error.message ?? "SQL error")")
        }
    }

    public func searchDocumentCount() async throws -> Int {
        try await measuredRead { db in try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM object_search") ?? 0 }
    }
}
