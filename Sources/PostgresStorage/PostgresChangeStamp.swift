// PostgresStorage change stamp (ChangeStampStore): the position sequence's last value (it never goes
// back, even when versions are deleted; an append still in flight may already show in it, and its
// commit then moves the count), the number of versions and of revoked releases, in one statement.
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func changeStamp() async throws -> ChangeStamp {
        for row in try await rows("""
            SELECT (SELECT CASE WHEN is_called THEN last_value ELSE 0 END FROM object_position) AS last,
                   (SELECT count(*) FROM object_version) AS versions,
                   (SELECT count(*) FROM release WHERE revoked_at IS NOT NULL) AS revoked,
                   (SELECT count(*) FROM sighting) AS sightings
            """) {
            return ChangeStamp(lastPosition: try row.get("last", as: Int64.self),
                               versionCount: try row.get("versions", as: Int64.self),
                               revokedReleases: try row.get("revoked", as: Int64.self),
                               sightingRows: try row.get("sightings", as: Int64.self))
        }
        return ChangeStamp(lastPosition: 0, versionCount: 0, revokedReleases: 0)
    }
}
