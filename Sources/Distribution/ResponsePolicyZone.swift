// Distribution — ResponsePolicyZone: a DNS RPZ zone (BIND, Unbound, PowerDNS): SOA and NS, each
// domain as `name CNAME .` and `*.name CNAME .` (NXDOMAIN for it and everything below it), each
// address or network as an `rpz-ip` trigger. Names are relative to the zone the resolver loads
// it as. URLs and hashes have no place in DNS and are not written.
import Foundation

public enum ResponsePolicyZone {
    public static func write(_ set: ExportSet, context: ExportContext) -> ExportFile {
        // The serial is the build second: it only grows, so secondaries transfer every change.
        let serial = UInt32(clamping: context.builtMicroseconds / 1_000_000)
        var out = """
        ; Kakehashi feed \(context.feedToken): response policy zone
        $TTL 300
        @ IN SOA localhost. hostmaster.localhost. \(serial) 3600 600 604800 300
        @ IN NS localhost.

        """
        var seen: Set<String> = []
        for selected in set.indicators {
            for value in selected.values {
                let owners: [String]
                switch value.type {
                case .domain: owners = [value.value, "*." + value.value]
                case .ipv4, .ipv6, .cidr: owners = ipTrigger(value).map { [$0] } ?? []
                default: owners = []
                }
                for owner in owners where seen.insert(owner).inserted { out += "\(owner) CNAME .\n" }
            }
        }
        return ExportFile(name: "kakehashi-\(context.feedToken).rpz", text: out)
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
