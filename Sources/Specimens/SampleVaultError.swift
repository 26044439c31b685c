// Specimens — SampleVaultError.swift
// What can go wrong with the sample vault and its key, each with a message an operator can act on.

import Foundation

/// A failure of the sample vault or its key file.
///
/// ```swift
/// do { try vault.store(contentsOf: upload) }
/// catch SampleVaultError.tooLarge(let limit) { reply(413, "samples are limited to \(limit) bytes") }
/// ```
public enum SampleVaultError: Error, Equatable, CustomStringConvertible, LocalizedError {
    /// The sample is larger than the vault accepts.
    case tooLarge(limit: Int64)
    /// No sample with this SHA-256 is stored.
    case notFound(sha256: String)
    /// The text given as a SHA-256 is not 64 hexadecimal characters.
    case invalidSHA256(String)
    /// A sealed file failed authentication or is structurally broken (truncated, reordered, tampered
    /// with, or sealed under another key).
    case corrupted(sha256: String, reason: String)
    /// The key file can be read by its group or by others.
    case keyFileTooOpen(path: String, mode: UInt16)
    /// The key file exists but is not 32 bytes.
    case keyFileInvalid(path: String, reason: String)
    /// A file-system operation failed.
    case io(path: String, reason: String)

    public var description: String {
        switch self {
        case .tooLarge(let limit):
            return "the sample is larger than the vault's limit of \(limit) bytes"
        case .notFound(let sha256):
            return "no sample with SHA-256 \(sha256) is in the vault"
        case .invalidSHA256(let text):
            return "\"\(text.prefix(80))\" is not a SHA-256 digest (64 hexadecimal characters)"
        case .corrupted(let sha256, let reason):
            return "the sealed sample \(sha256) cannot be opened: \(reason)"
        case .keyFileTooOpen(let path, let mode):
            return "the vault key \(path) is readable by others (mode \(String(mode, radix: 8))); "
                + "run `chmod 600 \(path)` and make sure nobody else has copied it"
        case .keyFileInvalid(let path, let reason):
            return "the vault key \(path) is unusable: \(reason)"
        case .io(let path, let reason):
            return "\(path): \(reason)"
        }
    }

    public var errorDescription: String? { description }
}
