// Distribution — ValueRules: the syntax every blocklist value must pass before a writer sees it
// (host names in LDH letters, IP addresses as bytes, URLs split into scheme, host and the rest),
// and the IPv6 text form (RFC 5952). A value that fails is left out of device formats and counted.
import Foundation

enum ValueRules {
    /// A DNS host name in ASCII letters, digits, hyphens (and underscores, which zones accept in
    /// owner names): 2+ labels, each 1–63 long, not starting or ending with a hyphen, ≤ 253 in all.
    static func isHostName(_ name: String) -> Bool {
        let bytes = name.utf8
        guard !bytes.isEmpty, bytes.count <= 253 else { return false }
        var labels = 0, length = 0, previous: UInt8 = 0
        func step(_ byte: UInt8) -> Bool {
            if byte == UInt8(ascii: ".") {
                guard length > 0, length <= 63, previous != UInt8(ascii: "-") else { return false }
                labels += 1; length = 0
            } else {
                let ok = (byte >= 0x61 && byte <= 0x7a) || (byte >= 0x30 && byte <= 0x39) || byte == UInt8(ascii: "-") || byte == UInt8(ascii: "_")
                guard ok, !(length == 0 && byte == UInt8(ascii: "-")) else { return false }
                length += 1
            }
            previous = byte
            return true
        }
        // The name's bytes, then a closing dot.
        for byte in bytes { guard step(byte) else { return false } }
        guard step(UInt8(ascii: ".")) else { return false }
        return labels >= 2
    }

    static func isHex(_ text: String, count: Int) -> Bool {
        text.utf8.count == count && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// `http://Host:8080/path?q` → ("http", "host", ":8080/path?q"); nil without an http(s)/ftp
    /// scheme, a valid host, or with spaces or control characters.
    static func urlParts(_ url: String) -> (scheme: String, host: String, rest: String)? {
        guard let range = url.range(of: "://") else { return nil }
        let scheme = url[..<range.lowerBound].lowercased()
        guard ["http", "https", "ftp"].contains(scheme) else { return nil }
        let after = url[range.upperBound...]
        guard !after.unicodeScalars.contains(where: { $0.value <= 0x20 || $0.value == 0x7f }) else { return nil }
        let end = after.firstIndex(where: { $0 == "/" || $0 == ":" || $0 == "?" || $0 == "#" }) ?? after.endIndex
        let host = after[..<end].lowercased()
        guard isHostName(host) || ipv4Bytes(host) != nil else { return nil }
        return (scheme, host, String(after[end...]))
    }

    static func ipv4Bytes(_ text: String) -> [UInt8]? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var out: [UInt8] = []
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy(\.isASCII), let n = UInt8(part),
                  part == "0" || !part.hasPrefix("0") else { return nil }
            out.append(n)
        }
        return out
    }

    static func ipv6Bytes(_ text: String) -> [UInt8]? {
        var address = in6_addr()
        guard text.utf8.count <= 45, inet_pton(AF_INET6, text, &address) == 1 else { return nil }
        return withUnsafeBytes(of: &address) { Array($0) }
    }

    static func mask(_ bytes: [UInt8], prefix: Int) -> [UInt8] {
        bytes.enumerated().map { index, byte in
            let bits = max(0, min(8, prefix - index * 8))
            return bits == 8 ? byte : byte & UInt8(truncatingIfNeeded: 0xff << (8 - bits))
        }
    }

    /// The 8 groups of an IPv6 address as numbers.
    static func groups(_ bytes: [UInt8]) -> [Int] { (0..<8).map { Int(bytes[2 * $0]) << 8 | Int(bytes[2 * $0 + 1]) } }

    /// RFC 5952 text: lowercase, no leading zeros, the longest run (≥ 2) of zero groups as `::`.
    static func ipv6Text(_ bytes: [UInt8]) -> String {
        let words = groups(bytes)
        let (start, length) = longestZeroRun(words)
        guard length >= 2 else { return words.map { String($0, radix: 16) }.joined(separator: ":") }
        let head = words[..<start].map { String($0, radix: 16) }.joined(separator: ":")
        let tail = words[(start + length)...].map { String($0, radix: 16) }.joined(separator: ":")
        return head + "::" + tail
    }

    static func longestZeroRun(_ words: [Int]) -> (start: Int, length: Int) {
        var best = (start: 0, length: 0), index = 0
        while index < words.count {
            guard words[index] == 0 else { index += 1; continue }
            var end = index
            while end < words.count && words[end] == 0 { end += 1 }
            if end - index > best.length { best = (index, end - index) }
            index = end
        }
        return best
    }
}
