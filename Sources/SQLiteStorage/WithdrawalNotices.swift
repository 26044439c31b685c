// SQLiteStorage withdrawal notices: the last version a revoked release's copy, or a withdrawn
// corroborated indicator, gets inside the withdrawing transaction, readable by the organisations the
// deliveries record as having received the series (see `WithdrawalNotice`).
import Foundation
import GRDB
import Storage

/// The latest version of one series being withdrawn, read before its audiences are removed.
struct WithdrawnSeries {
    var feedKey: Int64
    var latest: WithdrawnVersion
    var submissionID: String
    var providerOrganizationID: String
    var releaseID: String
}

extension SQLiteHubStore {
    /// The latest version of every series among the versions `condition` selects (a SQL condition
    /// on `object_version`, with its arguments).
    static func withdrawnSeries(where condition: String, arguments: StatementArguments,
                                in db: Database) throws -> [WithdrawnSeries] {
        try Row.fetchAll(db, sql: """
            SELECT feed_key, stix_id, type, json, tlp, version_us, submission_id, provider_org_id, release_id
            FROM object_version WHERE \(condition) AND is_latest = 1
            """, arguments: arguments).map { row in
            WithdrawnSeries(feedKey: row[0],
                            latest: WithdrawnVersion(stixID: row[1], type: row[2], bytes: [UInt8](row[3] as Data),
                                                     tlp: (row[4] as String?).flatMap(TLPLevel.init(rawValue:)),
                                                     versionMicroseconds: row[5]),
                            submissionID: row[6], providerOrganizationID: row[7], releaseID: row[8])
        }
    }

    /// Appends each series' notice (when `notice` builds one), readable by the organisations that
    /// received any version of the series, its provider and hub staff.
    static func appendNotices(for series: [WithdrawnSeries], notice: WithdrawalNotice, in db: Database) throws {
        let notices = series.compactMap { one in notice(one.latest).map { (one, $0) } }
        guard !notices.isEmpty else { return }
        // The submissions each series' versions came from, then each submission's deliveries read
        // once (its index), whatever the number of series: a release of many objects stays one pass.
        var submissionsOf: [Int: Set<String>] = [:]
        for (index, (one, _)) in notices.enumerated() {
            submissionsOf[index] = Set(try String.fetchAll(db, sql: """
                SELECT DISTINCT submission_id FROM object_version
                WHERE feed_key = ? AND id_hash = ? AND stix_id = ? AND release_id = ? AND provider_org_id = ?
                """, arguments: [one.feedKey, KeyHash.of(one.latest.stixID), one.latest.stixID, one.releaseID,
                                 one.providerOrganizationID]))
        }
        var received: [String: [String: Set<String>]] = [:]   // submission → stix id → organisations
        for submission in Set(submissionsOf.values.flatMap { $0 }) {
            let rows = try Row.fetchCursor(db, sql: "SELECT DISTINCT stix_id, organization_id FROM delivery WHERE submission_id = ?",
                                           arguments: [submission])
            while let row = try rows.next() { received[submission, default: [:]][row[0], default: []].insert(row[1]) }
        }
        for (index, (one, built)) in notices.enumerated() {
            var object = built
            let recipients = (submissionsOf[index] ?? []).flatMap { received[$0]?[one.latest.stixID] ?? [] }
            object.audiences = WithdrawalAudience.audiences(recipients: recipients, provider: one.providerOrganizationID)
            _ = try insert([object], feedKey: one.feedKey, submissionID: one.submissionID,
                           providerOrganizationID: one.providerOrganizationID, releaseID: one.releaseID, in: db)
        }
    }
}
