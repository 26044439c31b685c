// PostgresStorage sharing metrics: the reads of `SharingMetricsStore`, as SQLiteStorage answers them
// (first reports with their submission's feed and time, first deliveries of a value to an
// organisation by observable_source → delivery, the operations totals, the metrics change log).
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

    // MARK: - Metrics change log

    public func metricsChangePosition() async throws -> Int64 {
        let row = try await rows("""
            SELECT greatest((SELECT max(position) FROM metrics_change),
                            (SELECT through FROM metrics_change_pruned WHERE id = 1), 0)::bigint AS p
            """).first
        return try row?.get("p", as: Int64.self) ?? 0
    }

    public func metricsChanges(after position: Int64, limit: Int) async throws -> MetricsChanges {
        var changes = MetricsChanges(through: position)
        let pruned = try await rows("SELECT through FROM metrics_change_pruned WHERE id = 1").first?.get("through", as: Int64.self) ?? 0
        if position < pruned { changes.pruned = true; changes.through = pruned }
        for row in try await rows("""
            SELECT position, observable, observable_hash, submission_id, everything FROM metrics_change
            WHERE position > \(position) ORDER BY position LIMIT \(limit + 1)
            """) {
            guard changes.count < limit else { changes.truncated = true; break }
            changes.count += 1
            changes.through = max(changes.through, try row.get("position", as: Int64.self))
            if let observable = try row.get("observable", as: String?.self) { changes.observables.insert(observable) }
            if let hash = try row.get("observable_hash", as: Int64?.self) { changes.observableHashes.insert(hash) }
            if let submission = try row.get("submission_id", as: String?.self) { changes.submissionIDs.insert(submission) }
            if try row.get("everything", as: Bool.self) { changes.everything = true }
        }
        return changes
    }

    public func metricsInputs(observables: [String]) async throws -> (holdings: [ObservableHolding], seen: [SeenSighting]) {
        let unique = Array(Set(observables))
        guard !unique.isEmpty else { return ([], []) }
        var holdings: [ObservableHolding] = []
        var seen: [SeenSighting] = []
        for start in stride(from: 0, to: unique.count, by: 5000) {
            let chunk = Array(unique[start..<min(start + 5000, unique.count)])
            for row in try await rows("""
                SELECT r.observable, r.organization_id, r.submission_id, s.feed_id, s.request_timestamp
                FROM observable_report r JOIN submission s ON s.id = r.submission_id WHERE r.observable = ANY(\(chunk)::text[])
                """) {
                holdings.append(ObservableHolding(observable: try row.get("observable"), organizationID: try row.get("organization_id"),
                                                  submissionID: try row.get("submission_id"), feedID: try row.get("feed_id"),
                                                  heldAt: try row.get("request_timestamp")))
            }
            for row in try await rows("""
                SELECT observable, organization_id, coalesce(first_seen, recorded_at) AS seen_at FROM sighting
                WHERE observable = ANY(\(chunk)::text[]) AND kind = 'seen'
                """) {
                seen.append(SeenSighting(observable: try row.get("observable"), organizationID: try row.get("organization_id"),
                                         seenAt: try row.get("seen_at")))
            }
        }
        return (holdings, seen)
    }

    public func observableHashes(carriedBy submissionIDs: [String]) async throws -> Set<Int64> {
        let unique = Array(Set(submissionIDs))
        guard !unique.isEmpty else { return [] }
        var hashes: Set<Int64> = []
        for start in stride(from: 0, to: unique.count, by: 5000) {
            let chunk = Array(unique[start..<min(start + 5000, unique.count)])
            for row in try await rows("""
                SELECT DISTINCT observable_hash FROM observable_source WHERE submission_id = ANY(\(chunk)::text[])
                """) {
                hashes.insert(try row.get("observable_hash", as: Int64.self))
            }
        }
        return hashes
    }

    public func pruneMetricsChanges(through position: Int64) async throws {
        try await transaction { connection in
            try await connection.query("DELETE FROM metrics_change WHERE position <= \(position)", logger: self.logger)
            try await connection.query("""
                UPDATE metrics_change_pruned SET through = greatest(through, \(position)) WHERE id = 1
                """, logger: self.logger)
        }
    }
}
