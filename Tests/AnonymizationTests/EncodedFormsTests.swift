// AnonymizationTests — EncodedFormsTests.swift
// Owns the tests of identifiers hidden by encodings and variant forms (issue 11, item 6): base64 in a
// URL query, double percent-encoding, HTML references, RFC 2047 encoded-words, quoted-printable, JSON
// \u escapes, Windows domains, internal DNS suffixes, legal forms and core names, names inside longer
// words, kana — each found by the leak check AND replaced by the scrubber; and precision: short or
// common identifiers do not wipe unrelated text.

@testable import Anonymization
import STIX
import Testing

@Suite("Encoded and variant forms")
struct EncodedFormsTests {
    let profile = Fixture.profile
    var scrubber: TextScrubber { TextScrubber(matcher: IdentifierMatcher(profile: profile), profile: profile) }

    func scrub(_ text: String) -> String { scrubber.scrub(text).text }

    func leaks(_ text: String, profile: VictimProfile? = nil) -> [String] {
        let json = JSONValue.object(JSONObject([("d", .string(text))])).serialized()
        return LeakCheck.findings(in: json, profile: profile ?? self.profile).map(\.identifier)
    }

    /// Both halves: the leak check sees it, the scrubbed text has nothing left.
    func expectHiddenAndScrubbed(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!leaks(text).isEmpty, "the leak check missed \(text)", sourceLocation: sourceLocation)
        let scrubbed = scrub(text)
        #expect(leaks(scrubbed).isEmpty, "scrubbed \(text) still leaks: \(scrubbed)", sourceLocation: sourceLocation)
    }

    @Test("an address in base64 inside a URL query: the whole token goes, the host stays")
    func base64InQuery() {
        let token = "a2VpcmlAZGVucnlva3UtYS5leGFtcGxlLmpw"   // base64("keiri@denryoku-a.example.jp")
        let url = "https://login.evil-portal.example/auth?u=\(token)&lang=ja"
        #expect(leaks(url) == ["denryoku-a.example.jp"])
        #expect(scrub(url) == "https://login.evil-portal.example/auth?u=[victim-domain]&lang=ja"
            || scrub(url) == "https://login.evil-portal.example/auth?u=[victim-email]&lang=ja")
        // Unpadded URL-safe base64 of a Japanese name.
        let name = "6Zu75YqbQeekvuOBrue1jOeQhumDqA"   // base64url("電力A社の経理部"), no padding
        expectHiddenAndScrubbed("https://evil.example/?c=\(name)")
        // Ordinary tokens are not decoded into false hits.
        #expect(leaks("PlugX 9f2b6c1e5a3d4f70 ShadowPad Base64Decoder").isEmpty)
    }

    @Test("percent-encoding, repeated; HTML references; JSON \\u escapes written in text")
    func percentAndEntities() {
        #expect(scrub("https://evil.example/?to=keiri%40denryoku-a.example.jp&x=1") == "https://evil.example/?to=[victim-email]&x=1")
        #expect(scrub("https://evil.example/?to=keiri%2540denryoku-a.example.jp&x=1") == "https://evil.example/?to=[victim-email]&x=1")
        expectHiddenAndScrubbed("%25E9%259B%25BB%25E5%258A%259BA%25E7%25A4%25BE")
        #expect(scrub("keiri&#64;denryoku-a&#x2e;example&period;jp へ") == "[victim-email] へ")
        #expect(scrub("&#38;#64; &#38651;力A社") == "&#38;#64; [victim-organization]")
        expectHiddenAndScrubbed("keiri&amp;#64;denryoku-a.example.jp")
        #expect(scrub(#"担当 \u96fb\u529bA\u793e"#) == "担当 [victim-organization]")
    }

    @Test("RFC 2047 encoded-words in UTF-8 and ISO-2022-JP; quoted-printable bodies")
    func mailEncodings() {
        // "【電力A社 経理部 御中】" in UTF-8 B and Q encoding
        let utf8B = "=?UTF-8?B?44CQ6Zu75YqbQeekviDntYznkIbpg6gg5b6h5Lit44CR?="
        #expect(leaks("Subject: \(utf8B) 請求書").contains("電力A社"))
        #expect(scrub("Subject: \(utf8B) 請求書") == "Subject: [victim-organization] 請求書")
        let utf8Q = "=?utf-8?Q?=E9=9B=BB=E5=8A=9BA=E7=A4=BE_=E5=BE=A1=E4=B8=AD?="
        expectHiddenAndScrubbed(utf8Q)
        // ISO-2022-JP: "電力A社" = ESC $ B "EE" "NO" ESC ( B "A" ESC $ B "<R" ESC ( B
        let jis = "=?ISO-2022-JP?B?GyRCRUVOTxsoQkEbJEI8UhsoQg==?="
        #expect(leaks("件名: \(jis)") == ["電力A社"])
        #expect(scrub("件名: \(jis)") == "件名: [victim-organization]")
        // Quoted-printable with a soft line break inside the name.
        let qp = "=E9=9B=BB=E5=8A=\n=9BA=E7=A4=BE=E3=81=AE=E7=B5=8C=E7=90=86=E9=83=A8"
        expectHiddenAndScrubbed(qp)
        #expect(scrub("price=A0 and x=BE stay") == "price=A0 and x=BE stay")
    }

    @Test("Windows domains, internal DNS suffixes, legal forms and core names, names inside words")
    func variants() {
        #expect(scrub(#"logon DENRYOKU-A\yamada failed"#) == "logon [victim-account] failed")
        #expect(scrub(#"denryoku-a\svc_backup$"#) == "[victim-account]")
        #expect(scrub("share on fs01.denryoku-a.local and dc.DENRYOKU-A.corp") == "share on [victim-host] and [victim-host]")
        for suffix in ["intra", "internal", "lan", "ad"] {
            expectHiddenAndScrubbed("srv.denryoku-a.\(suffix)")
        }
        #expect(scrub("電力A株式会社 御中") == "[victim-organization] 御中")
        #expect(scrub("株式会社電力Aの経理部") == "[victim-organization]の経理部")
        #expect(scrub("㈱電力A 経理部") == "[victim-organization] 経理部")
        #expect(scrub("（株）電力A") == "[victim-organization]")
        #expect(scrub("Denryoku A Co., Ltd. and DENRYOKU A K.K.") == "[victim-organization] and [victim-organization]")
        #expect(scrub("電力Aの経理部") == "[victim-organization]の経理部")
        #expect(scrub("電力Bの経理部") == "電力Bの経理部")
        var kana = profile
        kana.organizationNames = ["ホクト電力株式会社"]
        let kanaScrubber = TextScrubber(matcher: IdentifierMatcher(profile: kana), profile: kana)
        #expect(kanaScrubber.scrub("ほくと電力様").text == "[victim-organization]様")
        #expect(kanaScrubber.scrub("ﾎｸﾄ電力(株)").text == "[victim-organization]")
    }

    @Test("an extension-definition named after the member is scrubbed")
    func extensionDefinitionName() throws {
        let json = #"{"type":"extension-definition","spec_version":"2.1","id":"extension-definition--3c5f7e4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f","created_by_ref":"\#(Fixture.providerIdentity)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"denryoku-a-incident-ext","description":"電力A社の社内項目","schema":"https://schema.denryoku-a.example.jp/ext.json","version":"1.0","extension_types":["property-extension"]}"#
        var learned = profile
        let value = try JSONParser.parse(Array(json.utf8))
        learned.addIdentifiers(foundIn: [value])
        let copy = try #require(Anonymizer.anonymize(value, profile: learned, settings: Fixture.settings).releasedValue)
        #expect(copy["name"]?.stringValue == "[victim-organization]-incident-ext")
        #expect(copy["id"]?.stringValue != "extension-definition--3c5f7e4d-1a2b-4c3d-8e9f-0a1b2c3d4e5f")
        #expect(LeakCheck.findings(in: copy.serialized(), profile: learned).isEmpty)
    }

    @Test("precision: short and common identifiers do not wipe unrelated text")
    func precision() {
        var noisy = VictimProfile(organizationNames: ["A", "電力"], domains: ["mail.example.jp"], hostNames: ["gw"],
                                  projectNames: ["test"], personNames: ["x", "admin"])
        noisy.departmentNames = ["IT"]
        noisy.accountNames = ["root"]
        let matcher = IdentifierMatcher(profile: noisy)
        let text = "A C2 at gw.attacker.example used admin:test against the IT root of 電力 companies (mail server)"
        #expect(TextScrubber(matcher: matcher, profile: noisy).scrub(text).text
            == "A C2 at gw.attacker.example used admin:test against the IT root of 電力 companies (mail server)")
        #expect(!IdentifierMatcher(profile: profile).occurs(in: "Hikaridenki and denryoku-az.example.com"))
    }

    @Test("the folding undoes width, compatibility forms and dashes")
    func folding() {
        #expect(String(String.UnicodeScalarView(FoldedText("㈱ＤＥＮ‐Ａ①").scalars)) == "(株)den-a1")
        #expect(String(String.UnicodeScalarView(FoldedText("でんりょく").scalars)) == "デンリョク")
        let decoded = FoldedText("a%2540b")
        #expect(String(String.UnicodeScalarView(decoded.scalars)) == "a@b")
        #expect(decoded.originalText(of: 1..<2) == "%2540")
    }
}
