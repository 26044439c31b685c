// Plain tests of releases through the real server: an anonymised release of a bundle that names its
// provider (identity, created_by_ref, an e-mail address of its domain, its name and alias in free
// text) reaches the SIG member with no trace of the provider while the organisation outside the SIG
// sees nothing; TLP:RED never travels through a group; revocation removes the copies from every read
// path while the recipients report keeps who had them. Only the store and the HTTP APIs are used.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("Releases")
struct ReleaseTests {
    static let identityID = "identity--a0000000-0000-4000-8000-0000000000a1"

    /// A's bundle: its identity, an AMBER indicator it created that names it, an e-mail address of its
    /// domain with the display name that goes with it, a report naming it, and a TLP:RED indicator.
    static var providerBundle: [String] {
        let amber = "\"object_marking_refs\":[\"\(MarkingRef.amber.id)\"]"
        return [
            """
            {"type":"identity","spec_version":"2.1","id":"\(identityID)","created":"2025-06-01T00:00:00.000Z",\
            "modified":"2025-06-01T00:00:00.000Z","name":"\(SmallHub.aName)","identity_class":"organization",\
            "sectors":["utilities"],"contact_information":"soc@\(SmallHub.aDomain)",\(amber)}
            """,
            """
            {"type":"indicator","spec_version":"2.1","id":"indicator--a0000000-0000-4000-8000-000000000001",\
            "created":"2025-06-01T00:00:00.000Z","modified":"2025-06-01T00:00:00.000Z","created_by_ref":"\(identityID)",\
            "name":"C2 通信先","description":"\(SmallHub.aName)（\(SmallHub.aAlias)）の総務部宛に届いた標的型メールの添付ファイルが通信した先",\
            "indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '198.51.100.77']","pattern_type":"stix",\
            "valid_from":"2025-06-01T00:00:00Z",\(amber)}
            """,
            """
            {"type":"email-addr","spec_version":"2.1","id":"email-addr--a0000000-0000-4000-8000-000000000002",\
            "value":"soumu@\(SmallHub.aDomain)","display_name":"\(SmallHub.aName) 総務部",\(amber)}
            """,
            """
            {"type":"report","spec_version":"2.1","id":"report--a0000000-0000-4000-8000-000000000003",\
            "created":"2025-06-01T00:00:00.000Z","modified":"2025-06-01T00:00:00.000Z","created_by_ref":"\(identityID)",\
            "name":"\(SmallHub.aName)への標的型攻撃","description":"\(SmallHub.aAlias) received the e-mail at mail.\(SmallHub.aDomain).",\
            "published":"2025-06-01T00:00:00Z","report_types":["attack-pattern"],\
            "object_refs":["indicator--a0000000-0000-4000-8000-000000000001","email-addr--a0000000-0000-4000-8000-000000000002"],\(amber)}
            """,
            """
            {"type":"indicator","spec_version":"2.1","id":"indicator--a0000000-0000-4000-8000-000000000004",\
            "created":"2025-06-01T00:00:00.000Z","modified":"2025-06-01T00:00:00.000Z","created_by_ref":"\(identityID)",\
            "name":"極秘の内部中継サーバ","indicator_types":["malicious-activity"],\
            "pattern":"[ipv4-addr:value = '192.0.2.66']","pattern_type":"stix","valid_from":"2025-06-01T00:00:00Z",\
            "object_marking_refs":["\(MarkingRef.red.id)"]}
            """,
        ]
    }

    @Test("an anonymised release reaches the SIG member with no trace of the provider; the third organisation sees nothing")
    func anonymisedRelease() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        try await h.withServer { client in
            let submission = try await client.post(Self.providerBundle, as: h.a)
            // Held: B and C see nothing.
            for member in [h.b, h.c] {
                #expect(try await client.objects(as: member).objects.isEmpty)
            }
            let release = try await client.release(submission, #"{"groups": ["電力SIG"], "anonymize": true}"#, as: h.a)
            try #require(release.status == .created, "the anonymised release was refused: \(release.bodyText)")

            let (raw, objects) = try await client.objects(as: h.b)
            #expect(!objects.isEmpty, "B received nothing of the anonymised release")
            let versions = try await client.objects(as: h.b, query: "match[version]=all").raw
            let manifest = try await client.get("/hub/collections/\(h.feed.id)/manifest/", as: h.b).bodyText
            // No trace of A, in any form, on any path.
            let traces = [SmallHub.aName, SmallHub.aAlias, SmallHub.aDomain, Self.identityID,
                          h.a.principal.organization.id, h.a.email]
            for trace in traces {
                for (path, text) in [("objects", raw), ("objects?match[version]=all", versions), ("manifest", manifest)] {
                    let hit = excerpt(of: trace, in: text)
                    #expect(hit == nil, "B's \(path) read contains \(trace): …\(hit ?? "")…")
                }
            }
            // Released ids cannot be linked back to A's ids.
            for original in Self.providerBundle {
                let id = try #require((try JSONSerialization.jsonObject(with: Data(original.utf8)) as? [String: Any])?["id"] as? String)
                let hit = excerpt(of: id, in: raw + manifest)
                #expect(hit == nil, "B's reads contain A's original id \(id): …\(hit ?? "")…")
                let direct = try await client.get(client.objectsPath + "\(id)/", as: h.b)
                #expect(direct.status == .notFound, "B can fetch A's original \(id)")
            }
            // The technical content survives, authored by the hub.
            let c2 = raw.contains("198.51.100.77")
            #expect(c2, "the C2 address did not survive anonymisation")
            for object in objects where object["created_by_ref"] != nil {
                #expect(object["created_by_ref"] as? String == LiveWorld.anonymization.hubIdentityID)
            }
            // TLP:RED never goes to a group.
            let red = excerpt(of: "192.0.2.66", in: raw) ?? excerpt(of: "極秘", in: raw)
            #expect(red == nil, "the TLP:RED indicator reached B through the SIG: …\(red ?? "")…")
            #expect(!objects.contains { ($0["object_marking_refs"] as? [String])?.contains(MarkingRef.red.id) == true })

            // C, outside the SIG, still sees nothing; A still sees its originals.
            #expect(try await client.objects(as: h.c).objects.isEmpty)
            let own = try await client.objects(as: h.a).raw
            let ownComplete = own.contains(Self.identityID) && own.contains("192.0.2.66")
            #expect(ownComplete, "A no longer sees its own originals")

            // A asks who received what it gave: B, not C.
            let recipients = try await client.recipients(submission, as: h.a)
            #expect(recipients["ガスB社"]?.isEmpty == false, "recipients: \(recipients)")
            #expect(recipients["化学C社"] == nil, "recipients: \(recipients)")
            // Nobody else may ask.
            for member in [h.b, h.c] {
                let other = try await client.get("/api/v1/submissions/\(submission)/recipients", as: member, taxii: false)
                #expect(other.status == .notFound)
                #expect(!other.bodyText.contains("ガスB社"))
            }
        }
    }

    @Test("a TLP:RED object in a group release is not delivered; naming the organisation delivers it")
    func redOnlyToNamedOrganisations() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        try await h.withServer { client in
            let submission = try await client.post([
                indicator(1, markings: [.green]), indicator(2, markings: [.red]), indicator(3, markings: [.red1]),
                indicator(4, markings: [.green, .red]), indicator(5),
            ], as: h.a)
            let toGroup = try await client.release(submission, #"{"groups": ["電力SIG"], "all_members": true}"#, as: h.a)
            #expect(toGroup.status == .created, "\(toGroup.bodyText)")
            for member in [h.b, h.c] {
                let ids = Set(try await client.objects(as: member).objects.compactMap { $0["id"] as? String })
                #expect(ids == [indicatorID(1), indicatorID(5)], "\(member.email) got \(ids)")
                for n in 2...4 {
                    let direct = try await client.get(client.objectsPath + "\(indicatorID(n))/", as: member)
                    #expect(direct.status == .notFound, "\(member.email) fetched RED indicator \(n)")
                    let versions = try await client.get(client.objectsPath + "\(indicatorID(n))/versions/", as: member)
                    #expect(versions.status == .notFound, "\(member.email) listed versions of RED indicator \(n)")
                }
            }
            // Public output never carries anything but TLP:CLEAR.
            let toPublic = try await client.release(submission, #"{"public": true}"#, as: h.a)
            #expect(toPublic.status == .created)
            let named = try await client.release(submission, #"{"organizations": ["ガスB社"]}"#, as: h.a)
            #expect(named.status == .created, "\(named.bodyText)")
            let forB = Set(try await client.objects(as: h.b).objects.compactMap { $0["id"] as? String })
            #expect(forB == Set((1...5).map(indicatorID)), "B got \(forB)")
            let forC = Set(try await client.objects(as: h.c).objects.compactMap { $0["id"] as? String })
            #expect(forC == [indicatorID(1), indicatorID(5)], "C got \(forC)")
        }
    }

    @Test("a revoked release disappears from every read path; the recipients report keeps who had it")
    func revocation() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        try await h.withServer { client in
            let submission = try await client.post([indicator(1, markings: [.green]), indicator(2, markings: [.amber])], as: h.a)
            let release = try await client.release(submission, #"{"groups": ["電力SIG"]}"#, as: h.a)
            let releaseID = try #require(release.object["id"] as? String)
            #expect(try await client.objects(as: h.b).objects.count == 2)
            // Only the provider revokes.
            for member in [h.b, h.c] { #expect(try await client.revoke(releaseID, as: member).status == .notFound) }
            #expect(try await client.revoke(releaseID, as: h.analyst).status == .forbidden)
            #expect(try await client.revoke(releaseID, as: h.a).status == .ok)

            #expect(try await client.objects(as: h.b).objects.isEmpty)
            #expect(try await client.objects(as: h.b, query: "match[version]=all").objects.isEmpty)
            let manifest = try await client.get("/hub/collections/\(h.feed.id)/manifest/", as: h.b)
            #expect((manifest.object["objects"] as? [Any] ?? []).isEmpty)
            for n in 1...2 {
                #expect(try await client.get(client.objectsPath + "\(indicatorID(n))/", as: h.b).status == .notFound)
                #expect(try await client.get(client.objectsPath + "\(indicatorID(n))/versions/", as: h.b).status == .notFound)
            }
            let recipients = try await client.recipients(submission, as: h.a)
            #expect(Set(recipients["ガスB社"] ?? []) == [indicatorID(1), indicatorID(2)], "recipients: \(recipients)")
            let view = try await client.get("/api/v1/submissions/\(submission)", as: h.a, taxii: false)
            #expect(view.object["state"] as? String == "held")
        }
    }
}

/// The text around the first case-insensitive occurrence of `needle` in `text`, or nil.
func excerpt(of needle: String, in text: String) -> String? {
    guard let range = text.range(of: needle, options: [.caseInsensitive]) else { return nil }
    let start = text.index(range.lowerBound, offsetBy: -60, limitedBy: text.startIndex) ?? text.startIndex
    let end = text.index(range.upperBound, offsetBy: 60, limitedBy: text.endIndex) ?? text.endIndex
    return String(text[start..<end])
}
