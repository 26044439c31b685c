// SQLiteStorage observable reports: which organisations reported which observable (for k-corroboration).
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func recordObservables(_ keys: [String], organizationID: String, submissionID: String) async throws -> [String: Int] {
        guard !keys.isEmpty else { return [:] }
        return try await pool.write { db in
            let insert = try db.cachedStatement(sql: """
                INSERT OR IGNORE INTO observable_report (observable, organization_id, submission_id) VALUES (?, ?, ?)
                """)
            let count = try db.cachedStatement(sql: "SELECT COUNT(*) FROM observable_report WHERE observable = ?")
            var counts: [String: Int] = [:]
            for key in Set(keys) {
                try insert.execute(arguments: [key, organizationID, submissionID])
                counts[key] = try Int.fetchOne(count, arguments: [key]) ?? 0
            }
            return counts
        }
    }

    public func observableReportCounts(_ keys: [String]) async throws -> [String: Int] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        return try await pool.read { db in
            var counts: [String: Int] = [:]
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                let rows = try Row.fetchAll(db, sql: """
                    SELECT observable, COUNT(*) FROM observable_report WHERE observable IN (\(Self.placeholders(chunk.count)))
                    GROUP BY observable
                    """, arguments: StatementArguments.positional(chunk))
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
