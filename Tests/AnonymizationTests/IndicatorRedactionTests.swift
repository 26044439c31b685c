// AnonymizationTests — IndicatorRedactionTests.swift
// Owns the tests of victim identifiers inside true indicators (issue 11, item 3): the subject naming
// the victim, an attachment named after it, a spoofed sender with a real colleague's display name,
// a phishing URL carrying the recipient's address (plain, percent-encoded, base64) — each released
// with the identifier redacted in place, the rest of the indicator kept, the redaction recorded in
// `x_kakehashi_redacted`; patterns redacted the same way and still parseable; an indicator whose
// comparison value is entirely an identifier withheld.

import Anonymization
import STIX
import STIXPatterning
import Testing

@Suite("Identifiers inside indicators")
struct IndicatorRedactionTests {
    var profile: VictimProfile {
        var profile = Fixture.profile
        profile.organizationNames.append("北斗電力株式会社")
        profile.emailAddresses = ["tanaka.ichiro@denryoku-a.example.jp"]
        profile.personNames.append("田中 一郎")
        return profile
    }

    func released(_ json: String) throws -> JSONValue {
        let result = Anonymizer.anonymize(try JSONParser.parse(Array(json.utf8)), profile: profile, settings: Fixture.settings)
        guard case .released(let value) = result else {
            Issue.record("withheld: \(result)")
            return .null
        }
        #expect(LeakCheck.findings(in: value.serialized(), profile: profile).isEmpty, "\(value)")
        #expect(STIXValidator.validate(value).isSuccess, "\(value)")
        return value
    }

    func indicator(_ pattern: String, id: String = "indicator--6d7e8f9a-0b1c-4d2e-9f3a-4b5c6d7e8f9a") -> String {
        let escaped = pattern.replacingEvery("\\", with: "\\\\")
        return #"{"type":"indicator","spec_version":"2.1","id":"\#(id)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"phishing","pattern":"\#(escaped)","pattern_type":"stix","valid_from":"\#(Fixture.created)"}"#
    }

    func redacted(_ value: JSONValue) -> [String] {
        value["x_kakehashi_redacted"]?.arrayValue?.compactMap(\.stringValue) ?? []
    }

    @Test("a subject naming the victim keeps the rest of the subject")
    func subject() throws {
        let message = try released(#"{"type":"email-message","spec_version":"2.1","id":"email-message--1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d","is_multipart":false,"subject":"ご相談の件（北斗電力様）","from_ref":"\#(Fixture.sender)"}"#)
        #expect(message["subject"]?.stringValue == "ご相談の件（[victim-organization]様）")
        #expect(redacted(message) == ["subject"])
        #expect(message["id"]?.stringValue != "email-message--1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d")
    }

    @Test("an attachment named after the victim keeps its hashes and extension")
    func attachment() throws {
        let file = try released(#"{"type":"file","spec_version":"2.1","id":"file--2b3c4d5e-6f7a-5b8c-9d0e-1f2a3b4c5d6e","name":"RFQ_北斗電力株式会社.iso","hashes":{"SHA-256":"4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c"}}"#)
        #expect(file["name"]?.stringValue == "RFQ_[victim-organization].iso")
        #expect(file["hashes"]?["SHA-256"]?.stringValue == "4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c")
        #expect(redacted(file) == ["name"])
    }

    @Test("a spoofed sender with a real colleague's display name keeps the attacker's address")
    func spoofedSender() throws {
        let sender = try released(#"{"type":"email-addr","spec_version":"2.1","id":"\#(Fixture.sender)","value":"invoice@kaiketsu-billing.example.com","display_name":"田中 一郎"}"#)
        #expect(sender["value"]?.stringValue == "invoice@kaiketsu-billing.example.com")
        #expect(sender["display_name"]?.stringValue == "[victim-person]")
        #expect(sender["id"]?.stringValue == Fixture.sender)   // the value alone makes the id
        #expect(redacted(sender) == ["display_name"])
        let reversed = try released(#"{"type":"email-addr","spec_version":"2.1","id":"\#(Fixture.sender)","value":"invoice@kaiketsu-billing.example.com","display_name":"Ichiro TANAKA 一郎田中"}"#)
        #expect(reversed["display_name"]?.stringValue == "Ichiro TANAKA [victim-person]")
    }

    @Test("a phishing URL carrying the recipient's address, plain, percent-encoded or base64, keeps its host")
    func phishingURL() throws {
        let forms = ["tanaka.ichiro@denryoku-a.example.jp", "tanaka.ichiro%40denryoku-a.example.jp",
                     "dGFuYWthLmljaGlyb0BkZW5yeW9rdS1hLmV4YW1wbGUuanA="]
        for (n, form) in forms.enumerated() {
            let url = try released(#"{"type":"url","spec_version":"2.1","id":"url--0000000\#(n)-6f7a-5b8c-9d0e-1f2a3b4c5d6e","value":"https://login.evil-portal.example/owa/?email=\#(form)&r=1"}"#)
            let value = try #require(url["value"]?.stringValue)
            #expect(value.hasPrefix("https://login.evil-portal.example/owa/?email=[victim-"), "\(value)")
            #expect(value.hasSuffix("]&r=1"), "\(value)")
            #expect(redacted(url) == ["value"])
        }
    }

    @Test("patterns are redacted inside their literals and still parse")
    func patterns() throws {
        let subject = try released(indicator("[email-message:subject = 'ご相談の件（北斗電力様）'] OR [file:name = 'RFQ_北斗電力.iso']"))
        let pattern = try #require(subject["pattern"]?.stringValue)
        #expect(pattern == "[email-message:subject = 'ご相談の件（[victim-organization]様）'] OR [file:name = 'RFQ_[victim-organization].iso']")
        #expect((try? STIXPattern.parse(pattern)) != nil)
        #expect(redacted(subject) == ["pattern"])
        let url = try released(indicator("[url:value = 'https://evil.example/?to=tanaka.ichiro%40denryoku-a.example.jp']"))
        #expect(url["pattern"]?.stringValue == "[url:value = 'https://evil.example/?to=[victim-email]']")
        let quoted = try released(indicator(#"[email-message:subject LIKE '%北斗電力\'s order%']"#))
        #expect(quoted["pattern"]?.stringValue == #"[email-message:subject LIKE '%[victim-organization]\'s order%']"#)
        let sender = try released(indicator("[email-addr:value = 'invoice@kaiketsu-billing.example.com' AND email-addr:display_name = '田中 一郎 via Outlook']"))
        #expect(sender["pattern"]?.stringValue == "[email-addr:value = 'invoice@kaiketsu-billing.example.com' AND email-addr:display_name = '[victim-person] via Outlook']")
    }

    @Test("an indicator whose comparison value is entirely an identifier is withheld")
    func entirelyIdentifier() throws {
        for pattern in ["[email-addr:value = 'tanaka.ichiro@denryoku-a.example.jp']",
                        "[email-message:subject = '北斗電力株式会社']",
                        "[url:value = 'https://vpn.denryoku-a.example.jp/']",
                        "[ipv4-addr:value = '192.0.2.0/25']",
                        "[email-message:from_ref.value = 'tanaka.ichiro@denryoku-a.example.jp']",
                        "[email-addr:value = 'invoice@kaiketsu-billing.example.com' AND email-addr:display_name = '田中 一郎']"] {
            let result = Anonymizer.anonymize(try JSONParser.parse(Array(indicator(pattern).utf8)), profile: profile,
                                              settings: Fixture.settings)
            #expect(result.releasedValue == nil, "\(pattern) was released: \(result)")
        }
    }
}

extension String {
    func replacingEvery(_ target: String, with replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}

@Suite("Pattern redaction never breaks a pattern")
struct PatternRedactionPropertyTests {
    /// A small deterministic generator (SplitMix64), so a failure names a reproducible case.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    static let paths = ["email-message:subject", "file:name", "url:value", "email-addr:display_name", "artifact:mime_type",
                        "x-custom-thing:'odd name'", "email-message:body_multipart[*].body"]
    static let pieces = ["ご相談の件", "北斗電力", "電力A株式会社", "keiri@denryoku-a.example.jp", "keiri%40denryoku-a.example.jp",
                         "a2VpcmlAZGVucnlva3UtYS5leGFtcGxlLmpw", "it's", "back\\slash", "[victim-organization]", "RFQ_", ".iso",
                         "https://evil.example/?q=", "田中 一郎", "%", "_", "'", "\\", " ", "(株)", "="]

    @Test("random literals full of identifiers, quotes and backslashes: redacted patterns parse, or the indicator is withheld")
    func randomPatterns() throws {
        var profile = Fixture.profile
        profile.organizationNames.append("北斗電力株式会社")
        profile.personNames.append("田中 一郎")
        let scrubber = Anonymization.AnonymizationSession(profile: profile, settings: Fixture.settings)
        var random = SplitMix(state: 11)
        var redacted = 0, withheld = 0
        for _ in 0..<300 {
            var comparisons: [String] = []
            for _ in 0..<Int.random(in: 1...3, using: &random) {
                let path = Self.paths.randomElement(using: &random)!
                let text = (0..<Int.random(in: 1...5, using: &random)).map { _ in Self.pieces.randomElement(using: &random)! }.joined()
                let op = ["=", "!=", "LIKE", "MATCHES"].randomElement(using: &random)!
                comparisons.append("\(path) \(op) '\(PatternText.escaped(text))'")
            }
            let pattern = "[" + comparisons.joined(separator: [" AND ", " OR "].randomElement(using: &random)!) + "]"
            guard (try? STIXPattern.parse(pattern)) != nil else { continue }
            let json = JSONValue.object(JSONObject([
                ("type", "indicator"), ("spec_version", "2.1"), ("id", .string(Fixture.indicatorVictim)),
                ("created", .string(Fixture.created)), ("modified", .string(Fixture.created)),
                ("pattern", .string(pattern)), ("pattern_type", "stix"), ("valid_from", .string(Fixture.created)),
            ]))
            guard case .released(let copy) = scrubber.anonymize(json) else { withheld += 1; continue }
            let released = try #require(copy["pattern"]?.stringValue)
            if released != pattern { redacted += 1 }
            #expect((try? STIXPattern.parse(released)) != nil, "\(pattern) -> \(released)")
            #expect(scrubber.leaks(in: copy.serialized()).isEmpty, "\(pattern) -> \(released)")
        }
        // Both outcomes are exercised.
        #expect(redacted >= 20 && withheld >= 20, "redacted \(redacted), withheld \(withheld)")
    }
}

enum PatternText {
    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            if character == "'" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}
