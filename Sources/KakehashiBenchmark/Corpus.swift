// KakehashiBenchmark — Corpus.swift
// Owns the benchmark's STIX content: the comparison corpus (generated once, shared by both servers),
// TAXII envelopes built from slices of it, the ids used for random look-ups, and a deterministic
// random generator so that every run asks for the same objects in the same order.
import DemoCorpus
import Foundation
import Hummingbird

/// The comparison corpus: compact STIX 2.1 indicators from `DemoCorpus`, with their ids.
struct BenchmarkCorpus: Sendable {
    let objects: [String]
    let ids: [String]
    let bytes: Int

    init(count: Int, seed: UInt64) {
        objects = DemoCorpus.benchmarkIndicators(count: count, seed: seed)
        ids = objects.map { Self.stixID(in: $0) ?? "" }
        bytes = objects.reduce(0) { $0 + $1.utf8.count }
    }

    /// The corpus cut into envelopes of `batch` objects.
    func envelopes(batch: Int) -> [ByteBuffer] {
        stride(from: 0, to: objects.count, by: batch).map {
            Self.envelope(objects[$0..<min($0 + batch, objects.count)])
        }
    }

    /// `{"objects":[…]}` around the given compact objects.
    static func envelope<Objects: Collection>(_ objects: Objects) -> ByteBuffer where Objects.Element == String {
        let size = objects.reduce(32) { $0 + $1.utf8.count + 1 }
        var buffer = ByteBufferAllocator().buffer(capacity: size)
        buffer.writeString("{\"objects\":[")
        var first = true
        for object in objects {
            if !first { buffer.writeInteger(UInt8(ascii: ",")) }
            first = false
            buffer.writeString(object)
        }
        buffer.writeString("]}")
        return buffer
    }

    /// The value of the first `"id":"…"` member of a compact object (the object's own id for the
    /// benchmark indicators, whose `id` precedes every reference).
    static func stixID(in json: String) -> String? { member("id", in: json) }

    /// The text of the first string member `name` of a compact JSON object.
    static func member(_ name: String, in json: String) -> String? {
        guard let start = json.range(of: "\"\(name)\":\"") else { return nil }
        guard let end = json[start.upperBound...].firstIndex(of: "\"") else { return nil }
        return String(json[start.upperBound..<end])
    }

    /// Total size of the corpus as text, for the header.
    var megabytes: Double { Double(bytes) / 1_048_576 }
}

/// SplitMix64: a small deterministic generator for choosing ids.
struct SplitMix: RandomNumberGenerator, Sendable {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}

extension Array where Element == String {
    /// `count` elements drawn at random (with replacement), deterministically for `seed`.
    func randomPicks(_ count: Int, seed: UInt64) -> [String] {
        guard !isEmpty else { return [] }
        var generator = SplitMix(seed: seed)
        return (0..<count).map { _ in self[Int(generator.next() % UInt64(self.count))] }
    }
}
