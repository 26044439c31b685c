// Storage, audit: the append-only, sealed audit chain and the record of who received what.
@_exported import AuditTrail
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

extension HubStore {
    /// Recomputes the whole chain with the hub's audit key and checks it against the head recorded
    /// outside the database: an edited, inserted, reordered or deleted entry (the newest included)
    /// and a chain rewritten without the key are all reported.
    ///
    /// ```swift
    /// let result = try await store.verifyAuditTrail()
    /// if !result.isIntact { for problem in result.problems { print(problem) } }
    /// ```
    public func verifyAuditTrail(batchSize: Int = 10_000) async throws -> AuditVerification {
        let head = try recordedAuditHead()
        var previous = AuditChain.genesis
        var sequence: Int64 = 0
        var problems: [AuditChain.Problem] = []
        var count = 0
        var hashAtHead: String?
        while true {
            let entries = try await auditEntries(after: sequence, limit: batchSize)
            guard let last = entries.last else { break }
            problems += AuditChain.verify(entries, seal: auditSeal, previous: previous, previousSequence: sequence)
            if let head, let entry = entries.first(where: { $0.sequence == head.sequence }) { hashAtHead = entry.hash }
            previous = last.hash
            sequence = last.sequence
            count += entries.count
        }
        if let head, let problem = AuditChain.check(head: head, lastSequence: sequence, hashAtHeadSequence: hashAtHead,
                                                     seal: auditSeal) {
            problems.append(problem)
        }
        return AuditVerification(entryCount: count, headHash: previous, recordedHead: head, problems: problems)
    }
}
