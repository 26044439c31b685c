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

    public func markCorroborated(_ key: String, at: String) async throws -> Bool {
        try await pool.write { db in
            try db.execute(sql: "INSERT OR IGNORE INTO corroborated_observable (observable, released_at) VALUES (?, ?)",
                           arguments: [key, at])
            return db.changesCount == 1
        }
    }
}
