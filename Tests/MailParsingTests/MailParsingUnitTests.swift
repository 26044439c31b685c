// MailParsingTests — MailParsingUnitTests.swift
// The pieces on their own (encoded words, RFC 2231, charsets, addresses, IPs, dates, refanging)
// and the robustness cases built in memory (10 MB line, 1000 nested messages, random bytes).

import Foundation
import Testing
@testable import MailParsing

@Suite("Header pieces")
struct HeaderPieceTests {
    @Test func encodedWordsJoinAdjacentWordsAndSplitCharacters() {
        let bytes = Array("日本".utf8) // 6 bytes, split after the 4th
        let first = Data(bytes[0..<4]).base64EncodedString(), second = Data(bytes[4...]).base64EncodedString()
        #expect(EncodedWords.decode("=?utf-8?B?\(first)?=\r\n =?UTF-8?B?\(second)?=") == "日本")
        #expect(EncodedWords.decode("a =?iso-8859-1?Q?caf=E9?= b") == "a café b")
        #expect(EncodedWords.decode("=?utf-8?Q?a_b?=") == "a b")
        #expect(EncodedWords.decode("no words") == "no words")
        #expect(EncodedWords.decode("=?broken") == "=?broken")
        #expect(EncodedWords.decode("=?x-unknown?B?44GC?=") == "あ") // unknown label, UTF-8 fallback
    }

    @Test func rfc2231ContinuationsAndCharsets() {
        let type = ContentParameters.parse("attachment; filename*0*=UTF-8''%E8%AB%8B%E6%B1%82; filename*1*=%E6%9B%B8.pdf")
        #expect(type.value == "attachment")
        #expect(type.parameters["filename"] == "請求書.pdf")
        let plain = ContentParameters.parse("application/octet-stream; name*0=\"long\"; name*1=\"name.txt\"")
        #expect(plain.parameters["name"] == "longname.txt")
        let quoted = ContentParameters.parse("text/plain; charset=\"Shift_JIS\" (comment); format=flowed")
        #expect(quoted.value == "text/plain")
        #expect(quoted.parameters["charset"] == "Shift_JIS")
        #expect(quoted.parameters["format"] == "flowed")
    }

    @Test func addresses() {
        let list = MailAddress.parseList("\"Yamada, Taro\" <taro@example.jp>, jiro@example.jp (Jiro), Group: a@example.jp, b@example.jp;, <c@example.jp>")
        #expect(list.map(\.address) == ["taro@example.jp", "jiro@example.jp", "a@example.jp", "b@example.jp", "c@example.jp"])
        #expect(list[0].displayName == "Yamada, Taro")
        #expect(list[1].displayName == "Jiro")
        #expect(MailAddress.parseList("<>").isEmpty)
        #expect(MailAddress.parseList("=?UTF-8?B?5bGx55Sw?= <yamada@example.jp>").first?.displayName == "山田")
        #expect(MailAddress(address: "A@Example.JP").domain == "example.jp")
    }

    @Test func charsets() {
        let cp932 = Array("①㈱髙".data(using: .shiftJIS) ?? Data())
        if !cp932.isEmpty {
            #expect(Charsets.decode(cp932[...], declared: "Shift_JIS").text == "①㈱髙")
        }
        let jis: [UInt8] = [0x1B, 0x24, 0x42, 0x2D, 0x21, 0x1B, 0x28, 0x42] // NEC row 13 ①
        #expect(Charsets.decode(jis[...], declared: "iso-2022-jp").text == "①")
        #expect(Charsets.decode([0xC3, 0xA9][...], declared: "utf-8").text == "é")
        #expect(Charsets.decode([0xE9][...], declared: "iso-8859-1").text == "é")
        #expect(Charsets.decode([0x80][...], declared: "windows-1252").text == "€")
        let broken = Charsets.decode([0x82, 0xA0][...], declared: "euc-kr-nonsense")
        #expect(broken.text == "あ")
        #expect(broken.problem != nil)
    }

    @Test func ipScopes() {
        for privateAddress in ["10.0.0.1", "172.16.5.4", "192.168.0.1", "127.0.0.1", "169.254.1.1", "100.64.0.1", "::1",
                               "fe80::1", "fd00::1", "::ffff:10.1.2.3", "0.0.0.0"] {
            #expect(MailIPAddress(privateAddress)?.isPrivate == true, "\(privateAddress)")
        }
        for publicAddress in ["8.8.8.8", "203.0.113.9", "172.32.0.1", "2001:db8::1", "100.128.0.1", "[IPv6:2400:cb00::1]"] {
            #expect(MailIPAddress(publicAddress)?.isPublic == true, "\(publicAddress)")
        }
        #expect(MailIPAddress("2001:0db8:0000:0000:0000:0000:0000:0001")?.text == "2001:db8::1")
        #expect(MailIPAddress("999.1.1.1") == nil)
        #expect(MailIPAddress("mail.example.com") == nil)
    }

    @Test func receivedStyles() {
        let postfix = ReceivedHop(parsing: "from evil.example (unknown [203.0.113.7]) by mx.example.jp (Postfix) with ESMTP id AB for <v@example.jp>; Mon, 1 Jun 2020 10:00:00 +0900 (JST)")
        #expect(postfix.fromHost == "evil.example")
        #expect(postfix.sendingIP?.text == "203.0.113.7")
        #expect(postfix.byHost == "mx.example.jp")
        #expect(postfix.forAddress == "v@example.jp")
        #expect(postfix.protocolName == "ESMTP")
        #expect(postfix.date == Date(timeIntervalSince1970: 1_590_973_200))
        let exim = ReceivedHop(parsing: "from [198.51.100.4] (port=4455 helo=[192.168.0.2]) by mx.example.jp with esmtp (Exim 4.92); Tue, 02 Jun 2020 01:02:03 +0000")
        #expect(exim.sendingIP?.text == "198.51.100.4")
        let eximRDNS = ReceivedHop(parsing: "from host.example.net ([198.51.100.5]:51234 helo=fake) by mx with esmtps; Tue, 02 Jun 2020 01:02:03 +0000")
        #expect(eximRDNS.sendingIP?.text == "198.51.100.5")
        let qmail = ReceivedHop(parsing: "from unknown (HELO evil) (203.0.113.99) by mx.example.jp with SMTP; 2 Jun 2020 01:02:03 -0000")
        #expect(qmail.sendingIP?.text == "203.0.113.99")
        #expect(qmail.date != nil)
    }

    @Test func dates() {
        #expect(MailDate.parse("Mon, 1 Jun 2020 10:00:00 +0900") == Date(timeIntervalSince1970: 1_590_973_200))
        #expect(MailDate.parse("1 Jun 2020 01:00:00 GMT") == Date(timeIntervalSince1970: 1_590_973_200))
        #expect(MailDate.parse("Mon, 01 Jun 20 10:00 JST") == Date(timeIntervalSince1970: 1_590_973_200))
        #expect(MailDate.parse("2020-06-01T10:00:00+09:00") == Date(timeIntervalSince1970: 1_590_973_200))
        #expect(MailDate.parse("yesterday") == nil)
    }

    @Test func refanging() {
        #expect(BodyLinks.refang("hxxps://evil[.]example[.]com/a") == "https://evil.example.com/a")
        #expect(BodyLinks.refang("hXXp[:]//a(.)b(dot)jp") == "http://a.b.jp")
        #expect(BodyLinks.refang("user[at]example[.]jp") == "user@example.jp")
        #expect(BodyLinks.refang("plain text (not) [a] list") == "plain text (not) [a] list")
        #expect(BodyLinks.urls(in: "see (https://a.example.com/x_(y)). then http://b.example.com/日本") ==
                ["https://a.example.com/x_(y)", "http://b.example.com/"])
        #expect(BodyLinks.addresses(in: "mail a.b@example.co.jp, or x@y") == ["a.b@example.co.jp"])
    }
}

@Suite("Robustness")
struct RobustnessTests {
    @Test func emptyAndWhitespaceAreRefused() {
        #expect(throws: MailParseError.empty) { try MailMessage.parse([UInt8]()) }
        #expect(throws: MailParseError.empty) { try MailMessage.parse(Array(" \r\n\n".utf8)) }
    }

    @Test func randomBytesNeverCrash() {
        var generator = SystemRandomNumberGenerator()
        for round in 0..<200 {
            var bytes = (0..<(round * 37 % 3000)).map { _ in UInt8.random(in: 0...255, using: &generator) }
            if round % 2 == 0 { bytes = Array("From: a@b.example\nContent-Type: multipart/mixed; boundary=x\n\n--x\n".utf8) + bytes }
            _ = try? MailMessage.parse(bytes)
        }
    }

    @Test func tenMegabyteLineIsLinear() throws {
        var bytes = Array("From: a@example.org\nSubject: big\nContent-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/plain\n\n".utf8)
        bytes += [UInt8](repeating: UInt8(ascii: "x"), count: 10 << 20)
        bytes += Array(" https://tail.example.com/\n--b--\n".utf8)
        let start = ContinuousClock.now
        let message = try MailMessage.parse(bytes)
        let elapsed = ContinuousClock.now - start
        #expect(message.textBodies.first?.utf8.count ?? 0 > 10 << 20)
        #expect(message.links == ["https://tail.example.com/"])
        #expect(elapsed < .seconds(20))
    }

    @Test func thousandNestedMessagesStopAtTheDepthLimit() throws {
        var mail = Array("From: leaf@example.org\nSubject: leaf\n\nleaf body\n".utf8)
        for level in 0..<1000 {
            mail = Array("From: level\(level)@example.org\nSubject: level \(level)\nContent-Type: message/rfc822\n\n".utf8) + mail
        }
        let message = try MailMessage.parse(mail)
        var depth = 0
        var current = message
        while let inner = current.attachedMessages.first {
            current = inner
            depth += 1
        }
        #expect(depth > 10 && depth < 40)
        #expect(current.warnings.contains { $0.contains("nesting deeper") } || message.warnings.contains { $0.contains("nesting deeper") })
    }

    @Test func manyPartsAreBounded() throws {
        var mail = "From: a@example.org\nContent-Type: multipart/mixed; boundary=b\n\n"
        mail += String(repeating: "--b\n\nx\n", count: 20_000) + "--b--\n"
        let message = try MailMessage.parse(Array(mail.utf8))
        #expect(message.textBodies.count < 10_001)
        #expect(message.warnings.contains { $0.contains("MIME parts") })
    }

    @Test func forwardedAttackWithoutWrapper() throws {
        let mail = "Received: from x.example (x.example [203.0.113.1]) by mx.victim.example.jp; Mon, 1 Jun 2020 10:00:00 +0900\nFrom: bad@evil.example\nTo: Victim Name <victim@victim.example.jp>\nSubject: hi\n\nbody\n"
        let report = ForwardedAttack(try MailMessage.parse(Array(mail.utf8)))
        #expect(report.wrapper == nil)
        #expect(report.attack.subject == "hi")
        #expect(report.victimIdentifiers.contains("victim@victim.example.jp"))
        #expect(report.victimIdentifiers.contains("Victim Name"))
        #expect(report.victimIdentifiers.contains("mx.victim.example.jp"))
        #expect(!report.victimIdentifiers.contains("bad@evil.example"))
    }

    @Test func benchmarkSampleParses() throws {
        // Mirrors the benchmark's expectations on a hand-made mail with a zip (stored member).
        let message = try MailMessage.parse(Corpus.bytes("01_iso2022jp_ministry.eml"))
        #expect(message.attachments.first?.archiveMembers?.count == 2)
        #expect(message.attachments.first?.md5.count == 32)
        #expect(message.attachments.first?.sha1.count == 40)
    }
}
