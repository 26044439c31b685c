// KakehashiBenchmark — SampleThroughput.swift
// Throughput of the sample vault: ingest (one pass: MD5, SHA-1, SHA-256, SHA-512, TLSH and AES-GCM
// sealing, fsync and rename) and streaming read-back (decrypt and verify), in MB/s.
// Compiled only when the benchmark target depends on Specimens.

#if canImport(Specimens)
import Foundation
import Specimens

/// The sample vault's ingest and read throughput on pseudo-random data.
///
/// ```swift
/// print(SampleThroughput.run(megabytes: 100))
/// ```
enum SampleThroughput {
    static func run(megabytes: Int) -> String {
        let fm = FileManager.default
        let scratch = fm.temporaryDirectory.appendingPathComponent("kakehashi-sample-throughput-\(UUID().uuidString)")
        defer { try? fm.removeItem(at: scratch) }
        do {
            try fm.createDirectory(at: scratch, withIntermediateDirectories: true)
            let input = scratch.appendingPathComponent("sample.bin")
            try writePseudoRandom(megabytes: megabytes, to: input)
            let key = try SampleVaultKey.loadOrCreate(at: scratch.appendingPathComponent("vault.key"))
            let vault = try SampleVault(directory: scratch.appendingPathComponent("vault"), key: key,
                                        maximumSize: Int64(max(megabytes, 1)) << 20)

            let ingestStart = Date()
            let record = try vault.store(contentsOf: input)
            let ingestSeconds = Date().timeIntervalSince(ingestStart)

            let readStart = Date()
            var readBytes = 0
            try vault.read(sha256: record.sha256) { readBytes += $0.count }
            let readSeconds = Date().timeIntervalSince(readStart)

            let megabytesStored = Double(record.size) / 1_048_576
            return String(format: """
                Sample vault, %d MiB of pseudo-random data
                  ingest (5 digests incl. TLSH + AES-256-GCM + fsync): %.2f s, %.1f MB/s
                  read (AES-256-GCM open + SHA-256 check):             %.2f s, %.1f MB/s
                  TLSH %@
                """, megabytes, ingestSeconds, megabytesStored / ingestSeconds, readSeconds,
                Double(readBytes) / 1_048_576 / readSeconds, record.digests.tlsh ?? "-")
        } catch {
            return "Sample vault benchmark failed: \(error)"
        }
    }

    /// Writes `megabytes` MiB of xorshift64 output in 1 MiB blocks.
    private static func writePseudoRandom(megabytes: Int, to url: URL) throws {
        _ = FileManager.default.createFile(atPath: url.path, contents: nil)
        let handle = try FileHandle(forWritingTo: url)
        defer { try? handle.close() }
        var state: UInt64 = 0x9E37_79B9_7F4A_7C15
        var block = [UInt64](repeating: 0, count: (1 << 20) / 8)
        for _ in 0..<megabytes {
            for i in block.indices {
                state ^= state << 13; state ^= state >> 7; state ^= state << 17
                block[i] = state
            }
            try handle.write(contentsOf: block.withUnsafeBytes { Data($0) })
        }
    }
}
#endif
