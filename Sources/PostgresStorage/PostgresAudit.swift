// PostgresStorage audit trail: appending hash-chained entries (one chain for every instance on the
// database: the audit advisory lock is held from reading the head to commit), reading them back, and
// recording reads with their deliveries.
import Foundation
import PostgresNIO
import STIX
import Storage

extension PostgresHubStore {
    public func appendAudit(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        let head = try await transaction { c in try await self.appendAudit(events, on: c) }
        auditHeads.record(head)
    }

    public func recordedAuditHead() throws -> AuditHead? { try auditHeads.read() }

    /// Appends within an open transaction on `connection` (so a write and its audit entry commit
    /// together) and returns the new head, which the caller records (`auditHeads.record`) once the
    /// transaction has committed: a crash in between leaves the recorded head behind, which
    /// verification accepts (it only ever must not be ahead of the database).
    ///
    /// The transaction-level advisory lock serialises appends across connections and instances
    /// until commit, so two transactions never extend the chain from the same head.
    func appendAudit(_ events: [AuditEvent], on connection: PostgresConnection) async throws -> AuditHead {
        try await lock(.audit, on: connection)
        var sequence: Int64 = 0
        var previous = AuditChain.genesis
        for try await (last, hash) in try await connection.query(
            "SELECT sequence, hash FROM audit_entry ORDER BY sequence DESC LIMIT 1", logger: logger).decode((Int64, String).self) {
            sequence = last; previous = hash
        }
        let now = STIXTimestamp.formatting(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
        for event in events {
            sequence += 1
            let hash = AuditChain.hash(previous: previous, sequence: sequence, recordedAt: now, event: event, seal: auditSeal)
            let details = String(decoding: Self.detailsJSON(event.details), as: UTF8.self)
            try await connection.query("""
                INSERT INTO audit_entry (sequence, recorded_at, action, actor_user_id, actor_organization_id, subject,
                                         details, previous_hash, hash)
                VALUES (\(sequence), \(now), \(event.action.rawValue), \(event.actorUserID), \(event.actorOrganizationID),
                        \(event.subject), \(details), \(previous), \(hash))
                """, logger: logger)
            previous = hash
        }
        return AuditHead(sequence: sequence, hash: previous, seal: auditSeal)
    }

    public func auditEntries(after sequence: Int64, limit: Int) async throws -> [AuditEntry] {
        let decoder = JSONDecoder()
        return try await rows("SELECT * FROM audit_entry WHERE sequence > \(sequence) ORDER BY sequence LIMIT \(limit)").map { row in
            let action = AuditAction(rawValue: try row.get("action")) ?? .read
            let details = (try? decoder.decode([String: String].self, from: Data(try row.get("details", as: String.self).utf8))) ?? [:]
            return AuditEntry(
                sequence: try row.get("sequence"), recordedAt: try row.get("recorded_at"),
                event: AuditEvent(action: action, actorUserID: try row.get("actor_user_id"),
                                  actorOrganizationID: try row.get("actor_organization_id"), subject: try row.get("subject"),
                                  details: details),
                previousHash: try row.get("previous_hash"), hash: try row.get("hash"))
        }
    }

    /// The details as a JSON object with sorted keys (as SQLiteHubStore.detailsJSON writes them).
    static func detailsJSON(_ details: [String: String]) -> [UInt8] {
        var members: [(String, JSONValue)] = []
        for key in details.keys.sorted() { members.append((key, .string(details[key]!))) }
        return Array(JSONValue.object(JSONObject(members)).serialized())
    }

    // MARK: - Reads and deliveries

    public func recordReads(_ events: [AuditEvent], deliveries: [Delivery]) async throws {
        guard !events.isEmpty || !deliveries.isEmpty else { return }
        let head: AuditHead? = try await transaction { c in
            let head = events.isEmpty ? nil : try await self.appendAudit(events, on: c)
            try await self.insertNewDeliveries(deliveries, on: c)
            return head
        }
        if let head { auditHeads.record(head) }
    }

    /// Inserts the deliveries not recorded yet (one row per organisation, object version and path:
    /// the earliest is kept), in one statement per 10,000. Those already recorded are found first, so
    /// that a repeated poll issues no insert at all: the statement triggers on `delivery` (metrics
    /// generation) would count even an insert that added nothing.
    func insertNewDeliveries(_ deliveries: [Delivery], on c: PostgresConnection) async throws {
        struct Key: Hashable { var submission, organization, stixID, version, path: String }
        var pending: [Key: Delivery] = [:]
        for delivery in deliveries {
            let key = Key(submission: delivery.submissionID, organization: delivery.organizationID, stixID: delivery.stixID,
                          version: delivery.version, path: delivery.path)
            if let kept = pending[key], kept.deliveredAt <= delivery.deliveredAt { continue }
            pending[key] = delivery
        }
        let unique = Array(pending.values)
        for start in stride(from: 0, to: unique.count, by: 10_000) {
            var chunk = Array(unique[start..<min(start + 10_000, unique.count)])
            var recorded = Set<Key>()
            for try await (submission, organization, stixID, version, path) in try await c.query("""
                SELECT d.submission_id, d.organization_id, d.stix_id, d.version, d.path
                FROM unnest(\(chunk.map(\.submissionID)), \(chunk.map(\.organizationID)), \(chunk.map(\.stixID)),
                            \(chunk.map(\.version)), \(chunk.map(\.path))) AS n(s, o, i, v, p)
                JOIN delivery d ON d.submission_id = n.s AND d.organization_id = n.o AND d.stix_id = n.i
                               AND d.version = n.v AND d.path = n.p
                """, logger: logger).decode((String, String, String, String, String).self) {
                recorded.insert(Key(submission: submission, organization: organization, stixID: stixID, version: version, path: path))
            }
            chunk.removeAll { recorded.contains(Key(submission: $0.submissionID, organization: $0.organizationID,
                                                    stixID: $0.stixID, version: $0.version, path: $0.path)) }
            guard !chunk.isEmpty else { continue }
            try await c.query("""
                INSERT INTO delivery (organization_id, submission_id, release_id, stix_id, version, delivered_at, path)
                SELECT o, s, NULLIF(r, ''), i, v, d, p
                FROM unnest(\(chunk.map(\.organizationID)), \(chunk.map(\.submissionID)), \(chunk.map { $0.releaseID ?? "" }),
                            \(chunk.map(\.stixID)), \(chunk.map(\.version)), \(chunk.map(\.deliveredAt)),
                            \(chunk.map(\.path))) AS n(o, s, r, i, v, d, p)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
    }

    public func deliveries(submissionID: String) async throws -> [Delivery] {
        try await rows("SELECT * FROM delivery WHERE submission_id = \(submissionID) ORDER BY delivered_at COLLATE \"C\"").map { row in
            Delivery(organizationID: try row.get("organization_id"), submissionID: try row.get("submission_id"),
                     releaseID: try row.get("release_id"), stixID: try row.get("stix_id"), version: try row.get("version"),
                     deliveredAt: try row.get("delivered_at"), path: try row.get("path"))
        }
    }
}
