// SQLiteStorage freshness sweep: the sweep's new version of a hub-created copy, appended through the
// same insert as every version, in the single writer's transaction (which is what makes it once per
// superseded version: the check that it is still the latest and the insert cannot interleave).
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func appendSweptVersion(_ version: SweptVersion, audit: AuditEvent) async throws -> Int64? {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        return try await measuredWrite { db -> Int64? in
            let feedKey = try Self.feedKey(version.feedID, in: db)
            guard let row = try Row.fetchOne(db, sql: """
                SELECT stix_id, submission_id, provider_org_id, release_id, is_latest FROM object_version
                WHERE position = ? AND feed_key = ?
                """, arguments: [version.supersedes, feedKey]),
                  row[0] as String == version.object.stixID, row[4] as Bool else { return nil }
            let audiences = try Self.audiences(feedKey: feedKey, position: version.supersedes, in: db)
            guard !audiences.isEmpty else { return nil }
            var object = version.object
            object.audiences = audiences
            let results = try Self.insert([object], feedKey: feedKey, submissionID: row[1], providerOrganizationID: row[2],
                                          releaseID: row[3], in: db)
            guard case .stored(let position)? = results.first else { return nil }
            try self.appendAudit([audit], in: db)
            return position
        }
    }

    /// The audience keys of the version at `position`. The audience table is keyed (feed, audience,
    /// position) with no index by position: the feed's few distinct audiences are walked by key, a
    /// seek each, instead of scanning the feed's rows.
    static func audiences(feedKey: Int64, position: Int64, in db: Database) throws -> [String] {
        let next = try db.cachedStatement(sql: """
            SELECT audience FROM object_audience WHERE feed_key = ? AND audience > ? ORDER BY audience LIMIT 1
            """)
        let holds = try db.cachedStatement(sql: """
            SELECT 1 FROM object_audience WHERE feed_key = ? AND audience = ? AND position = ?
            """)
        var audiences: [String] = []
        var after = ""
        while let audience = try String.fetchOne(next, arguments: [feedKey, after]) {
            if try Int64.fetchOne(holds, arguments: [feedKey, audience, position]) != nil { audiences.append(audience) }
            after = audience
        }
        return audiences
    }
}
