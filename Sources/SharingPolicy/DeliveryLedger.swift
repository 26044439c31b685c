// SharingPolicy delivery ledger: every read that returned objects is recorded in the audit trail,
// with one delivery per object another organisation provided ("who received what I gave").
//
// Reads are recorded by group commit: events gather for a few milliseconds and are written in one
// transaction, so reads do not each wait for a disk sync. A crash can lose at most the last
// interval's read records; writes, releases and revocations are recorded in their own transaction.
// Run as a service of the server's ServiceGroup, the ledger writes every pending record on graceful
// shutdown (SIGTERM, SIGINT), after the server has answered its last request.
import Accounts
import Foundation
import ServiceLifecycle
import STIX
import Storage

/// Collects read records and writes them in batches.
///
/// ```swift
/// let ledger = DeliveryLedger(store: store)
/// await ledger.recordRead(of: page.objects, by: principal, path: "taxii")
/// ```
///
/// As a `Service` it runs until graceful shutdown and then flushes; list it after the store's
/// services and before the HTTP server, which a ServiceGroup then stops first.
public actor DeliveryLedger: Service {
    let store: any HubStore
    let interval: Duration
    var events: [AuditEvent] = []
    /// Read entries still gathering in this interval, by reader and path; made into events at flush.
    var openReads: [ReadKey: OpenRead] = [:]
    var openOrder: [ReadKey] = []
    /// Read entries already full (objectsPerEntry ids), in order, also made into events at flush.
    var closedReads: [(ReadKey, OpenRead)] = []
    var deliveries: [Delivery] = []
    var flushScheduled = false
    var inFlight: Task<Bool, Never>?

    public init(store: any HubStore, interval: Duration = .milliseconds(20)) {
        self.store = store
        self.interval = interval
    }

    /// Records that `objects` were returned to `principal` through `path` (taxii, api, export, …).
    public func recordRead(of objects: [StoredObject], by principal: Principal, path: String, subject: String) {
        guard !objects.isEmpty else { return }
        let now = STIXTimestamp.now().text
        let ids = objects.prefix(Self.objectsPerEntry).map { "\($0.stixID)@\($0.version)" }
        // Reads of one reader through one path within one interval share an entry (each object still
        // listed, the number of requests and the first and last time kept): a busy client costs one
        // sealed entry per interval instead of one per request.
        let key = ReadKey(user: principal.user.id, organization: principal.organization.id, subject: subject, path: path)
        if var open = openReads[key] {
            if open.ids.count + ids.count <= Self.objectsPerEntry {
                openReads[key] = nil  // keeps the arrays uniquely referenced while they grow
                open.add(ids, count: objects.count, at: now)
                openReads[key] = open
            } else {
                closedReads.append((key, open))
                openReads[key] = OpenRead(ids: ids, count: objects.count, at: now)
            }
        } else {
            openOrder.append(key)
            openReads[key] = OpenRead(ids: ids, count: objects.count, at: now)
        }
        for object in objects where object.providerOrganizationID != principal.organization.id {
            deliveries.append(Delivery(organizationID: principal.organization.id, submissionID: object.submissionID,
                                       releaseID: object.releaseID, stixID: object.stixID, version: object.version,
                                       deliveredAt: now, path: path))
        }
        scheduleFlush()
    }

    /// At most this many object ids are listed in one read entry.
    static let objectsPerEntry = 1000

    struct ReadKey: Hashable { var user: String; var organization: String; var subject: String; var path: String }

    /// One reader's reads through one path so far in this interval.
    struct OpenRead {
        var ids: [String]
        var count: Int
        var reads = 1
        var firstAt: String
        var lastAt: String

        init(ids: [String], count: Int, at now: String) {
            self.ids = ids; self.count = count; firstAt = now; lastAt = now
        }

        mutating func add(_ more: [String], count more_: Int, at now: String) {
            ids += more; count += more_; reads += 1; lastAt = now
        }

        func event(_ key: ReadKey) -> AuditEvent {
            AuditEvent(action: .read, actorUserID: key.user, actorOrganizationID: key.organization, subject: key.subject,
                       details: ["path": key.path, "count": String(count), "objects": ids.joined(separator: ","),
                                 "reads": String(reads), "first_at": firstAt, "last_at": lastAt])
        }
    }

    /// The read entries of this interval, in the order they were opened, as audit events.
    func takeReadEvents() -> [AuditEvent] {
        var taken = closedReads.map { $0.1.event($0.0) }
        for key in openOrder { if let open = openReads[key] { taken.append(open.event(key)) } }
        closedReads = []; openReads = [:]; openOrder = []
        return taken
    }

    func scheduleFlush() {
        guard !flushScheduled else { return }
        flushScheduled = true
        Task {
            try? await Task.sleep(for: interval)
            await flush()
        }
    }

    /// Writes what has gathered; called by the timer and before a report that needs every read so far.
    /// Flushes run one after another, so a caller that returns from `flush()` knows that everything
    /// recorded before its call is written, including what a timed flush had already taken.
    public func flush() async {
        flushScheduled = false
        let previous = inFlight
        let pendingEvents = events + takeReadEvents(), pendingDeliveries = deliveries
        events = []; deliveries = []
        let store = self.store
        let task = Task {
            await previous?.value
            guard !pendingEvents.isEmpty else { return true }
            do {
                try await store.recordReads(pendingEvents, deliveries: pendingDeliveries)
                return true
            } catch {
                return false
            }
        }
        inFlight = task
        if await task.value == false {
            // Keep them for the next attempt rather than lose the record.
            events = pendingEvents + events
            deliveries = pendingDeliveries + deliveries
            scheduleFlush()
        }
    }

    /// Runs until graceful shutdown (or cancellation), then writes every pending read record.
    public nonisolated func run() async throws {
        try? await gracefulShutdown()
        // In a task of its own, so that the group's cancellation does not stop the last write.
        await Task { await self.flush() }.value
        if await hasPending { throw DeliveryLedgerError.unwritten }
    }

    /// Read entries and deliveries gathered but not yet written (the metric
    /// `kakehashi_delivery_ledger_pending_records`).
    public var pendingRecords: Int { events.count + openReads.count + closedReads.count + deliveries.count }

    /// Whether read records are still waiting (their last write failed).
    var hasPending: Bool { !events.isEmpty || !deliveries.isEmpty || !openReads.isEmpty || !closedReads.isEmpty }
}

/// The ledger could not write its pending read records at shutdown.
public enum DeliveryLedgerError: Error, CustomStringConvertible {
    case unwritten
    public var description: String { "read records could not be written to the audit trail at shutdown" }
}
