// Fixtures for portal tests: a real hub (SQLite, or PostgreSQL when the run says so: see TestHub)
// served by the real HTTP server, and a browser-like client that keeps cookies and reads forms' CSRF
// tokens, with members of three organisations holding different rights.
import Anonymization
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubServer
import HubTesting
import Storage
import Specimens
import Testing

struct PortalFixture {
    let hub: TestHub
    let feed: Feed
    /// Reads and writes `feed`.
    let writer: TestHub.Member
    /// Reads `feed` only.
    let reader: TestHub.Member
    /// Has no rights anywhere.
    let outsider: TestHub.Member

    static func make() async throws -> PortalFixture {
        let hub = try await TestHub.make()
        let feed = try await hub.feed("Default", title: "既定フィード")
        let writer = try await hub.member("Org A", email: "a@a.example.jp", grants: [(feed, true, true)])
        let reader = try await hub.member("Org B", email: "b@b.example.jp", grants: [(feed, true, false)])
        let outsider = try await hub.member("Org C", email: "c@c.example.jp")
        return PortalFixture(hub: hub, feed: feed, writer: writer, reader: reader, outsider: outsider)
    }

    func withServer(vault: SampleVault? = nil,
                    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = HubApplication.make(store: hub.store, anonymization: anonymization, vault: vault, port: 0)
        try await app.test(.live) { client in try await body(client) }
    }

    var anonymization: AnonymizationSettings {
        AnonymizationSettings(hubIdentityID: "identity--00000000-0000-4000-8000-00000000aaaa",
                              idKey: Array("kakehashi-test-anonymization-key".utf8))
    }
}

/// A browser: cookies kept between requests, a language, the last page's CSRF token.
final class Browser: @unchecked Sendable {
    let client: any TestClientProtocol
    var cookies: [String: String] = [:]
    var acceptLanguage: String
    var lastPage = ""

    init(_ client: any TestClientProtocol, language: String = "en") {
        self.client = client; self.acceptLanguage = language
    }

    var headers: HTTPFields {
        var fields: HTTPFields = [.acceptLanguage: acceptLanguage]
        if !cookies.isEmpty {
            fields[.cookie] = cookies.map { "\($0.key)=\($0.value)" }.sorted().joined(separator: "; ")
        }
        return fields
    }

    @discardableResult
    func get(_ path: String) async throws -> TestResponse {
        let response = try await client.execute(uri: path, method: .get, headers: headers)
        keep(response)
        return response
    }

    /// Posts `fields` (URL-encoded); `csrf` is added from the last page unless given (nil: none sent).
    @discardableResult
    func post(_ path: String, _ fields: [(String, String)], csrf: String?? = .none) async throws -> TestResponse {
        var all = fields
        switch csrf {
        case .none: all.append(("csrf", csrfToken ?? ""))
        case .some(.some(let token)): all.append(("csrf", token))
        case .some(.none): break
        }
        let body = all.map { "\(Self.encode($0.0))=\(Self.encode($0.1))" }.joined(separator: "&")
        var fields = headers
        fields[.contentType] = "application/x-www-form-urlencoded"
        let response = try await client.execute(uri: path, method: .post, headers: fields, body: ByteBuffer(string: body))
        keep(response)
        return response
    }

    func signIn(_ member: TestHub.Member) async throws {
        try await get("/portal/sign-in")
        let response = try await post("/portal/sign-in", [("email", member.email), ("password", member.password),
                                                          ("next", "/portal/")])
        #expect(response.status == .seeOther)
    }

    /// The CSRF token of the last page's first form.
    var csrfToken: String? {
        guard let range = lastPage.range(of: "name=\"csrf\" value=\"") else { return nil }
        let rest = lastPage[range.upperBound...]
        return rest.firstIndex(of: "\"").map { String(rest[..<$0]) }
    }

    func keep(_ response: TestResponse) {
        for field in response.headers where field.name == .setCookie {
            let pair = field.value.split(separator: ";")[0].split(separator: "=", maxSplits: 1)
            let name = String(pair[0]), value = pair.count > 1 ? String(pair[1]) : ""
            if value.isEmpty || field.value.contains("Max-Age=0") { cookies[name] = nil } else { cookies[name] = value }
        }
        if response.headers[.contentType]?.hasPrefix("text/html") == true { lastPage = String(buffer: response.body) }
    }

    static func encode(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

extension TestResponse {
    var text: String { String(buffer: body) }
}
