// Anonymization — OrganizationNames.swift
// Owns the variants under which an organisation's name appears in text: the registered name with
// its legal form ("株式会社", "(株)", "Corp.", "Co., Ltd.") taken off, so "Denryoku A Corp." is
// also found as "Denryoku A" and "株式会社電力A" as "電力A".

enum OrganizationNames {
    static let prefixes = ["株式会社", "有限会社", "合同会社", "合資会社", "一般社団法人", "一般財団法人", "公益社団法人",
                           "公益財団法人", "独立行政法人", "国立研究開発法人", "(株)", "（株）", "㈱", "(有)", "（有）"]
    static let suffixes = ["株式会社", "有限会社", "合同会社", "(株)", "（株）", "㈱", "(有)", "（有）",
                           " corporation", " corp.", " corp", " co., ltd.", " co.,ltd.", " co. ltd.", " co., ltd",
                           " co.,ltd", " co. ltd", " co.", " ltd.", " ltd", ", inc.", " inc.", " inc", " k.k.",
                           " kk", " llc", " company", " holdings", " group"]

    /// The name without its legal form (nothing if that leaves fewer than three characters).
    ///
    /// ```swift
    /// OrganizationNames.variants(of: "Denryoku A Corp.")   // ["Denryoku A"]
    /// OrganizationNames.variants(of: "電力A社")             // []
    /// ```
    static func variants(of name: String) -> [String] {
        var current = name.trimmingSpaces
        var changed = true
        while changed {
            changed = false
            let lower = current.lowercased()
            for prefix in prefixes where lower.hasPrefix(prefix.lowercased()) {
                current = String(current.dropFirst(prefix.count)).trimmingSpaces
                changed = true
                break
            }
            let lowerAfter = current.lowercased()
            for suffix in suffixes where lowerAfter.hasSuffix(suffix) {
                current = String(current.dropLast(suffix.count)).trimmingSpaces
                while current.hasSuffix(",") { current.removeLast() }
                changed = true
                break
            }
        }
        let folded = FoldedText(current).scalars.filter { $0 != " " }
        guard folded.count >= 3, current != name.trimmingSpaces else { return [] }
        return [current]
    }
}
