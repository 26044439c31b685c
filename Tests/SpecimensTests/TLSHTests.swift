// SpecimensTests — TLSHTests.swift
// TLSH against vectors from the reference implementation (py-tlsh), whole and fed in odd-sized chunks.

import Foundation
import Testing
@testable import Specimens

@Suite struct TLSHTests {
    struct Vector: CustomTestStringConvertible {
        let kind: String, seed: UInt32, length: Int, mask: UInt8, tlsh: String?
        var testDescription: String { "\(kind) seed \(seed) length \(length) mask \(mask)" }
        var bytes: [UInt8] { Generated.make(kind: kind, seed: seed, length: length, mask: mask) }
    }

    static func vectors() throws -> [Vector] {
        let json = try Fixtures.json("tlsh-vectors.json")
        return (json["vectors"] as! [[String: Any]]).map {
            Vector(kind: $0["kind"] as! String, seed: UInt32(($0["seed"] as! NSNumber).uint64Value),
                   length: ($0["length"] as! NSNumber).intValue, mask: UInt8(($0["mask"] as! NSNumber).intValue),
                   tlsh: $0["tlsh"] as? String)
        }
    }

    @Test(arguments: try vectors())
    func matchesReference(vector: Vector) {
        #expect(TLSH.hash(of: vector.bytes) == vector.tlsh)
    }

    @Test(arguments: try vectors().filter { $0.length >= 1000 })
    func streamingInChunksMatches(vector: Vector) {
        let bytes = vector.bytes
        var tlsh = TLSH()
        var offset = 0
        var step = 1
        while offset < bytes.count {
            let end = min(bytes.count, offset + step)
            tlsh.update(bytes[offset..<end])
            offset = end
            step = step * 3 % 4099 + 1   // 1, 4, 13, … odd sizes that straddle the 5-byte window
        }
        #expect(tlsh.finalize() == vector.tlsh)
    }

    @Test func fixturesMatchReference() throws {
        let files = try Fixtures.json("tlsh-vectors.json")["files"] as! [String: Any]
        #expect(!files.isEmpty)
        for (name, expected) in files {
            #expect(TLSH.hash(of: try Fixtures.data(name)) == expected as? String, "\(name)")
        }
    }

    @Test func shortInputHasNoHash() {
        #expect(TLSH.hash(of: Data(repeating: 7, count: 10)) == nil)
        #expect(TLSH.hash(of: Data()) == nil)
    }

    @Test func lengthBuckets() {
        #expect(TLSH.lengthCapture(50) == 9)
        #expect(TLSH.lengthCapture(656) == 15)
        #expect(TLSH.lengthCapture(657) == 16)
        #expect(TLSH.lengthCapture(100 * 1024 * 1024) == 131)
    }
}
