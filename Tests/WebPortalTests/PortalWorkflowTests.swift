// Portal workflows over HTTP against a real hub (SQLite, or PostgreSQL with KAKEHASHI_TEST_BACKEND):
// submit (attack e-mail, pasted indicators, CSV with its mapping step), the submission page's
// preview, release to a SIG and revoke, the consent inbox, the analyst queue's campaign decisions,
// the dashboard's CSV — and what each other role tries: another organisation, a read-only user, a
// member at staff pages, a form without its CSRF token, bad input changing nothing.
import Crypto
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubTesting
@_spi(ReadGate) import Storage
import Specimens
import Testing

@Suite("Portal workflows")
struct PortalWorkflowTests {
    struct World {
        let f: PortalFixture
        let readOnly: TestHub.Member
        let analyst: TestHub.Member
        let sig: TrustGroup
    }

    static func world() async throws -> World {
        let f = try await PortalFixture.make()
        let readOnly = try await f.hub.member("Org A", email: "ro@a.example.jp", role: .readOnly)
        let analyst = try await f.hub.member("Hub", email: "analyst@hub.example.jp", role: .hubAnalyst)
        let sig = try await f.hub.store.createGroup(TrustGroup(name: "電力SIG"))
        try await f.hub.store.addMember(organizationID: f.writer.principal.organization.id, toGroup: sig.id)
        try await f.hub.store.addMember(organizationID: f.reader.principal.organization.id, toGroup: sig.id)
        return World(f: f, readOnly: readOnly, analyst: analyst, sig: sig)
    }

    /// Submits pasted indicators as `member`'s browser and returns the submission's id.
    static func submitText(_ browser: Browser, feed: Feed, _ text: String) async throws -> String {
        try await browser.get("/portal/submit")
        let response = try await browser.post("/portal/submit", [("kind", "text"), ("feed", feed.id), ("tlp", "green"),
                                                                 ("text", text)])
        #expect(response.status == .seeOther)
        let location = response.headers[.location] ?? ""
        #expect(location.hasPrefix("/portal/submissions/"))
        return String(location.dropFirst("/portal/submissions/".count))
    }

    @Test("org A submits pasted indicators, sees what was extracted and the exact anonymised preview, releases it to a SIG and revokes it")
    func submitPreviewRelease() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        try await w.f.withServer { client in
            let browser = Browser(client)
            try await browser.signIn(w.f.writer)
            let form = try await browser.get("/portal/submit")
            #expect(form.status == .ok)
            #expect(form.text.contains("enctype=\"multipart/form-data\""))
            let id = try await Self.submitText(browser, feed: w.f.feed,
                                               "C2 seen: 203.0.113.77 and hxxp://evil-example[.]com/payload")
            let page = try await browser.get("/portal/submissions/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("Anonymised preview"))
            #expect(page.text.contains("203.0.113.77"))
            #expect(page.text.contains("evil-example.com"))
            #expect(page.text.contains("id=\"release-form\""))
            #expect(page.text.contains("電力SIG"))
            #expect(try await w.f.hub.store.releases(submissionID: id).isEmpty)

            // A release naming nobody: a translated error, nothing released.
            let empty = try await browser.post("/portal/submissions/\(id)/release", [("anonymize", "on")])
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains("Choose at least one recipient"))
            #expect(try await w.f.hub.store.releases(submissionID: id).isEmpty)

            try await browser.get("/portal/submissions/\(id)")
            let released = try await browser.post("/portal/submissions/\(id)/release",
                                                   [("group", "電力SIG"), ("anonymize", "on")])
            #expect(released.status == .seeOther)
            let releases = try await w.f.hub.store.releases(submissionID: id)
            #expect(releases.count == 1)
            #expect(releases.first?.scope.groups == ["電力SIG"])
            #expect(releases.first?.anonymized == true)
            let after = try await browser.get("/portal/submissions/\(id)")
            #expect(after.text.contains("in force"))

            let revoke = try await browser.post("/portal/releases/\(releases[0].id)/revoke", [])
            #expect(revoke.status == .seeOther)
            #expect(try await w.f.hub.store.releases(submissionID: id).first?.revokedAt != nil)
        }
    }

    @Test("an attack e-mail uploaded as multipart is extracted and stored held; the page names it in Japanese too")
    func attackEmail() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let eml = try Data(contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("MailParsingTests/Corpus/05_utf8_base64.eml"))
        try await w.f.withServer { client in
            let browser = Browser(client, language: "ja")
            try await browser.signIn(w.f.writer)
            let form = try await browser.get("/portal/submit")
            #expect(form.text.contains("攻撃メール"))
            let response = try await browser.postMultipart("/portal/submit", [("kind", "email"), ("feed", w.f.feed.id)],
                                                           file: ("file", "attack.eml", eml))
            #expect(response.status == .seeOther, "\(response.text.prefix(500))")
            let id = String((response.headers[.location] ?? "").dropFirst("/portal/submissions/".count))
            let page = try await browser.get("/portal/submissions/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains("匿名化プレビュー"))
            #expect(page.text.contains("攻撃メール"))
            #expect(try await w.f.hub.store.releases(submissionID: id).isEmpty)
        }
    }

    @Test("a specimen uploaded in the portal is sealed into the vault with no plaintext copy left on disk; its page names it")
    func specimenUpload() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-vault-\(UUID().uuidString)")
        defer { try? FileManager.default.removeItem(at: directory) }
        let vault = try SampleVault(directory: directory, key: SymmetricKey(size: .bits256))
        let marker = "portal-specimen-\(UUID().uuidString)"
        let sample = Data("MZ".utf8) + Data(repeating: 0, count: 62) + Data(String(repeating: marker, count: 20).utf8)
        let sha256 = SHA256.hash(data: sample).map { String(format: "%02x", $0) }.joined()
        try await w.f.withServer(vault: vault) { client in
            let browser = Browser(client)
            try await browser.signIn(w.f.writer)
            try await browser.get("/portal/submit")
            let response = try await browser.postMultipart("/portal/submit", [("kind", "sample"), ("feed", w.f.feed.id),
                                                                              ("tlp", "amber")],
                                                           file: ("file", "invoice.exe", sample))
            #expect(response.status == .seeOther, "\(response.text.prefix(500))")
            let id = String((response.headers[.location] ?? "").dropFirst("/portal/submissions/".count))
            #expect(try vault.contains(sha256: sha256))
            let page = try await browser.get("/portal/submissions/\(id)")
            #expect(page.status == .ok)
            #expect(page.text.contains(sha256))
            // Nowhere in the temporary directory (where the vault lives too, sealed) is the plaintext.
            let temporary = FileManager.default.temporaryDirectory
            for name in try FileManager.default.contentsOfDirectory(atPath: temporary.path) {
                let file = temporary.appendingPathComponent(name)
                guard let data = try? Data(contentsOf: file), data.count < 1 << 20 else { continue }
                #expect(data.range(of: Data(marker.utf8)) == nil, "plaintext specimen left in \(name)")
            }
            // Another organisation cannot reach the held submission's page.
            let other = Browser(client)
            try await other.signIn(w.f.outsider)
            #expect(try await other.get("/portal/submissions/\(id)").status == .notFound)
        }
    }

    @Test("a CSV goes through the column-mapping step before anything is stored")
    func csvMapping() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        try await w.f.withServer { client in
            let browser = Browser(client)
            try await browser.signIn(w.f.writer)
            try await browser.get("/portal/submit")
            let before = try await w.f.hub.store.submissions(organizationID: nil).count
            let csv = "indicator,comment\ncsv-mapped-c2.com,c2 server\n"
            let step = try await browser.post("/portal/submit", [("kind", "csv"), ("feed", w.f.feed.id), ("text", csv)])
            #expect(step.status == .ok)
            #expect(step.text.contains("name=\"column_0\"") && step.text.contains("name=\"column_1\""))
            #expect(try await w.f.hub.store.submissions(organizationID: nil).count == before)
            let done = try await browser.post("/portal/submit", [("kind", "csv"), ("feed", w.f.feed.id), ("mapping", "done"),
                                                                 ("text", csv), ("column_0", "auto"), ("column_1", "description")])
            #expect(done.status == .seeOther)
            let id = String((done.headers[.location] ?? "").dropFirst("/portal/submissions/".count))
            #expect(try await browser.get("/portal/submissions/\(id)").text.contains("csv-mapped-c2.com"))
        }
    }

    @Test("bad input and forged forms change nothing and say why in the reader's language")
    func badInput() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        try await w.f.withServer { client in
            let browser = Browser(client, language: "ja")
            try await browser.signIn(w.f.writer)
            try await browser.get("/portal/submit")
            let before = try await w.f.hub.store.submissions(organizationID: nil).count
            let empty = try await browser.post("/portal/submit", [("kind", "text"), ("feed", w.f.feed.id), ("text", "")])
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains("何も送信されていません"))
            let badFeed = try await browser.post("/portal/submit", [("kind", "text"), ("feed", "no-such-feed"), ("text", "203.0.113.5")])
            #expect(badFeed.status == .badRequest)
            let badKind = try await browser.post("/portal/submit", [("kind", "stix"), ("feed", w.f.feed.id), ("text", "{}")])
            #expect(badKind.status == .badRequest)
            let badReport = try await browser.post("/portal/submit", [("kind", "report"), ("feed", w.f.feed.id), ("title", "")])
            #expect(badReport.status == .badRequest)
            let forged = try await browser.post("/portal/submit", [("kind", "text"), ("feed", w.f.feed.id), ("text", "203.0.113.5")],
                                                csrf: .some("not-the-token"))
            #expect(forged.status == .forbidden)
            #expect(try await w.f.hub.store.submissions(organizationID: nil).count == before)
        }
    }

    @Test("another organisation never sees a held submission by any URL; a read-only user cannot submit or release; a member cannot reach the analyst queue")
    func adversaries() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        try await w.f.withServer { client in
            let provider = Browser(client)
            try await provider.signIn(w.f.writer)
            let id = try await Self.submitText(provider, feed: w.f.feed, "C2 hxxp://held-lure-c2[.]com/gate.php held")

            for member in [w.f.reader, w.f.outsider] {
                let other = Browser(client)
                try await other.signIn(member)
                let unknown = try await other.get("/portal/submissions/00000000-0000-4000-8000-000000000000")
                for path in ["/portal/submissions/\(id)"] {
                    let response = try await other.get(path)
                    #expect(response.status == .notFound, "\(member.email) \(path)")
                    #expect(response.text == unknown.text.replacingOccurrences(of: "00000000-0000-4000-8000-000000000000", with: id)
                            || !response.text.contains("held-lure-c2.com"))
                }
                for page in ["/portal/submissions", "/portal/dashboard", "/portal/consent"] {
                    let response = try await other.get(page)
                    #expect(response.status == .ok, "\(page)")
                    #expect(!response.text.contains(id) && !response.text.contains("held-lure-c2.com"), "\(member.email) \(page)")
                }
                try await other.get("/portal/")
                let release = try await other.post("/portal/submissions/\(id)/release", [("all_members", "on")])
                #expect(release.status == .notFound || release.status == .forbidden)
                let propose = try await other.post("/portal/submissions/\(id)/propose", [("all_members", "on")])
                #expect(propose.status == .forbidden)
                let analyst = try await other.get("/portal/analyst")
                #expect(analyst.status == .forbidden)
                #expect(!analyst.text.contains("held-lure-c2.com"))
                #expect(try await other.post("/portal/analyst/campaigns/merge", [("campaign", "x")]).status == .forbidden)
            }
            #expect(try await w.f.hub.store.releases(submissionID: id).isEmpty)

            let readOnly = Browser(client)
            try await readOnly.signIn(w.readOnly)
            #expect(try await readOnly.get("/portal/submit").status == .forbidden)
            let before = try await w.f.hub.store.submissions(organizationID: nil).count
            try await readOnly.get("/portal/")
            let submit = try await readOnly.post("/portal/submit", [("kind", "text"), ("feed", w.f.feed.id), ("text", "203.0.113.8")])
            #expect(submit.status == .forbidden)
            #expect(try await w.f.hub.store.submissions(organizationID: nil).count == before)
            let page = try await readOnly.get("/portal/submissions/\(id)")
            #expect(page.status == .ok)   // their own organisation's
            #expect(!page.text.contains("id=\"release-form\""))
            let release = try await readOnly.post("/portal/submissions/\(id)/release", [("group", "電力SIG")])
            #expect(release.status == .forbidden)
            #expect(try await w.f.hub.store.releases(submissionID: id).isEmpty)

            // Signed out: every workflow page sends to sign-in, every form is refused.
            let nobody = Browser(client)
            for path in ["/portal/submit", "/portal/submissions/\(id)", "/portal/consent", "/portal/analyst", "/portal/dashboard",
                         "/portal/dashboard/daily.csv"] {
                #expect(try await nobody.get(path).status == .seeOther, "\(path)")
            }
            #expect(try await nobody.post("/portal/submissions/\(id)/release", [("all_members", "on")], csrf: .some(nil)).status == .forbidden)
        }
    }

    @Test("an analyst proposes a release, the provider approves it from the consent inbox with the diff shown")
    func proposalFlow() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        try await w.f.withServer { client in
            let provider = Browser(client)
            try await provider.signIn(w.f.writer)
            let id = try await Self.submitText(provider, feed: w.f.feed, "C2 hxxps://proposal-c2-relay[.]com/in")
            let analyst = Browser(client)
            try await analyst.signIn(w.analyst)
            let queue = try await analyst.get("/portal/analyst")
            #expect(queue.status == .ok)
            #expect(queue.text.contains("/portal/submissions/\(id)"))
            let page = try await analyst.get("/portal/submissions/\(id)")
            #expect(page.status == .ok)
            let proposed = try await analyst.post("/portal/submissions/\(id)/propose",
                                                  [("group", "電力SIG"), ("anonymize", "on"), ("note", "please share")])
            #expect(proposed.status == .seeOther)
            // Another organisation's inbox does not show it.
            let outsider = Browser(client)
            try await outsider.signIn(w.f.outsider)
            #expect(!(try await outsider.get("/portal/consent")).text.contains(id))

            let inbox = try await provider.get("/portal/consent")
            #expect(inbox.text.contains(id))
            #expect(inbox.text.contains("please share"))
            #expect(inbox.text.contains("waiting for you"))
            let proposal = try #require(try await w.f.hub.store.proposals(providerOrganizationID: w.f.writer.principal.organization.id).first)
            let approved = try await provider.post("/portal/proposals/\(proposal.id)/approve", [])
            #expect(approved.status == .seeOther)
            #expect(try await w.f.hub.store.releases(submissionID: id).count == 1)
            let dashboard = try await provider.get("/portal/dashboard")
            #expect(dashboard.status == .ok)
            let csv = try await provider.get("/portal/dashboard/daily.csv")
            #expect(csv.status == .ok)
            #expect(csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.text.hasPrefix("day,"))
        }
    }

    @Test("an analyst edits the processed version in the portal: one object left out, a description rewritten; what the analyst typed of the provider never reaches the SIG")
    func processedVersionEditor() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        try await w.f.withServer { client in
            let provider = Browser(client)
            try await provider.signIn(w.f.writer)
            let id = try await Self.submitText(provider, feed: w.f.feed,
                                               "C2 hxxps://editor-c2-relay[.]com/in and 198.51.100.23 seen on the gateway")
            // The provider's own page offers no editor; the analyst's does, one row per object.
            #expect(!(try await provider.get("/portal/submissions/\(id)")).text.contains("name=\"edit_0\""))
            let analyst = Browser(client)
            try await analyst.signIn(w.analyst)
            let page = try await analyst.get("/portal/submissions/\(id)")
            #expect(page.text.contains("Edit the processed version"))
            let rows = page.text.matches(of: #/name="edit_(\d+)" value="([^"]+)"/#).map { (Int($0.1)!, String($0.2)) }
            let described = page.text.matches(of: #/name="description_(\d+)"/#).map { Int($0.1)! }
            #expect(rows.count >= 2)
            let edited = try #require(described.first)
            let dropped = try #require(rows.first { $0.0 != edited })
            func fields(description: String) -> [(String, String)] {
                var fields = [("group", "電力SIG"), ("anonymize", "on"), ("note", "edited")]
                for (index, objectID) in rows {
                    fields.append(("edit_\(index)", objectID))
                    if index != dropped.0 { fields.append(("keep_\(index)", "on")) }
                }
                fields.append(("description_\(edited)", description))
                return fields
            }

            // The analyst's edit names the provider, plainly and base64-encoded (a@a.example.jp): the
            // proposal keeps the analyst's words; what is released is anonymised like any release.
            let typed = "C2 relay, rewritten by the hub; seen by Org A (a@a.example.jp), beacon YUBhLmV4YW1wbGUuanA="
            let proposed = try await analyst.post("/portal/submissions/\(id)/propose", fields(description: typed))
            #expect(proposed.status == .seeOther)
            let proposal = try #require(try await w.f.hub.store.proposals(providerOrganizationID: nil).first)
            let bundle = try #require(proposal.processedBundle)
            let objects = try #require((try JSONSerialization.jsonObject(with: bundle) as? [String: Any])?["objects"] as? [[String: Any]])
            let ids = Set(objects.compactMap { $0["id"] as? String })
            #expect(!ids.contains(dropped.1))
            let rewritten = try #require(objects.first { $0["id"] as? String == rows.first { $0.0 == edited }?.1 })
            #expect(rewritten["description"] as? String == typed)
            #expect((rewritten["modified"] as? String ?? "") > (rewritten["created"] as? String ?? "~"))

            // The provider approves from the inbox; the release carries the edit, anonymised: the
            // provider's name and address the analyst typed never reach the SIG.
            let inbox = try await provider.get("/portal/consent")
            #expect(inbox.text.contains(proposal.id))
            #expect(try await provider.post("/portal/proposals/\(proposal.id)/approve", []).status == .seeOther)
            let release = try #require(try await w.f.hub.store.releases(submissionID: id).first)
            let reader = Browser(client)
            try await reader.signIn(w.f.reader)
            let shared = try await w.f.hub.store.objects(ObjectQuery(feedID: w.f.feed.id, versions: .every),
                                                         for: ReadScope(audiences: [Audience.group(w.sig.id): 0]))
                .objects.filter { $0.releaseID == release.id }
            #expect(shared.count == objects.count)
            let sharedText = shared.map { String(decoding: $0.bytes, as: UTF8.self) }.joined()
            #expect(sharedText.contains("C2 relay, rewritten by the hub"), "\(sharedText)")
            #expect(!sharedText.contains("a@a.example.jp") && !sharedText.contains("Org A"), "\(sharedText)")
            #expect(!sharedText.contains("a@a.example.jp") && !sharedText.contains("Org A")
                    && !sharedText.contains("YUBhLmV4YW1wbGUuanA"))

            // A member cannot post the editor's fields.
            let member = Browser(client)
            try await member.signIn(w.f.reader)
            try await member.get("/portal/")
            #expect(try await member.post("/portal/submissions/\(id)/propose", fields(description: "x")).status != .seeOther)
        }
    }

    @Test("an analyst confirms and names a campaign candidate from the queue, which draws its linked submissions")
    func analystConfirmsCampaign() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let now = "2026-12-07T00:00:00.000Z"
        let candidate = CampaignRecord(id: "campaign-candidate--test", status: .candidate, submissionIDs: ["s-one", "s-two"],
                                       evidence: [CampaignEvidence(kind: "sender-domain", values: ["evil-example.com"], links: 1)],
                                       createdAt: now, updatedAt: now)
        try await w.f.hub.store.saveCampaigns([candidate], removing: [], audit: [])
        try await w.f.withServer { client in
            let member = Browser(client)
            try await member.signIn(w.f.writer)
            try await member.get("/portal/")
            #expect(try await member.post("/portal/analyst/campaigns/\(candidate.id)/confirm", [("name", "Stolen")]).status == .forbidden)
            #expect(try await w.f.hub.store.campaigns().allSatisfy { $0.status == .candidate })

            let analyst = Browser(client)
            try await analyst.signIn(w.analyst)
            let queue = try await analyst.get("/portal/analyst")
            #expect(queue.status == .ok)
            #expect(queue.text.contains("<svg class=\"campaign-graph\""))
            #expect(queue.text.contains("evil-example.com"))
            let confirmed = try await analyst.post("/portal/analyst/campaigns/\(candidate.id)/confirm", [("name", "Operation 電力")])
            #expect(confirmed.status == .seeOther)
            let records = try await w.f.hub.store.campaigns()
            #expect(records.contains { $0.status == .confirmed && $0.name == "Operation 電力" })
            #expect(try await analyst.get("/portal/analyst").text.contains("Operation 電力"))
            let missing = try await analyst.post("/portal/analyst/campaigns/no-such/confirm", [])
            #expect(missing.status == .notFound)
        }
    }

    @Test("only a hub administrator reaches the admin pages; bad input adds nothing; the audit trail verifies")
    func admin() async throws {
        let w = try await Self.world()
        defer { w.f.hub.remove() }
        let admin = try await w.f.hub.member("Hub", email: "admin@hub.example.jp", role: .hubAdmin)
        try await w.f.withServer { client in
            for member in [w.f.writer, w.readOnly, w.analyst, w.f.outsider] {
                let browser = Browser(client)
                try await browser.signIn(member)
                #expect(try await browser.get("/portal/admin").status == .forbidden, "\(member.email)")
                try await browser.get("/portal/")
                #expect(try await browser.post("/portal/admin/organizations", [("name", "Intruder Org")]).status == .forbidden)
                #expect(try await browser.post("/portal/admin/audit", []).status == .forbidden)
            }
            #expect(try await w.f.hub.store.organization(named: "Intruder Org") == nil)
            let browser = Browser(client, language: "ja")
            try await browser.signIn(admin)
            let page = try await browser.get("/portal/admin")
            #expect(page.status == .ok)
            #expect(page.text.contains("電力SIG") && page.text.contains("Org A"))
            let count = try await w.f.hub.store.organizations().count
            let empty = try await browser.post("/portal/admin/organizations", [("name", "  ")])
            #expect(empty.status == .badRequest)
            #expect(empty.text.contains("変更は受け付けられませんでした"))
            #expect(try await w.f.hub.store.organizations().count == count)
            try await browser.get("/portal/admin")
            let shortPassword = try await browser.post("/portal/admin/users", [("organization", "Org A"), ("email", "new@a.example.jp"),
                                                                               ("role", "member"), ("password", "short")])
            #expect(shortPassword.status == .badRequest)
            #expect(try await w.f.hub.store.users(organizationID: w.f.writer.principal.organization.id).count == 2)
            try await browser.get("/portal/admin")
            #expect(try await browser.post("/portal/admin/organizations", [("name", "ガスD社"), ("sector", "ガス")]).status == .seeOther)
            #expect(try await w.f.hub.store.organization(named: "ガスD社") != nil)
            try await browser.get("/portal/admin")
            let audit = try await browser.post("/portal/admin/audit", [])
            #expect(audit.status == .ok)
            #expect(audit.text.contains("改ざんなし"))
        }
    }
}

extension Browser {
    /// Posts a multipart form with one file (and the last page's CSRF token).
    func postMultipart(_ path: String, _ fields: [(String, String)], file: (field: String, name: String, data: Data)) async throws -> TestResponse {
        let boundary = "kakehashi-test-\(UUID().uuidString)"
        var body = Data()
        for (name, value) in fields + [("csrf", csrfToken ?? "")] {
            body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(name)\"\r\n\r\n\(value)\r\n".utf8))
        }
        body.append(Data("--\(boundary)\r\nContent-Disposition: form-data; name=\"\(file.field)\"; filename=\"\(file.name)\"\r\nContent-Type: application/octet-stream\r\n\r\n".utf8))
        body.append(file.data)
        body.append(Data("\r\n--\(boundary)--\r\n".utf8))
        var fields = headers
        fields[.contentType] = "multipart/form-data; boundary=\(boundary)"
        let response = try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(data: body))
        keep(response)
        return response
    }
}
