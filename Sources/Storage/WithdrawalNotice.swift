// Storage, withdrawal notices: when a release is revoked or a corroborated indicator withdrawn, its
// earlier versions leave every later read, and the series may get one last version — built by the
// domain from the latest one (`revoked: true`, or `valid_until` now) — that tells the organisations
// which already received the series that it is withdrawn, so their devices remove what they added.
// The store computes who that is (the deliveries of the series) inside the withdrawing transaction.
import Foundation

/// The latest version of a series being withdrawn, as the notice builder sees it.
public struct WithdrawnVersion: Sendable {
    public var stixID: String
    public var type: String
    public var bytes: [UInt8]
    public var tlp: TLPLevel?
    /// The version's `modified` (or `created`) as microseconds; nil for unversioned objects.
    public var versionMicroseconds: Int64?

    public init(stixID: String, type: String, bytes: [UInt8], tlp: TLPLevel?, versionMicroseconds: Int64?) {
        self.stixID = stixID; self.type = type; self.bytes = bytes; self.tlp = tlp
        self.versionMicroseconds = versionMicroseconds
    }
}

/// Builds the notice version of a withdrawn series from its latest version, or nil for none (an
/// object the hub did not create, which STIX lets only its creator version).
///
/// ```swift
/// let notice: WithdrawalNotice = { latest in latest.type == "indicator" ? revokedVersion(of: latest) : nil }
/// try await store.revokeRelease(id: release.id, revokedBy: user.id, at: now, notice: notice, audit: event)
/// ```
public typealias WithdrawalNotice = @Sendable (WithdrawnVersion) -> IncomingObject?

/// Who reads a withdrawal notice: the organisations the deliveries record as having received the
/// series (whatever the path), the series' provider and hub staff — nobody who never had it.
///
/// ```swift
/// let audiences = WithdrawalAudience.audiences(recipients: ["org-b"], provider: "hub-org")
/// ```
public enum WithdrawalAudience {
    public static func audiences(recipients: some Sequence<String>, provider: String) -> [String] {
        Array(Set(recipients.map(Audience.organization) + [Audience.organization(provider), Audience.hubStaff])).sorted()
    }
}

extension SubmissionStore {
    /// Revokes a release with no notice versions (see `revokeRelease(id:revokedBy:at:notice:audit:)`).
    public func revokeRelease(id: String, revokedBy: String?, at: String, audit: AuditEvent) async throws {
        try await revokeRelease(id: id, revokedBy: revokedBy, at: at, notice: { _ in nil }, audit: audit)
    }
}

extension CorroborationStore {
    /// Withdraws a corroborated observable with no notice version.
    public func withdrawCorroborated(_ key: String, indicatorID: String, feedID: String, providerOrganizationID: String,
                                     audit: AuditEvent) async throws -> Int {
        try await withdrawCorroborated(key, indicatorID: indicatorID, feedID: feedID,
                                       providerOrganizationID: providerOrganizationID, notice: { _ in nil }, audit: audit)
    }
}
