// A small fixed hub for the plain sharing tests: one feed, three organisations in two sectors
// (A the provider, B in A's SIG, C outside it), every one reading the feed and A writing it, a hub
// analyst; with helpers to post through TAXII, release and revoke through the JSON API and read.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubServer
import HubTesting
import Storage
import Testing

struct SmallHub: Sendable {
    let hub: TestHub
    let feed: Feed
    let a: TestHub.Member
    let b: TestHub.Member
    let c: TestHub.Member
    let analyst: TestHub.Member
    let sig: TrustGroup

    static let aName = "電力A社"
    static let aAlias = "Denryoku-A Corporation"
    static let aDomain = "denryoku-a.example.jp"

    /// `bWrites`: B may post to the feed too.
    static func make(bWrites: Bool = false) async throws -> SmallHub {
        let hub = try await TestHub.make()
        let feed = try await hub.feed("Default", title: "既定フィード")
        let a = try await hub.member(aName, email: "soc@\(aDomain)", grants: [(feed, true, true)])
        let b = try await hub.member("ガスB社", email: "soc@gas-b.example.jp", grants: [(feed, true, bWrites)])
        let c = try await hub.member("化学C社", email: "soc@kagaku-c.example.jp", grants: [(feed, true, false)])
        let analyst = try await hub.member("Kakehashi Hub 運営", email: "analyst@hub.example.jp", role: .hubAnalyst)
        try await hub.store.addIdentifier(OrganizationIdentifier(kind: .domain, value: aDomain),
                                          organizationID: a.principal.organization.id)
        try await hub.store.addIdentifier(OrganizationIdentifier(kind: .alias, value: aAlias),
                                          organizationID: a.principal.organization.id)
        let sig = try await hub.store.createGroup(TrustGroup(name: "電力SIG"))
        try await hub.store.addMember(organizationID: a.principal.organization.id, toGroup: sig.id)
        try await hub.store.addMember(organizationID: b.principal.organization.id, toGroup: sig.id)
        return SmallHub(hub: hub, feed: feed, a: a, b: b, c: c, analyst: analyst, sig: sig)
    }

    func withServer(_ body: @escaping @Sendable (Client) async throws -> Void) async throws {
        let app = HubApplication.make(store: hub.store, anonymization: LiveWorld.anonymization, port: 0)
        let feed = self.feed
        try await app.test(.live) { client in try await body(Client(client: client, feed: feed)) }
    }

    /// The HTTP calls the tests make.
    struct Client: Sendable {
        let client: any TestClientProtocol
        let feed: Feed
        var objectsPath: String { "/hub/collections/\(feed.id)/objects/" }

        /// TAXII POST of `objects` (JSON texts); returns the submission id.
        func post(_ objects: [String], as member: TestHub.Member) async throws -> String {
            let response = try await client.execute(uri: objectsPath, method: .post, headers: member.taxiiPosting,
                                                    body: ByteBuffer(string: "{\"objects\":[" + objects.joined(separator: ",") + "]}"))
            #expect(response.status == .accepted, "\(response.bodyText)")
            #expect(response.object["failure_count"] as? Int == 0, "\(response.bodyText)")
            return try #require(response.object["id"] as? String)
        }

        /// `POST /api/v1/submissions/{id}/release` with `body`; returns the response.
        func release(_ submission: String, _ body: String, as member: TestHub.Member) async throws -> TestResponse {
            try await client.execute(uri: "/api/v1/submissions/\(submission)/release", method: .post,
                                     headers: member.apiHeaders, body: ByteBuffer(string: body))
        }

        func revoke(_ release: String, as member: TestHub.Member) async throws -> TestResponse {
            try await client.execute(uri: "/api/v1/releases/\(release)/revoke", method: .post, headers: member.apiHeaders)
        }

        /// Every page of `GET objects` (optionally with a query), the raw bodies and the objects.
        func objects(as member: TestHub.Member, query: String = "") async throws -> (raw: String, objects: [[String: Any]]) {
            var raw = "", objects: [[String: Any]] = []
            var next: String?
            repeat {
                var uri = objectsPath + "?limit=2" + (query.isEmpty ? "" : "&" + query)
                if let next { uri += "&next=\(next)" }
                let response = try await client.execute(uri: uri, method: .get, headers: member.taxiiHeaders)
                #expect(response.status == .ok, "\(uri): \(response.bodyText)")
                raw += response.bodyText
                objects += response.object["objects"] as? [[String: Any]] ?? []
                next = response.object["more"] as? Bool == true ? response.object["next"] as? String : nil
            } while next != nil
            return (raw, objects)
        }

        func get(_ uri: String, as member: TestHub.Member, taxii: Bool = true) async throws -> TestResponse {
            try await client.execute(uri: uri, method: .get, headers: taxii ? member.taxiiHeaders : member.apiHeaders)
        }

        /// The recipients report as organisation name → object ids.
        func recipients(_ submission: String, as member: TestHub.Member) async throws -> [String: [String]] {
            let response = try await get("/api/v1/submissions/\(submission)/recipients", as: member, taxii: false)
            #expect(response.status == .ok, "\(response.bodyText)")
            var result: [String: [String]] = [:]
            for recipient in response.object["recipients"] as? [[String: Any]] ?? [] {
                result[recipient["organization"] as? String ?? "?"] =
                    (recipient["objects"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            }
            return result
        }
    }
}

/// A STIX 2.1 object text with the given TLP marking ids.
func indicator(_ n: Int, modified: String = "2025-06-01T00:00:00.000Z", markings: [MarkingRef] = [],
               extra: String = "") -> String {
    let refs = markings.isEmpty ? "" : ",\"object_marking_refs\":[" + markings.map { "\"\($0.id)\"" }.joined(separator: ",") + "]"
    return """
    {"type":"indicator","spec_version":"2.1","id":"indicator--10000000-0000-4000-8000-\(String(format: "%012d", n))",\
    "created":"2025-06-01T00:00:00.000Z","modified":"\(modified)","name":"不審な通信先 \(n)",\
    "indicator_types":["malicious-activity"],"pattern":"[ipv4-addr:value = '203.0.113.\(n)']","pattern_type":"stix",\
    "valid_from":"2025-06-01T00:00:00Z"\(refs)\(extra)}
    """
}

func indicatorID(_ n: Int) -> String { "indicator--10000000-0000-4000-8000-\(String(format: "%012d", n))" }
