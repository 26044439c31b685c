// PostgresStorage withdrawal notices: the last version a revoked release's copy, or a withdrawn
// corroborated indicator, gets inside the withdrawing transaction (under the append lock, like every
// append), readable by the organisations the deliveries record as having received the series (see
// `WithdrawalNotice`).
import Foundation
import PostgresNIO
import Storage

/// The latest version of one series being withdrawn, read before its audiences are removed.
struct PostgresWithdrawnSeries {
    var feedKey: Int64
    var latest: WithdrawnVersion
    var submissionID: String
    var providerOrganizationID: String
    var releaseID: String
}

extension PostgresHubStore {
    /// The latest versions of a release's copies.
    func withdrawnSeries(releaseID: String, on c: PostgresConnection) async throws -> [PostgresWithdrawnSeries] {
        try await withdrawnSeries(c.query("""
            SELECT feed_key, stix_id, type, json, tlp, version, version_us, submission_id, provider_org_id, release_id
            FROM object_version WHERE release_id = \(releaseID) AND is_latest
            """, logger: logger))
    }

    /// The latest versions of one object's series stored by one provider in one feed.
    func withdrawnSeries(feedKey: Int64, stixID: String, providerOrganizationID: String,
                         on c: PostgresConnection) async throws -> [PostgresWithdrawnSeries] {
        try await withdrawnSeries(c.query("""
            SELECT feed_key, stix_id, type, json, tlp, version, version_us, submission_id, provider_org_id, release_id
            FROM object_version
            WHERE feed_key = \(feedKey) AND stix_id = \(stixID) AND provider_org_id = \(providerOrganizationID) AND is_latest
            """, logger: logger))
    }

    private func withdrawnSeries(_ rows: PostgresRowSequence) async throws -> [PostgresWithdrawnSeries] {
        var series: [PostgresWithdrawnSeries] = []
        for try await (feedKey, stixID, type, json, tlp, version, versionKey, submission, provider, release)
            in rows.decode((Int64, String, String, ByteBuffer, String?, String?, Int64, String, String, String).self) {
            series.append(PostgresWithdrawnSeries(
                feedKey: feedKey,
                latest: WithdrawnVersion(stixID: stixID, type: type, bytes: Array(json.readableBytesView),
                                         tlp: tlp.flatMap(TLPLevel.init(rawValue:)),
                                         versionMicroseconds: version == nil ? nil : versionKey),
                submissionID: submission, providerOrganizationID: provider, releaseID: release))
        }
        return series
    }

    /// Appends each series' notice (when `notice` builds one), readable by the organisations that
    /// received any version of the series, its provider and hub staff. The caller holds the append lock.
    func appendNotices(for series: [PostgresWithdrawnSeries], notice: WithdrawalNotice, on c: PostgresConnection) async throws {
        let notices = series.compactMap { one in notice(one.latest).map { (one, $0) } }
        guard !notices.isEmpty else { return }
        // The submissions each series' versions came from, then each submission's deliveries read
        // once (its index), whatever the number of series: a release of many objects stays one pass.
        var submissionsOf: [Int: Set<String>] = [:]
        for (index, (one, _)) in notices.enumerated() {
            for try await submission in try await c.query("""
                SELECT DISTINCT submission_id FROM object_version
                WHERE feed_key = \(one.feedKey) AND stix_id = \(one.latest.stixID)
                  AND release_id = \(one.releaseID) AND provider_org_id = \(one.providerOrganizationID)
                """, logger: logger).decode(String.self) { submissionsOf[index, default: []].insert(submission) }
        }
        var received: [String: [String: Set<String>]] = [:]   // submission → stix id → organisations
        let submissions = Array(Set(submissionsOf.values.flatMap { $0 }))
        for try await (submission, stixID, organization) in try await c.query("""
            SELECT DISTINCT submission_id, stix_id, organization_id FROM delivery WHERE submission_id = ANY(\(submissions))
            """, logger: logger).decode((String, String, String).self) {
            received[submission, default: [:]][stixID, default: []].insert(organization)
        }
        for (index, (one, built)) in notices.enumerated() {
            var object = built
            let recipients = (submissionsOf[index] ?? []).flatMap { received[$0]?[one.latest.stixID] ?? [] }
            object.audiences = WithdrawalAudience.audiences(recipients: recipients, provider: one.providerOrganizationID)
            _ = try await insert([object], feedKey: one.feedKey, submissionID: one.submissionID,
                                 providerOrganizationID: one.providerOrganizationID, releaseID: one.releaseID, on: c)
        }
    }
}
