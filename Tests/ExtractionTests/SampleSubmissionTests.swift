// Extraction — SampleSubmissionTests.swift
// Tests a sample (the PE fixture console64.exe) described as STIX 2.1: the file with its hashes and
// windows-pebinary-ext, the artifact only with a download URL, the SHA-256 indicator and the report.
import Foundation
import Specimens
import STIX
import Testing
@testable import Extraction

@Suite struct SampleSubmissionTests {
    static let fixture = URL(fileURLWithPath: #filePath).resolvingSymlinksInPath().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("SpecimensTests/Fixtures/console64.exe")
    static let sha256 = "11533b8084e6eb53c408b1c8eb61c8c920f8f13b85c02daee2ba9894a8c5386d"

    static func facts() throws -> SampleFacts {
        try SampleFacts.examine(contentsOf: fixture, originalFilename: "請求書.pdf.exe")
    }

    @Test func peSampleWithDownloadURL() throws {
        let url = "https://hub.example.org/api/v1/samples/\(Self.sha256)"
        let extracted = SampleSubmission.describe(try Self.facts(), downloadURL: url)
        try SubmissionChecks.expectWellFormed(extracted, name: "sample")

        let file = try #require(SubmissionChecks.objects(extracted, type: "file").first)
        #expect(file["name"] == "請求書.pdf.exe")
        #expect(file["size"]?.integerValue == 40448)
        #expect(file["mime_type"] == "application/vnd.microsoft.portable-executable")
        #expect(file["hashes"]?["SHA-256"]?.stringValue == Self.sha256)
        #expect(file["hashes"]?["MD5"]?.stringValue == "fbb98e336fc54bb4d7eff5f7c9161b29")
        // TLSH without the "T1" prefix: the 70 hex digits the STIX schemas expect.
        let tlsh = try #require(try Self.facts().digests.tlsh)
        #expect(file["hashes"]?["TLSH"]?.stringValue == String(tlsh.dropFirst(2)))
        #expect(file["hashes"]?["TLSH"]?.stringValue?.count == 70)
        #expect(file["hashes"]?.objectValue?.keys.sorted() == ["MD5", "SHA-1", "SHA-256", "SHA-512", "TLSH"])
        // Deterministic id: the same facts give the same file id.
        let again = SampleSubmission.describe(try Self.facts(), downloadURL: url)
        #expect(again.samples[0].fileObjectID == file["id"]?.stringValue)

        let pe = try #require(file["extensions"]?["windows-pebinary-ext"])
        #expect(pe["pe_type"] == "exe")
        #expect(pe["imphash"] == "afb5fd19532c3997bf0553be5d668b87")
        #expect(pe["machine_hex"] == "8664")
        #expect(pe["number_of_sections"]?.integerValue == 10)
        #expect(pe["time_date_stamp"] == "2026-11-23T13:03:51Z")
        #expect(pe["optional_header"]?["magic_hex"] == "020b")
        #expect(pe["optional_header"]?["address_of_entry_point"]?.integerValue == 5328)
        #expect(pe["optional_header"]?["subsystem_hex"] == "0003")
        let sections = try #require(pe["sections"]?.arrayValue)
        #expect(sections.count == 10)
        #expect(sections[0]["name"] == ".text")
        #expect(sections[0]["size"]?.integerValue == 28160)
        #expect(sections[0]["entropy"]?.numberText == "6.2645")

        let artifact = try #require(SubmissionChecks.objects(extracted, type: "artifact").first)
        #expect(artifact["url"]?.stringValue == url)
        #expect(artifact["hashes"]?["SHA-256"]?.stringValue == Self.sha256)
        #expect(!artifact.contains("payload_bin"))
        #expect(file["content_ref"] == artifact["id"])

        let indicator = try #require(SubmissionChecks.objects(extracted, type: "indicator").first)
        #expect(indicator["pattern"]?.stringValue == "[file:hashes.'SHA-256' = '\(Self.sha256)']")
        #expect(indicator["name"] == "sample 請求書.pdf.exe")
        #expect(indicator["indicator_types"] == ["malicious-activity"])
        let basedOn = SubmissionChecks.relationships(extracted)
        #expect(basedOn.count == 1)
        #expect(basedOn[0].type == "based-on" && basedOn[0].source == indicator["id"]?.stringValue
                && basedOn[0].target == file["id"]?.stringValue)

        let report = try #require(SubmissionChecks.objects(extracted, type: "report").first)
        #expect(report["report_types"] == ["malware"])
        #expect(Set(report["object_refs"]?.arrayValue?.compactMap(\.stringValue) ?? [])
                == Set([file, artifact, indicator].compactMap { $0["id"]?.stringValue }))

        #expect(extracted.samples.count == 1)
        #expect(extracted.samples[0].sha256 == Self.sha256)
        #expect(extracted.samples[0].size == 40448)
        #expect(extracted.samples[0].name == "請求書.pdf.exe")
        #expect(extracted.samples[0].fileObjectID == file["id"]?.stringValue)
    }

    @Test func withoutDownloadURLThereIsNoArtifact() throws {
        let extracted = SampleSubmission.describe(try Self.facts(), downloadURL: nil)
        try SubmissionChecks.expectWellFormed(extracted, name: "sample-no-url")
        #expect(SubmissionChecks.objects(extracted, type: "artifact").isEmpty)
        let file = try #require(SubmissionChecks.objects(extracted, type: "file").first)
        #expect(!file.contains("content_ref"))
    }

    @Test func plainDataSampleHasNoPEExtension() throws {
        let facts = SampleFacts.examine(bytes: Data("echo hello\n".utf8), originalFilename: nil)
        let extracted = SampleSubmission.describe(facts, downloadURL: nil)
        try SubmissionChecks.expectWellFormed(extracted, name: "sample-text")
        let file = try #require(SubmissionChecks.objects(extracted, type: "file").first)
        #expect(!file.contains("extensions"))
        #expect(!file.contains("name"))
        #expect(file["id"]?.stringValue == ObservableID.of(JSONObject([
            ("type", "file"), ("hashes", file["hashes"]!),
        ])))
        let indicator = try #require(SubmissionChecks.objects(extracted, type: "indicator").first)
        #expect(indicator["name"]?.stringValue == "sample \(facts.digests.sha256)")
    }
}
