// IndicatorExtraction — Indicator.swift
// The indicator value type: its kind, normalised value, where it was found, and what was dropped and why.

/// What an indicator is. Raw values are the names used in CSV column mappings.
public enum IndicatorKind: String, Sendable, Hashable, CaseIterable, Codable {
    case ipv4, ipv6, domain, url, email, md5, sha1, sha256, sha512, cve
    case attackTechnique = "attack-technique"

    /// The STIX 2.1 hashing-algorithm name for hash kinds ("MD5", "SHA-1", "SHA-256", "SHA-512"), nil otherwise.
    public var stixHashAlgorithm: String? {
        switch self {
        case .md5: "MD5"
        case .sha1: "SHA-1"
        case .sha256: "SHA-256"
        case .sha512: "SHA-512"
        default: nil
        }
    }

    /// The STIX Cyber-observable (or domain object) type the kind maps to: "ipv4-addr", "ipv6-addr",
    /// "domain-name", "url", "email-addr", "file" (hashes), "vulnerability" (CVE), "attack-pattern".
    public var stixType: String {
        switch self {
        case .ipv4: "ipv4-addr"
        case .ipv6: "ipv6-addr"
        case .domain: "domain-name"
        case .url: "url"
        case .email: "email-addr"
        case .md5, .sha1, .sha256, .sha512: "file"
        case .cve: "vulnerability"
        case .attackTechnique: "attack-pattern"
        }
    }

    /// True for the four file-hash kinds.
    public var isHash: Bool { stixHashAlgorithm != nil }
}

/// One indicator found in text or in a CSV cell.
///
/// ```swift
/// let result = IndicatorExtractor().extract(from: "C2: 45.77.12[.]9:8443")
/// let ip = result.indicators[0]   // kind .ipv4, value "45.77.12.9", port 8443, original "45.77.12[.]9:8443"
/// ```
public struct Indicator: Sendable, Hashable {
    public var kind: IndicatorKind
    /// Normalised: refanged; domains, hashes, e-mail addresses, URL schemes and hosts lowercased;
    /// IPv6 in RFC 5952 form; CVE ids uppercased.
    public var value: String
    /// The text as it stood in the source (defanged forms included).
    public var original: String
    /// 1-based line of the source text (for CSV: the line where the record starts).
    public var line: Int
    /// A port written after an IP address (`1.2.3.4:8080`), if any.
    public var port: Int?
    /// The ATT&CK technique name for `.attackTechnique` (e.g. "Phishing: Spearphishing Attachment").
    public var name: String?
    /// A caution about the value (e.g. a domain that may be a file name).
    public var note: String?

    public init(kind: IndicatorKind, value: String, original: String, line: Int,
                port: Int? = nil, name: String? = nil, note: String? = nil) {
        self.kind = kind
        self.value = value
        self.original = original
        self.line = line
        self.port = port
        self.name = name
        self.note = note
    }

    /// The STIX hashing-algorithm name for hashes ("MD5", "SHA-1", "SHA-256", "SHA-512").
    public var hashAlgorithm: String? { kind.stixHashAlgorithm }

    /// For URLs: the host (lowercased, IPv6 without brackets), e.g. to derive a domain indicator.
    public var host: String? { kind == .url ? URLParts.host(of: value) : nil }

    /// For domains, URLs with a name and e-mail addresses: the registrable domain (eTLD+1), for grouping.
    public var registrableDomain: String? {
        switch kind {
        case .domain: PublicSuffixList.registrableDomain(of: value)
        case .url: host.flatMap { IPAddress($0) == nil ? PublicSuffixList.registrableDomain(of: $0) : nil }
        case .email: value.split(separator: "@").last.flatMap { PublicSuffixList.registrableDomain(of: String($0)) }
        default: nil
        }
    }
}

/// An indicator that was found but left out, with the reason.
public struct DroppedIndicator: Sendable, Hashable {
    public var indicator: Indicator
    /// Short English reason, e.g. "warning list: List of RFC 1918 CIDR blocks".
    public var reason: String

    public init(indicator: Indicator, reason: String) {
        self.indicator = indicator
        self.reason = reason
    }
}
