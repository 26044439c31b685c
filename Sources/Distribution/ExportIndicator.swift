// Distribution — ExportIndicator: what a blocklist export knows of one STIX indicator (its values
// pulled from the pattern's parse tree, never by regular expressions), and the value types devices
// take. Pure: no storage, no policy.
import Foundation
import STIX
import STIXPatterning

/// The kinds of value a blocklist carries (`--type`).
public enum ExportValueType: String, Sendable, Hashable, CaseIterable, Codable {
    case ipv4, ipv6, cidr, domain, url, md5, sha1, sha256

    /// True for the address kinds (IP rules, reputation files, rpz-ip triggers).
    public var isAddress: Bool { self == .ipv4 || self == .ipv6 || self == .cidr }
    /// True for file hashes.
    public var isHash: Bool { self == .md5 || self == .sha1 || self == .sha256 }
}

/// One value of an indicator, normalised (lowercased hosts and hashes, canonical CIDR).
public struct ExportValue: Sendable, Hashable {
    public var type: ExportValueType
    public var value: String
    public init(type: ExportValueType, value: String) { self.type = type; self.value = value }
}

/// One indicator as the export writers see it.
public struct ExportIndicator: Sendable, Hashable {
    public var stixID: String
    public var name: String
    /// `modified` (else `created`) in microseconds: the version devices see change (Suricata `rev`).
    public var modifiedMicroseconds: Int64
    public var createdMicroseconds: Int64
    public var validUntilMicroseconds: Int64?
    /// STIX `confidence` (0–100); 50 when absent. Also the severity order of size caps.
    public var confidence: Int
    public var tlp: String?
    public var revoked: Bool
    public var labels: [String]
    public var values: [ExportValue]
    /// The submission the version came with (groups MISP feed events; never written as such).
    public var submissionID: String
    /// The provider's sector (a filter only; the provider is never named).
    public var sector: String?
    /// From this instant (µs) the indicator has expired by freshness (`Freshness.freshUntil`) and
    /// leaves every blocklist; `.max` until the exporter has scored it.
    public var freshUntilMicroseconds: Int64 = .max
    /// Until this instant its freshness stays at the reduced feed's bar (`ReducedFeed.minimumScore`).
    public var strongUntilMicroseconds: Int64 = .max

    public init(stixID: String, name: String, modifiedMicroseconds: Int64, createdMicroseconds: Int64,
                validUntilMicroseconds: Int64? = nil, confidence: Int = 50, tlp: String? = nil, revoked: Bool = false,
                labels: [String] = [], values: [ExportValue], submissionID: String = "", sector: String? = nil) {
        self.stixID = stixID; self.name = name; self.modifiedMicroseconds = modifiedMicroseconds
        self.createdMicroseconds = createdMicroseconds; self.validUntilMicroseconds = validUntilMicroseconds
        self.confidence = confidence; self.tlp = tlp; self.revoked = revoked; self.labels = labels
        self.values = values; self.submissionID = submissionID; self.sector = sector
    }
}

// MARK: - Reading indicators

extension ExportIndicator {
    /// The indicator in `bytes` (a STIX 2.1 `indicator` with a `stix` pattern), or nil for other
    /// objects, other pattern languages, and patterns that do not parse.
    ///
    /// ```swift
    /// let indicator = ExportIndicator.read(bytes, submissionID: object.submissionID)
    /// indicator?.values   // [ExportValue(type: .ipv4, value: "198.51.100.7")]
    /// ```
    public static func read(_ bytes: Data, submissionID: String = "", sector: String? = nil) -> ExportIndicator? {
        guard let json = try? JSONParser.parse(Array(bytes)), let object = json.objectValue,
              object["type"]?.stringValue == "indicator",
              (object["pattern_type"]?.stringValue ?? "stix") == "stix",
              let id = object["id"]?.stringValue, let text = object["pattern"]?.stringValue,
              let pattern = try? STIXPattern.parse(text) else { return nil }
        let created = object["created"]?.stringValue.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch ?? 0
        let modified = object["modified"]?.stringValue.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch ?? created
        let tlp = object["object_marking_refs"]?.arrayValue?.compactMap(\.stringValue).compactMap(TLPNames.name(ofMarking:)).first
        return ExportIndicator(
            stixID: id, name: object["name"]?.stringValue ?? "", modifiedMicroseconds: modified, createdMicroseconds: created,
            validUntilMicroseconds: object["valid_until"]?.stringValue.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch,
            confidence: object["confidence"]?.integerValue.map { Int(max(0, min(100, $0))) } ?? 50,
            tlp: tlp, revoked: object["revoked"]?.boolValue ?? false,
            labels: (object["indicator_types"]?.arrayValue ?? []).compactMap(\.stringValue),
            values: PatternValues.values(of: pattern), submissionID: submissionID, sector: sector)
    }
}

/// The values a pattern asserts: every positive `=` (or `IN`) comparison on an address, domain,
/// URL or file hash path, anywhere in the tree. A blocklist entry is broader than an AND of
/// conditions (`[ipv4-addr:value = 'x' AND network-traffic:dst_port = 443]` blocks x), which is
/// how MISP and OpenCTI export patterns to devices as well.
public enum PatternValues {
    public static func values(of pattern: STIXPattern) -> [ExportValue] {
        var out: [ExportValue] = []
        var seen: Set<ExportValue> = []
        for comparison in pattern.comparisons where !comparison.negated {
            let literals: [PatternLiteral]
            switch (comparison.op, comparison.value) {
            case (.equal, let value?): literals = [value]
            case (.in, .list(let items)?): literals = items
            default: continue
            }
            for case .string(let text) in literals {
                if let value = value(path: comparison.path, text: text), seen.insert(value).inserted { out.append(value) }
            }
        }
        return out
    }

    static func value(path: ObjectPath, text: String) -> ExportValue? {
        let names = path.propertyNames
        switch (path.objectType, names) {
        case ("ipv4-addr", ["value"]): return plainIPv4(text) ?? address(text, v6: false)
        case ("ipv6-addr", ["value"]): return address(text, v6: true)
        case ("domain-name", ["value"]) where plainHost(text):
            // Already lowercase with no dot to trim: the host is the text.
            return ValueRules.isHostName(text) ? ExportValue(type: .domain, value: text) : nil
        case ("domain-name", ["value"]):
            let host = text.lowercased().trimmingCharacters(in: CharacterSet(charactersIn: "."))
            return ValueRules.isHostName(host) ? ExportValue(type: .domain, value: host) : nil
        case ("url", ["value"]):
            return ValueRules.urlParts(text) != nil ? ExportValue(type: .url, value: text) : nil
        case ("file", let names) where names.count == 2 && names[0] == "hashes":
            let hash = text.lowercased()
            switch names[1].uppercased() {
            case "MD5" where ValueRules.isHex(hash, count: 32): return ExportValue(type: .md5, value: hash)
            case "SHA-1", "SHA1" where ValueRules.isHex(hash, count: 40): return ExportValue(type: .sha1, value: hash)
            case "SHA-256", "SHA256" where ValueRules.isHex(hash, count: 64): return ExportValue(type: .sha256, value: hash)
            default: return nil
            }
        default: return nil
        }
    }

    /// A dotted quad of plain decimal octets (no sign, no leading zero, each at most 255) is its
    /// own canonical form: what `address(_:v6: false)` returns for it, with no string made. Nil
    /// for anything else (then `address` decides).
    static func plainIPv4(_ text: String) -> ExportValue? {
        var dots = 0, digits = 0, octet = 0, first: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return nil }
                dots += 1; digits = 0; octet = 0
            } else if byte >= 0x30 && byte <= 0x39 {
                if digits == 0 { first = byte } else if first == 0x30 { return nil }
                digits += 1; octet = octet * 10 + Int(byte - 0x30)
                guard digits <= 3, octet <= 255 else { return nil }
            } else {
                return nil
            }
        }
        guard dots == 3, digits > 0 else { return nil }
        return ExportValue(type: .ipv4, value: text)
    }

    /// Lowercase ASCII letters, digits, `-`, `_` and dots, not starting or ending with a dot: text
    /// that lowercasing and trimming dots leave as it is.
    static func plainHost(_ text: String) -> Bool {
        let utf8 = text.utf8
        guard let first = utf8.first, let last = utf8.last, first != UInt8(ascii: "."), last != UInt8(ascii: ".") else { return false }
        return utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7a) || ($0 >= 0x30 && $0 <= 0x39) || $0 == UInt8(ascii: "-")
            || $0 == UInt8(ascii: "_") || $0 == UInt8(ascii: ".") }
    }

    static func address(_ text: String, v6: Bool) -> ExportValue? {
        let parts = text.split(separator: "/", maxSplits: 1).map(String.init)
        guard let first = parts.first, let bytes = v6 ? ValueRules.ipv6Bytes(first) : ValueRules.ipv4Bytes(first) else { return nil }
        let full = v6 ? 128 : 32
        let prefix = parts.count == 2 ? Int(parts[1]) : full
        guard let prefix, prefix >= 0, prefix <= full else { return nil }
        let masked = ValueRules.mask(bytes, prefix: prefix)
        let address = v6 ? ValueRules.ipv6Text(masked) : masked.map(String.init).joined(separator: ".")
        if prefix == full { return ExportValue(type: v6 ? .ipv6 : .ipv4, value: address) }
        return ExportValue(type: .cidr, value: "\(address)/\(prefix)")
    }
}

/// TLP marking-definition ids (TLP 2.0 and 1.0) to their level names ("clear" … "red").
enum TLPNames {
    static let byID: [String: String] = Dictionary(
        TLPMarking.allCases.map { ($0.id, $0.level == "white" ? "clear" : $0.level) }, uniquingKeysWith: { a, _ in a })
    static func name(ofMarking id: String) -> String? { byID[id] }
}
