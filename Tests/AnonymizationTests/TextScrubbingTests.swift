// AnonymizationTests — TextScrubbingTests.swift
// Owns unit tests of the text machinery: folding (width, case, kana, defanging), scrubbing with
// token widening (hosts, e-mail addresses, URLs), address ranges, and the UUIDv5 ids of observables
// (checked against ids computed by the OASIS stix2 library).

@testable import Anonymization
import STIX
import Testing

@Suite("Text scrubbing")
struct TextScrubbingTests {
    let scrubber = TextScrubber(matcher: IdentifierMatcher(profile: Fixture.profile), profile: Fixture.profile)

    func scrub(_ text: String) -> String { scrubber.scrub(text).text }

    @Test("names inside Japanese sentences, without spaces")
    func japanese() {
        #expect(scrub("電力A社の社員が添付を開いた") == "[victim-organization]の社員が添付を開いた")
        #expect(scrub("電力Ａ社からの報告（山田太郎）") == "[victim-organization]からの報告（[victim-person]）")
        #expect(scrub("電力B社は無関係") == "電力B社は無関係")
    }

    @Test("English names, legal forms, case and word boundaries")
    func english() {
        #expect(scrub("Reported by DENRYOKU A CORP. yesterday") == "Reported by [victim-organization] yesterday")
        #expect(scrub("Denryoku A's SOC") == "[victim-organization]'s SOC")
        #expect(scrub("Denryoku Asia Ltd.") == "Denryoku Asia Ltd.")
        #expect(scrub("project hikari; Hikarigaoka") == "project [victim-project]; Hikarigaoka")
    }

    @Test("hosts, domains, e-mail addresses and URLs are replaced whole")
    func hosts() {
        #expect(scrub("mail01.denryoku-a.example.jp.") == "[victim-host].")
        #expect(scrub("denryoku-a.example.jp") == "[victim-domain]")
        #expect(scrub("mailto:Keiri.Bu+x@Denryoku-A.example.jp") == "mailto:[victim-email]")
        #expect(scrub("https://portal.denryoku-a.example.jp:8443/login?u=1") == "https://[victim-host]:8443/login?u=1")
        #expect(scrub("keiri[@]denryoku-a[.]example[.]jp") == "[victim-email]")
        #expect(scrub("denryoku-a.example.jp.evil.example.net") == "[victim-host]")
        #expect(scrub("FS-KEIRI01 and fs-keiri01.corp") == "[victim-host] and [victim-host]")
        #expect(scrub("cdn-update.example.net") == "cdn-update.example.net")
        #expect(scrub("https://evil.example/?to=keiri@denryoku-a.example.jp&x=1") == "https://evil.example/?to=[victim-email]&x=1")
    }

    @Test("addresses inside the ranges only")
    func addresses() {
        #expect(scrub("from 192.0.2.25:25 to 203.0.113.45") == "from [victim-address]:25 to 203.0.113.45")
        #expect(scrub("[192.0.2.1] 2001:db8:a::25 2001:db8:ff::1") == "[[victim-address]] [victim-address] 2001:db8:ff::1")
        #expect(scrub("version 1.192.0.2.1") == "version 1.192.0.2.1")
    }

    @Test("folding maps back to the original text")
    func folding() {
        let folded = FoldedText("ｶﾞｽ　Ｄｅｎ[.]jp")
        #expect(String(String.UnicodeScalarView(folded.scalars)) == "ガス den.jp")
        #expect(folded.originalText(of: 0..<2) == "ｶﾞｽ")
        #expect(folded.originalText(of: 6..<7) == "[.]")
    }

    @Test("address ranges")
    func ranges() throws {
        let v4 = try #require(AddressRange("192.0.2.0/24"))
        #expect(v4.contains(try #require(IPAddress("192.0.2.255"))))
        #expect(!v4.contains(try #require(IPAddress("192.0.3.0"))))
        #expect(v4.contains(try #require(IPAddress("::ffff:192.0.2.1"))))
        let v6 = try #require(AddressRange("2001:db8:a::/48"))
        #expect(v6.contains(try #require(IPAddress("2001:db8:a:ffff::1"))))
        #expect(!v6.contains(try #require(IPAddress("2001:db8:b::1"))))
        #expect(AddressRange("0.0.0.0/0")?.contains(try #require(IPAddress("8.8.8.8"))) == true)
        #expect(AddressRange("192.0.2.0/33") == nil)
        #expect(IPAddress("1:2:3:4:5:6:7:8:9") == nil)
        #expect(IPAddress("12:30:45") == nil)
    }

    @Test("observable ids match the OASIS stix2 library")
    func observableIDs() {
        #expect(ObservableIdentifiers.valueID(type: "email-addr", value: "keiri@denryoku-a.example.jp") == Fixture.recipient)
        #expect(ObservableIdentifiers.valueID(type: "domain-name", value: "mail01.denryoku-a.example.jp") == Fixture.relayHost)
        #expect(ObservableIdentifiers.valueID(type: "ipv4-addr", value: "192.0.2.25") == Fixture.victimIP)
        #expect(ObservableIdentifiers.valueID(type: "email-addr", value: "電力@example.jp") == "email-addr--53b10469-7f05-5c79-943e-f9851a107c7a")
    }
}
