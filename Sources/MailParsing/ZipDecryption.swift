// MailParsing — ZipDecryption.swift
// Opening ZipCrypto-encrypted zip members (traditional PKWARE encryption, APPNOTE 6.1) with a
// password found in the mail's text or the field's `infected`: the cipher, the 12-byte header
// check and the CRC-32 that confirms a member was opened with the right password.
//
// Specimens has the same cipher for writing; MailParsing does not depend on Specimens (it reads
// what attackers and members send, Specimens stores what the hub keeps), so the reading half lives here.

/// CRC-32 (IEEE 802.3, reflected, as zip uses it), table-driven.
enum ZipCRC32 {
    static let table: [UInt32] = (0..<256).map { index in
        var value = UInt32(index)
        for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
        return value
    }

    /// One step of the running CRC (no pre/post inversion), as ZipCrypto's key schedule uses it.
    @inline(__always) static func step(_ crc: UInt32, _ byte: UInt8) -> UInt32 {
        table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8)
    }

    /// The CRC-32 of some bytes.
    static func checksum<C: Collection>(_ bytes: C) -> UInt32 where C.Element == UInt8 {
        var crc: UInt32 = 0xFFFF_FFFF
        table.withUnsafeBufferPointer { table in
            for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        }
        return crc ^ 0xFFFF_FFFF
    }
}

/// The ZipCrypto cipher state for one member, keyed by a password.
struct ZipCryptoKeys {
    private var key0: UInt32 = 0x1234_5678
    private var key1: UInt32 = 0x2345_6789
    private var key2: UInt32 = 0x3456_7890

    init<S: Sequence>(password: S) where S.Element == UInt8 {
        for byte in password { update(byte) }
    }

    @inline(__always) private mutating func update(_ plain: UInt8) {
        key0 = ZipCRC32.step(key0, plain)
        key1 = (key1 &+ (key0 & 0xFF)) &* 134_775_813 &+ 1
        key2 = ZipCRC32.step(key2, UInt8(truncatingIfNeeded: key1 >> 24))
    }

    @inline(__always) private var keystream: UInt8 {
        let temp = UInt32(UInt16(truncatingIfNeeded: key2 | 2))
        return UInt8(truncatingIfNeeded: (temp &* (temp ^ 1)) >> 8)
    }

    /// Decrypts bytes and advances the keys.
    mutating func decrypt<C: Collection>(_ bytes: C) -> [UInt8] where C.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.count)
        for byte in bytes {
            let plain = byte ^ keystream
            output.append(plain)
            update(plain)
        }
        return output
    }
}

/// Opening one encrypted member with one password.
enum ZipDecryption {
    /// The member's compressed bytes after the 12-byte header, when `password` passes the header check.
    ///
    /// `payload` is the encrypted data (header included); `check` is the byte the header's last byte
    /// must equal: the CRC's high byte, or the DOS time's high byte when flag bit 3 (data descriptor)
    /// is set. One wrong password in 256 passes that check, so the caller confirms with the CRC.
    static func open(_ payload: ArraySlice<UInt8>, check: UInt8, password: String) -> [UInt8]? {
        guard payload.count >= 12 else { return nil }
        var keys = ZipCryptoKeys(password: Array(password.utf8))
        let header = keys.decrypt(payload.prefix(12))
        guard header[11] == check else { return nil }
        return keys.decrypt(payload.dropFirst(12))
    }
}
