// Extraction — VictimMentions.swift
// Owns finding the victim in what the victim side wrote: the forwarder's own words and signature
// (people's names in kanji, kana and romaji, the organisation with and without its legal form, its
// English name, departments and CSIRT/team names, phone and fax numbers, internal hosts and
// addresses, Windows DOMAIN\user accounts, project and code names) and the attacker's salutation
// (「北斗電力株式会社 総務部 田中様」, "Dear Mr. Tanaka"). Everything found is a victim identifier:
// kept in the held copy for the provider, scrubbed from everything shared.
// This file holds the kinds, the entry points and the line walk; what each kind of mention looks
// like is in VictimMentions+People, +Organisations and +Contacts.
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
