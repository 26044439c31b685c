// Operations endpoints (issue 13): /healthz and /readyz for load balancers, /metrics for hub staff
// only, counted by route template and status class (never by raw path).
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubServer
import HubTesting
import Storage
import Testing

@Suite("Operations endpoints")
struct OperationsTests {
    @Test("healthz and readyz answer 200 without credentials and say nothing about the hub")
    func health() async throws {
        let f = try await TAXIIFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            for (path, body) in [("/healthz", "ok\n"), ("/readyz", "ready\n")] {
                let response = try await client.execute(uri: path, method: .get)
                #expect(response.status == .ok, "\(path)")
                #expect(String(buffer: response.body) == body, "\(path)")
                #expect(response.headers[.contentType]?.hasPrefix("text/plain") == true)
            }
        }
    }

    @Test("readyz answers 503 when the store does not answer")
    func notReady() async throws {
        let f = try await TAXIIFixture.make()
        defer { f.hub.remove() }
        try await f.withServer { client in
            try await f.hub.close()
            let response = try await client.execute(uri: "/readyz", method: .get)
            #expect(response.status == .serviceUnavailable)
            #expect(String(buffer: response.body) == "not ready\n")
        }
    }

    @Test("metrics: hub staff only; members, read-only users, organisation admins and no account get none")
    func metricsAccess() async throws {
        let f = try await TAXIIFixture.make()
        defer { f.hub.remove() }
        let staff = try await f.hub.member("Kakehashi Hub", email: "ops@hub.example.jp", role: .hubAdmin)
        let analyst = try await f.hub.member("Kakehashi Hub", email: "analyst@hub.example.jp", role: .hubAnalyst)
        let readOnly = try await f.hub.member("Org B", email: "ro@b.example.jp", role: .readOnly,
                                              grants: [(f.feed, true, false)])
        let orgAdmin = try await f.hub.member("Org A", email: "admin@a.example.jp", role: .orgAdmin)
        try await f.withServer { client in
            let anonymous = try await client.execute(uri: "/metrics", method: .get)
            #expect(anonymous.status == .unauthorized)
            #expect(!String(buffer: anonymous.body).contains("kakehashi_"))
            for member in [f.writer, f.reader, f.outsider, readOnly, orgAdmin] {
                for headers in [member.bearer, member.basic] {
                    let response = try await client.execute(uri: "/metrics", method: .get, headers: headers)
                    #expect(response.status == .forbidden, "\(member.email)")
                    #expect(!String(buffer: response.body).contains("kakehashi_"), "\(member.email)")
                }
            }
            for member in [staff, analyst] {
                let response = try await client.execute(uri: "/metrics", method: .get, headers: member.bearer)
                #expect(response.status == .ok, "\(member.email)")
                #expect(response.headers[.contentType]?.hasPrefix("text/plain; version=0.0.4") == true)
                #expect(String(buffer: response.body).contains("kakehashi_http_requests_total"))
            }
        }
    }

    @Test("requests are counted by route template and status class; ids and raw paths never become labels")
    func routeTemplates() async throws {
        let f = try await TAXIIFixture.make()
        defer { f.hub.remove() }
        let staff = try await f.hub.member("Kakehashi Hub", email: "ops@hub.example.jp", role: .hubAdmin)
        let unknownCollection = UUID().uuidString.lowercased()
        let probe = "no-such-path-\(UUID().uuidString.lowercased())"
        try await f.withServer { client in
            _ = try await f.postReleased(client, [indicatorJSON(1)])
            for _ in 0..<3 {
                let page = try await client.execute(uri: f.objectsPath, method: .get, headers: f.reader.bearer)
                #expect(page.status == .ok)
            }
            let missing = try await client.execute(uri: "/hub/collections/\(unknownCollection)/objects/",
                                                   method: .get, headers: f.reader.bearer)
            #expect(missing.status == .notFound)
            _ = try await client.execute(uri: "/\(probe)", method: .get, headers: f.reader.bearer)
            // Wrong passwords until the throttle refuses: refusals are counted.
            var refused = false
            for _ in 0..<12 where !refused {
                var headers = f.reader.basic
                headers[.authorization] = "Basic " + Data("\(f.reader.email):wrong".utf8).base64EncodedString()
                let response = try await client.execute(uri: "/hub/collections/", method: .get, headers: headers)
                refused = response.status == .tooManyRequests
            }
            #expect(refused)

            let response = try await client.execute(uri: "/metrics", method: .get, headers: staff.bearer)
            let text = String(buffer: response.body)
            let objectsRoute = "route=\"/hub/collections/{collection}/objects\""
            #expect(text.contains("kakehashi_http_requests_total{"))
            #expect(Self.sample(text, "kakehashi_http_requests_total", [objectsRoute, "method=\"GET\"", "status_class=\"2xx\""]) == 3)
            #expect(Self.sample(text, "kakehashi_http_requests_total", [objectsRoute, "method=\"GET\"", "status_class=\"4xx\""]) == 1)
            #expect(Self.sample(text, "kakehashi_http_requests_total", ["route=\"unmatched\"", "status_class=\"4xx\""]) == 1)
            #expect(text.contains("kakehashi_http_request_duration_seconds_bucket{"))
            #expect((Self.sample(text, "kakehashi_signin_refusals_total", []) ?? 0) >= 1)
            #expect(text.contains("kakehashi_delivery_ledger_pending_records"))
            // No id, raw path, account or address in any label.
            for secret in [f.feed.id, unknownCollection, probe, f.reader.email, f.reader.token, "127.0.0.1"] {
                #expect(!text.contains(secret), "\(secret) leaked into the metrics")
            }
        }
    }

    /// The value of the first sample of `name` whose labels include every one of `labels`.
    static func sample(_ text: String, _ name: String, _ labels: [String]) -> Double? {
        for line in text.split(separator: "\n") where line.hasPrefix(name + "{") || line.hasPrefix(name + " ") {
            guard labels.allSatisfy({ line.contains($0) }), let value = line.split(separator: " ").last else { continue }
            return Double(value)
        }
        return nil
    }
}
