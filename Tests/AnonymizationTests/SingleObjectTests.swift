// AnonymizationTests — SingleObjectTests.swift
// Owns the tests of anonymising single objects without the submission around them: what the profile
// alone decides (recipients, the provider's own observables, identities by name), structural rules
// (required references, patterns, payloads, markings, the hub) and JSON safety of the scrubbing.

import Anonymization
import STIX
import Testing

@Suite("Anonymising single objects")
struct SingleObjectTests {
    let profile = Fixture.profile
    let settings = Fixture.settings

    func anonymize(_ json: String, profile: VictimProfile? = nil) throws -> AnonymizedObject {
        Anonymizer.anonymize(try JSONParser.parse(Array(json.utf8)), profile: profile ?? self.profile, settings: settings)
    }

    func released(_ json: String, profile: VictimProfile? = nil) throws -> JSONValue {
        let result = try anonymize(json, profile: profile)
        guard case .released(let value) = result else {
            Issue.record("withheld: \(result)")
            return .null
        }
        return value
    }

    func isWithheld(_ json: String, profile: VictimProfile? = nil) throws -> Bool {
        if case .withheld = try anonymize(json, profile: profile) { return true }
        return false
    }

    @Test("the profile alone withholds the provider's observables and drops references to them")
    func profileAlone() throws {
        #expect(try isWithheld(#"{"type":"email-addr","spec_version":"2.1","id":"\#(Fixture.recipient)","value":"keiri@denryoku-a.example.jp"}"#))
        #expect(try isWithheld(#"{"type":"domain-name","spec_version":"2.1","id":"domain-name--e44bb549-7e87-5e5b-ab1e-19fe97b41ec4","value":"denryoku-a.example.jp"}"#))
        #expect(try isWithheld(#"{"type":"ipv4-addr","spec_version":"2.1","id":"\#(Fixture.victimIP)","value":"192.0.2.25"}"#))
        var withAddress = profile
        withAddress.emailAddresses = ["keiri@denryoku-a.example.jp"]
        // observed-data pointing at the (computed) id of the provider's own address and at an attacker's.
        let observed = try released(#"{"type":"observed-data","spec_version":"2.1","id":"\#(Fixture.observedData)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","first_observed":"\#(Fixture.created)","last_observed":"\#(Fixture.created)","number_observed":1,"object_refs":["\#(Fixture.recipient)","\#(Fixture.sender)"]}"#, profile: withAddress)
        #expect(observed["object_refs"] == .array([.string(Fixture.sender)]))
        // The recipients of a message go even when nobody said who they were.
        let message = try released(#"{"type":"email-message","spec_version":"2.1","id":"email-message--11111111-2222-5333-8444-555555555555","is_multipart":false,"from_ref":"\#(Fixture.sender)","to_refs":["email-addr--aaaaaaaa-bbbb-5ccc-8ddd-eeeeeeeeeeee"],"subject":"Invoice"}"#)
        #expect(message["to_refs"] == nil)
        #expect(message["id"]?.stringValue == "email-message--11111111-2222-5333-8444-555555555555")
    }

    @Test("identities: the provider's by id or name are withheld, others are released rewritten")
    func identities() throws {
        #expect(try isWithheld(#"{"type":"identity","spec_version":"2.1","id":"identity--5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1a","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"ＤＥＮＲＹＯＫＵ Ａ ＣＯＲＰ． 経理部"}"#))
        #expect(try isWithheld(#"{"type":"identity","spec_version":"2.1","id":"identity--5d4c3b2a-1f0e-4d9c-8b7a-6f5e4d3c2b1b","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"山田 太郎","identity_class":"individual"}"#))
        let actor = try released(#"{"type":"identity","spec_version":"2.1","id":"identity--6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"請求書センター (persona)","identity_class":"individual","description":"電力A社を狙ったペルソナ"}"#)
        #expect(actor["id"]?.stringValue == Anonymizer.releasedID(for: "identity--6e5d4c3b-2a1f-4e0d-9c8b-7a6f5e4d3c2b", settings: settings))
        #expect(actor["description"]?.stringValue == "[victim-organization]を狙ったペルソナ")
        #expect(actor["created_by_ref"]?.stringValue == Fixture.hubIdentity)
    }

    @Test("a required reference that can only point at the provider withholds the object")
    func requiredReferences() throws {
        #expect(try isWithheld(#"{"type":"report","spec_version":"2.1","id":"\#(Fixture.report)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"r","published":"\#(Fixture.created)","object_refs":["\#(Fixture.providerIdentity)"]}"#))
        #expect(try isWithheld(#"{"type":"sighting","spec_version":"2.1","id":"\#(Fixture.sighting)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","sighting_of_ref":"\#(Fixture.providerIdentity)"}"#))
        let sighting = try released(#"{"type":"sighting","spec_version":"2.1","id":"\#(Fixture.sighting)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","sighting_of_ref":"\#(Fixture.indicatorC2)","where_sighted_refs":["\#(Fixture.providerIdentity)"]}"#)
        #expect(sighting["where_sighted_refs"] == nil)
        #expect(STIXValidator.validate(sighting).isSuccess)
    }

    @Test("an indicator whose pattern names the provider is withheld")
    func patterns() throws {
        #expect(try isWithheld(#"{"type":"indicator","spec_version":"2.1","id":"\#(Fixture.indicatorVictim)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","pattern":"[ipv4-addr:value = '192.0.2.0/25']","pattern_type":"stix","valid_from":"\#(Fixture.created)"}"#))
        #expect(try isWithheld(#"{"type":"indicator","spec_version":"2.1","id":"\#(Fixture.indicatorVictim)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","pattern":"[url:value = 'https://vpn.denryoku-a.example.jp/']","pattern_type":"stix","valid_from":"\#(Fixture.created)"}"#))
    }

    @Test("artifacts, certificates and accounts of the provider are withheld")
    func observablesOfTheProvider() throws {
        let payload = "UmVjZWl2ZWQ6IGZyb20gbWFpbDAxLmRlbnJ5b2t1LWEuZXhhbXBsZS5qcA=="  // "Received: from mail01.denryoku-a.example.jp"
        #expect(try isWithheld(#"{"type":"artifact","spec_version":"2.1","id":"artifact--1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5d","mime_type":"message/rfc822","payload_bin":"\#(payload)"}"#))
        let clean = try released(#"{"type":"artifact","spec_version":"2.1","id":"artifact--1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5e","mime_type":"text/plain","payload_bin":"aGVsbG8gd29ybGQ="}"#)
        #expect(clean["id"]?.stringValue == "artifact--1a2b3c4d-5e6f-5a7b-8c9d-0e1f2a3b4c5e")
        #expect(try isWithheld(#"{"type":"x509-certificate","spec_version":"2.1","id":"x509-certificate--2b3c4d5e-6f7a-5b8c-9d0e-1f2a3b4c5d6e","serial_number":"01:02","subject":"CN=vpn.denryoku-a.example.jp, O=Denryoku A Corp."}"#))
        #expect(try isWithheld(#"{"type":"user-account","spec_version":"2.1","id":"user-account--3c4d5e6f-7a8b-5c9d-8e0f-1a2b3c4d5e6f","user_id":"yamada","display_name":"山田 太郎"}"#))
    }

    @Test("standard markings and the hub's identity pass unchanged; a provider's own marking is re-authored")
    func sharedVocabulary() throws {
        let tlp = TLPMarking.amber.object
        #expect(Anonymizer.anonymize(tlp, profile: profile, settings: settings) == .released(tlp))
        let hub = try JSONParser.parse(Array(#"{"type":"identity","spec_version":"2.1","id":"\#(Fixture.hubIdentity)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"Kakehashi Hub","identity_class":"organization"}"#.utf8))
        #expect(Anonymizer.anonymize(hub, profile: profile, settings: settings) == .released(hub))
        let statement = try released(#"{"type":"marking-definition","spec_version":"2.1","id":"marking-definition--7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e","created":"\#(Fixture.created)","created_by_ref":"\#(Fixture.providerIdentity)","definition_type":"statement","definition":{"statement":"Copyright 電力A社"}}"#)
        #expect(statement["id"]?.stringValue == "marking-definition--7b8c9d0e-1f2a-4b3c-8d4e-5f6a7b8c9d0e")
        #expect(statement["created_by_ref"]?.stringValue == Fixture.hubIdentity)
        #expect(statement["definition"]?["statement"]?.stringValue == "Copyright [victim-organization]")
    }

    @Test("scrubbing works on the tree: quotes, backslashes and control characters stay valid JSON")
    func jsonSafety() throws {
        let json = #"{"type":"note","spec_version":"2.1","id":"\#(Fixture.note)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","content":"\"電力A社\"\\\n\t\u0001 C:\\Users\\yamada\\keiri@denryoku-a.example.jp\\","object_refs":["\#(Fixture.report)"],"x_denryoku-a.example.jp_ticket":"1","x_notes":{"電力A社":"key named after the provider"}}"#
        let note = try released(json)
        let bytes = note.serialized()
        let reparsed = try JSONParser.parse(bytes)
        #expect(reparsed == note)
        #expect(note["content"]?.stringValue == "\"[victim-organization]\"\\\n\t\u{1} C:\\Users\\yamada\\[victim-email]\\")
        #expect(note["x_denryoku-a.example.jp_ticket"] == nil)   // a property named after the provider goes
        #expect(note["x_notes"] == nil)                           // ... and an object left empty by that
        #expect(LeakCheck.findings(in: bytes, profile: profile).isEmpty)
        #expect(STIXValidator.validate(reparsed).isSuccess)
    }

    @Test("granular markings follow what survived")
    func granularMarkings() throws {
        let report = try released(#"{"type":"report","spec_version":"2.1","id":"\#(Fixture.report)","created":"\#(Fixture.created)","modified":"\#(Fixture.created)","name":"r","published":"\#(Fixture.created)","description":"d","object_refs":["\#(Fixture.providerIdentity)","\#(Fixture.malware)","\#(Fixture.indicatorC2)"],"x_internal_ticket":"T-1","granular_markings":[{"marking_ref":"\#(Fixture.tlpAmber)","selectors":["description","object_refs.[2]"]},{"marking_ref":"\#(TLPMarking.red.id)","selectors":["x_internal_ticket"]}]}"#)
        #expect(report["granular_markings"] == .array([.object(JSONObject([
            ("marking_ref", .string(Fixture.tlpAmber)), ("selectors", ["description", "object_refs"]),
        ]))]))
        #expect(STIXValidator.validate(report).isSuccess)
    }

    @Test("what is not a STIX object is withheld")
    func notSTIX() {
        #expect(Anonymizer.anonymize(.string("電力A社"), profile: profile, settings: settings) == .withheld(reason: "not a STIX object with a type and an id"))
        #expect(Anonymizer.anonymize(["type": "note"], profile: profile, settings: settings) != .released(["type": "note"]))
    }

    @Test("addIdentifiers learns recipients, their names and the observables to withhold or rewrite")
    func learning() {
        var learned = profile
        learned.addIdentifiers(foundIn: Fixture.submissionValues)
        #expect(learned.emailAddresses.contains("keiri@denryoku-a.example.jp"))
        #expect(learned.emailAddresses.contains("yamada.taro@denryoku-a.example.jp"))
        #expect(learned.personNames.contains("電力A社 経理部"))
        #expect(Set(learned.observableIDs).isSuperset(of: [Fixture.recipient, Fixture.recipientCc, Fixture.relayHost,
                                                          Fixture.victimIP, Fixture.victimIPv6, Fixture.victimURL]))
        #expect(!learned.observableIDs.contains(Fixture.attackerIP))
        #expect(Set(learned.rewrittenObservableIDs) == [Fixture.emailMessage, Fixture.fileAttachment, Fixture.traffic])
        var again = learned
        again.addIdentifiers(foundIn: Fixture.submissionValues)
        #expect(again == learned)
    }
}

extension Result {
    var isSuccess: Bool {
        if case .success = self { return true }
        return false
    }
}
