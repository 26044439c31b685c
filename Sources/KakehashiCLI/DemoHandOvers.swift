// `kakehashi demo`: the hand-overs a member made before the demo starts — a forwarded targeted-attack
// e-mail with an attachment (held, its attachment in the vault) and an incident report (held, its
// context under TLP:RED) — so that the submissions list, the preview and the sample download have
// something real to show.
import Accounts
import Extraction
import Foundation
import Ingestion
import SharingPolicy
import Specimens
import Storage

enum DemoHandOvers {
    /// The member's forward of an attack e-mail (UTF-8, base64 body, a .lnk attachment).
    static func forwardedAttack(memberDomain: String) -> [UInt8] {
        let body = Data("""
            経理部 ご担当者様

            請求書の件でご連絡いたします。詳細は添付ファイル、または下記よりご確認ください。
            hxxps://invoice-check[.]top/jp/view?id=20261118
            配送センター 45.77.12[.]34

            """.utf8).base64EncodedString(options: .lineLength76Characters)
        var lnk = [UInt8](repeating: 0, count: 1024)
        lnk.replaceSubrange(0..<20, with: [0x4C, 0, 0, 0, 0x01, 0x14, 0x02, 0, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46])
        for index in 20..<lnk.count { lnk[index] = UInt8((index * 31) & 0xFF) }
        let attachment = Data(lnk).base64EncodedString(options: .lineLength76Characters)
        let note = Data("経理部の山田が受信した不審メールを転送します。".utf8).base64EncodedString()
        let message = """
            From: =?UTF-8?B?\(Data("SOC".utf8).base64EncodedString())?= <soc@\(memberDomain)>
            To: report@hub.example.jp
            Subject: =?UTF-8?B?\(Data("FW: 不審メールの報告".utf8).base64EncodedString())?=
            Date: Wed, 18 Nov 2026 10:12:00 +0900
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="fw"

            --fw
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            \(note)
            --fw
            Content-Type: message/rfc822

            Received: from mx01.\(memberDomain) (mx01.\(memberDomain) [10.20.1.5]) by pc-keiri07.\(memberDomain); Wed, 18 Nov 2026 09:40:12 +0900
            Received: from invoice-check.top (unknown [45.77.12.34]) by mx01.\(memberDomain); Wed, 18 Nov 2026 09:40:10 +0900
            From: =?UTF-8?B?\(Data("請求書発行センター".utf8).base64EncodedString())?= <billing@invoice-check.top>
            To: =?UTF-8?B?\(Data("山田 花子".utf8).base64EncodedString())?= <yamada.hanako@\(memberDomain)>
            Subject: =?UTF-8?B?\(Data("【重要】11月分ご請求書の送付".utf8).base64EncodedString())?=
            Date: Wed, 18 Nov 2026 09:40:00 +0900
            Message-ID: <20261118094000.1187@invoice-check.top>
            X-Mailer: Microsoft Outlook 16.0
            MIME-Version: 1.0
            Content-Type: multipart/mixed; boundary="in"

            --in
            Content-Type: text/plain; charset=utf-8
            Content-Transfer-Encoding: base64

            \(body)
            --in
            Content-Type: application/octet-stream; name="=?UTF-8?B?\(Data("請求書_11月.pdf.lnk".utf8).base64EncodedString())?="
            Content-Disposition: attachment; filename*=UTF-8''%E8%AB%8B%E6%B1%82%E6%9B%B8_11%E6%9C%88.pdf.lnk
            Content-Transfer-Encoding: base64

            \(attachment)
            --in--

            --fw--

            """
        return Array(message.replacingOccurrences(of: "\n", with: "\r\n").utf8)
    }

    static let incidentReport = #"""
        {"title": "PlugX 感染 / PlugX infection", "summary": "A spear-phishing attachment dropped PlugX; C2 over HTTPS.",
         "malware": ["PlugX"], "attack_techniques": ["T1566.001", "T1071.001", "T1053.005"], "actor": "APT10",
         "c2": ["update-check.xyz", "45.77.12.99"], "vulnerabilities": ["CVE-2023-23397"],
         "technical_timeline": [{"time": "2026-11-10T09:00:00Z", "event": "first beacon / 初回通信"}],
         "victim_name": "本社経理部", "size": "large",
         "response_timeline": [{"time": "2026-11-11T02:00:00Z", "event": "端末を隔離 / hosts isolated"}],
         "damage": "経理部の端末3台 / three accounting PCs", "countermeasure_status": "隔離済み / isolated",
         "targeted_systems": ["FS-KEIRI01"]}
        """#

    /// Submits both as the member; returns lines for the banner.
    static func submit(as principal: Principal, domain: String, to feed: Feed, store: any HubStore,
                       vault: SampleVault) async throws -> [String] {
        let desk = SubmissionDesk(intake: EnvelopeIntake(store: store, policy: PolicyEngine(store: store)), vault: vault)
        let email = try EmailSubmission.extract(forwardedAttack(memberDomain: domain),
                                                author: SubmissionDesk.author(tlp: .amber))
        let mail = try await desk.submit(email, kind: .email, sourceName: "fw-suspicious.eml", to: feed, by: principal)
        let report = try IncidentReportSubmission.extract(IncidentReport.decode(json: Data(incidentReport.utf8)),
                                                          author: SubmissionDesk.author(tlp: .amber))
        let incident = try await desk.submit(report, kind: .report, sourceName: "incident.json", to: feed, by: principal)
        var lines = ["  held hand-overs of \(principal.organization.name) (\(principal.user.email)), not yet released:",
                     "    attack e-mail  /api/v1/submissions/\(mail.id)/preview"]
        if let sample = email.samples.first { lines.append("    its attachment /api/v1/samples/\(sample.sha256)  (zip, password: infected)") }
        lines.append("    incident       /api/v1/submissions/\(incident.id)/preview")
        return lines
    }
}
