// SpecimensTests — PortableExecutableTests.swift
// PE facts and imphash against pefile on real mingw-w64 builds (32/64-bit, console/GUI, EXE/DLL,
// imports by ordinal), and hostile input: truncated, corrupted and randomly mutated files never crash.

import Foundation
import Testing
@testable import Specimens

@Suite struct PortableExecutableTests {
    static let names = ["console32.exe", "console64.exe", "gui32.exe", "library64.dll"]

    @Test(arguments: names)
    func matchesPefile(name: String) throws {
        let expected = try Fixtures.json("pe-expectations.json")[name] as! [String: Any]
        let pe = try #require(PortableExecutable(try Fixtures.data(name)))
        #expect(pe.imphash == expected["imphash"] as? String)
        #expect(Int(pe.machine) == expected["machine"] as? Int)
        #expect(Int(pe.timeDateStamp) == expected["timeDateStamp"] as? Int)
        #expect(Int(pe.subsystem) == expected["subsystem"] as? Int)
        #expect(pe.isDLL == expected["isDLL"] as? Bool)
        #expect(pe.is64Bit == expected["is64Bit"] as? Bool)
        #expect(Int(pe.entryPoint) == expected["entryPoint"] as? Int)
        #expect(pe.anomalies.isEmpty)

        let sections = expected["sections"] as! [[String: Any]]
        #expect(pe.sections.count == sections.count)
        for (actual, wanted) in zip(pe.sections, sections) {
            #expect(actual.name == wanted["name"] as? String)
            #expect(Int(actual.virtualSize) == wanted["virtualSize"] as? Int)
            #expect(Int(actual.rawSize) == wanted["rawSize"] as? Int)
            #expect(abs(actual.entropy - (wanted["entropy"] as! Double)) < 1e-9, "\(actual.name)")
        }

        let imports = expected["imports"] as! [[String: Any]]
        #expect(pe.imports.map(\.name) == imports.map { $0["library"] as! String })
        for (actual, wanted) in zip(pe.imports, imports) {
            #expect(actual.functions.map(\.name) == (wanted["functions"] as! [Any]).map { $0 as? String })
            #expect(actual.functions.map { $0.ordinal.map(Int.init) } == (wanted["ordinals"] as! [Any]).map { $0 as? Int })
        }
    }

    @Test func labelsReadLikeFile() throws {
        #expect(PortableExecutable(try Fixtures.data("gui32.exe"))?.label == "PE32 executable (GUI) Intel 80386")
        #expect(PortableExecutable(try Fixtures.data("console64.exe"))?.label == "PE32+ executable (console) x86-64")
        #expect(PortableExecutable(try Fixtures.data("library64.dll"))?.label == "PE32+ executable (DLL) (console) x86-64")
    }

    @Test func ordinalsResolveAsPefileDoes() throws {
        let pe = try #require(PortableExecutable(try Fixtures.data("console64.exe")))
        let ws2 = try #require(pe.imports.first { $0.name == "ws2_32.dll" })
        #expect(ws2.functions.map(\.name) == ["connect", "socket"])
        let privateLibrary = try #require(pe.imports.first { $0.name == "kkprivate.dll" })
        #expect(privateLibrary.functions == [.init(name: nil, ordinal: 7)])
        #expect(Imphash.compute([privateLibrary]) == md5Hex("kkprivate.ord7"))
        #expect(Imphash.compute([.init(name: "WSOCK32.dll", functions: [.init(name: nil, ordinal: 3)])]) == md5Hex("wsock32.ord3"))
    }

    @Test func compileTimestampIsADate() throws {
        let pe = try #require(PortableExecutable(try Fixtures.data("gui32.exe")))
        #expect(pe.compiledAt.timeIntervalSince1970 == TimeInterval(pe.timeDateStamp))
    }

    @Test func notAPortableExecutable() {
        #expect(PortableExecutable(Data()) == nil)
        #expect(PortableExecutable(Data("MZ".utf8)) == nil)
        #expect(PortableExecutable(Data("hello world, not a program".utf8)) == nil)
        var lying = [UInt8](repeating: 0, count: 128)
        lying[0] = 0x4D; lying[1] = 0x5A; lying[0x3C] = 0xFF; lying[0x3D] = 0xFF; lying[0x3E] = 0xFF; lying[0x3F] = 0x7F
        #expect(PortableExecutable(lying) == nil)
    }

    @Test func truncatedFileDoesNotCrash() throws {
        let data = try Fixtures.data("truncated64.exe")
        if let pe = PortableExecutable(data) {
            #expect(pe.imports.isEmpty)
            #expect(!pe.anomalies.isEmpty)
        }
        let full = try Fixtures.data("console64.exe")
        for length in stride(from: 0, to: full.count, by: 97) { _ = PortableExecutable(full.prefix(length)) }
    }

    @Test func randomMutationsDoNotCrash() throws {
        for name in Self.names {
            let original = [UInt8](try Fixtures.data(name))
            var random = Xorshift(seed: 0xBADC0DE)
            for _ in 0..<150 {
                var bytes = original
                for _ in 0..<(1 + random.next() % 24) {
                    // Aim most mutations at the headers and the import tables, where parsing happens.
                    let span = random.next() % 4 == 0 ? bytes.count : min(bytes.count, 0x600)
                    bytes[Int(random.next()) % span] = UInt8(truncatingIfNeeded: random.next())
                }
                if let pe = PortableExecutable(bytes) { _ = (pe.imphash, pe.label, pe.sections.count) }
            }
        }
    }

    @Test func hostileCountsAreBounded() {
        // A header claiming 65535 sections, a giant optional header and an import table pointing at itself.
        var bytes = [UInt8](repeating: 0, count: 0x400)
        bytes[0] = 0x4D; bytes[1] = 0x5A; bytes[0x3C] = 0x40
        bytes.replaceSubrange(0x40..<0x44, with: [0x50, 0x45, 0, 0])
        bytes[0x44] = 0x4C; bytes[0x45] = 0x01; bytes[0x46] = 0xFF; bytes[0x47] = 0xFF
        bytes[0x54] = 0xE0; bytes[0x58] = 0x0B; bytes[0x59] = 0x01
        let pe = PortableExecutable(bytes)
        #expect(pe != nil)
        #expect((pe?.sections.count ?? 0) <= PortableExecutable.maximumSections)
    }
}

func md5Hex(_ text: String) -> String {
    SampleDigests(of: Data(text.utf8)).md5
}

struct Xorshift {
    var state: UInt32
    init(seed: UInt32) { state = seed }
    mutating func next() -> UInt32 { state ^= state << 13; state ^= state >> 17; state ^= state << 5; return state }
}
