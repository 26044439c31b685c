// CampaignsTests — TraitTests.swift
// The traits a reported attack e-mail gives the campaign engine: normal forms (case, IDN, IPv6,
// refanging), templates with what varies masked, the attacker's own words of a hijacked reply, TLSH
// distance, look-alikes of the recipient's domain — and no value of the victim's side among them.

import Foundation
import Testing
import MailParsing
import Specimens
@testable import Campaigns

@Suite struct NormalizationTests {
    @Test func hostsMeetInOneForm() {
        #expect(ObservableNormalization.host("Evil-Site.Example.") == "evil-site.example")
        #expect(ObservableNormalization.host("evil-site[.]example") == "evil-site.example")
        #expect(ObservableNormalization.host("ＥＶＩＬ.example") == "evil.example")
        #expect(ObservableNormalization.host("例え.テスト") == "xn--r8jz45g.xn--zckzah")
        #expect(ObservableNormalization.host("[2001:DB8:0:0:0:0:0:1]") == "2001:db8::1")
    }

    @Test func addressesAndURLs() {
        #expect(ObservableNormalization.ip("2001:0db8:0000::0001") == "2001:db8::1")
        #expect(ObservableNormalization.ip("192.0.2[.]7") == "192.0.2.7")
        #expect(ObservableNormalization.host(ofURL: "hxxps://user@Login-Check[.]Example:8443/a?b=c") == "login-check.example")
        #expect(ObservableNormalization.host(ofURL: "http://[2001:db8::0:5]:8080/x") == "2001:db8::5")
        #expect(ObservableNormalization.address("<Info@Mail.EXAMPLE.>") == "info@mail.example")
        #expect(ObservableNormalization.messageIDDomain("<1a2b@MX.Attacker.Example>") == "mx.attacker.example")
        #expect(ObservableNormalization.mailer("  The Bat!   (v9.1)  ") == "the bat! (v9.1)")
    }
}

@Suite struct TemplateTests {
    @Test func varyingPartsAreMasked() {
        let a = TextTemplates.mask("【重要】12月3日までにご確認ください 山田様 請求番号 88231 https://a.example/x", masking: ["山田"])
        let b = TextTemplates.mask("【重要】1月15日までにご確認ください 佐藤様 請求番号 10442 https://b.example/y", masking: ["佐藤"])
        #expect(a == b)
        #expect(a == "【重要】 <date> までにご確認ください <name> 様 請求番号 <n> <url>")
        #expect(TextTemplates.mask("due 2026/09/01 at 10:30") == "due <date> at <time>")
    }

    @Test func replyPrefixesGo() {
        #expect(TextTemplates.bareSubject("RE: Re: FW: 見積書の件") == "見積書の件")
        #expect(TextTemplates.bareSubject("転送: 【外部】返信: 会議の件") == "会議の件")
        #expect(TextTemplates.bareSubject("Reminder: invoice") == "Reminder: invoice")
    }

    @Test func ownWordsOfAHijackedReply() {
        let body = "山田様\n添付をご確認ください。\nパスワード: x\n\n-----Original Message-----\nFrom: 山田\n前回の議事録です。\n"
        #expect(TextTemplates.ownText(ofBody: body) == "山田様\n添付をご確認ください。\nパスワード: x\n")
        let quoted = "Please see attached.\n> earlier text\n> more\nOn Mon, 1 Sep 2026, Taro wrote:\nold"
        #expect(TextTemplates.ownText(ofBody: quoted) == "Please see attached.")
    }

    @Test func namingSchemesAndAccountShapes() {
        #expect(TextTemplates.fileNameTemplate("請求書_20261201_北斗電力.ZIP", masking: ["北斗電力"]) == "請求書_#_<name>.zip")
        #expect(TextTemplates.fileNameTemplate("Invoice-88812.xlsm") == TextTemplates.fileNameTemplate("invoice-1.xlsm"))
        #expect(TextTemplates.localPartPattern("acct004211") == "a4d6")
        #expect(TextTemplates.localPartPattern("tanaka.k1987") == "a6.a1d4")
    }

    @Test func similarityOfSignatures() {
        let base = TextTemplates.mask("お世話になっております。添付の請求書をご確認ください。期限は本日中です。よろしくお願いいたします。")
        let edited = TextTemplates.mask("お世話になっております。添付の請求書をご確認ください。よろしくお願いいたします。")
        let other = TextTemplates.mask("Your mailbox is almost full. Click below to upgrade your storage quota now.")
        let s = TextTemplates.signature(of: base, size: 64)
        #expect(TextTemplates.similarity(s, s) == 1)
        #expect(TextTemplates.similarity(s, TextTemplates.signature(of: edited, size: 64)) > 0.5)
        #expect(TextTemplates.similarity(s, TextTemplates.signature(of: other, size: 64)) < 0.1)
        #expect(TextTemplates.signature(of: base, size: 64) == s, "signatures are the same on every run")
    }
}

@Suite struct TLSHDistanceTests {
    static func bytes(seed: UInt64, count: Int) -> [UInt8] {
        var state = seed
        return (0..<count).map { _ in
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return UInt8(truncatingIfNeeded: state)
        }
    }

    @Test func nearAndFar() throws {
        let original = Self.bytes(seed: 7, count: 6000)
        var edited = original
        for i in stride(from: 100, to: 6000, by: 150) { edited[i] ^= 0x5a }
        let unrelated = Self.bytes(seed: 99, count: 6000)
        let a = try #require(TLSH.hash(of: original))
        let b = try #require(TLSH.hash(of: edited))
        let c = try #require(TLSH.hash(of: unrelated))
        #expect(TLSHDistance.between(a, a) == 0)
        let near = try #require(TLSHDistance.between(a, b))
        let far = try #require(TLSHDistance.between(a, c))
        #expect(near < 70, "an edit of 40 bytes in 6000: \(near)")
        #expect(far > near)
        #expect(TLSHDistance.between(a, b) == TLSHDistance.between(b, a))
        #expect(TLSHDistance.between(a, "T1XYZ") == nil)
    }

    @Test("a digest's candidate keys are the same with or without the T1 prefix (samples' STIX hashes carry 70 digits)")
    func piecesWithoutPrefix() throws {
        let digest = try #require(TLSH.hash(of: Self.bytes(seed: 7, count: 6000)))
        #expect(digest.hasPrefix("T1") && digest.count == 72)
        let pieces = TLSHDistance.pieces(digest)
        #expect(pieces.count == 8)
        #expect(TLSHDistance.pieces(String(digest.dropFirst(2))) == pieces)
        #expect(TLSHDistance.pieces(String(digest.dropFirst(2)).lowercased()) == pieces)
        #expect(TLSHDistance.pieces("T1XYZ").isEmpty)
    }
}

@Suite struct LookalikeTests {
    @Test func sameRecipeAgainstDifferentVictimsGivesOneTemplate() {
        let a = LookalikeDomains.template(of: "hokuto-denryoku-co-jp.com", imitating: "hokuto-denryoku.co.jp")
        let b = LookalikeDomains.template(of: "shinonome-chem-co-jp.com", imitating: "shinonome-chem.co.jp")
        #expect(a == "<victim>-<suffix>.com")
        #expect(a == b)
        #expect(LookalikeDomains.template(of: "momiji-oil.account-check.com", imitating: "momiji-oil.com") == "<victim>.account-check.com")
        #expect(LookalikeDomains.template(of: "momlji-oil.com", imitating: "momiji-oil.com") == "<victim~1>.com")
        #expect(LookalikeDomains.template(of: "mail.momiji-oil.com", imitating: "momiji-oil.com") == nil)
        #expect(LookalikeDomains.template(of: "unrelated.example", imitating: "momiji-oil.com") == nil)
    }
}

@Suite struct SubmissionTraitTests {
    static let eml = """
        Received: from mx1.hokuto-denryoku.co.jp (mx1.hokuto-denryoku.co.jp [10.1.2.3]) by mbx01.hokuto.local with ESMTP id AB12; Tue, 01 Sep 2026 10:00:03 +0900
        Received: from mail.secure-portal7.example (mail.secure-portal7.example [185.44.12.9]) by mx1.hokuto-denryoku.co.jp (Postfix) with ESMTPS id F00 for <taro.yamada@hokuto-denryoku.co.jp>; Tue, 01 Sep 2026 10:00:00 +0900
        Return-Path: <bounce@secure-portal7.example>
        From: =?UTF-8?B?5oOF5aCx44K344K544OG44Og6YOo?= <it-support@hokuto-denryoku-co-jp.com>
        Reply-To: <Helpdesk@Secure-Portal7.example>
        To: =?UTF-8?B?5bGx55SwIOWkqumDjg==?= <taro.yamada@hokuto-denryoku.co.jp>
        Subject: =?UTF-8?B?UmU6IOOAkOmHjeimgeOAkeOCouOCq+OCpuODs+ODiOeiuuiqjeOBruOBiumhmOOBhA==?=
        Date: Tue, 01 Sep 2026 09:59:00 +0900
        Message-ID: <abc123@Secure-Portal7.example>
        X-Mailer: The Bat! (v9.1.18) Professional
        MIME-Version: 1.0
        Content-Type: text/plain; charset=UTF-8

        山田様

        下記URLよりログインのうえ内容をご確認ください。期限は9月3日です。
        hxxps://login[.]secure-portal7[.]example/auth/123
        http://mail.hokuto-denryoku.co.jp/owa
        DNS 8.8.8.8

        """

    @Test func attackerValuesAreTraitsAndVictimValuesAreNot() throws {
        let message = try MailMessage.parse(Array(Self.eml.replacingOccurrences(of: "\n", with: "\r\n").utf8))
        let report = ForwardedAttack(message)
        let traits = SubmissionTraits(submissionID: "s1", organization: "hokuto", report: report,
                                      victimIdentifiers: ["taro.yamada@hokuto-denryoku.co.jp", "山田 太郎", "山田",
                                                          "hokuto-denryoku.co.jp", "mx1.hokuto-denryoku.co.jp"])
        #expect(traits.sendingIP == "185.44.12.9")
        #expect(traits.sendingHost == "mail.secure-portal7.example")
        #expect(traits.senderDomain == "hokuto-denryoku-co-jp.com")
        #expect(traits.envelopeDomain == "secure-portal7.example")
        #expect(traits.replyTo == ["helpdesk@secure-portal7.example"])
        #expect(traits.messageIDDomain == "secure-portal7.example")
        #expect(traits.mailer == "the bat! (v9.1.18) professional")
        #expect(traits.c2Hosts == ["login.secure-portal7.example"])
        #expect(traits.c2IPs == ["8.8.8.8"], "excluded later by the lists, but a trait")
        #expect(traits.lookalikeTemplates == ["<victim>-<suffix>.com"])
        #expect(traits.subjectTemplate == "【重要】アカウント確認のお願い")
        #expect(traits.bodySignature.count == SubmissionTraits.bodySignatureSize)
        // Nothing of the victim's side: recipients, their domain and mail hosts, internal relays, names.
        let everything = try String(decoding: JSONEncoder().encode(traits), as: UTF8.self)
        for victim in ["taro.yamada", "mx1.hokuto-denryoku.co.jp", "mail.hokuto-denryoku.co.jp", "10.1.2.3", "hokuto.local", "山田"] {
            #expect(!everything.contains(victim), "victim value \(victim) in the traits")
        }
    }
}

@Suite struct VictimSideNeverLinksTests {
    /// Two unrelated attacks on the same member: same recipient, same internal relays, the
    /// recipient's name in both subjects and bodies, each from its own infrastructure.
    static func attack(sender: String, ip: String, c2: String, subject: String, words: String) -> String {
        """
        Received: from mx1.hokuto-denryoku.co.jp (mx1.hokuto-denryoku.co.jp [10.1.2.3]) by mbx01.hokuto.local with ESMTP id AB12; Tue, 01 Sep 2026 10:00:03 +0900
        Received: from mail.\(sender) (mail.\(sender) [\(ip)]) by mx1.hokuto-denryoku.co.jp (Postfix) with ESMTPS id F00 for <taro.yamada@hokuto-denryoku.co.jp>; Tue, 01 Sep 2026 10:00:00 +0900
        From: Notice <info@\(sender)>
        To: Taro Yamada <taro.yamada@hokuto-denryoku.co.jp>
        Subject: \(subject) Hokuto Denryoku Yamada
        Date: Tue, 01 Sep 2026 09:59:00 +0900
        Message-ID: <x1@\(sender)>
        MIME-Version: 1.0
        Content-Type: text/plain; charset=UTF-8

        Dear Yamada,
        \(words) https://\(c2)/a
        Hokuto Denryoku intranet http://portal.hokuto-denryoku.co.jp/ from 10.1.2.3, Taro Yamada.

        """
    }

    @Test func recipientsTheirDomainAndRelaysLinkNothing() throws {
        let victims = ["taro.yamada@hokuto-denryoku.co.jp", "Taro Yamada", "Yamada", "Hokuto Denryoku",
                       "hokuto-denryoku.co.jp", "mx1.hokuto-denryoku.co.jp", "portal.hokuto-denryoku.co.jp", "10.1.2.3"]
        func traits(_ id: String, _ text: String) throws -> SubmissionTraits {
            let report = ForwardedAttack(try MailMessage.parse(Array(text.replacingOccurrences(of: "\n", with: "\r\n").utf8)))
            return SubmissionTraits(submissionID: id, organization: "hokuto", report: report, victimIdentifiers: victims)
        }
        let a = try traits("a", Self.attack(sender: "alpha-mail.example", ip: "185.1.1.1", c2: "c2-alpha.example", subject: "Invoice overdue",
                                         words: "Your invoice is overdue; pay it today through the portal below or the account closes."))
        let b = try traits("b", Self.attack(sender: "beta-notice.example", ip: "91.2.2.2", c2: "c2-beta.example", subject: "Password expiry",
                                         words: "Mailbox password expires tonight, so renew credentials using this secure page."))
        let link = EvidenceLinking(exclusions: .none).link(a, b)
        #expect(link.evidence.isEmpty, "shared only victim-side values: \(link.evidence)")
        #expect(a.c2Hosts == ["c2-alpha.example"])
        #expect(a.c2IPs.isEmpty && a.sendingIP == "185.1.1.1")
        var engine = CampaignClustering(settings: ClusteringSettings(exclusions: .none))
        _ = engine.add(a)
        #expect(engine.add(b).outcome == .created)
    }
}
