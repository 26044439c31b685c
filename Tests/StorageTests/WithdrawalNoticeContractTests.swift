// The storage contract for withdrawal notices: a revoked release's copy, or a withdrawn corroborated
// indicator, gets one last version in the withdrawing transaction, readable only by the
// organisations the deliveries record as having received the series (and its provider, hub staff);
// an organisation in the release's scope that never received it reads nothing. Run on every back end.
import Foundation
import STIX
@_spi(ReadGate) import Storage
import Testing

@Suite("Storage contract: withdrawal notices reach exactly those who received the series")
struct WithdrawalNoticeContractTests {
    /// The notice the domain would build: the latest version with `revoked: true` and a later `modified`.
    static let revokedNotice: WithdrawalNotice = { latest in
        guard case .object(var properties)? = try? JSONParser.parse(latest.bytes) else { return nil }
        properties["modified"] = .string("2026-11-24T00:00:00.000Z")
        properties["revoked"] = .bool(true)
        var object = IncomingObject(stixID: latest.stixID, type: latest.type, specVersion: "2.1",
                                    version: "2026-11-24T00:00:00.000Z",
                                    versionMicroseconds: STIXTimestamp("2026-11-24T00:00:00.000Z")!.microsecondsSinceEpoch,
                                    bytes: JSONValue.object(properties).serialized(), tlp: latest.tlp)
        object.revokes = true
        return object
    }

    static func scope(_ organization: String) -> ReadScope {
        ReadScope(audiences: [Audience.organization(organization): 0, Audience.group("g"): 0, Audience.allMembers: 0])
    }

    /// Stores "provider"'s indicator, releases `copy` of it (audiences set by the caller) with
    /// `scope`, and records that "reader" received the copy.
    static func releaseReceived(_ copy: IncomingObject, of original: IncomingObject, scope: ReleaseScope, anonymized: Bool,
                                in hub: ContractHub, feed: Feed) async throws -> Release {
        let record = submission(for: [original], feed: feed, org: "provider")
        _ = try await hub.store.append([original], to: feed.id, recording: record)
        let release = Release(submissionID: record.id, providerOrganizationID: "provider", scope: scope,
                              anonymized: anonymized, kind: .consent, createdBy: nil, createdAt: "2026-11-23T01:00:00Z")
        try await hub.store.recordRelease(release, feedID: feed.id, copies: [copy],
                                          audit: AuditEvent(action: .release, actorUserID: nil, actorOrganizationID: "provider",
                                                            subject: release.id))
        try await hub.store.recordReads([], deliveries: [
            Delivery(organizationID: "reader", submissionID: record.id, releaseID: release.id, stixID: copy.stixID,
                     version: copy.version!, deliveredAt: "2026-11-23T02:00:00Z", path: "taxii")])
        return release
    }

    static func revocation(of release: Release) -> AuditEvent {
        AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: "provider", subject: release.id)
    }

    @Test("a revoked release's copy: the recipient reads only the revoked version, a bystander in scope reads nothing",
          arguments: Backend.underTest)
    func revokedRelease(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        var original = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        original.audiences = [Audience.organization("provider")]
        var copy = indicator(uuid(2), modified: "2025-02-01T00:00:00.000Z", name: "匿名化コピー")
        copy.audiences = [Audience.group("g")]
        copy.originalID = original.stixID
        let release = try await Self.releaseReceived(copy, of: original, scope: ReleaseScope(groups: ["g"]), anonymized: true,
                                                     in: hub, feed: feed)
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.scope("bystander")).objects.count == 1)

        try await hub.store.revokeRelease(id: release.id, revokedBy: "provider-admin", at: "2026-11-23T03:00:00Z",
                                          notice: Self.revokedNotice, audit: Self.revocation(of: release))

        let read = try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.scope("reader")).objects
        #expect(read.map(\.stixID) == [copy.stixID])
        #expect(read.map(\.version) == ["2026-11-24T00:00:00.000Z"])
        let body = try JSONParser.parse(Array(read[0].bytes))
        #expect(body["revoked"]?.boolValue == true)
        // Every version of the series, asked for by id: only the notice.
        let versions = try await hub.store.objects(ObjectQuery(feedID: feed.id, ids: [copy.stixID], versions: .every),
                                                   for: Self.scope("reader")).objects
        #expect(versions.map(\.version) == ["2026-11-24T00:00:00.000Z"])
        // In scope but never received it: nothing, not even the notice.
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.scope("bystander")).objects.isEmpty)
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id, ids: [copy.stixID], versions: .every),
                                            for: Self.scope("bystander")).objects.isEmpty)
        #expect(try await hub.store.verifyAuditTrail().isIntact)
    }

    @Test("a release revoked with no notice built leaves nothing to read for anyone who received it",
          arguments: Backend.underTest)
    func revokedWithoutNotice(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let original = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        var copy = original
        copy.audiences = [Audience.allMembers]
        let release = try await Self.releaseReceived(copy, of: original, scope: ReleaseScope(allMembers: true), anonymized: false,
                                                     in: hub, feed: feed)
        try await hub.store.revokeRelease(id: release.id, revokedBy: nil, at: "2026-11-23T03:00:00Z", notice: { _ in nil },
                                          audit: Self.revocation(of: release))
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.scope("reader")).objects.isEmpty)
    }

    @Test("a withdrawn corroborated indicator: its readers get the notice, others nothing, and it can be released again",
          arguments: Backend.underTest)
    func withdrawnCorroboration(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        var published = indicator(uuid(7), modified: "2025-03-01T00:00:00.000Z", name: "corroborated")
        published.audiences = [Audience.organization("hub-org"), Audience.hubStaff, Audience.allMembers]
        let record = submission(for: [published], feed: feed, org: "hub-org")
        _ = try await hub.store.append([published], to: feed.id, recording: record)
        #expect(try await hub.store.markCorroborated("ipv4-addr:198.51.100.7", at: "2026-11-23T01:00:00Z"))
        try await hub.store.recordReads([], deliveries: [
            Delivery(organizationID: "reader", submissionID: record.id, releaseID: nil, stixID: published.stixID,
                     version: published.version!, deliveredAt: "2026-11-23T02:00:00Z", path: "export")])

        let withdrawn = try await hub.store.withdrawCorroborated(
            "ipv4-addr:198.51.100.7", indicatorID: published.stixID, feedID: feed.id, providerOrganizationID: "hub-org",
            notice: Self.revokedNotice,
            audit: AuditEvent(action: .revoke, actorUserID: nil, actorOrganizationID: "hub-org", subject: published.stixID))
        #expect(withdrawn == 1)
        #expect(try await hub.store.corroboratedObservables().isEmpty)
        let read = try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.scope("reader")).objects
        #expect(read.map(\.version) == ["2026-11-24T00:00:00.000Z"])
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.scope("bystander")).objects.isEmpty)

        // Qualifying again, it is released as a later version every member reads.
        var again = indicator(uuid(7), modified: "2026-11-25T00:00:00.000Z", name: "corroborated")
        again.audiences = [Audience.organization("hub-org"), Audience.hubStaff, Audience.allMembers]
        _ = try await hub.store.append([again], to: feed.id, recording: submission(for: [again], feed: feed, org: "hub-org"))
        #expect(try await hub.store.objects(ObjectQuery(feedID: feed.id), for: Self.scope("bystander")).objects.map(\.version)
                == ["2026-11-25T00:00:00.000Z"])
        #expect(try await hub.store.verifyAuditTrail().isIntact)
    }
}

@Suite("Storage contract: a delivery is recorded once per organisation, object version and path")
struct DeliveryOnceContractTests {
    @Test("repeated polls add no delivery row and do not move the metrics generation; the first time is kept",
          arguments: Backend.underTest)
    func repeatedPolls(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let feed = try await hub.feed("Default")
        let object = indicator(uuid(1), modified: "2025-02-01T00:00:00.000Z")
        let record = submission(for: [object], feed: feed, org: "provider")
        _ = try await hub.store.append([object], to: feed.id, recording: record)
        func delivery(_ organization: String, at time: String, path: String = "taxii") -> Delivery {
            Delivery(organizationID: organization, submissionID: record.id, releaseID: nil, stixID: object.stixID,
                     version: object.version!, deliveredAt: time, path: path)
        }
        // The same delivery twice in one batch, then again in later polls.
        try await hub.store.recordReads([], deliveries: [delivery("reader", at: "2026-11-23T02:00:00Z"),
                                                         delivery("reader", at: "2026-11-23T02:00:01Z")])
        let generation = try await hub.store.metricsGeneration()
        for poll in 0..<3 {
            try await hub.store.recordReads([], deliveries: [delivery("reader", at: "2026-11-23T03:00:0\(poll)Z")])
        }
        #expect(try await hub.store.metricsGeneration() == generation)
        #expect(try await hub.store.deliveries(submissionID: record.id).map(\.deliveredAt) == ["2026-11-23T02:00:00Z"])
        // Another path, another organisation: recorded.
        try await hub.store.recordReads([], deliveries: [delivery("reader", at: "2026-11-23T04:00:00Z", path: "export/rpz"),
                                                         delivery("other", at: "2026-11-23T04:00:00Z")])
        #expect(try await hub.store.metricsGeneration() != generation)
        let recorded = try await hub.store.deliveries(submissionID: record.id)
        #expect(Set(recorded.map { "\($0.organizationID) \($0.path)" }) == ["reader taxii", "reader export/rpz", "other taxii"])
        #expect(recorded.count == 3)
    }
}
