// k-corroboration's rules (issue 12 item 1) against the real intake and SQLite store: k organisations
// from enough sectors, independent reports only, held values (RED/AMBER+STRICT markings, registered
// and victim identifiers, members' domains and ranges) never counted, probes recorded, and the
// corroborated indicator carrying the bare observable only.
import Accounts
@testable import Consent
import Foundation
import HubTesting
import Ingestion
import SharingPolicy
import Storage
import STIX
import Testing

private let green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
private let red = "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
private let amberStrict = "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"

@Suite("k-corroboration")
struct CorroborationTests {

    /// A hub with a shared feed and members A–G: A, B, E, F of 電力, C of ガス, D of 化学, G of 石油.
    struct World {
        let hub: TestHub
        let feed: Feed
        let members: [String: Principal]
        let intake: EnvelopeIntake

        static func make(rule: CorroborationRule = .standard, defaultTLP: TLPLevel = .amber) async throws -> World {
            let hub = try await TestHub.make()
            let feed = try await hub.feed("Default")
            var members: [String: Principal] = [:]
            for (key, sector) in [("A", "電力"), ("B", "電力"), ("C", "ガス"), ("D", "化学"), ("E", "電力"), ("F", "電力"),
                                  ("G", "石油")] {
                _ = try await hub.accounts.addOrganization(name: "Org \(key)", sector: sector, size: "large")
                members[key] = try await hub.member("Org \(key)", email: "soc@org-\(key.lowercased()).example.jp",
                                                    grants: [(feed, true, true)]).principal
            }
            let policy = PolicyEngine(store: hub.store, defaultTLP: defaultTLP)
            let corroboration = Corroboration(store: hub.store, hubIdentityID: "identity--5a4f2c29-9a1e-4c55-8d8c-2f0d8c3b9e11",
                                              rule: rule)
            return World(hub: hub, feed: feed, members: members,
                         intake: EnvelopeIntake(store: hub.store, policy: policy, corroboration: corroboration))
        }

        @discardableResult
        func report(_ member: String, _ type: String, _ value: String, marking: String? = green,
                    extra: String = "") async throws -> Submission {
            let markings = marking.map { "\"object_marking_refs\":[\"\($0)\"]," } ?? ""
            let object = """
                {"type":"indicator","spec_version":"2.1","id":"indicator--\(UUID().uuidString.lowercased())",\
                "created":"2026-11-01T09:00:00.000Z","modified":"2026-11-01T09:00:00.000Z",\(markings)\(extra)\
                "pattern":"[\(type):value = '\(value)']","pattern_type":"stix","valid_from":"2026-11-01T09:00:00.000Z"}
                """
            let submission = try await intake.submit(envelope: Array("{\"objects\":[\(object)]}".utf8), to: feed,
                                                     by: members[member]!)
            #expect(submission.failures.isEmpty && submission.successes.count == 1, "\(submission.failures)")
            return submission
        }

        /// A value the same reporters do corroborate: the held ones fail for being held, nothing else.
        func control(_ reporters: [String]) async throws {
            for member in reporters { try await report(member, "ipv4-addr", "45.77.99.1") }
            #expect(try await isCorroborated("ipv4-addr", "45.77.99.1"))
        }

        /// The corroborated indicators stored, by pattern.
        func corroborated() async throws -> [String: [String: Any]] {
            guard let feed = try await hub.store.feed(named: Corroboration.feedName) else { return [:] }
            var found: [String: [String: Any]] = [:]
            let reader = PolicyEngine(store: hub.store).hubReader(feedID: feed.id, purpose: .corroboration)
            for object in try await reader.page(ObjectQuery(feedID: feed.id)).objects {
                let json = try JSONSerialization.jsonObject(with: object.bytes) as! [String: Any]
                found[json["pattern"] as! String] = json
            }
            return found
        }

        func isCorroborated(_ type: String, _ value: String) async throws -> Bool {
            try await corroborated()["[\(type):value = '\(value)']"] != nil
        }
    }

    @Test("three organisations from two sectors corroborate; the indicator is the bare observable")
    func threeFromTwoSectors() async throws {
        let world = try await World.make()
        defer { world.hub.remove() }
        try await world.report("B", "ipv4-addr", "45.77.10.11")
        try await world.report("E", "ipv4-addr", "45.77.10.11")
        #expect(try await !world.isCorroborated("ipv4-addr", "45.77.10.11"))
        try await world.report("C", "ipv4-addr", "45.77.10.11")
        let indicator = try #require(try await world.corroborated()["[ipv4-addr:value = '45.77.10.11']"])
        #expect(Set(indicator.keys) == ["type", "spec_version", "id", "created", "modified", "pattern", "pattern_type",
                                        "valid_from", "created_by_ref", "object_marking_refs"])
    }

    @Test("one sector, or two organisations, do not corroborate")
    func tooFew() async throws {
        let world = try await World.make()
        defer { world.hub.remove() }
        for member in ["A", "B", "E", "F"] { try await world.report(member, "domain-name", "c2.evil-one.net") }
        for member in ["C", "D"] { try await world.report(member, "domain-name", "c2.evil-two.net") }
        #expect(try await world.corroborated().isEmpty)
    }

    @Test("k and the sectors are configurable")
    func configurable() async throws {
        let world = try await World.make(rule: CorroborationRule(organizations: 2, sectors: 1))
        defer { world.hub.remove() }
        try await world.report("B", "ipv4-addr", "45.77.10.12")
        try await world.report("E", "ipv4-addr", "45.77.10.12")
        #expect(try await world.isCorroborated("ipv4-addr", "45.77.10.12"))
        #expect(CorroborationRule(organizations: 1, sectors: 5) == CorroborationRule(organizations: 2, sectors: 2))
    }

    @Test("a value one reporter marked RED or AMBER+STRICT (object or granular) never counts; the others are flagged")
    func heldByMarking() async throws {
        let world = try await World.make()
        defer { world.hub.remove() }
        try await world.report("A", "ipv4-addr", "185.220.101.47", marking: red)
        try await world.report("A", "domain-name", "c2.strict.net", marking: amberStrict)
        try await world.report("A", "url", "http://c2.granular.net/x", marking: green, extra: """
            "granular_markings":[{"marking_ref":"\(red)","selectors":["pattern"]}],
            """)
        for member in ["C", "D", "G", "B"] {
            try await world.report(member, "ipv4-addr", "185.220.101.47")
            try await world.report(member, "domain-name", "c2.strict.net")
            try await world.report(member, "url", "http://c2.granular.net/x")
        }
        try await world.control(["C", "D", "G", "B"])
        #expect(try await world.corroborated().count == 1)
        let hits = try await world.hub.store.probeHits()
        let probers = Set(hits.map(\.organizationID))
        #expect(probers == Set(["C", "D", "G", "B"].map { world.members[$0]!.organization.id }))
        #expect(Set(hits.map(\.observable)) == ["ipv4-addr:185.220.101.47", "domain-name:c2.strict.net",
                                                 "url:http://c2.granular.net/x"])
    }

    @Test("unmarked objects under a RED default TLP are held")
    func heldByDefaultTLP() async throws {
        let world = try await World.make(defaultTLP: .red)
        defer { world.hub.remove() }
        for member in ["B", "C", "D", "G"] { try await world.report(member, "ipv4-addr", "45.77.10.13", marking: nil) }
        try await world.control(["B", "C", "D", "G"])
        #expect(try await world.corroborated().count == 1)
    }

    @Test("values inside members' domains and ranges, and registered identifiers, never count")
    func heldByMembersIdentifiers() async throws {
        let world = try await World.make()
        defer { world.hub.remove() }
        let a = world.members["A"]!.organization.id
        try await world.hub.store.addIdentifier(OrganizationIdentifier(kind: .domain, value: "denryoku-a.example.jp"), organizationID: a)
        try await world.hub.store.addIdentifier(OrganizationIdentifier(kind: .addressRange, value: "203.0.113.0/24"), organizationID: a)
        try await world.hub.store.addIdentifier(OrganizationIdentifier(kind: .host, value: "fs-keiri01"), organizationID: a)
        for member in ["B", "C", "D", "G"] {
            try await world.report(member, "domain-name", "vpn.denryoku-a.example.jp")
            try await world.report(member, "email-addr", "keiri@denryoku-a.example.jp")
            try await world.report(member, "url", "https://portal.denryoku-a.example.jp/login")
            try await world.report(member, "ipv4-addr", "203.0.113.9")
            try await world.report(member, "domain-name", "fs-keiri01")
            // Inside a member's users' domain (org-a.example.jp: soc@org-a.example.jp), not registered.
            try await world.report(member, "email-addr", "ceo@org-a.example.jp")
        }
        try await world.control(["B", "C", "D", "G"])
        #expect(try await world.corroborated().count == 1)
    }

    @Test("a submission's victim identifiers never count")
    func heldByVictimIdentifiers() async throws {
        let world = try await World.make()
        defer { world.hub.remove() }
        let extras = SubmissionExtras(detail: SubmissionDetail(submissionID: "", kind: .email,
                                                               victimIdentifiers: ["Tanaka@Victim-X.example.net", "198.18.7.7"]))
        let object = """
            {"type":"note","spec_version":"2.1","id":"note--\(UUID().uuidString.lowercased())",\
            "created":"2026-11-01T09:00:00.000Z","modified":"2026-11-01T09:00:00.000Z","content":"forwarded"}
            """
        _ = try await world.intake.submit(envelope: Array("{\"objects\":[\(object)]}".utf8), to: world.feed,
                                          by: world.members["A"]!, extras: extras)
        for member in ["B", "C", "D", "G"] {
            try await world.report(member, "email-addr", "tanaka@victim-x.example.net")
            try await world.report(member, "ipv4-addr", "198.18.7.7")
        }
        try await world.control(["B", "C", "D", "G"])
        #expect(try await world.corroborated().count == 1)
    }

    @Test("a report of a value the reporter received from the hub is not independent")
    func receivedFromTheHub() async throws {
        let world = try await World.make()
        defer { world.hub.remove() }
        let given = try await world.report("C", "ipv4-addr", "45.77.10.14")
        // D received an object of C's submission (the delivery a read records).
        try await world.hub.store.recordReads([], deliveries: [Delivery(
            organizationID: world.members["D"]!.organization.id, submissionID: given.id, releaseID: nil,
            stixID: given.successes[0].id!, version: given.successes[0].version!, deliveredAt: "2026-11-01T10:00:00Z",
            path: "taxii")])
        try await world.report("D", "ipv4-addr", "45.77.10.14")
        try await world.report("G", "ipv4-addr", "45.77.10.14")
        #expect(try await !world.isCorroborated("ipv4-addr", "45.77.10.14"))
        #expect(try await world.hub.store.observableReportCounts(["ipv4-addr:45.77.10.14"]) == ["ipv4-addr:45.77.10.14": 2])
        try await world.report("F", "ipv4-addr", "45.77.10.14")
        #expect(try await world.isCorroborated("ipv4-addr", "45.77.10.14"))
    }

    @Test("indicators released under earlier rules that these rules would not release are withdrawn; the rest stay")
    func earlierReleasesRechecked() async throws {
        // A hub that ran the old rules: k = 2 from one sector, and no held values.
        let old = CorroborationRule(organizations: 2, sectors: 1)
        let world = try await World.make(rule: old)
        defer { world.hub.remove() }
        let a = world.members["A"]!.organization.id
        try await world.hub.store.addIdentifier(OrganizationIdentifier(kind: .domain, value: "denryoku-a.example.jp"), organizationID: a)
        // Two organisations of one sector (released at k = 2).
        try await world.report("B", "ipv4-addr", "45.77.10.11")
        try await world.report("E", "ipv4-addr", "45.77.10.11")
        // A value A marked RED, and a host inside A's domain, each reported by C and D: the old rules,
        // without held values, released them.
        try await world.report("A", "ipv4-addr", "185.220.101.47", marking: red)
        for member in ["C", "D"] {
            try await world.report(member, "ipv4-addr", "185.220.101.47")
            try await world.report(member, "domain-name", "vpn.denryoku-a.example.jp")
        }
        let oldGate = Corroboration(store: world.hub.store, hubIdentityID: "identity--5a4f2c29-9a1e-4c55-8d8c-2f0d8c3b9e11",
                                    rule: old)
        _ = try await oldGate.release(["ipv4-addr:185.220.101.47": 3, "domain-name:vpn.denryoku-a.example.jp": 2],
                                      screen: HeldScreen())
        // Three organisations from three sectors: released under either rule.
        for member in ["B", "C", "D"] { try await world.report(member, "ipv4-addr", "45.77.99.1") }

        let feed = try #require(try await world.hub.store.feed(named: Corroboration.feedName))
        let policy = PolicyEngine(store: world.hub.store)
        func patternsReadBy(_ member: String) async throws -> Set<String> {
            let reader = try #require(try await policy.reader(for: world.members[member]!, feed: feed, purpose: .api, ledger: nil))
            return Set(try await reader.page(ObjectQuery(feedID: feed.id)).objects.compactMap {
                (try JSONSerialization.jsonObject(with: $0.bytes) as? [String: Any])?["pattern"] as? String
            })
        }
        let all: Set = ["[ipv4-addr:value = '45.77.10.11']", "[ipv4-addr:value = '185.220.101.47']",
                        "[domain-name:value = 'vpn.denryoku-a.example.jp']", "[ipv4-addr:value = '45.77.99.1']"]
        #expect(try await patternsReadBy("G") == all)
        // G received the held value's indicator before the upgrade.
        let heldIndicator = "indicator--" + Corroboration.uuid(from: "ipv4-addr:185.220.101.47")
        let carried = try #require(try await world.hub.store.submissions(organizationID: nil).first {
            $0.feedID == feed.id && $0.successes.first?.id == heldIndicator
        })
        try await world.hub.store.recordReads([], deliveries: [Delivery(
            organizationID: world.members["G"]!.organization.id, submissionID: carried.id, releaseID: nil,
            stixID: heldIndicator, version: carried.successes[0].version!, deliveredAt: "2026-11-01T10:00:00Z", path: "taxii")])
        let auditBefore = try await world.hub.store.auditEntries(after: 0, limit: 100_000).count

        // The hub now runs the standard rule (k = 3 from 2 sectors, held values never count).
        let gate = Corroboration(store: world.hub.store, hubIdentityID: oldGate.hubIdentityID, rule: .standard)
        let withdrawn = try await gate.withdrawUnqualified()
        #expect(Set(withdrawn) == ["ipv4-addr:45.77.10.11", "ipv4-addr:185.220.101.47", "domain-name:vpn.denryoku-a.example.jp"])
        for member in ["A", "B"] {
            #expect(try await patternsReadBy(member) == ["[ipv4-addr:value = '45.77.99.1']"], "\(member) still reads withdrawn indicators")
        }
        // G, which received the held value's indicator, reads its last version: expired at once
        // (`valid_until`), so G's TAXII client and devices drop it; the others G never had stay gone.
        #expect(try await patternsReadBy("G") == ["[ipv4-addr:value = '45.77.99.1']", "[ipv4-addr:value = '185.220.101.47']"])
        let readerG = try #require(try await policy.reader(for: world.members["G"]!, feed: feed, purpose: .api, ledger: nil))
        let notice = try #require(try await readerG.page(ObjectQuery(feedID: feed.id, ids: [heldIndicator])).objects.first)
        let noticeBody = try #require(try JSONSerialization.jsonObject(with: notice.bytes) as? [String: Any])
        let validUntil = try #require((noticeBody["valid_until"] as? String).flatMap(STIXTimestamp.init))
        #expect(validUntil.microsecondsSinceEpoch <= STIXTimestamp.now().microsecondsSinceEpoch)
        #expect(noticeBody["revoked"] == nil)
        // The audit keeps who had the withdrawn indicator, and records each withdrawal.
        #expect(try await world.hub.store.deliveries(submissionID: carried.id).map(\.organizationID) == [world.members["G"]!.organization.id])
        let entries = try await world.hub.store.auditEntries(after: 0, limit: 100_000).dropFirst(auditBefore)
        let withdrawals = entries.filter { $0.event.action == .revoke && $0.event.details["kind"] == "corroboration" }
        #expect(Set(withdrawals.compactMap { $0.event.details["observable"] }) == Set(withdrawn))
        // Run again (every serve start): nothing more to withdraw, and nothing written.
        #expect(try await gate.withdrawUnqualified().isEmpty)
        #expect(try await world.hub.store.auditEntries(after: 0, limit: 100_000).count == auditBefore + withdrawals.count)
        // A withdrawn value that qualifies later is released again.
        try await world.report("G", "ipv4-addr", "45.77.10.11")
        #expect(try await patternsReadBy("B").contains("[ipv4-addr:value = '45.77.10.11']"))
    }
}
