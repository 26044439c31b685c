// SharingMetrics indicator classes: whether a new indicator is C2, phishing or malware-hosting
// infrastructure, for the daily counts. STIX `indicator_types` (malicious-activity, compromised,
// anomalous-activity, …) are too coarse, so the class is decided by the first rule that matches:
//   1. words in what the submission said about the value — the `name`, `description`, `labels`,
//      `indicator_types` and every `x_…` string property of each indicator whose pattern carries it:
//      "phish"/フィッシング → phishing; c2, cnc, c&c, command-and-control, botnet → c2;
//      malware-hosting, hosting-malware, malware-distribution, download, exploit-kit, drive-by,
//      配布 → malware-hosting;
//   2. the feed's name: *PHISH* → phishing; C2, CX, CY, CZ, BKMW_MANIP or a C2 word → c2;
//      BKMW_CONFIG, *MALWARE*, *HOSTING*, *DOWNLOAD* → malware-hosting;
//   3. the kind of hand-over: addresses, names, URLs and sender addresses of a reported attack
//      e-mail → phishing.
// Only network values are classed (ipv4-addr, ipv6-addr, domain-name, url; e-mail addresses only as
// phishing); file hashes and everything else are never one of the three.
import Foundation
import Storage

/// The classes the daily counts report.
public enum IndicatorClass: String, Sendable, CaseIterable, Codable {
    case c2
    case phishing
    case malwareHosting = "malware-hosting"
}

/// The rule above.
///
/// ```swift
/// IndicatorClassRule.classify("domain-name:c2.example", hints: ["C2 server"], feedName: "Default", kind: .text)  // .c2
/// IndicatorClassRule.classify("url:http://x.example/a", hints: [], feedName: "Default", kind: .email)            // .phishing
/// ```
public enum IndicatorClassRule {
    static let networkTypes: Set<String> = ["ipv4-addr", "ipv6-addr", "domain-name", "url"]

    public static func classify(_ observable: String, hints: [String], feedName: String,
                                kind: SubmissionKind?) -> IndicatorClass? {
        let type = String(observable.prefix(while: { $0 != ":" }))
        let isNetwork = networkTypes.contains(type)
        guard isNetwork || type == "email-addr" else { return nil }
        if let byWords = fromWords(hints.joined(separator: " ")) {
            if isNetwork || byWords == .phishing { return byWords }
        }
        if let byFeed = fromFeed(feedName) {
            if isNetwork || byFeed == .phishing { return byFeed }
        }
        if kind == .email { return .phishing }
        return nil
    }

    /// Rule 1 on free text.
    static func fromWords(_ text: String) -> IndicatorClass? {
        // Matched as UTF-8 bytes of the NFC form (canonically equivalent spellings of フィッシング
        // match alike): Foundation's `contains` normalises both sides on every call, which made this
        // the metrics catch-up's largest cost.
        let ascii = text.utf8.allSatisfy { $0 < 0x80 }
        // Only a combining voiced mark (グ as ク + U+3099) or a CJK compatibility ideograph can spell
        // the Japanese words otherwise than NFC does; other text is matched as it is.
        let composable = !ascii && text.unicodeScalars.contains {
            $0.value == 0x3099 || $0.value == 0x309A || (0xF900...0xFAFF).contains($0.value)
        }
        let lower = Array((composable ? text.precomposedStringWithCanonicalMapping : text).lowercased().utf8)
        func has(_ phrase: String) -> Bool { lower.firstRange(of: Array(phrase.utf8)) != nil }
        if has("phish") || (!ascii && has("フィッシング")) { return .phishing }
        var words = Set<String>()
        var start = -1
        for index in 0...lower.count {
            let byte: UInt8 = index < lower.count ? lower[index] : 0x20
            let isWordByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x7A)
            if isWordByte {
                if start < 0 { start = index }
            } else if start >= 0 {
                words.insert(String(decoding: lower[start..<index], as: UTF8.self))
                start = -1
            }
        }
        if words.contains("c2") || words.contains("cnc") || words.contains("botnet") || has("c&c")
            || has("command-and-control") || has("command and control") {
            return .c2
        }
        for phrase in ["malware-hosting", "hosting-malware", "malware-distribution", "malware distribution",
                       "download", "exploit-kit", "exploit kit", "drive-by"] where has(phrase) {
            return .malwareHosting
        }
        if !ascii && has("配布") { return .malwareHosting }
        return nil
    }

    /// Rule 2 on a feed's name.
    static func fromFeed(_ name: String) -> IndicatorClass? {
        let upper = name.uppercased()
        if upper.contains("PHISH") { return .phishing }
        if ["C2", "CX", "CY", "CZ", "BKMW_MANIP"].contains(upper) { return .c2 }
        if upper == "BKMW_CONFIG" || upper.contains("MALWARE") || upper.contains("HOSTING") || upper.contains("DOWNLOAD") {
            return .malwareHosting
        }
        if fromWords(name) == .c2 { return .c2 }
        return nil
    }
}
