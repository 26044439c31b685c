// SQLiteStorage audit trail: appending hash-chained entries and reading them back.
import Foundation
import GRDB
import STIX
import Storage

extension SQLiteHubStore {
    public func appendAudit(_ events: [AuditEvent]) async throws {
        guard !events.isEmpty else { return }
        try await measuredWrite { db in try self.appendAudit(events, in: db) }
    }

    public func recordedAuditHead() throws -> AuditHead? { try auditHeads.read() }

    /// Appends within an open write transaction (so a write and its audit entry commit together).
    /// Once the transaction commits, the new head is recorded outside the database, in the
    /// background (`AuditHeadFile`); a crash in between leaves the recorded head behind, which
    /// verification accepts (it only ever must not be ahead of the database).
    func appendAudit(_ events: [AuditEvent], in db: Database) throws {
        let last = try Row.fetchOne(db, sql: "SELECT sequence, hash FROM audit_entry ORDER BY sequence DESC LIMIT 1")
        var sequence: Int64 = last?["sequence"] ?? 0
        var previous: String = last?["hash"] ?? AuditChain.genesis
        let now = STIXTimestamp.formatting(microseconds: Int64(Date().timeIntervalSince1970 * 1_000_000))
        let insert = try db.cachedStatement(sql: """
            INSERT INTO audit_entry (sequence, recorded_at, action, actor_user_id, actor_organization_id, subject,
                                     details, previous_hash, hash)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)
            """)
        for event in events {
            sequence += 1
            let hash = AuditChain.hash(previous: previous, sequence: sequence, recordedAt: now, event: event,
                                       seal: auditSeal)
            try insert.execute(arguments: [sequence, now, event.action.rawValue, event.actorUserID,
                                           event.actorOrganizationID, event.subject,
                                           Self.detailsJSON(event.details), previous, hash])
            previous = hash
        }
        let head = AuditHead(sequence: sequence, hash: previous, seal: auditSeal)
        let heads = auditHeads
        db.afterNextTransaction { _ in heads.record(head) }
    }

    public func auditEntries(after sequence: Int64, limit: Int) async throws -> [AuditEntry] {
        try await measuredRead { db in
            let decoder = JSONDecoder()
            return try Row.fetchAll(db, sql: "SELECT * FROM audit_entry WHERE sequence > ? ORDER BY sequence LIMIT ?",
                                    arguments: [sequence, limit]).map { row in
                let action = AuditAction(rawValue: row["action"]) ?? .read
                let details = (try? decoder.decode([String: String].self, from: row["details"] as Data)) ?? [:]
                return AuditEntry(
                    sequence: row["sequence"], recordedAt: row["recorded_at"],
                    event: AuditEvent(action: action, actorUserID: row["actor_user_id"],
                                      actorOrganizationID: row["actor_organization_id"], subject: row["subject"],
                                      details: details),
                    previousHash: row["previous_hash"], hash: row["hash"])
            }
        }
    }

    /// The details as a JSON object with sorted keys (what JSONEncoder with `.sortedKeys` writes, without its cost
    /// on the read path, where every read is audited).
    static func detailsJSON(_ details: [String: String]) -> Data {
        var members: [(String, JSONValue)] = []
        for key in details.keys.sorted() { members.append((key, .string(details[key]!))) }
        return Data(JSONValue.object(JSONObject(members)).serialized())
    }
}
