// PostgresStorage observable reports and submission extras: which organisations reported which
// observable (independently or not, for k-corroboration), which submissions carried it, the values
// held back from corroboration, the probes recorded for the operator; and the details, samples and
// observation hours stored beside a submission. Ported from SQLiteStorage (Corroboration,
// SubmissionDetails); counting runs under the append lock, which keeps one report row per
// (observable, organisation) and exact counts with several writers.
import Foundation
import PostgresNIO
@_spi(ReadGate) import Storage

extension PostgresHubStore {
    // MARK: - Extras

    /// Stores the extras of a submission; with `countingReports`, returns how many organisations have
    /// reported each observable key. The caller holds the append lock.
    func insert(_ extras: SubmissionExtras, submissionID: String, organizationID: String, feedKey: Int64,
                countingReports: Bool, on c: PostgresConnection) async throws -> [String: Int] {
        var counts: [String: Int] = [:]
        if !extras.observableKeys.isEmpty {
            counts = try await report(extras.observableKeys, organizationID: organizationID, submissionID: submissionID,
                                      counting: countingReports, on: c)
        }
        try await hold(extras.heldKeys.map(ObservableKey.bareValue(of:))
                        + (extras.detail?.victimIdentifiers ?? []).map(ObservableKey.heldValue(ofIdentifier:)),
                       organizationID: organizationID, submissionID: submissionID, on: c)
        if var detail = extras.detail {
            detail.submissionID = submissionID
            let json = try JSONEncoder().encode(detail)
            try await c.query("""
                INSERT INTO submission_detail (submission_id, kind, detail) VALUES (\(submissionID), \(detail.kind.rawValue), \(json))
                """, logger: logger)
        }
        for sample in extras.samples {
            try await c.query("""
                INSERT INTO sample (sha256, submission_id, file_object_id, name, size)
                VALUES (\(sample.sha256), \(submissionID), \(sample.fileObjectID), \(sample.name), \(sample.size))
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        if !extras.observationHours.isEmpty {
            let hours = extras.observationHours
            try await c.query("""
                INSERT INTO observation_hour (feed_key, hour_start_us, source, stix_id, submission_id)
                SELECT \(feedKey), h, s, i, \(submissionID)
                FROM unnest(\(hours.map(\.hourStartMicroseconds)), \(hours.map(\.source)), \(hours.map(\.stixID))) AS t(h, s, i)
                ON CONFLICT DO NOTHING
                """, logger: logger)
        }
        return counts
    }

    public func submissionDetail(id: String) async throws -> SubmissionDetail? {
        guard let row = try await rows("SELECT detail FROM submission_detail WHERE submission_id = \(id)").first else { return nil }
        return try JSONDecoder().decode(SubmissionDetail.self, from: try row.get("detail", as: Data.self))
    }

    public func sampleReferences(sha256: String) async throws -> [SampleReference] {
        try await rows("SELECT * FROM sample WHERE sha256 = \(sha256.lowercased()) ORDER BY submission_id COLLATE \"C\"").map { row in
            SampleReference(sha256: try row.get("sha256"), submissionID: try row.get("submission_id"),
                            fileObjectID: try row.get("file_object_id"), name: try row.get("name"),
                            size: try row.get("size", as: Int64.self))
        }
    }

    @_spi(ReadGate) public func observationObjectIDs(feedID: String, fromMicroseconds: Int64, toMicroseconds: Int64,
                                                     source: String?, limit: Int, for scope: ReadScope) async throws -> [String] {
        try await measuredConnection(.read) { c in
            let feedKey = try await self.feedKey(feedID, on: c)
            let sql = BoundSQL("")
            sql.text = """
                SELECT h.stix_id FROM observation_hour h
                WHERE h.feed_key = \(sql.bind(feedKey)) AND h.hour_start_us >= \(sql.bind(fromMicroseconds))
                  AND h.hour_start_us < \(sql.bind(toMicroseconds))
                """
            if let source { sql.text += " AND h.source = \(sql.bind(source))" }
            if let audiences = scope.audiences {
                // Only what the reader may read counts towards the limit.
                sql.text += """
                     AND EXISTS (SELECT 1 FROM object_version ov JOIN object_audience oa
                                   ON oa.feed_key = ov.feed_key AND oa.position = ov.position
                                      AND oa.audience = ANY(\(sql.bind(audiences)))
                                 WHERE ov.feed_key = h.feed_key AND ov.stix_id = h.stix_id)
                    """
            }
            sql.text += " ORDER BY h.hour_start_us, h.source COLLATE \"C\" LIMIT \(sql.bind(limit))"
            var ids: [String] = []
            for try await id in try await c.query(sql.query, logger: self.logger).decode(String.self) { ids.append(id) }
            return ids
        }
    }

    // MARK: - Reports

    public func recordObservables(_ keys: [String], organizationID: String, submissionID: String) async throws -> [String: Int] {
        guard !keys.isEmpty else { return [:] }
        return try await transaction { c in
            try await self.lock(.append, on: c)
            return try await self.report(keys, organizationID: organizationID, submissionID: submissionID, counting: true, on: c)
        }
    }

    /// See SQLiteHubStore.report. The caller holds the append lock.
    func report(_ keys: [String], organizationID: String, submissionID: String, counting: Bool,
                on c: PostgresConnection) async throws -> [String: Int] {
        let unique = Array(Set(keys))
        // Carried observables are kept by their key hash, as SQLiteStorage keeps them (so a hub
        // copied between the two keeps them too).
        let hashes = unique.map(KeyHash.of)
        try await c.query("""
            INSERT INTO observable_source (observable_hash, submission_id) SELECT k, \(submissionID) FROM unnest(\(hashes)) AS k
            """, logger: logger)
        guard counting else { return [:] }
        var known: [String: (count: Int, mine: Bool)] = [:]
        for try await (observable, organization, independent) in try await c.query("""
            SELECT observable, organization_id, independent FROM observable_report WHERE observable = ANY(\(unique))
            """, logger: logger).decode((String, String, Bool).self) {
            known[observable, default: (0, false)].count += independent ? 1 : 0
            if organization == organizationID { known[observable]!.mine = true }
        }
        // Those the organisation had received from the hub: a delivery to it of any object of a
        // submission that carried the observable. By hash alone, as SQLiteStorage: a colliding
        // observable can only make a report count less, never more.
        var receivedHashes: Set<Int64> = []
        for try await hash in try await c.query("""
            SELECT DISTINCT s.observable_hash FROM observable_source s
            JOIN delivery d ON d.submission_id = s.submission_id AND d.organization_id = \(organizationID)
            WHERE s.observable_hash = ANY(\(hashes))
            """, logger: logger).decode(Int64.self) { receivedHashes.insert(hash) }
        let received = Set(zip(unique, hashes).filter { receivedHashes.contains($0.1) }.map(\.0))
        var counts: [String: Int] = [:]
        var newKeys: [String] = [], newIndependent: [Bool] = []
        for key in unique {
            var (count, mine) = known[key] ?? (0, false)
            if !mine {
                let independent = !received.contains(key)
                newKeys.append(key); newIndependent.append(independent)
                if independent { count += 1 }
            }
            counts[key] = count
        }
        if !newKeys.isEmpty {
            try await c.query("""
                INSERT INTO observable_report (observable, organization_id, submission_id, independent)
                SELECT k, \(organizationID), \(submissionID), i FROM unnest(\(newKeys), \(newIndependent)) AS t(k, i)
                """, logger: logger)
        }
        return counts
    }

    /// Records values a submission holds back from corroboration (an address range when it parses as one).
    func hold(_ values: [String], organizationID: String, submissionID: String, on c: PostgresConnection) async throws {
        let unique = Set(values).filter { !$0.isEmpty }.sorted()
        guard !unique.isEmpty else { return }
        try await c.query("""
            INSERT INTO held_value (value, organization_id, submission_id, is_range)
            SELECT v, \(organizationID), \(submissionID), strpos(v, '/') > 0 FROM unnest(\(unique)) AS v
            """, logger: logger)
    }

    public func observableReportCounts(_ keys: [String]) async throws -> [String: Int] {
        try await observableReporters(keys).mapValues(\.count)
    }

    public func observableReporters(_ keys: [String]) async throws -> [String: [String]] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        var reporters: [String: [String]] = [:]
        for row in try await rows("""
            SELECT observable, organization_id FROM observable_report WHERE observable = ANY(\(unique)) AND independent
            ORDER BY observable COLLATE "C", organization_id COLLATE "C"
            """) {
            reporters[try row.get("observable"), default: []].append(try row.get("organization_id"))
        }
        return reporters
    }

    public func markCorroborated(_ key: String, at: String) async throws -> Bool {
        try await transaction { c in
            try await Self.changed(c.query("""
                INSERT INTO corroborated_observable (observable, released_at) VALUES (\(key), \(at))
                ON CONFLICT DO NOTHING RETURNING observable
                """, logger: self.logger))
        }
    }

    public func corroboratedObservables() async throws -> [String] {
        try await rows("SELECT observable FROM corroborated_observable ORDER BY observable").map { try $0.get("observable") }
    }

    public func withdrawCorroborated(_ key: String, indicatorID: String, feedID: String, providerOrganizationID: String,
                                     notice: WithdrawalNotice, audit: AuditEvent) async throws -> Int {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        let (withdrawn, head) = try await transaction { c in
            // A notice is appended: positions follow commit order under the append lock, taken first.
            try await self.lock(.append, on: c)
            try await c.query("DELETE FROM corroborated_observable WHERE observable = \(key)", logger: self.logger)
            let feedKey = try await self.feedKey(feedID, on: c)
            let series = try await self.withdrawnSeries(feedKey: feedKey, stixID: indicatorID,
                                                        providerOrganizationID: providerOrganizationID, on: c)
            // As a revoked release: no audience reaches the indicator's versions any more; the
            // deliveries keep who had them.
            var withdrawn = 0
            for try await _ in try await c.query("""
                WITH withdrawn AS (
                    SELECT ov.feed_key, ov.position FROM object_version ov JOIN feed f ON f.key = ov.feed_key
                    WHERE f.id = \(feedID) AND ov.stix_id = \(indicatorID) AND ov.provider_org_id = \(providerOrganizationID)
                ), removed AS (
                    DELETE FROM object_audience oa USING withdrawn w
                    WHERE oa.feed_key = w.feed_key AND oa.position = w.position
                )
                SELECT position FROM withdrawn
                """, logger: self.logger) { withdrawn += 1 }
            try await self.appendNotices(for: series, notice: notice, on: c)
            return (withdrawn, try await self.appendAudit([audit], on: c))
        }
        auditHeads.record(head)
        return withdrawn
    }

    public func heldValues(_ values: [String]) async throws -> [HeldValue] {
        let unique = Array(Set(values))
        guard !unique.isEmpty else { return [] }
        return try await rows("SELECT DISTINCT value, organization_id FROM held_value WHERE value = ANY(\(unique))").map {
            HeldValue(value: try $0.get("value"), organizationID: try $0.get("organization_id"))
        }
    }

    public func heldAddressRanges() async throws -> [HeldValue] {
        try await rows("SELECT DISTINCT value, organization_id FROM held_value WHERE is_range").map {
            HeldValue(value: try $0.get("value"), organizationID: try $0.get("organization_id"))
        }
    }

    public func memberIdentifiers() async throws -> [MemberIdentifier] {
        let registered = try await rows("SELECT organization_id, kind, value FROM organization_identifier").compactMap { row in
            try OrganizationIdentifier.Kind(rawValue: try row.get("kind")).map {
                MemberIdentifier(organizationID: try row.get("organization_id"),
                                 identifier: OrganizationIdentifier(kind: $0, value: try row.get("value")))
            }
        }
        let users = try await rows("SELECT organization_id, email FROM hub_user").map { row in
            MemberIdentifier(organizationID: try row.get("organization_id"),
                             identifier: OrganizationIdentifier(kind: .email, value: try row.get("email")))
        }
        return registered + users
    }

    public func recordProbes(_ hits: [ProbeHit], audit: AuditEvent) async throws {
        let head = try await transaction { c in
            for hit in hits {
                try await c.query("""
                    INSERT INTO observable_probe (organization_id, submission_id, observable, holders, recorded_at)
                    VALUES (\(hit.organizationID), \(hit.submissionID), \(hit.observable), \(Int64(hit.holders)), \(hit.recordedAt))
                    """, logger: self.logger)
            }
            return try await self.appendAudit([audit], on: c)
        }
        auditHeads.record(head)
    }

    public func probeHits() async throws -> [ProbeHit] {
        try await rows("SELECT * FROM observable_probe ORDER BY id").map { row in
            ProbeHit(organizationID: try row.get("organization_id"), submissionID: try row.get("submission_id"),
                     observable: try row.get("observable"), holders: Int(try row.get("holders", as: Int64.self)),
                     recordedAt: try row.get("recorded_at"))
        }
    }
}
