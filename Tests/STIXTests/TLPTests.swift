// STIXTests — TLPTests.swift
// Owns the tests of the well-known TLP marking definitions.

import Testing
import STIX

@Suite("TLP markings")
struct TLPTests {
    @Test("every well-known marking is a valid marking-definition with its own id", arguments: TLPMarking.allCases)
    func valid(_ marking: TLPMarking) throws {
        let facts = try STIXValidator.validate(marking.object).get()
        #expect(facts.id == marking.id)
        #expect(facts.type == "marking-definition")
        #expect(facts.kind == .meta)
        #expect(TLPMarking(id: marking.id) == marking)
        #expect(marking.object["name"]?.stringValue == marking.name)
        #expect(TLPMarking.declaredLevel(in: marking.object.objectValue!) == marking.level)
    }

    @Test("published ids and names")
    func published() {
        #expect(TLPMarking.clear.id == "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487")
        #expect(TLPMarking.green.id == "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb")
        #expect(TLPMarking.amber.id == "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421")
        #expect(TLPMarking.amberStrict.id == "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003")
        #expect(TLPMarking.red.id == "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1")
        #expect(TLPMarking.white.id == "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9")
        #expect(TLPMarking.greenV1.id == "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da")
        #expect(TLPMarking.amberV1.id == "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82")
        #expect(TLPMarking.redV1.id == "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed")
        #expect(TLPMarking.amberStrict.name == "TLP:AMBER+STRICT")
        #expect(TLPMarking.white.name == "TLP:WHITE")
        #expect(TLPMarking.allIDs.count == 9)
        #expect(TLPMarking(id: "marking-definition--2e1c8b5d-0d5d-4b0a-b4e8-5c1e0c7c9d2a") == nil)
        #expect(TLPMarking.tlp2.map(\.rank) == [0, 1, 2, 3, 4])
        #expect(TLPMarking.clear.object["extensions"]?[TLPMarking.tlp2ExtensionID]?["tlp_2_0"] == "clear")
    }

    @Test("a TLP 2.0 id that declares another level is rejected")
    func mislabelled() {
        var object = TLPMarking.red.object.objectValue!
        object["extensions"] = [.init(stringLiteral: TLPMarking.tlp2ExtensionID): ["extension_type": "property-extension", "tlp_2_0": "clear"]]
        guard case .failure(let error) = STIXValidator.validate(.object(object)) else { Issue.record("expected failure"); return }
        #expect(error.message.contains("well-known TLP:RED marking"))
    }

    @Test("a TLP level declared under an id of its own is found, in every form; the well-known ids are not")
    func customDeclarations() throws {
        let own = "marking-definition--0b1c3f4e-0d6a-4f0e-9b55-3c1a4c2f9e01"
        var tlp1 = TLPMarking.redV1.object.objectValue!
        tlp1["id"] = .string(own)
        var tlp2 = TLPMarking.red.object.objectValue!
        tlp2["id"] = .string(own)
        var otherExtension = tlp2
        otherExtension["extensions"] = ["extension-definition--3a9f2f0e-6a43-4bde-8e09-5a3e0f3f5a11":
                                            ["extension_type": "property-extension", "tlp_2_0": "amber+strict"]]
        let named = try JSONParser.parse(#"{"type":"marking-definition","spec_version":"2.1","id":"\#(own)","created":"2026-01-01T00:00:00.000Z","name":"TLP:RED","definition_type":"statement","definition":{"statement":"TLP:RED"}}"#).objectValue!
        #expect(TLPMarking.customDeclaration(in: tlp1) == "red")
        #expect(TLPMarking.customDeclaration(in: tlp2) == "red")
        #expect(TLPMarking.customDeclaration(in: otherExtension) == "amber+strict")
        #expect(TLPMarking.customDeclaration(in: named) == "red")
        for marking in TLPMarking.allCases {
            #expect(TLPMarking.customDeclaration(in: marking.object.objectValue!) == nil)
        }
    }
}
