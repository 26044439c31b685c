// Storage, audit: the append-only, sealed audit chain and the record of who received what.
import Foundation

/// The audit trail and the delivery records.
///
/// ```swift
/// try await store.appendAudit([AuditEvent(action: .export, actorUserID: nil, actorOrganizationID: nil, subject: "feed")])
/// let entries = try await store.auditEntries(after: 0, limit: 100)
/// ```
public protocol AuditStore: Sendable {
    // MARK: Audit
    /// Appends events to the audit chain, in order, durably.
    func appendAudit(_ events: [AuditEvent]) async throws
    /// Entries with sequence numbers above `sequence`, in order.
    func auditEntries(after sequence: Int64, limit: Int) async throws -> [AuditEntry]
    /// The key that seals the audit chain, kept outside the database.
    var auditSeal: AuditSeal { get }
    /// The newest entry as recorded outside the database after each append; nil before the first.
    func recordedAuditHead() throws -> AuditHead?


    // MARK: Reads
    /// Records reads that returned objects: their audit entries and the deliveries to organisations.
    func recordReads(_ events: [AuditEvent], deliveries: [Delivery]) async throws
    func deliveries(submissionID: String) async throws -> [Delivery]
}
