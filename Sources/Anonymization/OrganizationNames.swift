// Anonymization — OrganizationNames.swift
// Owns the variants under which an organisation's name appears in text: the registered name with
// its legal form ("株式会社", "(株)", "㈱", "社", "Corp.", "Co., Ltd.", "K.K.", "Holdings") taken off
// down to a core name, so "Denryoku A Corp." is also found as "Denryoku A", "電力A社" as
// "電力A株式会社", "(株)電力A" and "電力Aの経理部"; and the legal forms a match is widened over.

enum OrganizationNames {
    static let prefixes = ["株式会社", "有限会社", "合同会社", "合資会社", "合名会社", "一般社団法人", "一般財団法人",
                           "公益社団法人", "公益財団法人", "独立行政法人", "国立研究開発法人", "(株)", "(有)", "(同)"]
    static let suffixes = ["株式会社", "有限会社", "合同会社", "ホールディングス", "グループ", "(株)", "(有)", "(同)", "社",
                           " corporation", " corp.", " corp", " co., ltd.", " co.,ltd.", " co. ltd.", " co., ltd",
                           " co.,ltd", " co. ltd", " co.", " ltd.", " ltd", " limited", ", inc.", " inc.", " inc",
                           " k.k.", " kk", " g.k.", " llc", " company", " holdings", " group", " kabushiki kaisha"]

    /// Legal forms as they are searched next to a match (folded, without spaces).
    static let foldedLegalForms: [[Unicode.Scalar]] = (prefixes + suffixes)
        .map { FoldedText.needle($0) }
        .filter { !$0.isEmpty }
        .sorted { $0.count > $1.count }

    /// The name without its legal form (nothing if that leaves fewer than three characters or a
    /// common word).
    ///
    /// ```swift
    /// OrganizationNames.variants(of: "Denryoku A Corp.")   // ["Denryoku A"]
    /// OrganizationNames.variants(of: "電力A社")             // ["電力A"]
    /// OrganizationNames.variants(of: "A社")                 // [] (too short to search alone)
    /// ```
    static func variants(of name: String) -> [String] {
        let core = coreName(of: name)
        let folded = FoldedText.needle(core)
        guard folded.count >= 3, core != name.trimmingSpaces, !CommonWords.contains(folded) else { return [] }
        return [core]
    }

    /// The name with every legal-form prefix and suffix taken off.
    static func coreName(of name: String) -> String {
        var current = normalizedParentheses(name.trimmingSpaces)
        var changed = true
        while changed {
            changed = false
            let lower = current.lowercased()
            for prefix in prefixes where lower.hasPrefix(prefix.lowercased()) && lower.count > prefix.count {
                current = String(current.dropFirst(prefix.count)).trimmingSpaces
                changed = true
                break
            }
            let lowerAfter = current.lowercased()
            for suffix in suffixes where lowerAfter.hasSuffix(suffix) && lowerAfter.count > suffix.count {
                current = String(current.dropLast(suffix.count)).trimmingSpaces
                while current.hasSuffix(",") { current.removeLast() }
                changed = true
                break
            }
        }
        return current
    }

    /// "（株）" and "㈱" written as "(株)", so one list of legal forms serves.
    private static func normalizedParentheses(_ name: String) -> String {
        name.replacingAll("（", with: "(").replacingAll("）", with: ")").replacingAll("㈱", with: "(株)")
            .replacingAll("㈲", with: "(有)")
    }
}

extension String {
    /// Every occurrence of `target` replaced (without Foundation).
    func replacingAll(_ target: String, with replacement: String) -> String {
        guard !target.isEmpty, contains(target) else { return self }
        var result = ""
        var rest = self[...]
        while let range = rest.firstRange(of: target) {
            result += rest[..<range.lowerBound]
            result += replacement
            rest = rest[range.upperBound...]
        }
        return result + rest
    }
}

/// Words too common to be searched as an identifier on their own: a person, project or department
/// named like this, or a domain label like "mail", would wipe unrelated text.
enum CommonWords {
    static let words: Set<String> = [
        "admin", "administrator", "root", "user", "users", "guest", "test", "info", "mail", "email", "www", "web",
        "support", "service", "system", "server", "host", "office", "corp", "group", "company", "team", "staff",
        "account", "accounts", "sales", "soc", "csirt", "cert", "security", "it", "hr", "dev", "prod", "portal",
        "login", "vpn", "gw", "smtp", "pop", "imap", "ftp", "ns", "dns", "api", "app", "home", "main", "local",
        "example", "internal", "default", "none", "null", "unknown", "the", "and", "inc", "ltd", "co",
        "担当", "担当者", "総務", "経理", "社員", "会社", "株式会社", "本社", "支社", "部長", "課長", "電力", "ガス",
        "石油", "化学", "通信", "金融", "システム", "サーバ", "サーバー", "メール", "情報", "管理者", "ご担当者様",
    ]
    private static let folded: Set<[Unicode.Scalar]> = Set(words.map { FoldedText.needle($0) })

    static func contains(_ needle: [Unicode.Scalar]) -> Bool { folded.contains(needle) }
}
