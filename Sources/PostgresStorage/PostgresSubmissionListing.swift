// PostgresStorage submission listing (Storage.SubmissionListingStore), as SQLiteStorage's: one
// statement per page over the v11 indexes on (organization_id, request_timestamp, id) /
// (request_timestamp, id), byte order ("C") as SQLite compares text. An unnamed statement is planned
// with its parameters, so the NULL tests fold away and the plan walks the matching index.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func submissionListing(organizationID: String?, after: SubmissionCursor?,
                                  limit: Int) async throws -> [SubmissionListing] {
        let query: PostgresQuery = """
            SELECT s.id, s.feed_id, f.name AS feed_name, s.organization_id, o.name AS organization_name,
                   s.request_timestamp, d.kind,
                   COALESCE(jsonb_array_length(convert_from(s.outcome, 'UTF8')::jsonb -> 'successes'), 0)::bigint AS objects,
                   EXISTS (SELECT 1 FROM release r WHERE r.submission_id = s.id AND r.revoked_at IS NULL) AS released
            FROM submission s
            LEFT JOIN feed f ON f.id = s.feed_id
            LEFT JOIN organization o ON o.id = s.organization_id
            LEFT JOIN submission_detail d ON d.submission_id = s.id
            WHERE (\(organizationID)::text IS NULL OR s.organization_id = \(organizationID))
              AND (\(after?.requestTimestamp)::text IS NULL
                   OR (s.request_timestamp COLLATE "C", s.id COLLATE "C")
                      < (\(after?.requestTimestamp)::text COLLATE "C", \(after?.id)::text COLLATE "C"))
            ORDER BY s.request_timestamp COLLATE "C" DESC, s.id COLLATE "C" DESC
            LIMIT \(max(0, limit))
            """
        return try await rows(query).map { row in
            SubmissionListing(id: try row.get("id"), feedID: try row.get("feed_id"), feedName: try row.get("feed_name"),
                              organizationID: try row.get("organization_id"),
                              organizationName: try row.get("organization_name"),
                              requestTimestamp: try row.get("request_timestamp"),
                              kind: (try row.get("kind", as: String?.self)).flatMap(SubmissionKind.init(rawValue:)),
                              objects: Int(try row.get("objects", as: Int64.self)), released: try row.get("released"))
        }
    }
}
