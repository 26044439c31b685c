// AnonymizationTests — AttackEmailSubmissionTests.swift
// Owns the end-to-end tests on the attack-e-mail submission: nothing of the provider survives
// (checked by LeakCheck and by an independent naive search), technical content does, ids are
// rewritten consistently, markings and the hub's authorship are right, and every released object
// re-parses and is still valid STIX 2.1.

import Anonymization
import STIX
import Testing

@Suite("Anonymising an attack-e-mail submission")
struct AttackEmailSubmissionTests {
    let results: [AnonymizedObject]
    let released: [JSONValue]
    let output: String

    init() {
        results = Anonymizer.anonymize(objects: Fixture.submissionValues, profile: Fixture.profile, settings: Fixture.settings)
        released = results.compactMap(\.releasedValue)
        output = released.map(\.serializedText).joined(separator: "\n")
    }

    func result(for originalID: String) -> AnonymizedObject {
        let index = Fixture.submissionValues.firstIndex { $0["id"]?.stringValue == originalID }!
        return results[index]
    }

    func releasedObject(_ originalID: String) -> JSONValue? {
        result(for: originalID).releasedValue
    }

    @Test("no identifier of the provider survives: independent naive search")
    func naiveSearchFindsNothing() {
        let lowered = output.lowercased()
        for forbidden in Fixture.forbidden {
            #expect(!lowered.contains(forbidden.lowercased()), "released output still contains \(forbidden)")
        }
    }

    @Test("no identifier of the provider survives: LeakCheck on every released object and on the whole")
    func leakCheckFindsNothing() {
        var learned = Fixture.profile
        learned.addIdentifiers(foundIn: Fixture.submissionValues)
        for object in released {
            let findings = LeakCheck.findings(in: object.serialized(), profile: learned)
            #expect(findings.isEmpty, "\(findings)")
        }
        #expect(LeakCheck.findings(in: Array(output.utf8), profile: Fixture.profile).isEmpty)
    }

    @Test("technical content survives")
    func technicalContentSurvives() {
        for technical in Fixture.technical {
            #expect(output.contains(technical), "released output lost \(technical)")
        }
        let c2 = releasedObject(Fixture.indicatorC2)
        #expect(c2?["pattern"]?.stringValue == "[domain-name:value = 'cdn-update.example.net']")
        #expect(releasedObject(Fixture.c2Domain)?["value"]?.stringValue == "cdn-update.example.net")
        #expect(releasedObject(Fixture.attackerIP)?["value"]?.stringValue == "203.0.113.45")
        #expect(releasedObject(Fixture.attackerIPv6)?["value"]?.stringValue == "2001:db8:ff::1")
        #expect(releasedObject(Fixture.sender)?["value"]?.stringValue == "invoice@kaiketsu-billing.example.com")
        let hashes = releasedObject(Fixture.filePayload)?["hashes"]
        #expect(hashes?["SHA-256"]?.stringValue == "9f2b6c1e5a3d4f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8")
        #expect(hashes?["MD5"]?.stringValue == "0a1b2c3d4e5f60718293a4b5c6d7e8f9")
        let attack = releasedObject(Fixture.attackPattern)
        let externalIDs = attack?["external_references"]?.arrayValue?.compactMap { $0["external_id"]?.stringValue }
        #expect(externalIDs == ["T1566.001", "T1071.001"])  // the provider's internal tracker reference is gone
    }

    @Test("what identifies the provider is withheld, with a reason")
    func withheldObjects() {
        let withheld = [Fixture.providerIdentity, Fixture.recipient, Fixture.recipientCc, Fixture.relayHost,
                        Fixture.victimIP, Fixture.victimIPv6, Fixture.victimURL, Fixture.indicatorVictim,
                        Fixture.targetsVictim]
        for id in withheld {
            guard case .withheld(let reason) = result(for: id) else {
                Issue.record("\(id) was released")
                continue
            }
            #expect(!reason.isEmpty)
        }
        #expect(released.count == Fixture.submission.count - withheld.count)
    }

    @Test("ids are rewritten consistently across objects")
    func idsLineUp() throws {
        let indicator = try #require(releasedObject(Fixture.indicatorC2))
        let relationship = try #require(releasedObject(Fixture.indicates))
        let rewrittenIndicator = Anonymizer.releasedID(for: Fixture.indicatorC2, settings: Fixture.settings)
        #expect(indicator["id"]?.stringValue == rewrittenIndicator)
        #expect(rewrittenIndicator != Fixture.indicatorC2)
        #expect(relationship["source_ref"]?.stringValue == rewrittenIndicator)
        #expect(relationship["target_ref"]?.stringValue == releasedObject(Fixture.malware)?["id"]?.stringValue)
        #expect(releasedObject(Fixture.sighting)?["sighting_of_ref"]?.stringValue == rewrittenIndicator)

        // Every reference in the released set points at a released object, a marking or the hub.
        let releasedIDs = Set(released.compactMap { $0["id"]?.stringValue })
        for object in released {
            for reference in references(in: object) where reference != Fixture.hubIdentity && reference != Fixture.tlpAmber {
                #expect(releasedIDs.contains(reference), "\(object["id"]?.stringValue ?? "?") points at \(reference)")
            }
        }
    }

    @Test("technical observables keep their content-derived ids; scrubbed ones get rewritten ids")
    func observableIDs() throws {
        #expect(releasedObject(Fixture.c2Domain)?["id"]?.stringValue == Fixture.c2Domain)
        #expect(releasedObject(Fixture.attackerIP)?["id"]?.stringValue == Fixture.attackerIP)
        #expect(releasedObject(Fixture.filePayload)?["id"]?.stringValue == Fixture.filePayload)
        let message = try #require(releasedObject(Fixture.emailMessage))
        let attachment = try #require(releasedObject(Fixture.fileAttachment))
        #expect(message["id"]?.stringValue != Fixture.emailMessage)  // its subject named the provider
        #expect(attachment["id"]?.stringValue != Fixture.fileAttachment)  // its name named the provider
        #expect(attachment["name"]?.stringValue == "請求書_[victim-organization]様.zip")
        let parts = try #require(message["body_multipart"]?.arrayValue)
        #expect(parts[1]["body_raw_ref"]?.stringValue == attachment["id"]?.stringValue)
        #expect(message["from_ref"]?.stringValue == Fixture.sender)
        #expect(message["to_refs"] == nil && message["cc_refs"] == nil)
        let headers = try #require(message["additional_header_fields"]?.objectValue)
        #expect(headers.keys == ["X-Mailer", "X-Originating-IP"])
        #expect(message["subject"]?.stringValue == "【[victim-organization] 御中】請求書送付のお知らせ")
        let traffic = try #require(releasedObject(Fixture.traffic))
        #expect(traffic["src_ref"] == nil)
        #expect(traffic["dst_ref"]?.stringValue == Fixture.attackerIP)
        #expect(traffic["id"]?.stringValue != Fixture.traffic)
        #expect(releasedObject(Fixture.observedData)?["object_refs"]?.arrayValue?.compactMap(\.stringValue)
                == [Fixture.attackerIP, traffic["id"]!.stringValue!])
    }

    @Test("markings are unchanged and the hub is the author")
    func markingsAndAuthor() {
        for object in released {
            let type = object["type"]?.stringValue ?? ""
            if STIXTypes.cyberObservables.contains(type) {
                #expect(object["created_by_ref"] == nil)
            } else {
                #expect(object["created_by_ref"]?.stringValue == Fixture.hubIdentity)
            }
        }
        #expect(releasedObject(Fixture.indicatorC2)?["object_marking_refs"] == .array([.string(Fixture.tlpAmber)]))
        #expect(releasedObject(Fixture.report)?["object_marking_refs"] == .array([.string(Fixture.tlpAmber)]))
    }

    @Test("references to the provider are removed; required ones withhold the object")
    func providerReferences() throws {
        let sighting = try #require(releasedObject(Fixture.sighting))
        #expect(sighting["where_sighted_refs"] == nil)
        let report = try #require(releasedObject(Fixture.report))
        let refs = (report["object_refs"]?.arrayValue ?? []).compactMap { $0.stringValue }
        #expect(refs.count == 8)  // provider identity, recipient and victim address are gone
        #expect(!refs.contains(Fixture.providerIdentity) && !refs.contains(Fixture.recipient))
        guard case .withheld(let reason) = result(for: Fixture.targetsVictim) else {
            Issue.record("the relationship targeting the provider was released")
            return
        }
        #expect(reason.contains("target_ref"))
    }

    @Test("text is scrubbed in place, Japanese sentences included")
    func scrubbedText() throws {
        let report = try #require(releasedObject(Fixture.report))
        let description = try #require(report["description"]?.stringValue)
        #expect(description.hasPrefix("[victim-organization]の経理部 ([victim-email]) が受信。中継サーバ [victim-host] ([victim-address]) を経由し、送信元は 203.0.113.45。プロジェクト「[victim-project]」の資料を装う。"))
        #expect(description.contains("[victim-domain] の \"社内\" ポータル https://[victim-host]/login"))
        #expect(description.hasSuffix("\\ 報告者: [victim-person]"))
        #expect(report["name"]?.stringValue == "[victim-organization]における標的型メール攻撃 ([victim-organization])")
        #expect(report["x_related_hosts"] == .array(["[victim-host]", "cdn-update.example.net"]))
        #expect(releasedObject(Fixture.malware)?["description"]?.stringValue == "[victim-host] で検出されたRAT")
        let note = try #require(releasedObject(Fixture.note)?["content"]?.stringValue)
        #expect(note == "[victim-person] ([victim-email]) より。Project [victim-project] 担当。C2 は 2001:db8:ff::1 にも解決。社内側は [victim-address]。")
    }

    @Test("context becomes generic")
    func contextIsGeneric() throws {
        let report = try #require(releasedObject(Fixture.report)?.objectValue)
        #expect(report["x_victim_organization"]?.stringValue == "an organisation in the 電力 sector (電力分野の組織)")
        #expect(report["x_reporter"]?.stringValue == "an organisation in the 電力 sector (電力分野の組織)")
        #expect(report["x_internal_ticket"] == nil)
        let incident = try #require(releasedObject(Fixture.incident)?.objectValue)
        #expect(incident["x_victim_size"] == nil)
        #expect(incident["x_sector"]?.stringValue == "電力")
        #expect(incident["x_damage"] == nil)
        #expect(incident["x_internal_timeline"] == nil)
        #expect(incident["x_attack_vector"]?.stringValue == "spearphishing attachment")
        // "電力A社 経理部" is also a recipient's display name: the whole of it goes.
        #expect(incident["name"]?.stringValue == "[victim-organization]への標的型メール")
        let extensionBody = try #require(incident["extensions"]?["extension-definition--4ca6de00-5b0d-45ef-a1dc-ea7279ea910e"]?.objectValue)
        #expect(extensionBody["affected_organization"]?.stringValue == "an organisation in the 電力 sector (電力分野の組織)")
        #expect(extensionBody["response_status"] == nil)
        #expect(extensionBody["malware_family"]?.stringValue == "PlugX")
        #expect(extensionBody["extension_type"]?.stringValue == "property-extension")
    }

    @Test("released objects re-parse and are still valid STIX 2.1")
    func reparsesAndValidates() throws {
        for object in released {
            let reparsed = try JSONParser.parse(object.serialized())
            #expect(reparsed == object)
            switch STIXValidator.validate(reparsed) {
            case .success(let facts):
                #expect(STIXIdentifier.isValid(facts.id))
            case .failure(let error):
                Issue.record("released object is not valid STIX: \(error)")
            }
        }
    }

    @Test("anonymising is deterministic")
    func deterministic() {
        let again = Anonymizer.anonymize(objects: Fixture.submissionValues, profile: Fixture.profile, settings: Fixture.settings)
        #expect(again == results)
        let otherKey = Anonymizer.anonymize(objects: Fixture.submissionValues, profile: Fixture.profile, settings: Fixture.otherSettings)
        let ids = Set(released.compactMap { $0["id"]?.stringValue })
        let otherIDs = Set(otherKey.compactMap { $0.releasedValue?["id"]?.stringValue })
        // Only the technical observables with content-derived ids are shared between keys.
        #expect(ids.intersection(otherIDs) == [Fixture.sender, Fixture.filePayload, Fixture.c2Domain, Fixture.attackerIP,
                                                 Fixture.attackerIPv6])
    }

    /// Every `*_ref` / `*_refs` value anywhere in `value`.
    func references(in value: JSONValue, key: String? = nil) -> [String] {
        switch value {
        case .string(let text):
            guard let key, key.hasSuffix("_ref") || key.hasSuffix("_refs") else { return [] }
            return [text]
        case .array(let elements):
            return elements.flatMap { references(in: $0, key: key) }
        case .object(let object):
            return object.members.flatMap { references(in: $0.value, key: $0.key) }
        default:
            return []
        }
    }
}
