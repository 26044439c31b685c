// IndicatorExtraction — ColumnMapping.swift
// Which CSV column holds which indicator kind, and where descriptions, first-seen times and tags are.

import Foundation

/// A column by header name (case-insensitive, trimmed) or by 0-based index.
public enum CSVColumn: Sendable, Hashable, ExpressibleByStringLiteral, ExpressibleByIntegerLiteral {
    case name(String)
    case index(Int)

    public init(stringLiteral value: String) { self = .name(value) }
    public init(integerLiteral value: Int) { self = .index(value) }
}

/// What an indicator column holds.
public enum ColumnContent: Sendable, Hashable {
    /// IPv4 or IPv6 (an optional `:port` on IPv4, `[v6]:port`).
    case ip
    case kind(IndicatorKind)
    /// Detect per cell: every indicator the text extractor finds in the cell.
    case auto

    /// Parses "ip", "domain", "url", "email", "md5", "sha1", "sha256", "sha512", "cve",
    /// "attack-technique" (also "ipv4", "ipv6", "hostname", "sha-256", "technique"…) and "auto".
    public init?(_ name: String) {
        let key = name.lowercased().replacingOccurrences(of: "_", with: "-").trimmingCharacters(in: .whitespaces)
        switch key {
        case "ip", "ip-address", "ip-src", "ip-dst": self = .ip
        case "ipv4": self = .kind(.ipv4)
        case "ipv6": self = .kind(.ipv6)
        case "domain", "hostname", "fqdn", "host": self = .kind(.domain)
        case "url", "uri", "link": self = .kind(.url)
        case "email", "e-mail", "mail", "email-src": self = .kind(.email)
        case "md5": self = .kind(.md5)
        case "sha1", "sha-1": self = .kind(.sha1)
        case "sha256", "sha-256": self = .kind(.sha256)
        case "sha512", "sha-512": self = .kind(.sha512)
        case "cve", "vulnerability": self = .kind(.cve)
        case "attack-technique", "attack", "technique", "mitre-attack": self = .kind(.attackTechnique)
        case "auto": self = .auto
        default: return nil
        }
    }
}

/// How to read an indicator CSV.
///
/// ```swift
/// var mapping = ColumnMapping(indicators: [("indicator", .auto), (2, .kind(.sha256))])
/// mapping.description = "comment"
/// mapping.firstSeen = "first_seen"
/// mapping.tags = "tags"
/// ```
public struct ColumnMapping: Sendable {
    public var indicators: [(column: CSVColumn, content: ColumnContent)]
    public var description: CSVColumn?
    public var firstSeen: CSVColumn?
    public var tags: CSVColumn?
    /// nil: decide from the first row (a header when a named column appears in it, or when none of its
    /// cells holds an indicator of its column's kind).
    public var hasHeader: Bool?
    public var delimiter: Character
    /// Separators inside the tags cell.
    public var tagSeparators: Set<Character>
    /// Time zone for first_seen values without an offset.
    public var timeZone: TimeZone

    public init(indicators: [(column: CSVColumn, content: ColumnContent)], description: CSVColumn? = nil,
                firstSeen: CSVColumn? = nil, tags: CSVColumn? = nil, hasHeader: Bool? = nil,
                delimiter: Character = ",", tagSeparators: Set<Character> = [";", "|", "、"],
                timeZone: TimeZone = TimeZone(identifier: "UTC")!) {
        self.indicators = indicators
        self.description = description
        self.firstSeen = firstSeen
        self.tags = tags
        self.hasHeader = hasHeader
        self.delimiter = delimiter
        self.tagSeparators = tagSeparators
        self.timeZone = timeZone
    }
}
