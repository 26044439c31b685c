// DemoCorpus — SCOIdentifier.swift
// Owns the deterministic identifiers of STIX cyber-observable objects (STIX 2.1 §2.9): a UUIDv5 in
// the STIX namespace 00abedb4-aa42-466c-9c01-fed23315a9b7 over the canonical JSON of the
// ID-contributing properties, so the same IP, domain, URL, address or file always gets the same id.
// Includes the small SHA-1 needed for that (Foundation has none on Linux).

enum SCOIdentifier {
    /// Namespace UUID bytes from STIX 2.1 §2.9.
    private static let namespace: [UInt8] = [
        0x00, 0xAB, 0xED, 0xB4, 0xAA, 0x42, 0x46, 0x6C,
        0x9C, 0x01, 0xFE, 0xD2, 0x33, 0x15, 0xA9, 0xB7,
    ]

    /// Id for an SCO whose only contributing property is `value` (ipv4-addr, domain-name, url, email-addr).
    static func forValue(type: String, value: String) -> String {
        id(type: type, canonicalJSON: "{\"value\":" + JSONText.quoted(value) + "}")
    }

    /// Id for a `file` SCO with hashes and a name. Like the stix2 reference library, one hash is
    /// chosen (MD5, then SHA-1, then SHA-256); keys are in canonical (sorted) order.
    static func forFile(md5: String?, sha1: String?, sha256: String?, name: String?) -> String {
        var parts: [String] = []
        if let md5 {
            parts.append("\"hashes\":{\"MD5\":\"\(md5)\"}")
        } else if let sha1 {
            parts.append("\"hashes\":{\"SHA-1\":\"\(sha1)\"}")
        } else if let sha256 {
            parts.append("\"hashes\":{\"SHA-256\":\"\(sha256)\"}")
        }
        if let name { parts.append("\"name\":" + JSONText.quoted(name)) }
        return id(type: "file", canonicalJSON: "{" + parts.joined(separator: ",") + "}")
    }

    static func id(type: String, canonicalJSON: String) -> String {
        var digest = SHA1.hash(namespace + Array(canonicalJSON.utf8))
        digest[6] = (digest[6] & 0x0F) | 0x50
        digest[8] = (digest[8] & 0x3F) | 0x80
        var hi: UInt64 = 0, lo: UInt64 = 0
        for i in 0..<8 { hi = hi << 8 | UInt64(digest[i]) }
        for i in 8..<16 { lo = lo << 8 | UInt64(digest[i]) }
        var out = Array((type + "--").utf8)
        UUIDText.append(hi: hi, lo: lo, to: &out)
        return String(decoding: out, as: UTF8.self)
    }
}

/// Minimal SHA-1 (FIPS 180-4), used only for UUIDv5 derivation.
enum SHA1 {
    static func hash(_ message: [UInt8]) -> [UInt8] {
        var h0: UInt32 = 0x6745_2301, h1: UInt32 = 0xEFCD_AB89, h2: UInt32 = 0x98BA_DCFE
        var h3: UInt32 = 0x1032_5476, h4: UInt32 = 0xC3D2_E1F0
        var data = message
        let bitLength = UInt64(message.count) * 8
        data.append(0x80)
        while data.count % 64 != 56 { data.append(0) }
        for i in (0..<8).reversed() { data.append(UInt8(truncatingIfNeeded: bitLength >> (UInt64(i) * 8))) }

        var w = [UInt32](repeating: 0, count: 80)
        var chunk = 0
        while chunk < data.count {
            for i in 0..<16 {
                let j = chunk + i * 4
                w[i] = UInt32(data[j]) << 24 | UInt32(data[j + 1]) << 16 | UInt32(data[j + 2]) << 8 | UInt32(data[j + 3])
            }
            for i in 16..<80 {
                let x = w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16]
                w[i] = (x << 1) | (x >> 31)
            }
            var a = h0, b = h1, c = h2, d = h3, e = h4
            for i in 0..<80 {
                let f: UInt32, k: UInt32
                switch i {
                case 0..<20: f = (b & c) | (~b & d); k = 0x5A82_7999
                case 20..<40: f = b ^ c ^ d; k = 0x6ED9_EBA1
                case 40..<60: f = (b & c) | (b & d) | (c & d); k = 0x8F1B_BCDC
                default: f = b ^ c ^ d; k = 0xCA62_C1D6
                }
                let temp = ((a << 5) | (a >> 27)) &+ f &+ e &+ k &+ w[i]
                e = d; d = c; c = (b << 30) | (b >> 2); b = a; a = temp
            }
            h0 = h0 &+ a; h1 = h1 &+ b; h2 = h2 &+ c; h3 = h3 &+ d; h4 = h4 &+ e
            chunk += 64
        }
        var out = [UInt8]()
        out.reserveCapacity(20)
        for h in [h0, h1, h2, h3, h4] {
            out.append(UInt8(truncatingIfNeeded: h >> 24)); out.append(UInt8(truncatingIfNeeded: h >> 16))
            out.append(UInt8(truncatingIfNeeded: h >> 8)); out.append(UInt8(truncatingIfNeeded: h))
        }
        return out
    }
}
