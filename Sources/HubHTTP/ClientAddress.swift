// HubHTTP client address: the key under which the sign-in throttle counts a client's failures. The
// peer address of the connection (a Forwarded header is the client's to write, so it is not read):
// an IPv4 address as it is, an IPv6 address by its /64 (one host commonly holds a whole /64), an
// IPv4-mapped IPv6 address as the IPv4 address.
import NIOCore

public enum ClientAddress {
    /// The throttle key of `address`, or nil when there is none (a Unix socket, a test channel).
    ///
    /// ```swift
    /// ClientAddress.throttleKey(try SocketAddress(ipAddress: "192.0.2.7", port: 1))        // "192.0.2.7"
    /// ClientAddress.throttleKey(try SocketAddress(ipAddress: "2001:db8:1:2::7", port: 1))  // "2001:db8:1:2::/64"
    /// ```
    public static func throttleKey(_ address: SocketAddress?) -> String? {
        switch address {
        case .v4?:
            return address?.ipAddress
        case .v6(let v6)?:
            let bytes = withUnsafeBytes(of: v6.address.sin6_addr) { Array($0) }
            guard bytes.count == 16 else { return address?.ipAddress }
            if bytes[0..<10].allSatisfy({ $0 == 0 }), bytes[10] == 0xff, bytes[11] == 0xff {
                return bytes[12..<16].map(String.init).joined(separator: ".")
            }
            let groups = stride(from: 0, to: 8, by: 2).map { String(UInt16(bytes[$0]) << 8 | UInt16(bytes[$0 + 1]), radix: 16) }
            return groups.joined(separator: ":") + "::/64"
        default:
            return nil
        }
    }
}
