// SQLiteStorage change stamp (ChangeStampStore): the AUTOINCREMENT sequence of object_version, its
// row count and the revoked releases, in one read transaction.
import GRDB
import Storage

extension SQLiteHubStore {
    public func changeStamp() async throws -> ChangeStamp {
        try await measuredRead { db in
            let last = try Int64.fetchOne(db, sql: "SELECT seq FROM sqlite_sequence WHERE name = 'object_version'") ?? 0
            let count = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM object_version") ?? 0
            let revoked = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM release WHERE revoked_at IS NOT NULL") ?? 0
            let sightings = try Int64.fetchOne(db, sql: "SELECT COUNT(*) FROM sighting") ?? 0
            return ChangeStamp(lastPosition: last, versionCount: count, revokedReleases: revoked, sightingRows: sightings)
        }
    }
}
