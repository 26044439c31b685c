// MailParsingTests — ForwardTests.swift
// Attack selection built in memory: forward or quoted correspondence decided both ways, quoted
// dates, passwords in text, ZipCrypto members written here by a separate encryptor (data
// descriptor variant included), nested zips and their bounds, character references and IDN links.

import Foundation
import Testing
@testable import MailParsing

// MARK: - A tiny zip writer with ZipCrypto, independent of the reader

/// Writes stored (uncompressed) zips, optionally ZipCrypto-encrypted, the way APPNOTE 6.1 says.
enum TestZip {
    static func crc(_ bytes: [UInt8]) -> UInt32 {
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes {
            crc ^= UInt32(byte)
            for _ in 0..<8 { crc = crc & 1 == 1 ? (crc >> 1) ^ 0xEDB8_8320 : crc >> 1 }
        }
        return ~crc
    }

    struct Cipher {
        var keys: (UInt32, UInt32, UInt32) = (0x1234_5678, 0x2345_6789, 0x3456_7890)
        init(_ password: String) { for byte in password.utf8 { update(byte) } }
        static func step(_ crc: UInt32, _ byte: UInt8) -> UInt32 {
            var value = (crc ^ UInt32(byte)) & 0xFF
            for _ in 0..<8 { value = value & 1 == 1 ? (value >> 1) ^ 0xEDB8_8320 : value >> 1 }
            return value ^ (crc >> 8)
        }
        mutating func update(_ byte: UInt8) {
            keys.0 = Self.step(keys.0, byte)
            keys.1 = (keys.1 &+ (keys.0 & 0xFF)) &* 134_775_813 &+ 1
            keys.2 = Self.step(keys.2, UInt8(keys.1 >> 24))
        }
        mutating func encrypt(_ bytes: [UInt8]) -> [UInt8] {
            bytes.map { plain in
                let temp = keys.2 | 2
                let cipher = plain ^ UInt8(truncatingIfNeeded: (temp &* (temp ^ 1)) >> 8)
                update(plain)
                return cipher
            }
        }
    }

    /// (name, data, password or nil, name bytes as given or UTF-8 with the flag)
    static func make(_ members: [(name: [UInt8], data: [UInt8], password: String?, utf8: Bool)], dataDescriptor: Bool = false) -> [UInt8] {
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func le32(_ value: UInt32) -> [UInt8] { le16(Int(value & 0xFFFF)) + le16(Int(value >> 16)) }
        let time = 0x6A21 // DOS time; its high byte is the check byte when bit 3 is set
        var local: [UInt8] = [], central: [UInt8] = []
        for member in members {
            let crc = crc(member.data)
            var payload = member.data
            var flags = member.utf8 ? 0x800 : 0
            if let password = member.password {
                flags |= 1
                if dataDescriptor { flags |= 8 }
                var cipher = Cipher(password)
                let check = dataDescriptor ? UInt8(time >> 8) : UInt8(crc >> 24)
                payload = cipher.encrypt([0x11, 0x22, 0x33, 0x44, 0x55, 0x66, 0x77, 0x88, 0x99, 0xAA, 0xBB, check] + member.data)
            }
            let offset = UInt32(local.count)
            local += le32(0x0403_4B50) + le16(20) + le16(flags) + le16(0) + le16(time) + le16(0x5821) + le32(crc)
            local += le32(UInt32(payload.count)) + le32(UInt32(member.data.count)) + le16(member.name.count) + le16(0) + member.name + payload
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(flags) + le16(0) + le16(time) + le16(0x5821) + le32(crc)
            central += le32(UInt32(payload.count)) + le32(UInt32(member.data.count)) + le16(member.name.count) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(0) + le32(offset) + member.name
        }
        return local + central + le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
            + le32(UInt32(central.count)) + le32(UInt32(local.count)) + le16(0)
    }

    static func mail(text: String, zip: [UInt8], from: String = "a@denryoku-a.example.jp") -> [UInt8] {
        Array(("From: \(from)\nTo: soc@denryoku-a.example.jp\nSubject: zip\nDate: Tue, 14 May 2024 09:00:00 +0900\n"
            + "MIME-Version: 1.0\nContent-Type: multipart/mixed; boundary=z\n\n--z\nContent-Type: text/plain; charset=utf-8\n\n"
            + text + "\n--z\nContent-Type: application/zip; name=a.zip\nContent-Transfer-Encoding: base64\n\n"
            + Data(zip).base64EncodedString(options: .lineLength76Characters) + "\n--z--\n").utf8)
    }
}

@Suite("Encrypted and nested zips")
struct EncryptedZipTests {
    let attack = Array("From: Billing <bill@evil.example.com>\nTo: suzuki@denryoku-a.example.jp\nSubject: Invoice\nDate: Mon, 13 May 2024 10:21:00 +0900\n\nPay now: https://pay.evil.example.com/\n".utf8)

    @Test func passwordFromTheTextOpensTheEmlAndTheSample() throws {
        let exe: [UInt8] = [0x4D, 0x5A] + (0..<500).map { UInt8($0 % 251) }
        let zip = TestZip.make([(Array("攻撃メール.eml".utf8), attack, "pq-77", true), (Array("a.exe".utf8), exe, "pq-77", true)])
        let message = try MailMessage.parse(TestZip.mail(text: "PPAPです。\nPW: pq-77\n--\n鈴木", zip: zip))
        let members = try #require(message.attachments.first?.archiveMembers)
        #expect(members.map(\.sha256) == [Digests(attack).sha256, Digests(exe).sha256])
        #expect(members.allSatisfy { $0.password == "pq-77" && $0.isEncrypted })
        let report = ForwardedAttack(message)
        #expect(report.attackSelection == "attack message: .eml in encrypted zip (password from the forward's text), depth 1")
        #expect(report.attack.subject == "Invoice")
        #expect(report.layers.first?.ownText.contains("鈴木") == true)
        #expect(report.victimIdentifiers.contains("a@denryoku-a.example.jp"))
        #expect(!report.victimIdentifiers.contains("bill@evil.example.com"))
    }

    @Test func dataDescriptorZipsCheckTheTimeByte() throws {
        let zip = TestZip.make([(Array("m.eml".utf8), attack, "infected", true)], dataDescriptor: true)
        let report = ForwardedAttack(try MailMessage.parse(TestZip.mail(text: "sample attached", zip: zip)))
        #expect(report.attackSelection.contains("encrypted zip (password infected)"))
        #expect(report.attack.from?.address == "bill@evil.example.com")
    }

    @Test func wrongPasswordLeavesMembersUnhashed() throws {
        let zip = TestZip.make([(Array("x.bin".utf8), Array(repeating: 7, count: 300), "right-one", true)])
        let message = try MailMessage.parse(TestZip.mail(text: "password: wrong-one", zip: zip))
        let member = try #require(message.attachments.first?.archiveMembers?.first)
        #expect(member.sha256 == nil && member.isEncrypted)
        #expect(message.warnings.contains { $0.contains("encrypted members are listed but not hashed") })
    }

    @Test func passwordFromAnOuterLayerOpensTheAttacksZip() throws {
        // The attack's own zip is encrypted; the forwarder wrote its password above the forward.
        let exe: [UInt8] = [0x4D, 0x5A, 1, 2, 3, 4, 5]
        let zip = TestZip.make([(Array("invoice.exe".utf8), exe, "2024May", true)])
        let inner = TestZip.mail(text: "請求書です", zip: zip, from: "bill@evil.example.com")
        let outer = "From: suzuki@denryoku-a.example.jp\nTo: soc@denryoku-a.example.jp\nSubject: FW\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/mixed; boundary=o\n\n--o\nContent-Type: text/plain; charset=utf-8\n\n"
            + "別メールのパスワードは「2024May」でした。\n--o\nContent-Type: message/rfc822\n\n"
        let report = ForwardedAttack(try MailMessage.parse(Array(outer.utf8) + inner + Array("\n--o--\n".utf8)))
        #expect(report.attack.attachments.first?.archiveMembers?.first?.sha256 == Digests(exe).sha256)
    }

    @Test func nestedZipsStopAtTheNestingLimit() throws {
        var zip = TestZip.make([(Array("core.exe".utf8), [0x4D, 0x5A, 0, 0], nil, true)])
        for level in 0..<6 { zip = TestZip.make([(Array("level\(level).zip".utf8), zip, nil, true)]) }
        let listing = ZipContents.list(zip)
        #expect(listing.members.map(\.nestingDepth).max() == ZipContents.maxNesting)
        #expect(listing.members.count == ZipContents.maxNesting + 1)
        #expect(listing.members.allSatisfy { $0.sha256 != nil })
        #expect(listing.problem?.contains("nested deeper") == true)
    }

    @Test func cp932NamesWithoutTheUTF8Flag() throws {
        let names = ["見積書.exe", "ｼｽﾃﾑ更新.exe", "①議事録.docx", "請求書/2024年5月.xlsm", "ｱｲｳｴ.txt", "ﾃｽﾄ.js"]
        var members: [(name: [UInt8], data: [UInt8], password: String?, utf8: Bool)] = []
        for name in names {
            let bytes = [UInt8](try #require(name.data(using: .shiftJIS)))
            if name.hasPrefix("①") { members.append((Array(name.utf8), [1], nil, false)); continue } // UTF-8 without flag
            members.append((bytes, [1], nil, false))
        }
        #expect(ZipContents.list(TestZip.make(members)).members.map(\.name) == names)
    }

    @Test func inflateStopsAtItsLimit() throws {
        // 1 MB of zeros deflated (a tiny bomb) refused past 64 KB.
        let compressed: [UInt8] = [0xED, 0xC1, 0x31, 0x01, 0, 0, 0, 0xC2, 0xA0, 0xF5, 0x4F, 0x6D, 0x08, 0x5F, 0xA0]
            + [UInt8](repeating: 0, count: 1016) + [0x3E, 0x03]
        #expect(throws: (any Error).self) { try ZipContents.inflate(compressed, limit: 64 << 10) }
        #expect((try? ZipContents.inflate(compressed, limit: 64 << 20))?.count == 1 << 20)
    }
}

// MARK: - Passwords, dates, quoting

@Suite("Forward pieces")
struct ForwardPieceTests {
    @Test func damagedOutlookItemsNeverCrash() throws {
        let report = try MailMessage.parse(Corpus.bytes("56_fwd_outlook_msg_item.eml"))
        let item = try #require(report.attachments.first?.data)
        #expect(OutlookItem.message(item) != nil)
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var damaged = Array(item.prefix(Int.random(in: 0...item.count, using: &generator)))
            if round % 2 == 0, damaged.count > 600 {
                for _ in 0..<20 { damaged[Int.random(in: 8..<damaged.count, using: &generator)] = UInt8.random(in: 0...255, using: &generator) }
            }
            if let rebuilt = OutlookItem.message(damaged) { _ = try? MailMessage.parse(rebuilt) }
        }
    }

    @Test func passwordsInText() {
        #expect(PasswordHints.passwords(in: "添付ファイルのパスワード：Xk29pq です") == ["Xk29pq", "infected"])
        #expect(PasswordHints.passwords(in: "パスワード: abc-123\n") == ["abc-123", "infected"])
        #expect(PasswordHints.passwords(in: "解凍パスワード\n\n  Zz99\n") == ["Zz99", "infected"])
        #expect(PasswordHints.passwords(in: "The password is s3cret.") == ["s3cret", "infected"])
        #expect(PasswordHints.passwords(in: "PW: q1w2e3") == ["q1w2e3", "infected"])
        #expect(PasswordHints.passwords(in: "解凍パスワードは以下の通りです。\n\n0306abcdYm\n").contains("0306abcdYm"))
        #expect(PasswordHints.passwords(in: "パスワードは別途お送りします。\n\n以上").last == "infected")
        #expect(PasswordHints.passwords(in: "パスワードは Mn#9821x です。").contains("Mn#9821x"))
        #expect(PasswordHints.passwords(in: "パスワードは「ｐａｓｓ１」です") == ["ｐａｓｓ１", "pass1", "infected"])
        #expect(PasswordHints.passwords(in: "> パスワード：quoted9") == ["quoted9", "infected"])
        #expect(PasswordHints.passwords(in: "no hint here, bypass pwned") == ["infected"])
    }

    @Test func quotedDates() {
        let expected = Date(timeIntervalSince1970: 1_715_563_260) // 2024-05-13 10:21 +0900
        #expect(MailDate.parseQuoted("2024年5月13日(月) 10:21", defaultOffsetMinutes: nil) == expected)
        #expect(MailDate.parseQuoted("2024年5月13日 月曜日 午前10:21", defaultOffsetMinutes: 540) == expected)
        #expect(MailDate.parseQuoted("Monday, May 13, 2024 10:21 AM", defaultOffsetMinutes: 540) == expected)
        #expect(MailDate.parseQuoted("Monday, May 13, 2024 1:21 AM", defaultOffsetMinutes: 0) == expected)
        #expect(MailDate.parseQuoted("Mon, 13 May 2024 at 10:21", defaultOffsetMinutes: 540) == expected)
        #expect(MailDate.parseQuoted("Mon, 13 May 2024 10:21:00 +0900", defaultOffsetMinutes: 0) == expected)
        #expect(MailDate.parseQuoted("2024/05/13 10:21", defaultOffsetMinutes: 540) == expected)
        #expect(MailDate.parseQuoted("Sunday, May 12, 2024 9:21 PM", defaultOffsetMinutes: -240) == expected)
        #expect(MailDate.parseQuoted("May 13, 2024 at 10:21:00 GMT+9", defaultOffsetMinutes: 0) == expected)
        #expect(MailDate.parseQuoted("13 May 2024 at 01:21 UTC+0000", defaultOffsetMinutes: 540) == expected)
        #expect(MailDate.parseQuoted("2024年5月13日 10:21 JST", defaultOffsetMinutes: 0) == expected)
        #expect(MailDate.parseQuoted("someday", defaultOffsetMinutes: nil) == nil)
    }

    @Test func quotePrefixesAtAnyDepth() {
        let lines = QuotedLine.split("top\n> one\n>> two\n> > two too\n>>>three\nnot > quoted")
        #expect(lines.map(\.depth) == [0, 1, 2, 2, 3, 0])
        #expect(lines.map { String($0.text) } == ["top", "one", "two", "two too", "three", "not > quoted"])
    }

    @Test func quotedPeople() {
        let outlook = QuotedHeaderBlock.people("山田 太郎 [mailto:yamada@example.jp]; 鈴木 一郎")
        #expect(outlook == [MailAddress(address: "yamada@example.jp", displayName: "山田 太郎"),
                            MailAddress(address: "", displayName: "鈴木 一郎")])
        #expect(QuotedHeaderBlock.people("総務部") == [MailAddress(address: "", displayName: "総務部")])
    }

    @Test func characterReferencesAndIDNLinks() {
        #expect(HTMLText.decodeReferencesInText("https://&#x4F8B;&#12360;.example.jp/?a=1&copy=2&amp;b") ==
                "https://例え.example.jp/?a=1&copy=2&b")
        #expect(BodyLinks.urls(in: "see https://evil.ウェブ.example.com/x and https://例え.テスト/t") ==
                ["https://evil.ウェブ.example.com/x", "https://例え.テスト/t"])
        #expect(BodyLinks.urls(in: "https://a.example.comへアクセス、https://b.example.jp。次") ==
                ["https://a.example.com", "https://b.example.jp"])
        #expect(HTMLText.decodeEntities(Array("https://x.example/?a=1&copy=2&amp;c=3".utf8)[...]) == "https://x.example/?a=1&copy=2&c=3")
    }
}

// MARK: - Forward or quoted correspondence, both directions

@Suite("Forward or quoted correspondence")
struct ForwardDecisionTests {
    /// The same Outlook block about an exchange between the victim and the attacker.
    let block = """
        -----Original Message-----
        From: Billing <bill@evil.example.com>
        Sent: Monday, May 13, 2024 10:21 AM
        To: Suzuki Ichiro <suzuki@denryoku-a.example.jp>
        Subject: Invoice 42

        Please pay: https://pay.evil.example.com/42
        """

    func mail(from: String, to: String, subject: String, text: String) throws -> MailMessage {
        try MailMessage.parse(Array("From: \(from)\nTo: \(to)\nSubject: \(subject)\nDate: Tue, 14 May 2024 09:00:00 +0900\nContent-Type: text/plain; charset=utf-8\n\n\(text)\n".utf8))
    }

    @Test func theVictimForwardingIsAForward() throws {
        let report = ForwardedAttack(try mail(from: "Suzuki Ichiro <suzuki@denryoku-a.example.jp>", to: "soc@denryoku-a.example.jp",
                                              subject: "FW: Invoice 42", text: "Suspicious.\nSuzuki, ext. 1234\n\n" + block))
        #expect(report.attackSelection == "attack message: inline forward (Outlook), depth 1")
        #expect(report.attack.from == MailAddress(address: "bill@evil.example.com", displayName: "Billing"))
        #expect(report.attack.links == ["https://pay.evil.example.com/42"])
        #expect(report.layers.first?.ownText == "Suspicious.\nSuzuki, ext. 1234")
        #expect(report.victimIdentifiers.contains("suzuki@denryoku-a.example.jp"))
        #expect(report.victimIdentifiers.contains("soc@denryoku-a.example.jp"))
        #expect(!report.victimIdentifiers.contains("bill@evil.example.com"))
    }

    @Test func aColleagueForwardingOnIsAForward() throws {
        // Sent to a different party than the quoted message, by someone else than its sender.
        let report = ForwardedAttack(try mail(from: "cert@denryoku-a.example.jp", to: "report@hub.example.jp",
                                              subject: "report", text: "from our staff\n\n" + block))
        #expect(report.layers.count == 1)
        #expect(report.attack.subject == "Invoice 42")
    }

    @Test func passingOnToAnotherPartyIsAForwardWhenTheSubjectSaysSo() throws {
        // An ISAC analyst (no recipient of the quoted mail, another domain) forwards to the hub.
        let forwarded = ForwardedAttack(try mail(from: "analyst@isac.example.org", to: "report@hub.example.jp",
                                                 subject: "FW: Invoice 42", text: "member report\n\n" + block))
        #expect(forwarded.layers.count == 1)
        // The same block quoted by an attacker to a third party without a forward subject: not a forward.
        let lure = ForwardedAttack(try mail(from: "Billing Support <support@evil2.example.net>", to: "tanaka@gas-b.example.jp",
                                            subject: "Invoice 42 (reminder)", text: "See below.\n\n" + block))
        #expect(lure.layers.isEmpty)
        #expect(lure.attack.from?.address == "support@evil2.example.net")
    }

    @Test func theAttackerQuotingAFakeThreadIsNotAForward() throws {
        // Reply-chain lure: the attacker writes to the victim and quotes a made-up mail from the victim.
        let lure = """
            -----Original Message-----
            From: Suzuki Ichiro <suzuki@denryoku-a.example.jp>
            Sent: Friday, May 10, 2024 3:00 PM
            To: Billing <bill@evil.example.com>
            Subject: Invoice 42

            > 先日の件
            > よろしくお願いします。
            """
        let report = ForwardedAttack(try mail(from: "Billing <bill@evil.example.com>", to: "Suzuki Ichiro <suzuki@denryoku-a.example.jp>",
                                              subject: "RE: Invoice 42", text: "Corrected invoice attached.\n\n" + lure))
        #expect(report.layers.isEmpty && report.wrapper == nil)
        #expect(report.attack.from?.address == "bill@evil.example.com")
        #expect(report.attackSelection.contains("the message itself"))
        #expect(!report.victimIdentifiers.contains("bill@evil.example.com"))
    }

    @Test func aThreadHijackQuotingTheVictimsOwnThreadIsNotAForward() throws {
        // Emotet style: the quoted mail went from a partner to the victim; the attacker replies to the victim.
        let hijack = "-----Original Message-----\nFrom: Partner <p@partner.example.jp>\nSent: Friday, May 10, 2024 3:00 PM\n"
            + "To: Suzuki Ichiro <suzuki@denryoku-a.example.jp>\nSubject: 打合せ\n\n資料です。"
        let report = ForwardedAttack(try mail(from: "Partner <p.partner@hijacked.example.net>", to: "suzuki@denryoku-a.example.jp",
                                              subject: "RE: 打合せ", text: "添付をご確認ください。\n\n" + hijack))
        #expect(report.layers.isEmpty)
        #expect(report.attack.from?.address == "p.partner@hijacked.example.net")
    }

    @Test func aFakeForwardToTheRecipientItQuotesIsNotAForward() throws {
        // The attacker's own mail, submitted as it came, dressed as a Gmail forward to the victim.
        let text = "経理部より転送します。\n\n---------- Forwarded message ---------\nFrom: 銀行 <notice@bank-lookalike.example.com>\n"
            + "Date: Mon, 13 May 2024 at 10:21\nSubject: 振込先変更\nTo: suzuki@denryoku-a.example.jp\n\n口座が変わりました。"
        let report = ForwardedAttack(try mail(from: "Keiri <keiri@denryoku-a-group.example.net>", to: "suzuki@denryoku-a.example.jp",
                                              subject: "Fwd: 振込先変更", text: text))
        #expect(report.layers.isEmpty)
        #expect(report.attack.from?.address == "keiri@denryoku-a-group.example.net")
        #expect(!report.victimIdentifiers.contains("keiri@denryoku-a-group.example.net"))
    }

    @Test func aFromLineInTheAttackersBodyIsNotAForward() throws {
        let report = ForwardedAttack(try mail(from: "総務部 <soumu@lookalike.example.net>", to: "staff@denryoku-a.example.jp",
                                              subject: "年末調整", text: "各位\n\nFrom: 総務部\nSubject: 年末調整\n\n提出してください"))
        #expect(report.layers.isEmpty)
    }

    @Test func aGmailForwardFromTheRecipient() throws {
        let text = "見てください\n\n---------- Forwarded message ---------\nFrom: Billing <bill@evil.example.com>\nDate: Mon, 13 May 2024 at 10:21\nSubject: Invoice\nTo: <x@gmail.com>\n\n\nbody"
        let report = ForwardedAttack(try mail(from: "x@gmail.com", to: "y@gmail.com", subject: "Invoice", text: text))
        #expect(report.attackSelection == "attack message: inline forward (Gmail), depth 1")
        #expect(report.attack.date == Date(timeIntervalSince1970: 1_715_563_260))
        #expect(report.attack.bodyText == "body")
    }

    @Test func anHTMLOnlyOutlookForwardKeepsTheQuotedLinks() throws {
        let html = "<html><body><p>Please look.</p><p>Suzuki / 03-1111-2222 / https://intranet.denryoku-a.example.jp/soc</p>"
            + "<div style=\"border-top:solid #E1E1E1 1.0pt\"><p><b>From:</b> Billing &lt;bill@evil.example.com&gt;<br>"
            + "<b>Sent:</b> Monday, May 13, 2024 10:21 AM<br><b>To:</b> Suzuki Ichiro &lt;suzuki@denryoku-a.example.jp&gt;<br>"
            + "<b>Subject:</b> Invoice 42</p></div><p>Pay here: <a href=\"https://pay.evil.example.com/42\">link</a></p></body></html>"
        let mail = "Received: from gw.denryoku-a.example.jp (gw.denryoku-a.example.jp [203.0.113.9]) by mx.hub.example.org; Tue, 14 May 2024 09:00:01 +0900\n"
            + "From: Suzuki Ichiro <suzuki@denryoku-a.example.jp>\nTo: soc@denryoku-a.example.jp\nSubject: FW: Invoice 42\n"
            + "Date: Tue, 14 May 2024 09:00:00 +0900\nContent-Type: text/html; charset=utf-8\n\n" + html
        let report = ForwardedAttack(try MailMessage.parse(Array(mail.utf8)))
        #expect(report.attackSelection == "attack message: inline forward (Outlook), depth 1")
        #expect(report.attack.subject == "Invoice 42")
        #expect(report.attack.from?.address == "bill@evil.example.com")
        #expect(report.attack.date == Date(timeIntervalSince1970: 1_715_563_260))
        #expect(report.attack.links == ["https://pay.evil.example.com/42"])
        #expect(report.layers.first?.ownText.contains("03-1111-2222") == true)
        #expect(report.victimIdentifiers.contains("gw.denryoku-a.example.jp"))
        #expect(!report.victimIdentifiers.contains("mx.hub.example.org"))
    }

    @Test func aPartWithoutTypeButAnEmlNameIsTheAttack() throws {
        let attack = "From: Billing <bill@evil.example.com>\nTo: suzuki@denryoku-a.example.jp\nSubject: Invoice\n\nPay.\n"
        let mail = "From: suzuki@denryoku-a.example.jp\nTo: soc@denryoku-a.example.jp\nSubject: FW\nMIME-Version: 1.0\n"
            + "Content-Type: multipart/mixed; boundary=x\n\n--x\n\nsee attached\n--x\n"
            + "Content-Disposition: attachment; filename=\"original.eml\"\n\n" + attack + "--x--\n"
        let report = ForwardedAttack(try MailMessage.parse(Array(mail.utf8)))
        #expect(report.attackSelection == "attack message: attached .eml (text/plain \"original.eml\"), depth 1")
        #expect(report.attack.from?.address == "bill@evil.example.com")
        #expect(report.layers.first?.ownText == "see attached")
    }

    @Test func manyHeaderLikeLinesStayLinear() throws {
        // Lines that each start a header block but never complete one, and markers without blocks:
        // 4× the lines must cost about 4× the time, not 16× (a quadratic search took minutes on
        // 200,000 lines). Measured as this thread's CPU time, so that other tests running at once
        // on a loaded host do not count; nothing here asserts a speed, only the growth.
        func cost(blocks: Int) throws -> Double {
            var body = ""
            for index in 0..<blocks {
                body += "From: someone\(index)\nTo: a@example.jp\nCc: b@example.jp\n-----Original Message-----\n"
            }
            let mail = "From: x@evil.example.com\nTo: v@denryoku-a.example.jp\nSubject: s\n\n" + body
            let message = try MailMessage.parse(Array(mail.utf8))
            let start = Self.threadCPUSeconds()
            let report = ForwardedAttack(message)
            let spent = Self.threadCPUSeconds() - start
            #expect(report.layers.isEmpty)
            return spent
        }
        _ = try cost(blocks: 1_000)   // warm-up
        let small = try cost(blocks: 12_500)
        let large = try cost(blocks: 50_000)
        #expect(large / max(small, 1e-6) < 9, "12,500 blocks: \(small) s, 50,000 blocks: \(large) s of CPU")
    }

    static func threadCPUSeconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }

    @Test func thunderbirdsHTMLHeaderTable() throws {
        let html = "<html><body><p>FYI</p><div class=\"moz-forward-container\">-------- Forwarded Message --------"
            + "<table class=\"moz-email-headers-table\"><tbody><tr><th>Subject: </th><td>Invoice 42</td></tr>"
            + "<tr><th>Date: </th><td>Mon, 13 May 2024 10:21:00 +0900</td></tr>"
            + "<tr><th>From: </th><td>Billing <a href=\"mailto:bill@evil.example.com\">&lt;bill@evil.example.com&gt;</a></td></tr>"
            + "<tr><th>To: </th><td><a href=\"mailto:suzuki@denryoku-a.example.jp\">suzuki@denryoku-a.example.jp</a></td></tr>"
            + "</tbody></table><br><p>Pay: https://pay.evil.example.com/42</p></div></body></html>"
        let mail = "From: suzuki@denryoku-a.example.jp\nTo: soc@denryoku-a.example.jp\nSubject: Fwd: Invoice 42\n"
            + "Content-Type: text/html; charset=utf-8\n\n" + html
        let report = ForwardedAttack(try MailMessage.parse(Array(mail.utf8)))
        #expect(report.attackSelection == "attack message: inline forward (Thunderbird), depth 1")
        #expect(report.attack.subject == "Invoice 42")
        #expect(report.attack.from == MailAddress(address: "bill@evil.example.com", displayName: "Billing"))
        #expect(report.attack.to.map(\.address) == ["suzuki@denryoku-a.example.jp"])
        #expect(report.attack.date == Date(timeIntervalSince1970: 1_715_563_260))
        #expect(report.attack.links == ["https://pay.evil.example.com/42"])
    }

    @Test func randomForwardShapesNeverCrash() throws {
        let pieces = ["-----Original Message-----", "---------- Forwarded message ---------", "-------- 転送メッセージ --------",
                      "From: A <a@x.example>", "差出人: B", "Sent: Monday, May 13, 2024 10:21 PM", "送信日時: 2024年13月45日 99:99",
                      "To: v@denryoku-a.example.jp; 鈴木", "Cc:", "Subject:", "件名: 件", "Date: 2024/5/13", "> ", ">> From: c@y.example",
                      ">", "", "  ", "パスワード：", "PW", "Reply-To: r@z.example", "________________", "Begin forwarded message:",
                      "Date: 99999999999999 at 10:21", "From:\t", "To: <>", "=?utf-8?B?broken", "https://&#x30ED;.example.jp"]
        var generator = SystemRandomNumberGenerator()
        for _ in 0..<300 {
            let count = Int.random(in: 0...40, using: &generator)
            let body = (0..<count).map { _ in pieces.randomElement(using: &generator)! }.joined(separator: "\n")
            let mail = "From: v@denryoku-a.example.jp\nTo: soc@denryoku-a.example.jp\nSubject: FW: x\n\n" + body
            let report = ForwardedAttack(try MailMessage.parse(Array(mail.utf8)))
            #expect(report.layers.count <= ForwardedAttack.maxLayers)
        }
    }
}
