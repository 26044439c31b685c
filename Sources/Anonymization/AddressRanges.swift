// Anonymization — AddressRanges.swift
// Owns IP addresses and CIDR ranges: parsing IPv4 dotted quads and IPv6 text (with "::" and an
// embedded IPv4 tail), ranges like "192.0.2.0/24" or "2001:db8:a::/48", and membership tests.

/// An IPv4 or IPv6 address as an integer.
enum IPAddress: Hashable, Sendable {
    case v4(UInt32)
    case v6(high: UInt64, low: UInt64)

    /// Parses "192.0.2.1" or an IPv6 address ("2001:db8::1", "::ffff:192.0.2.1"); nil otherwise.
    init?(_ text: Substring) {
        if let v4 = Self.parseIPv4(text) {
            self = .v4(v4)
        } else if let (high, low) = Self.parseIPv6(text) {
            self = .v6(high: high, low: low)
        } else {
            return nil
        }
    }

    init?(_ text: String) { self.init(text[...]) }

    /// The IPv4 address an IPv4-mapped IPv6 address (::ffff:a.b.c.d) stands for.
    var mappedIPv4: UInt32? {
        guard case .v6(let high, let low) = self, high == 0, low >> 32 == 0xFFFF else { return nil }
        return UInt32(truncatingIfNeeded: low)
    }

    static func parseIPv4(_ text: Substring) -> UInt32? {
        var value: UInt32 = 0
        var octets = 0
        for part in text.split(separator: ".", omittingEmptySubsequences: false) {
            guard !part.isEmpty, part.count <= 3, part.unicodeScalars.allSatisfy(\.isASCIIDigit),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
            octets += 1
        }
        return octets == 4 ? value : nil
    }

    static func parseIPv6(_ text: Substring) -> (UInt64, UInt64)? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        var groups: [UInt16] = []
        var gapAt: Int?
        var rest = text[...]
        if rest.hasPrefix("::") {
            gapAt = 0
            rest = rest.dropFirst(2)
        }
        while !rest.isEmpty {
            let end = rest.firstIndex(of: ":") ?? rest.endIndex
            let part = rest[rest.startIndex..<end]
            if part.contains(".") {
                // Embedded IPv4 tail, only as the last part.
                guard end == rest.endIndex, let v4 = parseIPv4(part) else { return nil }
                groups.append(UInt16(v4 >> 16))
                groups.append(UInt16(v4 & 0xFFFF))
                rest = rest[end...]
                break
            }
            guard !part.isEmpty, part.count <= 4, part.unicodeScalars.allSatisfy(\.isHexDigit),
                  let group = UInt16(part, radix: 16) else { return nil }
            groups.append(group)
            rest = rest[end...]
            if rest.hasPrefix("::") {
                guard gapAt == nil else { return nil }
                gapAt = groups.count
                rest = rest.dropFirst(2)
            } else if rest.hasPrefix(":") {
                rest = rest.dropFirst()
                guard !rest.isEmpty else { return nil }
            }
        }
        if let gapAt {
            guard groups.count <= 7 else { return nil }
            groups.insert(contentsOf: Array(repeating: 0, count: 8 - groups.count), at: gapAt)
        }
        guard groups.count == 8 else { return nil }
        var high: UInt64 = 0
        var low: UInt64 = 0
        for group in groups[0..<4] { high = high << 16 | UInt64(group) }
        for group in groups[4..<8] { low = low << 16 | UInt64(group) }
        return (high, low)
    }
}

/// A CIDR range ("192.0.2.0/24", "2001:db8:a::/48") or a single address.
///
/// ```swift
/// let range = AddressRange("192.0.2.0/24")!
/// range.contains(IPAddress("192.0.2.77")!)   // true
/// range.contains(IPAddress("198.51.100.1")!) // false
/// ```
struct AddressRange: Hashable, Sendable {
    let network: IPAddress
    let prefixLength: Int
    /// The range as the profile wrote it.
    let text: String

    init?(_ text: String) {
        let trimmed = text.trimmingSpaces
        let parts = trimmed.split(separator: "/", maxSplits: 1, omittingEmptySubsequences: false)
        guard let address = IPAddress(parts[0]) else { return nil }
        let maximum: Int
        switch address {
        case .v4: maximum = 32
        case .v6: maximum = 128
        }
        var length = maximum
        if parts.count == 2 {
            guard let parsed = Int(parts[1]), parsed >= 0, parsed <= maximum else { return nil }
            length = parsed
        }
        self.network = address
        self.prefixLength = length
        self.text = trimmed
    }

    func contains(_ address: IPAddress) -> Bool {
        switch (network, address) {
        case (.v4(let net), .v4(let candidate)):
            if prefixLength == 0 { return true }
            let mask = UInt32.max << UInt32(32 - prefixLength)
            return net & mask == candidate & mask
        case (.v6(let netHigh, let netLow), .v6(let high, let low)):
            let (maskHigh, maskLow) = Self.mask128(prefixLength)
            return netHigh & maskHigh == high & maskHigh && netLow & maskLow == low & maskLow
        case (.v4, .v6):
            guard let mapped = address.mappedIPv4 else { return false }
            return contains(.v4(mapped))
        case (.v6, .v4):
            return false
        }
    }

    static func mask128(_ length: Int) -> (UInt64, UInt64) {
        if length == 0 { return (0, 0) }
        if length <= 64 { return (UInt64.max << UInt64(64 - length), 0) }
        if length == 128 { return (.max, .max) }
        return (.max, UInt64.max << UInt64(128 - length))
    }
}

extension String {
    var trimmingSpaces: String {
        let scalars = unicodeScalars
        guard let first = scalars.firstIndex(where: { !$0.properties.isWhitespace }),
              let last = scalars.lastIndex(where: { !$0.properties.isWhitespace }) else { return "" }
        return String(scalars[first...last])
    }
}

/// Membership of an address in a range written as text, for callers outside the anonymiser
/// (k-corroboration holds back addresses inside members' registered ranges).
///
/// ```swift
/// AddressRangeText.range("192.0.2.0/24", contains: "192.0.2.7")   // true
/// AddressRangeText.range("192.0.2.0/24", contains: "c2.example")  // false: not an address
/// ```
public enum AddressRangeText {
    public static func range(_ range: String, contains address: String) -> Bool {
        guard let range = AddressRange(range), let address = IPAddress(address) else { return false }
        return range.contains(address)
    }

    /// Whether the text is an IPv4 or IPv6 address.
    public static func isAddress(_ text: String) -> Bool { IPAddress(text) != nil }
}

/// Many address ranges, each with an owner, parsed once: "which owners' ranges contain this
/// address" costs one hash look-up per distinct prefix length held, however many ranges there are.
/// (k-corroboration screens every reported address against every range members hold back; parsing
/// each range text for each address made that quadratic: 91% of a 100,000-object load's CPU.)
///
/// ```swift
/// var table = AddressRangeTable<String>()
/// table.insert("192.0.2.0/24", owner: "org-a")
/// table.owners(of: "192.0.2.7")          // ["org-a"]
/// table.owners(of: "::ffff:192.0.2.7")   // ["org-a"] (an IPv4-mapped address is that IPv4 address)
/// ```
public struct AddressRangeTable<Owner: Hashable & Sendable>: Sendable {
    /// Networks (masked) per prefix length: IPv4 lengths 0–32, IPv6 lengths 0–128.
    var v4: [Int: [UInt32: Set<Owner>]] = [:]
    var v6: [Int: [IPAddress: Set<Owner>]] = [:]

    public init() {}

    public var isEmpty: Bool { v4.isEmpty && v6.isEmpty }

    /// Adds a range (CIDR text or a bare address); returns false, adding nothing, when it does not parse.
    @discardableResult
    public mutating func insert(_ text: String, owner: Owner) -> Bool {
        guard let range = AddressRange(text) else { return false }
        switch range.network {
        case .v4(let network):
            v4[range.prefixLength, default: [:]][Self.masked(network, range.prefixLength), default: []].insert(owner)
        case .v6(let high, let low):
            let (maskHigh, maskLow) = AddressRange.mask128(range.prefixLength)
            v6[range.prefixLength, default: [:]][.v6(high: high & maskHigh, low: low & maskLow), default: []].insert(owner)
        }
        return true
    }

    /// The owners of every range containing `address`; empty when it is not an address.
    public func owners(of address: String) -> Set<Owner> {
        guard let parsed = IPAddress(address) else { return [] }
        var owners: Set<Owner> = []
        switch parsed {
        case .v4(let value):
            for (length, networks) in v4 { owners.formUnion(networks[Self.masked(value, length)] ?? []) }
        case .v6(let high, let low):
            for (length, networks) in v6 {
                let (maskHigh, maskLow) = AddressRange.mask128(length)
                owners.formUnion(networks[.v6(high: high & maskHigh, low: low & maskLow)] ?? [])
            }
            // An IPv4-mapped address is inside the IPv4 ranges that hold its IPv4 address.
            if let mapped = parsed.mappedIPv4 {
                for (length, networks) in v4 { owners.formUnion(networks[Self.masked(mapped, length)] ?? []) }
            }
        }
        return owners
    }

    static func masked(_ value: UInt32, _ length: Int) -> UInt32 {
        length == 0 ? 0 : value & (UInt32.max << UInt32(32 - length))
    }
}
