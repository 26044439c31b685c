// CampaignsTests — ClusteringTests.swift
// The invariants of campaign clustering users rely on: strong evidence joins at once, excluded values
// never link (and are reported), one kind of similarity alone links nothing, one weak link does not
// chain two campaigns, results do not depend on arrival order, and a confirmed campaign keeps its
// identity and members across re-clustering and is never merged automatically with another.

import Testing
@testable import Campaigns

@Suite struct ClusteringTests {
    static func traits(_ id: String, org: String = "org", hash: String? = nil, c2: String? = nil, ip: String? = nil,
                       mailer: String? = nil, sender: String? = nil, subject: String = "", body: String = "") -> SubmissionTraits {
        var t = SubmissionTraits(submissionID: id, organization: org)
        t.attachmentSHA256 = hash.map { [$0] } ?? []
        t.c2Hosts = c2.map { [$0] } ?? []
        t.c2IPs = ip.map { [$0] } ?? []
        t.mailer = mailer
        if let sender {
            t.senderAddress = sender
            t.senderDomain = String(sender.split(separator: "@")[1])
        }
        t.subjectTemplate = TextTemplates.mask(subject)
        t.subjectSignature = TextTemplates.signature(of: t.subjectTemplate, size: SubmissionTraits.subjectSignatureSize)
        t.bodySignature = TextTemplates.signature(of: TextTemplates.mask(body), size: SubmissionTraits.bodySignatureSize)
        return t
    }

    static func groups(_ engine: CampaignClustering) -> Set<Set<String>> {
        Set(engine.candidates.map { Set($0.submissionIDs) })
    }

    @Test func sameAttachmentJoinsOnArrivalAndOnReclustering() {
        var engine = CampaignClustering()
        #expect(engine.add(Self.traits("s1", org: "a", hash: "aa")).outcome == .created)
        let second = engine.add(Self.traits("s2", org: "b", hash: "aa"))
        #expect(second.outcome == .joined)
        #expect(second.campaignID == "candidate-s1")
        #expect(second.links.first?.evidence.map(\.kind) == [.attachmentHash])
        #expect(engine.add(Self.traits("s3", org: "c", hash: "bb")).outcome == .created)
        #expect(Self.groups(engine) == [["s1", "s2"], ["s3"]])
        engine.recluster()
        #expect(Self.groups(engine) == [["s1", "s2"], ["s3"]])
    }

    @Test func excludedValuesNeverLinkAndAreReported() {
        let exclusions = ValueExclusions(values: [.c2IP: ["104.16.1.1"], .c2Host: ["cdn.example"]], name: "CDN")
            .adding(.freeMail)
        var engine = CampaignClustering(settings: ClusteringSettings(exclusions: exclusions))
        _ = engine.add(Self.traits("s1", org: "a", c2: "cdn.example", ip: "104.16.1.1", sender: "x1@gmail.com"))
        let arrival = engine.add(Self.traits("s2", org: "b", c2: "cdn.example", ip: "104.16.1.1", sender: "y2@gmail.com"))
        #expect(arrival.outcome == .created)
        let excluded = Set(arrival.links.flatMap(\.excluded).map { "\($0.kind.rawValue)=\($0.value) (\($0.list))" })
        #expect(excluded == ["c2-ip=104.16.1.1 (CDN)", "c2-host=cdn.example (CDN)", "sender-domain=gmail.com (free-mail domains)"])
        #expect(arrival.links.allSatisfy { $0.evidence.isEmpty })
        engine.recluster()
        #expect(Self.groups(engine) == [["s1"], ["s2"]])
    }

    @Test func oneKindOfSimilarityAloneLinksNothing() {
        var engine = CampaignClustering()
        let subject = "【重要】アカウント確認のお願い 12345"
        let body = "お世話になっております。下記URLよりログインのうえ内容をご確認ください。期限までにご対応いただけない場合、アカウントが停止されます。"
        _ = engine.add(Self.traits("s1", mailer: "the bat! (v9.1.18)", subject: subject, body: body))
        #expect(engine.add(Self.traits("s2", mailer: "the bat! (v9.1.18)")).outcome == .created, "the mailer alone")
        #expect(engine.add(Self.traits("s3", subject: subject)).outcome == .created, "the subject alone")
        #expect(engine.add(Self.traits("s4", mailer: "the bat! (v9.1.18)", subject: subject)).outcome == .created,
                "a mailer and a stock subject phrase weigh less than minimumWeakWeight")
        let three = engine.add(Self.traits("s5", mailer: "the bat! (v9.1.18)", subject: subject, body: body))
        #expect(three.campaignID == "candidate-s1", "mailer, subject and body together")
        #expect(three.links.first { $0.second == "s1" }?.evidence.map(\.kind) == [.mailer, .subjectTemplate, .bodyTemplate])
    }

    @Test func oneLinkDoesNotChainTwoCampaigns() {
        var settings = ClusteringSettings()
        settings.weights[.senderAddress] = 0.6
        var all: [SubmissionTraits] = []
        for i in 0..<5 { all.append(Self.traits("a\(i)", hash: "campaign-a")) }
        for i in 0..<5 { all.append(Self.traits("b\(i)", hash: "campaign-b")) }
        // One submission of each shares a sender address: medium evidence between one pair only.
        all[0].senderAddress = "x@shared.example"
        all[5].senderAddress = "x@shared.example"
        var engine = CampaignClustering(settings: settings)
        for t in all { _ = engine.add(t) }
        engine.recluster()
        #expect(Self.groups(engine) == [Set((0..<5).map { "a\($0)" }), Set((0..<5).map { "b\($0)" })])
    }

    @Test func resultsDoNotDependOnArrivalOrder() {
        var all: [SubmissionTraits] = []
        let body = "お世話になっております。添付の請求書をご確認ください。期限は本日中です。よろしくお願いいたします。"
        for i in 0..<6 {
            all.append(Self.traits("c\(i)", hash: i < 3 ? "h1" : "h2", mailer: "foxmail 7.2", subject: "請求書送付のご案内 \(i)", body: body))
        }
        for i in 0..<6 { all.append(Self.traits("n\(i)", c2: "c2-\(i % 2).example", mailer: "outlook 16.0",
                                                     subject: ["alpha", "beta", "gamma", "delta", "epsilon", "zeta"][i] + " notice")) }
        var reference: [CampaignCandidate]? = nil
        var generator = SplitMix(seed: 42)
        for _ in 0..<5 {
            var engine = CampaignClustering()
            for t in all.shuffled(using: &generator) { _ = engine.add(t) }
            let result = engine.recluster()
            if let reference { #expect(result == reference) } else { reference = result }
        }
        #expect(reference.map { Set($0.map { Set($0.submissionIDs) }) } == [
            Set((0..<6).map { "c\($0)" }), ["n0", "n2", "n4"], ["n1", "n3", "n5"],
        ])
    }

    @Test func confirmedCampaignsKeepTheirIdentity() {
        var engine = CampaignClustering()
        for i in 0..<3 { _ = engine.add(Self.traits("a\(i)", hash: "ha")) }
        for i in 0..<2 { _ = engine.add(Self.traits("b\(i)", hash: "hb")) }
        // The analysts confirm campaign A with a member the engine had put elsewhere (b1).
        engine.pin(CampaignPin(campaignID: "campaign--a", submissionIDs: ["a0", "a1", "b1"]))
        engine.pin(CampaignPin(campaignID: "campaign--b", submissionIDs: ["b0"]))
        engine.recluster()
        #expect(engine.campaign(of: "a2") == "campaign--a", "an unconfirmed member joins by its strong link")
        #expect(engine.campaign(of: "b1") == "campaign--a", "the analysts' decision stands")
        #expect(engine.campaign(of: "b0") == "campaign--b", "two confirmed campaigns never merge")
        #expect(engine.candidates.filter(\.confirmed).map(\.id) == ["campaign--a", "campaign--b"])
        // A new submission linking strongly to both confirmed campaigns joins one and names the other.
        var both = Self.traits("z", hash: "ha")
        both.attachmentSHA256 = ["ha", "hb"]
        let arrival = engine.add(both)
        #expect(arrival.campaignID == "campaign--a")
        #expect(arrival.alsoLinksToConfirmed == ["campaign--b"])
        engine.recluster()
        #expect(engine.campaign(of: "z") == "campaign--a")
        #expect(engine.campaign(of: "b0") == "campaign--b")
        // A submission pinned before it arrives goes to its campaign on arrival.
        engine.pin(CampaignPin(campaignID: "campaign--b", submissionIDs: ["late"]))
        #expect(engine.add(Self.traits("late")).campaignID == "campaign--b")
    }

    @Test func tooCommonValuesStopLinking() {
        var settings = ClusteringSettings()
        settings.weights.commonValueLimit = 3
        var engine = CampaignClustering(settings: settings)
        for i in 0..<4 { _ = engine.add(Self.traits("s\(i)", c2: "everywhere.example")) }
        let arrival = engine.add(Self.traits("s9", c2: "everywhere.example"))
        #expect(arrival.outcome == .created)
        engine.recluster()
        #expect(engine.candidates.count == 5)
        #expect(engine.links(of: "s9").isEmpty, "a value over the limit is not even looked up")
    }
}

/// A seeded generator, so the shuffles are the same on every run.
struct SplitMix: RandomNumberGenerator {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9e37_79b9_7f4a_7c15
        var z = state
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }
}
