// Object search through the policy engine (SharingPolicy.ObjectSearch), attacked as a member would:
// another organisation's held submission, its provider's name and its TLP:RED objects never appear,
// by any query, for the SIG member, the organisation outside the SIG, or a read-only user; released
// copies appear only for their recipients and only as released (anonymised); pages and "more" count
// only what the reader may read. Objects arrive and are released through the real server.
import Foundation
import HubTesting
import SharingPolicy
import Storage
import Testing

@Suite("Object search through the policy engine")
struct ObjectSearchTests {
    /// Every word of A's bundle an attacker could try, and query text that looks like an attack.
    static let probes = ["極秘", "極秘の内部中継サーバ", "中継", SmallHub.aName, "電力A", "A社", SmallHub.aAlias, "Denryoku",
                         "denryoku-a", "総務部", "総務", "標的型", "標的型攻撃", "標的型メール", "C2", "通信先", "添付ファイル",
                         "received", "mail", "に", "の", "a", "*", "\"", "' OR 1=1 --", "極秘 OR C2", "NEAR(極秘 C2)"]

    static func hits(_ search: ObjectSearch, _ text: String, _ member: TestHub.Member) async throws -> [ObjectSearchHit] {
        var hits: [ObjectSearchHit] = []
        var cursor: SearchCursor?
        repeat {
            let page = try await search.search(text, for: member.principal, limit: 2, after: cursor)
            #expect(page.hits.count <= 2)
            #expect(!page.more || page.hits.count == 2, "a page with more after it is full")
            hits += page.hits
            cursor = page.next
        } while cursor != nil
        return hits
    }

    @Test("a held submission is found by its provider and hub staff only; no other member finds any of its text")
    func heldSubmission() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        let readOnly = try await h.hub.member("ガスB社", email: "viewer@gas-b.example.jp", role: .readOnly)
        let search = ObjectSearch(policy: PolicyEngine(store: h.hub.store, rightsLifetime: 0), ledger: nil)
        try await h.withServer { client in
            _ = try await client.post(ReleaseTests.providerBundle, as: h.a)
        }
        #expect(try await Self.hits(search, "標的型攻撃", h.a).map(\.object.stixID) == ["report--a0000000-0000-4000-8000-000000000003"])
        #expect(try await Self.hits(search, "標的型", h.a).count == 2, "the report's name and the indicator's description")
        #expect(try await Self.hits(search, "極秘", h.a).map(\.object.stixID) == ["indicator--a0000000-0000-4000-8000-000000000004"])
        #expect(try await Self.hits(search, "標的型", h.analyst).count == 2)
        for member in [h.b, h.c, readOnly] {
            for probe in Self.probes {
                let found = try await Self.hits(search, probe, member)
                #expect(found.isEmpty, "\(member.email) found \(found.map(\.object.stixID)) by \(probe)")
            }
        }
    }

    @Test("after an anonymised release to the SIG: B finds the copies, never the provider's name nor TLP:RED; C finds nothing")
    func anonymisedRelease() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        let search = ObjectSearch(policy: PolicyEngine(store: h.hub.store, rightsLifetime: 0), ledger: nil)
        try await h.withServer { client in
            let submission = try await client.post(ReleaseTests.providerBundle, as: h.a)
            let release = try await client.release(submission, #"{"groups": ["電力SIG"], "anonymize": true}"#, as: h.a)
            #expect(release.status == .created, "\(release.bodyText)")
        }
        // B reads the released copies: the C2 indicator is found by its technical name.
        let forB = try await Self.hits(search, "通信先", h.b)
        #expect(!forB.isEmpty, "the released indicator is found by the SIG member")
        var everythingB: [ObjectSearchHit] = []
        for probe in Self.probes {
            let found = try await Self.hits(search, probe, h.b)
            everythingB += found
            for hit in found {
                #expect(hit.object.releaseID != nil, "B found an original by \(probe): \(hit.object.stixID)")
                let text = String(decoding: hit.object.bytes, as: UTF8.self)
                #expect(!text.contains(SmallHub.aName) && !text.contains(SmallHub.aAlias) && !text.contains("極秘"),
                        "B found the provider's text by \(probe): \(text)")
            }
            // (A department name such as 総務部 is not the provider's and survives anonymisation.)
            for forbidden in ["極秘", "中継", SmallHub.aName, "Denryoku", "denryoku-a"] where probe == forbidden {
                #expect(found.isEmpty, "B found \(found.map(\.object.stixID)) by \(probe)")
            }
        }
        #expect(!everythingB.contains { $0.object.stixID == "indicator--a0000000-0000-4000-8000-000000000004" },
                "the TLP:RED indicator never reaches B through the group")
        for probe in Self.probes {
            let found = try await Self.hits(search, probe, h.c)
            #expect(found.isEmpty, "C, outside the SIG, found \(found.map(\.object.stixID)) by \(probe)")
        }
    }

    @Test("pages and more are counted after the policy filter; a revoked release disappears from search")
    func pagingAndRevocation() async throws {
        let h = try await SmallHub.make(); defer { h.hub.remove() }
        let search = ObjectSearch(policy: PolicyEngine(store: h.hub.store, rightsLifetime: 0), ledger: nil)
        try await h.withServer { client in
            // A's twelve held indicators, then five more released to every member: C may read only those.
            let held = (1...12).map { n in indicator(n, extra: #","description":"フィッシング誘導先 A\#(n)""#) }
            _ = try await client.post(held, as: h.a)
            let shared = (21...25).map { n in indicator(n, markings: [.green], extra: #","description":"フィッシング誘導先 B\#(n)""#) }
            let submission = try await client.post(shared, as: h.a)
            let release = try await client.release(submission, #"{"all_members": true}"#, as: h.a)
            #expect(release.status == .created, "\(release.bodyText)")
            let releaseID = try #require(release.object["id"] as? String)

            let pages = try await search.search("フィッシング誘導先", for: h.c.principal, limit: 5)
            #expect(pages.hits.count == 5 && !pages.more, "exactly the five released, with no phantom next page")
            let first = try await search.search("フィッシング誘導先", for: h.c.principal, limit: 3)
            #expect(first.hits.count == 3 && first.more)
            let second = try await search.search("フィッシング誘導先", for: h.c.principal, limit: 3, after: first.next)
            #expect(second.hits.count == 2 && !second.more)
            #expect(Set((first.hits + second.hits).map(\.object.stixID)) == Set((21...25).map(indicatorID)))
            let forA = try await search.search("フィッシング誘導先", for: h.a.principal, limit: 100).hits.count
            #expect(forA >= 17)

            let revoked = try await client.revoke(releaseID, as: h.a)
            #expect(revoked.status == .ok)
            let forC = try await search.search("フィッシング誘導先", for: h.c.principal).hits
            #expect(forC.isEmpty, "revoked: gone for C")
            let forB = try await search.search("フィッシング誘導先", for: h.b.principal).hits
            #expect(forB.isEmpty, "revoked: gone for B")
        }
    }
}
