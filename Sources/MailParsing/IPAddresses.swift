// MailParsing — IPAddresses.swift
// IPv4 / IPv6 literals as they appear in Received headers, and whether an address is internal
// (RFC 1918, loopback, link-local, CGNAT, ULA, unspecified) or public.

/// An IP address seen in a header, with its scope.
public struct MailIPAddress: Sendable, Hashable, CustomStringConvertible {
    /// Canonical text: dotted quad for IPv4, lower-case RFC 5952 form for IPv6.
    public let text: String
    public let isIPv6: Bool
    /// True for RFC 1918, loopback, link-local, CGNAT (100.64/10), ULA (fc00::/7), unspecified,
    /// multicast and broadcast addresses; documentation ranges count as public.
    public let isPrivate: Bool

    public var isPublic: Bool { !isPrivate }
    public var description: String { text }

    /// Parses "192.0.2.1", "2001:db8::1", "IPv6:2001:db8::1", "[192.0.2.1]", "::ffff:10.0.0.1".
    ///
    /// ```swift
    /// MailIPAddress("10.1.2.3")?.isPrivate   // true
    /// MailIPAddress("203.0.113.9")?.isPublic // true
    /// ```
    public init?(_ string: some StringProtocol) {
        var value = Substring(string)
        if value.hasPrefix("[") { value = value.dropFirst() }
        if value.hasSuffix("]") { value = value.dropLast() }
        if value.lowercased().hasPrefix("ipv6:") { value = value.dropFirst(5) }
        if let zone = value.firstIndex(of: "%") { value = value[..<zone] }
        if let v4 = Self.parseIPv4(value) {
            self.text = v4.map(String.init).joined(separator: ".")
            self.isIPv6 = false
            self.isPrivate = Self.isPrivateIPv4(v4)
            return
        }
        guard let groups = Self.parseIPv6(value) else { return nil }
        self.isIPv6 = true
        self.text = Self.format(groups)
        self.isPrivate = Self.isPrivateIPv6(groups)
    }

    static func parseIPv4(_ value: Substring) -> [UInt8]? {
        let parts = value.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var result: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let number = Int(part), number <= 255 else { return nil }
            result.append(UInt8(number))
        }
        return result
    }

    static func parseIPv6(_ value: Substring) -> [UInt16]? {
        guard value.contains(":"), value.count <= 45 else { return nil }
        var head: [UInt16] = []
        var tail: [UInt16] = []
        var seenDoubleColon = false
        let pieces = value.components(separatedBy: "::")
        guard pieces.count <= 2 else { return nil }
        func groups(_ text: String, allowV4: Bool) -> [UInt16]? {
            if text.isEmpty { return [] }
            var result: [UInt16] = []
            let parts = text.split(separator: ":", omittingEmptySubsequences: false)
            for (index, part) in parts.enumerated() {
                if index == parts.count - 1, allowV4, part.contains("."), let v4 = parseIPv4(part) {
                    result.append(UInt16(v4[0]) << 8 | UInt16(v4[1]))
                    result.append(UInt16(v4[2]) << 8 | UInt16(v4[3]))
                    continue
                }
                guard !part.isEmpty, part.count <= 4, let number = UInt16(part, radix: 16) else { return nil }
                result.append(number)
            }
            return result
        }
        if pieces.count == 2 {
            seenDoubleColon = true
            guard let first = groups(pieces[0], allowV4: false), let second = groups(pieces[1], allowV4: true) else { return nil }
            head = first
            tail = second
        } else {
            guard let all = groups(pieces[0], allowV4: true) else { return nil }
            head = all
        }
        let total = head.count + tail.count
        if seenDoubleColon {
            guard total <= 7 else { return nil }
            return head + Array(repeating: 0, count: 8 - total) + tail
        }
        return total == 8 ? head : nil
    }

    static func format(_ groups: [UInt16]) -> String {
        // Longest run of zero groups (length ≥ 2) becomes "::".
        var bestStart = -1, bestLength = 0, runStart = -1
        for index in 0...groups.count {
            if index < groups.count, groups[index] == 0 {
                if runStart < 0 { runStart = index }
            } else if runStart >= 0 {
                if index - runStart > bestLength { bestStart = runStart; bestLength = index - runStart }
                runStart = -1
            }
        }
        if bestLength < 2 { return groups.map { String($0, radix: 16) }.joined(separator: ":") }
        let head = groups[..<bestStart].map { String($0, radix: 16) }.joined(separator: ":")
        let tail = groups[(bestStart + bestLength)...].map { String($0, radix: 16) }.joined(separator: ":")
        return head + "::" + tail
    }

    static func isPrivateIPv4(_ v4: [UInt8]) -> Bool {
        let a = v4[0], b = v4[1]
        switch a {
        case 0, 10, 127: return true
        case 100: return b >= 64 && b <= 127          // CGNAT 100.64.0.0/10
        case 169: return b == 254                     // link-local
        case 172: return b >= 16 && b <= 31
        case 192: return b == 168 || (b == 0 && v4[2] == 0) // 192.168/16, IETF 192.0.0/24
        case 198: return b == 18 || b == 19           // benchmarking 198.18/15
        case 224...255: return true                   // multicast, reserved, broadcast
        default: return false
        }
    }

    static func isPrivateIPv6(_ groups: [UInt16]) -> Bool {
        if groups.allSatisfy({ $0 == 0 }) { return true }                          // ::
        if groups[0..<7].allSatisfy({ $0 == 0 }) && groups[7] == 1 { return true }  // ::1
        if groups[0..<5].allSatisfy({ $0 == 0 }) && groups[5] == 0xFFFF {          // ::ffff:a.b.c.d
            return isPrivateIPv4([UInt8(groups[6] >> 8), UInt8(groups[6] & 0xFF), UInt8(groups[7] >> 8), UInt8(groups[7] & 0xFF)])
        }
        let first = groups[0]
        if first & 0xFE00 == 0xFC00 { return true }  // ULA fc00::/7
        if first & 0xFFC0 == 0xFE80 { return true }  // link-local fe80::/10
        if first & 0xFFC0 == 0xFEC0 { return true }  // site-local (deprecated)
        if first & 0xFF00 == 0xFF00 { return true }  // multicast
        return false
    }
}
