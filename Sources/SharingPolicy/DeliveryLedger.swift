// SharingPolicy delivery ledger: every read that returned objects is recorded in the audit trail,
// with one delivery per object another organisation provided ("who received what I gave").
//
// Reads are recorded by group commit: events gather for a few milliseconds and are written in one
// transaction, so reads do not each wait for a disk sync. A crash can lose at most the last
// interval's read records; writes, releases and revocations are recorded in their own transaction.
import Accounts
import Foundation
import STIX
import Storage

/// Collects read records and writes them in batches.
///
/// ```swift
/// let ledger = DeliveryLedger(store: store)
/// await ledger.recordRead(of: page.objects, by: principal, path: "taxii")
/// ```
public actor DeliveryLedger {
    let store: any HubStore
    let interval: Duration
    var events: [AuditEvent] = []
    /// The entry each reader's reads go into during this interval, and how many ids each lists.
    var openEntries: [ReadKey: Int] = [:]
    var objectCounts: [Int] = []
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
        if let index = openEntries[key], objectCounts[index] + ids.count <= Self.objectsPerEntry {
            var details = events[index].details
            details["objects"] = (details["objects"] ?? "") + "," + ids.joined(separator: ",")
            details["count"] = String(Int(details["count"] ?? "0", radix: 10).map { $0 + objects.count } ?? objects.count)
            details["reads"] = String((Int(details["reads"] ?? "1") ?? 1) + 1)
            details["last_at"] = now
            events[index].details = details
            objectCounts[index] += ids.count
        } else {
            openEntries[key] = events.count
            objectCounts.append(ids.count)
            events.append(AuditEvent(action: .read, actorUserID: principal.user.id,
                                     actorOrganizationID: principal.organization.id, subject: subject,
                                     details: ["path": path, "count": String(objects.count), "objects": ids.joined(separator: ","),
                                               "reads": "1", "first_at": now, "last_at": now]))
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
        let pendingEvents = events, pendingDeliveries = deliveries
        events = []; deliveries = []; openEntries = [:]; objectCounts = []
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
            objectCounts = Array(repeating: Self.objectsPerEntry, count: pendingEvents.count) + objectCounts
            openEntries = openEntries.mapValues { $0 + pendingEvents.count }
            deliveries = pendingDeliveries + deliveries
            scheduleFlush()
        }
    }
}
