// Specimens — CRC32.swift
// CRC-32 (ISO-HDLC, the polynomial of ZIP and gzip), streaming, and its one-byte step that
// ZipCrypto's key schedule uses.

import Foundation

/// A running CRC-32 as ZIP computes it.
///
/// ```swift
/// var crc = CRC32()
/// crc.update(Data("123456789".utf8))
/// crc.value   // 0xCBF43926
/// ```
public struct CRC32: Sendable {
    static let table: [UInt32] = (0..<256).map { index in
        var c = UInt32(index)
        for _ in 0..<8 { c = (c & 1) != 0 ? 0xEDB8_8320 ^ (c >> 1) : c >> 1 }
        return c
    }

    private var state: UInt32 = 0xFFFF_FFFF

    public init() {}

    /// The CRC of everything fed so far.
    public var value: UInt32 { ~state }

    /// Feeds more bytes.
    ///
    /// ```swift
    /// crc.update(chunk)
    /// ```
    public mutating func update(_ bytes: some DataProtocol) {
        var s = state
        CRC32.table.withUnsafeBufferPointer { table in
            for region in bytes.regions {
                region.withUnsafeBytes { raw in
                    for byte in raw { s = table[Int((s ^ UInt32(byte)) & 0xFF)] ^ (s >> 8) }
                }
            }
        }
        state = s
    }

    /// One raw step of the register, without the initial and final inversion (ZipCrypto's `crc32(c, b)`).
    @inline(__always)
    static func step(_ register: UInt32, _ byte: UInt8) -> UInt32 {
        table[Int((register ^ UInt32(byte)) & 0xFF)] ^ (register >> 8)
    }
}
