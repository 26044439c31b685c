// STIXTests — TimestampIdentifierTests.swift
// Owns the tests of STIXTimestamp (strict parsing, instants, order, formatting) and
// STIXIdentifier (type names, UUID form).

import Testing
import STIX

@Suite("Timestamps and identifiers")
struct TimestampIdentifierTests {
    @Test("valid timestamps parse to microseconds")
    func validTimestamps() throws {
        let t = try #require(STIXTimestamp("2016-05-12T08:17:27.000Z"))
        #expect(t.microsecondsSinceEpoch == 1_463_041_047_000_000)
        #expect(t.fractionDigits == 3)
        #expect(STIXTimestamp("1970-01-01T00:00:00Z")?.microsecondsSinceEpoch == 0)
        #expect(STIXTimestamp("1970-01-01T00:00:00.000001Z")?.microsecondsSinceEpoch == 1)
        #expect(STIXTimestamp("1969-12-31T23:59:59.5Z")?.microsecondsSinceEpoch == -500_000)
        #expect(STIXTimestamp("2024-02-29T12:00:00Z") != nil)
        #expect(STIXTimestamp("2026-11-23T06:50:02.123456789Z")?.microsecondsSinceEpoch
            == STIXTimestamp("2026-11-23T06:50:02.123456Z")?.microsecondsSinceEpoch)
        #expect(STIXTimestamp("2016-12-31T23:59:60Z")! < STIXTimestamp("2017-01-01T00:00:00Z")!)
    }

    @Test("invalid timestamps are rejected", arguments: [
        "", "2016-05-12", "2016-05-12T08:17:27", "2016-05-12T08:17:27z", "2016-05-12t08:17:27Z",
        "2016-05-12 08:17:27Z", "2016-05-12T08:17:27+00:00", "2016-05-12T08:17:27.Z", "2016-13-01T00:00:00Z",
        "2016-00-01T00:00:00Z", "2015-02-29T00:00:00Z", "2016-04-31T00:00:00Z", "2016-05-12T24:00:00Z",
        "2016-05-12T23:60:00Z", "2016-05-12T12:59:60Z", "16-05-12T08:17:27Z", "2016-5-12T08:17:27Z",
        "２０１６-05-12T08:17:27Z", "2016-05-12T08:17:27.000ZZ", " 2016-05-12T08:17:27Z", "0000-01-01T00:00:00Z",
    ])
    func invalidTimestamps(_ text: String) {
        #expect(STIXTimestamp(text) == nil)
    }

    @Test("order and equality are by instant")
    func ordering() throws {
        let a = try #require(STIXTimestamp("2016-05-12T08:17:27Z"))
        let b = try #require(STIXTimestamp("2016-05-12T08:17:27.000Z"))
        let c = try #require(STIXTimestamp("2016-05-12T08:17:27.001Z"))
        #expect(a == b)
        #expect(a.hashValue == b.hashValue)
        #expect(b < c)
        #expect([c, a].sorted().first == a)
    }

    @Test("formatting")
    func formatting() {
        #expect(STIXTimestamp.formatting(microseconds: 0) == "1970-01-01T00:00:00.000000Z")
        #expect(STIXTimestamp.formatting(microseconds: 1_795_416_602_123_456) == "2026-11-23T06:50:02.123456Z")
        #expect(STIXTimestamp.formatting(microseconds: -1) == "1969-12-31T23:59:59.999999Z")
        for micros: Int64 in [0, 1, 951_782_400_000_000, 4_102_444_799_999_999, -86_400_000_001] {
            let text = STIXTimestamp.formatting(microseconds: micros)
            #expect(STIXTimestamp(text)?.microsecondsSinceEpoch == micros, "\(text)")
        }
        let now = STIXTimestamp.now()
        #expect(STIXTimestamp(now.text) == now)
        #expect(now.microsecondsSinceEpoch > 1_700_000_000_000_000)
    }

    @Test("identifiers")
    func identifiers() throws {
        let id = try #require(STIXIdentifier("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f"))
        #expect(id.type == "indicator")
        #expect(id.uuid == "8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
        #expect(id.text == "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
        #expect(STIXIdentifier("x-acme-widget--8E2E2D2B-17D4-4CBF-938F-98EE46B3CD3F")?.type == "x-acme-widget")
        #expect(STIXIdentifier("file--e277603e-1060-5ad4-9937-c26c97f1ca68") != nil)  // UUIDv5
        #expect(STIXIdentifier("file--0190b2c4-7e3a-7c1d-8f00-123456789abc") != nil)  // UUIDv7
        #expect(STIXIdentifier.isValid("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", ofType: "indicator"))
        #expect(!STIXIdentifier.isValid("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", ofType: "malware"))
    }

    @Test("invalid identifiers are rejected", arguments: [
        "", "indicator", "indicator--", "indicator-8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "Indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "in--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "indicator--8e2e2d2b17d4-4cbf-938f-98ee46b3cd3f0", "indicator--8e2e2d2b-17d4-0cbf-938f-98ee46b3cd3f",
        "indicator--8e2e2d2b-17d4-4cbf-c38f-98ee46b3cd3f", "indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3g",
        "indicator--00000000-0000-0000-0000-000000000000", "x--acme--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "x-acme---8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f", "1abc--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
        "indicator--{8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f}", "指標--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f",
    ])
    func invalidIdentifiers(_ text: String) {
        #expect(STIXIdentifier(text) == nil)
        #expect(!STIXIdentifier.isValid(text))
    }

    @Test("type names")
    func typeNames() {
        for name in ["indicator", "x-acme", "abc", "a1-b2", String(repeating: "a", count: 250)] {
            #expect(STIXIdentifier.isValidTypeName(name), "\(name)")
        }
        for name in ["ab", "Abc", "x_acme", "-abc", "abc-", "a--b", "1abc", "ab c", "", String(repeating: "a", count: 251)] {
            #expect(!STIXIdentifier.isValidTypeName(name), "\(name)")
        }
    }

    @Test("address formats")
    func addresses() {
        for text in ["198.51.100.3", "0.0.0.0/0", "255.255.255.255/32"] { #expect(AddressFormats.isIPv4(text), "\(text)") }
        for text in ["256.1.1.1", "1.1.1", "1.1.1.1/33", "1.1.1.1/", "a.b.c.d", "01.1.1.1.1"] {
            #expect(!AddressFormats.isIPv4(text), "\(text)")
        }
        for text in ["::", "::1", "2001:db8::", "2001:0db8:85a3:0000:0000:8a2e:0370:7334", "::ffff:192.0.2.128", "2001:db8::/32"] {
            #expect(AddressFormats.isIPv6(text), "\(text)")
        }
        for text in ["", "1:2:3", "2001:db8::1::2", "12345::", "1:2:3:4:5:6:7:8:9", "2001:db8::/129", "g::1"] {
            #expect(!AddressFormats.isIPv6(text), "\(text)")
        }
    }

    @Test("civil dates from day counts (the conversion HTTP dates use too), either side of 1970 and across leap days")
    func civilDates() {
        #expect(STIXTimestamp.civil(fromDays: 0) == (1970, 1, 1))
        #expect(STIXTimestamp.civil(fromDays: 9_075) == (1994, 11, 6))       // RFC 9110's example date
        #expect(STIXTimestamp.civil(fromDays: -1) == (1969, 12, 31))
        #expect(STIXTimestamp.civil(fromDays: 11_016) == (2000, 2, 29))
        #expect(STIXTimestamp.civil(fromDays: 20_794) == (2026, 12, 7))
        #expect(STIXTimestamp.civil(fromDays: 2_932_896) == (9999, 12, 31))
        #expect(STIXTimestamp.civil(fromDays: -719_162) == (1, 1, 1))
    }
}
