// KakehashiBenchmark — CampaignThroughput.swift
// Campaign clustering at scale: the traits of N synthetic submissions (campaigns in waves sharing
// attachments and C2 within a wave and templates between waves, single attacks, noise sharing one
// common mailer) added one by one as on arrival, then fully re-clustered. Prints, asserts nothing.

import Campaigns
import Foundation

/// Measures `CampaignClustering.add` per submission and `recluster()` over all of them.
///
/// ```swift
/// print(CampaignThroughput.run(submissions: 100_000))
/// // "campaign clustering of 100000 submissions: on arrival … /s; full re-clustering … s (… candidates)"
/// ```
public enum CampaignThroughput {
    public static func run(submissions: Int) -> String {
        let all = synthetic(count: max(10, submissions))
        var engine = CampaignClustering()
        let arrival = ContinuousClock().measure { for traits in all { _ = engine.add(traits) } }
        var candidates = 0
        let full = ContinuousClock().measure { candidates = engine.recluster().count }
        return String(format: "campaign clustering of %d submissions: on arrival %.0f submissions/s (%.1f s); full re-clustering %.1f s (%d candidates; target < 30 s on 2 cores)",
                      all.count, Double(all.count) / seconds(arrival), seconds(arrival), seconds(full), candidates)
    }

    static func seconds(_ duration: Duration) -> Double {
        max(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18, 1e-9)
    }

    /// Campaigns of 4–60 submissions in 1–4 waves (60 % of the submissions), the rest single attacks.
    static func synthetic(count: Int) -> [SubmissionTraits] {
        var random = Generator(state: 2026)
        var out: [SubmissionTraits] = []
        out.reserveCapacity(count)
        let words = (0..<400).map { "w\($0)" }
        var campaign = 0
        while out.count < count * 6 / 10 {
            campaign += 1
            let template = (0..<12).map { _ in words[Int(random.next() % 400)] }
            let subject = (0..<4).map { _ in words[Int(random.next() % 400)] }
            let mailer = "tool-\(campaign % 50)"
            let size = 4 + Int(random.next() % 57)
            let waves = 1 + Int(random.next() % 4)
            for index in 0..<size where out.count < count * 6 / 10 {
                let wave = index % waves
                var traits = SubmissionTraits(submissionID: String(format: "s%07d", out.count), organization: "org\(random.next() % 40)")
                traits.attachmentSHA256 = ["c\(campaign)w\(wave)-payload"]
                traits.c2Hosts = ["c\(campaign)w\(wave).example"]
                traits.mailer = mailer
                var body = template
                body[Int(random.next() % 12)] = words[Int(random.next() % 400)]
                traits.subjectTemplate = subject.joined(separator: " ")
                traits.subjectSignature = TextTemplates.signature(of: traits.subjectTemplate, size: SubmissionTraits.subjectSignatureSize)
                traits.bodySignature = TextTemplates.signature(of: body.joined(separator: " "), size: SubmissionTraits.bodySignatureSize)
                out.append(traits)
            }
        }
        while out.count < count {
            var traits = SubmissionTraits(submissionID: String(format: "s%07d", out.count), organization: "org\(random.next() % 40)")
            traits.attachmentSHA256 = ["single-\(out.count)"]
            traits.c2Hosts = random.next() % 3 == 0 ? ["cdn.shared.example"] : ["single-\(out.count).example"]
            traits.mailer = "microsoft outlook 16.0"
            let body = (0..<10).map { _ in words[Int(random.next() % 400)] }
            traits.bodySignature = TextTemplates.signature(of: body.joined(separator: " "), size: SubmissionTraits.bodySignatureSize)
            out.append(traits)
        }
        return out
    }

    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
    }
}
