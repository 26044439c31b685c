// Metrics of a hub on PostgreSQL (issue 13): the database pool (reads and transactions, the wait for
// a connection, connections in use and waited for), the write queue and the waits for the append and
// audit locks appear in the hub's `/metrics`, beside the request metrics, with counts that moved
// with the requests made. Runs when KAKEHASHI_TEST_POSTGRES_URL names a test server.
import Accounts
import Anonymization
import Foundation
import HTTPTypes
import Hummingbird
import HummingbirdTesting
import HubServer
import PostgresStorage
import Storage
import Testing

@Suite("Operations endpoints on PostgreSQL",
       .enabled(if: ProcessInfo.processInfo.environment["KAKEHASHI_TEST_POSTGRES_URL"]?.isEmpty == false))
struct PostgresMetricsTests {
    @Test("/metrics carries the PostgreSQL pool's, the write queue's and the append lock's figures")
    func databaseMetrics() async throws {
        let environment = ProcessInfo.processInfo.environment
        let server = try PostgresLocation(url: try #require(environment["KAKEHASHI_TEST_POSTGRES_URL"]), environment: environment)
        let name = "kakehashi_test_\(UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: ""))"
        try await PostgresHubStore.createDatabase(name, at: server)
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-metrics-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // The hub's registry, given to the store (as `kakehashi serve` gives it through the global system).
        let metrics = HubMetrics()
        let store = try await PostgresHubStore.connect(to: server.database(name), auditKey: directory.appendingPathComponent("audit.key"),
                                                       auditHead: directory.appendingPathComponent("audit.head"),
                                                       metricsFactory: metrics.factory)
        _ = try await store.createOrganization(Organization(name: "Kakehashi Hub", sector: "hub", country: "JP"))
        let accounts = AccountAdministration(store: store, bcryptCost: 4)
        let feed = try await store.createFeed(Feed(name: "Default", title: "既定フィード"))
        _ = try await accounts.addUser(organization: "Kakehashi Hub", email: "ops@hub.example.jp", role: .hubAdmin, password: nil)
        let staff = try await accounts.issueToken(email: "ops@hub.example.jp", label: "test")
        let writerOrg = try await accounts.addOrganization(name: "Org A", sector: "電力", size: "large")
        _ = try await accounts.addUser(organization: writerOrg.name, email: "a@a.example.jp", role: .member, password: nil)
        try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: writerOrg.id, canRead: true, canWrite: true))
        let writer = try await accounts.issueToken(email: "a@a.example.jp", label: "test")

        let settings = AnonymizationSettings(hubIdentityID: "identity--00000000-0000-4000-8000-00000000aaaa",
                                             idKey: Array("kakehashi-test-anonymization-key".utf8))
        let app = HubApplication.make(store: store, anonymization: settings, port: 0, metrics: metrics)
        let taxii = "application/taxii+json;version=2.1"
        try await app.test(.live) { client in
            for n in 0..<3 {
                let posted = try await client.execute(
                    uri: "/hub/collections/\(feed.id)/objects/", method: .post,
                    headers: [.authorization: "Bearer \(writer)", .contentType: taxii, .accept: taxii],
                    body: envelope([indicatorJSON(n)]))
                #expect(posted.status == .accepted)
            }
            let page = try await client.execute(uri: "/hub/collections/\(feed.id)/objects/", method: .get,
                                                headers: [.authorization: "Bearer \(writer)", .accept: taxii])
            #expect(page.status == .ok)

            let response = try await client.execute(uri: "/metrics", method: .get, headers: [.authorization: "Bearer \(staff)"])
            #expect(response.status == .ok)
            let text = String(buffer: response.body)
            for name in ["kakehashi_db_read_duration_seconds_bucket", "kakehashi_db_write_duration_seconds_bucket",
                         "kakehashi_db_write_queue_depth", "kakehashi_db_connection_wait_seconds_bucket",
                         "kakehashi_db_connections_waiting", "kakehashi_db_connections_in_use",
                         "kakehashi_db_lock_wait_seconds_bucket", "kakehashi_db_lock_waiting", "kakehashi_http_requests_total"] {
                #expect(text.contains(name), "\(name) missing from /metrics")
            }
            // Three posts: at least three transactions that took the append lock, and reads.
            #expect((OperationsTests.sample(text, "kakehashi_db_lock_wait_seconds_count", ["lock=\"append\""]) ?? 0) >= 3)
            #expect((OperationsTests.sample(text, "kakehashi_db_lock_wait_seconds_count", ["lock=\"audit\""]) ?? 0) >= 3)
            #expect((OperationsTests.sample(text, "kakehashi_db_write_duration_seconds_count", []) ?? 0) >= 3)
            #expect((OperationsTests.sample(text, "kakehashi_db_read_duration_seconds_count", []) ?? 0) >= 1)
            #expect((OperationsTests.sample(text, "kakehashi_db_connection_wait_seconds_count", []) ?? 0) >= 4)
            // The database's name and location are no label.
            #expect(!text.contains(name))
            #expect(!text.contains("127.0.0.1"))
        }
        await store.close()
    }
}
