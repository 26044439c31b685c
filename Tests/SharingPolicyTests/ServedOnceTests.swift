// Plain tests of what the TAXII read paths serve when one object version reaches a reader in several
// ways (its own original and a released copy, two releases, two providers of the same object):
// each version is served once, a read of the latest version returns one version per object, and
// every provider keeps seeing what it posted. Deterministic repros of what the property test finds.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Storage
import Testing

@Suite("Versions served once")
struct ServedOnceTests {
    /// The (id, version) pairs of a read, in order, duplicates kept.
    static func versions(_ objects: [[String: Any]]) -> [String] {
        objects.map { "\($0["id"] as? String ?? "?")@\($0["modified"] as? String ?? "?")" }
    }

    @Test("a version that reaches a reader through its original and a released copy, or two releases, is served once")
    func servedOnce() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        try await h.withServer { client in
            let submission = try await client.post([indicator(1, markings: [.green])], as: h.a)
            // A is a member of the SIG it releases to; B is in the SIG and also named.
            #expect(try await client.release(submission, #"{"groups": ["電力SIG"]}"#, as: h.a).status == .created)
            #expect(try await client.release(submission, #"{"organizations": ["ガスB社"]}"#, as: h.a).status == .created)
            for member in [h.a, h.b] {
                let latest = Self.versions(try await client.objects(as: member).objects)
                #expect(latest.count == 1, "\(member.email) GET objects: \(latest)")
                let all = Self.versions(try await client.objects(as: member, query: "match[version]=all").objects)
                #expect(all.count == 1, "\(member.email) GET objects?match[version]=all: \(all)")
                let manifest = try await client.get("/hub/collections/\(h.feed.id)/manifest/", as: member)
                #expect((manifest.object["objects"] as? [Any])?.count == 1, "\(member.email) manifest: \(manifest.bodyText)")
                let object = try await client.get(client.objectsPath + "\(indicatorID(1))/", as: member)
                #expect((object.object["objects"] as? [Any])?.count == 1, "\(member.email) GET object: \(object.bodyText)")
                let versions = try await client.get(client.objectsPath + "\(indicatorID(1))/versions/", as: member)
                #expect(versions.object["versions"] as? [String] == ["2025-06-01T00:00:00.000Z"],
                        "\(member.email) versions: \(versions.bodyText)")
            }
        }
    }

    @Test("a read of the latest version returns one version per object, across releases")
    func latestAcrossReleases() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        try await h.withServer { client in
            let first = try await client.post([indicator(1, modified: "2025-06-01T00:00:00.000Z")], as: h.a)
            let second = try await client.post([indicator(1, modified: "2025-07-01T00:00:00.000Z")], as: h.a)
            #expect(try await client.release(first, #"{"organizations": ["ガスB社"]}"#, as: h.a).status == .created)
            #expect(try await client.release(second, #"{"organizations": ["ガスB社"]}"#, as: h.a).status == .created)
            let latest = Self.versions(try await client.objects(as: h.b).objects)
            #expect(latest == ["\(indicatorID(1))@2025-07-01T00:00:00.000Z"], "B GET objects (latest): \(latest)")
            let object = try await client.get(client.objectsPath + "\(indicatorID(1))/", as: h.b)
            #expect(Self.versions(object.object["objects"] as? [[String: Any]] ?? []) == ["\(indicatorID(1))@2025-07-01T00:00:00.000Z"],
                    "B GET object (latest): \(object.bodyText)")
            let first1 = try await client.get(client.objectsPath + "\(indicatorID(1))/?match[version]=first", as: h.b)
            #expect(Self.versions(first1.object["objects"] as? [[String: Any]] ?? []) == ["\(indicatorID(1))@2025-06-01T00:00:00.000Z"],
                    "B GET object (first): \(first1.bodyText)")
            let versions = try await client.get(client.objectsPath + "\(indicatorID(1))/versions/", as: h.b)
            #expect(versions.object["versions"] as? [String] == ["2025-06-01T00:00:00.000Z", "2025-07-01T00:00:00.000Z"],
                    "B versions: \(versions.bodyText)")
        }
    }

    @Test("two organisations that post the same object version each see it as their own, and can release it")
    func sameObjectFromTwoProviders() async throws {
        let h = try await SmallHub.make(bWrites: true); defer { h.hub.remove() }
        try await h.withServer { client in
            // The same observable, e.g. a C2 address both saw (SCO ids are deterministic, so they collide).
            let sco = #"{"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4","value":"198.51.100.3"}"#
            _ = try await client.post([sco, indicator(1)], as: h.a)
            let fromB = try await client.post([sco, indicator(1)], as: h.b)
            let seenByB = Set(try await client.objects(as: h.b).objects.compactMap { $0["id"] as? String })
            #expect(seenByB == ["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4", indicatorID(1)],
                    "B does not see what it posted itself: \(seenByB)")
            // B's release of its submission carries what B posted.
            #expect(try await client.release(fromB, #"{"organizations": ["化学C社"]}"#, as: h.b).status == .created)
            let seenByC = Set(try await client.objects(as: h.c).objects.compactMap { $0["id"] as? String })
            #expect(seenByC == ["ipv4-addr--28bb3599-77cd-5a82-a950-b5bc3caf07c4", indicatorID(1)],
                    "C did not receive B's released submission: \(seenByC)")
        }
    }

    @Test("an incremental poll (added_after) gets a version released to the reader after its last poll, even if an older copy became visible meanwhile")
    func incrementalPollAfterJoiningAGroup() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        let gasSIG = try await h.hub.store.createGroup(TrustGroup(name: "ガスSIG"))
        try await h.hub.store.addMember(organizationID: h.a.principal.organization.id, toGroup: gasSIG.id)
        try await h.withServer { client in
            let submission = try await client.post([indicator(1, markings: [.green])], as: h.a)
            // A first releases to the gas SIG, which B is not in yet.
            #expect(try await client.release(submission, #"{"groups": ["ガスSIG"]}"#, as: h.a).status == .created)
            // B's poller runs: nothing for B so far; it remembers this moment.
            #expect(try await client.objects(as: h.b).objects.isEmpty)
            try await Task.sleep(for: .milliseconds(5))
            let lastPoll = ISO8601DateFormatter.stix.string(from: Date())
            try await Task.sleep(for: .milliseconds(5))
            // A releases to B by name; then B joins the gas SIG.
            #expect(try await client.release(submission, #"{"organizations": ["ガスB社"]}"#, as: h.a).status == .created)
            try await h.hub.store.addMember(organizationID: h.b.principal.organization.id, toGroup: gasSIG.id)
            // B's next incremental poll must carry the version released to it after its last poll.
            let poll = try await client.objects(as: h.b, query: "added_after=\(lastPoll)").objects
            #expect(Self.versions(poll) == ["\(indicatorID(1))@2025-06-01T00:00:00.000Z"], """
                B's poll with added_after=\(lastPoll) returned \(Self.versions(poll)): the copy released to B after \
                its last poll is hidden as a duplicate of the SIG's older copy, which added_after excludes, so B's \
                incremental poller never receives the object
                """)
        }
    }

    @Test("an incremental poll serves a version once when an older copy became visible through a join and a newer copy was released after it")
    func servedOnceAcrossAJoin() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        let gasSIG = try await h.hub.store.createGroup(TrustGroup(name: "ガスSIG"))
        try await h.hub.store.addMember(organizationID: h.a.principal.organization.id, toGroup: gasSIG.id)
        try await h.withServer { client in
            let submission = try await client.post([indicator(1, markings: [.green])], as: h.a)
            // A releases to the gas SIG, which B is not in yet; B's poller runs and remembers the moment.
            #expect(try await client.release(submission, #"{"groups": ["ガスSIG"]}"#, as: h.a).status == .created)
            #expect(try await client.objects(as: h.b).objects.isEmpty)
            try await Task.sleep(for: .milliseconds(5))
            let lastPoll = ISO8601DateFormatter.stix.string(from: Date())
            try await Task.sleep(for: .milliseconds(5))
            // B joins the gas SIG (the SIG's copy is B's from now), then A also releases to B by name.
            try await h.hub.store.addMember(organizationID: h.b.principal.organization.id, toGroup: gasSIG.id)
            try await Task.sleep(for: .milliseconds(5))
            #expect(try await client.release(submission, #"{"organizations": ["ガスB社"]}"#, as: h.a).status == .created)
            for query in ["added_after=\(lastPoll)", "added_after=\(lastPoll)&match[version]=all", ""] {
                let poll = Self.versions(try await client.objects(as: h.b, query: query).objects)
                #expect(poll == ["\(indicatorID(1))@2025-06-01T00:00:00.000Z"], "B GET objects?\(query): \(poll)")
            }
            let manifest = try await client.get("/hub/collections/\(h.feed.id)/manifest/?added_after=\(lastPoll)", as: h.b)
            #expect((manifest.object["objects"] as? [Any])?.count == 1, "B manifest after its last poll: \(manifest.bodyText)")
        }
    }

    @Test("a provider keeps seeing its latest original when another organisation posts a newer version")
    func newerVersionFromAnotherProvider() async throws {
        let h = try await SmallHub.make(bWrites: true); defer { h.hub.remove() }
        try await h.withServer { client in
            _ = try await client.post([indicator(1, modified: "2025-06-01T00:00:00.000Z")], as: h.a)
            _ = try await client.post([indicator(1, modified: "2025-07-01T00:00:00.000Z")], as: h.b)
            let seenByA = Self.versions(try await client.objects(as: h.a).objects)
            #expect(seenByA == ["\(indicatorID(1))@2025-06-01T00:00:00.000Z"], "A GET objects (latest): \(seenByA)")
            let object = try await client.get(client.objectsPath + "\(indicatorID(1))/", as: h.a)
            #expect(object.status == .ok, "A GET object: \(object.status) \(object.bodyText)")
            // Nothing of B's version reaches A.
            #expect(!object.bodyText.contains("2025-07-01"))
        }
    }
}

extension ISO8601DateFormatter {
    /// RFC 3339 UTC with milliseconds, as TAXII's added_after takes it.
    static var stix: ISO8601DateFormatter {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        formatter.timeZone = TimeZone(identifier: "UTC")
        return formatter
    }
}
