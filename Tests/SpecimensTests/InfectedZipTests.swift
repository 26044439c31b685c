// SpecimensTests — InfectedZipTests.swift
// Password-protected sample archives opened by the real tools: Info-ZIP `unzip -P infected` and
// Python's `zipfile`, byte for byte, with Japanese names; a wrong password fails in both.

import Crypto
import Foundation
import Testing
@testable import Specimens

@Suite struct InfectedZipTests {
    static let hasUnzip = toolExists("unzip")
    static let hasPython = toolExists("python3")

    let contents: [(String, Data)] = [
        ("検体/請求書_2024年4月.pdf.exe", Data(Generated.xorshift(seed: 2024, length: 2 * (1 << 20) + 333))),
        ("empty.txt", Data()),
        ("README.txt", Data("Password: infected\n".utf8)),
    ]

    func archive(in directory: URL, password: String = "infected") throws -> URL {
        let url = directory.appendingPathComponent("samples.zip")
        try InfectedZip.write(entries: contents.map { InfectedZip.Entry(name: $0.0, bytes: $0.1) }, password: password, to: url)
        return url
    }

    @Test func crcKnownAnswer() {
        var crc = CRC32()
        crc.update(Data("123456789".utf8))
        #expect(crc.value == 0xCBF4_3926)
    }

    @Test func zipCryptoRoundTrip() {
        var encrypt = ZipCrypto(password: "infected")
        var decrypt = ZipCrypto(password: "infected")
        var bytes = Generated.text(seed: 8, length: 1000)
        let original = bytes
        encrypt.encrypt(&bytes)
        #expect(bytes != original)
        decrypt.decrypt(&bytes)
        #expect(bytes == original)
    }

    @Test func layoutIsStoredEncryptedWithUTF8Names() throws {
        var output = Data()
        try InfectedZip.write(entries: [.init(name: "検体.bin", bytes: Data("MZ plaintext marker".utf8))]) { output.append($0) }
        #expect(output.prefix(4) == Data([0x50, 0x4B, 0x03, 0x04]))
        #expect(output[6] == 0x09 && output[7] == 0x08)   // flags: encrypted, data descriptor, UTF-8
        #expect(output.range(of: Data("plaintext marker".utf8)) == nil)
        #expect(output.range(of: Data("検体.bin".utf8)) != nil)
        #expect(FileKind.detect(output).label == "Zip archive data, encrypted")
    }

    @Test(.enabled(if: hasUnzip, "unzip is not installed (apt-get install unzip)"))
    func unzipOpensIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zip = try archive(in: directory.url)
        let out = directory.url.appendingPathComponent("out")
        let result = try #require(try runTool("unzip", ["-P", "infected", "-d", out.path, zip.path]))
        #expect(result.status == 0, "\(result.output)")
        for (name, bytes) in contents {
            #expect(try Data(contentsOf: out.appendingPathComponent(name)) == bytes, "\(name)")
        }
        let test = try #require(try runTool("unzip", ["-t", "-P", "infected", zip.path]))
        #expect(test.status == 0, "\(test.output)")
    }

    @Test(.enabled(if: hasUnzip, "unzip is not installed (apt-get install unzip)"))
    func unzipRefusesAWrongPassword() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zip = try archive(in: directory.url)
        let result = try #require(try runTool("unzip", ["-t", "-P", "not-infected", zip.path]))
        #expect(result.status != 0)
    }

    static let pythonReader = """
        import hashlib, json, sys, zipfile
        z = zipfile.ZipFile(sys.argv[1])
        print(json.dumps({i.filename: hashlib.sha256(z.read(i, pwd=sys.argv[2].encode())).hexdigest() for i in z.infolist()}))
        """

    @Test(.enabled(if: hasPython, "python3 is not installed"))
    func pythonZipfileOpensIt() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let zip = try archive(in: directory.url)
        let result = try #require(try runTool("python3", ["-c", Self.pythonReader, zip.path, "infected"]))
        #expect(result.status == 0, "\(result.output)")
        let digests = try JSONSerialization.jsonObject(with: Data(result.output.utf8)) as? [String: String]
        #expect(digests == Dictionary(uniqueKeysWithValues: contents.map { ($0.0, SampleDigests(of: $0.1).sha256) }))

        let wrong = try #require(try runTool("python3", ["-c", Self.pythonReader, zip.path, "wrong"]))
        #expect(wrong.status != 0)
    }

    @Test(.enabled(if: hasPython, "python3 is not installed"))
    func streamsStraightFromTheVault() throws {
        let directory = try TemporaryDirectory()
        defer { directory.remove() }
        let vault = try SampleVault(directory: directory.url.appendingPathComponent("vault"), key: SymmetricKey(size: .bits256))
        let bytes = Data(Generated.xorshift(seed: 11, length: 1_500_000))
        let record = try vault.store(bytes: bytes)
        let zip = directory.url.appendingPathComponent("download.zip")
        try InfectedZip.write(entries: [
            .init(name: "\(record.sha256).bin") { emit in try vault.read(sha256: record.sha256, into: emit) },
        ], to: zip)
        let result = try #require(try runTool("python3", ["-c", Self.pythonReader, zip.path, "infected"]))
        #expect(result.output.contains(record.sha256 + ".bin\": \"" + record.sha256))
    }

    @Test func refusesBadNames() {
        #expect(throws: InfectedZip.Failure.invalidName("")) {
            try InfectedZip.write(entries: [.init(name: "", bytes: Data())]) { _ in }
        }
        #expect(throws: InfectedZip.Failure.invalidName("/etc/passwd")) {
            try InfectedZip.write(entries: [.init(name: "/etc/passwd", bytes: Data())]) { _ in }
        }
    }
}

func toolExists(_ name: String) -> Bool {
    (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .contains { FileManager.default.isExecutableFile(atPath: "\($0)/\(name)") }
}
