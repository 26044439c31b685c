// Consent — withdrawal notices: the last version the hub gives a series it created when that series
// is withdrawn, so TAXII consumers that received it learn it is gone (STIX `revoked: true` for a
// revoked release's anonymised copies; `valid_until` now for a corroborated indicator, which may be
// released again once it qualifies, and a revoked STIX object may never be versioned again). The
// store shows the notice only to the organisations that received the series (see `WithdrawalNotice`).
import Accounts
import Anonymization
import Foundation
import SharingPolicy
import STIX
import Storage

/// Builders of withdrawal notice versions.
///
/// ```swift
/// try await store.revokeRelease(id: release.id, revokedBy: user.id, at: now,
///                               notice: WithdrawalNotices.revoked(creator: hubIdentityID), audit: event)
/// ```
public enum WithdrawalNotices {
    /// `revoked: true` for every object of the series `creator` made (its `created_by_ref`); nothing
    /// for objects with no `modified` (SCOs and marking definitions cannot be revoked) or made by
    /// someone else (STIX §3.6: only the creator versions an object).
    public static func revoked(creator: String,
                               clock: @escaping @Sendable () -> Int64 = { STIXTimestamp.now().microsecondsSinceEpoch })
        -> WithdrawalNotice {
        { latest in
            notice(of: latest, creator: creator, clock: clock) { properties, _ in properties["revoked"] = .bool(true) }
        }
    }

    /// `valid_until` the notice's own `modified` for an indicator `creator` made, so consumers expire it.
    public static func expired(creator: String,
                               clock: @escaping @Sendable () -> Int64 = { STIXTimestamp.now().microsecondsSinceEpoch })
        -> WithdrawalNotice {
        { latest in
            guard latest.type == "indicator" else { return nil }
            return notice(of: latest, creator: creator, clock: clock) { properties, modified in
                // STIX requires valid_until after valid_from.
                let validFrom = properties["valid_from"]?.stringValue.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch
                let until = max(modified, (validFrom ?? .min).addingReportingOverflow(1_000).partialValue)
                properties["valid_until"] = .string(STIXTimestamp.formatting(microseconds: until))
            }
        }
    }

    static func notice(of latest: WithdrawnVersion, creator: String, clock: @Sendable () -> Int64,
                       change: (inout JSONObject, Int64) -> Void) -> IncomingObject? {
        guard case .object(var properties)? = try? JSONParser.parse(latest.bytes),
              properties["created_by_ref"]?.stringValue == creator,
              properties["revoked"]?.boolValue != true,
              let previous = properties["modified"]?.stringValue.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch
        else { return nil }
        let modified = max(clock(), previous + 1_000)
        let modifiedText = STIXTimestamp.formatting(microseconds: modified)
        properties["modified"] = .string(modifiedText)
        change(&properties, modified)
        let value = JSONValue.object(properties)
        guard case .success = STIXValidator.validate(value) else { return nil }
        var object = IncomingObject(stixID: latest.stixID, type: latest.type, specVersion: "2.1", version: modifiedText,
                                    versionMicroseconds: modified, bytes: value.serialized(), tlp: latest.tlp)
        object.revokes = properties["revoked"]?.boolValue == true
        return object
    }
}

extension ConsentDesk {
    /// The provider revoked objects it had released anonymised (it stored versions of them with
    /// `revoked: true`): each anonymised copy — the hub's object, under an id of its own — gets its own
    /// revoked version, readable by exactly those who could read the copy, so that recipients drop it
    /// too. Copies released under the provider's own id are its own objects, not the hub's to version.
    /// Returns how many copies were revoked; one audit entry each.
    ///
    /// ```swift
    /// let revoked = try await desk.propagateRevocations(of: ["indicator--…"], in: feed.id, by: provider)
    /// ```
    @discardableResult
    public func propagateRevocations(of originalIDs: [String], in feedID: String, by principal: Principal) async throws -> Int {
        let copies = Dictionary(originalIDs.map { (Anonymizer.releasedID(for: $0, settings: anonymization), $0) },
                                uniquingKeysWith: { first, _ in first }).filter { $0.key != $0.value }
        guard !copies.isEmpty else { return 0 }
        let latest = try await policy.hubReader(feedID: feedID, purpose: .anonymisation)
            .all(ObjectQuery(feedID: feedID, ids: Array(copies.keys), versions: .latest))
        let notice = WithdrawalNotices.revoked(creator: anonymization.hubIdentityID)
        var revoked = 0
        for copy in latest where copy.releaseID != nil && copy.providerOrganizationID == principal.organization.id {
            guard let original = copies[copy.stixID],
                  let object = notice(WithdrawnVersion(stixID: copy.stixID, type: copy.type, bytes: Array(copy.bytes),
                                                       tlp: copy.tlp, versionMicroseconds: copy.versionMicroseconds))
            else { continue }
            let audit = AuditEvent(action: .revoke, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
                                   subject: copy.stixID, details: ["change": "original revoked", "original": original,
                                                                   "release": copy.releaseID ?? ""])
            if try await store.appendSweptVersion(SweptVersion(feedID: feedID, supersedes: copy.position, object: object),
                                                  audit: audit) != nil {
                revoked += 1
            }
        }
        return revoked
    }
}
