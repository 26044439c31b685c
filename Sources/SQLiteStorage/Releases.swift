// SQLiteStorage releases, submissions listing, and deliveries (who received what, when).
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func recordRelease(_ release: Release, feedID: String, copies: [IncomingObject], audit: AuditEvent) async throws {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        return try await measuredWrite { db in
            let feedKey = try Self.feedKey(feedID, in: db)
            try db.execute(sql: """
                INSERT INTO release (id, submission_id, provider_org_id, scope, anonymized, kind, created_by, created_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                """, arguments: [release.id, release.submissionID, release.providerOrganizationID,
                                 try JSONEncoder().encode(release.scope), release.anonymized, release.kind.rawValue,
                                 release.createdBy, release.createdAt])
            _ = try Self.insert(copies, feedKey: feedKey, submissionID: release.submissionID,
                                providerOrganizationID: release.providerOrganizationID, releaseID: release.id, in: db)
            try Self.indexObservationCopies(copies, feedKey: feedKey, submissionID: release.submissionID, in: db)
            try self.appendAudit([audit], in: db)
        }
    }

    /// The observation hours of released `observed-data` copies with ids of their own (anonymised):
    /// listed under the copy's id too, so that `GET /api/v1/observations` finds what was released
    /// to a reader (each id is still checked against the reader's audiences).
    static func indexObservationCopies(_ copies: [IncomingObject], feedKey: Int64, submissionID: String,
                                       in db: Database) throws {
        var copyIDs: [String: [String]] = [:]
        for copy in copies where copy.type == "observed-data" {
            if let original = copy.originalID, original != copy.stixID { copyIDs[original, default: []].append(copy.stixID) }
        }
        guard !copyIDs.isEmpty else { return }
        let hours = try Row.fetchAll(db, sql: """
            SELECT hour_start_us, source, stix_id FROM observation_hour WHERE feed_key = ? AND submission_id = ?
            """, arguments: [feedKey, submissionID])
        let insert = try db.cachedStatement(sql: """
            INSERT OR IGNORE INTO observation_hour (feed_key, hour_start_us, source, stix_id, submission_id)
            VALUES (?, ?, ?, ?, ?)
            """)
        for hour in hours {
            for copyID in copyIDs[hour[2] as String] ?? [] {
                try insert.execute(arguments: [feedKey, hour[0] as Int64, hour[1] as String, copyID, submissionID])
            }
        }
    }

    public func releases(submissionID: String) async throws -> [Release] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM release WHERE submission_id = ? ORDER BY created_at",
                             arguments: [submissionID]).map(Self.release(from:))
        }
    }

    public func release(id: String) async throws -> Release? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM release WHERE id = ?", arguments: [id]).map(Self.release(from:))
        }
    }

    public func revokeRelease(id: String, revokedBy: String?, at: String, notice: WithdrawalNotice,
                              audit: AuditEvent) async throws {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        return try await measuredWrite { db in
            try db.execute(sql: "UPDATE release SET revoked_at = ?, revoked_by = ? WHERE id = ? AND revoked_at IS NULL",
                           arguments: [at, revokedBy, id])
            guard db.changesCount > 0 else { throw StoreError.notFound("an unrevoked release \(id)") }
            let series = try Self.withdrawnSeries(where: "release_id = ?", arguments: [id], in: db)
            let copies = try Row.fetchAll(db, sql: "SELECT feed_key, position FROM object_version WHERE release_id = ?",
                                          arguments: [id])
            for (feedKey, rows) in Dictionary(grouping: copies, by: { $0[0] as Int64 }) {
                try Self.removeAudiences(feedKey: feedKey, positions: rows.map { $0[1] }, in: db)
            }
            try Self.appendNotices(for: series, notice: notice, in: db)
            try self.appendAudit([audit], in: db)
        }
    }

    public func submissions(organizationID: String?) async throws -> [Submission] {
        try await measuredRead { db in
            let rows: [Row]
            if let organizationID {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM submission WHERE organization_id = ? ORDER BY request_timestamp DESC",
                                        arguments: [organizationID])
            } else {
                rows = try Row.fetchAll(db, sql: "SELECT * FROM submission ORDER BY request_timestamp DESC")
            }
            return try rows.map(Self.submission(from:))
        }
    }

    public func recordReads(_ events: [AuditEvent], deliveries: [Delivery]) async throws {
        guard !events.isEmpty || !deliveries.isEmpty else { return }
        try await measuredWrite { db in
            try self.appendAudit(events, in: db)
            let insert = try db.cachedStatement(sql: """
                INSERT INTO delivery (organization_id, submission_id, release_id, stix_id, version, delivered_at, path)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                ON CONFLICT (submission_id, organization_id, stix_id, version, path) DO UPDATE
                SET delivered_at = excluded.delivered_at WHERE excluded.delivered_at < delivery.delivered_at
                """)
            for delivery in deliveries {
                try insert.execute(arguments: [delivery.organizationID, delivery.submissionID, delivery.releaseID,
                                               delivery.stixID, delivery.version, delivery.deliveredAt, delivery.path])
            }
        }
    }

    public func deliveries(submissionID: String) async throws -> [Delivery] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM delivery WHERE submission_id = ? ORDER BY delivered_at",
                             arguments: [submissionID]).map { row in
                Delivery(organizationID: row["organization_id"], submissionID: row["submission_id"],
                         releaseID: row["release_id"], stixID: row["stix_id"], version: row["version"],
                         deliveredAt: row["delivered_at"], path: row["path"])
            }
        }
    }

    static func release(from row: Row) throws -> Release {
        Release(id: row["id"], submissionID: row["submission_id"], providerOrganizationID: row["provider_org_id"],
                scope: try JSONDecoder().decode(ReleaseScope.self, from: row["scope"] as Data),
                anonymized: row["anonymized"], kind: ReleaseKind(rawValue: row["kind"]) ?? .consent,
                createdBy: row["created_by"], createdAt: row["created_at"], revokedAt: row["revoked_at"],
                revokedBy: row["revoked_by"])
    }

    static func submission(from row: Row) throws -> Submission {
        let outcome = try JSONDecoder().decode(SubmissionOutcome.self, from: row["outcome"] as Data)
        return Submission(id: row["id"], feedID: row["feed_id"], organizationID: row["organization_id"],
                          userID: row["user_id"], requestTimestamp: row["request_timestamp"],
                          successes: outcome.successes, failures: outcome.failures, pendings: outcome.pendings)
    }
}
