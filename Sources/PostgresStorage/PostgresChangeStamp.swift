// PostgresStorage change stamp (ChangeStampStore): the largest committed position, the number of
// versions and of revoked releases, in one statement (one snapshot).
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func changeStamp() async throws -> ChangeStamp {
        for row in try await rows("""
            SELECT (SELECT coalesce(max(position), 0) FROM object_version) AS last,
                   (SELECT count(*) FROM object_version) AS versions,
                   (SELECT count(*) FROM release WHERE revoked_at IS NOT NULL) AS revoked
            """) {
            return ChangeStamp(lastPosition: try row.get("last", as: Int64.self),
                               versionCount: try row.get("versions", as: Int64.self),
                               revokedReleases: try row.get("revoked", as: Int64.self))
        }
        return ChangeStamp(lastPosition: 0, versionCount: 0, revokedReleases: 0)
    }
}
