// SpecimensTests — SampleVaultTests.swift
// The vault: round trips (in memory, from files, empty, multi-segment, exact multiples), layout and
// encryption at rest, deduplication, the size limit, and detection of tampering, truncation,
// reordering, a wrong key and a misnamed file.

import Crypto
import Foundation
import Testing
@testable import Specimens

@Suite struct SampleVaultTests {
    let key = SymmetricKey(size: .bits256)

    func withVault(maximumSize: Int64 = SampleVault.defaultMaximumSize, segmentSize: Int = 1 << 20,
                   _ body: (SampleVault, URL) throws -> Void) throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let vault = try SampleVault(directory: directory.url.appendingPathComponent("vault"), key: key,
                                    maximumSize: maximumSize, segmentSize: segmentSize)
        try body(vault, directory.url)
    }

    func incoming(_ vault: SampleVault) throws -> [String] {
        try FileManager.default.contentsOfDirectory(atPath: vault.directory.appendingPathComponent(".incoming").path)
    }

    @Test func storesAndReadsBackBytes() throws {
        try withVault { vault, _ in
            let bytes = Data(Generated.text(seed: 1, length: 5000))
            let record = try vault.store(bytes: bytes)
            #expect(record.digests == SampleDigests(of: bytes))
            #expect(record.size == 5000)
            #expect(!record.wasAlreadyStored)
            #expect(try vault.contains(sha256: record.sha256))
            #expect(try vault.data(sha256: record.sha256) == bytes)
        }
    }

    @Test func storesLargeFileInSegmentsAtRestEncrypted() throws {
        try withVault { vault, scratch in
            let bytes = Data(Generated.xorshift(seed: 77, length: 3 * (1 << 20) + 12345))
            let file = scratch.appendingPathComponent("upload.bin")
            try bytes.write(to: file)
            let record = try vault.store(contentsOf: file)
            #expect(record.digests == SampleDigests(of: bytes))

            let sealed = vault.sealedURL(sha256: record.sha256)
            let sha = record.sha256
            #expect(sealed.path.hasSuffix("vault/\(sha.prefix(2))/\(sha.dropFirst(2).prefix(2))/\(sha).sealed"))
            let stored = try Data(contentsOf: sealed)
            #expect(stored.count == 56 + bytes.count + 4 * 16)
            #expect(stored.range(of: bytes.subdata(in: 100_000..<100_064)) == nil)
            let attributes = try FileManager.default.attributesOfItem(atPath: sealed.path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            #expect(try incoming(vault).isEmpty)

            var chunks: [Int] = []
            var read = Data()
            try vault.read(sha256: record.sha256) { chunk in chunks.append(chunk.count); read.append(chunk) }
            #expect(read == bytes)
            #expect(chunks == [1 << 20, 1 << 20, 1 << 20, 12345])
        }
    }

    @Test(arguments: [0, 1, 1024, 2048, 3000])
    func segmentBoundaries(length: Int) throws {
        try withVault(segmentSize: 1024) { vault, _ in
            let bytes = Data(Generated.xorshift(seed: UInt32(length + 1), length: length))
            let record = try vault.store(bytes: bytes)
            #expect(try vault.data(sha256: record.sha256) == bytes)
            #expect(record.digests.sha256 == SampleDigests(of: bytes).sha256)
        }
    }

    @Test func deduplicates() throws {
        try withVault { vault, scratch in
            let bytes = Data(Generated.text(seed: 9, length: 20_000))
            let file = scratch.appendingPathComponent("again.txt")
            try bytes.write(to: file)
            let first = try vault.store(bytes: bytes)
            let second = try vault.store(contentsOf: file)
            #expect(second.wasAlreadyStored)
            #expect(second.digests == first.digests)
            #expect(try incoming(vault).isEmpty)
            let folder = vault.sealedURL(sha256: first.sha256).deletingLastPathComponent()
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder.path).count == 1)
        }
    }

    @Test func refusesTooLargeSamples() throws {
        try withVault(maximumSize: 5000, segmentSize: 1024) { vault, scratch in
            #expect(throws: SampleVaultError.tooLarge(limit: 5000)) { try vault.store(bytes: Data(count: 5001)) }
            let file = scratch.appendingPathComponent("big.bin")
            try Data(count: 6000).write(to: file)
            #expect(throws: SampleVaultError.tooLarge(limit: 5000)) { try vault.store(contentsOf: file) }
            #expect(try incoming(vault).isEmpty)
            #expect(try vault.store(bytes: Data(count: 5000)).size == 5000)
        }
        #expect(SampleVaultError.tooLarge(limit: 100).description.contains("100 bytes"))
    }

    @Test func streamingLimitCatchesGrowingInput() throws {
        try withVault(maximumSize: 5000, segmentSize: 1024) { (vault: SampleVault, _: URL) throws in
            // store(bytes:) checks up front; the streaming path must stop on its own as well.
            var served = 0
            #expect(throws: SampleVaultError.tooLarge(limit: 5000)) {
                _ = try vault.ingestForTesting { defer { served += 1024 }; return served < 10_000 ? Data(count: 1024) : Data() }
            }
            #expect(served <= 6 * 1024)
            let leftovers = try incoming(vault)
            #expect(leftovers.isEmpty)
        }
    }

    @Test func removesAndReportsMissing() throws {
        try withVault { vault, _ in
            let record = try vault.store(bytes: Data("to be removed, eventually".utf8))
            #expect(try vault.remove(sha256: record.sha256))
            #expect(try !vault.contains(sha256: record.sha256))
            #expect(try !vault.remove(sha256: record.sha256))
            #expect(throws: SampleVaultError.notFound(sha256: record.sha256)) { try vault.open(sha256: record.sha256) }
            #expect(throws: SampleVaultError.invalidSHA256("../../etc/passwd")) { try vault.contains(sha256: "../../etc/passwd") }
        }
    }

    func expectCorrupted(_ vault: SampleVault, _ sha256: String, sourceLocation: SourceLocation = #_sourceLocation) {
        do {
            _ = try vault.data(sha256: sha256)
            Issue.record("read succeeded", sourceLocation: sourceLocation)
        } catch let error as SampleVaultError {
            guard case .corrupted = error else { Issue.record("\(error)", sourceLocation: sourceLocation); return }
        } catch {
            Issue.record("\(error)", sourceLocation: sourceLocation)
        }
    }

    @Test func detectsTamperingTruncationAndReordering() throws {
        try withVault(segmentSize: 1024) { vault, _ in
            let bytes = Data(Generated.xorshift(seed: 3, length: 4 * 1024 + 100))
            let record = try vault.store(bytes: bytes)
            let url = vault.sealedURL(sha256: record.sha256)
            let original = try Data(contentsOf: url)
            let sealedSegment = 1024 + 16

            var flipped = original
            flipped[56 + 2000] ^= 0x01
            try flipped.write(to: url)
            expectCorrupted(vault, record.sha256)

            var header = original
            header[20] ^= 0x80   // the salt
            try header.write(to: url)
            expectCorrupted(vault, record.sha256)

            try original.prefix(56 + 4 * sealedSegment).write(to: url)   // last segment dropped: cut at a boundary
            expectCorrupted(vault, record.sha256)

            try original.prefix(original.count - 1).write(to: url)
            expectCorrupted(vault, record.sha256)

            var swapped = original
            let first = original.subdata(in: 56..<(56 + sealedSegment))
            let second = original.subdata(in: (56 + sealedSegment)..<(56 + 2 * sealedSegment))
            swapped.replaceSubrange(56..<(56 + sealedSegment), with: second)
            swapped.replaceSubrange((56 + sealedSegment)..<(56 + 2 * sealedSegment), with: first)
            try swapped.write(to: url)
            expectCorrupted(vault, record.sha256)

            try original.prefix(56).write(to: url)
            expectCorrupted(vault, record.sha256)

            try original.write(to: url)
            #expect(try vault.data(sha256: record.sha256) == bytes)
        }
    }

    @Test func wrongKeyAndMisnamedFileAreRefused() throws {
        try withVault { vault, _ in
            let one = try vault.store(bytes: Data(Generated.text(seed: 1, length: 500)))
            let two = try vault.store(bytes: Data(Generated.text(seed: 2, length: 500)))
            let other = try SampleVault(directory: vault.directory, key: SymmetricKey(size: .bits256))
            #expect(throws: SampleVaultError.self) { try other.data(sha256: one.sha256) }
            try FileManager.default.removeItem(at: vault.sealedURL(sha256: two.sha256))
            try FileManager.default.copyItem(at: vault.sealedURL(sha256: one.sha256), to: vault.sealedURL(sha256: two.sha256))
            expectCorrupted(vault, two.sha256)
        }
    }
}
