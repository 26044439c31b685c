// WarningListIndex answers exactly what WarningLists.match answers (any list matched or none), on
// the bundled lists and on lists of every match type, for every kind of value an export checks.
import Foundation
import Testing
@testable import IndicatorExtraction

@Suite("IndicatorExtraction: warning list index")
struct WarningListIndexTests {
    static let values: [(IndicatorKind, String)] = [
        (.ipv4, "10.1.2.3"), (.ipv4, "198.51.100.7"), (.ipv4, "8.8.8.8"), (.ipv4, "23.32.0.1"), (.ipv4, "224.0.0.1"),
        (.ipv4, "93.184.216.34"), (.ipv4, "192.0.2.44"), (.ipv4, "203.0.114.5"),
        (.ipv6, "2001:db8::1"), (.ipv6, "fe80::1"), (.ipv6, "2606:4700::1111"), (.ipv6, "ff02::1"),
        (.domain, "google.com"), (.domain, "mail.google.com"), (.domain, "evil.example"), (.domain, "example.com"),
        (.domain, "c2-17.bench-example.net"), (.domain, "localhost"), (.domain, "x.test"), (.domain, "microsoft.com"),
        (.domain, "www.microsoft.com"), (.domain, "evil.invalid"), (.domain, "sub.sub.youtube.com"),
        (.url, "http://google.com/x"), (.url, "http://evil.example/gate.php?u=google.com"), (.url, "http://192.168.1.1/admin"),
        (.url, "http://198.51.100.9/a"), (.url, "http://93.184.216.34/a"), (.url, "https://[2001:db8::1]/x"),
        (.md5, "d41d8cd98f00b204e9800998ecf8427e"), (.md5, "0123456789abcdef0123456789abcdef"),
        (.sha1, "da39a3ee5e6b4b0d3255bfef95601890afd80709"),
        (.sha256, "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"),
        (.sha256, String(repeating: "ab", count: 32)),
        (.email, "someone@example.com"), (.email, "someone@evil.example"),
    ]

    @Test("the bundled lists: the index and match agree on every value")
    func bundled() {
        let lists = WarningLists.bundled
        let index = WarningListIndex(lists)
        var matched = 0
        for (kind, value) in Self.values {
            let indicator = Indicator(kind: kind, value: value, original: value, line: 0)
            let expected = lists.match(indicator) != nil
            #expect(index.contains(indicator) == expected, "\(kind) \(value)")
            if expected { matched += 1 }
        }
        #expect(matched >= 8)   // the corpus does reach the lists
    }

    @Test("lists of every type, some for some kinds only: the index and match agree")
    func everyType() throws {
        var lists = WarningLists()
        lists.add(try WarningList(json: Data(#"{"name":"c","type":"cidr","list":["198.18.7.0/24","203.0.113.9","not-an-ip"]}"#.utf8)))
        lists.add(try WarningList(json: Data(#"{"name":"s","type":"string","list":["Evil.Example","ab"],"matching_attributes":["domain"]}"#.utf8)))
        lists.add(try WarningList(json: Data(#"{"name":"h","type":"hostname","list":[".corp.example."]}"#.utf8)))
        lists.add(try WarningList(json: Data(#"{"name":"u","type":"substring","list":["/wp-admin"],"matching_attributes":["url"]}"#.utf8)))
        let index = WarningListIndex(lists)
        let values: [(IndicatorKind, String)] = Self.values + [
            (.ipv4, "198.18.7.25"), (.ipv4, "198.18.8.1"), (.ipv4, "203.0.113.9"), (.ipv4, "not-an-ip"),
            (.domain, "evil.example"), (.url, "http://evil.example/"), (.domain, "a.corp.example"), (.domain, "corp.example"),
            (.url, "http://a.corp.example/x"), (.url, "http://b.example/wp-admin/x"), (.domain, "wp-admin.example"),
            (.email, "me@corp.example"), (.sha256, "ab"),
        ]
        for (kind, value) in values {
            let indicator = Indicator(kind: kind, value: value, original: value, line: 0)
            #expect(index.contains(indicator) == (lists.match(indicator) != nil), "\(kind) \(value)")
        }
    }
}
