// Sightings and feedback (issue 14) against the real intake, policy engine and store (SQLite, or
// PostgreSQL with KAKEHASHI_TEST_BACKEND=postgres): members' reports become counts for others,
// names only with consent; an indicator a member may not read is answered exactly as one that does
// not exist, by id and by value, through the API desk and as a STIX sighting; read-only users, hub
// staff and clients cannot report; bad input is refused with nothing stored; k false-positive
// reports put the value on review and out of the corroborated feed until an analyst clears it.
import Accounts
@testable import Consent
import Foundation
import HubTesting
import Ingestion
import SharingPolicy
import STIX
import Storage
import Testing

private let green = "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"

@Suite("Sightings")
struct SightingTests {
    /// Members A, B, E of 電力, C of ガス, D of 化学, G of 石油 on a shared feed; 45.77.20.1 is
    /// corroborated by A, C, D (readable by every member); A also holds a value of its own.
    struct World {
        let hub: TestHub
        let feed: Feed
        let members: [String: Principal]
        let intake: EnvelopeIntake
        let desk: SightingDesk
        let corroborated: String
        let held: Submission

        static let value = "45.77.20.1"
        static let key = "ipv4-addr:45.77.20.1"
        static let heldValue = "203.0.113.250"

        static func make(rule: CorroborationRule = .standard) async throws -> World {
            let hub = try await TestHub.make()
            let feed = try await hub.feed("Default")
            var members: [String: Principal] = [:]
            for (key, sector) in [("A", "電力"), ("B", "電力"), ("E", "電力"), ("C", "ガス"), ("D", "化学"), ("G", "石油")] {
                _ = try await hub.accounts.addOrganization(name: "Org \(key)", sector: sector, size: "large")
                members[key] = try await hub.member("Org \(key)", email: "soc@org-\(key.lowercased()).example.jp",
                                                    grants: [(feed, true, true)]).principal
            }
            let policy = PolicyEngine(store: hub.store, rightsLifetime: 0)
            let corroboration = Corroboration(store: hub.store, hubIdentityID: "identity--5a4f2c29-9a1e-4c55-8d8c-2f0d8c3b9e11",
                                              rule: rule)
            let intake = EnvelopeIntake(store: hub.store, policy: policy, corroboration: corroboration)
            var world = World(hub: hub, feed: feed, members: members, intake: intake, desk: intake.sightings!,
                              corroborated: Corroboration.indicatorID(for: key), held: Submission(feedID: "", organizationID: "",
                                                                                                     userID: nil, requestTimestamp: ""))
            for member in ["A", "C", "D"] { try await world.report(member, value) }
            world = World(hub: hub, feed: feed, members: members, intake: intake, desk: world.desk,
                          corroborated: world.corroborated, held: try await world.report("A", heldValue))
            return world
        }

        @discardableResult
        func report(_ member: String, _ value: String) async throws -> Submission {
            let object = """
                {"type":"indicator","spec_version":"2.1","id":"indicator--\(UUID().uuidString.lowercased())",\
                "created":"2026-11-01T09:00:00.000Z","modified":"2026-11-01T09:00:00.000Z","object_marking_refs":["\(green)"],\
                "pattern":"[ipv4-addr:value = '\(value)']","pattern_type":"stix","valid_from":"2026-11-01T09:00:00.000Z"}
                """
            return try await intake.submit(envelope: Array("{\"objects\":[\(object)]}".utf8), to: feed, by: members[member]!)
        }

        var heldIndicator: String { held.successes[0].id! }

        func sight(_ member: String, indicator: String? = nil, value: String? = nil, kind: SightingKind = .seen,
                   named: Bool = false) async throws -> SightingReceipt {
            try await desk.report(try SightingInput(indicator: indicator, value: value, kind: kind, count: 2,
                                                    firstSeen: "2026-11-02T00:00:00Z", lastSeen: "2026-11-03T00:00:00Z",
                                                    named: named),
                                  by: members[member]!, via: "api")
        }

        func sightingCount() async throws -> Int {
            try await hub.store.sightings(indicatorID: nil, observables: [Self.key, "ipv4-addr:\(Self.heldValue)"]).count
        }

        func isCorroborated() async throws -> Bool {
            try await hub.store.corroboratedObservables().contains(Self.key)
        }
    }

    static func refusal(_ body: () async throws -> some Any) async -> HubError? {
        do { _ = try await body(); return nil } catch let error as HubError { return error } catch { return .unavailable("\(error)") }
    }

    @Test("sightings from two members show as counts to a third; names only with consent")
    func countsForOthers() async throws {
        let world = try await World.make(); defer { world.hub.remove() }
        #expect(try await world.isCorroborated())
        let byID = try await world.sight("E", indicator: world.corroborated)
        #expect(byID.indicator == world.corroborated)
        let byValue = try await world.sight("G", value: " 45.77.20[.]1 ")
        #expect(byValue.indicator == world.corroborated)
        let summary = try await world.desk.summary(indicatorID: world.corroborated, for: world.members["B"]!)
        let seen = try #require(summary.kinds.first { $0.kind == "seen" })
        #expect(seen.organizations == 2 && seen.sectors == 2 && seen.count == 4)
        #expect(seen.text == "seen by 2 organisations in 2 sectors")
        #expect(seen.named.isEmpty)
        #expect(seen.first_seen == "2026-11-02T00:00:00Z" && seen.last_seen == "2026-11-03T00:00:00Z")
        #expect(summary.review == nil)
        // No organisation's name anywhere in what a member sees.
        let text = String(decoding: try JSONEncoder().encode(summary), as: UTF8.self)
        for name in ["Org E", "Org G", world.members["E"]!.organization.id, world.members["G"]!.organization.id] {
            #expect(!text.contains(name))
        }
        _ = try await world.sight("C", value: World.value, named: true)
        let named = try await world.desk.summary(indicatorID: world.corroborated, for: world.members["B"]!)
        #expect(named.kinds.first { $0.kind == "seen" }?.named == ["Org C"])
        #expect(named.kinds.first { $0.kind == "seen" }?.organizations == 3)
        // Each report is audited.
        let entries = try await world.hub.store.auditEntries(after: 0, limit: 10_000).filter { $0.event.action == .sighting }
        #expect(entries.count == 3)
    }

    @Test("an indicator a member may not read is answered as one that does not exist, by id and by value")
    func unreadableIsUnknown() async throws {
        let world = try await World.make(); defer { world.hub.remove() }
        let before = try await world.sightingCount()
        let missingID = await Self.refusal { try await world.sight("B", indicator: "indicator--00000000-0000-4000-8000-000000000000") }
        let heldID = await Self.refusal { try await world.sight("B", indicator: world.heldIndicator) }
        let missingValue = await Self.refusal { try await world.sight("B", value: "198.18.0.77") }
        let heldValue = await Self.refusal { try await world.sight("B", value: World.heldValue) }
        #expect(missingID == .notFound(SightingDesk.unknownIndicator))
        #expect(heldID == missingID && heldValue == missingID && missingValue == missingID)
        let summaryHeld = await Self.refusal { try await world.desk.summary(indicatorID: world.heldIndicator, for: world.members["B"]!) }
        #expect(summaryHeld == missingID)
        // The provider itself may report on its own indicator.
        _ = try await world.sight("A", value: World.heldValue)
        #expect(try await world.sightingCount() == before + 1)
    }

    @Test("read-only users, hub staff and clients cannot report; nothing is stored")
    func whoMayReport() async throws {
        let world = try await World.make(); defer { world.hub.remove() }
        let readOnly = try await world.hub.member("Org B", email: "viewer@org-b.example.jp", role: .readOnly).principal
        let analyst = try await world.hub.member("Kakehashi Hub", email: "analyst@hub.example.jp", role: .hubAnalyst).principal
        _ = try await world.hub.accounts.addOrganization(name: "Client K", sector: "製造", size: "small")
        let client = try await world.hub.member("Client K", email: "it@client-k.example.jp").principal
        try await world.hub.store.addClient(client.organization.id, ofOrganization: world.members["B"]!.organization.id)
        let input = try SightingInput(indicator: world.corroborated)
        for principal in [readOnly, analyst, client] {
            let error = await Self.refusal { try await world.desk.report(input, by: principal, via: "api") }
            guard case .forbidden? = error else { Issue.record("\(principal.user.email): \(String(describing: error))"); continue }
        }
        #expect(try await world.sightingCount() == 0)
    }

    @Test("bad kind, count or dates: a clear 400 and nothing stored")
    func badInput() async throws {
        let world = try await World.make(); defer { world.hub.remove() }
        let bodies = [
            #"{"indicator":"IND","kind":"maybe"}"#, #"{"indicator":"IND","count":0}"#, #"{"indicator":"IND","count":1.5}"#,
            #"{"indicator":"IND","first_seen":"yesterday"}"#,
            #"{"indicator":"IND","first_seen":"2026-11-03T00:00:00Z","last_seen":"2026-11-01T00:00:00Z"}"#,
            #"{"indicator":"IND","last_seen":"2099-01-01T00:00:00Z"}"#, #"{"kind":"seen"}"#,
            #"{"indicator":"IND","value":"45.77.20.1"}"#, #"{"indicator":"not-an-id"}"#, #"{"indicator":"IND","colour":"red"}"#,
            #"{"value":"45.77.20.1","consent_to_be_named":"yes"}"#, #"[]"#,
        ].map { $0.replacingOccurrences(of: "IND", with: world.corroborated) }
        for body in bodies {
            let error = await Self.refusal { try SightingInput(json: try JSONParser.parse(Array(body.utf8))) }
            guard case .invalid(let message)? = error else { Issue.record("\(body): \(String(describing: error))"); continue }
            #expect(!message.isEmpty)
        }
        #expect(try await world.sightingCount() == 0)
    }

    @Test("STIX sightings through the intake: recorded when the member may read the indicator, refused alike otherwise")
    func stixSightings() async throws {
        let world = try await World.make(); defer { world.hub.remove() }
        func sighting(_ ref: String, kind: String = "seen") -> String {
            """
            {"type":"sighting","spec_version":"2.1","id":"sighting--\(UUID().uuidString.lowercased())",\
            "created":"2026-11-04T00:00:00.000Z","modified":"2026-11-04T00:00:00.000Z","sighting_of_ref":"\(ref)",\
            "count":3,"first_seen":"2026-11-02T00:00:00Z","last_seen":"2026-11-03T00:00:00Z",\
            "x_kakehashi_sighting_kind":"\(kind)"}
            """
        }
        let envelope = "{\"objects\":[\(sighting(world.corroborated)),\(sighting(world.heldIndicator)),"
            + "\(sighting("indicator--00000000-0000-4000-8000-000000000000")),\(sighting(world.corroborated, kind: "bogus"))]}"
        let submission = try await world.intake.submit(envelope: Array(envelope.utf8), to: world.feed, by: world.members["E"]!)
        #expect(submission.successes.map(\.message) == ["recorded as a sighting"])
        #expect(submission.failures.count == 3)
        #expect(submission.failures[0].message == submission.failures[1].message)
        #expect(submission.failures[0].message?.contains(SightingDesk.unknownIndicator) == true)
        let summary = try await world.desk.summary(indicatorID: world.corroborated, for: world.members["G"]!)
        #expect(summary.kinds.map(\.kind) == ["seen"] && summary.kinds[0].count == 3)
        let rows = try await world.hub.store.sightings(organizationID: world.members["E"]!.organization.id)
        #expect(rows.map(\.via) == ["taxii"] && rows[0].stixID == submission.successes[0].id)
    }

    @Test("k false-positive reports put the value on review and out of the corroborated feed until cleared")
    func falsePositiveReview() async throws {
        let world = try await World.make(rule: CorroborationRule(organizations: 3, sectors: 2, falsePositives: 2))
        defer { world.hub.remove() }
        _ = try await world.sight("E", indicator: world.corroborated, kind: .falsePositive)
        _ = try await world.sight("E", value: World.value, kind: .falsePositive)
        #expect(try await world.isCorroborated(), "one organisation twice is not two")
        _ = try await world.sight("G", value: World.value, kind: .falsePositive)
        #expect(try await !world.isCorroborated())
        let analyst = try await world.hub.member("Kakehashi Hub", email: "analyst@hub.example.jp", role: .hubAnalyst).principal
        let queue = try await world.desk.reviews(for: analyst)
        #expect(queue.map(\.value) == [World.key] && queue[0].organizations == 2 && queue[0].reporters == ["Org E", "Org G"])
        // Members no longer read the withdrawn indicator; a new report does not release it again.
        let gone = await Self.refusal { try await world.desk.summary(indicatorID: world.corroborated, for: world.members["B"]!) }
        #expect(gone == .notFound(SightingDesk.unknownIndicator))
        try await world.report("B", World.value)
        #expect(try await !world.isCorroborated())
        let refused = await Self.refusal { try await world.desk.reviews(for: world.members["B"]!) }
        guard case .forbidden? = refused else { Issue.record("a member saw the review queue"); return }
        try await world.desk.clear(World.key, by: analyst)
        #expect(try await world.isCorroborated())
        #expect(try await world.desk.reviews(for: analyst).isEmpty)
        #expect(try await world.desk.reviews(for: analyst, includingCleared: true).map(\.state) == ["cleared"])
        let again = await Self.refusal { try await world.desk.clear(World.key, by: analyst) }
        guard case .notFound? = again else { Issue.record("cleared twice"); return }
        #expect(try await world.hub.store.verifyAuditTrail().isIntact)
    }
}
