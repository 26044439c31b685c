// SharingMetrics country table: the RIR delegated-extended format read from real-format lines
// (the shipped test file), IPv4 counts and IPv6 prefix lengths, skipped and malformed lines, and
// look-ups at range edges.
import Foundation
@testable import SharingMetrics
import Testing

@Suite("RIR delegated-extended statistics")
struct CountryTableTests {
    static let fixtures = URL(fileURLWithPath: #filePath).deletingLastPathComponent()
        .appendingPathComponent("Fixtures/rir", isDirectory: true)

    @Test("the shipped file: IPv4 by address count, IPv6 by prefix length, range edges, only allocated or assigned")
    func shippedFile() throws {
        let table = try CountryTable.load(directory: Self.fixtures)
        #expect(table.rangeCount == 6)
        #expect(table.malformedLines == 0)
        #expect(table.country(ofAddress: "192.0.2.0") == "JP")
        #expect(table.country(ofAddress: "192.0.2.255") == "JP")
        #expect(table.country(ofAddress: "192.0.3.0") == nil)
        #expect(table.country(ofAddress: "198.51.100.127") == "US")
        #expect(table.country(ofAddress: "198.51.100.128") == "CA")
        #expect(table.country(ofAddress: "203.0.113.77") == "NL")
        #expect(table.country(ofAddress: "192.0.0.5") == nil)          // "available": no country
        #expect(table.country(ofAddress: "2001:db8::1") == "JP")
        #expect(table.country(ofAddress: "2001:db8:7fff:ffff:ffff:ffff:ffff:ffff") == "JP")
        #expect(table.country(ofAddress: "2001:db8:8000::") == "DE")
        #expect(table.country(ofAddress: "2001:db9::1") == nil)
        #expect(table.country(ofAddress: "3fff::1") == nil)             // "reserved"
        #expect(table.country(ofAddress: "::ffff:192.0.2.1") == nil)
        #expect(table.country(ofObservable: "ipv4-addr:203.0.113.9") == "NL")
        #expect(table.country(ofObservable: "ipv6-addr:2001:db8:8000::5") == "DE")
        #expect(table.country(ofObservable: "ipv4-addr:192.0.2.0/28") == "JP")
        // Names and URLs resolve to no country (no DNS look-ups).
        #expect(table.country(ofObservable: "domain-name:c2.example") == nil)
        #expect(table.country(ofObservable: "url:http://192.0.2.1/x") == nil)
    }

    @Test("malformed lines are counted and skipped; the good lines beside them still count")
    func malformed() {
        let table = CountryTable(parsing: """
            2|apnic|20261207|3|19830613|20261206|+1000
            apnic|JP|ipv4|192.0.2|256|20100101|allocated|A1
            arin|US|ipv4|198.51.100.0|lots|20110201|assigned|B2
            ripencc|NL|ipv6|2001:db8::|129|20130401|allocated|C3
            ripencc|NL|ipv6|2001:db8:::1|32|20130401|allocated|C3
            apnic|JP|ipv4
            apnic|J1|ipv4|203.0.113.0|256|20120301|allocated|D4
            arin|US|ipv4|255.255.255.0|512|20110201|assigned|E5
            apnic|KR|ipv4|203.0.113.0|256|20120301|allocated|F6
            apnic|KR|asn|64500|1|20120301|allocated|F6
            """)
        #expect(table.malformedLines == 7)
        #expect(table.rangeCount == 1)
        #expect(table.country(ofAddress: "203.0.113.1") == "KR")
        #expect(table.country(ofAddress: "192.0.2.1") == nil)
    }

    @Test("look-up is a binary search over many ranges")
    func manyRanges() {
        var lines: [String] = []
        for index in 0..<50_000 {
            let a = 10 + index / 65_536, b = (index / 256) % 256, c = index % 256
            lines.append("arin|\(index % 2 == 0 ? "US" : "CA")|ipv4|\(a).\(b).\(c).0|256|20200101|allocated|x")
        }
        let table = CountryTable(parsing: lines.shuffled().joined(separator: "\n"))
        #expect(table.rangeCount == 50_000)
        let start = Date()
        for index in stride(from: 0, to: 50_000, by: 7) {
            let a = 10 + index / 65_536, b = (index / 256) % 256, c = index % 256
            #expect(table.country(ofAddress: "\(a).\(b).\(c).9") == (index % 2 == 0 ? "US" : "CA"))
        }
        #expect(Date().timeIntervalSince(start) < 5)
    }
}

@Suite("indicator classes")
struct IndicatorClassTests {
    @Test("words about the value come first, then the feed, then the hand-over kind; hashes are never classed")
    func rule() {
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["C2 server of PlugX"], feedName: "Default", kind: .stix) == .c2)
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["C2サーバ"], feedName: "Default", kind: .stix) == .c2)
        #expect(IndicatorClassRule.classify("url:http://a.example/x", hints: ["phishing page"], feedName: "C2", kind: .stix) == .phishing)
        #expect(IndicatorClassRule.classify("url:http://a.example/x", hints: ["malware-distribution"], feedName: "Default", kind: .stix) == .malwareHosting)
        #expect(IndicatorClassRule.classify("ipv4-addr:192.0.2.1", hints: ["malicious-activity"], feedName: "CZ", kind: .stix) == .c2)
        #expect(IndicatorClassRule.classify("ipv4-addr:192.0.2.1", hints: [], feedName: "BKMW_CONFIG", kind: .stix) == .malwareHosting)
        #expect(IndicatorClassRule.classify("ipv4-addr:192.0.2.1", hints: [], feedName: "PHISHING-JP", kind: .stix) == .phishing)
        #expect(IndicatorClassRule.classify("url:http://a.example/x", hints: ["Link in a targeted attack e-mail"], feedName: "Default", kind: .email) == .phishing)
        #expect(IndicatorClassRule.classify("email-addr:x@a.example", hints: [], feedName: "C2", kind: .stix) == nil)
        #expect(IndicatorClassRule.classify("email-addr:x@a.example", hints: [], feedName: "Default", kind: .email) == .phishing)
        #expect(IndicatorClassRule.classify("file:hashes.SHA-256:ab", hints: ["C2 implant"], feedName: "C2", kind: .sample) == nil)
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["anomalous-activity"], feedName: "Default", kind: .stix) == nil)
        // "c2" as a word, not inside another ("ec2", "c2c").
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["ec2 instance"], feedName: "Default", kind: .stix) == nil)
    }

    @Test("Japanese words are found however they are spelled: composed, decomposed (ク + U+3099), among Latin text, upper case")
    func japaneseAndCaseForms() {
        let decomposed = "フィッシンク\u{3099}サイト"
        #expect(IndicatorClassRule.classify("url:http://a.example/x", hints: ["フィッシングサイト"], feedName: "Default", kind: .stix) == .phishing)
        #expect(IndicatorClassRule.classify("url:http://a.example/x", hints: [decomposed], feedName: "Default", kind: .stix) == .phishing)
        #expect(IndicatorClassRule.classify("url:http://a.example/x", hints: ["マルウェア配布サイト"], feedName: "Default", kind: .stix) == .malwareHosting)
        #expect(IndicatorClassRule.classify("url:http://a.example/x", hints: ["PHISHING キット"], feedName: "Default", kind: .stix) == .phishing)
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["攻撃者のC&Cサーバ"], feedName: "Default", kind: .stix) == .c2)
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["Command and Control 基盤"], feedName: "Default", kind: .stix) == .c2)
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["ＣＮＣ"], feedName: "Default", kind: .stix) == nil)
        #expect(IndicatorClassRule.classify("domain-name:a.example", hints: ["正規のサイト"], feedName: "Default", kind: .stix) == nil)
    }
}
