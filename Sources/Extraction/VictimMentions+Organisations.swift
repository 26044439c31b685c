// Extraction — VictimMentions+Organisations.swift
// Owns the victim organisation's names: companies with their legal forms, public bodies, schools,
// hospitals and banks, departments and teams, projects, core names and names made from its domain.
import Foundation

extension VictimMentions {
    // MARK: - Organisations

    /// Legal forms written before or after a Japanese company name.
    static let japaneseLegalForms = ["株式会社", "有限会社", "合同会社", "一般社団法人", "一般財団法人", "公益社団法人",
                                     "公益財団法人", "独立行政法人", "国立研究開発法人", "(株)", "（株）", "㈱", "(有)", "（有）"]
    nonisolated(unsafe) static let japaneseCompany = try! NSRegularExpression(
        pattern: #"((?:株式会社|有限会社|合同会社|(?:一般|公益)(?:社団|財団)法人|独立行政法人|国立研究開発法人|\(株\)|（株）|㈱)\s?[\p{Han}\p{Katakana}\p{Hiragana}ー・A-Za-zＡ-Ｚａ-ｚ0-9０-９&＆]{1,20}|[\p{Han}\p{Katakana}\p{Hiragana}ー・A-Za-zＡ-Ｚａ-ｚ0-9０-９&＆]{1,20}?\s?(?:株式会社|有限会社|合同会社|\(株\)|（株）|㈱|ホールディングス|グループ本社))"#)
    nonisolated(unsafe) static let englishCompany = try! NSRegularExpression(
        pattern: #"((?:[A-Z][A-Za-z0-9&'\-]*\.?\s){1,5}(?:Co\.,?\s?Ltd\.?|Co\.|Corporation|Corp\.?|Inc\.?|K\.K\.|Ltd\.?|Limited|Holdings|Group|Company))(?![A-Za-z])"#)
    /// Words that end a Japanese company-name match too early ("弊社", "御社") or are not names.
    static let notCompanies: Set<String> = ["株式会社", "弊社", "御社", "貴社", "当社", "同社", "各社", "会社"]

    /// Public bodies, schools, hospitals and banks: 「医療法人清風会 さくら台病院」, 「北浦市役所」, 「国立大学法人西海大学」.
    nonisolated(unsafe) static let institution = try! NSRegularExpression(
        pattern: #"((?:医療法人(?:社団|財団)?|社会福祉法人|学校法人|国立大学法人|公立大学法人|特定非営利活動法人|独立行政法人)\s?[\p{Han}\p{Katakana}\p{Hiragana}ー]{1,16}(?:[\s　][\p{Han}\p{Katakana}\p{Hiragana}ー]{1,12}(?:病院|大学|学園|園|センター))?)"#)
    nonisolated(unsafe) static let namedInstitution = try! NSRegularExpression(
        pattern: #"((?<![\p{Han}\p{Katakana}\p{Hiragana}])[\p{Han}\p{Katakana}\p{Hiragana}ー]{1,12}(?:市役所|町役場|村役場|区役所|県庁|都庁|府庁|道庁|大学|病院|銀行|信用金庫|信用組合|労働金庫))"#)

    static func organizations(in line: String, into found: inout FoundList) {
        for match in matches(institution, in: line, group: 1) + matches(namedInstitution, in: line, group: 1) where match.count >= 4 {
            found.add(match, .organization)
        }
        for match in matches(japaneseCompany, in: line, group: 1) {
            let name = trimCompany(match)
            guard name.count >= 3, !notCompanies.contains(name), !name.hasPrefix("の") else { continue }
            found.add(name, .organization)
        }
        for match in matches(englishCompany, in: line, group: 1) {
            let name = match.trimmingCharacters(in: .whitespaces)
            let words = name.split(separator: " ")
            guard words.count >= 2, !["The", "Dear", "From", "To", "Subject", "Best", "Regards"].contains(String(words[0])) else { continue }
            found.add(name, .organization)
        }
    }

    /// Drops particles and punctuation a greedy match took along.
    static func trimCompany(_ text: String) -> String {
        var name = text.trimmingCharacters(in: .whitespaces)
        for particle in ["の", "は", "が", "を", "様", "御中", "殿", "より", "から", "です"] {
            if let range = name.range(of: particle), !japaneseLegalForms.contains(where: { name.hasPrefix($0) && range.lowerBound == name.startIndex }) {
                // keep only the part that carries the legal form
                let before = String(name[..<range.lowerBound]), after = String(name[range.upperBound...])
                if japaneseLegalForms.contains(where: { before.contains($0) }) || before.hasSuffix("ホールディングス") { name = before }
                else if japaneseLegalForms.contains(where: { after.contains($0) }) { name = after }
            }
        }
        return name.trimmingCharacters(in: .whitespaces)
    }

    // MARK: - Departments and teams

    nonisolated(unsafe) static let department = try! NSRegularExpression(
        pattern: #"((?<![\p{Han}\p{Katakana}ー])[\p{Han}\p{Katakana}ー・]{1,14}(?:本部|事業部|統括部|研究科|学部|研究室|医局|部|課|室|センター|グループ|チーム|事務局|支社|支店|営業所|研究所))(?!(?![宛御各内様殿])\p{Han})"#)
    nonisolated(unsafe) static let team = try! NSRegularExpression(
        pattern: #"((?:[A-Za-z0-9][A-Za-z0-9\-]*[\s\-])?(?:CSIRT|SIRT|PSIRT|SOC|CERT)(?:\-[A-Za-z0-9]+)?)(?![A-Za-z0-9])"#)
    /// Department-like words that name no one ("全部", "一部", "外部", "本部" alone).
    static let notDepartments: Set<String> = ["全部", "一部", "外部", "内部", "本部", "幹部", "細部", "上部", "下部", "部", "課",
                                              "センター", "グループ", "チーム", "当部", "当課", "弊部", "弊課", "各部", "各課", "関係部",
                                              "ヘルプデスク事務局", "事務局", "担当部", "担当課", "担当部署", "相談センター", "サポートセンター"]

    nonisolated(unsafe) static let englishDepartment = try! NSRegularExpression(
        pattern: #"((?:[A-Z][A-Za-z&]*\s){1,3}(?:Dept\.|Department|Division|Section|Office|Center|Centre|Unit|Bureau|Group))(?![A-Za-z])"#)
    /// Words that name a function in English department names.
    static let departmentWords: Set<String> = [
        "Accounting", "General", "Affairs", "Human", "Resources", "Legal", "Procurement", "Sales", "Planning", "R&D", "Research",
        "Development", "IT", "Information", "Systems", "System", "Engineering", "Finance", "Financial", "Public", "Relations",
        "Corporate", "Purchasing", "Marketing", "Security", "Technology", "Technical", "Administration", "Administrative",
        "Business", "Operations", "Production", "Quality", "Assurance", "Compliance", "Audit",
        "Internal", "Risk", "Management", "Strategy", "Personnel", "Facilities", "Logistics", "Manufacturing", "Network",
        "Infrastructure", "Digital", "Overseas", "International", "Design", "Product", "Products", "Safety", "Environment",
        "Supply", "Chain", "Materials", "Treasury", "Tax", "Investor", "Labor", "Labour", "Communications", "Export", "Import",
    ]
    /// Words a department follows directly (「弊社総務部宛」).
    static let ownCompanyWords = ["弊社", "当社", "御社", "貴社", "同社", "弊組合", "当行", "弊行"]

    static func departments(in line: String, into found: inout FoundList) {
        var line = line
        for word in ownCompanyWords where line.contains(word) { line = line.replacingOccurrences(of: word, with: " ") }
        for match in matches(englishDepartment, in: line, group: 1) {
            // Keep the words that name a function ("Accounting", "General Affairs"), not the company before them.
            var words = match.split(separator: " ").map(String.init)
            let last = words.removeLast()
            let kept = words.reversed().prefix { departmentWords.contains($0) }.reversed()
            // "Research Center", "Information Security Office"; never a lone "Security Group" in prose.
            guard !kept.isEmpty, last.hasPrefix("Dep") || last == "Division" || last == "Section" || kept.count >= 1 && last != "Group"
            else { continue }
            found.add((kept + [last]).joined(separator: " "), .department)
        }
        // 「システム部 各位」 addresses a group of colleagues, it names no one in particular.
        for match in matches(department, in: line, group: 1) where !line.hasSuffix("各位") {
            var name = match
            // 「経理部の田中」: the department is before the particle.
            if let range = name.range(of: "の", options: .backwards) { name = String(name[range.upperBound...]) }
            guard name.count >= 3, !notDepartments.contains(name) else { continue }
            found.add(name, .department)
        }
        for match in matches(team, in: line, group: 1) {
            let name = match.trimmingCharacters(in: .whitespaces)
            guard name.count >= 6, !["JPCERT", "US-CERT", "JPCERT/CC"].contains(name), !name.hasPrefix("JPCERT") else { continue }
            found.add(name, .department)
        }
    }

    // MARK: - Projects

    nonisolated(unsafe) static let projectBefore = try! NSRegularExpression(
        pattern: #"((?:プロジェクト|Project|PROJECT|project|案件名|コードネーム|Codename|codename|Code name|code name|開発コード)\s*[:：]?\s*[「『"“]?([A-Za-z0-9\p{Han}\p{Katakana}ー]{2,20})[」』"”]?)"#)
    nonisolated(unsafe) static let projectAfter = try! NSRegularExpression(
        pattern: #"([「『]?((?<![\p{Hiragana}])[A-Za-z0-9\p{Han}\p{Katakana}ー][A-Za-z0-9\p{Han}\p{Katakana}\p{Hiragana}ー]{1,11})[」』]?(?:プロジェクト|案件|PJ|計画)(?![部課室]))"#)
    static let particles = ["の", "を", "は", "が", "に", "で", "と", "へ", "も", "や", "から", "まで", "より", "など", "について", "として", "です", "でした", "ます"]
    static let notProjects: Set<String> = ["本件の", "この件の", "同", "この", "本件", "当該", "新規", "既存", "関連", "同", "本", "弊社", "対応", "調査", "the", "The"]

    static func projects(in line: String, into found: inout FoundList) {
        // The phrase as written ("プロジェクト北斗", "製油所更新計画"); the anonymiser also matches its core.
        for (whole, name) in matchPairs(projectBefore, in: line) where !notProjects.contains(name) {
            found.add(whole.trimmingCharacters(in: CharacterSet(charactersIn: " 「」『』\"“”")), .project)
        }
        for (whole, name) in matchPairs(projectAfter, in: line) where !notProjects.contains(name) && !name.hasSuffix("の") {
            var phrase = whole.trimmingCharacters(in: CharacterSet(charactersIn: " 「」『』"))
            // A code name after the word: 「新型車両計画いろは」 (not 「…計画について」).
            if let range = line.range(of: whole) {
                let after = line[range.upperBound...].prefix { ("ぁ"..."ゖ").contains($0) || ("ァ"..."ヺ").contains($0) || $0 == "ー" }
                if after.count >= 2, !particles.contains(where: { after.hasPrefix($0) }) { phrase += after }
            }
            found.add(phrase, .project)
        }
    }

}

// MARK: - Names made from the member's domain

extension VictimMentions {
    /// Words written from the member's mail domain: "MomijiOil", "ChitoseWaterService_RFQ" for
    /// `momiji-oil.com`, `chitose-water.example.jp` (attackers name files and pages after the target).
    public static func domainDerivedNames(_ domains: [String], in texts: [String]) -> [String] {
        var result: [String] = []
        let stems = domains.flatMap { domain -> [String] in
            let label = (domain.split(separator: ".").first.map(String.init) ?? domain).lowercased()
            let first = label.split(separator: "-").first.map(String.init) ?? label
            return [label.replacingOccurrences(of: "-", with: ""), first].filter { $0.count >= 5 }
        }
        guard !stems.isEmpty else { return [] }
        // "Shirasagi Precision", "ASAGI GAS": the domain's first word and the capitalised words after it.
        let firstWords = Set(domains.compactMap { $0.split(separator: ".").first?.split(separator: "-").first.map { $0.lowercased() } }
            .filter { $0.count >= 3 })
        // Only texts that write a stem at all are split into words (most do not: measured, splitting
        // every body was 7 % of extraction time in the release benchmark).
        let candidates = texts.filter { text in (stems + Array(firstWords)).contains { text.range(of: $0, options: .caseInsensitive) != nil } }
        for text in candidates {
            let words = text.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber || $0 == "&")) }).map(String.init)
            for (index, word) in words.enumerated() where firstWords.contains(word.lowercased()) && word.first?.isUppercase == true {
                let following = words[(index + 1)...].prefix(3).prefix { $0.first?.isUppercase == true && !englishLegalWords.contains($0)
                    && !departmentWords.contains($0) && !departmentWords.contains($0.capitalized) && !["Dept", "Department", "Division"].contains($0) }
                guard !following.isEmpty else { continue }
                let name = ([word] + following).joined(separator: " ")
                if text.contains(name), !result.contains(name) { result.append(name) }
            }
        }
        for text in candidates {
            for token in text.split(whereSeparator: { !($0.isASCII && ($0.isLetter || $0.isNumber)) }) {
                let word = String(token)
                let lowered = word.lowercased()
                // CamelCase as written in file names ("MomijiOil"), not a Windows domain ("AOITEL").
                guard stems.contains(where: { lowered.hasPrefix($0) }), word.filter(\.isUppercase).count >= 2,
                      word.contains(where: \.isLowercase), !result.contains(word) else { continue }
                result.append(word)
            }
        }
        return result
    }
}


// MARK: - Organisation name forms

extension VictimMentions {
    /// Japanese legal forms and English company words stripped to find an organisation's core name.
    static let legalFormWords = ["医療法人社団", "医療法人財団", "医療法人", "社会福祉法人", "学校法人", "国立大学法人", "公立大学法人",
                                 "特定非営利活動法人", "独立行政法人", "役所", "役場", "株式会社", "有限会社", "合同会社", "(株)", "（株）", "㈱", "(有)", "（有）"]
    static let englishLegalWords: Set<String> = ["Co", "Ltd", "Inc", "Corp", "Corporation", "Limited", "Company", "K", "KK",
                                                  "CO", "LTD", "INC", "CORP", "CORPORATION"]
    static let englishLegalForms = [", Co., Ltd.", " Co., Ltd.", " Co.,Ltd.", " Co. Ltd.", " Co., Ltd", " Corporation", " Corp.",
                                    " Inc.", " K.K.", " Ltd.", " Limited", " Holdings", " Company", " Co."]

    /// The organisation's name without its legal form: 「株式会社北斗電力」→「北斗電力」, "Momiji Oil Co., Ltd." → "Momiji Oil".
    public static func coreName(of organization: String) -> String {
        var core = organization.trimmingCharacters(in: .whitespaces)
        for form in legalFormWords {
            if core.hasPrefix(form) { core = String(core.dropFirst(form.count)) }
            if core.hasSuffix(form) { core = String(core.dropLast(form.count)) }
        }
        for form in englishLegalForms where core.lowercased().hasSuffix(form.lowercased()) {
            core = String(core.dropLast(form.count))
            break
        }
        return core.trimmingCharacters(in: CharacterSet(charactersIn: " 　,"))
    }

    /// The core names of `organizations` (without the legal form), and the other ways `texts` write
    /// them (an English name in capitals or without spaces: "MOMIJI OIL", "AsagiGas"), as written there.
    public static func standaloneCoreNames(of organizations: [String], in texts: [String]) -> [String] {
        var result: [String] = []
        let sortedFull = organizations.sorted { $0.count > $1.count }
        for organization in organizations {
            let core = coreName(of: organization)
            guard core.count >= 2, core != organization else { continue }
            let words = core.split(separator: " ").map { NSRegularExpression.escapedPattern(for: String($0)) }
            let pattern = words.count > 1 ? words.joined(separator: "[ 　_\\-]?") : words.joined()
            if !result.contains(core) { result.append(core) }
            guard let expression = try? NSRegularExpression(pattern: "(?<![A-Za-z0-9.@/\\-])" + pattern + "(?![a-z0-9.@\\-])",
                                                            options: core.allSatisfy(\.isASCII) ? [.caseInsensitive] : []) else { continue }
            for text in texts {
                var rest = text
                for full in sortedFull { rest = rest.replacingOccurrences(of: full, with: "\u{1}") }
                for match in matches(expression, in: rest, group: 0) where !result.contains(match) { result.append(match) }
            }
        }
        return result
    }
}
