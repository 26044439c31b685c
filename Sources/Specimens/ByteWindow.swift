// Specimens — ByteWindow.swift
// Bounds-checked little- and big-endian reads over a sample's bytes: every read of hostile input goes
// through here and answers nil past the end instead of trapping.

import Foundation

/// A read-only view of bytes with checked integer and string reads at absolute offsets.
struct ByteWindow {
    let bytes: [UInt8]

    init(_ data: some DataProtocol) { bytes = Array(data) }

    var count: Int { bytes.count }

    func contains(_ offset: Int, _ length: Int) -> Bool {
        offset >= 0 && length >= 0 && offset <= bytes.count && length <= bytes.count - offset
    }

    func u8(_ offset: Int) -> UInt8? { contains(offset, 1) ? bytes[offset] : nil }

    func u16(_ offset: Int) -> UInt16? {
        guard contains(offset, 2) else { return nil }
        return UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
    }

    func u32(_ offset: Int) -> UInt32? {
        guard contains(offset, 4) else { return nil }
        return (0..<4).reduce(UInt32(0)) { $0 | UInt32(bytes[offset + $1]) << (8 * $1) }
    }

    func u64(_ offset: Int) -> UInt64? {
        guard contains(offset, 8) else { return nil }
        return (0..<8).reduce(UInt64(0)) { $0 | UInt64(bytes[offset + $1]) << (8 * $1) }
    }

    func u16BE(_ offset: Int) -> UInt16? { u16(offset).map { $0.byteSwapped } }
    func u32BE(_ offset: Int) -> UInt32? { u32(offset).map { $0.byteSwapped } }

    func slice(_ offset: Int, _ length: Int) -> ArraySlice<UInt8>? {
        contains(offset, length) ? bytes[offset..<(offset + length)] : nil
    }

    /// Whether `pattern` occurs at `offset`.
    func matches(_ pattern: [UInt8], at offset: Int = 0) -> Bool {
        guard contains(offset, pattern.count) else { return false }
        for (i, byte) in pattern.enumerated() where bytes[offset + i] != byte { return false }
        return true
    }

    /// The NUL-terminated string at `offset`, at most `limit` bytes; nil when unterminated within the limit.
    func cString(_ offset: Int, limit: Int) -> [UInt8]? {
        guard offset >= 0, offset < bytes.count else { return nil }
        let end = min(bytes.count, offset + limit)
        guard let zero = bytes[offset..<end].firstIndex(of: 0) else { return nil }
        return Array(bytes[offset..<zero])
    }
}

/// Shannon entropy in bits per byte (0…8).
func shannonEntropy(_ bytes: ArraySlice<UInt8>) -> Double {
    guard !bytes.isEmpty else { return 0 }
    var counts = [Int](repeating: 0, count: 256)
    for byte in bytes { counts[Int(byte)] += 1 }
    let total = Double(bytes.count)
    return counts.reduce(0.0) { sum, count in
        guard count > 0 else { return sum }
        let p = Double(count) / total
        return sum - p * log2(p)
    }
}
