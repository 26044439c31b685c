// Bad input to TAXII: each gets a TAXII error with a 4xx status, changes nothing, and leaves the
// server answering.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("TAXII bad input")
struct TAXIIBadInputTests {
    @Test("media types: 406 for an unacceptable Accept, 415 for a wrong Content-Type")
    func mediaTypes() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            var headers = f.reader.bearer
            for accept in ["application/json", "application/taxii+json;version=2.0", "text/html"] {
                headers[.accept] = accept
                let response = try await client.execute(uri: "/hub/collections/", method: .get, headers: headers)
                #expect(response.status == .notAcceptable, "\(accept)")
                #expect(response.json["http_status"] as? String == "406")
            }
            for accept in ["application/taxii+json", "application/taxii+json; version=2.1", "*/*",
                           "text/html, application/taxii+json;version=2.1;q=0.5"] {
                headers[.accept] = accept
                let response = try await client.execute(uri: "/hub/collections/", method: .get, headers: headers)
                #expect(response.status == .ok, "\(accept)")
            }
            var post = f.writer.posting
            post[.contentType] = "application/json"
            let wrongType = try await client.execute(uri: f.objectsPath, method: .post, headers: post,
                                                     body: envelope([indicatorJSON(1)]))
            #expect(wrongType.status == .unsupportedMediaType)
            #expect(try await f.hub.store.objectCount(feedID: f.feed.id) == 0)
        }
    }

    @Test("malformed bodies get 400/413 and store nothing")
    func malformedBodies() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer(maxContentLength: 64 * 1024) { client in
            var bodies: [(String, ByteBuffer, HTTPResponse.Status)] = [
                ("not JSON", ByteBuffer(string: "{\"objects\": [ {"), .badRequest),
                ("array at top", ByteBuffer(string: "[]"), .badRequest),
                ("objects not a list", ByteBuffer(string: "{\"objects\": 5}"), .badRequest),
                ("trailing garbage", ByteBuffer(string: "{\"objects\": []} x"), .badRequest),
                ("empty", ByteBuffer(), .badRequest),
                ("too large", ByteBuffer(string: "{\"objects\":[\"" + String(repeating: "a", count: 70_000) + "\"]}"),
                 .contentTooLarge),
            ]
            var invalidUTF8 = ByteBuffer(string: "{\"objects\":[{\"type\":\"indicator\",\"name\":\"")
            invalidUTF8.writeBytes([0xFF, 0xFE, 0xC3])
            invalidUTF8.writeString("\"}]}")
            bodies.append(("invalid UTF-8", invalidUTF8, .badRequest))
            let deep = String(repeating: "[", count: 30_000) + String(repeating: "]", count: 30_000)
            bodies.append(("deep nesting", ByteBuffer(string: "{\"objects\":[" + deep + "]}"), .badRequest))

            for (name, body, status) in bodies {
                let response = try await client.execute(uri: f.objectsPath, method: .post, headers: f.writer.posting, body: body)
                #expect(response.status == status, "\(name): \(response.text.prefix(200))")
                #expect(response.json["title"] != nil, "\(name) has a TAXII error body")
            }
            #expect(try await f.hub.store.objectCount(feedID: f.feed.id) == 0)
            // Still answering.
            let alive = try await client.execute(uri: "/hub/", method: .get, headers: f.reader.bearer)
            #expect(alive.status == .ok)
        }
    }

    @Test("a body that turns out malformed after hundreds of valid objects stores none of them")
    func malformedAfterValidObjects() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            // The first objects are scanned, checked and handed to the store's writer before the
            // scanner reaches the fault at the end: the writer must roll all of them back.
            let valid = (1...300).map { indicatorJSON($0) }
            let complete = String(buffer: envelope(valid))
            var invalidUTF8 = ByteBuffer(string: String(complete.dropLast()) + ",\"x\":\"")
            invalidUTF8.writeBytes([0xFF, 0xFE])
            invalidUTF8.writeString("\"}")
            let faults: [(String, ByteBuffer)] = [
                ("truncated", ByteBuffer(string: String(complete.dropLast(3)))),
                ("trailing garbage", ByteBuffer(string: complete + " x")),
                ("duplicate member after objects", ByteBuffer(string: String(complete.dropLast()) + ",\"more\":false,\"more\":true}")),
                ("invalid UTF-8 at the end", invalidUTF8),
            ]
            for (name, body) in faults {
                let response = try await client.execute(uri: f.objectsPath, method: .post, headers: f.writer.posting, body: body)
                #expect(response.status == .badRequest, "\(name): \(response.text.prefix(200))")
                #expect(try await f.hub.store.objectCount(feedID: f.feed.id) == 0, "\(name)")
            }
            // The writer is free again: the complete envelope is stored whole.
            let accepted = try await client.execute(uri: f.objectsPath, method: .post, headers: f.writer.posting,
                                                    body: ByteBuffer(string: complete))
            #expect(accepted.status == .accepted)
            #expect(accepted.json["success_count"] as? Int == 300)
            #expect(try await f.hub.store.objectCount(feedID: f.feed.id) == 300)
        }
    }

    @Test("bad query parameters are 400 with a reason, never 500")
    func badQueries() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            for query in ["?limit=0", "?limit=-1", "?limit=abc", "?limit=99999999999999999999", "?next=garbage",
                          "?next=p", "?added_after=yesterday", "?added_after=2025-13-01T00:00:00Z",
                          "?match[version]=newest", "?match[type]=Indicator", "?match[id]=not-an-id",
                          "?match[spec_version]=3.0", "?unknown=1", "?limit=1&limit=2", "?match[type]=%ZZ"] {
                let response = try await client.execute(uri: f.objectsPath + query, method: .get, headers: f.reader.bearer)
                #expect(response.status == .badRequest, "\(query)")
                #expect((response.json["description"] as? String)?.isEmpty == false, "\(query)")
            }
            let unknownPath = try await client.execute(uri: "/hub/nothing-here/", method: .get, headers: f.reader.bearer)
            #expect(unknownPath.status == .notFound)
            #expect(unknownPath.json["http_status"] as? String == "404")
            let badObjectID = try await client.execute(uri: f.objectsPath + "not-an-id/", method: .get, headers: f.reader.bearer)
            #expect(badObjectID.status == .notFound)
            let limitCapped = try await client.execute(uri: f.objectsPath + "?limit=1000000", method: .get, headers: f.reader.bearer)
            #expect(limitCapped.status == .ok)
        }
    }
}
