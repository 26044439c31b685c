// Distribution — ResponsePolicyZone: a DNS RPZ zone (BIND, Unbound, PowerDNS): SOA and NS, each
// domain as `name CNAME .` and `*.name CNAME .` (NXDOMAIN for it and everything below it), each
// address or network as an `rpz-ip` trigger. Names are relative to the zone the resolver loads
// it as. URLs and hashes have no place in DNS and are not written. `Zone` is the writer kept with a
// cached export: new indicators are appended and the SOA serial rewritten in place.
import Foundation

public enum ResponsePolicyZone {
    public static func write(_ set: ExportSet, context: ExportContext) -> ExportFile {
        var zone = Zone(context: context)
        zone.add(set.indicators)
        return zone.file(builtMicroseconds: context.builtMicroseconds)
    }

    /// A zone being written: what was written and which owners it holds.
    ///
    /// ```swift
    /// var zone = ResponsePolicyZone.Zone(context: context)
    /// zone.add(set.indicators)
    /// let file = zone.file(builtMicroseconds: now)
    /// ```
    public struct Zone: Sendable {
        var buffer: ExportBuffer
        /// The domains written (each as `name` and `*.name`) and the `rpz-ip` owners written; an
        /// owner is written once whichever wrote it first (a domain's `*.name` never is an IP owner).
        var domains: Set<String> = []
        var addresses: Set<String> = []
        let name: String, feedToken: String

        public init(context: ExportContext) {
            feedToken = context.feedToken
            name = "kakehashi-\(context.feedToken).rpz"
            // Room for the header's fixed text, the feed's name and a serial of any length.
            buffer = ExportBuffer(comment: ";", headerLength: 320 + 2 * feedToken.utf8.count)
        }

        public mutating func add(_ indicators: [SelectedIndicator]) {
            for selected in indicators {
                for value in selected.values {
                    switch value.type {
                    case .domain:
                        guard domains.insert(value.value).inserted else { continue }
                        if !addresses.contains(value.value) { buffer.append(value.value); buffer.append(" CNAME .\n") }
                        buffer.append("*."); buffer.append(value.value); buffer.append(" CNAME .\n")
                    case .ipv4 where !value.value.contains("/"):
                        // The common case written without intermediate strings: `32.d.c.b.a.rpz-ip`.
                        guard let v4 = ValueRules.ipv4Bytes(value.value) else { continue }
                        var owner = "32"
                        owner.reserveCapacity(28)
                        for byte in v4.reversed() { owner.append("."); owner.append(String(byte)) }
                        owner.append(".rpz-ip")
                        if !domains.contains(owner), addresses.insert(owner).inserted { buffer.append(owner); buffer.append(" CNAME .\n") }
                    case .ipv4, .ipv6, .cidr:
                        if let owner = ipTrigger(value), !domains.contains(owner), addresses.insert(owner).inserted {
                            buffer.append(owner); buffer.append(" CNAME .\n")
                        }
                    default: continue
                    }
                }
            }
        }

        /// The zone file, its serial the build second (it only grows, so secondaries transfer every change).
        public mutating func file(builtMicroseconds: Int64) -> ExportFile {
            let serial = UInt32(clamping: builtMicroseconds / 1_000_000)
            _ = buffer.setHeader("""
                ; Kakehashi feed \(feedToken): response policy zone
                $TTL 300
                @ IN SOA localhost. hostmaster.localhost. \(serial) 3600 600 604800 300
                @ IN NS localhost.

                """)
            return ExportFile(name: name, bytes: buffer.bytes)
        }
    }

    /// `198.51.100.7` → `32.7.100.51.198.rpz-ip`; `2001:db8::1/128` → `128.1.zz.db8.2001.rpz-ip`.
    static func ipTrigger(_ value: ExportValue) -> String? {
        let parts = value.value.split(separator: "/").map(String.init)
        let address = parts[0]
        if let v4 = ValueRules.ipv4Bytes(address) {
            let prefix = parts.count == 2 ? parts[1] : "32"
            return ([prefix] + v4.reversed().map(String.init)).joined(separator: ".") + ".rpz-ip"
        }
        guard let v6 = ValueRules.ipv6Bytes(address) else { return nil }
        let prefix = parts.count == 2 ? parts[1] : "128"
        let words = ValueRules.groups(v6)
        let (start, length) = ValueRules.longestZeroRun(words)
        var labels: [String] = []
        var index = 0
        while index < 8 {
            if length >= 2 && index == start { labels.append("zz"); index += length; continue }
            labels.append(String(words[index], radix: 16)); index += 1
        }
        return ([prefix] + labels.reversed()).joined(separator: ".") + ".rpz-ip"
    }
}
