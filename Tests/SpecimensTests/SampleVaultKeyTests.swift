// SpecimensTests — SampleVaultKeyTests.swift
// The vault key file: created with 32 random bytes and mode 0600, loaded again unchanged, refused
// when readable by others or of the wrong size.

import Crypto
import Foundation
import Testing
@testable import Specimens

@Suite struct SampleVaultKeyTests {
    func bytes(_ key: SymmetricKey) -> Data { key.withUnsafeBytes { Data($0) } }

    @Test func createsThenLoadsTheSameKey() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("data/vault.key")
        #expect(try SampleVaultKey.load(at: url) == nil)
        let created = try SampleVaultKey.loadOrCreate(at: url)
        let attributes = try FileManager.default.attributesOfItem(atPath: url.path)
        #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
        #expect(try Data(contentsOf: url).count == 32)
        #expect(bytes(try SampleVaultKey.loadOrCreate(at: url)) == bytes(created))
        #expect(try Data(contentsOf: url) == bytes(created))
    }

    @Test func refusesAKeyReadableByOthers() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("vault.key")
        _ = try SampleVaultKey.loadOrCreate(at: url)
        try FileManager.default.setAttributes([.posixPermissions: 0o644], ofItemAtPath: url.path)
        #expect(throws: SampleVaultError.keyFileTooOpen(path: url.path, mode: 0o644)) { try SampleVaultKey.loadOrCreate(at: url) }
        #expect(SampleVaultError.keyFileTooOpen(path: url.path, mode: 0o644).description.contains("chmod 600"))
        try FileManager.default.setAttributes([.posixPermissions: 0o640], ofItemAtPath: url.path)
        #expect(throws: SampleVaultError.self) { try SampleVaultKey.load(at: url) }
    }

    @Test func refusesAKeyOfTheWrongSize() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let url = directory.url.appendingPathComponent("vault.key")
        _ = FileManager.default.createFile(atPath: url.path, contents: Data(count: 31), attributes: [.posixPermissions: 0o600])
        #expect(throws: SampleVaultError.keyFileInvalid(path: url.path, reason: "it holds 31 bytes, not 32")) {
            try SampleVaultKey.loadOrCreate(at: url)
        }
    }
}
