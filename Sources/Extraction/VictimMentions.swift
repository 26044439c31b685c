// Extraction — VictimMentions.swift
// Owns finding the victim in what the victim side wrote: the forwarder's own words and signature
// (people's names in kanji, kana and romaji, the organisation with and without its legal form, its
// English name, departments and CSIRT/team names, phone and fax numbers, internal hosts and
// addresses, Windows DOMAIN\user accounts, project and code names) and the attacker's salutation
// (「北斗電力株式会社 総務部 田中様」, "Dear Mr. Tanaka"). Everything found is a victim identifier:
// kept in the held copy for the provider, scrubbed from everything shared.
import Foundation

/// What a victim identifier is, so that the anonymiser can put the right placeholder in its place.
public enum VictimIdentifierKind: String, Sendable, Hashable {
    case email, address, host, domain, postal, person, organization, department, phone, project, account
}

/// One victim identifier as it was written.
public struct VictimIdentifier: Sendable, Hashable {
    public var value: String
    public var kind: VictimIdentifierKind

    public init(_ value: String, _ kind: VictimIdentifierKind) {
        self.value = value; self.kind = kind
    }
}

/// Finds victim identifiers in free text written by (or addressed to) the victim side.
///
/// ```swift
/// let found = VictimMentions.inForwarderText("""
///     お疲れ様です。情報システム部の田中です。不審メールを転送します。
///     --
///     北斗電力株式会社 情報システム部 田中 一郎 (Ichiro Tanaka)
///     TEL: 03-1234-5678 / FAX: 03-1234-5679
///     """)
/// found.map(\.value)   // ["北斗電力株式会社", "情報システム部", "田中 一郎", "Ichiro Tanaka", "03-1234-5678", ...]
/// ```
public enum VictimMentions {
    /// Identifiers in a forwarder's own text (everything above the forwarded attack, signature included).
    public static func inForwarderText(_ text: String) -> [VictimIdentifier] {
        var found = FoundList()
        let text = looksLikeHTML(text) ? plainText(fromHTML: text) : text
        let lines = text.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).map { String($0) }
        for line in lines {
            // Quoted forwards keep their '>' marks in the forwarder's text: the words are still theirs.
            let trimmed = String(line.drop { $0 == ">" || $0 == " " || $0 == "\t" }).trimmingCharacters(in: .whitespaces)
            guard !trimmed.isEmpty else { continue }
            scanLine(trimmed, into: &found, signature: true)
        }
        return found.items
    }

    /// Identifiers in the attack's salutation: the first lines of its body that address the victim
    /// (「北斗電力株式会社 御中」, 「総務部 田中 一郎 様」, "Dear Mr. Tanaka,").
    public static func inSalutation(_ body: String) -> [VictimIdentifier] {
        var found = FoundList()
        var lines: [String] = []
        for raw in body.split(whereSeparator: \.isNewline) {
            let line = raw.trimmingCharacters(in: .whitespaces)
            guard !line.isEmpty else { continue }
            lines.append(line)
            if lines.count == 4 { break }
        }
        // The addressee block: the lines up to the one that ends in 様/御中/殿 (organisation and
        // department lines often stand above the person's), or an English greeting.
        if let last = lines.firstIndex(where: { !matches(japaneseSalutation, in: $0, group: 1).isEmpty }) {
            for line in lines[..<last] where line.count <= 40 {
                var local = FoundList()
                organizations(in: line, into: &local)
                departments(in: line, into: &local)
                // A bare name on the line above the addressee is the organisation (「千歳水道サービス」).
                if local.items.isEmpty, line.count <= 24, !genericAddressees.contains(line),
                   line.unicodeScalars.allSatisfy({ $0.properties.isIdeographic || ("ァ"..."ヺ").contains($0) || $0 == "ー"
                       || ("A"..."Z").contains($0) || ("a"..."z").contains($0) || $0 == " " || $0 == "&" }) {
                    local.add(line, .organization)
                }
                for item in local.items { found.add(item.value, item.kind) }
            }
            salutation(lines[last], into: &found)
        }
        for line in lines.prefix(2) {
            for name in matches(englishSalutation, in: line, group: 1) where !genericAddressees.contains(name) {
                found.add(name, .person)
            }
        }
        return found.items
    }

    /// Identifiers in a subject that addresses the victim: 「ご相談の件（北斗電力様）」, 「葵通信 御中 契約書送付」.
    public static func inSubject(_ subject: String) -> [VictimIdentifier] {
        var found = FoundList()
        for addressee in matches(subjectAddressee, in: subject, group: 1) {
            let name = addressee.trimmingCharacters(in: .whitespaces)
            guard name.count >= 2, !genericAddressees.contains(name), !name.hasPrefix("ご担当"), !name.hasPrefix("お客") else { continue }
            var local = FoundList()
            organizations(in: name, into: &local)
            departments(in: name, into: &local)
            if !local.items.isEmpty {
                for item in local.items { found.add(item.value, item.kind) }
            } else {
                found.add(name, looksLikeOrganization(name) || !looksLikePersonName(name) ? .organization : .person)
            }
        }
        return found.items
    }

    nonisolated(unsafe) static let subjectAddressee = try! NSRegularExpression(
        pattern: #"(?:^|[（(【\[「『\s　:：_\-])([^（()）【】\[\]「」『』\s　:：、,_\-]{2,16}?)\s?(?:様|さま|御中|殿)"#)
    /// Words that end Japanese organisation names (sectors of the seeds, and common company words).
    static let organizationEndings = ["電力", "ガス", "石油", "通信", "化学", "工業", "重機", "精機", "水道", "銀行", "証券", "保険",
                                      "商事", "物産", "電機", "電気", "製作所", "建設", "鉄道", "運輸", "放送", "新聞", "製薬", "食品",
                                      "自動車", "重工", "産業", "興業", "商会", "機械", "電工", "技研", "システム", "サービス",
                                      "テレコム", "ネットワーク", "エネルギー", "ホールディングス", "グループ", "協会", "機構", "財団",
                                      "大学", "病院", "研究所", "市役所", "県庁", "省", "庁"]

    /// True for a name written like an organisation's (a company word at its end, katakana or Latin letters in it).
    static func looksLikeOrganization(_ name: String) -> Bool {
        if organizationEndings.contains(where: { name.hasSuffix($0) }) { return true }
        if legalFormWords.contains(where: { name.contains($0) }) { return true }
        return name.unicodeScalars.contains { ("ァ"..."ヺ").contains($0) || ("A"..."Z").contains($0) || ("a"..."z").contains($0) }
    }

    static func looksLikeHTML(_ text: String) -> Bool {
        text.contains("<br") || text.contains("<p>") || text.contains("<div") || text.contains("&gt;") || text.contains("&lt;")
    }

    /// Lines of an HTML fragment: breaks and block ends become line ends, tags go, entities are decoded.
    static func plainText(fromHTML html: String) -> String {
        var text = html
        for tag in ["<br>", "<br/>", "<br />", "</p>", "</div>", "</tr>", "</li>", "<BR>"] {
            text = text.replacingOccurrences(of: tag, with: "\n")
        }
        text = text.replacingOccurrences(of: #"<[^>]{0,200}>"#, with: "", options: .regularExpression)
        for (entity, character) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&nbsp;", " "), ("&amp;", "&")] {
            text = text.replacingOccurrences(of: entity, with: character)
        }
        return text
    }

    // MARK: - One line

    static func scanLine(_ line: String, into found: inout FoundList, signature: Bool) {
        for match in matches(postalAddress, in: line, group: 1) { found.add(match.trimmingCharacters(in: .whitespaces), .postal) }
        phones(in: line, into: &found)
        organizations(in: line, into: &found)
        departments(in: line, into: &found)
        accountsAndHosts(in: line, into: &found)
        projects(in: line, into: &found)
        selfIntroduction(in: line, into: &found)
        if signature { personLine(line, into: &found) }
    }

    // MARK: - Postal addresses

    /// 「〒530-0001 大阪府大阪市北区梅田4-17-5」 (up to the end of the line or a phone label).
    nonisolated(unsafe) static let postalAddress = try! NSRegularExpression(
        pattern: #"(〒\s?[0-9０-９]{3}[\-‐－ー−][0-9０-９]{4}[^\n]*?)(?=\s*(?:TEL|Tel|ＴＥＬ|電話|FAX|Fax|$))"#)

    // MARK: - Phones

    nonisolated(unsafe) static let labelledPhone = try! NSRegularExpression(
        pattern: #"(?:TEL|Tel|tel|ＴＥＬ|Ｔｅｌ|電話(?:番号)?|FAX|Fax|fax|ＦＡＸ|携帯|直通|代表|Phone|phone|Mobile|Direct|Office)\s*[:：.．]?\s*((?:\+|＋)?[0-9０-９(（][0-9０-９()（）\-‐－ー−\s]{7,20}[0-9０-９])"#)
    nonisolated(unsafe) static let barePhone = try! NSRegularExpression(
        pattern: #"(?<![0-9０-９\-.])((?:\+81|＋８１)[\s\-‐－]?\(?0?\)?[0-9]{1,4}[\s\-‐－]?[0-9]{1,4}[\s\-‐－][0-9]{3,4}|[(（]0[0-9]{1,4}[)）]\s?[0-9]{1,4}[\-‐－][0-9]{3,4}|0[0-9]{1,4}[\-‐－][0-9]{1,4}[\-‐－][0-9]{3,4})(?![0-9０-９\-])"#)
    nonisolated(unsafe) static let extensionNumber = try! NSRegularExpression(
        pattern: #"(内線|ext\.|Ext\.|EXT\.)\s*[:：]?\s*[0-9０-９]{2,6}"#)

    static func phones(in line: String, into found: inout FoundList) {
        for match in matches(labelledPhone, in: line, group: 1) where digitCount(match) >= 9 {
            found.add(match.trimmingCharacters(in: .whitespaces), .phone)
        }
        for match in matches(barePhone, in: line, group: 1) where digitCount(match) >= 9 {
            found.add(match, .phone)
        }
        for match in matches(extensionNumber, in: line, group: 0) { found.add(match, .phone) }
    }

    static func digitCount(_ text: String) -> Int {
        text.unicodeScalars.filter { ("0"..."9").contains($0) || ("０"..."９").contains($0) }.count
    }

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

    // MARK: - Hosts, addresses, accounts

    nonisolated(unsafe) static let internalHost = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z0-9\-.])([A-Za-z0-9][A-Za-z0-9\-]*(?:\.[A-Za-z0-9\-]+)*\.(?:local|corp|intra|intranet|internal|lan|localdomain|ad|home|priv))(?![A-Za-z0-9\-]|\.[A-Za-z0-9])"#,
        options: [.caseInsensitive])
    nonisolated(unsafe) static let privateIP = try! NSRegularExpression(
        pattern: #"(?<![0-9.])((?:10\.[0-9]{1,3}|172\.(?:1[6-9]|2[0-9]|3[01])|192\.168)\.[0-9]{1,3}\.[0-9]{1,3})(?:/[0-9]{1,2})?(?![0-9.])"#)
    nonisolated(unsafe) static let windowsAccount = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z0-9\\])([A-Za-z][A-Za-z0-9\-]{1,14}\\[A-Za-z0-9_\-](?:[A-Za-z0-9._\-]{0,28}[A-Za-z0-9_\-])?)"#)
    nonisolated(unsafe) static let machineName = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z0-9\-.])((?:PC|FS|SV|SRV|WS|DC|NB|AD|EX|MAIL|FILE|WEB|DB|APP|VDI|NAS|PRN|CL)(?:[-_][A-Za-z0-9\-]*[0-9]{1,4}|[0-9]{1,4}))(?![A-Za-z0-9\-.\[])"#,
        options: [.caseInsensitive])

    static func accountsAndHosts(in line: String, into found: inout FoundList) {
        for match in matches(internalHost, in: line, group: 1) { found.add(match, .host) }
        for match in matches(privateIP, in: line, group: 0) { found.add(match, .address) }
        for match in matches(windowsAccount, in: line, group: 1) { found.add(match, .account) }
        for match in matches(machineName, in: line, group: 1) where match.contains(where: \.isLetter) {
            found.add(match, .host)
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

    // MARK: - Regular expressions

    static func matches(_ expression: NSRegularExpression, in line: String, group: Int) -> [String] {
        let range = NSRange(line.startIndex..., in: line)
        return expression.matches(in: line, range: range).compactMap { match in
            let groupRange = match.range(at: group)
            guard groupRange.location != NSNotFound, let swiftRange = Range(groupRange, in: line) else { return nil }
            return String(line[swiftRange])
        }
    }

    static func matchPairs(_ expression: NSRegularExpression, in line: String) -> [(String, String)] {
        allGroups(expression, in: line).compactMap { $0.count >= 2 ? ($0[0], $0[1]) : nil }
    }

    /// Every capture group of every match ("" for a group that did not take part).
    static func allGroups(_ expression: NSRegularExpression, in line: String) -> [[String]] {
        let range = NSRange(line.startIndex..., in: line)
        return expression.matches(in: line, range: range).map { match in
            (1..<max(1, match.numberOfRanges)).map { index in
                let groupRange = match.range(at: index)
                guard groupRange.location != NSNotFound, let swiftRange = Range(groupRange, in: line) else { return "" }
                return String(line[swiftRange])
            }
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

// MARK: - Header lines the forwarders quoted

extension VictimMentions {
    nonisolated(unsafe) static let quotedHeader = try! NSRegularExpression(
        pattern: #"^[>\s]*(?:From|To|Cc|CC|Sender|Reply-To|差出人|送信者|宛先|送信先|返信先)\s*[:：]\s*(.+)$"#,
        options: [.anchorsMatchLines])

    /// The mailboxes of From/To/Cc lines quoted in a forwarder's text (「差出人: 田中 健太 <…>」).
    public static func quotedMailboxes(in text: String) -> [(address: String, displayName: String?)] {
        matches(quotedHeader, in: text, group: 1).flatMap { value -> [(address: String, displayName: String?)] in
            let cleaned = value.replacingOccurrences(of: "[mailto:", with: "<").replacingOccurrences(of: "]", with: ">")
            return mailboxes(cleaned)
        }
    }

    nonisolated(unsafe) static let mailbox = try! NSRegularExpression(
        pattern: #"(?:"?([^"<>,;]*?)"?\s*)?<?([A-Za-z0-9._%+\-]+@[A-Za-z0-9.\-]+\.[A-Za-z]{2,})>?"#)

    static func mailboxes(_ value: String) -> [(address: String, displayName: String?)] {
        allGroups(mailbox, in: value).compactMap { groups in
            guard groups.count >= 2, !groups[1].isEmpty else { return nil }
            let name = groups[0].trimmingCharacters(in: CharacterSet(charactersIn: " \t'\"、,;"))
            return (groups[1], name.isEmpty || name.contains("@") ? nil : name)
        }
    }
}

// MARK: - Addresses and host names

extension VictimMentions {
    nonisolated(unsafe) static let addressOrHost = try! NSRegularExpression(
        pattern: #"(?<![A-Za-z0-9._%+\-])((?:[A-Za-z0-9._%+\-]+@)?(?:[A-Za-z0-9](?:[A-Za-z0-9\-]*[A-Za-z0-9])?\.)+[A-Za-z]{2,})(?![A-Za-z0-9\-])"#)

    /// E-mail addresses and dotted host names as written, reserved names included (an extractor of
    /// indicators drops `example.jp`; a member's own name there is still the member's).
    public static func addressesAndHosts(in text: String) -> [String] {
        matches(addressOrHost, in: text, group: 1)
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

/// Identifiers in order of discovery, each value once (case-insensitively).
struct FoundList {
    private(set) var items: [VictimIdentifier] = []
    private var seen: Set<String> = []

    mutating func add(_ value: String, _ kind: VictimIdentifierKind) {
        let trimmed = value.trimmingCharacters(in: .whitespacesAndNewlines)
        guard trimmed.count >= 2, seen.insert(trimmed.lowercased()).inserted else { return }
        items.append(VictimIdentifier(trimmed, kind))
    }
}
