// Specimens — SampleVault.swift
// The sample vault (検体庫): files encrypted at rest with AES-256-GCM in 1 MiB segments, addressed by
// SHA-256 under `<directory>/ab/cd/<sha256>.sealed`. Storing streams the plaintext once (digests
// and encryption in the same pass), writes a temporary file, fsyncs it and renames it into place;
// an identical sample already stored is kept and the new copy discarded.

import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Encrypted, content-addressed storage for malware samples.
///
/// ```swift
/// let key = try SampleVaultKey.loadOrCreate(at: dataDirectory.appendingPathComponent("vault.key"))
/// let vault = try SampleVault(directory: dataDirectory.appendingPathComponent("vault"), key: key)
/// let record = try vault.store(contentsOf: uploadedFile)
/// try vault.read(sha256: record.sha256) { chunk in try output.write(contentsOf: chunk) }
/// ```
// `@unchecked`: the only non-Sendable member is the immutable `SymmetricKey`, never mutated after init.
public struct SampleVault: @unchecked Sendable {
    /// The default largest sample: 100 MB.
    public static let defaultMaximumSize: Int64 = 100 * 1024 * 1024

    public let directory: URL
    /// The largest sample the vault accepts, in bytes.
    public let maximumSize: Int64
    private let key: SymmetricKey
    private let segmentSize: Int

    /// A vault rooted at `directory` (created if missing), sealing with `key` (256 bits).
    ///
    /// ```swift
    /// let vault = try SampleVault(directory: url, key: key, maximumSize: 20 * 1024 * 1024)
    /// ```
    public init(directory: URL, key: SymmetricKey, maximumSize: Int64 = SampleVault.defaultMaximumSize) throws {
        try self.init(directory: directory, key: key, maximumSize: maximumSize, segmentSize: SealedSegments.defaultSegmentSize)
    }

    init(directory: URL, key: SymmetricKey, maximumSize: Int64, segmentSize: Int) throws {
        guard key.bitCount == 256 else {
            throw SampleVaultError.keyFileInvalid(path: directory.path, reason: "the vault key must be 256 bits")
        }
        precondition(SealedSegments.segmentSizeRange.contains(segmentSize))
        self.directory = directory
        self.key = key
        self.maximumSize = maximumSize
        self.segmentSize = segmentSize
        do {
            try FileManager.default.createDirectory(at: directory.appendingPathComponent(".incoming"),
                                                    withIntermediateDirectories: true,
                                                    attributes: [.posixPermissions: 0o700])
        } catch {
            throw SampleVaultError.io(path: directory.path, reason: "cannot create the vault directory: \(error)")
        }
    }

    // MARK: Storing

    /// Stores the file at `fileURL`, reading it in 1 MiB chunks (it is never held in memory whole).
    /// Throws `SampleVaultError.tooLarge` past `maximumSize`.
    ///
    /// ```swift
    /// let record = try vault.store(contentsOf: temporaryUpload)
    /// print(record.sha256, record.digests.tlsh ?? "-", record.wasAlreadyStored)
    /// ```
    public func store(contentsOf fileURL: URL) throws -> SampleRecord {
        let input: FileHandle
        do { input = try FileHandle(forReadingFrom: fileURL) } catch {
            throw SampleVaultError.io(path: fileURL.path, reason: "cannot open the sample: \(error.localizedDescription)")
        }
        defer { try? input.close() }
        if let size = (try? FileManager.default.attributesOfItem(atPath: fileURL.path))?[.size] as? NSNumber,
           size.int64Value > maximumSize {
            throw SampleVaultError.tooLarge(limit: maximumSize)
        }
        let size = segmentSize
        return try ingest { try readFully(input, count: size) }
    }

    /// Stores a sample held in memory.
    ///
    /// ```swift
    /// let record = try vault.store(bytes: attachmentData)
    /// ```
    public func store(bytes: Data) throws -> SampleRecord {
        guard Int64(bytes.count) <= maximumSize else { throw SampleVaultError.tooLarge(limit: maximumSize) }
        var offset = bytes.startIndex
        let size = segmentSize
        return try ingest {
            let end = bytes.index(offset, offsetBy: min(size, bytes.endIndex - offset))
            defer { offset = end }
            return Data(bytes[offset..<end])
        }
    }

    /// The streaming path with an arbitrary chunk source, for tests of the size limit.
    func ingestForTesting(nextChunk: () throws -> Data) throws -> SampleRecord {
        try ingest(nextChunk: nextChunk)
    }

    /// One pass over the plaintext: digests, size check, sealing into a temporary file, then the rename.
    private func ingest(nextChunk: () throws -> Data) throws -> SampleRecord {
        let temporary = directory.appendingPathComponent(".incoming/\(UUID().uuidString).partial")
        guard FileManager.default.createFile(atPath: temporary.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let output = try? FileHandle(forWritingTo: temporary) else {
            throw SampleVaultError.io(path: temporary.path, reason: "cannot create a temporary file in the vault")
        }
        var keepTemporary = false
        defer {
            try? output.close()
            if !keepTemporary { try? FileManager.default.removeItem(at: temporary) }
        }

        let header = SealedSegments.Header(vaultKey: key, segmentSize: segmentSize)
        var digester = SampleDigester()
        var total: Int64 = 0
        var index: UInt32 = 0
        try output.write(contentsOf: header.bytes)
        var current = try nextChunk()
        while true {
            total += Int64(current.count)
            guard total <= maximumSize else { throw SampleVaultError.tooLarge(limit: maximumSize) }
            let following = current.count == segmentSize ? try nextChunk() : Data()
            let final = following.isEmpty
            var sealed = Data()
            try digester.update(current) { sealed = try header.seal(current, index: index, final: final) }
            try output.write(contentsOf: sealed)
            if final { break }
            current = following
            index += 1
        }
        let digests = digester.finalize()
        let destination = sealedURL(sha256: digests.sha256)
        if FileManager.default.fileExists(atPath: destination.path) {
            return SampleRecord(size: total, digests: digests, wasAlreadyStored: true)
        }
        try output.synchronize()
        try output.close()
        let folder = destination.deletingLastPathComponent()
        try FileManager.default.createDirectory(at: folder, withIntermediateDirectories: true,
                                                attributes: [.posixPermissions: 0o700])
        guard rename(temporary.path, destination.path) == 0 else {
            throw SampleVaultError.io(path: destination.path, reason: "cannot move the sealed sample into place: "
                                      + String(cString: strerror(errno)))
        }
        keepTemporary = true
        syncDirectory(folder)
        return SampleRecord(size: total, digests: digests, wasAlreadyStored: false)
    }

    // MARK: Reading

    /// An open reader over the stored sample's plaintext. Throws `SampleVaultError.notFound` when absent.
    ///
    /// ```swift
    /// let reader = try vault.open(sha256: digest)
    /// while let chunk = try reader.next() { hasher.update(data: chunk) }
    /// ```
    public func open(sha256: String) throws -> SampleReader {
        let url = try checkedURL(sha256)
        let digest = sha256.lowercased()
        guard FileManager.default.fileExists(atPath: url.path) else { throw SampleVaultError.notFound(sha256: digest) }
        return try SampleReader(sha256: digest, url: url, key: key)
    }

    /// Hands the stored sample's plaintext to `body` chunk by chunk (at most 1 MiB each).
    ///
    /// ```swift
    /// try vault.read(sha256: digest) { chunk in try output.write(contentsOf: chunk) }
    /// ```
    public func read(sha256: String, into body: (Data) throws -> Void) throws {
        let reader = try open(sha256: sha256)
        defer { reader.close() }
        while let chunk = try reader.next() { try body(chunk) }
    }

    /// The whole plaintext in memory; for small samples and tests.
    ///
    /// ```swift
    /// let bytes = try vault.data(sha256: digest)
    /// ```
    public func data(sha256: String) throws -> Data {
        var data = Data()
        try read(sha256: sha256) { data.append($0) }
        return data
    }

    /// Whether a sample with this SHA-256 is stored.
    ///
    /// ```swift
    /// if try vault.contains(sha256: digest) { … }
    /// ```
    public func contains(sha256: String) throws -> Bool {
        FileManager.default.fileExists(atPath: try checkedURL(sha256).path)
    }

    /// Deletes the stored sample; returns false when there was none.
    ///
    /// ```swift
    /// try vault.remove(sha256: digest)
    /// ```
    @discardableResult
    public func remove(sha256: String) throws -> Bool {
        let url = try checkedURL(sha256)
        guard unlink(url.path) == 0 else {
            if errno == ENOENT { return false }
            throw SampleVaultError.io(path: url.path, reason: String(cString: strerror(errno)))
        }
        syncDirectory(url.deletingLastPathComponent())
        return true
    }

    // MARK: Paths

    /// Where the sealed sample with this SHA-256 lives (whether or not it exists).
    func sealedURL(sha256: String) -> URL {
        let a = sha256.prefix(2), b = sha256.dropFirst(2).prefix(2)
        return directory.appendingPathComponent("\(a)/\(b)/\(sha256).sealed")
    }

    private func checkedURL(_ sha256: String) throws -> URL {
        guard isLowercaseSHA256(sha256.lowercased()) else { throw SampleVaultError.invalidSHA256(sha256) }
        return sealedURL(sha256: sha256.lowercased())
    }

    private func syncDirectory(_ url: URL) {
        let descriptor = Glibc.open(url.path, O_RDONLY | O_DIRECTORY)
        guard descriptor >= 0 else { return }
        fsync(descriptor)
        close(descriptor)
    }
}
