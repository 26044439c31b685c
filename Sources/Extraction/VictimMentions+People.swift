// Extraction — VictimMentions+People.swift
// Owns the victim's people: self-introductions, name lines of signatures in kanji, kana and romaji,
// job titles around them, the attacker's salutation, and what a person's name looks like.
import Foundation

extension VictimMentions {
    // MARK: - People

    nonisolated(unsafe) static let introduction = try! NSRegularExpression(
        pattern: #"(?:^|(?<=[。、\s　の）)」]))([\p{Han}]{1,4}(?:[\s　]?[\p{Han}]{1,3})?)(?:です|と申します|でございます)"#)
    static let notNames: Set<String> = ["調査役", "係員", "担当者", "事務長", "草々", "早々", "各位", "以上", "本件", "不審", "確認", "転送", "報告", "連絡", "対応", "宜", "何卒", "念", "件",
                                        "情報共有", "注意喚起", "緊急連絡", "至急確認", "添付資料", "標的型攻撃", "報告事項", "取急",
                                        "不審送信者", "調査結果", "対応状況", "被害状況", "今後対応", "確認依頼", "共有事項"]

    nonisolated(unsafe) static let englishIntroduction = try! NSRegularExpression(
        pattern: #"(?:(?:This is|My name is|I am|I'm|it's|It's)\s+((?:[A-Z][a-z]+|[A-Z]{2,})\s(?:[A-Z][a-z]+|[A-Z]{2,}))|^((?:[A-Z][a-z]+|[A-Z]{2,})\s(?:[A-Z][a-z]+|[A-Z]{2,})),?\s+(?:here|speaking|writing))(?:,?\s+(?:of|from|at|with)\s+((?:[A-Z][A-Za-z&\-]*\.?,?\s?){1,6}))?"#)

    /// "Greetings from Ryo Ishikawa at Kuroshio Shipping Co., Ltd.", "Ai Nakamura of Hokuto Electric Power".
    nonisolated(unsafe) static let nameAtOrganization = try! NSRegularExpression(
        pattern: #"(?:^|[\s,])((?:[A-Z][a-z]+|[A-Z]{2,})\s(?:[A-Z][a-z]+|[A-Z]{2,}))\s+(?:at|of|from|with)\s+((?:[A-Z][A-Za-z0-9&'\-]*\.?,?\s?){1,5}(?:Co\.,?\s?Ltd\.?|Co\.|Corporation|Corp\.?|Inc\.?|K\.K\.|Ltd\.?|Limited|Holdings|Group|Company)|(?:[A-Z][A-Za-z0-9&'\-]*\s?){1,4}(?=[.,;!]|$))"#)

    static func selfIntroduction(in line: String, into found: inout FoundList) {
        for groups in allGroups(nameAtOrganization, in: line) where groups.count == 2 {
            let name = groups[0]
            guard !isCompanyWord(name), !notRomajiNames.contains(name), !["Greetings", "Hello", "Regards"].contains(where: name.hasPrefix)
            else { continue }
            found.add(name, .person)
            found.add(groups[1].trimmingCharacters(in: CharacterSet(charactersIn: " ,")), .organization)
        }
        for groups in allGroups(englishIntroduction, in: line) where groups.count >= 3 {
            let name = groups[0].isEmpty ? groups[1] : groups[0]
            if !name.isEmpty, !isCompanyWord(name), !notRomajiNames.contains(name) { found.add(name, .person) }
            if !groups[2].isEmpty {
                let organization = groups[2].trimmingCharacters(in: CharacterSet(charactersIn: " ,."))
                let abbreviated = ["Inc", "Ltd", "Co", "Corp", "K.K"].contains { organization.hasSuffix($0) }
                let withPeriod = abbreviated && line.contains(organization + ".") ? organization + "." : organization
                if withPeriod.split(separator: " ").count >= 2 || withPeriod.count >= 4 { found.add(withPeriod, .organization) }
            }
        }
        let range = NSRange(line.startIndex..., in: line)
        for match in introduction.matches(in: line, range: range) {
            guard let nameRange = Range(match.range(at: 1), in: line) else { continue }
            let name = String(line[nameRange])
            // 「田中 健太です」 is one name, never 「健太」 alone.
            let before = line[..<nameRange.lowerBound].reversed().drop { $0 == " " || $0 == "　" }.first
            guard !notNames.contains(name), name.count >= 2, before.map({ !($0.unicodeScalars.first?.properties.isIdeographic ?? false) }) ?? true
            else { continue }
            found.add(name, .person)
        }
    }

    nonisolated(unsafe) static let kanjiName = try! NSRegularExpression(
        pattern: #"^([\p{Han}]{1,4}[\s　][\p{Han}\p{Hiragana}]{1,4})(?:\s*[（(]([\p{Hiragana}\p{Katakana}ー]{2,8}[\s　]?[\p{Hiragana}\p{Katakana}ー]{1,8})[)）])?(?:\s*[/／|]\s*([A-Z][a-zA-Z]+\s[A-Z][a-zA-Z]+))?\s*$"#)
    nonisolated(unsafe) static let organizationBeforeDepartment = try! NSRegularExpression(
        pattern: #"^([\p{Han}\p{Katakana}ー]{2,12})[\s　]+[\p{Han}\p{Katakana}ー]{1,12}(?:本部|事業部|部|課|室|センター|グループ)(?:[\s　]|$)"#)
    /// A signature line that is only a name written without a space: 「佐藤花子」, 「佐藤花子 (さとう はなこ)」.
    nonisolated(unsafe) static let compactKanjiName = try! NSRegularExpression(
        pattern: #"^([\p{Han}]{3,5})(?:\s*[（(]([\p{Hiragana}\p{Katakana}ー]{2,8}[\s　]?[\p{Hiragana}\p{Katakana}ー]{1,8})[)）])?(?:\s*[/／|]\s*([A-Z][a-zA-Z]+\s[A-Z][a-zA-Z]+))?\s*$"#)
    /// Endings of kanji-only words that are not names (departments, organisations, closings).
    static let notNameEndings = ["部", "課", "室", "局", "省", "庁", "社", "所", "会", "院", "店", "係", "班", "長", "様", "殿", "宛", "中", "上", "具", "拝"]
    nonisolated(unsafe) static let kanaName = try! NSRegularExpression(
        pattern: #"^([\p{Katakana}ー]{2,8}[\s　][\p{Katakana}ー]{2,8}|[\p{Hiragana}]{2,6}[\s　][\p{Hiragana}]{2,6})\s*$"#)
    nonisolated(unsafe) static let romajiName = try! NSRegularExpression(
        pattern: #"^(?:Mr\.|Ms\.|Mrs\.|Dr\.)?\s*((?:[A-Z][a-z]+|[A-Z]{2,})\s(?:[A-Z][a-z]+|[A-Z]{2,}))\s*$"#)
    /// A name that follows an organisation or department on a signature line: 「北斗電力株式会社 情報システム部 田中 一郎」.
    nonisolated(unsafe) static let trailingKanjiName = try! NSRegularExpression(
        pattern: #"(?:部|課|室|センター|グループ|チーム|株式会社|㈱|（株）|\(株\)|CSIRT|SOC)[\s　]+([\p{Han}]{1,4}[\s　]?[\p{Han}]{1,3})(?:[\s　]*[（(]([\p{Hiragana}\p{Katakana}ー\s　]{2,16})[)）])?\s*$"#)
    nonisolated(unsafe) static let parenthesisedRomaji = try! NSRegularExpression(
        pattern: #"[（(/／]\s*((?:[A-Z][a-z]+|[A-Z]{2,})\s(?:[A-Z][a-z]+|[A-Z]{2,}))\s*[)）]?"#)
    static let notRomajiNames: Set<String> = ["Best Regards", "Kind Regards", "Thank You", "Thanks Again", "Original Message",
                                              "Forwarded Message", "Best Wishes", "Dear Sir", "Dear Customer", "Information Security",
                                              "Security Team", "Incident Response", "General Affairs", "Sent From"]

    static func personLine(_ line: String, into found: inout FoundList) {
        // A name line: every piece between separators (/, |, brackets) is a name in some script
        // (「加藤真理子 (Mariko Kato)」, 「まつもと まこと / Makoto Matsumoto」).
        let line = withoutTitles(line)
        let pieces = line.split(whereSeparator: { "/／|｜()（）".contains($0) })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        // Names lead such lines; a line that starts otherwise (「件名: 応募書類の送付（中途採用）」) is not one.
        if !pieces.isEmpty, pieces.count <= 4, looksLikePersonName(pieces[0]) {
            // "Ichiro Tanaka | Security Engineer | …": the pieces that are names.
            for piece in pieces where looksLikePersonName(piece) && (pieces.count > 1 || piece.contains(" ") || piece.contains("　")) {
                found.add(piece, .person)
            }
        }
        for groups in allGroups(kanjiName, in: line) {
            guard let name = groups.first, looksLikePersonName(name) else { continue }
            for group in groups where !group.isEmpty { found.add(group, .person) }
        }
        // 「葵通信 人事部」: a name standing before a department on a signature line is the organisation's.
        for name in matches(organizationBeforeDepartment, in: line, group: 1) where !notCompanies.contains(name) {
            found.add(name, .organization)
        }
        for groups in allGroups(compactKanjiName, in: line) {
            guard let name = groups.first, !notNames.contains(name), !notNameEndings.contains(where: { name.hasSuffix($0) })
            else { continue }
            for group in groups where !group.isEmpty { found.add(group, .person) }
        }
        for name in matches(kanaName, in: line, group: 1) { found.add(name, .person) }
        for name in matches(romajiName, in: line, group: 1) where !notRomajiNames.contains(name) && !isCompanyWord(name) {
            found.add(name, .person)
        }
        for groups in allGroups(trailingKanjiName, in: line) {
            for group in groups where !group.isEmpty && looksLikePersonName(group) {
                found.add(group.trimmingCharacters(in: .whitespaces), .person)
            }
        }
        for name in matches(parenthesisedRomaji, in: line, group: 1) where !notRomajiNames.contains(name) && !isCompanyWord(name) {
            found.add(name, .person)
        }
    }

    /// Job titles written around names on signature lines (「情報システム部 部長 田中 一郎」, "Manager").
    static let titles = ["代表取締役社長", "代表取締役", "取締役", "執行役員", "社長", "本部長", "部長代理", "部長", "次長", "課長代理",
                         "課長", "係長", "室長", "センター長", "グループ長", "主任", "主査", "主幹", "参事", "調査役", "係員", "担当者", "課員", "部員", "所長", "院長", "事務長", "担当課長", "担当部長",
                         "リーダー", "マネージャー", "マネジャー", "チーフ", "CISO", "CIO", "Manager", "Director", "Engineer",
                         "Analyst", "Specialist", "Leader", "Chief"]

    /// The line with job titles standing as words of their own replaced by spaces.
    static func withoutTitles(_ line: String) -> String {
        let words = line.split(separator: " ", omittingEmptySubsequences: false).map(String.init)
        guard words.contains(where: { titles.contains($0) }) else { return line }
        return words.map { titles.contains($0) ? "" : $0 }.joined(separator: " ")
            .replacingOccurrences(of: "  ", with: " ").trimmingCharacters(in: .whitespaces)
    }

    static func isCompanyWord(_ text: String) -> Bool {
        ["Co", "Ltd", "Inc", "Corp", "Corporation", "Group", "Holdings", "Company", "Team", "CSIRT", "SOC", "Center", "Centre",
         "Department", "Division", "Section", "Security", "Office"].contains { text.contains($0) }
    }

    // MARK: - Salutations

    nonisolated(unsafe) static let japaneseSalutation = try! NSRegularExpression(
        pattern: #"^(.{2,40}?)\s*(?:様|さま|御中|殿|各位)[\s、,。]*$"#)
    nonisolated(unsafe) static let englishSalutation = try! NSRegularExpression(
        pattern: #"^(?:Dear|Hello|Hi|Attn:?|Attention:?)\s+(?:Mr\.|Ms\.|Mrs\.|Dr\.)?\s*([A-Z][A-Za-z\-]+(?:\s[A-Z][A-Za-z\-]+){0,2})\s*[,:]?\s*$"#)
    static let genericAddressees: Set<String> = ["お客", "お客様", "ご担当者", "ご担当者様", "担当者", "各位", "関係者", "皆", "皆様",
                                                 "Customer", "Sir", "Madam", "Sir or Madam", "User", "Colleague", "Colleagues", "All",
                                                 "Team", "Valued Customer", "Client", "Member", "Members", "取引先", "取引先各位"]

    static func salutation(_ line: String, into found: inout FoundList) {
        for addressee in matches(japaneseSalutation, in: line, group: 1) {
            var pieces = addressee.split(whereSeparator: { $0 == " " || $0 == "　" }).map(String.init)
            pieces = pieces.filter { !genericAddressees.contains($0) && !$0.hasPrefix("ご担当") }
            guard !pieces.isEmpty else { continue }
            var local = FoundList()
            organizations(in: addressee, into: &local)
            departments(in: addressee, into: &local)
            for item in local.items { found.add(item.value, item.kind) }
            // What is left after the organisation and department is the person.
            let rest = pieces.filter { piece in !local.items.contains { $0.value.contains(piece) || piece.contains($0.value) } }
            let name = rest.joined(separator: " ")
            if !name.isEmpty, name.count <= 12, !genericAddressees.contains(name),
               name.unicodeScalars.allSatisfy({ $0.properties.isIdeographic || $0 == "々" || $0 == " " || ("ぁ"..."ヿ").contains($0) }) {
                found.add(name, .person)
            }
        }
    }

}

// MARK: - Person names

extension VictimMentions {
    nonisolated(unsafe) static let personName = try! NSRegularExpression(
        pattern: #"^(?:[\p{Han}]{1,4}[\s　]?[\p{Han}]{1,3}|[\p{Katakana}ー]{2,8}[\s　][\p{Katakana}ー]{2,8}|[\p{Hiragana}]{2,6}[\s　][\p{Hiragana}]{2,6}|(?:[A-Z][a-z]+|[A-Z]{2,})\s(?:[A-Z][a-z]+|[A-Z]{2,}))$"#)
    static let notPersonWords = ["Support", "Helpdesk", "Help", "Desk", "Team", "Center", "Centre", "Admin", "Service", "Services",
                                 "Office", "Security", "Info", "Information", "Notice", "System", "Systems", "Account", "Accounts",
                                 "Customer", "Mail", "Billing", "Delivery", "Shipping", "Sales", "Bank", "Cloud", "Microsoft",
                                 "Apple", "Amazon", "Google", "Forum", "Secretariat", "Update", "Updates", "Notification", "IT", "HR"]

    /// Endings of words that name a role or a unit, never a person (「採用担当」, 「受付窓口」).
    static let roleEndings = ["担当", "窓口", "係", "部", "課", "室", "局", "センター", "事務局", "デスク", "サポート", "本部", "チーム"]

    /// True for a display name that is a person's ("田中 健太", "Takahashi Misaki", "ヤマダ タロウ"), not a
    /// role or an organisation ("IT Helpdesk", "厚生労働省", "Asia Pacific Energy Forum 事務局").
    public static func looksLikePersonName(_ text: String) -> Bool {
        let name = text.trimmingCharacters(in: .whitespaces)
        guard !matches(personName, in: name, group: 0).isEmpty else { return false }
        let pieces = name.split(whereSeparator: { $0 == " " || $0 == "　" }).map(String.init)
        if pieces.contains(where: { notPersonWords.contains($0) || departmentWords.contains($0) }) || notRomajiNames.contains(name) {
            return false
        }
        if pieces.contains(where: { piece in roleEndings.contains { piece.hasSuffix($0) } }) { return false }
        return !notNameEndings.contains { name.hasSuffix($0) } && !notNames.contains(name)
    }
}
