// PostgresStorage freshness sweep: the sweep's new version of a hub-created copy, appended through the
// same insert as every version under the append lock, which serialises it with every other append
// (and with another hub process sweeping the same database): the check that the superseded version is
// still the latest and the insert are one step, so each expiry is versioned once.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func appendSweptVersion(_ version: SweptVersion, audit: AuditEvent) async throws -> Int64? {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        let (position, head) = try await transaction { c -> (Int64?, AuditHead?) in
            let feedKey = try await self.feedKey(version.feedID, on: c)
            try await self.lock(.append, on: c)
            var series: (submission: String, provider: String, release: String)?
            for try await (id, submission, provider, release, latest) in try await c.query("""
                SELECT stix_id, submission_id, provider_org_id, release_id, is_latest FROM object_version
                WHERE position = \(version.supersedes) AND feed_key = \(feedKey)
                """, logger: self.logger).decode((String, String, String, String, Bool).self)
            where id == version.object.stixID && latest {
                series = (submission, provider, release)
            }
            guard let series else { return (nil, nil) }
            var audiences: [String] = []
            for try await audience in try await c.query("""
                SELECT audience FROM object_audience WHERE feed_key = \(feedKey) AND position = \(version.supersedes)
                ORDER BY audience
                """, logger: self.logger).decode(String.self) { audiences.append(audience) }
            guard !audiences.isEmpty else { return (nil, nil) }
            var object = version.object
            object.audiences = audiences
            let results = try await self.insert([object], feedKey: feedKey, submissionID: series.submission,
                                                providerOrganizationID: series.provider, releaseID: series.release, on: c)
            guard case .stored(let position)? = results.first else { return (nil, nil) }
            return (position, try await self.appendAudit([audit], on: c))
        }
        if let head { auditHeads.record(head) }
        return position
    }
}
