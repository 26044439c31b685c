// SQLiteStorage sightings: members' sighting reports and the values put on review by
// false-positive reports (SightingStore).
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func recordSightings(_ records: [SightingRecord], audit: AuditEvent) async throws {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        return try await measuredWrite { db in
            for r in records {
                try db.execute(sql: """
                    INSERT INTO sighting (id, observable, organization_id, user_id, indicator_id, kind, count, first_seen,
                                          last_seen, named, recorded_at, via, stix_id)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [r.id, r.observable, r.organizationID, r.userID, r.indicatorID, r.kind.rawValue, r.count,
                                     r.firstSeen, r.lastSeen, r.named, r.recordedAt, r.via, r.stixID])
            }
            try self.appendAudit([audit], in: db)
        }
    }

    public func sightings(indicatorID: String?, observables: [String]) async throws -> [SightingRecord] {
        let keys = Array(Set(observables.filter { !$0.isEmpty })).sorted()
        guard indicatorID != nil || !keys.isEmpty else { return [] }
        return try await measuredRead { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let indicatorID { conditions.append("indicator_id = ?"); _ = arguments.append(contentsOf: [indicatorID]) }
            if !keys.isEmpty {
                conditions.append("observable IN (\(Self.placeholders(keys.count)))")
                _ = arguments.append(contentsOf: StatementArguments.positional(keys))
            }
            return try Row.fetchAll(db, sql: """
                SELECT * FROM sighting WHERE \(conditions.joined(separator: " OR ")) ORDER BY recorded_at, id, observable
                """, arguments: arguments).map(Self.sighting(from:))
        }
    }

    public func sightings(organizationID: String) async throws -> [SightingRecord] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM sighting WHERE organization_id = ? ORDER BY recorded_at, id, observable",
                             arguments: [organizationID]).map(Self.sighting(from:))
        }
    }

    public func submissionsCarrying(_ observables: [String], limit: Int) async throws -> [String] {
        let hashes = Array(Set(observables.map(KeyHash.of)))
        guard !hashes.isEmpty else { return [] }
        return try await measuredRead { db in
            var arguments = StatementArguments.positional(hashes)
            _ = arguments.append(contentsOf: [limit])
            return try String.fetchAll(db, sql: """
                SELECT submission_id FROM observable_source WHERE observable_hash IN (\(Self.placeholders(hashes.count)))
                GROUP BY submission_id ORDER BY max(rowid) DESC LIMIT ?
                """, arguments: arguments)
        }
    }

    public func placeOnReview(_ review: SightingReview, audit: AuditEvent) async throws -> Bool {
        try await measuredWrite { db -> Bool in
            try db.execute(sql: """
                INSERT INTO sighting_review (observable, state, organizations, placed_at) VALUES (?, 'review', ?, ?)
                ON CONFLICT (observable) DO UPDATE SET state = 'review', organizations = excluded.organizations,
                    placed_at = excluded.placed_at, cleared_at = NULL, cleared_by = NULL
                WHERE sighting_review.state <> 'review'
                """, arguments: [review.observable, review.organizations, review.placedAt])
            guard db.changesCount > 0 else { return false }
            try self.appendAudit([audit], in: db)
            return true
        }
    }

    public func reviews(of observables: [String]) async throws -> [String: SightingReview] {
        let keys = Array(Set(observables))
        guard !keys.isEmpty else { return [:] }
        return try await measuredRead { db in
            var reviews: [String: SightingReview] = [:]
            for start in stride(from: 0, to: keys.count, by: 500) {
                let chunk = Array(keys[start..<min(start + 500, keys.count)])
                for row in try Row.fetchAll(db, sql: """
                    SELECT * FROM sighting_review WHERE observable IN (\(Self.placeholders(chunk.count)))
                    """, arguments: StatementArguments.positional(chunk)) {
                    let review = Self.review(from: row)
                    reviews[review.observable] = review
                }
            }
            return reviews
        }
    }

    public func reviews(includingCleared: Bool) async throws -> [SightingReview] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: """
                SELECT * FROM sighting_review \(includingCleared ? "" : "WHERE state = 'review'") ORDER BY placed_at, observable
                """).map(Self.review(from:))
        }
    }

    public func clearReview(_ observable: String, at: String, by userID: String?, audit: AuditEvent) async throws -> Bool {
        try await measuredWrite { db -> Bool in
            try db.execute(sql: """
                UPDATE sighting_review SET state = 'cleared', cleared_at = ?, cleared_by = ?
                WHERE observable = ? AND state = 'review'
                """, arguments: [at, userID, observable])
            guard db.changesCount > 0 else { return false }
            try self.appendAudit([audit], in: db)
            return true
        }
    }

    static func sighting(from row: Row) -> SightingRecord {
        SightingRecord(id: row["id"], observable: row["observable"], organizationID: row["organization_id"],
                       userID: row["user_id"], indicatorID: row["indicator_id"],
                       kind: SightingKind(rawValue: row["kind"]) ?? .seen, count: row["count"], firstSeen: row["first_seen"],
                       lastSeen: row["last_seen"], named: row["named"], recordedAt: row["recorded_at"], via: row["via"],
                       stixID: row["stix_id"])
    }

    static func review(from row: Row) -> SightingReview {
        SightingReview(observable: row["observable"], state: SightingReview.State(rawValue: row["state"]) ?? .review,
                       organizations: row["organizations"], placedAt: row["placed_at"], clearedAt: row["cleared_at"],
                       clearedBy: row["cleared_by"])
    }
}
