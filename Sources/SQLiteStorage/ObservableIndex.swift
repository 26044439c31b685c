// SQLiteStorage observable index: writing a version's entries in its append transaction, removing
// them with deleted and revoked versions, the look-ups by value hash (Storage.ObservableIndexStore),
// and the chunked backfill of versions stored before the index.
//
// Arriving entries go to a small tail (`observable_tail`, keyed by position: an append writes its
// pages in order) rather than to `observable_entry`, whose index by value hash would take each of an
// envelope's entries on a page of its own (11× the log volume per commit at 40,000 entries, 56× at
// 10⁶). The tail's own look-up index is by (generation, value hash): a generation is the next
// ~1,000 entries written, so an append dirties only the newest generation's pages, and a look-up
// probes each generation (about twenty when the tail is full). Look-ups read the tail and the main
// index, so an entry is found the moment its version is acknowledged; the tail
// is merged into the main index in bulk (`mergeObservableTail`), sorted by value hash so the merge
// writes the index's pages in order: after an append that leaves more than `observableTailLimit`
// entries in it, and in the background of `kakehashi serve`.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    /// Entries the tail may hold after an append before the append merges it into the main index.
    public static let observableTailLimit = 20_000
    /// Entries of one tail generation, after which the next append starts a new one.
    static let tailGenerationSize = 1_024

    /// The generation the next entries of this transaction go to: the newest, or a new one when
    /// the newest is full (two index seeks and a count of at most a generation).
    static func tailGeneration(in db: Database) throws -> Int64 {
        guard let newest = try Int64.fetchOne(db.cachedStatement(sql: "SELECT max(generation) FROM observable_tail"))
        else { return 0 }
        let size = try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM observable_tail WHERE generation = ?"),
                                    arguments: [newest]) ?? 0
        return size >= tailGenerationSize ? newest + 1 : newest
    }

    /// Writes one stored version's entries to the tail (inside the append transaction); an entry
    /// the main index holds already (a backfill over merged versions) is not written again. The
    /// version's submission and organisation are its `object_version` row's.
    static func index(_ observables: [IndexedObservable], position: Int64, heldBack: Bool, generation: Int64? = nil,
                      direct: (submissionID: String, organizationID: String)? = nil, in db: Database) throws {
        if let direct {
            // As before the tail (v29-index-tail), for the benchmark's comparison only.
            let insert = DirectStatement(try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO observable_entry (position, value_hash, kind, value, submission_id, organization_id, held_back)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """), db)
            for entry in observables {
                insert.bind(1, position); insert.bind(2, KeyHash.of(entry.value)); insert.bind(3, entry.kind)
                insert.bind(4, entry.value); insert.bind(5, direct.submissionID); insert.bind(6, direct.organizationID)
                insert.bind(7, heldBack)
                try insert.step()
            }
            return
        }
        let generation = try generation ?? tailGeneration(in: db)
        let insert = DirectStatement(try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO observable_tail (position, value_hash, kind, value, held_back, generation)
            SELECT ?1, ?2, ?3, ?4, ?5, ?6
            WHERE NOT EXISTS (SELECT 1 FROM observable_entry WHERE position = ?1 AND value_hash = ?2 AND kind = ?3)
            """), db)
        for entry in observables {
            insert.bind(1, position); insert.bind(2, KeyHash.of(entry.value)); insert.bind(3, entry.kind)
            insert.bind(4, entry.value); insert.bind(5, heldBack); insert.bind(6, generation)
            try insert.step()
        }
    }

    /// How many entries wait in the tail (read inside a transaction).
    static func tailCount(in db: Database) throws -> Int {
        try Int.fetchOne(db.cachedStatement(sql: "SELECT count(*) FROM observable_tail")) ?? 0
    }

    /// Moves the tail's entries into the main index, in transactions of about `chunk` entries
    /// (whole generations, oldest first), each inserted in value-hash order; look-ups find every entry
    /// in one or the other at every moment. Returns how many entries were moved.
    ///
    /// ```swift
    /// let moved = try await store.mergeObservableTail()
    /// ```
    @discardableResult
    public func mergeObservableTail(chunk: Int) async throws -> Int {
        var moved = 0
        while true {
            let step = try await measuredWrite { db -> Int in
                // The chunk's last generation: every entry of it and of the generations before it goes.
                guard let through = try Int64.fetchOne(db.cachedStatement(sql: """
                    SELECT max(generation) FROM (SELECT generation FROM observable_tail ORDER BY generation LIMIT ?)
                    """), arguments: [max(1, chunk)]) else { return 0 }
                try db.cachedStatement(sql: """
                    INSERT OR IGNORE INTO observable_entry (position, value_hash, kind, value, submission_id, organization_id, held_back)
                    SELECT t.position, t.value_hash, t.kind, t.value, v.submission_id, v.provider_org_id, t.held_back
                    FROM observable_tail t JOIN object_version v ON v.position = t.position
                    WHERE t.generation <= ? ORDER BY t.value_hash
                    """).execute(arguments: [through])
                try db.cachedStatement(sql: "DELETE FROM observable_tail WHERE generation <= ?").execute(arguments: [through])
                return db.changesCount
            }
            if step == 0 { return moved }
            moved += step
        }
    }

    /// Merges the tail when an append left more than `observableTailLimit` entries in it. A failed
    /// merge loses nothing (the entries stay in the tail, found by every look-up) and is retried
    /// after the next append.
    func mergeObservableTailIfFull(_ tailCount: Int) async {
        guard tailCount > Self.observableTailLimit,
              merging.compareExchange(expected: false, desired: true, ordering: .acquiring).exchanged
        else { return }
        defer { merging.store(false, ordering: .releasing) }
        _ = try? await mergeObservableTail(chunk: 20_000)
    }

    public func observableTailCount() async throws -> Int {
        try await measuredRead { db in try Self.tailCount(in: db) }
    }

    /// Removes the entries of every version of one object's series (a version revoking it arrived).
    static func unindex(seriesOf stixID: String, idHash: Int64, feedKey: Int64, releaseID: String,
                        providerOrganizationID: String, in db: Database) throws {
        let positions = try Int64.fetchAll(db.cachedStatement(sql: """
            SELECT position FROM object_version
            WHERE feed_key = ? AND id_hash = ? AND stix_id = ? AND release_id = ? AND provider_org_id = ?
            """), arguments: [feedKey, idHash, stixID, releaseID, providerOrganizationID])
        try unindex(positions: positions, in: db)
    }

    /// Removes the entries of these versions (by the table's key: position first).
    static func unindex(positions: [Int64], in db: Database) throws {
        let delete = try db.cachedStatement(sql: "DELETE FROM observable_entry WHERE position = ?")
        let untail = try db.cachedStatement(sql: "DELETE FROM observable_tail WHERE position = ?")
        // The search documents leave with the index entries (Storage.ObjectSearchStore).
        let unsearch = try db.cachedStatement(sql: "DELETE FROM object_search WHERE position = ?")
        for position in positions {
            try delete.execute(arguments: [position])
            try untail.execute(arguments: [position])
            try unsearch.execute(arguments: [position])
        }
    }

    public func indexedObservables(submissionID: String) async throws -> [ObservableOccurrence] {
        try await measuredRead { db in
            guard let row = try Row.fetchOne(db, sql: "SELECT first_position, last_position FROM submission WHERE id = ?",
                                             arguments: [submissionID]),
                  let first = row[0] as Int64?, let last = row[1] as Int64? else { return [] }
            // The submission's originals are one run of positions (see `record`); their entries are
            // in the main index, the tail, or (a merge between two appends' entries) both parts.
            let merged = try Self.occurrences(db, sql: """
                SELECT e.value, e.kind, e.submission_id, e.organization_id, e.position, ov.stix_id, f.id, e.held_back
                FROM observable_entry e JOIN object_version ov ON ov.position = e.position JOIN feed f ON f.key = ov.feed_key
                WHERE e.position BETWEEN ? AND ? AND e.submission_id = ?
                """, arguments: [first, last, submissionID])
            let tail = try Self.occurrences(db, sql: """
                SELECT t.value, t.kind, ov.submission_id, ov.provider_org_id, t.position, ov.stix_id, f.id, t.held_back
                FROM observable_tail t JOIN object_version ov ON ov.position = t.position JOIN feed f ON f.key = ov.feed_key
                WHERE t.position BETWEEN ? AND ? AND ov.submission_id = ?
                """, arguments: [first, last, submissionID])
            return (merged + tail).map { (KeyHash.of($0.value), $0) }
                .sorted { ($0.1.position, $0.0, $0.1.kind) < ($1.1.position, $1.0, $1.1.kind) }
                .map(\.1)
        }
    }

    public func occurrences(ofValues values: [String], limitPerValue: Int) async throws -> [ObservableOccurrence] {
        try await measuredRead { db in
            try Self.occurrences(ofValues: values, limitPerValue: limitPerValue, in: db)
        }
    }

    /// Each value's entries from the main index and from the tail (one probe of each by value
    /// hash, in position order), the first `limitPerValue` of the two together.
    static func occurrences(ofValues values: [String], limitPerValue: Int, in db: Database) throws -> [ObservableOccurrence] {
        let merged = try db.cachedStatement(sql: """
            SELECT e.value, e.kind, e.submission_id, e.organization_id, e.position, ov.stix_id, f.id, e.held_back
            FROM observable_entry e JOIN object_version ov ON ov.position = e.position JOIN feed f ON f.key = ov.feed_key
            WHERE e.value_hash = ? AND e.value = ?
            ORDER BY e.position, e.kind LIMIT ?
            """)
        // One probe of (generation, value hash) per generation the tail holds.
        let tail = try db.cachedStatement(sql: """
            WITH RECURSIVE g(n) AS (
                SELECT min(generation) FROM observable_tail
                UNION ALL SELECT n + 1 FROM g WHERE n < (SELECT max(generation) FROM observable_tail))
            SELECT t.value, t.kind, ov.submission_id, ov.provider_org_id, t.position, ov.stix_id, f.id, t.held_back
            FROM g JOIN observable_tail t ON t.generation = g.n AND t.value_hash = ?1 AND t.value = ?2
            JOIN object_version ov ON ov.position = t.position JOIN feed f ON f.key = ov.feed_key
            ORDER BY t.position, t.kind LIMIT ?3
            """)
        var found: [ObservableOccurrence] = []
        for value in Set(values).sorted() {
            let arguments: StatementArguments = [KeyHash.of(value), value, limitPerValue]
            let older = try occurrences(merged, arguments: arguments)
            let newer = try occurrences(tail, arguments: arguments)
            if newer.isEmpty {
                found += older
            } else {
                found += (older + newer).sorted { ($0.position, $0.kind) < ($1.position, $1.kind) }.prefix(max(0, limitPerValue))
            }
        }
        return found
    }

    static func occurrences(_ db: Database, sql: String, arguments: StatementArguments) throws -> [ObservableOccurrence] {
        try occurrences(db.cachedStatement(sql: sql), arguments: arguments)
    }

    static func occurrences(_ statement: Statement, arguments: StatementArguments) throws -> [ObservableOccurrence] {
        try Row.fetchAll(statement, arguments: arguments).map { row in
            ObservableOccurrence(value: row[0], kind: row[1], submissionID: row[2], organizationID: row[3],
                                 position: row[4], stixID: row[5], feedID: row[6], heldBack: row[7])
        }
    }

    public func indexedObservableCount() async throws -> Int {
        try await measuredRead { db in
            try (Int.fetchOne(db, sql: "SELECT COUNT(*) FROM observable_entry") ?? 0) + Self.tailCount(in: db)
        }
    }

    // MARK: Backfill

    @discardableResult
    public func scheduleObservableBackfill() async throws -> ObservableBackfillProgress {
        try await measuredWrite { db in
            let through = try Int64.fetchOne(db, sql: "SELECT max(position) FROM object_version") ?? 0
            try db.execute(sql: """
                INSERT INTO observable_backfill (id, after_position, through_position) VALUES (1, 0, ?)
                ON CONFLICT (id) DO UPDATE SET after_position = 0, through_position = excluded.through_position
                """, arguments: [through])
            return ObservableBackfillProgress(after: 0, through: through)
        }
    }

    public func observableBackfillProgress() async throws -> ObservableBackfillProgress? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT after_position, through_position FROM observable_backfill WHERE id = 1")
                .map { ObservableBackfillProgress(after: $0[0], through: $0[1]) }
        }
    }

    /// One chunk in the writer's transaction: arrivals wait for it (a chunk is short), so no
    /// version is revoked or deleted between reading it and writing its entries.
    public func backfillObservables(limit: Int, entries: @escaping @Sendable (BackfillVersion) -> BackfillEntries?)
        async throws -> ObservableBackfillProgress? {
        let (progress, tailCount) = try await backfillChunk(limit: limit, entries: entries)
        await mergeObservableTailIfFull(tailCount)
        return progress
    }

    func backfillChunk(limit: Int, entries: @escaping @Sendable (BackfillVersion) -> BackfillEntries?)
        async throws -> (ObservableBackfillProgress?, Int) {
        try await measuredWrite { db in
            guard let cursor = try Row.fetchOne(db, sql: "SELECT after_position, through_position FROM observable_backfill WHERE id = 1")
            else { return (nil, 0) }
            var after: Int64 = cursor[0]
            let through: Int64 = cursor[1]
            let generation = try Self.tailGeneration(in: db)
            let rows = try Row.fetchAll(db, sql: """
                SELECT position, feed_key, id_hash, stix_id, provider_org_id, submission_id, tlp, json FROM object_version
                WHERE position > ? AND position <= ? AND release_id = '' ORDER BY position LIMIT ?
                """, arguments: [after, through, max(1, limit)])
            for row in rows {
                let position: Int64 = row[0]
                let tlp: String? = row[6]
                let version = BackfillVersion(position: position, bytes: Array(row[7] as Data), tlp: tlp.flatMap(TLPLevel.init(rawValue:)))
                if let found = entries(version) {
                    // As `insert` does for an arriving version.
                    if found.revokes {
                        try Self.unindex(seriesOf: row[3], idHash: row[2], feedKey: row[1], releaseID: "",
                                         providerOrganizationID: row[4], in: db)
                    } else if !found.observables.isEmpty {
                        try Self.index(found.observables, position: position, heldBack: found.heldBack,
                                       generation: generation, in: db)
                    }
                }
                after = position
            }
            if rows.count < max(1, limit) { after = through }
            if after >= through {
                try db.execute(sql: "DELETE FROM observable_backfill WHERE id = 1")
            } else {
                try db.execute(sql: "UPDATE observable_backfill SET after_position = ? WHERE id = 1", arguments: [after])
            }
            return (ObservableBackfillProgress(after: after, through: through), try Self.tailCount(in: db))
        }
    }
}
