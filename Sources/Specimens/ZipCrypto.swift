// Specimens — ZipCrypto.swift
// Traditional PKWARE encryption ("ZipCrypto", APPNOTE 6.1): three 32-bit keys driven by CRC-32 and a
// linear congruential step. Weak by design and used here only for its purpose in the field: a
// password ("infected") that stops mail filters, antivirus and accidental double-clicks, which every
// unzip tool and Python's `zipfile` can open.

import Foundation

/// The ZipCrypto cipher state for one entry.
struct ZipCrypto {
    private var key0: UInt32 = 0x1234_5678
    private var key1: UInt32 = 0x2345_6789
    private var key2: UInt32 = 0x3456_7890

    init(password: String) {
        for byte in password.utf8 { updateKeys(byte) }
    }

    private mutating func updateKeys(_ plain: UInt8) {
        key0 = CRC32.step(key0, plain)
        key1 = (key1 &+ (key0 & 0xFF)) &* 134_775_813 &+ 1
        key2 = CRC32.step(key2, UInt8(key1 >> 24))
    }

    private var keystreamByte: UInt8 {
        let temp = UInt16(truncatingIfNeeded: key2 | 2)
        return UInt8(truncatingIfNeeded: (UInt32(temp) &* UInt32(temp ^ 1)) >> 8)
    }

    /// Encrypts in place.
    mutating func encrypt(_ bytes: inout [UInt8]) {
        for i in bytes.indices {
            let plain = bytes[i]
            bytes[i] = plain ^ keystreamByte
            updateKeys(plain)
        }
    }

    /// Encrypts a chunk into a new buffer.
    mutating func encrypt(_ data: Data) -> Data {
        var bytes = [UInt8](data)
        encrypt(&bytes)
        return Data(bytes)
    }

    /// Decrypts in place (for tests and for reading back).
    mutating func decrypt(_ bytes: inout [UInt8]) {
        for i in bytes.indices {
            let plain = bytes[i] ^ keystreamByte
            bytes[i] = plain
            updateKeys(plain)
        }
    }
}
