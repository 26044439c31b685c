// KakehashiBenchmark — ExtractionThroughput.swift
// Whole e-mail extraction throughput (parse, choose the attack layer, find the victim side, write
// STIX): the benchmark mail as uploaded, and the same mail forwarded by a member with its own words
// and signature, on one core.

import Extraction
import Foundation

/// Measures `EmailSubmission.extract` per second on the benchmark mail, direct and forwarded.
///
/// ```swift
/// print(EmailExtractionThroughput.run(messages: 2_000))
/// // "e-mail extraction: direct 2000 in 0.95 s = 2105 messages/s; forwarded 2000 in 1.10 s = 1818 messages/s, one core"
/// ```
public enum EmailExtractionThroughput {
    public static func run(messages: Int) -> String {
        let direct = MailParsingThroughput.sampleMessage()
        let forwarded = forward(direct)
        guard let check = try? EmailSubmission.extract(forwarded),
              check.warnings.contains(where: { $0.hasPrefix("attack message: attached message/rfc822") }),
              check.victimIdentifiers.contains("北斗電力株式会社") else {
            return "e-mail extraction: the forwarded sample did not extract as intended"
        }
        let count = max(1, messages)
        return String(format: "e-mail extraction (STIX and victim identifiers): direct %@; forwarded with the member's words %@; one core",
                      rate(direct, count), rate(forwarded, count))
    }

    static func rate(_ message: [UInt8], _ count: Int) -> String {
        var objects = 0
        let elapsed = ContinuousClock().measure {
            for _ in 0..<count { objects &+= (try? EmailSubmission.extract(message))?.objects.count ?? 0 }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        precondition(objects > 0)
        return String(format: "%d in %.2f s = %.0f messages/s", count, seconds, Double(count) / max(seconds, 1e-9))
    }

    /// The member's forward: its own words and signature, the attack attached as message/rfc822.
    static func forward(_ attack: [UInt8]) -> [UInt8] {
        let words = """
            お疲れ様です。情報システム部の田中です。不審メールを受信したため転送します。
            fs01.hokuto.local で添付を開いた形跡はありません。プロジェクト北斗の関係者宛てでした。

            --
            北斗電力株式会社 情報システム部 セキュリティ課
            田中 一郎 (たなか いちろう) / Ichiro Tanaka
            TEL: 03-1234-5678 / FAX: 03-1234-5679 内線 4321
            """
        var head = "Received: from mail.hokuto-denryoku.co.jp (mail.hokuto-denryoku.co.jp [198.18.20.5])\r\n"
        head += "\tby mx.hub.example; Mon, 1 Jun 2020 11:00:00 +0900\r\n"
        head += "From: =?UTF-8?B?55Sw5LitIOS4gOmDjg==?= <ichiro.tanaka@hokuto-denryoku.co.jp>\r\nTo: report@hub.example\r\n"
        head += "Subject: FW: suspicious\r\nDate: Mon, 1 Jun 2020 11:00:00 +0900\r\nMIME-Version: 1.0\r\n"
        head += "Content-Type: multipart/mixed; boundary=\"fwd\"\r\n\r\n--fwd\r\nContent-Type: text/plain; charset=utf-8\r\n\r\n"
        head += words + "\r\n--fwd\r\nContent-Type: message/rfc822\r\n\r\n"
        return Array(head.utf8) + attack + Array("\r\n--fwd--\r\n".utf8)
    }
}
