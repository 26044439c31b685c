// Correlation — ObservableEntries.swift
// Owns what of a STIX object goes into the observable index (Storage.ObservableIndexStore): SCO
// values, the values compared in an indicator's STIX pattern (read from the parse tree, never by
// regular expressions), e-mail header values (sender, Reply-To, X-Mailer, Message-ID domain, first
// external hop), file hashes including TLSH, URL hosts — each in the one normal form of
// Campaigns.ObservableNormalization (case, IDN to punycode, RFC 5952 IPv6, refanged URLs).
import Campaigns
import IndicatorExtraction
import Foundation
import STIX
import STIXPatterning
import Storage

/// The normalised observables of one valid STIX object, as the observable index stores them.
///
/// ```swift
/// let entries = ObservableEntries.of(object, facts: facts)
/// // [IndexedObservable(kind: "domain-name", value: "xn--r8jz45g.example"), ...]
/// ```
public enum ObservableEntries {
    /// Every entry of `object` (empty for objects that carry no observable), without duplicates.
    public static func of(_ object: JSONValue, facts: STIXObjectFacts) -> [IndexedObservable] {
        guard let properties = object.objectValue else { return [] }
        var found = Found()
        switch facts.type {
        case "ipv4-addr", "ipv6-addr", "domain-name", "url", "email-addr":
            if let value = properties["value"]?.stringValue { found.add(facts.type, value) }
        case "file":
            for (name, value) in properties["hashes"]?.objectValue?.members ?? [] {
                if let value = value.stringValue { found.hash(name, value) }
            }
        case "email-message":
            emailMessage(properties, into: &found)
        default: break
        }
        if let pattern = facts.pattern { self.pattern(pattern, into: &found) }
        return found.entries
    }

    /// The e-mail headers Extraction writes (EmailSubmission): `message_id`, the
    /// `additional_header_fields` Reply-To, Return-Path and X-Mailer, and the first external hop.
    static func emailMessage(_ properties: JSONObject, into found: inout Found) {
        if let id = properties["message_id"]?.stringValue,
           let domain = ObservableNormalization.messageIDDomain(id) {
            found.insert("email-message:message-id-domain", domain)
        }
        if let headers = properties["additional_header_fields"]?.objectValue {
            for (name, value) in headers.members {
                let texts = value.arrayValue?.compactMap(\.stringValue) ?? [value.stringValue].compactMap { $0 }
                for text in texts { found.header(name, text) }
            }
        }
        if let hop = properties["x_kakehashi_first_external_hop"]?.stringValue, let ip = ObservableNormalization.ip(hop) {
            found.insert("email-message:first-external-hop", ip)
        }
    }

    /// `=` and `IN` comparisons (not negated) of the pattern's parse tree on the paths that name observables.
    static func pattern(_ pattern: STIXPattern, into found: inout Found) {
        for comparison in pattern.comparisons where !comparison.negated && (comparison.op == .equal || comparison.op == .in) {
            let strings: [String]
            switch comparison.value {
            case .string(let value)?: strings = [value]
            case .list(let values)?: strings = values.compactMap { if case .string(let s) = $0 { s } else { nil } }
            default: continue
            }
            let path = comparison.path
            let names = path.propertyNames
            for value in strings {
                switch (path.objectType, names.first, names.count) {
                case ("ipv4-addr", "value", 1), ("ipv6-addr", "value", 1), ("domain-name", "value", 1), ("url", "value", 1),
                     ("email-addr", "value", 1):
                    found.add(path.objectType, value)
                case ("file", "hashes", 2), ("artifact", "hashes", 2):
                    found.hash(names[1], value)
                case ("email-message", "from_ref", _), ("email-message", "sender_ref", _):
                    if names.last == "value" { found.add("email-addr", value) }
                case ("email-message", "additional_header_fields", 2):
                    found.header(names[1], value)
                case ("email-message", "message_id", 1):
                    if let domain = ObservableNormalization.messageIDDomain(value) {
                        found.insert("email-message:message-id-domain", domain)
                    }
                default: break
                }
            }
        }
    }

    /// Entries in the order found, each once.
    struct Found {
        private(set) var entries: [IndexedObservable] = []
        private var seen: Set<IndexedObservable> = []

        mutating func insert(_ kind: String, _ value: String) {
            let entry = IndexedObservable(kind: kind, value: value)
            if !value.isEmpty, seen.insert(entry).inserted { entries.append(entry) }
        }

        /// An SCO-typed value: addresses canonical, hosts normalised, URLs normalised with their host,
        /// e-mail addresses with their domain.
        mutating func add(_ type: String, _ raw: String) {
            switch type {
            case "ipv4-addr", "ipv6-addr":
                if let ip = Plain.ipv4(raw) ?? ObservableNormalization.ip(raw) { insert(type, ip) }
            case "domain-name":
                if let host = Plain.host(raw) ?? ObservableNormalization.host(raw) { insert(type, host) }
            case "url":
                if let url = CorrelationNormalization.url(raw) { insert(type, url) }
                if let host = ObservableNormalization.host(ofURL: raw) { insert("url:host", host) }
            case "email-addr":
                if let address = ObservableNormalization.address(Self.bareAddress(raw)) {
                    insert(type, address)
                    if let domain = address.split(separator: "@").last { insert("email-addr:domain", String(domain)) }
                }
            default: break
            }
        }

        /// The address of a mailbox as a header writes it (`Name <a@b>` → `a@b`).
        static func bareAddress(_ mailbox: String) -> String {
            guard let open = mailbox.lastIndex(of: "<"),
                  let close = mailbox[open...].firstIndex(of: ">") else { return mailbox }
            return String(mailbox[mailbox.index(after: open)..<close])
        }

        mutating func hash(_ algorithm: String, _ value: String) {
            let name = algorithm.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")).uppercased()
            var hex = value.trimmingCharacters(in: .whitespaces).lowercased()
            guard !hex.isEmpty else { return }
            // TLSH is written with its "T1" version prefix (72 characters) or, as before the prefix
            // existed and as STIX feeds (and the hub's sample submissions) often write it, without
            // (70): one digest, one normal form (without).
            if name == "TLSH", hex.count == 72, hex.hasPrefix("t1") { hex.removeFirst(2) }
            insert("file:hashes.\(name)", hex)
        }

        mutating func header(_ rawName: String, _ value: String) {
            switch rawName.trimmingCharacters(in: CharacterSet(charactersIn: "'\"")).lowercased() {
            case "reply-to", "return-path":
                if let address = ObservableNormalization.address(Self.bareAddress(value)) { insert("email-message:reply-to", address) }
            case "x-mailer", "user-agent":
                if let mailer = ObservableNormalization.mailer(value) { insert("email-message:x-mailer", mailer) }
            default: break
            }
        }
    }
}

/// Normal forms the index needs beyond Campaigns.ObservableNormalization.
public enum CorrelationNormalization {
    /// A URL refanged, its scheme and host lower-case (host as `ObservableNormalization.host`), the
    /// scheme's default port and the fragment dropped; path and query kept as written.
    ///
    /// ```swift
    /// CorrelationNormalization.url("hxxps://Login.EXAMPLE[.]com:443/Path?q=1#top")   // "https://login.example.com/Path?q=1"
    /// ```
    public static func url(_ raw: String) -> String? {
        var text = Refanging.refang(raw).trimmingCharacters(in: .whitespacesAndNewlines)
        guard let marker = text.range(of: "://") else { return nil }
        if let hash = text.firstIndex(of: "#") { text = String(text[..<hash]) }
        let scheme = text[..<marker.lowerBound].lowercased()
        var rest = text[marker.upperBound...]
        let authorityEnd = rest.firstIndex(where: { "/?\\".contains($0) }) ?? rest.endIndex
        var authority = String(rest[..<authorityEnd])
        rest = rest[authorityEnd...]
        var userInfo = ""
        if let at = authority.lastIndex(of: "@") {
            userInfo = String(authority[...at]); authority = String(authority[authority.index(after: at)...])
        }
        var port = ""
        if !authority.hasSuffix("]"), let colon = authority.lastIndex(of: ":"), authority.filter({ $0 == ":" }).count == 1 {
            port = String(authority[authority.index(after: colon)...]); authority = String(authority[..<colon])
        }
        guard var host = ObservableNormalization.host(authority) else { return nil }
        if host.contains(":") { host = "[\(host)]" }
        if (scheme == "http" && port == "80") || (scheme == "https" && port == "443") { port = "" }
        let path = rest.isEmpty ? "/" : String(rest)
        return scheme + "://" + userInfo + host + (port.isEmpty ? "" : ":" + port) + path
    }
}

/// Values already in normal form, recognised without the general normalisation (refanging, NFKC,
/// IDN): most values arrive so, and the general path cost a sizeable share of ingest with
/// correlation on arrival. Anything else returns nil and takes the general path.
enum Plain {
    /// A lower-case ASCII host name of letters, digits, hyphens and single dots, not starting or
    /// ending with a dot and not all digits and dots (an address).
    static func host(_ text: String) -> String? {
        var previousDot = true, letters = false
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "-"): previousDot = false; letters = true
            case UInt8(ascii: "0")...UInt8(ascii: "9"): previousDot = false
            case UInt8(ascii: "."): if previousDot { return nil }; previousDot = true
            default: return nil
            }
        }
        return previousDot || !letters ? nil : text
    }

    /// A dotted quad of 0…255 without leading zeros.
    static func ipv4(_ text: String) -> String? {
        var parts = 0, digits = 0, value = 0, first: UInt8 = 0
        for byte in text.utf8 {
            if byte == UInt8(ascii: ".") {
                guard digits > 0 else { return nil }
                parts += 1; digits = 0; value = 0
            } else if byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9") {
                if digits == 0 { first = byte } else if first == UInt8(ascii: "0") { return nil }
                digits += 1; value = value * 10 + Int(byte - UInt8(ascii: "0"))
                if digits > 3 || value > 255 { return nil }
            } else {
                return nil
            }
        }
        return parts == 3 && digits > 0 ? text : nil
    }
}
