// SQLiteStorage sharing metrics: the reads of `SharingMetricsStore` — first reports of each
// observable with their submission's feed and time, the hub's first delivery of a value to an
// organisation (observable_source → delivery), the operations totals, and the metrics change log
// (`MetricsChangeStore`, kept by the v28-metric-aggregates triggers).
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func observableHoldings(organizationID: String?) async throws -> [ObservableHolding] {
        try await measuredRead { db in
            var sql = """
                SELECT r.observable, r.organization_id, r.submission_id, s.feed_id, s.request_timestamp
                FROM observable_report r JOIN submission s ON s.id = r.submission_id
                """
            var arguments: StatementArguments = []
            if let organizationID { sql += " WHERE r.organization_id = ?"; arguments = [organizationID] }
            return try Row.fetchAll(db, sql: sql, arguments: arguments).map { row in
                ObservableHolding(observable: row[0], organizationID: row[1], submissionID: row[2],
                                  feedID: row[3], heldAt: row[4])
            }
        }
    }

    public func firstDeliveries(_ probes: [DeliveryProbe]) async throws -> [DeliveryProbe: [FirstDelivery]] {
        guard !probes.isEmpty else { return [:] }
        return try await measuredRead { db in
            // An index probe per observable (observable_source_by_hash) and per carrying submission
            // (delivery_by_submission); the organisation's own submissions never count.
            let statement = try db.cachedStatement(sql: """
                SELECT s.organization_id, MIN(d.delivered_at) FROM observable_source os
                JOIN submission s ON s.id = os.submission_id
                JOIN delivery d ON d.submission_id = os.submission_id AND d.organization_id = ?
                WHERE os.observable_hash = ? AND s.organization_id <> ?
                GROUP BY s.organization_id
                """)
            var first: [DeliveryProbe: [FirstDelivery]] = [:]
            for probe in Set(probes) {
                let arguments: StatementArguments = [probe.organizationID, KeyHash.of(probe.observable), probe.organizationID]
                let found = try Row.fetchAll(statement, arguments: arguments).map { row in
                    FirstDelivery(providerOrganizationID: row[0], deliveredAt: row[1])
                }
                if !found.isEmpty { first[probe] = found }
            }
            return first
        }
    }

    public func metricsGeneration() async throws -> MetricsGeneration {
        try await measuredRead { db in
            var values: [Int64: Int64] = [:]
            for row in try Row.fetchAll(db.cachedStatement(sql: "SELECT id, value FROM metrics_generation")) {
                let id: Int64 = row[0], value: Int64 = row[1]
                values[id] = value
            }
            return MetricsGeneration(changes: values[0] ?? 0, deletions: values[1] ?? 0)
        }
    }

    public func sharingTotals() async throws -> SharingTotals {
        try await measuredRead { db in
            let submissions = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM submission") ?? 0
            var byType: [String: Int] = [:]
            for row in try Row.fetchAll(db, sql: """
                SELECT substr(observable, 1, instr(observable, ':') - 1) AS type, COUNT(DISTINCT observable)
                FROM observable_report GROUP BY type
                """) {
                byType[row[0] as String? ?? ""] = row[1]
            }
            let corroborated = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM corroborated_observable") ?? 0
            let deliveries = try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM delivery") ?? 0
            return SharingTotals(submissions: submissions, observablesByType: byType, corroborated: corroborated,
                                 deliveries: deliveries)
        }
    }

    // MARK: - Metrics change log

    public func metricsChangePosition() async throws -> Int64 {
        try await measuredRead { db in
            let newest = try Int64.fetchOne(db, sql: "SELECT max(position) FROM metrics_change")
            let pruned = try Int64.fetchOne(db, sql: "SELECT through FROM metrics_change_pruned WHERE id = 1") ?? 0
            return max(newest ?? 0, pruned)
        }
    }

    public func metricsChanges(after position: Int64, limit: Int) async throws -> MetricsChanges {
        try await measuredRead { db in
            var changes = MetricsChanges(through: position)
            let pruned = try Int64.fetchOne(db, sql: "SELECT through FROM metrics_change_pruned WHERE id = 1") ?? 0
            if position < pruned { changes.pruned = true; changes.through = pruned }
            let rows = try Row.fetchCursor(db, sql: """
                SELECT position, observable, observable_hash, submission_id, everything FROM metrics_change
                WHERE position > ? ORDER BY position LIMIT ?
                """, arguments: [position, limit + 1])
            while let row = try rows.next() {
                guard changes.count < limit else { changes.truncated = true; break }
                changes.count += 1
                changes.through = max(changes.through, row[0] as Int64)
                if let observable: String = row[1] { changes.observables.insert(observable) }
                if let hash: Int64 = row[2] { changes.observableHashes.insert(hash) }
                if let submission: String = row[3] { changes.submissionIDs.insert(submission) }
                if (row[4] as Int64) != 0 { changes.everything = true }
            }
            return changes
        }
    }

    public func metricsInputs(observables: [String]) async throws -> (holdings: [ObservableHolding], seen: [SeenSighting]) {
        guard !observables.isEmpty else { return ([], []) }
        return try await measuredRead { db in
            let reports = try db.cachedStatement(sql: """
                SELECT r.observable, r.organization_id, r.submission_id, s.feed_id, s.request_timestamp
                FROM observable_report r JOIN submission s ON s.id = r.submission_id
                WHERE r.observable_hash = ? AND r.observable = ?
                """)
            let sightings = try db.cachedStatement(sql: """
                SELECT observable, organization_id, coalesce(first_seen, recorded_at) FROM sighting
                WHERE observable = ? AND kind = 'seen'
                """)
            var holdings: [ObservableHolding] = []
            var seen: [SeenSighting] = []
            for observable in Set(observables) {
                // By the hashed key's index (observable_report_by_hash): by the text alone, each
                // observable scanned the whole table, and a catch-up of a large hub took minutes.
                for row in try Row.fetchAll(reports, arguments: [KeyHash.of(observable), observable]) {
                    holdings.append(ObservableHolding(observable: row[0], organizationID: row[1], submissionID: row[2],
                                                      feedID: row[3], heldAt: row[4]))
                }
                for row in try Row.fetchAll(sightings, arguments: [observable]) {
                    seen.append(SeenSighting(observable: row[0], organizationID: row[1], seenAt: row[2]))
                }
            }
            return (holdings, seen)
        }
    }

    public func observableHashes(carriedBy submissionIDs: [String]) async throws -> Set<Int64> {
        guard !submissionIDs.isEmpty else { return [] }
        return try await measuredRead { db in
            let statement = try db.cachedStatement(sql: "SELECT observable_hash FROM observable_source WHERE submission_id = ?")
            var hashes: Set<Int64> = []
            for submission in Set(submissionIDs) {
                for hash in try Int64.fetchAll(statement, arguments: [submission]) { hashes.insert(hash) }
            }
            return hashes
        }
    }

    public func pruneMetricsChanges(through position: Int64) async throws {
        try await measuredWrite { db in
            try db.execute(sql: "DELETE FROM metrics_change WHERE position <= ?", arguments: [position])
            try db.execute(sql: "UPDATE metrics_change_pruned SET through = max(through, ?) WHERE id = 1", arguments: [position])
        }
    }
}
