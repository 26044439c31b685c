// Specimens — SampleVaultKey.swift
// The vault's master key file (`vault.key`): 32 random bytes, created with mode 0600, refused when
// its group or others may read it.

import Crypto
import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Loading and creating the vault's key file.
public enum SampleVaultKey {
    /// The key's size in bytes.
    public static let byteCount = 32

    /// The key in `url`, created (32 random bytes, mode 0600) when the file does not exist yet.
    /// Throws `SampleVaultError.keyFileTooOpen` when the file is readable by its group or others, and
    /// `.keyFileInvalid` when it is not exactly 32 bytes.
    ///
    /// ```swift
    /// let key = try SampleVaultKey.loadOrCreate(at: dataDirectory.appendingPathComponent("vault.key"))
    /// let vault = try SampleVault(directory: dataDirectory.appendingPathComponent("vault"), key: key)
    /// ```
    public static func loadOrCreate(at url: URL) throws -> SymmetricKey {
        let path = url.path
        if let key = try load(at: url) { return key }
        try? FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let descriptor = open(path, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if descriptor < 0 {
            if errno == EEXIST, let key = try load(at: url) { return key }   // created meanwhile by another process
            throw SampleVaultError.io(path: path, reason: "cannot create the key file: \(String(cString: strerror(errno)))")
        }
        defer { close(descriptor) }
        let key = SymmetricKey(size: .bits256)
        let written = key.withUnsafeBytes { raw in write(descriptor, raw.baseAddress, raw.count) }
        guard written == byteCount, fsync(descriptor) == 0 else {
            unlink(path)
            throw SampleVaultError.io(path: path, reason: "cannot write the key file: \(String(cString: strerror(errno)))")
        }
        return key
    }

    /// The key in `url`, or nil when there is no such file.
    ///
    /// ```swift
    /// guard let key = try SampleVaultKey.load(at: keyURL) else { fatalError("run kakehashi init") }
    /// ```
    public static func load(at url: URL) throws -> SymmetricKey? {
        let path = url.path
        var status = stat()
        guard lstat(path, &status) == 0 else {
            if errno == ENOENT { return nil }
            throw SampleVaultError.io(path: path, reason: String(cString: strerror(errno)))
        }
        guard (status.st_mode & S_IFMT) == S_IFREG else {
            throw SampleVaultError.keyFileInvalid(path: path, reason: "it is not a regular file")
        }
        let permissions = UInt16(status.st_mode & 0o777)
        guard permissions & 0o077 == 0 else { throw SampleVaultError.keyFileTooOpen(path: path, mode: permissions) }
        guard let bytes = FileManager.default.contents(atPath: path) else {
            throw SampleVaultError.io(path: path, reason: "cannot read the key file")
        }
        guard bytes.count == byteCount else {
            throw SampleVaultError.keyFileInvalid(path: path, reason: "it holds \(bytes.count) bytes, not \(byteCount)")
        }
        return SymmetricKey(data: bytes)
    }
}
