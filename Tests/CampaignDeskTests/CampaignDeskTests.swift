// CampaignDeskTests: campaigns on a stored hub (SQLite, or PostgreSQL with KAKEHASHI_TEST_BACKEND=postgres):
// e-mails of one campaign from three organisations in two sectors clustered on arrival into one
// candidate; confirmed, released anonymised and read by a fourth organisation through the policy
// engine; a later joiner flagged and published as a new version; rejection that does not re-form;
// merge and split that survive re-clustering; and members refused on every path.
import Accounts
import Anonymization
import CampaignDesk
import Campaigns
import Consent
import Extraction
import Foundation
import HubTesting
import Ingestion
import SharingPolicy
import STIX
import Storage
import Testing

@Suite("CampaignDesk on the stored hub")
struct CampaignDeskTests {
    static let payload = Array("MZ\u{90}campaign-payload-tsuru-\(String(repeating: "x", count: 300))".utf8)

    /// An attack e-mail of the campaign sent to one victim; `victim` appears in subject, body and file name.
    static func email(victim: String, recipient: String, payload: [UInt8] = payload, c2: String = "login-check-portal.xyz",
                      other: Bool = false) -> [UInt8] {
        if other { return otherEmail(victim: victim, recipient: recipient, payload: payload, c2: c2) }
        let attachment = Data(payload).base64EncodedString()
        let text = """
            From: "Suzuki Ichiro" <billing@invoice-center-jp.xyz>
            To: "\(victim) 担当者" <\(recipient)>
            Subject: 【重要】\(victim)様 請求書の送付について
            Message-ID: <20261101.\(abs(recipient.hashValue))@invoice-center-jp.xyz>
            X-Mailer: RareMailer 7.1
            Date: Sun, 01 Nov 2026 09:00:00 +0900
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b1"

            --b1
            Content-Type: text/plain; charset=utf-8

            \(victim) ご担当者様
            請求書をお送りします。こちらからご確認ください: https://\(c2)/invoice/view
            --b1
            Content-Type: application/octet-stream; name="invoice_\(victim).zip"
            Content-Disposition: attachment; filename="invoice_\(victim).zip"
            Content-Transfer-Encoding: base64

            \(attachment)
            --b1--

            """
        return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    /// An attack e-mail of another campaign: other sender, mailer, lure and naming.
    static func otherEmail(victim: String, recipient: String, payload: [UInt8], c2: String) -> [UInt8] {
        let text = """
            From: "Delivery Desk" <notice@parcel-track-center.top>
            To: <\(recipient)>
            Subject: Your parcel could not be delivered
            Message-ID: <p\(abs(recipient.hashValue))@parcel-track-center.top>
            X-Mailer: ParcelBlaster 2
            Date: Mon, 02 Nov 2026 10:00:00 +0000
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="b2"

            --b2
            Content-Type: text/plain; charset=us-ascii

            We attempted delivery today. Print the attached label and bring it to the depot, or track at https://\(c2)/track
            --b2
            Content-Type: application/octet-stream; name="label.iso"
            Content-Disposition: attachment; filename="label.iso"
            Content-Transfer-Encoding: base64

            \(Data(payload).base64EncodedString())
            --b2--

            """
        return Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    struct World {
        let hub: TestHub
        let feed: Feed
        let campaignFeed: Feed
        let members: [TestHub.Member]      // A, B (電力), C (ガス), D (reader, 化学)
        let analyst: TestHub.Member
        let desk: CampaignDesk
        let intake: EnvelopeIntake
        let policy: PolicyEngine
    }

    static func world() async throws -> World {
        let hub = try await TestHub.make()
        let feed = try await hub.feed("Default")
        let campaignFeed = try await hub.feed("CAMPAIGNS")
        _ = try await hub.accounts.addOrganization(name: "Gas C", sector: "ガス")
        _ = try await hub.accounts.addOrganization(name: "Chem D", sector: "化学")
        let grants: [(feed: Feed, read: Bool, write: Bool)] = [(feed, true, true), (campaignFeed, true, false)]
        let members = [
            try await hub.member("電力A社", email: "soc@denryoku-a.example.jp", grants: grants),
            try await hub.member("電力B社", email: "soc@denryoku-b.example.jp", grants: grants),
            try await hub.member("Gas C", email: "soc@gas-c.example.jp", grants: grants),
            try await hub.member("Chem D", email: "soc@chem-d.example.jp", grants: grants),
        ]
        let analyst = try await hub.member("Kakehashi Hub", email: "analyst@hub.example", role: .hubAnalyst)
        let group = try await hub.store.createGroup(TrustGroup(name: "ISAC"))
        for member in members { try await hub.store.addMember(organizationID: member.principal.organization.id, toGroup: group.id) }
        let policy = PolicyEngine(store: hub.store)
        let anonymization = AnonymizationSettings(hubIdentityID: "identity--\(UUID().uuidString.lowercased())",
                                                  idKey: (0..<32).map { _ in UInt8.random(in: 0...255) })
        let desk = CampaignDesk(store: hub.store, policy: policy, anonymization: anonymization)
        var intake = EnvelopeIntake(store: hub.store, policy: policy)
        intake.arrivals = desk
        return World(hub: hub, feed: feed, campaignFeed: campaignFeed, members: members, analyst: analyst, desk: desk,
                     intake: intake, policy: policy)
    }

    static func submitEmail(_ world: World, _ member: TestHub.Member, victim: String, payload: [UInt8] = payload,
                            c2: String = "login-check-portal.xyz", other: Bool = false) async throws -> Submission {
        var extracted = try EmailSubmission.extract(email(victim: victim, recipient: member.email, payload: payload, c2: c2,
                                                          other: other))
        // The samples' bytes would go to the vault, which campaigns do not need here.
        for index in extracted.samples.indices { extracted.samples[index].bytes = nil }
        return try await SubmissionDesk(intake: world.intake, vault: nil)
            .submit(extracted, kind: .email, sourceName: "attack.eml", to: world.feed, by: member.principal)
    }

    @Test("one campaign from three organisations in two sectors: one candidate, confirmed, released anonymised, read by a fourth; a joiner is an update")
    func campaignEndToEnd() async throws {
        let world = try await Self.world()
        defer { world.hub.remove() }
        let (a, b, c, d) = (world.members[0], world.members[1], world.members[2], world.members[3])
        let s1 = try await Self.submitEmail(world, a, victim: "電力A社")
        let s2 = try await Self.submitEmail(world, b, victim: "電力B社")
        let s3 = try await Self.submitEmail(world, c, victim: "Gas C")
        // Candidates: one, with the three submissions, linked by the attachment.
        let candidates = try await world.desk.list(includeCandidates: true, by: world.analyst.principal)
        #expect(candidates.count == 1)
        let candidate = try #require(candidates.first)
        #expect(candidate.status == .candidate)
        #expect(Set(candidate.submissionIDs) == [s1.id, s2.id, s3.id])
        #expect(candidate.evidence.contains { $0.kind == EvidenceKind.attachmentHash.rawValue })
        // Members (and their org admins) never see candidates; read-only hub users cannot act.
        for member in [a, d] {
            await #expect(throws: CampaignDeskError.self) { try await world.desk.list(includeCandidates: true, by: member.principal) }
            await #expect(throws: CampaignDeskError.self) { try await world.desk.confirm(candidate.id, by: member.principal) }
            await #expect(throws: CampaignDeskError.self) { try await world.desk.recluster(by: member.principal) }
        }
        // Confirm, then release to the group through the campaign feed.
        let confirmed = try await world.desk.confirm(candidate.id, name: "Operation Tsuru", by: world.analyst.principal)
        #expect(confirmed.id.hasPrefix("campaign--"))
        #expect(try await world.desk.list(includeCandidates: true, by: world.analyst.principal).map(\.id) == [confirmed.id])
        let released = try await world.desk.release(confirmed.id, feed: "CAMPAIGNS", scope: ReleaseScope(groups: ["ISAC"]),
                                                    by: world.analyst.principal)
        let stixID = try #require(released.publication?.stixID)
        // D reads the campaign and its indicators through the policy engine.
        let reader = try #require(try await world.policy.reader(for: d.principal, feed: world.campaignFeed, purpose: .taxii, ledger: nil))
        let objects = try await reader.all(ObjectQuery(feedID: world.campaignFeed.id))
        let campaign = try #require(objects.first { $0.type == "campaign" })
        #expect(campaign.stixID == stixID)
        #expect(objects.contains { $0.type == "indicator" })
        #expect(objects.contains { $0.type == "relationship" })
        let text = objects.map { String(decoding: $0.bytes, as: UTF8.self) }.joined(separator: "\n")
        for secret in ["電力A社", "電力B社", "Gas C", "denryoku-a", "soc@", "gas-c.example.jp"] {
            #expect(!text.contains(secret), "released campaign text contains \(secret)")
        }
        #expect(text.contains("\"first_seen\"") && text.contains("x_kakehashi_waves"))
        #expect(text.contains("ガス"))   // targeted sectors, as identities of class "class"
        // A fourth report of the same attachment joins the confirmed campaign: flagged, and a new version released.
        let s4 = try await Self.submitEmail(world, d, victim: "Chem D")
        let after = try #require(try await world.hub.store.campaign(id: confirmed.id))
        #expect(after.submissionIDs.contains(s4.id))
        #expect(after.updates == [s4.id])
        #expect(after.publication?.versions == 2)
        let versions = try await reader.all(ObjectQuery(feedID: world.campaignFeed.id, ids: [stixID], versions: .every))
        #expect(versions.count == 2)
        // Re-clustering keeps the confirmed campaign's id and members.
        let reclustered = try await world.desk.recluster(by: world.analyst.principal)
        #expect(reclustered.first { $0.id == confirmed.id }?.submissionIDs.count == 4)
        // The analysts' actions are in the audit trail.
        let audit = try await world.hub.store.auditEntries(after: 0, limit: 10_000)
        let changes = audit.filter { $0.event.action == .campaign }.compactMap { $0.event.details["change"] }
        #expect(changes.contains("confirm") && changes.contains("release") && changes.contains("update") && changes.contains("recluster"))
    }

    @Test("a rejected candidate does not form again; split parts stay apart after re-clustering; merge joins")
    func rejectSplitMerge() async throws {
        let world = try await Self.world()
        defer { world.hub.remove() }
        let (a, b, c) = (world.members[0], world.members[1], world.members[2])
        let other = Array("MZ-other-payload-\(String(repeating: "y", count: 300))".utf8)
        let s1 = try await Self.submitEmail(world, a, victim: "電力A社")
        let s2 = try await Self.submitEmail(world, b, victim: "電力B社")
        let candidate = try #require(try await world.desk.list(includeCandidates: true, by: world.analyst.principal).first)
        let rejected = try await world.desk.reject(candidate.id, by: world.analyst.principal)
        #expect(rejected.status == .rejected)
        _ = try await world.desk.recluster(by: world.analyst.principal)
        var listed = try await world.desk.list(includeCandidates: true, by: world.analyst.principal)
        #expect(listed.isEmpty, "the rejected candidate formed again: \(listed.map(\.id))")
        // Another campaign (other payload, other C2) from two organisations.
        let t1 = try await Self.submitEmail(world, a, victim: "電力A社", payload: other, c2: "other-c2-host.top", other: true)
        let t2 = try await Self.submitEmail(world, c, victim: "Gas C", payload: other, c2: "other-c2-host.top", other: true)
        listed = try await world.desk.list(includeCandidates: true, by: world.analyst.principal)
        let second = try #require(listed.first { Set($0.submissionIDs) == [t1.id, t2.id] })
        let confirmed = try await world.desk.confirm(second.id, by: world.analyst.principal)
        let (stays, leaves) = try await world.desk.split(confirmed.id, leaving: [t2.id], by: world.analyst.principal)
        #expect(stays.submissionIDs == [t1.id] && leaves.submissionIDs == [t2.id])
        let after = try await world.desk.recluster(by: world.analyst.principal)
        #expect(after.first { $0.id == stays.id }?.submissionIDs == [t1.id])
        #expect(after.first { $0.id == leaves.id }?.submissionIDs == [t2.id])
        // Bad input changes nothing.
        await #expect(throws: CampaignDeskError.self) { try await world.desk.split(stays.id, leaving: [s1.id], by: world.analyst.principal) }
        await #expect(throws: CampaignDeskError.self) { try await world.desk.merge([stays.id], by: world.analyst.principal) }
        await #expect(throws: CampaignDeskError.self) { try await world.desk.confirm("no-such-campaign", by: world.analyst.principal) }
        let merged = try await world.desk.merge([stays.id, leaves.id], name: "Reunited", by: world.analyst.principal)
        #expect(Set(merged.submissionIDs) == [t1.id, t2.id])
        #expect(try await world.hub.store.campaign(id: leaves.id) == nil)
        _ = s2
    }

    @Test("a desk in another process, already warm, sees an analyst's rejection on its next arrival (it reads only what changed)")
    func secondDeskSeesChanges() async throws {
        let world = try await Self.world()
        defer { world.hub.remove() }
        let (a, b, c) = (world.members[0], world.members[1], world.members[2])
        let s1 = try await Self.submitEmail(world, a, victim: "電力A社")
        let s2 = try await Self.submitEmail(world, b, victim: "電力B社")
        let other = CampaignDesk(store: world.hub.store, policy: world.desk.policy, anonymization: world.desk.anonymization)
        try await other.placeForBenchmark(s2.id)   // warm: every record read once
        let candidate = try #require(try await world.desk.list(includeCandidates: true, by: world.analyst.principal).first)
        let rejected = try await world.desk.reject(candidate.id, by: world.analyst.principal)
        let s3 = try await Self.submitEmail(world, c, victim: "Gas C")
        // The other desk places the third report: it must know the candidate is gone and the rejection pins.
        try await other.placeForBenchmark(s3.id)
        let listed = try await world.desk.list(includeCandidates: true, includeRejected: true, by: world.analyst.principal)
        #expect(listed.filter { $0.status == .candidate }.isEmpty, "a candidate formed again: \(listed.map(\.id))")
        #expect(Set(try #require(listed.first { $0.id == rejected.id }).submissionIDs) == [s1.id, s2.id, s3.id])
    }

    @Test("submissions posted as STIX (TAXII) are clustered from their objects")
    func stixSubmissionsCluster() async throws {
        let world = try await Self.world()
        defer { world.hub.remove() }
        func bundle() -> [UInt8] {
            let now = "2026-11-01T00:00:00.000Z"
            let objects: [[String: Any]] = [
                ["type": "indicator", "spec_version": "2.1", "id": "indicator--\(UUID().uuidString.lowercased())",
                 "created": now, "modified": now, "valid_from": now, "pattern_type": "stix",
                 "pattern": "[file:hashes.'SHA-256' = '\(String(repeating: "ab", count: 32))']"],
                ["type": "domain-name", "spec_version": "2.1", "id": "domain-name--\(UUID().uuidString.lowercased())",
                 "value": "stix-c2-host.top"],
            ]
            let bundle: [String: Any] = ["type": "bundle", "id": "bundle--\(UUID().uuidString.lowercased())", "objects": objects]
            return Array(try! JSONSerialization.data(withJSONObject: bundle))
        }
        let s1 = try await world.intake.submit(envelope: bundle(), to: world.feed, by: world.members[0].principal)
        let s2 = try await world.intake.submit(envelope: bundle(), to: world.feed, by: world.members[2].principal)
        let listed = try await world.desk.list(includeCandidates: true, by: world.analyst.principal)
        #expect(listed.map { Set($0.submissionIDs) } == [[s1.id, s2.id]])
        // A bulk list carrying the same value (a feed export of 600 indicators) is not a report of one attack.
        let now = "2026-11-01T00:00:00.000Z"
        let bulk: [[String: Any]] = (0..<600).map { index in
            ["type": "indicator", "spec_version": "2.1", "id": "indicator--\(UUID().uuidString.lowercased())",
             "created": now, "modified": now, "valid_from": now, "pattern_type": "stix",
             "pattern": index == 0 ? "[domain-name:value = 'stix-c2-host.top']" : "[ipv4-addr:value = '203.0.113.\(index % 250)']"]
        }
        let bytes = Array(try JSONSerialization.data(withJSONObject: ["type": "bundle", "id": "bundle--\(UUID().uuidString.lowercased())",
                                                                     "objects": bulk] as [String: Any]))
        let s3 = try await world.intake.submit(envelope: bytes, to: world.feed, by: world.members[1].principal)
        #expect(try await world.desk.list(includeCandidates: true, by: world.analyst.principal)
            .allSatisfy { !$0.submissionIDs.contains(s3.id) })
        #expect(try await world.hub.store.traits(after: 0, limit: 100).map(\.submissionID) == [s1.id, s2.id])
    }
}
