// TAXII authentication and rights: Basic and Bearer alike; no or wrong credentials get 401 and no
// data; missing rights get 403/404 and no data.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("TAXII access")
struct TAXIIAccessTests {
    @Test("Basic with a password, Basic with a token and Bearer are all accepted")
    func schemes() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            for headers in [f.reader.basic, f.reader.bearer] {
                let response = try await client.execute(uri: "/hub/collections/", method: .get, headers: headers)
                #expect(response.status == .ok)
            }
            let tokenAsPassword = Data("\(f.reader.email):\(f.reader.token)".utf8).base64EncodedString()
            let viaToken = try await client.execute(uri: "/hub/collections/", method: .get,
                                                    headers: [.authorization: "Basic \(tokenAsPassword)"])
            #expect(viaToken.status == .ok)
        }
    }

    @Test("no credentials, wrong password, unknown token, foreign scheme: 401 and no data")
    func rejected() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        _ = try await f.hub.store.append([], to: f.feed.id, recording: .init(feedID: f.feed.id, organizationID: "x",
                                                                               userID: nil, requestTimestamp: "t"))
        try await f.withServer { client in
            let wrong = Data("\(f.reader.email):not-the-password".utf8).base64EncodedString()
            let otherUsersToken = Data("\(f.writer.email):\(f.reader.token)".utf8).base64EncodedString()
            let attempts: [HTTPFields] = [
                [:],
                [.authorization: "Basic \(wrong)"],
                [.authorization: "Basic \(otherUsersToken)"],
                [.authorization: "Bearer kh_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"],
                [.authorization: "Digest username=\"x\""],
                [.authorization: "Basic !!!not-base64"],
            ]
            for headers in attempts {
                for uri in ["/taxii2/", "/hub/collections/", f.objectsPath] {
                    let response = try await client.execute(uri: uri, method: .get, headers: headers)
                    #expect(response.status == .unauthorized, "\(uri) \(headers)")
                    #expect(response.headers[.wwwAuthenticate]?.contains("Basic") == true)
                    #expect(response.json["http_status"] as? String == "401")
                    #expect(response.json["objects"] == nil && response.json["collections"] == nil)
                }
            }
        }
    }

    @Test("members without rights see no collection and no object; readers cannot write")
    func rights() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            _ = try await f.postReleased(client, [indicatorJSON(1)])
            let id = "indicator--00000000-0000-4000-8000-000000000001"
            for uri in [f.objectsPath, f.objectsPath + "\(id)/", f.objectsPath + "\(id)/versions/",
                        "/hub/collections/\(f.feed.id)/manifest/", "/hub/collections/\(f.feed.id)/"] {
                let response = try await client.execute(uri: uri, method: .get, headers: f.outsider.bearer)
                #expect(response.status == .notFound, "\(uri)")
                #expect(!response.text.contains(id))
            }
            let list = try await client.execute(uri: "/hub/collections/", method: .get, headers: f.outsider.bearer)
            #expect((list.json["collections"] as? [Any])?.isEmpty == true)

            var readerPost = f.reader.posting
            readerPost[.accept] = "application/taxii+json;version=2.1"
            let post = try await client.execute(uri: f.objectsPath, method: .post, headers: readerPost,
                                                body: envelope([indicatorJSON(2)]))
            #expect(post.status == .forbidden)
            let outsiderPost = try await client.execute(uri: f.objectsPath, method: .post, headers: f.outsider.posting,
                                                        body: envelope([indicatorJSON(3)]))
            #expect(outsiderPost.status == .notFound)
            #expect(try await f.hub.store.objectCount(feedID: f.feed.id) == 1)
        }
    }
}
