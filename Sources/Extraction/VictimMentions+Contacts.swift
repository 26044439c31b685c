// Extraction — VictimMentions+Contacts.swift
// Owns the victim's contact details in its words: postal addresses, phone/fax/extension numbers, internal
// hosts and addresses, Windows accounts, mailboxes on quoted From/To/Cc lines, addresses and host names.
import Foundation

extension VictimMentions {
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
