// IndicatorExtraction — WarningList.swift
// One MISP warning list (cidr, string, hostname, substring) and how it matches an indicator.

import Foundation

/// A MISP warning list: values that are known benign or special-use, so an indicator that matches
/// one is dropped. File format: the MISP `list.json` format (`name`, `version`, `description`,
/// `type`, `matching_attributes`, `list`).
///
/// ```swift
/// let list = try WarningList(json: Data(#"{"name":"Our mail relays","type":"cidr","list":["198.18.7.0/24"]}"#.utf8))
/// list.matches(Indicator(kind: .ipv4, value: "198.18.7.25", original: "198.18.7.25", line: 1))   // true
/// ```
public struct WarningList: Sendable {
    /// MISP matching semantics.
    public enum MatchType: String, Sendable {
        /// IP address inside one of the CIDR blocks.
        case cidr
        /// Exact value.
        case string
        /// The host name, or any of its parent domains, equals an entry.
        case hostname
        /// An entry occurs inside the value.
        case substring
        /// Regular expressions: not supported, such lists are skipped.
        case regex
    }

    public let name: String
    public let version: String
    public let description: String
    public let type: MatchType
    /// MISP attribute types the list applies to (empty: every kind its type can match).
    public let matchingAttributes: [String]
    /// Where the list came from (file name, and the `source` field when present).
    public let source: String
    public let entryCount: Int

    let kinds: Set<IndicatorKind>
    let strings: Set<String>
    let blocks: [CIDRBlock]
    /// Blocks of one address (/32, /128), looked up by hash: most of a resolver list's 60,000
    /// entries are single addresses, which as blocks were scanned one by one for every address
    /// matched (a correlation of ten addresses took most of a second in a debug build).
    let addresses: Set<IPAddress>
    let substrings: [String]

    /// Reads a list in MISP `list.json` format.
    public init(json data: Data, source: String = "") throws {
        guard let object = try JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw WarningListError.malformed(source, "not a JSON object")
        }
        guard let name = object["name"] as? String, let typeName = object["type"] as? String,
              let list = object["list"] as? [Any] else {
            throw WarningListError.malformed(source, "needs name, type and list")
        }
        guard let type = MatchType(rawValue: typeName) else {
            throw WarningListError.malformed(source, "unknown type \(typeName)")
        }
        self.name = name
        self.version = (object["version"]).map { "\($0)" } ?? ""
        self.description = object["description"] as? String ?? ""
        self.type = type
        self.matchingAttributes = object["matching_attributes"] as? [String] ?? []
        self.source = [source, object["source"] as? String].compactMap { $0 }.filter { !$0.isEmpty }.joined(separator: ": ")
        let values = list.compactMap { $0 as? String }.map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        self.entryCount = values.count
        switch type {
        case .cidr:
            let parsed = values.compactMap(CIDRBlock.init)
            let single = { (block: CIDRBlock) -> Bool in
                switch block.network { case .v4: block.prefixLength == 32; case .v6: block.prefixLength == 128 }
            }
            blocks = parsed.filter { !single($0) }
            addresses = Set(parsed.filter(single).map(\.network))
            strings = Set(values.filter { CIDRBlock($0) == nil }.map { $0.lowercased() })
            substrings = []
        case .string, .hostname:
            strings = Set(values.map { type == .hostname ? WarningList.trimDots($0.lowercased()) : $0.lowercased() })
            blocks = []; substrings = []; addresses = []
        case .substring:
            substrings = values.map { $0.lowercased() }
            strings = []; blocks = []; addresses = []
        case .regex:
            strings = []; blocks = []; substrings = []; addresses = []
        }
        let attributes = self.matchingAttributes
        kinds = Set(IndicatorKind.allCases.filter { kind in
            if type == .regex { return false }
            if !attributes.isEmpty { return WarningList.attributeTypes(kind).contains(where: attributes.contains) }
            switch type {
            case .cidr: return kind == .ipv4 || kind == .ipv6
            case .hostname: return kind == .domain || kind == .url || kind == .email
            default: return true
            }
        })
    }

    private static func trimDots(_ s: String) -> String {
        var s = Substring(s)
        while s.hasPrefix(".") { s = s.dropFirst() }
        while s.hasSuffix(".") { s = s.dropLast() }
        return String(s)
    }

    /// The MISP attribute types an indicator kind is matched as.
    static func attributeTypes(_ kind: IndicatorKind) -> [String] {
        switch kind {
        case .ipv4, .ipv6: ["ip-src", "ip-dst", "ip-src|port", "ip-dst|port", "domain|ip"]
        case .domain: ["domain", "hostname", "domain|ip"]
        case .url: ["url", "uri", "link"]
        case .email: ["email", "email-src", "email-dst", "target-email", "email-reply-to", "whois-registrant-email"]
        case .md5: ["md5", "filename|md5"]
        case .sha1: ["sha1", "filename|sha1"]
        case .sha256: ["sha256", "filename|sha256"]
        case .sha512: ["sha512", "filename|sha512"]
        case .cve: ["vulnerability"]
        case .attackTechnique: []
        }
    }

    /// Whether the list applies to this kind of indicator at all.
    public func applies(to kind: IndicatorKind) -> Bool { kinds.contains(kind) }

    /// Whether the indicator matches the list (MISP semantics; URLs are matched by their host too,
    /// e-mail addresses by their domain too).
    public func matches(_ indicator: Indicator) -> Bool {
        matches(kind: indicator.kind, candidates: WarningList.candidates(indicator))
    }

    /// The values an indicator is looked up by: its lowercased value, and the host of a URL or the domain of an e-mail address.
    static func candidates(_ indicator: Indicator) -> [String] {
        let value = indicator.value.lowercased()
        switch indicator.kind {
        case .url: if let host = URLParts.host(of: value) { return [value, host] }
        case .email: if let at = value.utf8.lastIndex(of: UInt8(ascii: "@")) { return [value, String(value[value.utf8.index(after: at)...])] }
        default: break
        }
        return [value]
    }

    func matches(kind: IndicatorKind, candidates: [String]) -> Bool {
        guard kinds.contains(kind) else { return false }
        return candidates.contains(where: matchesValue)
    }

    private func matchesValue(_ value: String) -> Bool {
        switch type {
        case .string:
            return strings.contains(value)
        case .hostname:
            if strings.contains(value) { return true }
            // A URL is matched by its host (its own candidate), never by a name in its path or query
            // ("?email=someone@example.jp" does not make the link reserved).
            if value.contains("/") { return false }
            let utf8 = value.utf8
            var i = utf8.startIndex
            while i < utf8.endIndex {
                if utf8[i] == UInt8(ascii: "."), strings.contains(String(value[utf8.index(after: i)...])) { return true }
                i = utf8.index(after: i)
            }
            return false
        case .cidr:
            if let address = IPAddress(value) {
                return addresses.contains(address) || blocks.contains { $0.contains(address) }
            }
            return strings.contains(value)
        case .substring:
            return substrings.contains { value.contains($0) }
        case .regex:
            return false
        }
    }
}

/// Why a warning-list file could not be read.
public enum WarningListError: Error, CustomStringConvertible {
    case malformed(String, String)
    public var description: String {
        switch self { case .malformed(let file, let why): "warning list \(file): \(why)" }
    }
}
