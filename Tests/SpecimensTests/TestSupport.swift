// SpecimensTests — TestSupport.swift
// Fixture paths (relative to this file, so `swift test` works from a fresh clone), deterministic
// byte generators shared with Fixtures/generate-tlsh-vectors.py, temporary directories and running tools.

import Foundation

enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    static func data(_ name: String) throws -> Data { try Data(contentsOf: url(name)) }

    static func json(_ name: String) throws -> [String: Any] {
        try JSONSerialization.jsonObject(with: data(name)) as! [String: Any]
    }
}

/// The byte generators of Fixtures/generate-tlsh-vectors.py.
enum Generated {
    static let words = ["攻撃", "malware", "the", "hub", "sample", "C2", "beacon", "検体", "phishing", "invoice",
                        "powershell", "-enc", "http://", "example.jp", "\n", "a", "of", "and", "で", "を"]

    static func xorshift(seed: UInt32, length: Int, mask: UInt8 = 0xFF) -> [UInt8] {
        var x = seed
        var out = [UInt8]()
        out.reserveCapacity(length)
        for _ in 0..<length {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            out.append(UInt8(x >> 24) & mask)
        }
        return out
    }

    static func text(seed: UInt32, length: Int) -> [UInt8] {
        var x = seed
        var out = [UInt8]()
        while out.count < length {
            x ^= x << 13; x ^= x >> 17; x ^= x << 5
            out += Array(words[Int(x >> 24) % words.count].utf8) + [0x20]
        }
        return Array(out.prefix(length))
    }

    static func make(kind: String, seed: UInt32, length: Int, mask: UInt8) -> [UInt8] {
        switch kind {
        case "xorshift": return xorshift(seed: seed, length: length, mask: mask)
        case "text": return text(seed: seed, length: length)
        case "repeat": return [UInt8](repeating: UInt8(seed & 0xFF), count: length)
        case "counter": return (0..<length).map { UInt8(truncatingIfNeeded: $0) }
        default: fatalError("unknown generator \(kind)")
        }
    }
}

/// A fresh temporary directory, removed by `remove()`.
struct TemporaryDirectory {
    let url: URL

    init() throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("specimens-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    func remove() { try? FileManager.default.removeItem(at: url) }
}

/// Runs a program found on PATH; nil when it is not installed.
func runTool(_ name: String, _ arguments: [String], in directory: URL? = nil) throws -> (status: Int32, output: String)? {
    let path = (ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin").split(separator: ":")
        .map { "\($0)/\(name)" }.first { FileManager.default.isExecutableFile(atPath: $0) }
    guard let path else { return nil }
    let process = Process()
    process.executableURL = URL(fileURLWithPath: path)
    process.arguments = arguments
    if let directory { process.currentDirectoryURL = directory }
    var environment = ProcessInfo.processInfo.environment
    environment["LC_ALL"] = "C.UTF-8"   // unzip writes UTF-8 names as-is only in a UTF-8 locale
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = pipe
    try process.run()
    let output = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return (process.terminationStatus, String(decoding: output, as: UTF8.self))
}
