// SharingMetrics on a hand-built hub (TestHub: SQLite, or PostgreSQL with KAKEHASHI_TEST_BACKEND=postgres):
// coverage from the organisations' real reports through the intake, lead time from a real release
// read through the policy engine and recorded by the delivery ledger, daily counts with countries,
// and what a member, a read-only user and a client may see of other organisations.
import Accounts
import Anonymization
import Consent
import Foundation
import HubTesting
import Ingestion
@testable import SharingMetrics
import SharingPolicy
import STIX
import Storage
import Testing

@Suite("sharing metrics on a hub")
struct SharingMetricsHubTests {
    static let anonymization = AnonymizationSettings(hubIdentityID: "identity--00000000-0000-4000-8000-00000000aaaa",
                                                     idKey: Array("kakehashi-sharing-metrics-test-key".utf8))

    /// Org A and B (電力), C (ガス), D (化学) on feed C2; A reports three values, B two of them, C one;
    /// A releases its submission to D, D reads it, and an hour later D reports one of its values itself.
    struct World {
        let hub: TestHub
        let feed: Feed
        let members: [String: Principal]
        let intake: EnvelopeIntake
        let policy: PolicyEngine
        let desk: ConsentDesk

        static func make() async throws -> World {
            let hub = try await TestHub.make()
            let feed = try await hub.feed("C2")
            var members: [String: Principal] = [:]
            for (key, sector) in [("A", "電力"), ("B", "電力"), ("C", "ガス"), ("D", "化学")] {
                _ = try await hub.accounts.addOrganization(name: "Org \(key)", sector: sector, size: "large")
                members[key] = try await hub.member("Org \(key)", email: "soc@org-\(key.lowercased()).example.jp",
                                                    grants: [(feed, true, true)]).principal
            }
            let policy = PolicyEngine(store: hub.store)
            let corroboration = Corroboration(store: hub.store, hubIdentityID: anonymization.hubIdentityID,
                                              rule: CorroborationRule(organizations: 5, sectors: 2))
            let desk = ConsentDesk(store: hub.store, policy: policy, anonymization: anonymization)
            return World(hub: hub, feed: feed, members: members,
                         intake: EnvelopeIntake(store: hub.store, policy: policy, desk: desk, corroboration: corroboration),
                         policy: policy, desk: desk)
        }

        @discardableResult
        func report(_ member: String, _ values: [(String, String)], at time: Date? = nil,
                    name: String = "C2 server") async throws -> Submission {
            let objects = values.map { type, value in
                """
                {"type":"indicator","spec_version":"2.1","id":"indicator--\(UUID().uuidString.lowercased())",\
                "created":"2026-11-01T09:00:00.000Z","modified":"2026-11-01T09:00:00.000Z","name":"\(name)",\
                "object_marking_refs":["marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"],\
                "pattern":"[\(type):value = '\(value)']","pattern_type":"stix","valid_from":"2026-11-01T09:00:00.000Z"}
                """
            }.joined(separator: ",")
            let submission = try await intake.submit(envelope: Array("{\"objects\":[\(objects)]}".utf8), to: feed,
                                                     by: members[member]!,
                                                     requestTimestamp: time.map { STIXTimestamp(microsecondsSinceEpoch: Int64($0.timeIntervalSince1970 * 1_000_000)).text })
            #expect(submission.failures.isEmpty, "\(submission.failures)")
            return submission
        }

        /// The standard scene; returns when D read A's release.
        static func scene() async throws -> World {
            let world = try await make()
            let first = try await world.report("A", [("ipv4-addr", "192.0.2.10"), ("domain-name", "c2.shared.example"),
                                                     ("ipv4-addr", "203.0.113.5")])
            try await world.report("B", [("ipv4-addr", "192.0.2.10"), ("domain-name", "c2.shared.example")])
            try await world.report("C", [("ipv4-addr", "192.0.2.10"), ("url", "http://only-c.example/p")])
            _ = try await world.desk.release(submissionID: first.id, scope: ReleaseScope(organizations: ["Org D"]),
                                             anonymize: false, by: world.members["A"]!)
            let ledger = DeliveryLedger(store: world.hub.store)
            let reader = try #require(try await world.policy.reader(for: world.members["D"]!, feed: world.feed,
                                                                    purpose: .taxii, ledger: ledger))
            let read = try await reader.all(ObjectQuery(feedID: world.feed.id))
            #expect(read.count >= 3)
            await ledger.flush()
            // An hour later D reports one of them itself, and one nobody gave it.
            try await world.report("D", [("ipv4-addr", "203.0.113.5"), ("ipv4-addr", "198.51.100.9")],
                                   at: Date().addingTimeInterval(3600))
            return world
        }
    }

    static func countries() throws -> CountryTable {
        try CountryTable.load(directory: CountryTableTests.fixtures)
    }

    @Test("hub staff see the overlap matrix with names and by sector")
    func coverageForStaff() async throws {
        let world = try await World.scene()
        defer { world.hub.remove() }
        let metrics = SharingMetrics(store: world.hub.store, policy: world.policy)
        let report = try await metrics.coverage(for: .hubStaff)
        #expect(report.named)
        let a = try #require(report.rows.first { $0.organization == "Org A" })
        #expect(a.indicators == 3 && a.heldByOthers == 3)
        #expect(a.overlap.first { $0.organization == "Org B" }?.shared == 2)
        #expect(a.overlap.first { $0.organization == "Org C" }?.shared == 1)
        #expect(a.overlap.first { $0.organization == "Org D" }?.shared == 1)
        #expect(abs((a.overlap.first { $0.organization == "Org B" }?.share ?? 0) - 2.0 / 3.0) < 1e-9)
        #expect(a.bySector.first { $0.sector == "電力" }?.shared == 2)
        let c = try #require(report.rows.first { $0.organization == "Org C" })
        #expect(c.indicators == 2 && c.heldByOthers == 1)
        // The matrix: row A, column B.
        let json = report.jsonText
        #expect(json.contains("\"matrix\""))
        // Sector filter: only 電力 rows.
        let power = try await metrics.coverage(for: .hubStaff, filter: MetricsFilter(sector: "電力"))
        #expect(Set(power.rows.map(\.organization)) == ["Org A", "Org B"])
        #expect(power.csv.hasPrefix("organization,sector,indicators,other_organization,other_sector,shared,share\r\n"))
    }

    @Test("a member sees only its own row, others as pseudonyms, and only overlaps the hub delivered to it")
    func coverageForMembers() async throws {
        let world = try await World.scene()
        defer { world.hub.remove() }
        let metrics = SharingMetrics(store: world.hub.store, policy: world.policy)
        // C holds 192.0.2.10 like A and B, but nobody gave it to C: no overlap shows (no probing).
        let c = try await metrics.coverage(for: MetricsViewer(world.members["C"]!), principal: world.members["C"]!)
        #expect(!c.named && c.rows.count == 1)
        #expect(c.rows[0].organization == "Org C" && c.rows[0].indicators == 2 && c.rows[0].heldByOthers == 0)
        #expect(c.rows[0].overlap.isEmpty)
        // D received 203.0.113.5 from A's release: that overlap shows, with A as a pseudonym.
        let d = try await metrics.coverage(for: MetricsViewer(world.members["D"]!), principal: world.members["D"]!)
        #expect(d.rows.count == 1 && d.rows[0].heldByOthers == 1)
        #expect(d.rows[0].overlap.map(\.organization) == ["peer-1"])
        for text in [c.jsonText, c.csv, d.jsonText, d.csv] {
            for secret in ["Org A", "Org B", "192.0.2.10", "c2.shared.example", "電力"] {
                #expect(!text.contains(secret), "\(secret) leaked: \(text)")
            }
        }
        // A read-only user of C sees what C's members see.
        let readOnly = try await world.hub.member("Org C", email: "ro@org-c.example.jp", role: .readOnly).principal
        let viaReadOnly = try await metrics.coverage(for: MetricsViewer(readOnly), principal: readOnly)
        #expect(viaReadOnly.rows.map(\.organization) == ["Org C"] && viaReadOnly.rows[0].heldByOthers == 0)
        // A client organisation of A sees only itself (nothing: it reported nothing).
        let client = try await world.hub.accounts.addOrganization(name: "Client E", sector: "電力", size: "small")
        try await world.hub.store.addClient(client.id, ofOrganization: world.members["A"]!.organization.id)
        let clientUser = try await world.hub.member("Client E", email: "soc@client-e.example.jp").principal
        let viaClient = try await metrics.coverage(for: MetricsViewer(clientUser), principal: clientUser)
        #expect(viaClient.rows.map(\.organization) == ["Client E"] && viaClient.rows[0].indicators == 0)
        #expect(!viaClient.jsonText.contains("Org A"))
    }

    @Test("lead time: D held A's value an hour after the hub delivered it; C's own values have none")
    func leadTime() async throws {
        let world = try await World.scene()
        defer { world.hub.remove() }
        let metrics = SharingMetrics(store: world.hub.store, policy: world.policy)
        let report = try await metrics.leadTime(for: .hubStaff)
        #expect(report.entries.count == 1)
        let entry = try #require(report.entries.first)
        #expect(entry.organization == "Org D" && entry.observable == "ipv4-addr:203.0.113.5" && entry.how == "submitted")
        #expect(entry.seconds > 3500 && entry.seconds < 3700, "\(entry.seconds)")
        let d = try #require(report.organizations.first { $0.organization == "Org D" })
        #expect(d.indicators == 2 && d.seconds.count == 1)
        #expect(d.histogram.first { $0.label == "1h-1d" }?.count == 1 || d.histogram.first { $0.label == "<1h" }?.count == 1)
        #expect(report.overall.quantile(0.5) == entry.seconds)
        // D sees its own; C sees nothing of D's.
        let asD = try await metrics.leadTime(for: MetricsViewer(world.members["D"]!), principal: world.members["D"]!)
        #expect(asD.entries.map(\.observable) == ["ipv4-addr:203.0.113.5"])
        let asC = try await metrics.leadTime(for: MetricsViewer(world.members["C"]!), principal: world.members["C"]!)
        #expect(asC.entries.isEmpty && !asC.jsonText.contains("Org D") && !asC.jsonText.contains("203.0.113.5"))
        // The window selects by when the organisation held it.
        let before = try await metrics.leadTime(for: .hubStaff, filter: MetricsFilter(to: Date().addingTimeInterval(600)))
        #expect(before.entries.isEmpty)
    }

    @Test("a sightings source plugs in: the earliest way the organisation held a value counts")
    func sightingsSource() async throws {
        struct Sighted: OwnHoldingSource {
            let holding: OwnHolding
            func ownHoldings(organizationID: String?) async throws -> [OwnHolding] {
                organizationID == nil || organizationID == holding.organizationID ? [holding] : []
            }
        }
        let world = try await World.scene()
        defer { world.hub.remove() }
        let d = world.members["D"]!.organization.id
        let sighting = OwnHolding(organizationID: d, observable: "ipv4-addr:203.0.113.5",
                                  heldAt: Date().addingTimeInterval(1200), feedID: nil, how: "sighted")
        let metrics = SharingMetrics(store: world.hub.store, policy: world.policy,
                                     heldItself: [SubmittedHoldings(store: world.hub.store), Sighted(holding: sighting)])
        let report = try await metrics.leadTime(for: .hubStaff)
        let entry = try #require(report.entries.first)
        #expect(entry.how == "sighted" && entry.seconds > 1100 && entry.seconds < 1300)
    }

    @Test("daily counts of new indicators by class, feed, sector and country")
    func daily() async throws {
        let world = try await World.scene()
        defer { world.hub.remove() }
        let metrics = SharingMetrics(store: world.hub.store, policy: world.policy, countries: try Self.countries())
        let report = try await metrics.daily(for: .hubStaff)
        let total = report.rows.reduce(0) { $0 + $1.count }
        // New in C2: 192.0.2.10, c2.shared.example, 203.0.113.5 (A), http://only-c.example/p (C), 198.51.100.9 (D).
        #expect(total == 5, "\(report.rows)")
        #expect(report.rows.allSatisfy { $0.indicatorClass == .c2 && $0.feed == "C2" })
        #expect(report.rows.contains { $0.country == "JP" && $0.sector == "電力" && $0.count == 1 })
        #expect(report.rows.contains { $0.country == "NL" && $0.sector == "電力" })
        #expect(report.rows.contains { $0.country == "US" && $0.sector == "化学" })
        #expect(report.rows.contains { $0.country == "" && $0.sector == "電力" && $0.count == 1 })  // the domain
        #expect(report.csv.hasPrefix("day,class,feed,sector,country,count\r\n"))
        // A member counts only its own: D's first reports of its values (203.0.113.5 is new to D's view).
        let asD = try await metrics.daily(for: MetricsViewer(world.members["D"]!), principal: world.members["D"]!)
        #expect(asD.rows.reduce(0) { $0 + $1.count } == 2 && asD.rows.allSatisfy { $0.sector == "化学" })
        // A feed a member cannot see is answered as one that does not exist; hub staff may name it.
        _ = try await world.hub.feed("SECRET")
        await #expect(throws: MetricsError.unknownFeed("SECRET")) {
            try await metrics.coverage(for: MetricsViewer(world.members["D"]!), filter: MetricsFilter(feedName: "SECRET"),
                                       principal: world.members["D"]!)
        }
        #expect(try await metrics.coverage(for: .hubStaff, filter: MetricsFilter(feedName: "SECRET")).rows.isEmpty)
        // An unknown feed, and a bad date, are clear errors.
        await #expect(throws: MetricsError.unknownFeed("NOPE")) {
            try await metrics.daily(for: .hubStaff, filter: MetricsFilter(feedName: "NOPE"))
        }
        #expect(throws: MetricsError.self) { try MetricsFilter.parse(feed: nil, sector: nil, from: "yesterday", to: nil) }
    }
}
