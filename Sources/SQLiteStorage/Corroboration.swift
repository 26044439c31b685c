// SQLiteStorage observable reports: which organisations reported which observable, independently or
// not (for k-corroboration), which submissions carried it, which values are held back from
// corroboration, and the probes recorded for the operator.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func recordObservables(_ keys: [String], organizationID: String, submissionID: String) async throws -> [String: Int] {
        guard !keys.isEmpty else { return [:] }
        return try await measuredWrite { db in
            try Self.report(keys, organizationID: organizationID, submissionID: submissionID, counting: true, in: db)
        }
    }

    /// Records that `submissionID` carried each observable and, with `counting`, that `organizationID`
    /// reported it (once per organisation: independently unless the organisation had already received
    /// it from the hub), returning how many organisations have reported each independently so far.
    /// Without `counting` (hub content, corroborated indicators) only the carrying is recorded.
    /// Runs in the writer's transaction: that is what keeps one row per (observable, organisation).
    static func report(_ keys: [String], organizationID: String, submissionID: String, counting: Bool,
                       in db: Database) throws -> [String: Int] {
        let unique = Array(Set(keys))
        let source = DirectStatement(try db.cachedStatement(sql: """
            INSERT INTO observable_source (observable_hash, submission_id) VALUES (?, ?)
            """), db)
        for key in unique {
            source.bind(1, KeyHash.of(key)); source.bind(2, submissionID)
            try source.step()
        }
        guard counting else { return [:] }
        // The reports already stored of up to 500 observables are read with one statement (an index
        // probe each); the organisation's row goes in for those it had not reported yet.
        let report = DirectStatement(try db.cachedStatement(sql: """
            INSERT INTO observable_report (observable_hash, observable, organization_id, submission_id, independent)
            VALUES (?, ?, ?, ?, ?)
            """), db)
        var counts: [String: Int] = [:]
        for start in stride(from: 0, to: unique.count, by: 500) {
            let chunk = unique[start..<min(start + 500, unique.count)]
            let hashes = chunk.map(KeyHash.of)
            var known: [String: (count: Int, mine: Bool)] = [:]
            let rows = try Row.fetchCursor(db.cachedStatement(sql: """
                SELECT observable, organization_id, independent FROM observable_report
                WHERE observable_hash IN (\(placeholders(chunk.count)))
                """), arguments: StatementArguments.positional(hashes))
            while let row = try rows.next() {
                let observable: String = row[0]
                let organization: String = row[1]
                let independent: Bool = row[2]
                known[observable, default: (0, false)].count += independent ? 1 : 0
                if organization == organizationID { known[observable]!.mine = true }
            }
            // Those the organisation had received from the hub: a delivery to it of any object of a
            // submission that carried the observable (its own are never delivered to it), read with
            // one statement for the chunk (an index probe per carrying submission). By hash alone:
            // a colliding observable can only make a report count less, never more.
            var arguments: StatementArguments = [organizationID]
            _ = arguments.append(contentsOf: StatementArguments.positional(hashes))
            let received = Set(try Int64.fetchAll(db.cachedStatement(sql: """
                SELECT DISTINCT s.observable_hash FROM observable_source s
                JOIN delivery d ON d.submission_id = s.submission_id AND d.organization_id = ?
                WHERE s.observable_hash IN (\(placeholders(chunk.count)))
                """), arguments: arguments))
            for (key, hash) in zip(chunk, hashes) {
                // Another observable with the same hash is counted under its own text, not this one.
                var (count, mine) = known[key] ?? (0, false)
                if !mine {
                    let independent = !received.contains(hash)
                    report.bind(1, hash); report.bind(2, key); report.bind(3, organizationID); report.bind(4, submissionID)
                    report.bind(5, independent)
                    try report.step()
                    if independent { count += 1 }
                }
                counts[key] = count
            }
        }
        return counts
    }

    /// Records values a submission holds back from corroboration (an address range when it parses as one).
    static func hold(_ values: [String], organizationID: String, submissionID: String, in db: Database) throws {
        let hold = DirectStatement(try db.cachedStatement(sql: """
            INSERT INTO held_value (value_hash, value, organization_id, submission_id, is_range) VALUES (?, ?, ?, ?, ?)
            """), db)
        for value in Set(values) where !value.isEmpty {
            hold.bind(1, KeyHash.of(value)); hold.bind(2, value); hold.bind(3, organizationID); hold.bind(4, submissionID)
            hold.bind(5, value.contains("/"))
            try hold.step()
        }
    }

    public func observableReportCounts(_ keys: [String]) async throws -> [String: Int] {
        try await observableReporters(keys).mapValues(\.count)
    }

    public func observableReporters(_ keys: [String]) async throws -> [String: [String]] {
        let unique = Array(Set(keys))
        guard !unique.isEmpty else { return [:] }
        return try await measuredRead { db in
            var reporters: [String: [String]] = [:]
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                var arguments = StatementArguments.positional(chunk.map(KeyHash.of))
                _ = arguments.append(contentsOf: StatementArguments.positional(chunk))
                let rows = try Row.fetchAll(db, sql: """
                    SELECT observable, organization_id FROM observable_report
                    WHERE observable_hash IN (\(Self.placeholders(chunk.count))) AND observable IN (\(Self.placeholders(chunk.count)))
                      AND independent = 1
                    ORDER BY observable, organization_id
                    """, arguments: arguments)
                for row in rows { reporters[row[0], default: []].append(row[1]) }
            }
            return reporters
        }
    }

    public func markCorroborated(_ key: String, at: String) async throws -> Bool {
        try await measuredWrite { db in
            try db.execute(sql: "INSERT OR IGNORE INTO corroborated_observable (observable, released_at) VALUES (?, ?)",
                           arguments: [key, at])
            return db.changesCount == 1
        }
    }

    public func corroboratedObservables() async throws -> [String] {
        try await pool.read { db in
            try String.fetchAll(db, sql: "SELECT observable FROM corroborated_observable ORDER BY observable")
        }
    }

    public func withdrawCorroborated(_ key: String, indicatorID: String, feedID: String, providerOrganizationID: String,
                                     notice: WithdrawalNotice, audit: AuditEvent) async throws -> Int {
        defer { noteObjectChange() }   // after the commit (localChangeCount)
        defer { recentGeneration.forget() }
        return try await pool.write { db in
            try db.execute(sql: "DELETE FROM corroborated_observable WHERE observable = ?", arguments: [key])
            var withdrawn = 0
            if let feedKey = try Int64.fetchOne(db, sql: "SELECT key FROM feed WHERE id = ?", arguments: [feedID]) {
                let positions = try Int64.fetchAll(db, sql: """
                    SELECT position FROM object_version
                    WHERE feed_key = ? AND id_hash = ? AND stix_id = ? AND provider_org_id = ?
                    """, arguments: [feedKey, KeyHash.of(indicatorID), indicatorID, providerOrganizationID])
                let series = try Self.withdrawnSeries(
                    where: "feed_key = ? AND id_hash = ? AND stix_id = ? AND provider_org_id = ?",
                    arguments: [feedKey, KeyHash.of(indicatorID), indicatorID, providerOrganizationID], in: db)
                try Self.removeAudiences(feedKey: feedKey, positions: positions, in: db)
                try Self.appendNotices(for: series, notice: notice, in: db)
                withdrawn = positions.count
            }
            try self.appendAudit([audit], in: db)
            return withdrawn
        }
    }

    public func heldValues(_ values: [String]) async throws -> [HeldValue] {
        let unique = Array(Set(values))
        guard !unique.isEmpty else { return [] }
        return try await measuredRead { db in
            var held: [HeldValue] = []
            for start in stride(from: 0, to: unique.count, by: 500) {
                let chunk = Array(unique[start..<min(start + 500, unique.count)])
                var arguments = StatementArguments.positional(chunk.map(KeyHash.of))
                _ = arguments.append(contentsOf: StatementArguments.positional(chunk))
                held += try Row.fetchAll(db, sql: """
                    SELECT DISTINCT value, organization_id FROM held_value
                    WHERE value_hash IN (\(Self.placeholders(chunk.count))) AND value IN (\(Self.placeholders(chunk.count)))
                    """, arguments: arguments).map { HeldValue(value: $0[0], organizationID: $0[1]) }
            }
            return held
        }
    }

    public func heldAddressRanges() async throws -> [HeldValue] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT DISTINCT value, organization_id FROM held_value WHERE is_range = 1")
                .map { HeldValue(value: $0[0], organizationID: $0[1]) }
        }
    }

    public func memberIdentifiers() async throws -> [MemberIdentifier] {
        try await measuredRead { db in
            let registered = try Row.fetchAll(db, sql: "SELECT organization_id, kind, value FROM organization_identifier")
                .compactMap { row in
                    OrganizationIdentifier.Kind(rawValue: row[1]).map {
                        MemberIdentifier(organizationID: row[0], identifier: OrganizationIdentifier(kind: $0, value: row[2]))
                    }
                }
            let users = try Row.fetchAll(db, sql: "SELECT organization_id, email FROM user").map { row in
                MemberIdentifier(organizationID: row[0], identifier: OrganizationIdentifier(kind: .email, value: row[1]))
            }
            return registered + users
        }
    }

    public func recordProbes(_ hits: [ProbeHit], audit: AuditEvent) async throws {
        try await measuredWrite { db in
            for hit in hits {
                try db.execute(sql: """
                    INSERT INTO observable_probe (organization_id, submission_id, observable, holders, recorded_at)
                    VALUES (?, ?, ?, ?, ?)
                    """, arguments: [hit.organizationID, hit.submissionID, hit.observable, hit.holders, hit.recordedAt])
            }
            try self.appendAudit([audit], in: db)
        }
    }

    public func probeHits() async throws -> [ProbeHit] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM observable_probe ORDER BY rowid").map { row in
                ProbeHit(organizationID: row["organization_id"], submissionID: row["submission_id"],
                         observable: row["observable"], holders: row["holders"], recordedAt: row["recorded_at"])
            }
        }
    }
}
