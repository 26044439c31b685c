// Specimens — SampleFacts.swift
// Everything the hub records about a sample in one value: size, digests (with TLSH), file kind, PE
// facts for Windows executables, and the name it was submitted under — what a STIX `file` and
// `artifact` are made from.

import Foundation

/// The facts of one sample.
///
/// ```swift
/// let facts = try SampleFacts.examine(contentsOf: upload, originalFilename: "請求書.pdf.exe")
/// facts.digests.stixHashes   // ["MD5": …, "SHA-1": …, "SHA-256": …, "SHA-512": …, "TLSH": …]
/// facts.kind.mimeType        // "application/vnd.microsoft.portable-executable"
/// facts.portableExecutable?.imphash
/// ```
public struct SampleFacts: Sendable, Hashable, Codable {
    public var size: Int64
    public var digests: SampleDigests
    public var kind: FileKind
    /// Present when the sample is a PE file.
    public var portableExecutable: PortableExecutable?
    /// The file name the sample was submitted under, if known (never used to decide its kind).
    public var originalFilename: String?

    public init(size: Int64, digests: SampleDigests, kind: FileKind, portableExecutable: PortableExecutable?,
                originalFilename: String?) {
        self.size = size
        self.digests = digests
        self.kind = kind
        self.portableExecutable = portableExecutable
        self.originalFilename = originalFilename
    }

    /// Examines a sample held in memory.
    ///
    /// ```swift
    /// let facts = SampleFacts.examine(bytes: attachment, originalFilename: "invoice.js")
    /// ```
    public static func examine(bytes: Data, originalFilename: String? = nil) -> SampleFacts {
        let window = ByteWindow(bytes)
        let pe = window.matches([0x4D, 0x5A]) ? PortableExecutable(window: window) : nil
        return SampleFacts(size: Int64(bytes.count), digests: SampleDigests(of: bytes), kind: FileKind.detect(window: window),
                           portableExecutable: pe, originalFilename: originalFilename)
    }

    /// Examines the file at `url` (memory-mapped).
    ///
    /// ```swift
    /// let facts = try SampleFacts.examine(contentsOf: url, originalFilename: url.lastPathComponent)
    /// ```
    public static func examine(contentsOf url: URL, originalFilename: String? = nil) throws -> SampleFacts {
        examine(bytes: try Data(contentsOf: url, options: .alwaysMapped), originalFilename: originalFilename)
    }

    /// Examines a sample already in the vault (decrypted into memory; the vault caps sample size).
    ///
    /// ```swift
    /// let facts = try SampleFacts.examine(sha256: record.sha256, in: vault, originalFilename: "dropper.exe")
    /// ```
    public static func examine(sha256: String, in vault: SampleVault, originalFilename: String? = nil) throws -> SampleFacts {
        examine(bytes: try vault.data(sha256: sha256), originalFilename: originalFilename)
    }

    /// The sample's hashes under STIX's hash-algorithm names ("MD5", "SHA-1", "SHA-256", "SHA-512", "TLSH").
    public var stixHashes: [String: String] { digests.stixHashes }
}
