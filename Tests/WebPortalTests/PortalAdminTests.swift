// Portal administration and settings over HTTP against a real hub (SQLite, or PostgreSQL with
// KAKEHASHI_TEST_BACKEND): trust groups and their members, feed rights, client records and every
// user's API tokens (removals and revocations only after confirming); an organisation admin's
// standing consent; the account page's token "last used" and time-zone chooser — and what every
// other role tries: a plain member, an organisation's admin, a read-only user, hub analysts, no
// session, a form without its CSRF token: refused, and nothing changed.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubTesting
import Storage
import Testing

@Suite("Portal administration and settings")
struct PortalAdminTests {
    struct World {
        let f: PortalFixture
        let admin: TestHub.Member
        let orgAdmin: TestHub.Member
        let readOnly: TestHub.Member
        let analyst: TestHub.Member
        let sig: TrustGroup
    }

    static func world() async throws -> World {
        let f = try await PortalFixture.make()
        let admin = try await f.hub.member("Hub", email: "admin@hub.example.jp", role: .hubAdmin)
        let orgAdmin = try await f.hub.member("Org A", email: "admin@a.example.jp", role: .orgAdmin)
        let readOnly = try await f.hub.member("Org A", email: "ro@a.example.jp", role: .readOnly)
        let analyst = try await f.hub.member("Hub", email: "analyst@hub.example.jp", role: .hubAnalyst)
        let sig = try await f.hub.store.createGroup(TrustGroup(name: "電力SIG"))
        try await f.hub.store.addMember(organizationID: f.writer.principal.organization.id, toGroup: sig.id)
        return World(f: f, admin: admin, orgAdmin: orgAdmin, readOnly: readOnly, analyst: analyst, sig: sig)
    }

    /// What the admin pages change, read from the store: groups and members, rights, clients, tokens.
    static func state(_ w: World) async throws -> String {
        let store = w.f.hub.store
        var lines: [String] = []
        for group in try await store.groups() {
            lines.append("group \(group.name): " + (try await store.members(ofGroup: group.id).map(\.name).joined(separator: ",")))
            for grant in try await store.groupGrants(groupIDs: [group.id]) {
                lines.append("group-grant \(group.name) \(grant.feedID) \(grant.canRead) \(grant.canWrite)")
            }
        }
        for organization in try await store.organizations() {
            for grant in try await store.grants(organizationID: organization.id) {
                lines.append("grant \(organization.name) \(grant.feedID) \(grant.canRead) \(grant.canWrite)")
            }
            lines.append("clients \(organization.name): " + (try await store.clients(ofOrganization: organization.id)
                .map(\.name).joined(separator: ",")))
            for user in try await store.users(organizationID: organization.id) {
                for token in try await store.tokens(userID: user.id) {
                    lines.append("token \(user.email) \(token.label) \(token.revokedAt == nil)")
                }
            }
        }
        lines.append("standing " + String(try await store.standingConsent(organizationID: w.f.writer.principal.organization.id).count))
        return lines.joined(separator: "\n")
    }

    @Test("a hub admin adds a trust group and a member, removes the member only after confirming, grants and revokes a feed, records and ends a client")
    func trustAdministration() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let store = w.f.hub.store
        try await w.f.withServer { client in
            let browser = Browser(client)
            try await browser.signIn(w.admin)
            let overview = try await browser.get("/portal/admin")
            #expect(overview.status == .ok)
            #expect(overview.text.contains("action=\"/portal/admin/groups\""))

            #expect(try await browser.post("/portal/admin/groups", [("name", "ガスSIG")]).status == .seeOther)
            let gas = try #require(try await store.group(named: "ガスSIG"))
            #expect(try await browser.post("/portal/admin/groups/members", [("group", "ガスSIG"), ("organization", "Org B")]).status == .seeOther)
            #expect(try await store.members(ofGroup: gas.id).map(\.name) == ["Org B"])
            // A duplicate group and an unknown organisation: the refusal page, nothing changed.
            let duplicate = try await browser.post("/portal/admin/groups", [("name", "ガスSIG")])
            #expect(duplicate.status == .badRequest)
            #expect(duplicate.text.contains("already exists"))
            let unknown = try await browser.post("/portal/admin/groups/members", [("group", "ガスSIG"), ("organization", "Nobody")])
            #expect(unknown.status == .badRequest)
            #expect(try await store.groups().count == 2)

            // Removing asks first; only the confirmed form removes.
            try await browser.get("/portal/admin")
            let ask = try await browser.post("/portal/admin/groups/members/remove", [("group", "ガスSIG"), ("organization", "Org B")])
            #expect(ask.status == .ok)
            #expect(ask.text.contains("id=\"confirm-form\""))
            #expect(ask.text.contains("name=\"confirmed\" value=\"yes\""))
            #expect(try await store.members(ofGroup: gas.id).count == 1)
            let removed = try await browser.post("/portal/admin/groups/members/remove",
                                                 [("group", "ガスSIG"), ("organization", "Org B"), ("confirmed", "yes")])
            #expect(removed.status == .seeOther)
            #expect(try await store.members(ofGroup: gas.id).isEmpty)

            // Rights: the group reads the feed; revoking (no box ticked) asks first.
            try await browser.get("/portal/admin")
            #expect(try await browser.post("/portal/admin/rights", [("feed", "Default"), ("who", "group:ガスSIG"), ("read", "on")]).status == .seeOther)
            #expect(try await store.groupGrants(feedID: w.f.feed.id).first { $0.groupID == gas.id }?.canRead == true)
            #expect(try await browser.get("/portal/admin").text.contains("group:ガスSIG"))
            let askRevoke = try await browser.post("/portal/admin/rights", [("feed", "Default"), ("who", "group:ガスSIG")])
            #expect(askRevoke.status == .ok)
            #expect(askRevoke.text.contains("id=\"confirm-form\""))
            #expect(try await store.groupGrants(feedID: w.f.feed.id).first { $0.groupID == gas.id }?.canRead == true)
            #expect(try await browser.post("/portal/admin/rights", [("feed", "Default"), ("who", "group:ガスSIG"), ("confirmed", "yes")]).status == .seeOther)
            let revoked = try await store.groupGrants(feedID: w.f.feed.id).first { $0.groupID == gas.id }
            #expect(revoked?.canRead == false && revoked?.canWrite == false)
            // An organisation's rights, and a grantee the form does not name.
            #expect(try await browser.post("/portal/admin/rights", [("feed", "Default"), ("who", "org:Org C"), ("read", "on"), ("write", "on")]).status == .seeOther)
            let c = try await store.grants(organizationID: w.f.outsider.principal.organization.id).first
            #expect(c?.canRead == true && c?.canWrite == true)
            #expect(try await browser.post("/portal/admin/rights", [("feed", "Default"), ("who", "Org C"), ("read", "on")]).status == .badRequest)
            #expect(try await browser.post("/portal/admin/rights", [("feed", "Nope"), ("who", "org:Org C"), ("read", "on")]).status == .badRequest)

            // Clients: recorded, listed, ended after confirming; an organisation is not its own client.
            try await browser.get("/portal/admin")
            #expect(try await browser.post("/portal/admin/clients", [("organization", "Org A"), ("client", "Org C")]).status == .seeOther)
            #expect(try await store.clients(ofOrganization: w.f.writer.principal.organization.id).map(\.name) == ["Org C"])
            #expect(try await browser.post("/portal/admin/clients", [("organization", "Org A"), ("client", "Org A")]).status == .badRequest)
            #expect(try await browser.get("/portal/admin").text.contains("Org C ← Org A"))
            #expect(try await browser.post("/portal/admin/clients/remove", [("organization", "Org A"), ("client", "Org C")]).status == .ok)
            #expect(try await store.clients(ofOrganization: w.f.writer.principal.organization.id).count == 1)
            #expect(try await browser.post("/portal/admin/clients/remove", [("organization", "Org A"), ("client", "Org C"), ("confirmed", "yes")]).status == .seeOther)
            #expect(try await store.clients(ofOrganization: w.f.writer.principal.organization.id).isEmpty)
            // Ending it twice: the refusal page.
            #expect(try await browser.post("/portal/admin/clients/remove", [("organization", "Org A"), ("client", "Org C"), ("confirmed", "yes")]).status == .badRequest)
            // Each change is in the audit trail, which stays intact.
            let changes = try await store.auditEntries(after: 0, limit: 10_000).compactMap { $0.event.details["change"] }
            for change in ["group-added", "group-member-added", "group-member-removed", "feed-rights-set", "client-added", "client-removed"] {
                #expect(changes.contains(change), "\(change) not audited")
            }
            #expect(try await store.verifyAuditTrail().isIntact)
        }
    }

    @Test("a hub admin sees every user's active tokens with their last use and revokes one after confirming; it is refused from then on")
    func tokens() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        try await w.f.withServer { client in
            // Org B's token is used once; the account page and the admin list show when.
            let bearer: HTTPFields = [.authorization: "Bearer \(w.f.reader.token)"]
            #expect(try await client.execute(uri: "/api/v1/standing-consent", method: .get, headers: bearer).status == .ok)
            let owner = Browser(client)
            try await owner.signIn(w.f.reader)
            let account = try await owner.get("/portal/account")
            #expect(account.text.contains("Last used"))
            let tokenRow = try #require(account.text.components(separatedBy: "<tr>").first { $0.contains("<td>test</td>") })
            #expect(!tokenRow.contains("Never used"))
            #expect(tokenRow.contains(" JST"))

            let browser = Browser(client)
            try await browser.signIn(w.admin)
            let list = try await browser.get("/portal/admin/tokens")
            #expect(list.status == .ok)
            #expect(list.text.contains("b@b.example.jp"))
            #expect(list.text.contains("c@c.example.jp"))
            #expect(list.text.contains("Never used"))
            let id = try #require(try await w.f.hub.store.tokens(userID: w.f.reader.principal.user.id).first?.id)
            let ask = try await browser.post("/portal/admin/tokens/\(id)/revoke", [])
            #expect(ask.status == .ok)
            #expect(ask.text.contains("b@b.example.jp"))
            #expect(try await client.execute(uri: "/api/v1/standing-consent", method: .get, headers: bearer).status == .ok)
            #expect(try await browser.post("/portal/admin/tokens/\(id)/revoke", [("confirmed", "yes")]).status == .seeOther)
            #expect(try await w.f.hub.store.token(id: id)?.revokedAt != nil)
            #expect(try await client.execute(uri: "/api/v1/standing-consent", method: .get, headers: bearer).status == .unauthorized)
            #expect(!(try await browser.get("/portal/admin/tokens").text.contains("b@b.example.jp")))
            // A token that does not exist: the 404 page.
            #expect(try await browser.post("/portal/admin/tokens/no-such-token/revoke", [("confirmed", "yes")]).status == .notFound)
        }
    }

    @Test("members, organisation admins, read-only users, analysts, no session and forms without their CSRF token change nothing on the admin pages")
    func adversaries() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let tokenID = try #require(try await w.f.hub.store.tokens(userID: w.f.outsider.principal.user.id).first?.id)
        let forms: [(String, [(String, String)])] = [
            ("/portal/admin/groups", [("name", "Rogue SIG")]),
            ("/portal/admin/groups/members", [("group", "電力SIG"), ("organization", "Org C")]),
            ("/portal/admin/groups/members/remove", [("group", "電力SIG"), ("organization", "Org A"), ("confirmed", "yes")]),
            ("/portal/admin/rights", [("feed", "Default"), ("who", "org:Org C"), ("read", "on"), ("write", "on")]),
            ("/portal/admin/rights", [("feed", "Default"), ("who", "org:Org A"), ("confirmed", "yes")]),
            ("/portal/admin/clients", [("organization", "Org A"), ("client", "Org C")]),
            ("/portal/admin/tokens/\(tokenID)/revoke", [("confirmed", "yes")]),
        ]
        let before = try await Self.state(w)
        try await w.f.withServer { client in
            for member in [w.f.writer, w.orgAdmin, w.readOnly, w.analyst] {
                let browser = Browser(client)
                try await browser.signIn(member)
                #expect(try await browser.get("/portal/admin").status == .forbidden, "\(member.email)")
                #expect(try await browser.get("/portal/admin/tokens").status == .forbidden, "\(member.email)")
                try await browser.get("/portal/account")
                for (path, fields) in forms {
                    let response = try await browser.post(path, fields)
                    #expect(response.status == .forbidden, "\(member.email) \(path): \(response.status)")
                }
            }
            // No session: the forms are refused, the pages send to sign-in.
            let anonymous = Browser(client)
            for (path, fields) in forms {
                #expect(try await anonymous.post(path, fields, csrf: .some(nil)).status == .forbidden)
            }
            let signIn = try await anonymous.get("/portal/admin/tokens")
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers[.location]?.hasPrefix("/portal/sign-in") == true)
            // The hub admin without the CSRF token, or with another one.
            let admin = Browser(client)
            try await admin.signIn(w.admin)
            try await admin.get("/portal/admin")
            for (path, fields) in forms {
                #expect(try await admin.post(path, fields, csrf: .some(nil)).status == .forbidden, "\(path)")
                #expect(try await admin.post(path, fields, csrf: .some("forged")).status == .forbidden, "\(path)")
            }
        }
        #expect(try await Self.state(w) == before)
    }

    @Test("an organisation admin adds a standing consent rule and removes it after confirming; a stale page, members, read-only users and other organisations change nothing")
    func standingConsent() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let store = w.f.hub.store
        let orgA = w.f.writer.principal.organization.id
        try await w.f.withServer { client in
            let browser = Browser(client)
            try await browser.signIn(w.orgAdmin)
            let inbox = try await browser.get("/portal/consent")
            #expect(inbox.text.contains("id=\"standing-form\""))
            #expect(inbox.text.contains("電力SIG"))
            let version = try #require(Self.field("version", in: inbox.text))
            // No recipient, a marking above AMBER: refused, nothing stored.
            #expect(try await browser.post("/portal/consent/standing", [("version", version), ("max_tlp", "green"), ("content", "technical")]).status == .badRequest)
            #expect(try await browser.post("/portal/consent/standing", [("version", version), ("max_tlp", "red"), ("content", "technical"), ("group", "電力SIG")]).status == .badRequest)
            // A group the organisation is not in: the desk refuses it.
            #expect(try await browser.post("/portal/consent/standing", [("version", version), ("max_tlp", "green"), ("content", "technical"), ("organizations", "No Such Org")]).status == .badRequest)
            #expect(try await store.standingConsent(organizationID: orgA).isEmpty)

            let added = try await browser.post("/portal/consent/standing", [("version", version), ("max_tlp", "green"), ("content", "technical"),
                                                                            ("group", "電力SIG"), ("anonymize", "on")])
            #expect(added.status == .seeOther)
            let rules = try await store.standingConsent(organizationID: orgA)
            #expect(rules == [StandingConsentRule(maxTLP: .green, content: .technical, scope: ReleaseScope(groups: ["電力SIG"]), anonymize: true)])
            // The old page's version is stale now: refused, not overwritten.
            let stale = try await browser.post("/portal/consent/standing", [("version", version), ("max_tlp", "clear"), ("content", "all"), ("all_members", "on")])
            #expect(stale.status == .badRequest)
            #expect(stale.text.contains("changed meanwhile"))
            #expect(try await store.standingConsent(organizationID: orgA).count == 1)

            let page = try await browser.get("/portal/consent")
            #expect(page.text.contains("<td>TLP:GREEN</td>"))
            let current = try #require(Self.field("version", in: page.text))
            let ask = try await browser.post("/portal/consent/standing/remove", [("rule", "0"), ("version", current)])
            #expect(ask.status == .ok)
            #expect(ask.text.contains("id=\"confirm-form\""))
            #expect(try await store.standingConsent(organizationID: orgA).count == 1)

            // Before confirming, everybody else tries.
            for member in [w.f.writer, w.readOnly] {
                let other = Browser(client)
                try await other.signIn(member)
                let theirs = try await other.get("/portal/consent")
                #expect(!theirs.text.contains("id=\"standing-form\""))
                #expect(theirs.text.contains("<td>TLP:GREEN</td>"))
                let response = try await other.post("/portal/consent/standing/remove", [("rule", "0"), ("version", current), ("confirmed", "yes")])
                #expect(response.status == .forbidden, "\(member.email)")
                #expect(try await other.post("/portal/consent/standing", [("version", current), ("max_tlp", "clear"), ("content", "all"), ("all_members", "on")]).status == .forbidden)
            }
            // Another organisation's admin edits its own rules only (its page shows none of org A's).
            let orgBAdmin = try await w.f.hub.member("Org B", email: "admin@b.example.jp", role: .orgAdmin)
            let other = Browser(client)
            try await other.signIn(orgBAdmin)
            #expect(!(try await other.get("/portal/consent").text.contains("<td>TLP:GREEN</td>")))
            #expect(try await other.post("/portal/consent/standing/remove", [("rule", "0"), ("version", current), ("confirmed", "yes")]).status == .badRequest)
            #expect(try await Browser(client).post("/portal/consent/standing/remove", [("rule", "0"), ("version", current), ("confirmed", "yes")], csrf: .some(nil)).status == .forbidden)
            #expect(try await browser.post("/portal/consent/standing/remove", [("rule", "0"), ("version", current), ("confirmed", "yes")], csrf: .some(nil)).status == .forbidden)
            #expect(try await store.standingConsent(organizationID: orgA).count == 1)

            #expect(try await browser.post("/portal/consent/standing/remove", [("rule", "0"), ("version", current), ("confirmed", "yes")]).status == .seeOther)
            #expect(try await store.standingConsent(organizationID: orgA).isEmpty)
        }
    }

    @Test("the time-zone chooser sticks: dates move from JST to the chosen zone; an unknown zone changes nothing")
    func timeZone() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let created = try #require(try await w.f.hub.store.tokens(userID: w.f.writer.principal.user.id).first?.createdAt)
        @Sendable func formatted(_ zone: String) -> String {
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX")
            formatter.timeZone = TimeZone(identifier: zone)
            formatter.dateFormat = "yyyy-MM-dd HH:mm"
            return formatter.string(from: created)
        }
        try await w.f.withServer { client in
            let browser = Browser(client)
            try await browser.signIn(w.f.writer)
            let before = try await browser.get("/portal/account")
            #expect(before.text.contains(formatted("Asia/Tokyo") + " JST"))
            #expect(before.text.contains("<option value=\"Asia/Tokyo\" selected>"))
            let bad = try await browser.post("/portal/account/time-zone", [("zone", "Mars/Olympus")])
            #expect(bad.status == .badRequest)
            #expect(browser.cookies["kakehashi_tz"] == nil)
            #expect(try await browser.post("/portal/account/time-zone", [("zone", "America/New_York")], csrf: .some(nil)).status == .forbidden)
            #expect(browser.cookies["kakehashi_tz"] == nil)
            try await browser.get("/portal/account")
            let chosen = try await browser.post("/portal/account/time-zone", [("zone", "America/New_York")])
            #expect(chosen.status == .seeOther)
            #expect(browser.cookies["kakehashi_tz"] != nil)
            let after = try await browser.get("/portal/account")
            #expect(after.text.contains("<option value=\"America/New_York\" selected>"))
            #expect(after.text.contains(formatted("America/New_York")))
            #expect(!after.text.contains(formatted("Asia/Tokyo") + " JST"))
        }
    }

    /// The value of the first hidden field `name` on a page.
    static func field(_ name: String, in page: String) -> String? {
        guard let range = page.range(of: "name=\"\(name)\" value=\"") else { return nil }
        let rest = page[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }
}
