// SpecimensTests — SampleDigestsTests.swift
// Known-answer digests, streaming equals one-shot, STIX hash names.

import Foundation
import Testing
@testable import Specimens

@Suite struct SampleDigestsTests {
    @Test func knownAnswers() {
        let digests = SampleDigests(of: Data("abc".utf8))
        #expect(digests.md5 == "900150983cd24fb0d6963f7d28e17f72")
        #expect(digests.sha1 == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(digests.sha256 == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(digests.sha512 == "ddaf35a193617abacc417349ae20413112e6fa4e89a97ea20a9eeee64b55d39a"
                + "2192992a274fc1a836ba3c23a3feebbd454d4423643ce80e2a9ac94fa54ca49f")
        #expect(digests.tlsh == nil)
    }

    @Test func streamingMatchesOneShot() {
        let bytes = Generated.text(seed: 42, length: 300_000)
        var digester = SampleDigester()
        var offset = 0
        while offset < bytes.count {
            let end = min(bytes.count, offset + 65_537)
            digester.update(bytes[offset..<end])
            offset = end
        }
        #expect(digester.finalize() == SampleDigests(of: bytes))
        #expect(digester.byteCount == 300_000)
    }

    @Test func stixHashNames() {
        let digests = SampleDigests(of: Generated.xorshift(seed: 5, length: 1000))
        #expect(Set(digests.stixHashes.keys) == ["MD5", "SHA-1", "SHA-256", "SHA-512", "TLSH"])
        #expect(digests.stixHashes["TLSH"]?.hasPrefix("T1") == true)
        #expect(SampleDigests(of: Data("short".utf8)).stixHashes["TLSH"] == nil)
    }
}
