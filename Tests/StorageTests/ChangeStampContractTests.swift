// The storage contract for the change stamp that export caches compare: an append, a delete, a
// release and its revocation each change it; reads and account changes do not. Every back end.
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: change stamp")
struct ChangeStampContractTests {
    @Test("appends, deletes, releases and revocations move the stamp; reads do not; another store on the same database sees it",
          arguments: Backend.underTest)
    func stampMoves(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let feed = try await hub.feed("C2")
        let empty = try await hub.store.changeStamp()
        var original = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        original.audiences = [Audience.organization("provider")]
        let record = submission(for: [original], feed: feed, org: "provider")
        _ = try await hub.store.append([original], to: feed.id, recording: record)
        let appended = try await other.store.changeStamp()
        #expect(appended.lastPosition > empty.lastPosition)
        #expect(appended.versionCount == empty.versionCount + 1)

        _ = try await hub.store.objects(ObjectQuery(feedID: feed.id), for: ReadScope(audiences: [Audience.organization("provider"): 0]))
        #expect(try await hub.store.changeStamp() == appended)

        var copy = original
        copy.audiences = [Audience.group("g")]
        let release = Release(submissionID: record.id, providerOrganizationID: "provider", scope: ReleaseScope(groups: ["g"]),
                              anonymized: false, kind: .consent, createdBy: nil, createdAt: "2026-11-23T01:00:00Z")
        try await hub.store.recordRelease(release, feedID: feed.id, copies: [copy],
                                          audit: AuditEvent(action: .release, actorUserID: nil, actorOrganizationID: "provider",
                                                            subject: release.id))
        let released = try await hub.store.changeStamp()
        #expect(released != appended)
        try await hub.store.revokeRelease(id: release.id, revokedBy: nil, at: "2026-11-23T03:00:00Z",
                                          audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: "provider",
                                                            subject: release.id))
        let revoked = try await other.store.changeStamp()
        #expect(revoked.revokedReleases == released.revokedReleases + 1)

        #expect(try await hub.store.deleteObject(id: original.stixID, feedID: feed.id, versions: .every, provider: nil) > 0)
        let deleted = try await hub.store.changeStamp()
        #expect(deleted.versionCount < revoked.versionCount)
        #expect(deleted.lastPosition == revoked.lastPosition)
    }

    @Test("the local change count moves after each commit that moves the stamp (append, release, revocation, sighting, delete), not after reads or account changes",
          arguments: Backend.underTest)
    func localChangeCount(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let feed = try await hub.feed("C2")
        var count = store.localChangeCount
        func moved() -> Bool {
            let now = store.localChangeCount
            defer { count = now }
            return now > count
        }
        var original = indicator(uuid(2), modified: "2025-02-01T00:00:00.000Z")
        original.audiences = [Audience.organization("provider")]
        let record = submission(for: [original], feed: feed, org: "provider")
        _ = try await store.append([original], to: feed.id, recording: record)
        let appended = try await store.changeStamp()
        #expect(moved())
        // Reads and an account change leave it.
        _ = try await store.objects(ObjectQuery(feedID: feed.id), for: ReadScope(audiences: [Audience.organization("provider"): 0]))
        _ = try await store.changeStamp()
        _ = try await store.createOrganization(Organization(name: "Org L"))
        #expect(!moved())
        #expect(try await store.changeStamp() == appended)

        var copy = original
        copy.audiences = [Audience.group("g")]
        let release = Release(submissionID: record.id, providerOrganizationID: "provider", scope: ReleaseScope(groups: ["g"]),
                              anonymized: false, kind: .consent, createdBy: nil, createdAt: "2026-11-23T01:00:00Z")
        try await store.recordRelease(release, feedID: feed.id, copies: [copy],
                                      audit: AuditEvent(action: .release, actorUserID: nil, actorOrganizationID: "provider", subject: release.id))
        #expect(moved())
        try await store.revokeRelease(id: release.id, revokedBy: nil, at: "2026-11-23T03:00:00Z",
                                      audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: "provider", subject: release.id))
        #expect(moved())
        try await store.recordSightings([SightingRecord(observable: "ipv4-addr:198.51.100.7", organizationID: "provider", userID: nil,
                                                        indicatorID: original.stixID, kind: .seen, count: 1, firstSeen: nil,
                                                        lastSeen: nil, named: false, recordedAt: "2026-11-23T04:00:00.000Z", via: "api")],
                                        audit: AuditEvent(action: .sighting, actorUserID: nil, actorOrganizationID: "provider", subject: "s"))
        #expect(moved())
        #expect(try await store.deleteObject(id: original.stixID, feedID: feed.id, versions: .every, provider: nil) > 0)
        #expect(moved())
        // Another store on the same database counts only its own commits.
        let other = try await hub.reopened()
        #expect(other.store.localChangeCount == 0)
    }
}
