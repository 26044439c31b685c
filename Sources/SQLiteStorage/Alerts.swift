// SQLiteStorage alerts (AlertStore): subscriptions, deliveries keyed per subscription, object version
// and channel, the dispatch's object-log cursor, and claims of due deliveries.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func addAlertSubscription(_ s: AlertSubscription, audit: AuditEvent) async throws {
        let watched = Self.watchedText(s.watched)
        try await measuredWrite { db in
            do {
                try db.execute(sql: """
                    INSERT INTO alert_subscription (id, user_id, organization_id, feed_id, minimum_severity, campaign, sector,
                                                    watched, email, webhook_url, webhook_secret, digest, created_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
                    """, arguments: [s.id, s.userID, s.organizationID, s.feedID, s.minimumSeverity, s.campaign, s.sector,
                                     watched, s.email, s.webhookURL, s.webhookSecret, s.digest.rawValue, s.createdAt])
            } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
                throw StoreError.duplicate("alert subscription \(s.id)")
            }
            // The first subscription starts the dispatch's cursor at the head: nothing stored before raises alerts.
            try db.execute(sql: """
                INSERT INTO alert_cursor (name, position) SELECT 'alerts', COALESCE(max(position), 0) FROM object_version
                WHERE true ON CONFLICT (name) DO NOTHING
                """)
            try self.appendAudit([audit], in: db)
        }
    }

    public func alertSubscriptions(userID: String?) async throws -> [AlertSubscription] {
        try await measuredRead { db in
            let found = if let userID {
                try Row.fetchAll(db, sql: "SELECT * FROM alert_subscription WHERE user_id = ? ORDER BY created_at, id",
                                 arguments: [userID])
            } else {
                try Row.fetchAll(db, sql: "SELECT * FROM alert_subscription ORDER BY created_at, id")
            }
            return found.map(Self.alertSubscription(from:))
        }
    }

    public func removeAlertSubscription(id: String, audit: AuditEvent) async throws -> Bool {
        try await measuredWrite { db -> Bool in
            try db.execute(sql: "DELETE FROM alert_subscription WHERE id = ?", arguments: [id])
            guard db.changesCount > 0 else { return false }
            try db.execute(sql: "UPDATE alert_delivery SET status = 'withheld' WHERE subscription_id = ? AND status = 'pending'",
                           arguments: [id])
            try self.appendAudit([audit], in: db)
            return true
        }
    }

    public func alertPositions() async throws -> AlertPositions {
        try await measuredRead { db in
            let head = try Int64.fetchOne(db, sql: "SELECT max(position) FROM object_version") ?? 0
            // No cursor yet: no subscription yet, nothing to consider.
            return AlertPositions(cursor: try Int64.fetchOne(db, sql: "SELECT position FROM alert_cursor WHERE name = 'alerts'") ?? head,
                                  head: head)
        }
    }

    public func recordAlertDeliveries(_ deliveries: [AlertDelivery], cursor: Int64) async throws -> Int {
        try await measuredWrite { db -> Int in
            var added = 0
            for d in deliveries {
                try db.execute(sql: """
                    INSERT INTO alert_delivery (id, key, subscription_id, user_id, channel, cadence, feed_id, stix_id, version,
                                                status, attempts, next_attempt_us, last_error, created_at, sent_at)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT (key) DO NOTHING
                    """, arguments: [d.id, d.key, d.subscriptionID, d.userID, d.channel.rawValue, d.cadence.rawValue, d.feedID,
                                     d.stixID, d.version, d.status.rawValue, d.attempts, d.nextAttemptMicroseconds,
                                     d.lastError, d.createdAt, d.sentAt])
                added += db.changesCount
            }
            try db.execute(sql: """
                INSERT INTO alert_cursor (name, position) VALUES ('alerts', ?)
                ON CONFLICT (name) DO UPDATE SET position = max(position, excluded.position)
                """, arguments: [cursor])
            return added
        }
    }

    public func claimDueAlertDeliveries(nowMicroseconds: Int64, leaseMicroseconds: Int64,
                                        limit: Int) async throws -> [AlertDelivery] {
        try await measuredWrite { db -> [AlertDelivery] in
            let due = try Row.fetchAll(db, sql: """
                SELECT * FROM alert_delivery WHERE status = 'pending' AND next_attempt_us <= ?
                ORDER BY next_attempt_us, created_at, id LIMIT ?
                """, arguments: [nowMicroseconds, limit]).map(Self.alertDelivery(from:))
            for d in due {
                try db.execute(sql: "UPDATE alert_delivery SET next_attempt_us = ? WHERE id = ?",
                               arguments: [nowMicroseconds + leaseMicroseconds, d.id])
            }
            return due
        }
    }

    public func updateAlertDeliveries(_ deliveries: [AlertDelivery]) async throws {
        try await measuredWrite { db in
            for d in deliveries {
                try db.execute(sql: """
                    UPDATE alert_delivery SET status = ?, attempts = ?, next_attempt_us = ?, last_error = ?, sent_at = ?
                    WHERE id = ?
                    """, arguments: [d.status.rawValue, d.attempts, d.nextAttemptMicroseconds, d.lastError, d.sentAt, d.id])
            }
        }
    }

    public func alertDeliveries(userID: String?, status: AlertDeliveryStatus?, limit: Int) async throws -> [AlertDelivery] {
        try await measuredRead { db in
            var conditions: [String] = []
            var arguments = StatementArguments()
            if let userID { conditions.append("user_id = ?"); _ = arguments.append(contentsOf: [userID]) }
            if let status { conditions.append("status = ?"); _ = arguments.append(contentsOf: [status.rawValue]) }
            _ = arguments.append(contentsOf: [limit])
            let filter = conditions.isEmpty ? "" : "WHERE " + conditions.joined(separator: " AND ")
            return try Row.fetchAll(db, sql: "SELECT * FROM alert_delivery \(filter) ORDER BY created_at DESC, id DESC LIMIT ?",
                                    arguments: arguments).map(Self.alertDelivery(from:))
        }
    }

    public func alertDelivery(id: String) async throws -> AlertDelivery? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM alert_delivery WHERE id = ?", arguments: [id]).map(Self.alertDelivery(from:))
        }
    }

    // MARK: - Rows

    static func watchedText(_ watched: [String]) -> String {
        String(decoding: (try? JSONEncoder().encode(watched)) ?? Data("[]".utf8), as: UTF8.self)
    }

    static func watched(from text: String) -> [String] {
        (try? JSONDecoder().decode([String].self, from: Data(text.utf8))) ?? []
    }

    static func alertSubscription(from row: Row) -> AlertSubscription {
        AlertSubscription(id: row["id"], userID: row["user_id"], organizationID: row["organization_id"], feedID: row["feed_id"],
                          minimumSeverity: row["minimum_severity"], campaign: row["campaign"], sector: row["sector"],
                          watched: watched(from: row["watched"]), email: row["email"], webhookURL: row["webhook_url"],
                          webhookSecret: row["webhook_secret"], digest: AlertCadence(rawValue: row["digest"]) ?? .daily,
                          createdAt: row["created_at"])
    }

    static func alertDelivery(from row: Row) -> AlertDelivery {
        var d = AlertDelivery(id: row["id"], subscriptionID: row["subscription_id"], userID: row["user_id"],
                              channel: AlertChannel(rawValue: row["channel"]) ?? .email,
                              cadence: AlertCadence(rawValue: row["cadence"]) ?? .immediate, feedID: row["feed_id"],
                              stixID: row["stix_id"], version: row["version"],
                              status: AlertDeliveryStatus(rawValue: row["status"]) ?? .pending, attempts: row["attempts"],
                              nextAttemptMicroseconds: row["next_attempt_us"], lastError: row["last_error"],
                              createdAt: row["created_at"], sentAt: row["sent_at"])
        d.key = row["key"]
        return d
    }
}
