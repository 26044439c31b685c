// PostgresStorage sightings: members' sighting reports and the values put on review by
// false-positive reports (SightingStore), as SQLiteStorage keeps them.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func recordSightings(_ records: [SightingRecord], audit: AuditEvent) async throws {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        let head = try await transaction { c in
            for r in records {
                try await c.query("""
                    INSERT INTO sighting (id, observable, organization_id, user_id, indicator_id, kind, count, first_seen,
                                          last_seen, named, recorded_at, via, stix_id)
                    VALUES (\(r.id), \(r.observable), \(r.organizationID), \(r.userID), \(r.indicatorID), \(r.kind.rawValue),
                            \(Int64(r.count)), \(r.firstSeen), \(r.lastSeen), \(r.named), \(r.recordedAt), \(r.via), \(r.stixID))
                    """, logger: self.logger)
            }
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }

    public func sightings(indicatorID: String?, observables: [String]) async throws -> [SightingRecord] {
        let keys = Array(Set(observables.filter { !$0.isEmpty })).sorted()
        guard indicatorID != nil || !keys.isEmpty else { return [] }
        // An absent indicator matches no row (ids are never empty).
        return try await rows("""
            SELECT * FROM sighting WHERE indicator_id = \(indicatorID ?? "") OR observable = ANY(\(keys))
            ORDER BY recorded_at COLLATE "C", id COLLATE "C", observable COLLATE "C"
            """).map(Self.sighting(from:))
    }

    public func sightings(organizationID: String) async throws -> [SightingRecord] {
        try await rows("""
            SELECT * FROM sighting WHERE organization_id = \(organizationID)
            ORDER BY recorded_at COLLATE "C", id COLLATE "C", observable COLLATE "C"
            """).map(Self.sighting(from:))
    }

    public func submissionsCarrying(_ observables: [String], limit: Int) async throws -> [String] {
        let hashes = Array(Set(observables.map(KeyHash.of)))
        guard !hashes.isEmpty else { return [] }
        // Newest first by the submission's time (observable_source has no insertion order here).
        return try await rows("""
            SELECT s.id FROM submission s
            WHERE s.id IN (SELECT submission_id FROM observable_source WHERE observable_hash = ANY(\(hashes)))
            ORDER BY s.request_timestamp DESC, s.id LIMIT \(Int64(limit))
            """).map { try $0.get("id") }
    }

    public func placeOnReview(_ review: SightingReview, audit: AuditEvent) async throws -> Bool {
        let head = try await transaction { c -> AuditHead? in
            let placed = try await Self.changed(c.query("""
                INSERT INTO sighting_review (observable, state, organizations, placed_at)
                VALUES (\(review.observable), 'review', \(Int64(review.organizations)), \(review.placedAt))
                ON CONFLICT (observable) DO UPDATE SET state = 'review', organizations = excluded.organizations,
                    placed_at = excluded.placed_at, cleared_at = NULL, cleared_by = NULL
                WHERE sighting_review.state <> 'review'
                RETURNING observable
                """, logger: self.logger))
            guard placed else { return nil }
            return try await self.appendAudit([audit], on: c)
        }
        guard let head else { return false }
        auditHeads.record(head)
        return true
    }

    public func reviews(of observables: [String]) async throws -> [String: SightingReview] {
        let keys = Array(Set(observables))
        guard !keys.isEmpty else { return [:] }
        var reviews: [String: SightingReview] = [:]
        for row in try await rows("SELECT * FROM sighting_review WHERE observable = ANY(\(keys))") {
            let review = try Self.review(from: row)
            reviews[review.observable] = review
        }
        return reviews
    }

    public func reviews(includingCleared: Bool) async throws -> [SightingReview] {
        try await rows("""
            SELECT * FROM sighting_review WHERE state = 'review' OR \(includingCleared)
            ORDER BY placed_at COLLATE "C", observable COLLATE "C"
            """).map(Self.review(from:))
    }

    public func clearReview(_ observable: String, at: String, by userID: String?, audit: AuditEvent) async throws -> Bool {
        let head = try await transaction { c -> AuditHead? in
            let cleared = try await Self.changed(c.query("""
                UPDATE sighting_review SET state = 'cleared', cleared_at = \(at), cleared_by = \(userID)
                WHERE observable = \(observable) AND state = 'review' RETURNING observable
                """, logger: self.logger))
            guard cleared else { return nil }
            return try await self.appendAudit([audit], on: c)
        }
        guard let head else { return false }
        auditHeads.record(head)
        return true
    }

    static func sighting(from row: PostgresRandomAccessRow) throws -> SightingRecord {
        SightingRecord(id: try row.get("id"), observable: try row.get("observable"),
                       organizationID: try row.get("organization_id"), userID: try row.get("user_id", as: String?.self),
                       indicatorID: try row.get("indicator_id"),
                       kind: SightingKind(rawValue: try row.get("kind")) ?? .seen,
                       count: Int(try row.get("count", as: Int64.self)), firstSeen: try row.get("first_seen", as: String?.self),
                       lastSeen: try row.get("last_seen", as: String?.self), named: try row.get("named", as: Bool.self),
                       recordedAt: try row.get("recorded_at"), via: try row.get("via"),
                       stixID: try row.get("stix_id", as: String?.self))
    }

    static func review(from row: PostgresRandomAccessRow) throws -> SightingReview {
        SightingReview(observable: try row.get("observable"),
                       state: SightingReview.State(rawValue: try row.get("state")) ?? .review,
                       organizations: Int(try row.get("organizations", as: Int64.self)), placedAt: try row.get("placed_at"),
                       clearedAt: try row.get("cleared_at", as: String?.self), clearedBy: try row.get("cleared_by", as: String?.self))
    }
}
