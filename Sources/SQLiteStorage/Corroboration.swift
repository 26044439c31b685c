// SQLiteStorage observable reports: which organisations reported which observable (for k-corroboration).
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func recordObservables(_ keys: [String], organizationID: String, submissionID: String) async throws -> [String: Int] {
        guard !keys.isEmpty else { return [:] }
        return try await pool.write { db in
            try Self.report(keys, organizationID: organizationID, submissionID: submissionID, counting: true, in: db)
        }
    }

    /// Records that `organizationID` reported each observable (once per organisation), and with
    /// `counting` returns how many organisations have reported each, counted on pages already at hand.
    /// Runs in the writer's transaction: that is what keeps one row per (observable, organisation).
    static func report(_ keys: [String], organizationID: String, submissionID: String, counting: Bool,
                       in db: Database) throws -> [String: Int] {
        // The reports already stored of up to 500 observables are read with one statement (an index
        // probe each); the organisation's row goes in for those it had not reported yet.
        let report = DirectStatement(try db.cachedStatement(sql: """
            INSERT INTO observable_report (observable_hash, observable, organization_id, submission_id) VALUES (?, ?, ?, ?)
            """), db)
        let unique = Array(Set(keys))
        var counts: [String: Int] = [:]
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = unique[start..<min(start + 500, unique.count)]
            let hashes = chunk.map(KeyHash.of)
            var known: [String: (count: Int, mine: Bool)] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT observable, organization_id FROM observable_report WHERE observable_hash IN (\(placeholders(chunk.count)))
                """), arguments: StatementArguments.positional(hashes))
            while let row = try rows.next() {
                let observable: String = row[0]
                let organization: String = row[1]
                known[observable, default: (0, false)].count += 1
                if organization == organizationID { known[observable]!.mine = true }
            }
            for (key, hash) in zip(chunk, hashes) {
                // Another observable with the same hash is counted under its own text, not this one.
                var (count, mine) = known[key] ?? (0, false)
                if !mine {
                    report.bind(1, hash); report.bind(2, key); report.bind(3, organizationID); report.bind(4, submissionID)
                    try report.step()
                    count += 1
                }
                if counting { counts[key] = count }
            }
        }
        return counts
    }

    public func observableReportCounts(_ keys: [String]) async throws -> [String: Int] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        return try await pool.read { db in
            var counts: [String: Int] = [:]
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                var arguments = StatementArguments.positional(chunk.map(KeyHash.of))
                _ = arguments.append(contentsOf: StatementArguments.positional(chunk))
                let rows = try Row.fetchAll(db, sql: """
                    SELECT observable, COUNT(*) FROM observable_report
                    WHERE observable_hash IN (\(Self.placeholders(chunk.count))) AND observable IN (\(Self.placeholders(chunk.count)))
                    GROUP BY observable
                    """, arguments: arguments)
                for row in rows { counts[row[0]] = row[1] }
            }
            return counts
        }
    }

    public func markCorroborated(_ key: String, at: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO corroborated_observable (observable, released_at) VALUES (?, ?)",
                           arguments: [key, at])
            return db.changesCount == 1
        }
    }
}
