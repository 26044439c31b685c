// AnonymizationTests — TypedIdentifierTests.swift
// Owns the tests of typed victim identifiers (what extraction hands over with a kind): phone numbers
// matched on digits whatever the form, departments, accounts, person names in either order and case,
// the untyped entry point's classification, and what a submission teaches the profile about names
// (issue 11, item 5) and about the ids the provider authored (item 8).

@testable import Anonymization
import STIX
import Testing

@Suite("Typed victim identifiers")
struct TypedIdentifierTests {
    func scrubber(_ profile: VictimProfile) -> TextScrubber {
        TextScrubber(matcher: IdentifierMatcher(profile: profile), profile: profile)
    }

    @Test("phone numbers match on digits: +81 or 0, hyphens, parentheses, spaces, full-width digits")
    func phones() {
        var profile = VictimProfile()
        profile.add(victimIdentifier: "03-1234-5678", kind: .phone)
        let scrub = scrubber(profile)
        for form in ["03-1234-5678", "(03) 1234-5678", "+81-3-1234-5678", "+81 (3) 1234 5678", "0312345678",
                     "０３－１２３４－５６７８", "0081-3-1234-5678"] {
            #expect(scrub.scrub("TEL: \(form) まで").text == "TEL: [victim-phone] まで", "\(form)")
            #expect(!LeakCheck.findings(in: Array(#"{"d":"\#(form)"}"#.utf8), profile: profile).isEmpty, "\(form)")
        }
        for other in ["03-1234-5679", "203-1234-5678", "2024-03-12 34:56:78", "103123456789"] {
            #expect(scrub.scrub(other).text == other, "\(other)")
        }
    }

    @Test("the untyped entry point classifies phones, addresses, hosts, accounts and names")
    func classification() {
        var profile = VictimProfile()
        profile.add(victimIdentifiers: ["keiri@denryoku-a.example.jp", "03-1234-5678", "+81 90 1234 5678", "10.1.2.0/24",
                                        "mx01.denryoku-a.example.jp", #"DENRYOKU-A\yamada"#, "山田 太郎", "1", "12-34"])
        #expect(profile.emailAddresses == ["keiri@denryoku-a.example.jp"])
        #expect(profile.phoneNumbers == ["03-1234-5678", "+81 90 1234 5678"])
        #expect(profile.addressRanges == ["10.1.2.0/24"])
        #expect(profile.hostNames == ["mx01.denryoku-a.example.jp", "12-34"])
        #expect(profile.accountNames == [#"DENRYOKU-A\yamada"#])
        #expect(profile.personNames == ["山田 太郎"])
    }

    @Test("typed entry: departments, organisations, projects, accounts get their placeholders")
    func typed() {
        var profile = VictimProfile()
        profile.add(victimIdentifier: "情報システム部", kind: .department)
        profile.add(victimIdentifier: "北斗電力", kind: .organization)
        profile.add(victimIdentifier: "Project Kaede", kind: .project)
        profile.add(victimIdentifier: "svc_backup01", kind: .account)
        profile.add(victimIdentifier: "x", kind: .person)
        #expect(profile.personNames.isEmpty)
        let text = "北斗電力の情報システム部が Project Kaede 用の svc_backup01 を確認"
        #expect(scrubber(profile).scrub(text).text
            == "[victim-organization]の[victim-department]が [victim-project] 用の [victim-account] を確認")
    }

    @Test("person names match in either order, with or without the space, full-width space, any case")
    func personNames() {
        var profile = VictimProfile()
        profile.add(victimIdentifier: "田中 一郎", kind: .person)
        profile.add(victimIdentifier: "Ichiro Tanaka", kind: .person)
        let scrub = scrubber(profile)
        for form in ["田中 一郎", "田中一郎", "田中　一郎", "一郎 田中", "Ichiro Tanaka", "TANAKA ICHIRO", "tanaka ichiro",
                     "Ｔａｎａｋａ Ｉｃｈｉｒｏ"] {
            #expect(scrub.scrub("差出人: \(form) 様").text == "差出人: [victim-person] 様", "\(form)")
        }
        #expect(scrub.scrub("Tanakaichirou-san").text == "Tanakaichirou-san")
    }

    @Test("names of withheld identities, addresses and accounts are scrubbed everywhere")
    func namesOfWithheldObjects() throws {
        let identity = "identity--1f2e3d4c-5b6a-4978-8a6b-5c4d3e2f1a0b"
        let objects = [
            #"{"type":"identity","spec_version":"2.1","id":"\#(identity)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"佐藤 花子","identity_class":"individual","contact_information":"TEL: 03-9876-5432, hanako.sato@denryoku-a.example.jp","x_name_kana":"サトウ ハナコ"}"#,
            #"{"type":"email-addr","spec_version":"2.1","id":"email-addr--7a6b5c4d-3e2f-5a1b-8c9d-0e1f2a3b4c5d","value":"ichiro@denryoku-a.example.jp","display_name":"田中 一郎"}"#,
            #"{"type":"user-account","spec_version":"2.1","id":"user-account--8b7c6d5e-4f3a-5b2c-9d0e-1f2a3b4c5d6e","user_id":"DENRYOKU-A\\t-yoshida","account_login":"yoshida.t","display_name":"吉田 隆"}"#,
            #"{"type":"indicator","spec_version":"2.1","id":"\#(Fixture.indicatorC2)","created_by_ref":"\#(Fixture.providerIdentity)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"C2","description":"田中 一郎 と佐藤花子(サトウ ハナコ, 03-9876-5432)が受信、yoshida.t の端末で実行。吉田隆 が報告。","pattern":"[domain-name:value = 'cdn-update.example.net']","pattern_type":"stix","valid_from":"\#(Fixture.created)"}"#,
        ].map { try! JSONParser.parse(Array($0.utf8)) }
        let results = Anonymizer.anonymize(objects: objects, profile: Fixture.profile, settings: Fixture.settings)
        #expect(results[0].releasedValue == nil && results[1].releasedValue == nil && results[2].releasedValue == nil)
        let indicator = try #require(results[3].releasedValue)
        #expect(indicator["description"]?.stringValue
            == "[victim-person] と[victim-person]([victim-person], [victim-phone])が受信、[victim-account] の端末で実行。[victim-person] が報告。")
        var learned = Fixture.profile
        learned.addIdentifiers(foundIn: objects)
        #expect(LeakCheck.findings(in: indicator.serialized(), profile: learned).isEmpty)
        #expect(learned.personNames.contains("佐藤 花子") && learned.personNames.contains("田中 一郎"))
        #expect(learned.phoneNumbers == ["03-9876-5432"])
        #expect(Set(learned.accountNames) == [#"DENRYOKU-A\t-yoshida"#, "yoshida.t"])
    }

    @Test("ids the provider authored are rewritten wherever they appear; its marking definitions too")
    func authoredIDs() throws {
        let marking = "marking-definition--4b3c2d1e-0f9a-4b8c-9d7e-6f5a4b3c2d1e"
        let extensionID = "extension-definition--5c4d3e2f-1a0b-4c9d-8e7f-6a5b4c3d2e1f"
        let objects = [
            #"{"type":"marking-definition","spec_version":"2.1","id":"\#(marking)","created":"\#(Fixture.created)","created_by_ref":"\#(Fixture.providerIdentity)","definition_type":"statement","definition":{"statement":"社外秘"}}"#,
            #"{"type":"extension-definition","spec_version":"2.1","id":"\#(extensionID)","created_by_ref":"\#(Fixture.providerIdentity)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"incident-notes","schema":"https://example.org/schema.json","version":"1.0","extension_types":["property-extension"]}"#,
            #"{"type":"malware","spec_version":"2.1","id":"\#(Fixture.malware)","created_by_ref":"\#(Fixture.providerIdentity)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"PlugX","is_family":true,"description":"see \#(Fixture.indicatorC2) and report \#(Fixture.report)","x_origin":"\#(Fixture.indicatorC2)","object_marking_refs":["\#(marking)","\#(TLPMarking.amber.id)"],"extensions":{"\#(extensionID)":{"extension_type":"property-extension","family_note":"RAT"}}}"#,
            #"{"type":"indicator","spec_version":"2.1","id":"\#(Fixture.indicatorC2)","created_by_ref":"\#(Fixture.providerIdentity)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"C2","pattern":"[domain-name:value = 'cdn-update.example.net']","pattern_type":"stix","valid_from":"\#(Fixture.created)","object_marking_refs":["\#(marking)"]}"#,
        ].map { try! JSONParser.parse(Array($0.utf8)) }
        let results = Anonymizer.anonymize(objects: objects, profile: Fixture.profile, settings: Fixture.settings)
        let copies = try results.map { try #require($0.releasedValue) }
        let newMarking = try #require(copies[0]["id"]?.stringValue)
        let newExtension = try #require(copies[1]["id"]?.stringValue)
        let newIndicator = try #require(copies[3]["id"]?.stringValue)
        #expect(newMarking != marking && newMarking.hasPrefix("marking-definition--"))
        #expect(newExtension != extensionID && newExtension.hasPrefix("extension-definition--"))
        let malware = copies[2]
        #expect(malware["description"]?.stringValue == "see \(newIndicator) and report \(Fixture.report)")
        #expect(malware["x_origin"]?.stringValue == newIndicator)
        #expect(malware["object_marking_refs"] == .array([.string(newMarking), .string(TLPMarking.amber.id)]))
        #expect(malware["extensions"]?[newExtension]?["family_note"]?.stringValue == "RAT")
        #expect(copies[3]["object_marking_refs"] == .array([.string(newMarking)]))
        var learned = Fixture.profile
        learned.addIdentifiers(foundIn: objects)
        for copy in copies {
            let bytes = copy.serialized()
            #expect(LeakCheck.findings(in: bytes, profile: learned).isEmpty, "\(String(decoding: bytes, as: UTF8.self))")
            for original in [marking, extensionID, Fixture.indicatorC2, Fixture.malware] {
                #expect(!String(decoding: bytes, as: UTF8.self).contains(original))
            }
            #expect(STIXValidator.validate(copy).isSuccess, "\(copy)")
        }
    }
}
