// PostgresStorage alerts (AlertStore), as SQLiteStorage keeps them: subscriptions, deliveries keyed
// per subscription, object version and channel, the dispatch's object-log cursor, and claims of due
// deliveries (FOR UPDATE SKIP LOCKED, so two instances never claim the same row).
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func addAlertSubscription(_ s: AlertSubscription, audit: AuditEvent) async throws {
        let watched = Self.watchedText(s.watched)
        let head = try await transaction(duplicate: "alert subscription \(s.id)") { c in
            try await c.query("""
                INSERT INTO alert_subscription (id, user_id, organization_id, feed_id, minimum_severity, campaign, sector,
                                                watched, email, webhook_url, webhook_secret, digest, created_at)
                VALUES (\(s.id), \(s.userID), \(s.organizationID), \(s.feedID), \(s.minimumSeverity), \(s.campaign), \(s.sector),
                        \(watched), \(s.email), \(s.webhookURL), \(s.webhookSecret), \(s.digest.rawValue), \(s.createdAt))
                """, logger: self.logger)
            // The first subscription starts the dispatch's cursor at the head: nothing stored before raises alerts.
            try await c.query("""
                INSERT INTO alert_cursor (name, position) SELECT 'alerts', COALESCE(max(position), 0) FROM object_version
                ON CONFLICT (name) DO NOTHING
                """, logger: self.logger)
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }

    public func alertSubscriptions(userID: String?) async throws -> [AlertSubscription] {
        let found = if let userID {
            try await rows("""
                SELECT * FROM alert_subscription WHERE user_id = \(userID) ORDER BY created_at COLLATE "C", id COLLATE "C"
                """)
        } else {
            try await rows(#"SELECT * FROM alert_subscription ORDER BY created_at COLLATE "C", id COLLATE "C""#)
        }
        return try found.map(Self.alertSubscription(from:))
    }

    public func removeAlertSubscription(id: String, audit: AuditEvent) async throws -> Bool {
        let head = try await transaction { c -> AuditHead? in
            let removed = try await Self.changed(c.query(
                "DELETE FROM alert_subscription WHERE id = \(id) RETURNING id", logger: self.logger))
            guard removed else { return nil }
            try await c.query("""
                UPDATE alert_delivery SET status = 'withheld' WHERE subscription_id = \(id) AND status = 'pending'
                """, logger: self.logger)
            return try await self.appendAudit([audit], on: c)
        }
        guard let head else { return false }
        auditHeads.record(head)
        return true
    }

    public func alertPositions() async throws -> AlertPositions {
        for row in try await rows("""
            SELECT (SELECT position FROM alert_cursor WHERE name = 'alerts') AS cursor,
                   (SELECT max(position) FROM object_version) AS head
            """) {
            let head = try row.get("head", as: Int64?.self) ?? 0
            // No cursor yet: no subscription yet, nothing to consider.
            return AlertPositions(cursor: try row.get("cursor", as: Int64?.self) ?? head, head: head)
        }
        return AlertPositions(cursor: 0, head: 0)
    }

    public func recordAlertDeliveries(_ deliveries: [AlertDelivery], cursor: Int64) async throws -> Int {
        try await transaction { c -> Int in
            var added = 0
            for d in deliveries {
                let inserted = try await Self.changed(c.query("""
                    INSERT INTO alert_delivery (id, key, subscription_id, user_id, channel, cadence, feed_id, stix_id, version,
                                                status, attempts, next_attempt_us, last_error, created_at, sent_at)
                    VALUES (\(d.id), \(d.key), \(d.subscriptionID), \(d.userID), \(d.channel.rawValue), \(d.cadence.rawValue),
                            \(d.feedID), \(d.stixID), \(d.version), \(d.status.rawValue), \(Int64(d.attempts)),
                            \(d.nextAttemptMicroseconds), \(d.lastError), \(d.createdAt), \(d.sentAt))
                    ON CONFLICT (key) DO NOTHING RETURNING id
                    """, logger: self.logger))
                if inserted { added += 1 }
            }
            try await c.query("""
                INSERT INTO alert_cursor (name, position) VALUES ('alerts', \(cursor))
                ON CONFLICT (name) DO UPDATE SET position = GREATEST(alert_cursor.position, excluded.position)
                """, logger: self.logger)
            return added
        }
    }

    public func claimDueAlertDeliveries(nowMicroseconds: Int64, leaseMicroseconds: Int64,
                                        limit: Int) async throws -> [AlertDelivery] {
        try await transaction { c -> [AlertDelivery] in
            let rows = try await c.query("""
                WITH due AS (SELECT id, next_attempt_us AS was FROM alert_delivery
                             WHERE status = 'pending' AND next_attempt_us <= \(nowMicroseconds)
                             ORDER BY next_attempt_us, created_at COLLATE "C", id COLLATE "C" LIMIT \(Int64(limit))
                             FOR UPDATE SKIP LOCKED)
                UPDATE alert_delivery a SET next_attempt_us = \(nowMicroseconds + leaseMicroseconds)
                FROM due WHERE a.id = due.id
                RETURNING a.*, due.was
                """, logger: self.logger).collect().map { $0.makeRandomAccess() }
            // Returned as they were before the claim, in due order.
            return try rows.map { row in
                var d = try Self.alertDelivery(from: row)
                d.nextAttemptMicroseconds = try row.get("was", as: Int64.self)
                return d
            }.sorted { ($0.nextAttemptMicroseconds, $0.createdAt, $0.id) < ($1.nextAttemptMicroseconds, $1.createdAt, $1.id) }
        }
    }

    public func updateAlertDeliveries(_ deliveries: [AlertDelivery]) async throws {
        guard !deliveries.isEmpty else { return }
        try await transaction { c in
            for d in deliveries {
                try await c.query("""
                    UPDATE alert_delivery SET status = \(d.status.rawValue), attempts = \(Int64(d.attempts)),
                        next_attempt_us = \(d.nextAttemptMicroseconds), last_error = \(d.lastError), sent_at = \(d.sentAt)
                    WHERE id = \(d.id)
                    """, logger: self.logger)
            }
        }
    }

    public func alertDeliveries(userID: String?, status: AlertDeliveryStatus?, limit: Int) async throws -> [AlertDelivery] {
        // Absent filters match every row (ids and statuses are never empty).
        try await rows("""
            SELECT * FROM alert_delivery
            WHERE (\(userID ?? "") = '' OR user_id = \(userID ?? "")) AND (\(status?.rawValue ?? "") = '' OR status = \(status?.rawValue ?? ""))
            ORDER BY created_at COLLATE "C" DESC, id COLLATE "C" DESC LIMIT \(Int64(limit))
            """).map(Self.alertDelivery(from:))
    }

    public func alertDelivery(id: String) async throws -> AlertDelivery? {
        try await rows("SELECT * FROM alert_delivery WHERE id = \(id)").first.map(Self.alertDelivery(from:))
    }

    // MARK: - Rows

    static func watchedText(_ watched: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(watched)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func alertSubscription(from row: PostgresRandomAccessRow) throws -> AlertSubscription {
        AlertSubscription(id: try row.get("id"), userID: try row.get("user_id"), organizationID: try row.get("organization_id"),
                          feedID: try row.get("feed_id", as: String?.self),
                          minimumSeverity: try row.get("minimum_severity"),
                          campaign: try row.get("campaign", as: String?.self), sector: try row.get("sector", as: String?.self),
                          watched: (try? JSONDecoder().decode([String].self, from: Data(try row.get("watched", as: String.self).utf8))) ?? [],
                          email: try row.get("email", as: Bool.self),
                          webhookURL: try row.get("webhook_url", as: String?.self),
                          webhookSecret: try row.get("webhook_secret", as: String?.self),
                          digest: AlertCadence(rawValue: try row.get("digest")) ?? .daily, createdAt: try row.get("created_at"))
    }

    static func alertDelivery(from row: PostgresRandomAccessRow) throws -> AlertDelivery {
        var d = AlertDelivery(id: try row.get("id"), subscriptionID: try row.get("subscription_id"), userID: try row.get("user_id"),
                              channel: AlertChannel(rawValue: try row.get("channel")) ?? .email,
                              cadence: AlertCadence(rawValue: try row.get("cadence")) ?? .immediate,
                              feedID: try row.get("feed_id"), stixID: try row.get("stix_id"), version: try row.get("version"),
                              status: AlertDeliveryStatus(rawValue: try row.get("status")) ?? .pending,
                              attempts: Int(try row.get("attempts", as: Int64.self)),
                              nextAttemptMicroseconds: try row.get("next_attempt_us", as: Int64.self),
                              lastError: try row.get("last_error", as: String?.self), createdAt: try row.get("created_at"),
                              sentAt: try row.get("sent_at", as: String?.self))
        d.key = try row.get("key")
        return d
    }
}
