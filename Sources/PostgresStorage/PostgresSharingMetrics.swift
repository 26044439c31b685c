// PostgresStorage sharing metrics: the reads of `SharingMetricsStore`, as SQLiteStorage answers them
// (first reports with their submission's feed and time, first deliveries of a value to an
// organisation by observable_source → delivery, the operations totals).
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    public func observableHoldings(organizationID: String?) async throws -> [ObservableHolding] {
        let query: PostgresQuery
        if let organizationID {
            query = """
                SELECT r.observable, r.organization_id, r.submission_id, s.feed_id, s.request_timestamp
                FROM observable_report r JOIN submission s ON s.id = r.submission_id WHERE r.organization_id = \(organizationID)
                """
        } else {
            query = """
                SELECT r.observable, r.organization_id, r.submission_id, s.feed_id, s.request_timestamp
                FROM observable_report r JOIN submission s ON s.id = r.submission_id
                """
        }
        return try await rows(query).map { row in
            ObservableHolding(observable: try row.get("observable"), organizationID: try row.get("organization_id"),
                              submissionID: try row.get("submission_id"), feedID: try row.get("feed_id"),
                              heldAt: try row.get("request_timestamp"))
        }
    }

    public func firstDeliveries(_ probes: [DeliveryProbe]) async throws -> [DeliveryProbe: [FirstDelivery]] {
        let unique = Array(Set(probes))
        var first: [DeliveryProbe: [FirstDelivery]] = [:]
        for start in stride(from: 0, to: unique.count, by: 5000) {
            let chunk = unique[start..<min(start + 5000, unique.count)]
            let organizations = chunk.map(\.organizationID), observables = chunk.map(\.observable)
            let hashes = chunk.map { KeyHash.of($0.observable) }
            for row in try await rows("""
                SELECT p.o AS organization_id, p.k AS observable, s.organization_id AS provider, min(d.delivered_at) AS first_at
                FROM unnest(\(organizations)::text[], \(observables)::text[], \(hashes)::bigint[]) AS p(o, k, h)
                JOIN observable_source os ON os.observable_hash = p.h
                JOIN submission s ON s.id = os.submission_id AND s.organization_id <> p.o
                JOIN delivery d ON d.submission_id = os.submission_id AND d.organization_id = p.o
                GROUP BY p.o, p.k, s.organization_id
                """) {
                let probe = DeliveryProbe(organizationID: try row.get("organization_id"), observable: try row.get("observable"))
                first[probe, default: []].append(FirstDelivery(providerOrganizationID: try row.get("provider"),
                                                               deliveredAt: try row.get("first_at")))
            }
        }
        return first
    }

    public func metricsGeneration() async throws -> MetricsGeneration {
        var values: [Int64: Int64] = [:]
        for row in try await rows("SELECT id::bigint AS id, value FROM metrics_generation") {
            values[try row.get("id", as: Int64.self)] = try row.get("value", as: Int64.self)
        }
        return MetricsGeneration(changes: values[0] ?? 0, deletions: values[1] ?? 0)
    }

    public func sharingTotals() async throws -> SharingTotals {
        let submissions = try await rows("SELECT count(*) AS n FROM submission").first?.get("n", as: Int64.self) ?? 0
        var byType: [String: Int] = [:]
        for row in try await rows("""
            SELECT split_part(observable, ':', 1) AS type, count(DISTINCT observable) AS n FROM observable_report GROUP BY 1
            """) {
            byType[try row.get("type")] = Int(try row.get("n", as: Int64.self))
        }
        let corroborated = try await rows("SELECT count(*) AS n FROM corroborated_observable").first?.get("n", as: Int64.self) ?? 0
        let deliveries = try await rows("SELECT count(*) AS n FROM delivery").first?.get("n", as: Int64.self) ?? 0
        return SharingTotals(submissions: Int(submissions), observablesByType: byType, corroborated: Int(corroborated),
                             deliveries: Int(deliveries))
    }
}
