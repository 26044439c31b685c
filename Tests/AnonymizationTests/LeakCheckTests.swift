// AnonymizationTests — LeakCheckTests.swift
// Owns the tests of the final leak check: it finds identifiers however they are written (JSON
// \u escapes, mixed case, full-width, defanged, percent-encoded, IPs inside ranges, identity ids)
// and reports nothing on clean output.

import Anonymization
import STIX
import Testing

@Suite("LeakCheck")
struct LeakCheckTests {
    let profile = Fixture.profile

    func identifiers(in json: String) -> [String] {
        LeakCheck.findings(in: Array(json.utf8), profile: profile).map(\.identifier)
    }

    @Test("finds an organisation name written with \\u escapes")
    func unicodeEscapes() {
        let json = #"{"type":"note","content":"\u96fb\u529bA\u793e\u306e\u793e\u54e1"}"#
        let findings = LeakCheck.findings(in: Array(json.utf8), profile: profile)
        #expect(findings.map(\.identifier) == ["電力A社"])
        #expect(findings.first?.excerpt.contains("電力A社の社員") == true)
    }

    @Test("finds escaped ASCII, mixed case, full-width and half-width forms")
    func foldedForms() {
        #expect(identifiers(in: #"{"d":"\u0064enryoku-a.example.jp"}"#) == ["denryoku-a.example.jp"])
        #expect(identifiers(in: #"{"d":"Mail01.DENRYOKU-A.Example.JP"}"#) == ["denryoku-a.example.jp"])
        #expect(identifiers(in: #"{"d":"電力Ａ社"}"#) == ["電力A社"])
        #expect(identifiers(in: #"{"d":"ＤＥＮＲＹＯＫＵ　Ａ　ＣＯＲＰ．"}"#).contains("Denryoku A Corp."))
        #expect(identifiers(in: #"{"d":"denryoku a"}"#) == ["Denryoku A Corp."])  // without the legal form
        var kana = profile
        kana.organizationNames = ["カケハシ電力"]
        #expect(LeakCheck.findings(in: Array(#"{"d":"ｶｹﾊｼ電力の件"}"#.utf8), profile: kana).count == 1)
        kana.organizationNames = ["ガス北"]
        #expect(LeakCheck.findings(in: Array(#"{"d":"ｶﾞｽ北"}"#.utf8), profile: kana).count == 1)
    }

    @Test("finds defanged, percent-encoded and space-split forms")
    func hiddenForms() {
        #expect(identifiers(in: #"{"d":"keiri[@]denryoku-a[.]example[.]jp"}"#) == ["denryoku-a.example.jp"])
        #expect(identifiers(in: #"{"u":"https://x.example/?q=%E9%9B%BB%E5%8A%9BA%E7%A4%BE"}"#) == ["電力A社"])
        #expect(identifiers(in: #"{"d":"報告者は山田太郎さん"}"#) == ["山田 太郎"])
        #expect(identifiers(in: #"{"d":"電力A\u200b社"}"#) == ["電力A社"])
    }

    @Test("finds IPv4 and IPv6 addresses inside the ranges only")
    func addresses() {
        #expect(identifiers(in: #"{"d":"ip:192.0.2.200:443"}"#) == ["192.0.2.0/24"])
        #expect(identifiers(in: #"{"d":"192.0.2[.]7"}"#) == ["192.0.2.0/24"])
        #expect(identifiers(in: #"{"d":"[2001:DB8:A:0:0:0:0:25]"}"#) == ["2001:db8:a::/48"])
        #expect(identifiers(in: #"{"d":"::ffff:192.0.2.9"}"#) == ["192.0.2.0/24"])
        #expect(identifiers(in: #"{"d":"203.0.113.45 192.0.3.1 2001:db8:ff::1 10.192.0.2.1 1.2.3.4.5"}"#).isEmpty)
    }

    @Test("finds identity ids, project and person names, short host names")
    func otherIdentifiers() {
        #expect(identifiers(in: #"{"created_by_ref":"\#(Fixture.providerIdentity)"}"#) == [Fixture.providerIdentity])
        #expect(identifiers(in: #"{"d":"プロジェクト「HIKARI」"}"#) == ["Hikari"])
        #expect(identifiers(in: #"{"d":"Hikaridenki"}"#).isEmpty)  // a word boundary is needed for ASCII names
        #expect(identifiers(in: #"{"d":"host fs-keiri01 infected"}"#) == ["FS-KEIRI01"])
    }

    @Test("finds the ids of observables built from the provider's addresses")
    func observableIDs() {
        var withEmail = profile
        withEmail.emailAddresses = ["keiri@denryoku-a.example.jp"]
        let json = #"{"to_refs":["\#(Fixture.recipient)"]}"#
        #expect(LeakCheck.findings(in: Array(json.utf8), profile: withEmail).map(\.identifier) == [Fixture.recipient])
    }

    @Test("reports each hit with an excerpt")
    func eachHit() {
        let json = #"{"a":"電力A社","b":"see mail01.denryoku-a.example.jp and 192.0.2.1"}"#
        let findings = LeakCheck.findings(in: Array(json.utf8), profile: profile)
        #expect(findings.map(\.identifier) == ["電力A社", "denryoku-a.example.jp", "192.0.2.0/24"])
        #expect(findings.allSatisfy { !$0.excerpt.isEmpty })
    }

    @Test("nothing on clean output")
    func cleanOutput() {
        let results = Anonymizer.anonymize(objects: Fixture.submissionValues, profile: profile, settings: Fixture.settings)
        for case .released(let object) in results {
            #expect(LeakCheck.findings(in: object.serialized(), profile: profile).isEmpty)
        }
        let technical = #"{"type":"indicator","pattern":"[ipv4-addr:value = '203.0.113.45']","name":"電力分野を狙うC2","description":"an organisation in the 電力 sector"}"#
        #expect(LeakCheck.findings(in: Array(technical.utf8), profile: profile).isEmpty)
        #expect(LeakCheck.findings(in: Array(technical.utf8), profile: VictimProfile()).isEmpty)
    }

    @Test("works on bytes that are not valid JSON")
    func invalidBytes() {
        var bytes = Array("garbage \\u96fb\\u529bA\\u793e \\".utf8)
        bytes.append(0xFF)
        #expect(LeakCheck.findings(in: bytes, profile: profile).map(\.identifier) == ["電力A社"])
    }
}
