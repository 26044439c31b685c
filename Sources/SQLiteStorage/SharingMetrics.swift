// SQLiteStorage sharing metrics: the reads of `SharingMetricsStore` — first reports of each
// observable with their submission's feed and time, the hub's first delivery of a value to an
// organisation (observable_source → delivery), and the operations totals.
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
}
