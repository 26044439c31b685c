// Specimens — SealedSegments.swift
// The on-disk format of a sealed sample: a header, then the plaintext cut into fixed-size segments,
// each sealed with AES-256-GCM under a per-file key.
//
//   header (56 bytes): "KKHSPEC1" | segment size (UInt32 BE) | 0 (UInt32) | salt (32) | nonce prefix (8)
//   segment i:         ciphertext (segment size bytes, fewer for the last) | GCM tag (16)
//
// The per-file key is HKDF-SHA256(vault key, salt, "kakehashi specimen vault v1"); the nonce of
// segment i is the nonce prefix followed by i (UInt32 BE); the associated data of segment i is the
// whole header, i (UInt32 BE) and a final-segment flag (1 for the last segment, else 0). So a
// segment moved, dropped, duplicated or cut off, a header edited, or a file truncated at a segment
// boundary all fail authentication. Every file has at least one segment (an empty final one for an
// empty sample).

import Crypto
import Foundation

enum SealedSegments {
    static let magic = Array("KKHSPEC1".utf8)
    static let headerSize = 56
    static let tagSize = 16
    static let defaultSegmentSize = 1 << 20
    static let segmentSizeRange = 1024...(16 << 20)
    static let info = Data("kakehashi specimen vault v1".utf8)

    /// A sealed file's header and the keys derived from it.
    struct Header {
        let bytes: [UInt8]
        let segmentSize: Int
        let fileKey: SymmetricKey
        let noncePrefix: [UInt8]

        /// A fresh header with random salt and nonce prefix.
        init(vaultKey: SymmetricKey, segmentSize: Int) {
            var generator = SystemRandomNumberGenerator()
            let salt = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
            let prefix = (0..<8).map { _ in UInt8.random(in: 0...255, using: &generator) }
            var bytes = SealedSegments.magic
            bytes += bigEndianBytes(UInt32(segmentSize)) + [0, 0, 0, 0] + salt + prefix
            self.init(bytes: bytes, segmentSize: segmentSize, salt: salt, noncePrefix: prefix, vaultKey: vaultKey)
        }

        /// The header read from the start of a sealed file, or nil if it is not one.
        init?(parsing bytes: [UInt8], vaultKey: SymmetricKey) {
            guard bytes.count == SealedSegments.headerSize, Array(bytes[0..<8]) == SealedSegments.magic else { return nil }
            let size = Int(bytes[8]) << 24 | Int(bytes[9]) << 16 | Int(bytes[10]) << 8 | Int(bytes[11])
            guard SealedSegments.segmentSizeRange.contains(size), bytes[12..<16].allSatisfy({ $0 == 0 }) else { return nil }
            self.init(bytes: bytes, segmentSize: size, salt: Array(bytes[16..<48]), noncePrefix: Array(bytes[48..<56]),
                      vaultKey: vaultKey)
        }

        private init(bytes: [UInt8], segmentSize: Int, salt: [UInt8], noncePrefix: [UInt8], vaultKey: SymmetricKey) {
            self.bytes = bytes
            self.segmentSize = segmentSize
            self.noncePrefix = noncePrefix
            self.fileKey = HKDF<SHA256>.deriveKey(inputKeyMaterial: vaultKey, salt: salt, info: SealedSegments.info,
                                                  outputByteCount: 32)
        }

        func nonce(_ index: UInt32) throws -> AES.GCM.Nonce {
            try AES.GCM.Nonce(data: noncePrefix + bigEndianBytes(index))
        }

        func associatedData(_ index: UInt32, final: Bool) -> [UInt8] {
            bytes + bigEndianBytes(index) + [final ? 1 : 0]
        }

        /// Segment `index` sealed: ciphertext followed by the tag.
        func seal(_ plaintext: Data, index: UInt32, final: Bool) throws -> Data {
            let box = try AES.GCM.seal(plaintext, using: fileKey, nonce: nonce(index),
                                       authenticating: associatedData(index, final: final))
            var sealed = box.ciphertext
            sealed.append(box.tag)
            return sealed
        }

        /// Segment `index` opened, or nil when it fails authentication.
        func open(_ sealed: Data, index: UInt32, final: Bool) -> Data? {
            guard sealed.count >= SealedSegments.tagSize else { return nil }
            let split = sealed.index(sealed.endIndex, offsetBy: -SealedSegments.tagSize)
            guard let box = try? AES.GCM.SealedBox(nonce: nonce(index), ciphertext: sealed[..<split], tag: sealed[split...])
            else { return nil }
            return try? AES.GCM.open(box, using: fileKey, authenticating: associatedData(index, final: final))
        }
    }
}

func bigEndianBytes(_ value: UInt32) -> [UInt8] {
    [UInt8(value >> 24), UInt8(truncatingIfNeeded: value >> 16), UInt8(truncatingIfNeeded: value >> 8),
     UInt8(truncatingIfNeeded: value)]
}

/// Reads up to `count` bytes, looping over short reads; an empty result means end of file.
func readFully(_ handle: FileHandle, count: Int) throws -> Data {
    var collected = Data()
    while collected.count < count {
        guard let chunk = try handle.read(upToCount: count - collected.count), !chunk.isEmpty else { break }
        if collected.isEmpty && chunk.count == count { return chunk }
        collected.append(chunk)
    }
    return collected
}
