// TAXII 2.1 endpoints end to end over HTTP: discovery, API root, collections, objects, object,
// manifest, versions, status, with their filters, paging and headers.
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import Testing

@Suite("TAXII endpoints")
struct TAXIIEndpointTests {
    @Test("discovery, API root and collections describe the hub as each member may see it")
    func serverInformation() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            let discovery = try await client.execute(uri: "/taxii2/", method: .get, headers: f.reader.bearer)
            #expect(discovery.status == .ok)
            #expect(discovery.headers[.contentType] == "application/taxii+json;version=2.1")
            let roots = discovery.json["api_roots"] as? [String] ?? []
            #expect(roots.count == 1 && roots[0].hasSuffix("/hub/"))

            let root = try await client.execute(uri: "/hub/", method: .get, headers: f.reader.bearer)
            #expect(root.json["versions"] as? [String] == ["application/taxii+json;version=2.1"])
            #expect(root.json["max_content_length"] as? Int == 1 << 20)

            let collections = try await client.execute(uri: "/hub/collections/", method: .get, headers: f.reader.bearer)
            let list = collections.json["collections"] as? [[String: Any]] ?? []
            #expect(list.count == 1)
            #expect(list.first?["id"] as? String == f.feed.id)
            #expect(list.first?["title"] as? String == "既定フィード")
            #expect(list.first?["can_read"] as? Bool == true && list.first?["can_write"] as? Bool == false)
            #expect(list.first?["media_types"] as? [String] == ["application/stix+json;version=2.1"])

            let one = try await client.execute(uri: "/hub/collections/\(f.feed.id)/", method: .get, headers: f.writer.bearer)
            #expect(one.json["can_write"] as? Bool == true)
            let hidden = try await client.execute(uri: "/hub/collections/\(f.secret.id)/", method: .get, headers: f.writer.bearer)
            #expect(hidden.status == .notFound)
            #expect(hidden.json["http_status"] as? String == "404")
        }
    }

    @Test("POST stores valid objects, reports invalid ones, and GET returns the submitted JSON unchanged")
    func postAndGet() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            let good = (1...3).map { indicatorJSON($0) }
            let bad = #"{"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-000000000099","created":"2025-06-01T00:00:00.000Z","modified":"2025-06-01T00:00:00.000Z","pattern":"[ipv4-addr:value = ","pattern_type":"stix","valid_from":"2025-06-01T00:00:00Z"}"#
            let posted = try await f.postReleased(client, good + [bad])
            #expect(posted.status == .accepted)
            let status = posted.json
            #expect(status["status"] as? String == "complete")
            #expect(status["total_count"] as? Int == 4)
            #expect(status["success_count"] as? Int == 3)
            #expect(status["failure_count"] as? Int == 1)
            let failure = (status["failures"] as? [[String: Any]])?.first
            #expect(failure?["id"] as? String == "indicator--00000000-0000-4000-8000-000000000099")
            #expect((failure?["message"] as? String)?.contains("pattern") == true)

            // The status resource is durable and readable by the submitter, not by others.
            let statusID = try #require(status["id"] as? String)
            let again = try await client.execute(uri: "/hub/status/\(statusID)/", method: .get, headers: f.writer.bearer)
            #expect(again.json["success_count"] as? Int == 3)
            let foreign = try await client.execute(uri: "/hub/status/\(statusID)/", method: .get, headers: f.reader.bearer)
            #expect(foreign.status == .notFound)

            let got = try await client.execute(uri: f.objectsPath, method: .get, headers: f.reader.bearer)
            #expect(got.status == .ok)
            #expect(got.headers[.contentType] == "application/taxii+json;version=2.1")
            // The bytes of each object are exactly those submitted.
            #expect(got.text == "{\"more\":false,\"objects\":[" + good.joined(separator: ",") + "]}")
            let objects = got.json["objects"] as? [[String: Any]] ?? []
            #expect(objects.first?["x_kakehashi_source"] as? String == "テスト")
            #expect(got.headers[HTTPField.Name("X-TAXII-Date-Added-First")!] != nil)
            #expect(got.headers[HTTPField.Name("X-TAXII-Date-Added-Last")!] != nil)

            // Posting the same versions again stores nothing new.
            let repeatPost = try await client.execute(uri: f.objectsPath, method: .post, headers: f.writer.posting,
                                                      body: envelope(good))
            #expect(repeatPost.json["success_count"] as? Int == 3)
            let count = try await f.hub.store.objectCount(feedID: f.feed.id)
            #expect(count == 3)
        }
    }

    @Test("a 150-object envelope with invalid objects scattered: each reported in order, the valid ones stored in order")
    func largeMixedEnvelope() async throws {
        // Big enough to be checked in batches, and each batch in parts on several cores.
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            let numbers = Array(1...150)
            let invalid = Set(numbers.filter { $0 % 7 == 3 })
            let objects = numbers.map { n in
                invalid.contains(n) ? indicatorJSON(n).replacingOccurrences(of: "' ]", with: "").replacingOccurrences(of: "']", with: "")
                                    : indicatorJSON(n)
            }
            let posted = try await f.postReleased(client, objects)
            #expect(posted.status == .accepted)
            let id = { (n: Int) in String(format: "indicator--00000000-0000-4000-8000-%012d", n) }
            let successes = (posted.json["successes"] as? [[String: Any]] ?? []).compactMap { $0["id"] as? String }
            let failures = posted.json["failures"] as? [[String: Any]] ?? []
            #expect(successes == numbers.filter { !invalid.contains($0) }.map(id))
            #expect(failures.compactMap { $0["id"] as? String } == numbers.filter(invalid.contains).map(id))
            #expect(failures.allSatisfy { ($0["message"] as? String)?.contains("pattern") == true })

            let got = try await client.execute(uri: f.objectsPath, method: .get, headers: f.reader.bearer)
            let stored = objects.enumerated().filter { !invalid.contains($0.offset + 1) }.map(\.element)
            #expect(got.text == "{\"more\":false,\"objects\":[" + stored.joined(separator: ",") + "]}")
        }
    }

    @Test("limit/next paging returns every object once, with date-added headers per page")
    func paging() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            let all = (1...25).map { indicatorJSON($0) }
            _ = try await f.postReleased(client, all)
            var ids: [String] = []
            var next: String? = nil
            var pages = 0
            repeat {
                let uri = f.objectsPath + "?limit=10" + (next.map { "&next=\($0)" } ?? "")
                let page = try await client.execute(uri: uri, method: .get, headers: f.reader.bearer)
                #expect(page.status == .ok)
                let objects = page.json["objects"] as? [[String: Any]] ?? []
                ids += objects.compactMap { $0["id"] as? String }
                next = page.json["next"] as? String
                #expect((page.json["more"] as? Bool) == (next != nil))
                pages += 1
            } while next != nil && pages < 10
            #expect(pages == 3)
            #expect(ids.count == 25 && Set(ids).count == 25)

            let manifest = try await client.execute(uri: "/hub/collections/\(f.feed.id)/manifest/?limit=5",
                                                    method: .get, headers: f.reader.bearer)
            let records = manifest.json["objects"] as? [[String: Any]] ?? []
            #expect(records.count == 5 && manifest.json["more"] as? Bool == true)
            #expect(records.first?["version"] as? String == "2025-06-01T00:00:00.000Z")
            #expect(records.first?["media_type"] as? String == "application/stix+json;version=2.1")
            let first = manifest.headers[HTTPField.Name("X-TAXII-Date-Added-First")!]
            #expect(first == records.first?["date_added"] as? String)

            // added_after: only what came later.
            let marker = try #require(records.last?["date_added"] as? String)
            let after = try await client.execute(uri: f.objectsPath + "?added_after=\(marker)", method: .get,
                                                 headers: f.reader.bearer)
            #expect((after.json["objects"] as? [Any])?.count == 20)
        }
    }

    @Test("match[id], match[type], match[version], match[spec_version]; object, versions and delete")
    func filtersAndSingleObjects() async throws {
        let f = try await TAXIIFixture.make(); defer { f.hub.remove() }
        try await f.withServer { client in
            let versions = ["2025-06-01T00:00:00.000Z", "2025-07-01T00:00:00.000Z", "2025-08-01T00:00:00.000Z"]
            let objects = versions.map { indicatorJSON(1, modified: $0) } + [indicatorJSON(2)]
                + ["{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"ipv4-addr--00000000-0000-5000-8000-000000000001\",\"value\":\"203.0.113.5\"}"]
            _ = try await f.postReleased(client, objects)
            let id1 = "indicator--00000000-0000-4000-8000-000000000001"

            func count(_ query: String) async throws -> Int {
                let response = try await client.execute(uri: f.objectsPath + query, method: .get, headers: f.reader.bearer)
                #expect(response.status == .ok, "\(query): \(response.text)")
                return (response.json["objects"] as? [Any])?.count ?? 0
            }
            #expect(try await count("") == 3)                      // latest versions only
            #expect(try await count("?match[version]=all") == 5)
            #expect(try await count("?match%5Bversion%5D=first,last") == 4)
            #expect(try await count("?match[version]=2025-07-01T00:00:00.000Z") == 1)
            #expect(try await count("?match[type]=ipv4-addr") == 1)
            #expect(try await count("?match[type]=indicator,ipv4-addr") == 3)
            #expect(try await count("?match[id]=\(id1)&match[version]=all") == 3)
            #expect(try await count("?match[spec_version]=2.0") == 0)
            #expect(try await count("?match[spec_version]=2.1") == 3)

            let single = try await client.execute(uri: f.objectsPath + "\(id1)/", method: .get, headers: f.reader.bearer)
            let singleObjects = single.json["objects"] as? [[String: Any]] ?? []
            #expect(singleObjects.count == 1 && singleObjects[0]["modified"] as? String == versions[2])

            let listed = try await client.execute(uri: f.objectsPath + "\(id1)/versions/", method: .get, headers: f.reader.bearer)
            #expect(listed.json["versions"] as? [String] == versions)

            let missing = try await client.execute(uri: f.objectsPath + "indicator--00000000-0000-4000-8000-000000000777/",
                                                   method: .get, headers: f.reader.bearer)
            #expect(missing.status == .notFound)

            let forbidden = try await client.execute(uri: f.objectsPath + "\(id1)/", method: .delete, headers: f.reader.bearer)
            #expect(forbidden.status == .forbidden)
            let deleted = try await client.execute(uri: f.objectsPath + "\(id1)/?match[version]=2025-08-01T00:00:00.000Z",
                                                   method: .delete, headers: f.writer.bearer)
            #expect(deleted.status == .ok)
            let after = try await client.execute(uri: f.objectsPath + "\(id1)/versions/", method: .get, headers: f.reader.bearer)
            #expect(after.json["versions"] as? [String] == Array(versions.prefix(2)))
            _ = try await client.execute(uri: f.objectsPath + "\(id1)/", method: .delete, headers: f.writer.bearer)
            let gone = try await client.execute(uri: f.objectsPath + "\(id1)/", method: .get, headers: f.reader.bearer)
            #expect(gone.status == .notFound)
        }
    }
}
