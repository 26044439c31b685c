// IndicatorExtraction — PublicSuffixList.swift
// Public Suffix List rules (normal, wildcard, exception) and the registrable domain (eTLD+1).

import Foundation

/// The bundled Public Suffix List (publicsuffix.org, MPL-2.0), ICANN and private sections.
///
/// ```swift
/// PublicSuffixList.registrableDomain(of: "a.b.example.co.jp")      // "example.co.jp"
/// PublicSuffixList.registrableDomain(of: "www.city.kawasaki.jp")   // "city.kawasaki.jp" (exception rule)
/// PublicSuffixList.publicSuffix(of: "foo.bar.kawasaki.jp")         // "bar.kawasaki.jp" (wildcard rule)
/// ```
public enum PublicSuffixList {
    struct Rules: Sendable {
        var normal: [String: Bool] = [:]     // rule -> isICANN
        var wildcard: [String: Bool] = [:]   // "kawasaki.jp" for "*.kawasaki.jp"
        var exception: [String: Bool] = [:]  // "city.kawasaki.jp" for "!city.kawasaki.jp"
    }

    static let rules: Rules = {
        var rules = Rules()
        var icann = true
        for raw in BundledData.text("public_suffix_list.dat").split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            if line.hasPrefix("// ===BEGIN PRIVATE DOMAINS===") { icann = false }
            if line.isEmpty || line.hasPrefix("//") { continue }
            let rule = String(line.split(separator: " ")[0]).lowercased()
            if rule.hasPrefix("!") { rules.exception[String(rule.dropFirst())] = icann }
            else if rule.hasPrefix("*.") { rules.wildcard[String(rule.dropFirst(2))] = icann }
            else { rules.normal[rule] = icann }
        }
        return rules
    }()

    /// The public suffix of `domain` per the PSL algorithm (the default rule `*` applies when none matches).
    /// With `includingPrivateRules: false` only the ICANN section counts.
    public static func publicSuffix(of domain: String, includingPrivateRules: Bool = true) -> String? {
        let labels = normalisedLabels(domain)
        guard !labels.isEmpty else { return nil }
        let length = suffixLength(labels, includingPrivateRules: includingPrivateRules)
        return labels.suffix(length).joined(separator: ".")
    }

    /// The registrable domain (eTLD+1) of `domain`, or nil when `domain` is itself a public suffix.
    public static func registrableDomain(of domain: String, includingPrivateRules: Bool = true) -> String? {
        let labels = normalisedLabels(domain)
        guard !labels.isEmpty else { return nil }
        let length = suffixLength(labels, includingPrivateRules: includingPrivateRules)
        guard labels.count > length else { return nil }
        return labels.suffix(length + 1).joined(separator: ".")
    }

    private static func normalisedLabels(_ domain: String) -> [String] {
        var d = domain.lowercased()
        while d.hasSuffix(".") { d.removeLast() }
        let labels = d.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        return labels.contains(where: \.isEmpty) ? [] : labels
    }

    private static func suffixLength(_ labels: [String], includingPrivateRules: Bool) -> Int {
        func allowed(_ isICANN: Bool?) -> Bool { isICANN.map { $0 || includingPrivateRules } ?? false }
        var best = 1   // the default rule "*"
        for i in 0..<labels.count {
            let suffix = labels[i...].joined(separator: ".")
            let length = labels.count - i
            if allowed(rules.exception[suffix]) { return length - 1 }
            if length > best, allowed(rules.normal[suffix]) { best = length }
            if i + 1 < labels.count, length > best {
                let parent = labels[(i + 1)...].joined(separator: ".")
                if allowed(rules.wildcard[parent]) { best = length }
            }
        }
        return best
    }
}
