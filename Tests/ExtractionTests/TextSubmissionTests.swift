// Extraction — TextSubmissionTests.swift
// Tests indicators from free text and CSV written as STIX 2.1 (patterns, deterministic observable
// ids, based-on links, CVE and ATT&CK objects, the report, dropped-value warnings), and the checks
// the other structured-submission tests share (STIX validity, references, the OASIS validator).
import Foundation
import IndicatorExtraction
import STIX
import Testing
@testable import Extraction

/// Checks shared by the structured-submission tests.
enum SubmissionChecks {
    /// Every object passes `STIXValidator`; returns the failures.
    static func invalidObjects(_ objects: [JSONObject]) -> [String] {
        objects.compactMap { object in
            if case .failure(let error) = STIXValidator.validate(.object(object)) {
                return "\(object["id"]?.stringValue ?? "?"): \(error.message)"
            }
            return nil
        }
    }

    /// References (`*_ref`, `*_refs`, at the top level) that name no object of the submission;
    /// `created_by_ref` and `object_marking_refs` are left out (they point outside the submission).
    static func danglingReferences(_ objects: [JSONObject]) -> [String] {
        let ids = Set(objects.compactMap { $0["id"]?.stringValue })
        var dangling: [String] = []
        for object in objects {
            for key in object.keys where key != "created_by_ref" && key != "object_marking_refs" {
                let value = object[key]!
                if key.hasSuffix("_ref"), let target = value.stringValue, !ids.contains(target) { dangling.append("\(key) → \(target)") }
                if key.hasSuffix("_refs") {
                    for target in value.arrayValue?.compactMap(\.stringValue) ?? [] where !ids.contains(target) {
                        dangling.append("\(key) → \(target)")
                    }
                }
            }
        }
        return dangling
    }

    static func objects(_ extracted: ExtractedSubmission, type: String) -> [JSONObject] {
        extracted.objects.filter { $0["type"]?.stringValue == type }
    }

    static func object(_ extracted: ExtractedSubmission, id: String) -> JSONObject? {
        extracted.objects.first { $0["id"]?.stringValue == id }
    }

    /// Relationships as "source-type relationship-type target-type" with the ids.
    static func relationships(_ extracted: ExtractedSubmission) -> [(type: String, source: String, target: String)] {
        objects(extracted, type: "relationship").map {
            ($0["relationship_type"]!.stringValue!, $0["source_ref"]!.stringValue!, $0["target_ref"]!.stringValue!)
        }
    }

    /// Writes the bundle to /tmp and, when the OASIS `stix2_validator` is installed, runs it;
    /// returns nil when it passed or is not installed, else its output.
    static func oasisValidatorFailure(_ extracted: ExtractedSubmission, name: String) throws -> String? {
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-extraction-\(name).json")
        try Data(extracted.bundleBytes()).write(to: path)
        let candidates = (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
            .map { "\($0)/stix2_validator" }
        guard let executable = candidates.first(where: { FileManager.default.isExecutableFile(atPath: $0) }) else { return nil }
        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = [path.path]
        let pipe = Pipe()
        process.standardOutput = pipe
        process.standardError = pipe
        try process.run()
        let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        process.waitUntilExit()
        return process.terminationStatus == 0 ? nil : output
    }

    /// All of the above that every extraction must satisfy.
    static func expectWellFormed(_ extracted: ExtractedSubmission, name: String,
                                 sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(invalidObjects(extracted.objects) == [], sourceLocation: sourceLocation)
        #expect(danglingReferences(extracted.objects) == [], sourceLocation: sourceLocation)
        let ids = extracted.objects.compactMap { $0["id"]?.stringValue }
        #expect(Set(ids).count == ids.count, "duplicate ids", sourceLocation: sourceLocation)
        let failure = try oasisValidatorFailure(extracted, name: name)
        #expect(failure == nil, "\(failure ?? "")", sourceLocation: sourceLocation)
    }
}

@Suite struct TextSubmissionTests {
    static let text = """
    Campaign notes (pasted from our SOC ticket)
    The lure downloads hxxps://update-check[.]jp-evil[.]com/dl/a.zip and talks to 45.77.12[.]9:8443.
    Replies went to attacker[at]jp-evil[.]com; IPv6 C2 2001:db8::1 is documentation, 2a05:d014:1::5 is not.
    Internal host 192.168.10.5 was infected. Dropper SHA-256:
    9F86D081884C7D659A2FEAA0C55AD015A3BF4F1B2B0B822CD15D6C15B0F00A08 (MD5 098f6bcd4621d373cade4e832627b4f6)
    Techniques: T1566.001, T1059.001. Exploited CVE-2023-4966.
    """

    @Test func textBecomesObservablesIndicatorsAndReport() throws {
        let extracted = TextSubmission.extract(text: Self.text)
        try SubmissionChecks.expectWellFormed(extracted, name: "text")
        #expect(extracted.victimIdentifiers.isEmpty)

        let patterns = Set(SubmissionChecks.objects(extracted, type: "indicator").compactMap { $0["pattern"]?.stringValue })
        #expect(patterns == [
            "[url:value = 'https://update-check.jp-evil.com/dl/a.zip']",
            "[ipv4-addr:value = '45.77.12.9']",
            "[email-addr:value = 'attacker@jp-evil.com']",
            "[ipv6-addr:value = '2a05:d014:1::5']",
            "[file:hashes.'SHA-256' = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']",
            "[file:hashes.'MD5' = '098f6bcd4621d373cade4e832627b4f6']",
        ])
        for indicator in SubmissionChecks.objects(extracted, type: "indicator") {
            #expect(indicator["pattern_type"] == "stix")
            #expect(indicator["indicator_types"] == ["malicious-activity"])
            #expect(indicator.contains("valid_from"))
        }

        // Observables have the ids STIX 2.1 prescribes (UUIDv5 of the contributing properties).
        let ip = try #require(SubmissionChecks.objects(extracted, type: "ipv4-addr").first)
        #expect(ip["id"]?.stringValue == ObservableID.value(type: "ipv4-addr", value: "45.77.12.9"))
        let url = try #require(SubmissionChecks.objects(extracted, type: "url").first)
        #expect(url["id"]?.stringValue == ObservableID.value(type: "url", value: "https://update-check.jp-evil.com/dl/a.zip"))
        let files = SubmissionChecks.objects(extracted, type: "file")
        #expect(files.count == 2)
        #expect(files.contains { $0["hashes"]?["SHA-256"]?.stringValue == "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08" })

        // Each indicator is based on its observable.
        let basedOn = SubmissionChecks.relationships(extracted).filter { $0.type == "based-on" }
        #expect(basedOn.count == 6)
        let ipIndicator = try #require(SubmissionChecks.objects(extracted, type: "indicator")
            .first { $0["pattern"] == "[ipv4-addr:value = '45.77.12.9']" })
        #expect(basedOn.contains { $0.source == ipIndicator["id"]?.stringValue && $0.target == ip["id"]?.stringValue })
        #expect(ipIndicator["description"] == "Found in submitted text, line 2. Seen with port 8443.")

        // CVE and ATT&CK ids.
        let vulnerability = try #require(SubmissionChecks.objects(extracted, type: "vulnerability").first)
        #expect(vulnerability["name"] == "CVE-2023-4966")
        #expect(vulnerability["external_references"] == [["source_name": "cve", "external_id": "CVE-2023-4966"]])
        let patterns2 = SubmissionChecks.objects(extracted, type: "attack-pattern")
        #expect(patterns2.count == 2)
        let spearphishing = try #require(patterns2.first { $0["external_references"]?.arrayValue?.first?["external_id"] == "T1566.001" })
        #expect(spearphishing["name"] == "Phishing: Spearphishing Attachment")
        #expect(spearphishing["external_references"] == [[
            "source_name": "mitre-attack", "external_id": "T1566.001",
            "url": "https://attack.mitre.org/techniques/T1566/001/",
        ]])

        // The report: every object but relationships, no copy of the text.
        let report = try #require(SubmissionChecks.objects(extracted, type: "report").first)
        #expect(report["name"] == "Indicators from submitted text")
        #expect(report["report_types"] == ["indicator", "attack-pattern", "vulnerability"])
        #expect(report["description"] == "9 indicators extracted; 2 dropped")
        let refs = Set(report["object_refs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        let expected = Set(extracted.objects.compactMap { $0["id"]?.stringValue }
            .filter { !$0.hasPrefix("relationship--") && !$0.hasPrefix("report--") })
        #expect(refs == expected)
        #expect(!extracted.bundle().serializedText.contains("SOC ticket"))

        // What the warning lists dropped is told.
        #expect(extracted.warnings.contains { $0.hasPrefix("dropped 192.168.10.5: warning list:") })
        #expect(extracted.warnings.contains { $0.hasPrefix("dropped 2001:db8::1: ") })
    }

    @Test func providerMarkingsAndCreatorAreOnDomainObjectsOnly() {
        let identity = "identity--6f4a1c62-2c5f-4d5e-9a55-3c3b7f2f1a10"
        let author = STIXAuthoring(createdByRef: identity, markingRefs: [TLPMarking.amber.id])
        let extracted = TextSubmission.extract(text: "C2 45.77.12.9", author: author)
        for object in extracted.objects {
            if object["type"] == "ipv4-addr" {
                #expect(!object.contains("created_by_ref"))
            } else {
                #expect(object["created_by_ref"]?.stringValue == identity)
                #expect(object["object_marking_refs"] == [.string(TLPMarking.amber.id)])
            }
        }
    }

    @Test func nothingFoundGivesNoReport() {
        let extracted = TextSubmission.extract(text: "Only 10.0.0.1 and example.com here.")
        #expect(extracted.objects.isEmpty)
        #expect(extracted.warnings.contains("no indicators found"))
        #expect(extracted.warnings.contains { $0.hasPrefix("dropped 10.0.0.1: ") })
    }

    @Test func droppedWarningsAreCapped() {
        let text = (1...250).map { "10.1.\($0 / 200).\($0 % 200 + 1)" }.joined(separator: "\n")
        let extracted = TextSubmission.extract(text: text)
        #expect(extracted.warnings.count == TextSubmission.droppedWarningLimit + 2)
        #expect(extracted.warnings.first == "no indicators found")
        #expect(extracted.warnings.last == "… and 50 more not listed")
    }

    @Test func csvRowsCarryDescriptionFirstSeenAndTags() throws {
        let csv = """
        indicator,type,comment,first_seen,tags
        45.77.12.9,ip,PlugX C2,2024-05-01T09:00:00Z,plugx;c2
        not-an-ip,ip,broken,,
        9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08,sha256,dropper,,
        192.168.1.1,ip,internal,,
        """
        let mapping = ColumnMapping(indicators: [("indicator", .auto)], description: "comment",
                                    firstSeen: "first_seen", tags: "tags")
        let extracted = try TextSubmission.extract(csv: Array(csv.utf8), mapping: mapping)
        try SubmissionChecks.expectWellFormed(extracted, name: "csv")
        let indicators = SubmissionChecks.objects(extracted, type: "indicator")
        let ip = try #require(indicators.first { $0["pattern"] == "[ipv4-addr:value = '45.77.12.9']" })
        #expect(ip["description"] == "PlugX C2")
        #expect(indicators.first { $0["pattern"]?.stringValue?.hasPrefix("[file:") == true }?["description"] == "dropper")
        #expect(ip["valid_from"] == "2024-05-01T09:00:00.000Z")
        #expect(ip["labels"] == ["plugx", "c2"])
        #expect(indicators.contains {
            $0["pattern"] == "[file:hashes.'SHA-256' = '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08']"
        })
        #expect(indicators.count == 2)
        let report = try #require(SubmissionChecks.objects(extracted, type: "report").first)
        #expect(report["name"] == "Indicators from submitted CSV")
        #expect(extracted.warnings.contains { $0.hasPrefix("dropped 192.168.1.1: ") })
    }

    @Test func csvThatIsNotTextIsRefused() {
        #expect(throws: ExtractionError.self) {
            try TextSubmission.extract(csv: [0xFF, 0xFE, 0x00, 0xD8, 0x41], mapping: ColumnMapping(indicators: [(0, .auto)]))
        }
    }
}

extension JSONValue {
    var serializedText: String { String(decoding: serialized(), as: UTF8.self) }
}
