// DemoCorpus — DemoRandom.swift
// Owns the deterministic pseudo-random source (SplitMix64) behind every generated value, and the
// helpers built on it: bounded integers, picks, random hex, and RFC 4122 version-4 UUID texts.
// Nothing here touches the system random generator, so a given seed always yields the same corpus.

/// SplitMix64 (Steele, Lea, Flood 2014): tiny, fast, and good enough for demo data.
struct DemoRandom: Sendable {
    private(set) var state: UInt64

    init(seed: UInt64) { state = seed }

    /// The SplitMix64 output function; a bijection on `UInt64`, also used on its own as a mixer.
    @inline(__always)
    static func mix(_ value: UInt64) -> UInt64 {
        var z = value
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    @inline(__always)
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        return DemoRandom.mix(state)
    }

    /// Uniform in `0..<bound` (bound > 0); the tiny modulo bias is irrelevant for demo data.
    @inline(__always)
    mutating func int(_ bound: Int) -> Int {
        Int(truncatingIfNeeded: next() % UInt64(bound))
    }

    /// Uniform in `range`.
    mutating func int(in range: ClosedRange<Int>) -> Int {
        range.lowerBound + int(range.upperBound - range.lowerBound + 1)
    }

    /// True with probability `p`.
    mutating func chance(_ p: Double) -> Bool {
        Double(next() >> 11) * (1.0 / 9_007_199_254_740_992.0) < p
    }

    mutating func pick<T>(_ items: [T]) -> T { items[int(items.count)] }

    /// `n` distinct elements of `items` (all of them when `n >= items.count`), in random order.
    mutating func sample<T>(_ items: [T], _ n: Int) -> [T] {
        var pool = items
        var result: [T] = []
        result.reserveCapacity(min(n, pool.count))
        while result.count < n, !pool.isEmpty {
            result.append(pool.remove(at: int(pool.count)))
        }
        return result
    }

    /// Index chosen with the given relative weights.
    mutating func weighted(_ weights: [Int]) -> Int {
        let total = weights.reduce(0, +)
        var r = int(total)
        for (i, w) in weights.enumerated() {
            if r < w { return i }
            r -= w
        }
        return weights.count - 1
    }

    /// `count` lowercase hex digits.
    mutating func hex(_ count: Int) -> String {
        var bytes = [UInt8]()
        bytes.reserveCapacity(count)
        var word = next()
        var left = 16
        for _ in 0..<count {
            if left == 0 { word = next(); left = 16 }
            bytes.append(HexDigits.lower[Int(word & 0xF)])
            word >>= 4
            left -= 1
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A random RFC 4122 version-4 UUID text (version nibble 4, variant 8–b).
    mutating func uuid4() -> String {
        let hi = next(), lo = next()
        var bytes = [UInt8]()
        bytes.reserveCapacity(36)
        UUIDText.appendV4(hi: hi, lo: lo, to: &bytes)
        return String(decoding: bytes, as: UTF8.self)
    }

    /// `"<type>--<uuid4>"`.
    mutating func stixID(_ type: String) -> String { type + "--" + uuid4() }
}

enum HexDigits {
    static let lower: [UInt8] = Array("0123456789abcdef".utf8)
}

/// Formatting of 128 bits as a UUID text, forcing the version and variant bits.
enum UUIDText {
    /// Appends the 36-character text of a v4 UUID built from `hi`/`lo`.
    @inline(__always)
    static func appendV4(hi: UInt64, lo: UInt64, to out: inout [UInt8]) {
        let h = (hi & 0xFFFF_FFFF_FFFF_0FFF) | 0x0000_0000_0000_4000
        let l = (lo & 0x3FFF_FFFF_FFFF_FFFF) | 0x8000_0000_0000_0000
        append(hi: h, lo: l, to: &out)
    }

    /// Appends `hi`/`lo` as `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` without touching any bits.
    @inline(__always)
    static func append(hi: UInt64, lo: UInt64, to out: inout [UInt8]) {
        @inline(__always) func digit(_ v: UInt64) -> UInt8 {
            let d = UInt8(truncatingIfNeeded: v & 0xF)
            return d < 10 ? 48 + d : 87 + d
        }
        var shift: UInt64 = 60
        for i in 0..<16 {
            if i == 8 || i == 12 { out.append(UInt8(ascii: "-")) }
            out.append(digit(hi >> shift))
            shift &-= 4
        }
        shift = 60
        for i in 0..<16 {
            if i == 0 || i == 4 { out.append(UInt8(ascii: "-")) }
            out.append(digit(lo >> shift))
            shift &-= 4
        }
    }
}
