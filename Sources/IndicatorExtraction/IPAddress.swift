// IndicatorExtraction — IPAddress.swift
// Strict IPv4 and IPv6 parsing, RFC 5952 formatting and CIDR blocks for warning-list matching.

/// An IPv4 or IPv6 address as numbers.
enum IPAddress: Hashable, Sendable {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    /// Parses a whole string as an address (IPv4 dotted quad with octets 0…255, or IPv6 in any RFC 4291 text form).
    init?(_ text: some StringProtocol) {
        if let v4 = IPAddress.parseV4(Array(text.utf8)) { self = .v4(v4) }
        else if let v6 = IPAddress.parseV6(Array(text.utf8)) { self = .v6(high: v6.0, low: v6.1) }
        else { return nil }
    }

    static func parseV4(_ b: [UInt8]) -> UInt32? { parseV4(b[...]) }

    static func parseV4(_ b: ArraySlice<UInt8>) -> UInt32? {
        var value: UInt32 = 0, octet: UInt32 = 0, digits = 0, dots = 0
        for c in b {
            if c >= 0x30 && c <= 0x39 {
                octet = octet * 10 + UInt32(c - 0x30)
                digits += 1
                if digits > 3 || octet > 255 { return nil }
            } else if c == UInt8(ascii: ".") {
                if digits == 0 || dots == 3 { return nil }
                value = value << 8 | octet
                octet = 0; digits = 0; dots += 1
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return value << 8 | octet
    }

    static func parseV6(_ b: [UInt8]) -> (UInt64, UInt64)? {
        guard b.count >= 2, b.count <= 45, b.contains(UInt8(ascii: ":")) else { return nil }
        var groups: [UInt16] = []
        var gap: Int? = nil
        var i = 0
        if b[0] == UInt8(ascii: ":") {
            guard b[1] == UInt8(ascii: ":") else { return nil }
            gap = 0; i = 2
            if i == b.count { return (0, 0) }
        }
        while i < b.count {
            var j = i
            var value: UInt32 = 0
            while j < b.count, let h = hexValue(b[j]) {
                value = value << 4 | UInt32(h); j += 1
                if j - i > 4 { break }
            }
            let length = j - i
            if j < b.count, b[j] == UInt8(ascii: ".") {
                // Embedded IPv4 in the last 32 bits.
                guard let v4 = parseV4(b[i...]), groups.count <= 6 else { return nil }
                groups.append(UInt16(v4 >> 16)); groups.append(UInt16(v4 & 0xFFFF))
                i = b.count
                break
            }
            guard length >= 1, length <= 4 else { return nil }
            groups.append(UInt16(value))
            i = j
            if i == b.count { break }
            guard b[i] == UInt8(ascii: ":") else { return nil }
            i += 1
            if i < b.count, b[i] == UInt8(ascii: ":") {
                guard gap == nil else { return nil }
                gap = groups.count; i += 1
                if i == b.count { break }
            } else if i == b.count {
                return nil
            }
        }
        if let gap {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: [UInt16](repeating: 0, count: 8 - groups.count), at: gap)
        } else if groups.count != 8 {
            return nil
        }
        var high: UInt64 = 0, low: UInt64 = 0
        for k in 0..<4 { high = high << 16 | UInt64(groups[k]) }
        for k in 4..<8 { low = low << 16 | UInt64(groups[k]) }
        return (high, low)
    }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x61...0x66: c - 0x57
        case 0x41...0x46: c - 0x37
        default: nil
        }
    }

    /// Dotted quad, or RFC 5952 (lowercase, longest zero run compressed).
    var text: String {
        switch self {
        case .v4(let v):
            return "\(v >> 24).\(v >> 16 & 0xFF).\(v >> 8 & 0xFF).\(v & 0xFF)"
        case .v6(let high, let low):
            var groups: [UInt16] = []
            for k in (0..<4).reversed() { groups.append(UInt16(truncatingIfNeeded: high >> (UInt64(k) * 16))) }
            for k in (0..<4).reversed() { groups.append(UInt16(truncatingIfNeeded: low >> (UInt64(k) * 16))) }
            var bestStart = -1, bestLength = 0, k = 0
            while k < 8 {
                if groups[k] == 0 {
                    var e = k
                    while e < 8, groups[e] == 0 { e += 1 }
                    if e - k > bestLength { bestStart = k; bestLength = e - k }
                    k = e
                } else { k += 1 }
            }
            if bestLength < 2 { bestStart = -1 }
            if bestStart < 0 { return groups.map { String($0, radix: 16) }.joined(separator: ":") }
            let head = groups[..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
            let tail = groups[(bestStart + bestLength)...].map { String($0, radix: 16) }.joined(separator: ":")
            return head + "::" + tail
        }
    }
}

/// A CIDR block (`10.0.0.0/8`, `fe80::/10`); a bare address is a /32 or /128.
struct CIDRBlock: Hashable, Sendable {
    let network: IPAddress
    let prefixLength: Int

    init?(_ text: String) {
        let parts = text.split(separator: "/", omittingEmptySubsequences: false)
        guard parts.count <= 2, let address = IPAddress(parts[0]) else { return nil }
        let maximum: Int
        switch address { case .v4: maximum = 32; case .v6: maximum = 128 }
        if parts.count == 2 {
            guard let length = Int(parts[1]), length >= 0, length <= maximum else { return nil }
            prefixLength = length
        } else {
            prefixLength = maximum
        }
        network = address
    }

    func contains(_ address: IPAddress) -> Bool {
        switch (network, address) {
        case (.v4(let n), .v4(let a)):
            if prefixLength == 0 { return true }
            let mask = UInt32.max << UInt32(32 - prefixLength)
            return n & mask == a & mask
        case (.v6(let nh, let nl), .v6(let ah, let al)):
            if prefixLength <= 64 {
                if prefixLength == 0 { return true }
                let mask = UInt64.max << UInt64(64 - prefixLength)
                return nh & mask == ah & mask
            }
            let mask = prefixLength == 128 ? UInt64.max : UInt64.max << UInt64(128 - prefixLength)
            return nh == ah && nl & mask == al & mask
        default:
            return false
        }
    }
}
