// Campaigns — ObservableNormalization.swift
// Owns the one normal form of every value that can link two submissions: host names (case, trailing
// dot, IDN to punycode, refanged), IP addresses (dotted quad, RFC 5952 IPv6), e-mail addresses,
// URLs and mailer strings. Two members writing the same value differently must meet here.
import Foundation
import IndicatorExtraction
import MailParsing

/// Normal forms of observable values.
///
/// ```swift
/// ObservableNormalization.host("Ｅｘａｍｐｌｅ[.]ＣＯＭ.")   // "example.com"
/// ObservableNormalization.host("例え.テスト")                // "xn--r8jz45g.xn--zckzah"
/// ObservableNormalization.ip("2001:DB8:0:0::1")            // "2001:db8::1"
/// ```
public enum ObservableNormalization {
    /// A host name in lower-case ASCII (punycode for IDN labels), refanged, without a trailing dot;
    /// an IP literal in its canonical form. Nil when nothing host-like remains.
    public static func host(_ raw: String) -> String? {
        var value = Refanging.refang(raw.precomposedStringWithCompatibilityMapping)
            .trimmingCharacters(in: .whitespacesAndNewlines)
        if value.hasPrefix("[") && value.hasSuffix("]") { value = String(value.dropFirst().dropLast()) }
        if let ip = ip(value) { return ip }
        while value.hasSuffix(".") { value.removeLast() }
        value = value.lowercased()
        guard !value.isEmpty, !value.contains(" "), !value.contains("/") else { return nil }
        if value.unicodeScalars.allSatisfy(\.isASCII) { return value }
        return InternationalNames.ascii(value)?.lowercased()
    }

    /// The canonical text of an IP address (IPv4 dotted quad, IPv6 lower-case RFC 5952), or nil.
    public static func ip(_ raw: String) -> String? {
        MailIPAddress(Refanging.refang(raw).trimmingCharacters(in: .whitespaces))?.text
    }

    /// An e-mail address with its domain normalised as a host and its local part lower-cased.
    public static func address(_ raw: String) -> String? {
        let value = Refanging.refang(raw).trimmingCharacters(in: .whitespacesAndNewlines)
            .trimmingCharacters(in: CharacterSet(charactersIn: "<>"))
        guard let at = value.lastIndex(of: "@") else { return nil }
        let local = value[..<at].lowercased()
        guard !local.isEmpty, let domain = host(String(value[value.index(after: at)...])) else { return nil }
        return local + "@" + domain
    }

    /// The domain of an e-mail address, normalised.
    public static func domain(ofAddress raw: String) -> String? {
        address(raw).flatMap { $0.split(separator: "@").last.map(String.init) }
    }

    /// The host of a URL (refanged), normalised; nil when the text has no `scheme://host`.
    public static func host(ofURL raw: String) -> String? {
        let url = Refanging.refang(raw)
        guard let marker = url.range(of: "://") else { return nil }
        var rest = url[marker.upperBound...]
        if let end = rest.firstIndex(where: { "/?#\\".contains($0) }) { rest = rest[..<end] }
        if let at = rest.lastIndex(of: "@") { rest = rest[rest.index(after: at)...] }
        var hostPart = String(rest)
        if hostPart.hasPrefix("[") {
            if let close = hostPart.firstIndex(of: "]") { hostPart = String(hostPart[...close]) }
        } else if let colon = hostPart.lastIndex(of: ":"), hostPart.filter({ $0 == ":" }).count == 1 {
            hostPart = String(hostPart[..<colon])
        }
        return host(hostPart)
    }

    /// A mailer string compared as text: lower-case, runs of white space collapsed.
    public static func mailer(_ raw: String) -> String? {
        let words = raw.lowercased().split(whereSeparator: \.isWhitespace)
        return words.isEmpty ? nil : words.joined(separator: " ")
    }

    /// The domain of a Message-ID (`<abc@mx.example.com>` → `mx.example.com`).
    public static func messageIDDomain(_ raw: String) -> String? {
        let value = raw.trimmingCharacters(in: CharacterSet(charactersIn: "<> \t\r\n"))
        guard let at = value.lastIndex(of: "@") else { return nil }
        return host(String(value[value.index(after: at)...]))
    }
}
