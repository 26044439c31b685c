// The Suricata and RPZ writers write bytes directly (no String per line): their output must stay
// byte for byte what the earlier String-interpolation writers wrote. The earlier line text is kept
// here as the reference and compared on a corpus of every value type, awkward characters included.
import Distribution
import Foundation
import Testing

@Suite("Distribution: writers' bytes")
struct WriterBytesTests {
    static let values: [ExportValue] = [
        ExportValue(type: .ipv4, value: "198.51.100.7"), ExportValue(type: .ipv4, value: "0.0.0.1"),
        ExportValue(type: .cidr, value: "203.0.113.0/24"), ExportValue(type: .ipv6, value: "2001:db8::1"),
        ExportValue(type: .cidr, value: "2001:db8::/32"), ExportValue(type: .ipv6, value: "fe80:0:0:1:0:0:0:2"),
        ExportValue(type: .domain, value: "evil.example"), ExportValue(type: .domain, value: "c2_x-1.bad.example"),
        ExportValue(type: .domain, value: "32.7.100.51.198.rpz-ip"),   // a host name that is also an rpz-ip owner
        ExportValue(type: .url, value: "http://bad.example/a\"b;c|d\\e"), ExportValue(type: .url, value: "https://bad.example:8443"),
        ExportValue(type: .url, value: "http://x.example/é?q=\u{1F600}#frag"), ExportValue(type: .url, value: "http://198.51.100.9/g.php?a=1"),
        ExportValue(type: .url, value: "http://long.example/" + String(repeating: "p", count: 120)),
        ExportValue(type: .url, value: "http://crlf.example/a\r\nb"),
        ExportValue(type: .md5, value: String(repeating: "a", count: 32)), ExportValue(type: .sha1, value: String(repeating: "b", count: 40)),
        ExportValue(type: .sha256, value: String(repeating: "c", count: 64)),
    ]

    static func corpus() -> [SelectedIndicator] {
        var selected: [SelectedIndicator] = []
        for (index, value) in values.enumerated() {
            let indicator = ExportIndicator(stixID: "indicator--\(index)", name: "n\(index)",
                                            modifiedMicroseconds: 1_790_000_000_000_000 + Int64(index) * 1_000_000,
                                            createdMicroseconds: 0, values: [value])
            selected.append(SelectedIndicator(indicator: indicator, values: [value]))
        }
        // An indicator with several values, one repeated from another indicator.
        let many = [values[0], values[6], values[9], ExportValue(type: .domain, value: "evil.example")]
        let indicator = ExportIndicator(stixID: "indicator--many", name: "many", modifiedMicroseconds: 5, createdMicroseconds: 0, values: many)
        selected.append(SelectedIndicator(indicator: indicator, values: many))
        // The rpz-ip owner of 198.51.100.7 written again as an address: written once.
        selected.append(SelectedIndicator(indicator: ExportIndicator(stixID: "indicator--again", name: "a", modifiedMicroseconds: 9,
                                                                     createdMicroseconds: 0, values: [values[0]]), values: [values[0]]))
        return selected
    }

    @Test("Suricata rules: the same bytes as the String writer's lines, in the same order, with the same sids")
    func suricata() throws {
        for feedName in ["C2", "C2 feed"] {
            let context = ExportContext(feedName: feedName, builtMicroseconds: 1_800_000_000_000_000)
            let file = SuricataRules.write(ExportSet(indicators: Self.corpus()), context: context)[0]
            let body = Array(ReferenceSuricata.body(Self.corpus(), feed: feedName == "C2" ? "C2" : "C2_feed").utf8)
            #expect(file.bytes.count > body.count)
            #expect(Array(file.bytes.suffix(body.count)) == body)
        }
    }

    @Test("the benchmark's corpus shape (IPv4, domains, URLs, SHA-256): the same bytes from both writers")
    func benchmarkShape() throws {
        let selected = (0..<5_000).map { index -> SelectedIndicator in
            let a = index % 250 + 1, b = (index / 250) % 250
            let value: ExportValue
            switch index % 10 {
            case 0..<4: value = ExportValue(type: .ipv4, value: "10.0.\(b).\(a)")
            case 4..<8: value = ExportValue(type: .domain, value: "c2-\(index).bench-example.net")
            case 8: value = ExportValue(type: .url, value: "http://u\(index).bench-example.net/gate.php?id=\(index)")
            default: value = ExportValue(type: .sha256, value: String(repeating: String(format: "%08x", index), count: 8))
            }
            let indicator = ExportIndicator(stixID: String(format: "indicator--00000000-0000-4000-8000-%012d", index), name: "C2 \(index)",
                                            modifiedMicroseconds: 1_790_000_000_000_000 + Int64(index), createdMicroseconds: 0, values: [value])
            return SelectedIndicator(indicator: indicator, values: [value])
        }
        let rules = SuricataRules.write(ExportSet(indicators: selected), context: context)[0].bytes
        let body = Array(ReferenceSuricata.body(selected, feed: "C2").utf8)
        #expect(Array(rules.suffix(body.count)) == body)
        let zone = ResponsePolicyZone.write(ExportSet(indicators: selected), context: context).bytes
        let zoneBody = Array(ReferenceRPZ.body(selected).utf8)
        #expect(Array(zone.suffix(zoneBody.count)) == zoneBody)
    }

    @Test("RPZ zone: the same bytes as the String writer's lines, each owner once")
    func rpz() throws {
        let file = ResponsePolicyZone.write(ExportSet(indicators: Self.corpus()), context: context)
        let body = Array(ReferenceRPZ.body(Self.corpus()).utf8)
        #expect(Array(file.bytes.suffix(body.count)) == body)
        let text = String(decoding: file.bytes, as: UTF8.self)
        #expect(text.components(separatedBy: "\n32.7.100.51.198.rpz-ip CNAME .\n").count == 2)
        #expect(text.contains("\n*.32.7.100.51.198.rpz-ip CNAME .\n"))
    }
}

/// The Suricata rule lines as the String writer wrote them (before bytes were written directly).
enum ReferenceSuricata {
    static func body(_ indicators: [SelectedIndicator], feed: String) -> String {
        var used: Set<UInt32> = []
        func sid(for key: String) -> UInt32 {
            var hash: UInt64 = 0xcbf29ce484222325
            for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
            var offset = UInt32(hash % 100_000_000)
            while !used.insert(1_000_000_000 &+ offset).inserted { offset = (offset + 1) % 100_000_000 }
            return 1_000_000_000 &+ offset
        }
        var out = ""
        for selected in indicators {
            let indicator = selected.indicator
            let rev = max(1, min(Int64(UInt32.max), indicator.modifiedMicroseconds / 1_000_000))
            let meta = "metadata:kakehashi_indicator \(indicator.stixID);"
            func rule(_ key: String, _ header: String, _ body: String, _ what: String) {
                let sid = sid(for: indicator.stixID + "|" + key)
                out += "alert \(header) (msg:\"Kakehashi \(feed) \(escapeMessage(what))\"; \(body)classtype:trojan-activity; sid:\(sid); rev:\(rev); \(meta))\n"
            }
            for value in selected.values {
                switch value.type {
                case .ipv4, .ipv6, .cidr:
                    rule("ip|" + value.value, "ip any any <> [\(value.value)] any", "", "IP \(value.value)")
                case .domain:
                    let dotted = content("." + value.value)
                    rule("dns|" + value.value, "dns any any -> any any", "dns.query; dotprefix; content:\"\(dotted)\"; nocase; endswith; ", "DNS query \(value.value)")
                    rule("tls|" + value.value, "tls any any -> any any", "tls.sni; dotprefix; content:\"\(dotted)\"; nocase; endswith; ", "TLS SNI \(value.value)")
                    rule("http|" + value.value, "http any any -> any any", "http.host; dotprefix; content:\"\(dotted)\"; endswith; ", "HTTP host \(value.value)")
                case .url:
                    guard let parts = urlParts(value.value) else { continue }
                    var path = parts.rest
                    if path.hasPrefix(":") { path = String(path.drop(while: { $0 != "/" && $0 != "?" })) }
                    if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
                    if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
                    rule("url|" + value.value, "http any any -> any any",
                         "http.host; content:\"\(content(parts.host))\"; startswith; endswith; http.uri.raw; content:\"\(content(path))\"; startswith; ",
                         "URL \(parts.host)\(path.prefix(80))")
                case .md5, .sha1, .sha256:
                    continue
                }
            }
        }
        return out
    }

    /// The corpus's hosts are lowercase names or addresses; control characters make a URL unwritten.
    static func urlParts(_ url: String) -> (host: String, rest: String)? {
        guard let range = url.range(of: "://") else { return nil }
        let after = url[range.upperBound...]
        guard !after.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else { return nil }
        let end = after.firstIndex(where: { $0 == "/" || $0 == "?" || $0 == "#" || $0 == ":" }) ?? after.endIndex
        return (String(after[..<end]), String(after[end...]))
    }

    static func content(_ text: String) -> String {
        var out = "", hex: [String] = []
        func flush() { if !hex.isEmpty { out += "|" + hex.joined(separator: " ") + "|"; hex = [] } }
        for byte in text.utf8 {
            if byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: ";")
                && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "|") {
                flush(); out.append(Character(Unicode.Scalar(byte)))
            } else {
                hex.append(String(format: "%02X", byte))
            }
        }
        flush()
        return out
    }

    static func escapeMessage(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            guard scalar.value >= 0x20 && scalar.value < 0x7f else { out += "?"; continue }
            if scalar == "\"" || scalar == ";" || scalar == "\\" { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

/// The RPZ lines as the String writer wrote them.
enum ReferenceRPZ {
    static func body(_ indicators: [SelectedIndicator]) -> String {
        var seen: Set<String> = []
        var out = ""
        for selected in indicators {
            for value in selected.values {
                switch value.type {
                case .domain:
                    for owner in [value.value, "*." + value.value] where seen.insert(owner).inserted { out += "\(owner) CNAME .\n" }
                case .ipv4, .ipv6, .cidr:
                    if let owner = trigger(value), seen.insert(owner).inserted { out += "\(owner) CNAME .\n" }
                default: continue
                }
            }
        }
        return out
    }

    /// The corpus's triggers, as `ResponsePolicyZone.ipTrigger` writes them.
    static func trigger(_ value: ExportValue) -> String? {
        switch value.value {
        case "198.51.100.7": return "32.7.100.51.198.rpz-ip"
        case "0.0.0.1": return "32.1.0.0.0.rpz-ip"
        case "203.0.113.0/24": return "24.0.113.0.203.rpz-ip"
        case "2001:db8::1": return "128.1.zz.db8.2001.rpz-ip"
        case "2001:db8::/32": return "32.zz.db8.2001.rpz-ip"
        case "fe80:0:0:1:0:0:0:2": return "128.2.zz.1.0.0.fe80.rpz-ip"
        default:
            // A plain IPv4 address: `32.d.c.b.a.rpz-ip`.
            let octets = value.value.split(separator: ".")
            guard value.type == .ipv4, octets.count == 4 else { return nil }
            return (["32"] + octets.reversed().map(String.init)).joined(separator: ".") + ".rpz-ip"
        }
    }
}
