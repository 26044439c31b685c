// Specimens — SampleReader.swift
// Streaming decryption of one sealed sample, segment by segment, checking order, completeness and,
// at the end, that the plaintext's SHA-256 is the one the file is named by.

import Crypto
import Foundation

/// An open sealed sample, giving its plaintext one segment (up to 1 MiB) at a time.
///
/// ```swift
/// let reader = try vault.open(sha256: digest)
/// defer { reader.close() }
/// while let chunk = try reader.next() { try output.write(contentsOf: chunk) }
/// ```
public final class SampleReader {
    /// The SHA-256 the sample is stored under.
    public let sha256: String
    private let handle: FileHandle
    private let header: SealedSegments.Header
    private var pending: Data?
    private var index: UInt32 = 0
    private var finished = false
    private var hasher = SHA256()

    init(sha256: String, url: URL, key: SymmetricKey) throws {
        self.sha256 = sha256
        do { handle = try FileHandle(forReadingFrom: url) } catch { throw SampleVaultError.notFound(sha256: sha256) }
        let headerBytes = try [UInt8](readFully(handle, count: SealedSegments.headerSize))
        guard let header = SealedSegments.Header(parsing: headerBytes, vaultKey: key) else {
            try? handle.close()
            throw SampleVaultError.corrupted(sha256: sha256, reason: "not a sealed sample (bad header)")
        }
        self.header = header
        pending = try readFully(handle, count: header.segmentSize + SealedSegments.tagSize)
        if pending!.isEmpty {
            try? handle.close()
            throw SampleVaultError.corrupted(sha256: sha256, reason: "no segments (truncated)")
        }
    }

    deinit { try? handle.close() }

    /// The next plaintext chunk, or nil after the last one. Throws `SampleVaultError.corrupted` when a
    /// segment fails authentication, the file was cut short, or the plaintext's digest is wrong.
    ///
    /// ```swift
    /// while let chunk = try reader.next() { crc.update(chunk) }
    /// ```
    public func next() throws -> Data? {
        guard !finished, let current = pending else { return nil }
        let following = try readFully(handle, count: header.segmentSize + SealedSegments.tagSize)
        let final = following.isEmpty
        if !final && current.count != header.segmentSize + SealedSegments.tagSize {
            throw SampleVaultError.corrupted(sha256: sha256, reason: "segment \(index) is short")
        }
        guard let plaintext = header.open(current, index: index, final: final) else {
            finished = true
            throw SampleVaultError.corrupted(sha256: sha256, reason: "segment \(index) failed authentication "
                                             + "(tampered, truncated, reordered or sealed under another key)")
        }
        hasher.update(data: plaintext)
        pending = final ? nil : following
        index += 1
        if final {
            finished = true
            if hasher.finalize().hexEncoded() != sha256 {
                throw SampleVaultError.corrupted(sha256: sha256, reason: "the plaintext's SHA-256 differs from its name")
            }
        }
        return plaintext
    }

    /// Releases the file; `next()` returns nil afterwards.
    ///
    /// ```swift
    /// defer { reader.close() }
    /// ```
    public func close() {
        finished = true
        pending = nil
        try? handle.close()
    }
}
