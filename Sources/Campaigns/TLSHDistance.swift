// Campaigns — TLSHDistance.swift
// Owns the distance between two TLSH digests as the reference implementation scores it (header:
// length bucket and quartile ratios; body: the 2-bit codes), so that re-built samples of one
// campaign (a changed string, a new C2 compiled in) are recognised as near each other.

/// The TLSH distance of two digests written by `Specimens.TLSH` ("T1" + 70 hex digits).
///
/// ```swift
/// TLSHDistance.between(a, a)   // 0
/// TLSHDistance.between(a, b)   // e.g. 38: a small edit; unrelated files score 200 and more
/// ```
public enum TLSHDistance {
    /// The distance including the length difference, or nil when either digest is malformed.
    public static func between(_ first: String, _ second: String) -> Int? {
        guard let a = bytes(first), let b = bytes(second) else { return nil }
        var distance = 0
        // Header: checksum, length bucket, quartile ratios (each byte's nibbles are swapped in the text).
        if a[0] != b[0] { distance += 1 }
        let lengthDiff = circularDifference(Int(swap(a[1])), Int(swap(b[1])), modulus: 256)
        distance += lengthDiff <= 1 ? lengthDiff : lengthDiff * 12
        let qa = swap(a[2]), qb = swap(b[2])
        for (x, y) in [(Int(qa & 0x0F), Int(qb & 0x0F)), (Int(qa >> 4), Int(qb >> 4))] {
            let d = circularDifference(x, y, modulus: 16)
            distance += d <= 1 ? d : (d - 1) * 12
        }
        for i in 3..<35 {
            var x = a[i], y = b[i]
            for _ in 0..<4 {
                let d = abs(Int(x & 3) - Int(y & 3))
                distance += d == 3 ? 6 : d
                x >>= 2; y >>= 2
            }
        }
        return distance
    }

    static func swap(_ byte: UInt8) -> UInt8 { (byte << 4) | (byte >> 4) }

    static func circularDifference(_ x: Int, _ y: Int, modulus: Int) -> Int {
        let d = abs(x - y)
        return min(d, modulus - d)
    }

    static func bytes(_ digest: String) -> [UInt8]? {
        var text = Substring(digest)
        if text.hasPrefix("T1") || text.hasPrefix("t1") { text = text.dropFirst(2) }
        guard text.count == 70 else { return nil }
        var out: [UInt8] = []
        out.reserveCapacity(35)
        var index = text.startIndex
        while index < text.endIndex {
            let next = text.index(index, offsetBy: 2)
            guard let byte = UInt8(text[index..<next], radix: 16) else { return nil }
            out.append(byte)
            index = next
        }
        return out
    }

    /// The eight 4-byte pieces of a digest's body, as keys: digests within a small distance share at
    /// least one piece far more often than not, so the pieces find candidates without comparing all pairs.
    static func pieces(_ digest: String) -> [String] {
        guard bytes(digest) != nil else { return [] }
        // With or without the "T1" version prefix (as `bytes` accepts it): the body follows the
        // 3-byte header (6 hexadecimal characters) either way.
        let text = digest.uppercased()
        let body = Array((text.hasPrefix("T1") ? text.dropFirst(2) : Substring(text)).dropFirst(6))
        guard body.count == 64 else { return [] }
        return stride(from: 0, to: 64, by: 8).map { "\($0 / 8):" + String(body[$0..<($0 + 8)]) }
    }
}
