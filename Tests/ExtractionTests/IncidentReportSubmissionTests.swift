// Extraction — IncidentReportSubmissionTests.swift
// Tests the incident report form (strict snake_case decoding) and its STIX 2.1 form: the technical
// objects and relationships tied by a report, and the one context note that nothing references,
// marked with the context TLP and x_kakehashi_context.
import Foundation
import STIX
import Testing
@testable import Extraction

@Suite struct IncidentReportSubmissionTests {
    static let json = """
    {
      "title": "Spear-phishing against plant engineers",
      "summary": "A macro document dropped PlugX, which beaconed to two C2 servers.",
      "malware": ["PlugX", "plugx"],
      "attack_techniques": ["T1566.001", "T1059.001", "T9999", "phishing"],
      "actor": "APT10",
      "c2": ["45.77.12[.]9:8443", "update-check[.]jp-evil[.]com", "10.0.0.8", "nothing here"],
      "vulnerabilities": ["cve-2023-4966", "CVE-23-1"],
      "technical_timeline": [
        {"time": "2024-05-01 09:10 JST", "event": "mail received"},
        {"time": "2024-05-01 09:25 JST", "event": "first beacon to 45.77.12.9"}
      ],
      "victim_name": "Kanto Example Power Co.",
      "sector": "electric power",
      "size": "1,000-5,000 employees",
      "response_timeline": [{"time": "2024-05-02", "event": "host isolated"}],
      "damage": "design documents possibly exfiltrated",
      "countermeasure_status": "passwords reset; EDR deployed",
      "targeted_systems": ["fs01.corp.kanto-example.co.jp", "FILESRV02", "Active Directory", "10.20.0.5"]
    }
    """

    static func extracted(author: STIXAuthoring = STIXAuthoring()) throws -> ExtractedSubmission {
        let report = try IncidentReport.decode(json: Data(json.utf8))
        return try IncidentReportSubmission.extract(report, author: author)
    }

    @Test func decodesSnakeCaseFields() throws {
        let report = try IncidentReport.decode(json: Data(Self.json.utf8))
        #expect(report.attackTechniques == ["T1566.001", "T1059.001", "T9999", "phishing"])
        #expect(report.technicalTimeline[1] == .init(time: "2024-05-01 09:25 JST", event: "first beacon to 45.77.12.9"))
        #expect(report.victimName == "Kanto Example Power Co.")
        #expect(report.countermeasureStatus == "passwords reset; EDR deployed")
        #expect(report.contextTLP == "red")
        let minimal = try IncidentReport.decode(json: Data(#"{"title": "x"}"#.utf8))
        #expect(minimal == IncidentReport(title: "x"))
    }

    @Test func refusesUnknownKeysAndBadValuesClearly() {
        func message(_ json: String) -> String? {
            do { _ = try IncidentReport.decode(json: Data(json.utf8)); return nil } catch { return error.description }
        }
        #expect(message(#"{"title": "x", "victim": "A"}"#)?.hasPrefix(#"incident report: unknown field "victim" in the incident report"#) == true)
        #expect(message(#"{"title": "x", "technical_timeline": [{"time": "t", "event": "e", "who": "me"}]}"#)?
            .contains(#"unknown field "who" in the timeline entry"#) == true)
        #expect(message(#"{"summary": "x"}"#) == #"incident report: "title" is missing"#)
        #expect(message(#"{"title": "x", "malware": "PlugX"}"#) == #"incident report: "malware" has the wrong type (expected a list of strings)"#)
        #expect(message(#"{"title": "x", "context_tlp": "purple"}"#)?.contains("not a TLP 2.0 level") == true)
        #expect(message("not json") == "incident report: the body is not valid JSON")
    }

    @Test func technicalPart() throws {
        let extracted = try Self.extracted()
        try SubmissionChecks.expectWellFormed(extracted, name: "incident")

        let incident = try #require(SubmissionChecks.objects(extracted, type: "incident").first)
        #expect(incident["name"] == "Spear-phishing against plant engineers")
        #expect(incident["description"] == "A macro document dropped PlugX, which beaconed to two C2 servers.")
        let incidentID = try #require(incident["id"]?.stringValue)

        let malware = SubmissionChecks.objects(extracted, type: "malware")
        #expect(malware.count == 1)
        #expect(malware[0]["name"] == "PlugX")
        #expect(malware[0]["is_family"] == true)
        let malwareID = try #require(malware[0]["id"]?.stringValue)

        let attackPatterns = SubmissionChecks.objects(extracted, type: "attack-pattern")
        #expect(attackPatterns.compactMap { $0["external_references"]?.arrayValue?.first?["external_id"]?.stringValue }
                == ["T1566.001", "T1059.001"])
        #expect(attackPatterns[1]["name"] == "Command and Scripting Interpreter: PowerShell")
        #expect(attackPatterns[1]["external_references"]?.arrayValue?.first?["url"] == "https://attack.mitre.org/techniques/T1059/001/")

        let actor = try #require(SubmissionChecks.objects(extracted, type: "threat-actor").first)
        #expect(actor["name"] == "APT10")
        let vulnerabilities = SubmissionChecks.objects(extracted, type: "vulnerability")
        #expect(vulnerabilities.map { $0["name"] } == ["CVE-2023-4966"])
        #expect(vulnerabilities[0]["external_references"] == [["source_name": "cve", "external_id": "CVE-2023-4966"]])

        let patterns = SubmissionChecks.objects(extracted, type: "indicator").compactMap { $0["pattern"]?.stringValue }
        #expect(patterns == ["[ipv4-addr:value = '45.77.12.9']", "[domain-name:value = 'update-check.jp-evil.com']"])
        let ipID = ObservableID.value(type: "ipv4-addr", value: "45.77.12.9")
        let domainID = ObservableID.value(type: "domain-name", value: "update-check.jp-evil.com")

        let relationships = SubmissionChecks.relationships(extracted)
        func has(_ source: String, _ type: String, _ target: String) -> Bool {
            relationships.contains { $0.source == source && $0.type == type && $0.target == target }
        }
        let indicatorIDs = SubmissionChecks.objects(extracted, type: "indicator").compactMap { $0["id"]?.stringValue }
        for target in [malwareID, actor["id"]!.stringValue!, vulnerabilities[0]["id"]!.stringValue!]
            + attackPatterns.compactMap({ $0["id"]?.stringValue }) + indicatorIDs {
            #expect(has(incidentID, "related-to", target))
        }
        #expect(has(actor["id"]!.stringValue!, "uses", malwareID))
        for pattern in attackPatterns { #expect(has(actor["id"]!.stringValue!, "uses", pattern["id"]!.stringValue!)) }
        #expect(has(malwareID, "communicates-with", ipID))
        #expect(has(malwareID, "communicates-with", domainID))
        for id in indicatorIDs { #expect(has(id, "indicates", malwareID)) }
        #expect(relationships.filter { $0.type == "based-on" }.map(\.target) == [ipID, domainID])

        let timeline = try #require(SubmissionChecks.objects(extracted, type: "note").first { !$0.contains("x_kakehashi_context") })
        #expect(timeline["content"] == "2024-05-01 09:10 JST — mail received\n2024-05-01 09:25 JST — first beacon to 45.77.12.9")
        #expect(timeline["object_refs"] == [.string(incidentID)])

        let report = try #require(SubmissionChecks.objects(extracted, type: "report").first)
        #expect(report["report_types"] == ["threat-report"])
        let reportRefs = Set(report["object_refs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        #expect(reportRefs.contains(incidentID) && reportRefs.contains(timeline["id"]!.stringValue!))
        #expect(reportRefs.contains(ipID) && reportRefs.contains(malwareID))

        // Nothing of the context reaches the technical objects.
        let technical = extracted.objects.filter { !$0.contains("x_kakehashi_context") }
        let text = JSONValue.array(technical.map { .object($0) }).serializedText
        for secret in ["Kanto Example", "electric power", "exfiltrated", "EDR deployed", "fs01.corp", "host isolated"] {
            #expect(!text.contains(secret), "\(secret) leaked into a technical object")
        }

        #expect(extracted.warnings.contains("attack technique T9999 is not a known ATT&CK Enterprise technique; left out"))
        #expect(extracted.warnings.contains { $0.hasPrefix("attack technique \"phishing\" is not an ATT&CK technique id") })
        #expect(extracted.warnings.contains { $0.hasPrefix("vulnerability \"CVE-23-1\" is not a CVE id") })
        #expect(extracted.warnings.contains { $0.hasPrefix("c2 dropped 10.0.0.8: warning list:") })
        #expect(extracted.warnings.contains("c2 \"nothing here\" holds no IP address, domain or URL; left out"))
    }

    @Test func contextNoteIsUnreferencedAndMarkedRed() throws {
        let identity = "identity--6f4a1c62-2c5f-4d5e-9a55-3c3b7f2f1a10"
        let pap = "marking-definition--c43594d1-4b11-4c59-93ab-1c9b14d53ce9"
        let author = STIXAuthoring(createdByRef: identity, markingRefs: [TLPMarking.amber.id, pap])
        let extracted = try Self.extracted(author: author)
        try SubmissionChecks.expectWellFormed(extracted, name: "incident-context")

        let contexts = extracted.objects.filter { $0["x_kakehashi_context"] == true }
        #expect(contexts.count == 1)
        let note = try #require(contexts.first)
        #expect(note["type"] == "note")
        let noteID = try #require(note["id"]?.stringValue)
        let incidentID = try #require(SubmissionChecks.objects(extracted, type: "incident").first?["id"]?.stringValue)
        #expect(note["object_refs"] == [.string(incidentID)])
        #expect(note["object_marking_refs"] == [.string(pap), .string(TLPMarking.red.id)])
        #expect(note["created_by_ref"]?.stringValue == identity)
        #expect(note["x_kakehashi_victim_name"] == "Kanto Example Power Co.")
        #expect(note["x_kakehashi_sector"] == "electric power")
        #expect(note["x_kakehashi_size"] == "1,000-5,000 employees")
        #expect(note["x_kakehashi_damage"] == "design documents possibly exfiltrated")
        #expect(note["x_kakehashi_countermeasure_status"] == "passwords reset; EDR deployed")
        #expect(note["x_kakehashi_targeted_systems"] == ["fs01.corp.kanto-example.co.jp", "FILESRV02", "Active Directory", "10.20.0.5"])
        #expect(note["x_kakehashi_response_timeline"] == [["time": "2024-05-02", "event": "host isolated"]])
        let content = try #require(note["content"]?.stringValue)
        #expect(content.hasPrefix("Victim: Kanto Example Power Co.\nSector: electric power\n"))
        #expect(content.hasSuffix("Response timeline:\n2024-05-02 — host isolated"))

        // Referenced by nothing.
        for object in extracted.objects where object["id"]?.stringValue != noteID {
            #expect(!JSONValue.object(object).serializedText.contains(noteID))
        }
        // The technical objects keep the provider's own markings.
        let incident = try #require(SubmissionChecks.objects(extracted, type: "incident").first)
        #expect(incident["object_marking_refs"] == [.string(TLPMarking.amber.id), .string(pap)])

        #expect(extracted.victimIdentifiers == ["Kanto Example Power Co.", "fs01.corp.kanto-example.co.jp", "FILESRV02", "10.20.0.5"])
    }

    @Test func contextTLPCanBeChosenAndContextCanBeAbsent() throws {
        var report = IncidentReport(title: "Scan", damage: "none", contextTLP: "amber+strict")
        let marked = try IncidentReportSubmission.extract(report)
        let note = try #require(marked.objects.first { $0["x_kakehashi_context"] == true })
        #expect(note["object_marking_refs"] == [.string(TLPMarking.amberStrict.id)])

        report = IncidentReport(title: "Scan only", malware: ["Mirai"])
        let bare = try IncidentReportSubmission.extract(report)
        try SubmissionChecks.expectWellFormed(bare, name: "incident-bare")
        #expect(!bare.objects.contains { $0.contains("x_kakehashi_context") })
        #expect(bare.victimIdentifiers.isEmpty)

        #expect(throws: ExtractionError.self) { try IncidentReportSubmission.extract(IncidentReport(title: "  ")) }
        #expect(throws: ExtractionError.self) { try IncidentReportSubmission.extract(IncidentReport(title: "x", contextTLP: "white-ish")) }
    }
}
