// Fixtures for TAXII tests: a real hub (SQLite, or PostgreSQL when the run says so: see TestHub)
// served by the real HTTP server on a free port, with members holding different rights.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubTesting
import Storage
import Anonymization
import Consent
import HubServer
import SharingPolicy
import TAXIIServer
import Testing

struct TAXIIFixture {
    let hub: TestHub
    let feed: Feed
    let secret: Feed
    /// Reads and writes `feed`.
    let writer: TestHub.Member
    /// Reads `feed` only.
    let reader: TestHub.Member
    /// Has no rights anywhere.
    let outsider: TestHub.Member

    static func make() async throws -> TAXIIFixture {
        let hub = try await TestHub.make()
        let feed = try await hub.feed("Default", title: "既定フィード")
        let secret = try await hub.feed("SECRET")
        let writer = try await hub.member("Org A", email: "a@a.example.jp", grants: [(feed, true, true)])
        let reader = try await hub.member("Org B", email: "b@b.example.jp", grants: [(feed, true, false)])
        let outsider = try await hub.member("Org C", email: "c@c.example.jp")
        return TAXIIFixture(hub: hub, feed: feed, secret: secret, writer: writer, reader: reader, outsider: outsider)
    }

    /// Runs `body` against a live server; `maxContentLength` is lowered for 413 tests.
    func withServer(maxContentLength: Int = 1 << 20, maxPageSize: Int = 10_000,
                    _ body: @escaping @Sendable (any TestClientProtocol) async throws -> Void) async throws {
        let app = HubApplication.make(store: hub.store,
                                      taxii: TAXIIConfiguration(maxContentLength: maxContentLength, maxPageSize: maxPageSize),
                                      anonymization: anonymization, port: 0)
        try await app.test(.live) { client in try await body(client) }
    }

    var objectsPath: String { "/hub/collections/\(feed.id)/objects/" }

    /// Posts objects as the writer and releases the submission (attributed) to all members, so the
    /// reader sees them; returns the status resource.
    func postReleased(_ client: any TestClientProtocol, _ objects: [String]) async throws -> TestResponse {
        let response = try await client.execute(uri: objectsPath, method: .post, headers: writer.posting,
                                                body: envelope(objects))
        let id = try #require(response.json["id"] as? String)
        _ = try await desk.release(submissionID: id, scope: ReleaseScope(allMembers: true), anonymize: false,
                                   by: writer.principal)
        return response
    }

    var desk: ConsentDesk {
        ConsentDesk(store: hub.store, policy: PolicyEngine(store: hub.store), anonymization: anonymization)
    }

    var anonymization: AnonymizationSettings {
        AnonymizationSettings(hubIdentityID: "identity--00000000-0000-4000-8000-00000000aaaa",
                              idKey: Array("kakehashi-test-anonymization-key".utf8))
    }
}

extension TestHub.Member {
    var bearer: HTTPFields { [.authorization: "Bearer \(token)", .accept: "application/taxii+json;version=2.1"] }
    var basic: HTTPFields {
        let encoded = Data("\(email):\(password)".utf8).base64EncodedString()
        return [.authorization: "Basic \(encoded)", .accept: "application/taxii+json;version=2.1"]
    }
    var posting: HTTPFields {
        var headers = bearer
        headers[.contentType] = "application/taxii+json;version=2.1"
        return headers
    }
}

extension TestResponse {
    var json: [String: Any] {
        (try? JSONSerialization.jsonObject(with: Data(buffer: body))) as? [String: Any] ?? [:]
    }
    var text: String { String(buffer: body) }
}

func envelope(_ objects: [String]) -> ByteBuffer {
    ByteBuffer(string: "{\"objects\":[" + objects.joined(separator: ",") + "]}")
}

/// A valid indicator, with Japanese text and a custom property, in the exact text a client sends.
func indicatorJSON(_ n: Int, modified: String = "2025-06-01T00:00:00.000Z", type: String = "indicator") -> String {
    let id = String(format: "%@--00000000-0000-4000-8000-%012d", type, n)
    return """
    {"type":"\(type)","spec_version":"2.1","id":"\(id)","created":"2025-06-01T00:00:00.000Z",\
    "modified":"\(modified)","name":"不審な通信先 \(n)","description":"標的型攻撃メールで観測","indicator_types":["malicious-activity"],\
    "pattern":"[ipv4-addr:value = '198.51.100.\(n % 250)']","pattern_type":"stix",\
    "valid_from":"2025-06-01T00:00:00Z","x_kakehashi_source":"テスト"}
    """
}

func jsonEqual(_ a: Any, _ b: Any) -> Bool {
    NSDictionary(dictionary: ["v": a]).isEqual(to: ["v": b])
}
