// Specimens — SampleRecord.swift
// What the vault answers when a sample is stored: its size, digests, and whether it was already there.

import Foundation

/// A sample as the vault holds it.
///
/// ```swift
/// let record = try vault.store(bytes: attachment)
/// if !record.wasAlreadyStored { print("new sample \(record.sha256), \(record.size) bytes") }
/// ```
public struct SampleRecord: Sendable, Hashable, Codable {
    /// The SHA-256 the sample is addressed by (lowercase hexadecimal).
    public var sha256: String { digests.sha256 }
    /// The plaintext size in bytes.
    public var size: Int64
    /// MD5, SHA-1, SHA-256, SHA-512 and TLSH of the plaintext.
    public var digests: SampleDigests
    /// True when an identical sample was already in the vault and nothing new was written.
    public var wasAlreadyStored: Bool

    public init(size: Int64, digests: SampleDigests, wasAlreadyStored: Bool) {
        self.size = size
        self.digests = digests
        self.wasAlreadyStored = wasAlreadyStored
    }
}
