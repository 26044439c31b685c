// AnonymizationTests — ReleasedIdentifierTests.swift
// Owns the tests of id rewriting: deterministic for one key, different for another, version-4 UUID
// form, versions of one object line up, shared vocabulary (markings, hub) unchanged.

import Anonymization
import STIX
import Testing

@Suite("Released identifiers")
struct ReleasedIdentifierTests {
    @Test("the same original id always gives the same released id; another key another one")
    func deterministic() {
        let a = Anonymizer.releasedID(for: Fixture.indicatorC2, settings: Fixture.settings)
        let b = Anonymizer.releasedID(for: Fixture.indicatorC2, settings: Fixture.settings)
        let c = Anonymizer.releasedID(for: Fixture.indicatorC2, settings: Fixture.otherSettings)
        #expect(a == b)
        #expect(a != c)
        #expect(a != Anonymizer.releasedID(for: Fixture.indicatorHash, settings: Fixture.settings))
        // The UUID's case does not matter.
        #expect(a == Anonymizer.releasedID(for: Fixture.indicatorC2.uppercased().replacingOccurrences("INDICATOR", "indicator"),
                                           settings: Fixture.settings))
    }

    @Test("released ids keep the type and have the version-4 UUID form")
    func form() throws {
        let released = Anonymizer.releasedID(for: Fixture.report, settings: Fixture.settings)
        let identifier = try #require(STIXIdentifier(released))
        #expect(identifier.type == "report")
        let uuid = Array(identifier.uuid)
        #expect(uuid[14] == "4")
        #expect("89ab".contains(uuid[19]))
        #expect(identifier.uuid == identifier.uuid.lowercased())
    }

    @Test("rewritten ids of observables with content-derived ids keep the version-5 form")
    func observableForm() throws {
        let rewritten = Anonymizer.releasedID(for: Fixture.emailMessage, settings: Fixture.settings)
        let identifier = try #require(STIXIdentifier(rewritten))
        #expect(identifier.type == "email-message")
        #expect(Array(identifier.uuid)[14] == "5")
        #expect(rewritten != Fixture.emailMessage)
        let process = try #require(STIXIdentifier(Anonymizer.releasedID(for: "process--f52a906a-0dfc-40bd-92f1-e7778ead38a9",
                                                                       settings: Fixture.settings)))
        #expect(Array(process.uuid)[14] == "4")  // process ids are random in STIX too
    }

    @Test("markings, extension definitions and the hub keep their ids")
    func sharedVocabulary() {
        for id in [Fixture.tlpAmber, Fixture.hubIdentity, "extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e"] {
            #expect(Anonymizer.releasedID(for: id, settings: Fixture.settings) == id)
        }
    }

    @Test("versions of one object line up")
    func versions() throws {
        let v1 = Fixture.original(Fixture.indicatorC2)
        var object = try #require(v1.objectValue)
        object["modified"] = "2024-06-01T00:00:00.000Z"
        object["description"] = "電力A社で再度観測"
        let first = Anonymizer.anonymize(v1, profile: Fixture.profile, settings: Fixture.settings).releasedValue
        let second = Anonymizer.anonymize(.object(object), profile: Fixture.profile, settings: Fixture.settings).releasedValue
        #expect(first?["id"] != nil)
        #expect(first?["id"] == second?["id"])
        #expect(second?["modified"]?.stringValue == "2024-06-01T00:00:00.000Z")
        #expect(second?["description"]?.stringValue == "[victim-organization]で再度観測")
    }
}

extension String {
    func replacingOccurrences(_ target: String, _ replacement: String) -> String {
        split(separator: target, omittingEmptySubsequences: false).joined(separator: replacement)
    }
}
