// IndicatorExtraction — TopLevelDomains.swift
// The set of real top-level domains (from the Public Suffix List) and domain-name syntax checks.

import Foundation

/// Real top-level domains, from the bundled Public Suffix List (ASCII/punycode form).
///
/// ```swift
/// TopLevelDomains.contains("jp")      // true
/// TopLevelDomains.contains("exe")     // false: "invoice.exe" is no domain
/// TopLevelDomains.isDomainName("mail.evil-corp.co.jp")   // true
/// ```
public enum TopLevelDomains {
    /// Real TLDs that are mostly seen as file extensions in reports: a two-label name under one of them
    /// (`invoice.zip`, `setup.py`, `notes.one`) may be a file name.
    public static let fileExtensionLike: Set<String> = [
        "zip", "mov", "py", "sh", "rs", "md", "ps", "so", "cab", "one", "run",
    ]

    /// Reserved TLDs (RFC 2606/6761/6762) that are not in the PSL but are accepted as names so the
    /// warning lists can report them as dropped.
    public static let reserved: Set<String> = ["example", "test", "invalid", "localhost", "local"]

    static let all: Set<String> = {
        var set = Set<String>()
        for line in BundledData.text("tlds.txt").split(whereSeparator: \.isNewline) {
            let t = line.trimmingCharacters(in: .whitespaces)
            if t.isEmpty || t.hasPrefix("#") { continue }
            set.insert(t.lowercased())
        }
        return set
    }()

    /// Whether `tld` (without dot, any case) is a real top-level domain.
    public static func contains(_ tld: String) -> Bool { all.contains(tld.lowercased()) }

    /// Whether `name` is a syntactically valid host name (LDH labels of 1…63 characters, at least two
    /// labels, at most 253 characters) under a real or reserved TLD.
    public static func isDomainName(_ name: String) -> Bool {
        isDomainName(Array(name.utf8)[...])
    }

    static func isDomainName(_ b: ArraySlice<UInt8>) -> Bool {
        guard b.count >= 3, b.count <= 253 else { return false }
        var labels = 0, labelStart = b.startIndex
        var lastLabel: ArraySlice<UInt8> = []
        var i = b.startIndex
        while i <= b.endIndex {
            if i == b.endIndex || b[i] == UInt8(ascii: ".") {
                let label = b[labelStart..<i]
                guard !label.isEmpty, label.count <= 63, label.first != UInt8(ascii: "-"),
                      label.last != UInt8(ascii: "-") else { return false }
                labels += 1
                lastLabel = label
                labelStart = i + 1
            } else {
                let c = b[i]
                guard RefangedLine.isAlnum(c) || c == UInt8(ascii: "-") else { return false }
            }
            i += 1
        }
        guard labels >= 2 else { return false }
        let tld = String(decoding: lastLabel, as: UTF8.self).lowercased()
        guard tld.utf8.contains(where: { !($0 >= 0x30 && $0 <= 0x39) }) else { return false }
        return all.contains(tld) || reserved.contains(tld)
    }
}
