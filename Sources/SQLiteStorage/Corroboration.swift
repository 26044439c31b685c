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
        // One index probe per observable tells both how many organisations reported it and whether
        // this one did; the row goes in only when it did not.
        let reports = DirectStatement(try db.cachedStatement(sql: """
            SELECT COUNT(*), SUM(organization_id = ?3) FROM observable_report WHERE observable_hash = ?1 AND observable = ?2
            """), db)
        let report = DirectStatement(try db.cachedStatement(sql: """
            INSERT INTO observable_report (observable_hash, observable, organization_id, submission_id) VALUES (?, ?, ?, ?)
            """), db)
        var counts: [String: Int] = [:]
        for key in Set(keys) {
            let hash = KeyHash.of(key)
            reports.bind(1, hash); reports.bind(2, key); reports.bind(3, organizationID)
            let found = try reports.integers(2)
            var count = Int(found[0])
            if found[1] == 0 {
                report.bind(1, hash); report.bind(2, key); report.bind(3, organizationID); report.bind(4, submissionID)
                try report.step()
                count += 1
            }
            if counting { counts[key] = count }
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
