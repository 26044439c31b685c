// IndicatorExtractionTests — DataTests.swift
// The bundled data: Public Suffix List rules, TLDs, ATT&CK ids, warning lists and operator lists.

import Foundation
import Testing
@testable import IndicatorExtraction

@Suite struct DataTests {
    @Test func registrableDomains() {
        #expect(PublicSuffixList.registrableDomain(of: "a.b.example.co.jp") == "example.co.jp")
        #expect(PublicSuffixList.registrableDomain(of: "WWW.Evil.COM.") == "evil.com")
        #expect(PublicSuffixList.publicSuffix(of: "foo.bar.kawasaki.jp") == "bar.kawasaki.jp")
        #expect(PublicSuffixList.registrableDomain(of: "foo.bar.kawasaki.jp") == "foo.bar.kawasaki.jp")
        #expect(PublicSuffixList.registrableDomain(of: "bar.kawasaki.jp") == nil)
        #expect(PublicSuffixList.registrableDomain(of: "www.city.kawasaki.jp") == "city.kawasaki.jp")
        #expect(PublicSuffixList.registrableDomain(of: "co.jp") == nil)
        #expect(PublicSuffixList.registrableDomain(of: "evil.github.io") == "evil.github.io")
        #expect(PublicSuffixList.registrableDomain(of: "evil.github.io", includingPrivateRules: false) == "github.io")
        #expect(PublicSuffixList.registrableDomain(of: "x.unknowntld") == "x.unknowntld")
    }

    @Test func topLevelDomains() {
        #expect(TopLevelDomains.contains("jp") && TopLevelDomains.contains("zip") && TopLevelDomains.contains("xn--1qqw23a"))
        #expect(!TopLevelDomains.contains("exe") && !TopLevelDomains.contains("docx") && !TopLevelDomains.contains("txt"))
        #expect(TopLevelDomains.isDomainName("mail.evil-corp.co.jp"))
        #expect(!TopLevelDomains.isDomainName("-bad.com") && !TopLevelDomains.isDomainName("a..com"))
    }

    @Test func attackTechniques() {
        #expect(AttackTechniques.count > 500)
        #expect(AttackTechniques.name(of: "T1059.001") == "Command and Scripting Interpreter: PowerShell")
        #expect(AttackTechniques.name(of: "T9999") == nil)
        #expect(AttackTechniques.name(of: "T1393") == nil)   // retired PRE-ATT&CK, not Enterprise
    }

    @Test func bundledWarningLists() {
        let lists = WarningLists.bundled
        #expect(lists.lists.count >= 15)
        let names = Set(lists.lists.map(\.name))
        #expect(names.contains("List of RFC 1918 CIDR blocks"))
        #expect(names.contains { $0.contains("empty files") })
        func ind(_ kind: IndicatorKind, _ value: String) -> Indicator { Indicator(kind: kind, value: value, original: value, line: 1) }
        #expect(lists.match(ind(.md5, "d41d8cd98f00b204e9800998ecf8427e")) != nil)
        #expect(lists.match(ind(.url, "https://login.microsoftonline.com/x")) != nil)
        #expect(lists.match(ind(.domain, "evil-microsoft-update.com")) == nil)
        #expect(lists.match(ind(.ipv4, "8.8.8.8")) == nil)
    }

    @Test func operatorSuppliedLists() throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("wl-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory.appendingPathComponent("corp"), withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        try #"{"name":"Our mail relays","version":3,"description":"x","type":"cidr","list":["198.18.7.0/24","2400:4050::/32"]}"#
            .write(to: directory.appendingPathComponent("relays.json"), atomically: true, encoding: .utf8)
        try #"{"name":"Our domains","type":"hostname","matching_attributes":["domain","hostname","url"],"list":["kakehashi-corp.co.jp"]}"#
            .write(to: directory.appendingPathComponent("corp/list.json"), atomically: true, encoding: .utf8)
        try #"{"name":"Blog substrings","type":"substring","list":["blog-cdn"]}"#
            .write(to: directory.appendingPathComponent("substrings.json"), atomically: true, encoding: .utf8)
        try #"{"name":"Regex","type":"regex","list":["^a"]}"#
            .write(to: directory.appendingPathComponent("regex.json"), atomically: true, encoding: .utf8)
        try "not json".write(to: directory.appendingPathComponent("broken.json"), atomically: true, encoding: .utf8)
        let lists = try WarningLists.load(extraDirectory: directory)
        #expect(lists.skipped.count == 2)
        let result = IndicatorExtractor(warningLists: lists).extract(from: """
        198.18.7.25 2400:4050::1 https://www.kakehashi-corp.co.jp/news mx.kakehashi-corp.co.jp img.blog-cdn.net evil-corp.jp
        """)
        #expect(result.values(.domain) == ["evil-corp.jp"])
        #expect(result.dropped.count == 5)
        #expect(result.dropped.contains { $0.reason == "warning list: Our domains" })
        #expect(throws: (any Error).self) { try WarningLists.load(extraDirectory: directory.appendingPathComponent("missing")) }
    }
}
