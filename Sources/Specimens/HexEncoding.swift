// Specimens — HexEncoding.swift
// Lowercase and uppercase hexadecimal text for digests and fuzzy hashes.

import Foundation

extension Sequence where Element == UInt8 {
    /// The bytes as hexadecimal text, lowercase unless `uppercase` is set.
    func hexEncoded(uppercase: Bool = false) -> String {
        let digits: [UInt8] = Array((uppercase ? "0123456789ABCDEF" : "0123456789abcdef").utf8)
        var text: [UInt8] = []
        text.reserveCapacity(underestimatedCount * 2)
        for byte in self {
            text.append(digits[Int(byte >> 4)])
            text.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: text, as: UTF8.self)
    }
}

/// Whether `text` is a SHA-256 digest as the vault names it: 64 lowercase hexadecimal characters.
func isLowercaseSHA256(_ text: String) -> Bool {
    let utf8 = text.utf8
    return utf8.count == 64 && utf8.allSatisfy { (0x30...0x39).contains($0) || (0x61...0x66).contains($0) }
}
