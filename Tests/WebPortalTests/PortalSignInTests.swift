// Portal sign-in over HTTP against a real hub: session cookies, sign-out, CSRF on every form, the
// sign-in redirect with a safe `next`, throttling, the security headers, the language switch.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubServer
import HubTesting
import Storage
import Testing

@Suite("Portal sign-in and sessions")
struct PortalSignInTests {
    @Test("without a session every portal page redirects to sign-in with itself as next")
    func redirects() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let browser = Browser(client)
            for path in ["/portal/", "/portal/account", "/portal/feeds/\(f.feed.id)", "/portal/no/such/page?x=1"] {
                let response = try await browser.get(path)
                #expect(response.status == .seeOther, "\(path)")
                let location = response.headers[.location] ?? ""
                #expect(location.hasPrefix("/portal/sign-in?next="), "\(path): \(location)")
                #expect(location.removingPercentEncoding?.hasSuffix(path) == true, "\(path): \(location)")
            }
            let root = try await browser.get("/")
            #expect(root.status == .seeOther)
            #expect(root.headers[.location] == "/portal/")
        }
    }

    @Test("sign-in sets an HttpOnly SameSite=Strict session cookie, pages answer with the security headers, sign-out ends the session on the server")
    func signInAndOut() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let browser = Browser(client)
            try await browser.get("/portal/sign-in")
            let signIn = try await browser.post("/portal/sign-in", [("email", f.reader.email), ("password", f.reader.password),
                                                                    ("next", "/portal/")])
            #expect(signIn.status == .seeOther)
            #expect(signIn.headers[.location] == "/portal/")
            let cookie = signIn.headers[values: .setCookie].first { $0.hasPrefix("kakehashi_session=") } ?? ""
            #expect(cookie.contains("HttpOnly"))
            #expect(cookie.contains("SameSite=Strict"))
            #expect(cookie.contains("Path=/"))
            #expect(!cookie.contains("Secure"))   // http on loopback; https is tested by configuration
            let token = try #require(browser.cookies["kakehashi_session"])
            #expect(token.count >= 43)
            let home = try await browser.get("/portal/")
            #expect(home.status == .ok)
            #expect(home.text.contains(f.reader.email))
            #expect(home.text.contains("Default"))
            #expect(home.headers[.cacheControl] == "no-store")
            let csp = home.headers[.contentSecurityPolicy] ?? ""
            #expect(csp.contains("script-src 'self'") && csp.contains("style-src 'self'") && csp.contains("frame-ancestors 'none'"))
            #expect(!csp.contains("unsafe-inline"))
            #expect(home.headers[HTTPField.Name("X-Frame-Options")!] == "DENY")
            #expect(home.headers[.xContentTypeOptions] == "nosniff")
            #expect(home.headers[HTTPField.Name("Referrer-Policy")!] == "same-origin")
            #expect(home.text.contains("<html lang=\"en\">"))

            // Sign-out without the token: 403, and the session still works.
            let forged = try await browser.post("/portal/sign-out", [], csrf: .some(nil))
            #expect(forged.status == .forbidden)
            let wrong = try await browser.post("/portal/sign-out", [], csrf: "x" + (browser.csrfToken ?? ""))
            #expect(wrong.status == .forbidden)
            #expect(try await browser.get("/portal/").status == .ok)
            // With it: the session is gone on the server, even for a copy of the cookie.
            let out = try await browser.post("/portal/sign-out", [])
            #expect(out.status == .seeOther)
            let stolen = Browser(client)
            stolen.cookies["kakehashi_session"] = token
            #expect(try await stolen.get("/portal/").status == .seeOther)
        }
    }

    @Test("a session made through one instance is known to another on the same database, and so is its sign-out")
    func sharedAcrossInstances() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        let other = try await f.hub.reopened()
        let anonymization = f.anonymization
        try await f.withServer { first in
            let second = HubApplication.make(store: other.store, anonymization: anonymization, port: 0)
            try await second.test(.live) { secondClient in
                let a = Browser(first)
                try await a.signIn(f.reader)
                let b = Browser(secondClient)
                b.cookies = a.cookies
                let page = try await b.get("/portal/")
                #expect(page.status == .ok)
                #expect(page.text.contains(f.reader.email))
                try await a.get("/portal/")
                #expect(try await a.post("/portal/sign-out", []).status == .seeOther)
                #expect(try await b.get("/portal/").status == .seeOther)
            }
        }
    }

    @Test("a new session token at every sign-in; the old one no longer works")
    func rotation() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let browser = Browser(client)
            try await browser.signIn(f.reader)
            let first = try #require(browser.cookies["kakehashi_session"])
            try await browser.get("/portal/sign-in")
            let again = try await browser.post("/portal/sign-in", [("email", f.reader.email), ("password", f.reader.password)])
            #expect(again.status == .seeOther)
            let second = try #require(browser.cookies["kakehashi_session"])
            #expect(first != second)
            let old = Browser(client)
            old.cookies["kakehashi_session"] = first
            #expect(try await old.get("/portal/").status == .seeOther)
        }
    }

    @Test("a wrong password says so in the reader's language and sets no session")
    func wrongPassword() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            for (language, message) in [("en", "The e-mail address or password is not correct."),
                                         ("ja", "メールアドレスまたはパスワードが正しくありません。")] {
                let browser = Browser(client, language: language)
                try await browser.get("/portal/sign-in")
                let response = try await browser.post("/portal/sign-in", [("email", f.reader.email), ("password", "wrong")])
                #expect(response.status == .unauthorized)
                #expect(response.text.contains(message), "\(language)")
                #expect(response.text.contains("<html lang=\"\(language)\">"))
                #expect(browser.cookies["kakehashi_session"] == nil)
                // An unknown account reads the same.
                let unknown = try await browser.post("/portal/sign-in", [("email", "nobody@x.example.jp"), ("password", "wrong")])
                #expect(unknown.text.contains(message))
                // A token is not a password here.
                let token = try await browser.post("/portal/sign-in", [("email", f.reader.email), ("password", f.reader.token)])
                #expect(token.status == .unauthorized)
                #expect(browser.cookies["kakehashi_session"] == nil)
            }
        }
    }

    @Test("sign-in without the form's token is refused and signs nobody in")
    func signInForgery() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let browser = Browser(client)
            // No page seen, so no token cookie and no token: refused.
            let blind = try await browser.post("/portal/sign-in", [("email", f.reader.email), ("password", f.reader.password)],
                                               csrf: .some(nil))
            #expect(blind.status == .forbidden)
            try await browser.get("/portal/sign-in")
            let wrong = try await browser.post("/portal/sign-in", [("email", f.reader.email), ("password", f.reader.password)],
                                               csrf: "forged")
            #expect(wrong.status == .forbidden)
            #expect(browser.cookies["kakehashi_session"] == nil)
        }
    }

    @Test("after repeated failures sign-in is throttled with a translated wait, even with the right password from elsewhere")
    func throttled() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let browser = Browser(client, language: "ja")
            try await browser.get("/portal/sign-in")
            var last: TestResponse?
            for _ in 0..<12 {
                last = try await browser.post("/portal/sign-in", [("email", f.writer.email), ("password", "wrong")])
                if last?.status == .tooManyRequests { break }
            }
            let refused = try #require(last)
            #expect(refused.status == .tooManyRequests)
            #expect(refused.headers[.retryAfter] != nil)
            #expect(refused.text.contains("サインインの失敗が多すぎます"))
            let right = try await browser.post("/portal/sign-in", [("email", f.writer.email), ("password", f.writer.password)])
            #expect(right.status == .tooManyRequests)
            #expect(browser.cookies["kakehashi_session"] == nil)
        }
    }

    @Test("next after sign-in stays on the portal: other hosts and paths go home")
    func openRedirect() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            for (next, expected) in [("//evil.example/", "/portal/"), ("https://evil.example/portal/", "/portal/"),
                                     ("/\\evil.example", "/portal/"), ("/portal/account", "/portal/account")] {
                let browser = Browser(client)
                try await browser.get("/portal/sign-in?next=" + Browser.encode(next))
                #expect(browser.lastPage.contains("name=\"next\" value=\"\(expected)\""), "\(next)")
                let response = try await browser.post("/portal/sign-in", [("email", f.reader.email),
                                                                          ("password", f.reader.password), ("next", next)])
                #expect(response.headers[.location] == expected, "\(next)")
            }
        }
    }

    @Test("the language switch sticks across pages and overrides Accept-Language")
    func languageSwitch() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let browser = Browser(client, language: "en-US,en;q=0.9")
            try await browser.signIn(f.reader)
            #expect(try await browser.get("/portal/").text.contains("<html lang=\"en\">"))
            let forged = try await browser.post("/portal/language", [("lang", "ja"), ("next", "/portal/")], csrf: .some(nil))
            #expect(forged.status == .forbidden)
            #expect(browser.cookies["kakehashi_lang"] == nil)
            let switched = try await browser.post("/portal/language", [("lang", "ja"), ("next", "/portal/")])
            #expect(switched.status == .seeOther)
            let page = try await browser.get("/portal/")
            #expect(page.text.contains("<html lang=\"ja\">"))
            #expect(page.text.contains("閲覧できるフィード"))
            #expect(!page.text.contains("Feeds you may read"))
        }
    }

    @Test("the stylesheet is served under its content hash with a long cache; other static names are 404")
    func stylesheet() async throws {
        let f = try await PortalFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            let browser = Browser(client)
            let page = try await browser.get("/portal/sign-in")
            let href = try #require(page.text.firstMatch(of: try Regex(#"href="(/portal/static/portal\.[0-9a-f]{12}\.css)""#))?
                .output[1].substring.map(String.init))
            let css = try await browser.get(href)
            #expect(css.status == .ok)
            #expect(css.headers[.contentType]?.hasPrefix("text/css") == true)
            #expect(css.headers[.cacheControl]?.contains("max-age=31536000") == true)
            #expect(css.text.contains(".tlp-red"))
            #expect(try await browser.get("/portal/static/portal.css").status == .notFound)
        }
    }
}
