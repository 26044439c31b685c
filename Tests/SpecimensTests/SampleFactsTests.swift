// SpecimensTests — SampleFactsTests.swift
// The combined facts of a sample: from memory, from a file and from the vault.

import Crypto
import Foundation
import Testing
@testable import Specimens

@Suite struct SampleFactsTests {
    @Test func portableExecutableFacts() throws {
        let url = Fixtures.url("console32.exe")
        let facts = try SampleFacts.examine(contentsOf: url, originalFilename: "請求書.pdf.exe")
        let expected = try Fixtures.json("pe-expectations.json")["console32.exe"] as! [String: Any]
        #expect(facts.size == Int64(try Data(contentsOf: url).count))
        #expect(facts.kind.mimeType == "application/vnd.microsoft.portable-executable")
        #expect(facts.kind.label == "PE32 executable (console) Intel 80386")
        #expect(facts.portableExecutable?.imphash == expected["imphash"] as? String)
        #expect(facts.originalFilename == "請求書.pdf.exe")
        #expect(facts.stixHashes["SHA-256"] == SampleDigests(of: try Data(contentsOf: url)).sha256)
        #expect(facts.stixHashes["TLSH"] != nil)
        let encoded = try JSONEncoder().encode(facts)
        #expect(try JSONDecoder().decode(SampleFacts.self, from: encoded) == facts)
    }

    @Test func scriptFactsHaveNoPE() {
        let facts = SampleFacts.examine(bytes: Data("@echo off\r\ngoto start\r\n%TEMP%\\x.exe\r\n".utf8), originalFilename: "run.bat")
        #expect(facts.kind.mimeType == "text/x-msdos-batch")
        #expect(facts.portableExecutable == nil)
        #expect(facts.digests.tlsh == nil)
    }

    @Test func factsFromTheVault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let vault = try SampleVault(directory: directory.url, key: SymmetricKey(size: .bits256))
        let record = try vault.store(contentsOf: Fixtures.url("library64.dll"))
        let facts = try SampleFacts.examine(sha256: record.sha256, in: vault, originalFilename: "kk.dll")
        #expect(facts.digests == record.digests)
        #expect(facts.portableExecutable?.isDLL == true)
    }
}
