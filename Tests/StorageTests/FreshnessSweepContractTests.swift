// The storage contract, freshness sweep (issue 16): the sweep's version of a released copy joins the
// copy's series (same release, provider, submission) readable by exactly the copy's audiences, with
// its audit entry; at most once per superseded version — a second call, another store on the same
// database, or two calls at once add one version — and never for a copy nobody may read any more (a
// revoked release), a version no longer the latest, or another object's id. Every back end.
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: freshness sweep")
struct FreshnessSweepContractTests {
    static let group = ReadScope(audiences: [Audience.organization("reader"): 0, Audience.group("g"): 0])
    static let outsider = ReadScope(audiences: [Audience.organization("outsider"): 0, Audience.allMembers: 0])

    /// A provider's original and its release to group g as a copy with an id of its own (as anonymised).
    static func released(_ hub: ContractHub) async throws -> (Feed, Release, StoredObject) {
        let feed = try await hub.feed("C2")
        var original = indicator(uuid(1), modified: "2026-01-01T00:00:00.000Z")
        original.audiences = [Audience.organization("provider")]
        let record = submission(for: [original], feed: feed, org: "provider")
        _ = try await hub.store.append([original], to: feed.id, recording: record, extras: nil)
        var copy = indicator(uuid(2), modified: "2026-01-01T00:00:00.000Z")
        copy.audiences = [Audience.group("g")]
        copy.originalID = original.stixID
        let release = Release(submissionID: record.id, providerOrganizationID: "provider", scope: ReleaseScope(groups: ["g"]),
                              anonymized: true, kind: .consent, createdBy: nil, createdAt: "2026-01-01T01:00:00Z")
        try await hub.store.recordRelease(release, feedID: feed.id, copies: [copy], audit: AuditEvent(
            action: .release, actorUserID: nil, actorOrganizationID: "provider", subject: release.id))
        let seen = try await hub.store.objects(ObjectQuery(feedID: feed.id), for: group).objects
        #expect(seen.count == 1)
        return (feed, release, seen[0])
    }

    static func swept(_ copy: StoredObject, feed: Feed, modified: String) -> SweptVersion {
        var object = indicator(String(copy.stixID.dropFirst("indicator--".count)), modified: modified)
        object.audiences = [Audience.allMembers]   // ignored: the superseded version's audiences are used
        return SweptVersion(feedID: feed.id, supersedes: copy.position, object: object)
    }

    static func audit(_ subject: String) -> AuditEvent {
        AuditEvent(action: .write, actorUserID: nil, actorOrganizationID: nil, subject: subject,
                   details: ["change": "freshness-sweep"])
    }

    @Test("the swept version joins the copy's series, readable by the copy's audiences only, with its audit entry",
          arguments: Backend.underTest)
    func joinsTheSeries(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let (feed, release, copy) = try await Self.released(hub)
        let position = try await hub.store.appendSweptVersion(Self.swept(copy, feed: feed, modified: "2026-02-01T00:00:00.000Z"),
                                                               audit: Self.audit("swept"))
        #expect(position != nil && position! > copy.position)
        let latest = try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.group).objects
        #expect(latest.map(\.version) == ["2026-02-01T00:00:00.000Z"])
        #expect(latest.map(\.releaseID) == [release.id])
        #expect(latest.map(\.stixID) == [copy.stixID])
        #expect(latest.map(\.providerOrganizationID) == ["provider"])
        let every = try await hub.store.objects(ObjectQuery(feedID: feed.id, versions: .every), for: Self.group).objects
        #expect(every.count == 2)
        // Only the superseded version's audiences: not the ones the caller put on the object.
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id, versions: .every), for: Self.outsider).objects.isEmpty)
        let since = try await hub.store.objects(ObjectQuery(feedID: feed.id, addedAfterMicroseconds: copy.dateAddedMicroseconds),
                                                for: Self.group).objects
        #expect(since.map(\.position) == [position!])
        #expect(try await hub.store.auditEntries(after: 0, limit: 100).map(\.event.subject).last == "swept")
        #expect(try await hub.store.verifyAuditTrail().isIntact)
    }

    @Test("once per superseded version: again, from another store, or two at once add one version",
          arguments: Backend.underTest)
    func once(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let other = try await hub.reopened()
        let (feed, _, copy) = try await Self.released(hub)
        async let first = hub.store.appendSweptVersion(Self.swept(copy, feed: feed, modified: "2026-02-01T00:00:00.000Z"),
                                                       audit: Self.audit("first"))
        async let second = other.store.appendSweptVersion(Self.swept(copy, feed: feed, modified: "2026-02-01T00:00:00.001Z"),
                                                          audit: Self.audit("second"))
        let results = try await [first, second]
        #expect(results.compactMap { $0 }.count == 1)
        #expect(try await hub.store.appendSweptVersion(Self.swept(copy, feed: feed, modified: "2026-03-01T00:00:00.000Z"),
                                                       audit: Self.audit("again")) == nil)
        let every = try await hub.store.objects(ObjectQuery(feedID: feed.id, versions: .every), for: Self.group).objects
        #expect(every.count == 2)
        let subjects = try await hub.store.auditEntries(after: 0, limit: 100).map(\.event.subject)
        #expect(subjects.filter { ["first", "second", "again"].contains($0) }.count == 1)
    }

    @Test("nothing for a revoked release's copy, another id, or an unknown position", arguments: Backend.underTest)
    func nothingToVersion(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let (feed, release, copy) = try await Self.released(hub)
        var wrongID = Self.swept(copy, feed: feed, modified: "2026-02-01T00:00:00.000Z")
        wrongID.object = indicator(uuid(9), modified: "2026-02-01T00:00:00.000Z")
        #expect(try await hub.store.appendSweptVersion(wrongID, audit: Self.audit("wrong")) == nil)
        var unknown = Self.swept(copy, feed: feed, modified: "2026-02-01T00:00:00.000Z")
        unknown.supersedes = copy.position + 1_000
        #expect(try await hub.store.appendSweptVersion(unknown, audit: Self.audit("unknown")) == nil)
        try await hub.store.revokeRelease(id: release.id, revokedBy: nil, at: "2026-01-02T00:00:00Z", audit: AuditEvent(
            action: .revoke, actorUserID: nil, actorOrganizationID: "provider", subject: release.id))
        #expect(try await hub.store.appendSweptVersion(Self.swept(copy, feed: feed, modified: "2026-02-01T00:00:00.000Z"),
                                                       audit: Self.audit("revoked")) == nil)
        let all = try await hub.store.objects(ObjectQuery(feedID: feed.id, versions: .every), for: .hub(.freshnessSweep)).objects
        #expect(all.count == 2)   // the original and the copy: nothing added
        let subjects = try await hub.store.auditEntries(after: 0, limit: 100).map(\.event.subject)
        #expect(!subjects.contains("wrong") && !subjects.contains("unknown") && !subjects.contains("revoked"))
    }
}
