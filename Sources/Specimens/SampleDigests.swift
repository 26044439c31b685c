// Specimens — SampleDigests.swift
// Every digest the hub records for a sample (MD5, SHA-1, SHA-256, SHA-512, TLSH), computed in one
// streaming pass by `SampleDigester`.

import Crypto
import Foundation

/// The digests of one sample: lowercase hexadecimal for the cryptographic hashes, the reference
/// TLSH text ("T1…", uppercase) for the fuzzy hash, nil when the sample is too short or too uniform.
public struct SampleDigests: Sendable, Hashable, Codable {
    public var md5: String
    public var sha1: String
    public var sha256: String
    public var sha512: String
    public var tlsh: String?

    public init(md5: String, sha1: String, sha256: String, sha512: String, tlsh: String?) {
        self.md5 = md5
        self.sha1 = sha1
        self.sha256 = sha256
        self.sha512 = sha512
        self.tlsh = tlsh
    }

    /// The digests of an in-memory buffer.
    ///
    /// ```swift
    /// let digests = SampleDigests(of: Data("hello".utf8))
    /// digests.sha256   // "2cf24dba…"
    /// ```
    public init(of bytes: some DataProtocol) {
        var digester = SampleDigester()
        digester.update(bytes)
        self = digester.finalize()
    }

    /// The hashes keyed as STIX 2.1's hash-algorithm vocabulary names them ("MD5", "SHA-1", "SHA-256",
    /// "SHA-512", "TLSH"), ready for a `file` or `artifact` object's `hashes`.
    ///
    /// ```swift
    /// let hashes = digests.stixHashes   // ["SHA-256": "2cf24dba…", "MD5": …]
    /// ```
    public var stixHashes: [String: String] {
        var hashes = ["MD5": md5, "SHA-1": sha1, "SHA-256": sha256, "SHA-512": sha512]
        if let tlsh { hashes["TLSH"] = tlsh }
        return hashes
    }
}

/// All of a sample's digests, fed chunk by chunk.
///
/// ```swift
/// var digester = SampleDigester()
/// while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { digester.update(chunk) }
/// let digests = digester.finalize()
/// ```
public struct SampleDigester {
    private var md5 = Insecure.MD5()
    private var sha1 = Insecure.SHA1()
    private var sha256 = SHA256()
    private var sha512 = SHA512()
    private var tlsh = TLSH()

    public init() {}

    /// Bytes fed so far.
    public var byteCount: UInt64 { tlsh.length }

    /// Feeds the next chunk.
    ///
    /// ```swift
    /// digester.update(chunk)
    /// ```
    public mutating func update(_ bytes: some DataProtocol) {
        for region in bytes.regions {
            region.withUnsafeBytes { raw in
                md5.update(bufferPointer: raw)
                sha1.update(bufferPointer: raw)
                sha256.update(bufferPointer: raw)
                sha512.update(bufferPointer: raw)
                tlsh.update(raw)
            }
        }
    }

    /// Feeds the next chunk, computing TLSH (the slowest digest) on another thread while this one
    /// computes the cryptographic hashes and then runs `work` (the vault seals the chunk there).
    mutating func update(_ chunk: Data, alongside work: () throws -> Void) rethrows {
        var fuzzy = TLSH()
        swap(&fuzzy, &tlsh)
        defer { swap(&fuzzy, &tlsh) }
        try withUnsafeMutablePointer(to: &fuzzy) { pointer in
            nonisolated(unsafe) let target = pointer
            let group = DispatchGroup()
            DispatchQueue.global(qos: .userInitiated).async(group: group) { target.pointee.update(chunk) }
            defer { group.wait() }
            chunk.withUnsafeBytes { raw in
                md5.update(bufferPointer: raw)
                sha1.update(bufferPointer: raw)
                sha256.update(bufferPointer: raw)
                sha512.update(bufferPointer: raw)
            }
            try work()
        }
    }

    /// The digests of everything fed.
    ///
    /// ```swift
    /// let sha256 = digester.finalize().sha256
    /// ```
    public func finalize() -> SampleDigests {
        SampleDigests(md5: md5.finalize().hexEncoded(),
                      sha1: sha1.finalize().hexEncoded(),
                      sha256: sha256.finalize().hexEncoded(),
                      sha512: sha512.finalize().hexEncoded(),
                      tlsh: tlsh.finalize())
    }
}
