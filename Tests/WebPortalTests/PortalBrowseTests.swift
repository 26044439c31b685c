// Portal browse, search, object and account pages over HTTP against a real hub, attacked as each
// adversarial reader would: another organisation that may read the feed but received nothing, a
// read-only user, someone without a session. Unknown and unreadable must read alike (no oracle).
import Anonymization
import Consent
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubTesting
import SharingPolicy
import Storage
import Testing

@Suite("Portal browse, search and objects")
struct PortalBrowseTests {
    static let value = "203.0.113.77"
    static let indicatorID = "indicator--d1000000-0000-4000-8000-000000000001"

    /// A posts an indicator and its address to the feed and releases them to B only.
    static func publish(_ f: PortalFixture, _ client: any TestClientProtocol) async throws {
        let objects = """
        {"objects":[{"type":"indicator","spec_version":"2.1","id":"\(indicatorID)","created":"2026-11-20T09:00:00.000Z",\
        "modified":"2026-11-20T09:00:00.000Z","name":"ポータル試験の通信先","description":"C2 <script>alert(1)</script>",\
        "indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '\(value)']","pattern_type":"stix",\
        "valid_from":"2026-11-20T09:00:00Z"},\
        {"type":"ipv4-addr","spec_version":"2.1","id":"ipv4-addr--d1000000-0000-4000-8000-000000000002","value":"\(value)"},\
        {"type":"relationship","spec_version":"2.1","id":"relationship--d1000000-0000-4000-8000-000000000003",\
        "created":"2026-11-20T09:00:00.000Z","modified":"2026-11-20T09:00:00.000Z","relationship_type":"based-on",\
        "source_ref":"\(indicatorID)","target_ref":"ipv4-addr--d1000000-0000-4000-8000-000000000002"}]}
        """
        let bearer = "Bearer \(f.writer.token)"
        let posted = try await client.execute(uri: "/hub/collections/\(f.feed.id)/objects/", method: .post,
                                              headers: [.authorization: bearer, .accept: "application/taxii+json;version=2.1",
                                                        .contentType: "application/taxii+json;version=2.1"],
                                              body: ByteBuffer(string: objects))
        #expect(posted.status == .accepted)
        let id = try #require((try JSONSerialization.jsonObject(with: Data(buffer: posted.body)) as? [String: Any])?["id"] as? String)
        let desk = ConsentDesk(store: f.hub.store, policy: PolicyEngine(store: f.hub.store), anonymization: f.anonymization)
        _ = try await desk.release(submissionID: id, scope: ReleaseScope(organizations: ["Org B"]), anonymize: false,
                                   by: f.writer.principal)
    }

    @Test("B finds the object A released to it by value (defanged too) and by id, and reads its page")
    func recipientFinds() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            try await Self.publish(f, client)
            let b = Browser(client)
            try await b.signIn(f.reader)
            // By value (defanged too), by id, and by words of its name or description (full text).
            for query in [Self.value, "203.0.113[.]77", Self.indicatorID, "通信先"] {
                let found = try await b.get("/portal/search?q=" + Browser.encode(query))
                #expect(found.status == .ok)
                #expect(found.text.contains("/portal/objects/\(Self.indicatorID)"), "\(query)")
            }
            let page = try await b.get("/portal/objects/\(Self.indicatorID)")
            #expect(page.status == .ok)
            #expect(page.text.contains("ポータル試験の通信先"))
            #expect(page.text.contains("TLP:AMBER"))           // no marking: the hub's default, said so
            #expect(page.text.contains("based-on"))            // the relationship to the address B may read
            #expect(!page.text.contains("<script>alert(1)</script>"))
            #expect(page.text.contains("&lt;script&gt;"))
            let feed = try await b.get("/portal/feeds/\(f.feed.id)")
            #expect(feed.text.contains(Self.indicatorID))
        }
    }

    @Test("E, who may read the feed but received nothing, sees the same 404 for the object as for nothing, and finds nothing")
    func outsiderSeesNothing() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        let c = try await f.hub.member("Org E", email: "e@e.example.jp", grants: [(f.feed, true, false)])
        let readOnly = try await f.hub.member("Org D", email: "ro@d.example.jp", role: .readOnly, grants: [(f.feed, true, false)])
        try await f.withServer { client in
            try await Self.publish(f, client)
            for member in [c, readOnly, f.outsider] {
                let browser = Browser(client)
                try await browser.signIn(member)
                let missing = try await browser.get("/portal/objects/indicator--d1000000-0000-4000-8000-00000000ffff")
                let hidden = try await browser.get("/portal/objects/\(Self.indicatorID)")
                #expect(missing.status == .notFound)
                #expect(hidden.status == .notFound, "\(member.email)")
                #expect(hidden.text == missing.text.replacingOccurrences(of: "00000000ffff", with: "000000000001"))
                for query in [Self.value, Self.indicatorID, "通信先"] {
                    let found = try await browser.get("/portal/search?q=" + Browser.encode(query))
                    #expect(!found.text.contains("/portal/objects/"), "\(member.email) \(query)")
                }
                let listing = try await browser.get("/portal/search?type=indicator")
                #expect(!listing.text.contains(Self.indicatorID))
                let feed = try await browser.get("/portal/feeds/\(f.feed.id)")
                #expect(!feed.text.contains(Self.indicatorID))
                #expect(!feed.text.contains(Self.value))
            }
            // A feed the reader may not read: the same 404 as a feed that does not exist.
            let outsider = Browser(client)
            try await outsider.signIn(f.outsider)
            let secret = try await outsider.get("/portal/feeds/\(f.feed.id)")
            let none = try await outsider.get("/portal/feeds/00000000-0000-4000-8000-000000000000")
            #expect(secret.status == .notFound && none.status == .notFound)
        }
    }

    @Test("a specimen page and download are 404 for a reader without the sample, as for one that does not exist")
    func specimenHidden() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let b = Browser(client)
            try await b.signIn(f.reader)
            let sha = String(repeating: "ab", count: 32)
            #expect(try await b.get("/portal/specimens/\(sha)").status == .notFound)
            #expect(try await b.get("/portal/specimens/\(sha)/download").status == .notFound)
            #expect(try await b.get("/portal/specimens/not-a-hash").status == .notFound)
        }
    }
}

@Suite("Portal account page")
struct PortalAccountTests {
    @Test("a token is shown once on creation, listed by label, and revoked; another user's token cannot be revoked")
    func tokens() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let a = Browser(client)
            try await a.signIn(f.writer)
            try await a.get("/portal/account")
            let created = try await a.post("/portal/account/tokens", [("label", "soc-script")])
            #expect(created.status == .ok)
            let secret = try #require(created.text.firstMatch(of: try Regex(#"<code id="new-token">([^<]+)</code>"#))?
                .output[1].substring.map(String.init))
            let again = try await a.get("/portal/account")
            #expect(again.text.contains("soc-script"))
            #expect(!again.text.contains(secret))
            // The token works for the API.
            let api = try await client.execute(uri: "/api/v1/tokens", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(api.status == .ok)
            let tokens = try await f.hub.store.tokens(userID: f.writer.principal.user.id)
            let made = try #require(tokens.first { $0.label == "soc-script" })
            // B cannot revoke A's token: the same 404 as for no token.
            let b = Browser(client)
            try await b.signIn(f.reader)
            try await b.get("/portal/account")
            #expect(try await b.post("/portal/account/tokens/\(made.id)/revoke", []).status == .notFound)
            #expect(try await f.hub.store.token(id: made.id)?.revokedAt == nil)
            // A revokes it.
            try await a.get("/portal/account")
            #expect(try await a.post("/portal/account/tokens/\(made.id)/revoke", []).status == .seeOther)
            #expect(try await f.hub.store.token(id: made.id)?.revokedAt != nil)
            let refused = try await client.execute(uri: "/api/v1/tokens", method: .get, headers: [.authorization: "Bearer \(secret)"])
            #expect(refused.status == .unauthorized)
        }
    }

    @Test("changing the password needs the current one; afterwards the old one fails and other sessions are over")
    func password() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let other = Browser(client)
            try await other.signIn(f.writer)
            let a = Browser(client)
            try await a.signIn(f.writer)
            try await a.get("/portal/account")
            let wrong = try await a.post("/portal/account/password", [("current_password", "nope"),
                                                                      ("new_password", "brand-new-password"),
                                                                      ("confirm_password", "brand-new-password")])
            #expect(wrong.status == .badRequest)
            #expect(wrong.text.contains("The current password is not correct."))
            let short = try await a.post("/portal/account/password", [("current_password", f.writer.password),
                                                                      ("new_password", "short"), ("confirm_password", "short")])
            #expect(short.status == .badRequest)
            let changed = try await a.post("/portal/account/password", [("current_password", f.writer.password),
                                                                        ("new_password", "brand-new-password"),
                                                                        ("confirm_password", "brand-new-password")])
            #expect(changed.status == .seeOther)
            #expect(try await a.get("/portal/account").status == .ok)        // this browser stays signed in
            #expect(try await other.get("/portal/account").status == .seeOther)  // the other is signed out
            let basic = Data("\(f.writer.email):\(f.writer.password)".utf8).base64EncodedString()
            let old = try await client.execute(uri: "/api/v1/tokens", method: .get, headers: [.authorization: "Basic \(basic)"])
            #expect(old.status == .unauthorized)
            let fresh = Browser(client)
            try await fresh.get("/portal/sign-in")
            let signIn = try await fresh.post("/portal/sign-in", [("email", f.writer.email), ("password", "brand-new-password")])
            #expect(signIn.status == .seeOther)
        }
    }

    @Test("sign-out everywhere ends every session of the user")
    func signOutEverywhere() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let first = Browser(client), second = Browser(client)
            try await first.signIn(f.reader)
            try await second.signIn(f.reader)
            try await first.get("/portal/account")
            #expect(try await first.post("/portal/account/sign-out-everywhere", []).status == .seeOther)
            #expect(try await first.get("/portal/").status == .seeOther)
            #expect(try await second.get("/portal/").status == .seeOther)
        }
    }
}
