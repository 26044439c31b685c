// The metrics ledger (write-time aggregates caught up on the store's change log) against the full
// computation, on a real hub (TestHub: SQLite, or PostgreSQL with KAKEHASHI_TEST_BACKEND=postgres):
// a varied world — five organisations in four sectors, two feeds, submissions over several days,
// releases (plain and anonymised) read by their recipients, a revocation, sightings, an organisation
// disabled — and after every step, for hub staff and for every organisation, the three dashboard
// reports equal the full recomputation's, while the ledger re-reads only what the step changed.
import Accounts
import Consent
import Foundation
import HubTesting
import Ingestion
@testable import SharingMetrics
import SharingPolicy
import STIX
import Storage
import Testing

@Suite("metrics ledger against the full computation")
struct MetricsLedgerTests {
    typealias World = SharingMetricsHubTests.World

    /// Every viewer's three reports from the ledger equal the full computation's (as JSON, every number).
    static func expectExact(_ metrics: SharingMetrics, _ world: World, step: String,
                            sourceLocation: SourceLocation = #_sourceLocation) async throws {
        var viewers: [MetricsViewer] = [.hubStaff]
        for organization in try await world.hub.store.organizations() { viewers.append(.organization(organization)) }
        for viewer in viewers {
            let who: String
            switch viewer {
            case .hubStaff: who = "hub staff"
            case .organization(let organization): who = organization.name
            }
            let coverage = try await metrics.coverage(for: viewer).jsonText
            let fullCoverage = try await metrics.computeCoverage(for: viewer, filter: MetricsFilter(), principal: nil).jsonText
            #expect(coverage == fullCoverage, "\(step), coverage for \(who)", sourceLocation: sourceLocation)
            let lead = try await metrics.leadTime(for: viewer).jsonText
            let fullLead = try await metrics.computeLeadTime(for: viewer, filter: MetricsFilter(), principal: nil).jsonText
            #expect(lead == fullLead, "\(step), lead time for \(who)", sourceLocation: sourceLocation)
            let daily = try await metrics.daily(for: viewer).jsonText
            let fullDaily = try await metrics.computeDaily(for: viewer, filter: MetricsFilter(), principal: nil,
                                                           generation: nil).jsonText
            #expect(daily == fullDaily, "\(step), daily for \(who)", sourceLocation: sourceLocation)
        }
    }

    static func read(_ world: World, as member: String, feed: Feed) async throws {
        let ledger = DeliveryLedger(store: world.hub.store)
        let reader = try #require(try await world.policy.reader(for: world.members[member]!, feed: feed,
                                                                purpose: .taxii, ledger: ledger))
        _ = try await reader.all(ObjectQuery(feedID: feed.id))
        await ledger.flush()
    }

    static func sighting(_ world: World, _ member: String, _ observable: String, kind: SightingKind,
                         firstSeen: Date?) async throws {
        let principal = world.members[member]!
        let id = "sighting-report--\(UUID().uuidString.lowercased())"
        try await world.hub.store.recordSightings([
            SightingRecord(id: id, observable: observable, organizationID: principal.organization.id,
                           userID: principal.user.id, indicatorID: "indicator--\(UUID().uuidString.lowercased())",
                           kind: kind, count: 1, firstSeen: firstSeen.map { MetricsTime.text($0) }, lastSeen: nil, named: true,
                           recordedAt: MetricsTime.text(Date()), via: "api"),
        ], audit: AuditEvent(action: .sighting, actorUserID: principal.user.id,
                             actorOrganizationID: principal.organization.id, subject: id))
    }

    @Test("after every step of a varied world, every viewer's reports equal the full computation's, re-reading only the change")
    func incrementalEqualsFull() async throws {
        let world = try await World.scene()
        defer { world.hub.remove() }
        let store = world.hub.store
        let metrics = SharingMetrics(store: store, policy: world.policy,
                                     countries: try SharingMetricsHubTests.countries())
        let ledger = try #require(metrics.cache?.ledger)
        try await Self.expectExact(metrics, world, step: "the scene")
        #expect(await ledger.rebuilds == 1)

        // A second feed, and a fifth organisation in a fourth sector.
        let phishing = try await world.hub.feed("Phishing")
        var members = world.members
        _ = try await world.hub.accounts.addOrganization(name: "Org E", sector: "金融", size: "small")
        members["E"] = try await world.hub.member("Org E", email: "soc@org-e.example.jp",
                                                  grants: [(world.feed, true, true), (phishing, true, true)]).principal
        for key in ["A", "C"] {
            try await store.setGrant(FeedGrant(feedID: phishing.id, organizationID: members[key]!.organization.id,
                                               canRead: true, canWrite: true))
        }
        try await Task.sleep(for: world.hub.propagation)
        let wide = World(hub: world.hub, feed: world.feed, members: members, intake: world.intake,
                         policy: world.policy, desk: world.desk)
        try await Self.expectExact(metrics, wide, step: "a new organisation")

        // Submissions over several days, in both feeds, some values shared, one at the same moment by two.
        let day: TimeInterval = 86_400
        let start = Date().addingTimeInterval(-5 * day)
        try await wide.report("E", [("ipv4-addr", "192.0.2.10"), ("domain-name", "login.bank-e.example")],
                              at: start, name: "phishing kit")
        var reread = await ledger.reread
        try await Self.expectExact(metrics, wide, step: "E reports on day 1")
        #expect(await ledger.reread - reread <= 4, "a two-value submission re-reads its values, not every holding")
        let phishingWorld = World(hub: world.hub, feed: phishing, members: members, intake: world.intake,
                                  policy: world.policy, desk: world.desk)
        let sameMoment = start.addingTimeInterval(day)
        let fromC = try await phishingWorld.report("C", [("url", "http://login.bank-e.example/x"), ("domain-name", "login.bank-e.example")],
                                                   at: sameMoment, name: "phishing page")
        try await phishingWorld.report("E", [("url", "http://login.bank-e.example/x")], at: sameMoment, name: "phishing page")
        try await Self.expectExact(metrics, wide, step: "C and E report the same URL at the same moment")
        try await wide.report("B", [("ipv4-addr", "198.51.100.9"), ("url", "http://malware.example/drop.exe")],
                              at: start.addingTimeInterval(2 * day), name: "malware download")
        try await Self.expectExact(metrics, wide, step: "B reports malware hosting on day 3")

        // C releases its phishing submission anonymised to everyone; A and E read it; A reports a value later.
        let release = try await world.desk.release(submissionID: fromC.id, scope: ReleaseScope(organizations: ["Org A", "Org E"]),
                                                   anonymize: true, by: members["C"]!)
        try await Self.expectExact(metrics, wide, step: "C's anonymised release")
        try await Self.read(wide, as: "A", feed: phishing)
        try await Self.read(wide, as: "E", feed: phishing)
        try await Self.expectExact(metrics, wide, step: "A and E read C's release")
        reread = await ledger.reread
        try await Self.read(wide, as: "A", feed: phishing)
        try await Self.expectExact(metrics, wide, step: "A reads again (no first delivery)")
        #expect(await ledger.reread == reread, "a repeated read changes no first delivery and re-reads nothing")
        try await phishingWorld.report("A", [("domain-name", "login.bank-e.example")], at: Date().addingTimeInterval(2 * 3600),
                                       name: "phishing")
        try await Self.expectExact(metrics, wide, step: "A reports a delivered value two hours later")

        // Sightings: D saw a value before it reported it; E saw one it was delivered; a false positive counts for nothing.
        try await Self.sighting(wide, "D", "ipv4-addr:203.0.113.5", kind: .seen, firstSeen: Date().addingTimeInterval(1800))
        try await Self.sighting(wide, "E", "url:http://login.bank-e.example/x", kind: .seen, firstSeen: nil)
        try await Self.sighting(wide, "E", "domain-name:c2.shared.example", kind: .seen, firstSeen: start)
        try await Self.sighting(wide, "B", "ipv4-addr:203.0.113.5", kind: .falsePositive, firstSeen: nil)
        try await Self.expectExact(metrics, wide, step: "sightings")

        // A's first release is revoked; A releases to everyone and C and E read it.
        let first = try await store.releases(submissionID: try #require(await firstSubmission(of: "A", world: wide)))
        for existing in first { _ = try await world.desk.revoke(releaseID: existing.id, by: members["A"]!) }
        try await Self.expectExact(metrics, wide, step: "A's release revoked")
        let aSubmission = try #require(await firstSubmission(of: "A", world: wide))
        _ = try await world.desk.release(submissionID: aSubmission, scope: ReleaseScope(organizations: ["Org C", "Org E"]),
                                         anonymize: false, by: members["A"]!)
        try await Self.read(wide, as: "C", feed: world.feed)
        try await Self.read(wide, as: "E", feed: world.feed)
        try await Self.expectExact(metrics, wide, step: "A's second release read by C and E")
        try await wide.report("C", [("ipv4-addr", "203.0.113.5")], at: Date().addingTimeInterval(3 * day))
        try await Self.expectExact(metrics, wide, step: "C reports a delivered value three days later")

        // An organisation disabled: an organisation change that renames nothing recomputes nothing.
        _ = try await store.setOrganizationDisabled(id: members["B"]!.organization.id, at: Date(),
                                                    audit: AuditEvent(action: .sighting, actorUserID: "u",
                                                                      actorOrganizationID: "o", subject: "disable"))
        try await Self.expectExact(metrics, wide, step: "B disabled")
        #expect(await ledger.rebuilds == 1, "no step above needed a recomputation of everything")

        // A second metrics value (another process's view of the same store) starts from everything and agrees.
        let other = SharingMetrics(store: store, policy: world.policy, countries: try SharingMetricsHubTests.countries())
        try await Self.expectExact(other, wide, step: "a second process")
        _ = release
    }

    func firstSubmission(of member: String, world: World) async -> String? {
        let organization = world.members[member]!.organization.id
        let holdings = try? await world.hub.store.observableHoldings(organizationID: organization)
        return holdings?.filter { $0.observable == "ipv4-addr:192.0.2.10" }.first?.submissionID
    }

    @Test("the change log: a reader behind a pruned position is told so, and catches up from everything")
    func prunedLog() async throws {
        let world = try await World.scene()
        defer { world.hub.remove() }
        let store = world.hub.store
        let position = try await store.metricsChangePosition()
        #expect(position > 0)
        let all = try await store.metricsChanges(after: 0, limit: 100_000)
        #expect(all.observables.contains("ipv4-addr:203.0.113.5") && all.through == position && !all.pruned)
        let few = try await store.metricsChanges(after: 0, limit: 2)
        #expect(few.truncated && few.count == 2)
        try await store.pruneMetricsChanges(through: position)
        #expect(try await store.metricsChanges(after: 0, limit: 10).pruned)
        #expect(try await store.metricsChangePosition() == position)
        let metrics = SharingMetrics(store: store, policy: world.policy)
        let before = try await metrics.coverage(for: .hubStaff).jsonText
        try await world.report("B", [("ipv4-addr", "203.0.113.5")])
        let after = try await metrics.coverage(for: .hubStaff)
        #expect(after.jsonText != before)
        #expect(after.jsonText == (try await metrics.computeCoverage(for: .hubStaff, filter: MetricsFilter(), principal: nil)).jsonText)
    }
}
