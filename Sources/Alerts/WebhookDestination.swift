// Alerts webhook destinations: a member names the URL the hub POSTs to, so a webhook could aim the
// hub at its own machine or network (loopback services, the cloud metadata address, private ranges).
// Such addresses are refused unless the operator allows them (`webhook.allow_internal_addresses` in
// alerts.json): when subscribing for literal addresses and `localhost`, and before every POST for
// whatever the host name resolves to. (A name that resolves differently between the check and the
// connection is not caught; an egress proxy is the operator's stronger control.)
import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// Whether a webhook host may be reached.
///
/// ```swift
/// WebhookDestination.isInternal("169.254.169.254")   // true (link-local: cloud metadata)
/// WebhookDestination.isInternal("203.0.113.10")      // false
/// try WebhookDestination.check(host: "hooks.example.jp", allowInternal: false)
/// ```
public enum WebhookDestination {
    /// Loopback, unspecified, private (RFC 1918, RFC 6598 shared), link-local, and IPv6 unique-local
    /// and link-local addresses, IPv4-mapped ones included. Text that is not an address: false.
    public static func isInternal(_ address: String) -> Bool {
        var v4 = in_addr()
        if inet_pton(AF_INET, address, &v4) == 1 { return internalIPv4(UInt32(bigEndian: v4.s_addr)) }
        var v6 = in6_addr()
        let text = address.hasPrefix("[") && address.hasSuffix("]") ? String(address.dropFirst().dropLast()) : address
        guard inet_pton(AF_INET6, text, &v6) == 1 else { return false }
        let bytes = withUnsafeBytes(of: v6) { Array($0) }
        if bytes.allSatisfy({ $0 == 0 }) { return true }                                   // ::
        if bytes[0..<15].allSatisfy({ $0 == 0 }) && bytes[15] == 1 { return true }          // ::1
        if bytes[0] & 0xFE == 0xFC { return true }                                          // fc00::/7
        if bytes[0] == 0xFE && bytes[1] & 0xC0 == 0x80 { return true }                      // fe80::/10
        if bytes[0..<10].allSatisfy({ $0 == 0 }) && bytes[10] == 0xFF && bytes[11] == 0xFF { // ::ffff:a.b.c.d
            return internalIPv4(UInt32(bytes[12]) << 24 | UInt32(bytes[13]) << 16 | UInt32(bytes[14]) << 8 | UInt32(bytes[15]))
        }
        return false
    }

    static func internalIPv4(_ value: UInt32) -> Bool {
        func inside(_ network: UInt32, _ length: UInt32) -> Bool { value >> (32 - length) == network >> (32 - length) }
        return inside(0x0000_0000, 8) || inside(0x7F00_0000, 8) || inside(0x0A00_0000, 8) || inside(0xAC10_0000, 12)
            || inside(0xC0A8_0000, 16) || inside(0xA9FE_0000, 16) || inside(0x6440_0000, 10)
    }

    /// Whether `host` names this machine or an internal address without resolving it.
    public static func namesInternal(_ host: String) -> Bool {
        let lowered = host.lowercased()
        return lowered == "localhost" || lowered.hasSuffix(".localhost") || isInternal(lowered)
    }

    /// The addresses `host` resolves to now (numeric text).
    static func resolved(_ host: String) -> [String] {
        var hints = addrinfo()
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        var result: UnsafeMutablePointer<addrinfo>?
        guard getaddrinfo(host, nil, &hints, &result) == 0, let first = result else { return [] }
        defer { freeaddrinfo(first) }
        var addresses: [String] = []
        var cursor: UnsafeMutablePointer<addrinfo>? = first
        while let entry = cursor {
            var buffer = [CChar](repeating: 0, count: Int(NI_MAXHOST))
            if getnameinfo(entry.pointee.ai_addr, entry.pointee.ai_addrlen, &buffer, socklen_t(buffer.count), nil, 0,
                           NI_NUMERICHOST) == 0 {
                addresses.append(String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self))
            }
            cursor = entry.pointee.ai_next
        }
        return addresses
    }

    /// Throws unless `host` (and every address it resolves to) may be reached.
    public static func check(host: String, allowInternal: Bool) throws {
        guard !allowInternal else { return }
        if namesInternal(host) || resolved(host).contains(where: isInternal) {
            throw WebhookError("the webhook's host is an internal address (loopback, private or link-local); "
                               + "the operator allows that with webhook.allow_internal_addresses in alerts.json")
        }
    }
}
