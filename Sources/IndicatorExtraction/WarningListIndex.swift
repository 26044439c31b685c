// IndicatorExtraction — WarningListIndex: whether any warning list in force matches an indicator,
// answered from the lists merged per indicator kind: one set look-up per candidate value instead
// of one per list (an export checks every value of a feed: 10⁶ values against 16 lists).
// Answers exactly what `WarningLists.match(_:) != nil` answers.

import Foundation

/// The warning lists merged per indicator kind, for yes/no checks.
///
/// ```swift
/// let index = WarningListIndex(.bundled)
/// index.contains(Indicator(kind: .ipv4, value: "10.1.2.3", original: "10.1.2.3", line: 0))   // true (RFC 1918)
/// ```
public struct WarningListIndex: Sendable {
    /// What the lists that apply to one kind hold, by MISP match type.
    struct Merged: Sendable {
        var strings: Set<String> = []
        var hostnames: Set<String> = []
        var hasCIDR = false
        var cidrStrings: Set<String> = []
        var addresses: Set<IPAddress> = []
        var blocks: [CIDRBlock] = []
        var substrings: [String] = []
    }
    let byKind: [IndicatorKind: Merged]

    public init(_ lists: WarningLists) {
        var byKind: [IndicatorKind: Merged] = [:]
        for list in lists.lists {
            for kind in list.kinds {
                var merged = byKind[kind] ?? Merged()
                switch list.type {
                case .string: merged.strings.formUnion(list.strings)
                case .hostname: merged.hostnames.formUnion(list.strings)
                case .cidr:
                    merged.hasCIDR = true
                    merged.cidrStrings.formUnion(list.strings)
                    merged.addresses.formUnion(list.addresses)
                    merged.blocks += list.blocks
                case .substring: merged.substrings += list.substrings
                case .regex: break
                }
                byKind[kind] = merged
            }
        }
        self.byKind = byKind
    }

    /// Whether a list matches `indicator` (as `WarningLists.match`: URLs by their host too, a URL
    /// on a special-purpose address as that address).
    public func contains(_ indicator: Indicator) -> Bool {
        let candidates = WarningList.candidates(indicator)
        if let merged = byKind[indicator.kind], candidates.contains(where: { merged.matches($0) }) { return true }
        if indicator.kind == .url, candidates.count == 2, let address = IPAddress(candidates[1]),
           SpecialPurposeAddresses.contains(address) {
            let kind: IndicatorKind
            switch address { case .v4: kind = .ipv4; case .v6: kind = .ipv6 }
            return contains(Indicator(kind: kind, value: address.text, original: indicator.original, line: indicator.line))
        }
        return false
    }
}

extension WarningListIndex.Merged {
    /// `WarningList.matchesValue` over every merged list.
    func matches(_ value: String) -> Bool {
        if strings.contains(value) { return true }
        if !hostnames.isEmpty {
            if hostnames.contains(value) { return true }
            let utf8 = value.utf8
            if !utf8.contains(UInt8(ascii: "/")) {
                var i = utf8.startIndex
                while i < utf8.endIndex {
                    if utf8[i] == UInt8(ascii: "."), hostnames.contains(String(value[utf8.index(after: i)...])) { return true }
                    i = utf8.index(after: i)
                }
            }
        }
        if hasCIDR {
            if let address = IPAddress(value) {
                if addresses.contains(address) || blocks.contains(where: { $0.contains(address) }) { return true }
            } else if cidrStrings.contains(value) {
                return true
            }
        }
        return substrings.contains { value.contains($0) }
    }
}
