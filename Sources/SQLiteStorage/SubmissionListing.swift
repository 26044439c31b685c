// SQLiteStorage submission listing (Storage.SubmissionListingStore): one page of submissions with
// their feed's and organisation's names, kind, stored-object count and live-release flag, by one
// statement over the v21 indexes on (organization_id, request_timestamp, id) / (request_timestamp, id).
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func submissionListing(organizationID: String?, after: SubmissionCursor?,
                                  limit: Int) async throws -> [SubmissionListing] {
        try await measuredRead { db in
            var conditions: [String] = []
            var arguments: [(any DatabaseValueConvertible)?] = []
            if let organizationID { conditions.append("s.organization_id = ?"); arguments.append(organizationID) }
            if let after {
                conditions.append("(s.request_timestamp, s.id) < (?, ?)")
                arguments += [after.requestTimestamp, after.id]
            }
            arguments.append(max(0, limit))
            let sql = """
                SELECT s.id, s.feed_id, f.name AS feed_name, s.organization_id, o.name AS organization_name,
                       s.request_timestamp, d.kind,
                       json_array_length(CAST(s.outcome AS TEXT), '$.successes') AS objects,
                       EXISTS (SELECT 1 FROM release r WHERE r.submission_id = s.id AND r.revoked_at IS NULL) AS released
                FROM submission s
                LEFT JOIN feed f ON f.id = s.feed_id
                LEFT JOIN organization o ON o.id = s.organization_id
                LEFT JOIN submission_detail d ON d.submission_id = s.id
                \(conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND "))
                ORDER BY s.request_timestamp DESC, s.id DESC
                LIMIT ?
                """
            return try Row.fetchAll(db, sql: sql, arguments: StatementArguments(arguments)).map { row in
                SubmissionListing(id: row["id"], feedID: row["feed_id"], feedName: row["feed_name"],
                                  organizationID: row["organization_id"], organizationName: row["organization_name"],
                                  requestTimestamp: row["request_timestamp"],
                                  kind: (row["kind"] as String?).flatMap(SubmissionKind.init(rawValue:)),
                                  objects: (row["objects"] as Int?) ?? 0, released: row["released"])
            }
        }
    }
}
