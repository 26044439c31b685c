// Extraction — EmailSubmission.swift
// Owns turning a reported targeted-attack e-mail (the .eml, or the member's forward carrying it as
// message/rfc822) into STIX 2.1: the attacker's side becomes observables, indicators and a report;
// the victim's side (recipients, internal relays, the forwarding people, addresses in their
// domains) becomes victim identifiers for the anonymiser and is never written as content.
import Foundation
import IndicatorExtraction
import MailParsing
import STIX

/// A targeted-attack e-mail as STIX.
///
/// ```swift
/// let extracted = try EmailSubmission.extract(Array(try Data(contentsOf: emlURL)))
/// extracted.objects            // email-message, email-addr, file, url, domain-name, ipv4-addr, indicators, report
/// extracted.victimIdentifiers  // ["soc@denryoku-a.example.jp", "山田 太郎", "mx01.denryoku-a.example.jp", "10.1.2.3"]
/// extracted.samples            // the attachments, for the vault
/// ```
public enum EmailSubmission {
    /// Free mail providers: a recipient there does not make the whole domain the victim's.
    static let sharedMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.co.jp", "yahoo.com", "outlook.com", "outlook.jp", "hotmail.com",
        "hotmail.co.jp", "live.com", "live.jp", "icloud.com", "me.com", "aol.com", "docomo.ne.jp", "ezweb.ne.jp",
        "au.com", "softbank.ne.jp", "i.softbank.jp", "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp",
    ]

    /// Parses the message and writes what it shows of the attack. Throws `ExtractionError` only when
    /// the bytes are not a message at all; what was recovered from broken mail is in `warnings`.
    public static func extract(_ bytes: [UInt8], author: STIXAuthoring = STIXAuthoring(),
                               extractor: IndicatorExtractor = IndicatorExtractor()) throws -> ExtractedSubmission {
        let message: MailMessage
        do {
            message = try MailMessage.parse(bytes)
        } catch {
            throw ExtractionError("not an e-mail message: \(error)")
        }
        return extract(ForwardedAttack(message), author: author, extractor: extractor)
    }

    /// Writes an already parsed report.
    public static func extract(_ report: ForwardedAttack, author: STIXAuthoring = STIXAuthoring(),
                               extractor: IndicatorExtractor = IndicatorExtractor()) -> ExtractedSubmission {
        var writer = EmailWriter(report: report, author: author, extractor: extractor)
        return writer.write()
    }
}

/// One extraction in progress.
struct EmailWriter {
    let report: ForwardedAttack
    var author: STIXAuthoring
    let extractor: IndicatorExtractor
    var attack: MailMessage { report.attack }
    var warnings: [String] = []
    var samples: [ExtractedSample] = []
    var victimIdentifiers: [String] = []
    var victimDomains: Set<String> = []
    var victimValues: Set<String> = []
    var contentIDs: [String] = []

    init(report: ForwardedAttack, author: STIXAuthoring, extractor: IndicatorExtractor) {
        self.report = report; self.author = author; self.extractor = extractor
    }

    mutating func write() -> ExtractedSubmission {
        learnVictimSide()
        if let wrapper = report.wrapper { warnings += wrapper.warnings.map { "forward: \($0)" } }
        warnings += attack.warnings

        let sender = attack.from.map { address($0) }
        let senderIsVictim = attack.from.map { isVictim($0.address) } ?? false
        var headerFields: [(String, JSONValue)] = []
        for (name, addresses) in [("Reply-To", attack.replyTo), ("Return-Path", attack.returnPath)] where !addresses.isEmpty {
            let values = addresses.map(\.address).filter { !isVictim($0) }
            // STIX: one value as a string, several as an array.
            if values.count == 1 { headerFields.append((name, .string(values[0]))) }
            if values.count > 1 { headerFields.append((name, .array(values.map { .string($0) }))) }
        }
        if let mailer = attack.mailer { headerFields.append(("X-Mailer", .string(mailer))) }

        // Attachments (and the files inside archives) as files; the attachments go to the vault.
        var parts: [JSONValue] = []
        var attachmentIDs: [String] = []
        for attachment in attack.attachments {
            let fileID = file(attachment)
            attachmentIDs.append(fileID)
            var part: [(String, JSONValue)] = [("content_type", .string(attachment.contentType))]
            if let name = attachment.filename {
                part.append(("content_disposition", .string("attachment; filename=\"\(name.replacingOccurrences(of: "\"", with: "'"))\"")))
            }
            part.append(("body_raw_ref", .string(fileID)))
            parts.append(.object(JSONObject(part)))
            samples.append(ExtractedSample(sha256: attachment.sha256, fileObjectID: fileID, name: attachment.filename,
                                           size: Int64(attachment.size), bytes: attachment.data))
        }

        // The message itself: the attacker's side only (no recipients, no internal relays).
        var members: [(String, JSONValue)] = [("is_multipart", .bool(!parts.isEmpty))]
        if let date = attack.date { members.append(("date", .string(STIXAuthoring.timestamp(date)))) }
        if let sender, !senderIsVictim { members.append(("from_ref", .string(sender))) }
        if let subject = attack.subject { members.append(("subject", .string(subject))) }
        if let id = attack.messageID { members.append(("message_id", .string(id))) }
        if let hop = attack.firstExternalHop { members.append(("received_lines", .array([.string(hop.raw)]))) }
        if !headerFields.isEmpty { members.append(("additional_header_fields", .object(JSONObject(headerFields)))) }
        if !parts.isEmpty { members.append(("body_multipart", .array(parts))) }
        let messageID = author.observable("email-message", members)
        contentIDs.append(messageID)

        // Indicators of the attack: sender, subject, attachments, the first external hop, links.
        if let from = attack.from, !senderIsVictim {
            author.indicator(pattern: PatternText.equals("email-message:from_ref.value", from.address),
                             name: "Sender of a targeted attack e-mail: \(from.address)", refersTo: sender)
        }
        if let subject = attack.subject, !subject.isEmpty {
            author.indicator(pattern: PatternText.equals("email-message:subject", subject),
                             name: "Subject of a targeted attack e-mail", refersTo: messageID)
        }
        for (attachment, fileID) in zip(attack.attachments, attachmentIDs) {
            author.indicator(pattern: "[file:hashes.'SHA-256' = '\(attachment.sha256)']",
                             name: "Attachment of a targeted attack e-mail: \(attachment.filename ?? attachment.sha256)",
                             refersTo: fileID)
            for member in attachment.archiveMembers ?? [] where !member.isDirectory {
                guard let sha256 = member.sha256 else { continue }
                author.indicator(pattern: "[file:hashes.'SHA-256' = '\(sha256)']",
                                 name: "File in an attachment of a targeted attack e-mail: \(member.name)")
            }
        }
        if let ip = attack.firstExternalIP, !isVictim(ip) {
            let type = ip.contains(":") ? "ipv6-addr" : "ipv4-addr"
            let id = author.observable(type, ["value": .string(ip)])
            contentIDs.append(id)
            author.indicator(pattern: PatternText.equals("\(type):value", ip),
                             name: "First external hop of a targeted attack e-mail: \(ip)", refersTo: id)
        }
        bodyIndicators()

        // The report that ties it together.
        let subject = attack.subject.map { $0.isEmpty ? "(no subject)" : $0 } ?? "(no subject)"
        let refs = author.referableIDs()
        if !refs.isEmpty {
            author.domainObject("report", [
                ("name", .string("標的型攻撃メール / Targeted attack e-mail: \(subject)")),
                ("description", .string(summary())),
                ("report_types", .array(["threat-report"])),
                ("published", .string(author.now)),
                ("object_refs", .array(refs.map { .string($0) })),
            ])
        }
        return ExtractedSubmission(objects: author.objects, victimIdentifiers: victimIdentifiers, warnings: warnings,
                                   samples: samples)
    }

    // MARK: - The victim's side

    mutating func learnVictimSide() {
        victimIdentifiers = report.victimIdentifiers
        let senderDomain = attack.from?.domain?.lowercased()
        for person in report.victimSide.people {
            guard let domain = person.domain?.lowercased(), domain != senderDomain,
                  !EmailSubmission.sharedMailDomains.contains(domain) else { continue }
            victimDomains.insert(domain)
        }
        victimValues = Set(victimIdentifiers.map { $0.lowercased() })
    }

    /// True for the victim's addresses, hosts and IPs, and anything in the victim's mail domains.
    func isVictim(_ value: String) -> Bool {
        let lowered = value.lowercased()
        if victimValues.contains(lowered) { return true }
        let host: Substring
        if let at = lowered.lastIndex(of: "@") {
            host = lowered[lowered.index(after: at)...]
        } else if let schemeEnd = lowered.range(of: "://") {
            let rest = lowered[schemeEnd.upperBound...]
            host = rest.prefix { $0 != "/" && $0 != ":" && $0 != "?" && $0 != "#" }
        } else {
            host = lowered[...]
        }
        return victimDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    // MARK: - Objects

    mutating func address(_ mail: MailAddress) -> String {
        var properties: [(String, JSONValue)] = [("value", .string(mail.address))]
        if let name = mail.displayName, !name.isEmpty { properties.append(("display_name", .string(name))) }
        let id = author.observable("email-addr", properties)
        contentIDs.append(id)
        return id
    }

    func hashes(md5: String?, sha1: String?, sha256: String?) -> JSONValue {
        var members: [(String, JSONValue)] = []
        if let md5 { members.append(("MD5", .string(md5))) }
        if let sha1 { members.append(("SHA-1", .string(sha1))) }
        if let sha256 { members.append(("SHA-256", .string(sha256))) }
        return .object(JSONObject(members))
    }

    mutating func file(_ attachment: Attachment) -> String {
        var members: [(String, JSONValue)] = [
            ("hashes", hashes(md5: attachment.md5, sha1: attachment.sha1, sha256: attachment.sha256)),
            ("size", .number(String(attachment.size))),
        ]
        if let name = attachment.filename { members.append(("name", .string(name))) }
        members.append(("mime_type", .string(attachment.contentType)))
        if let problem = attachment.archiveProblem { warnings.append("attachment \(attachment.filename ?? attachment.sha256): \(problem)") }
        var memberIDs: [String] = []
        for member in attachment.archiveMembers ?? [] where !member.isDirectory {
            var properties: [(String, JSONValue)] = [("name", .string(member.name)), ("size", .number(String(member.size)))]
            if member.sha256 != nil || member.md5 != nil {
                properties.insert(("hashes", hashes(md5: member.md5, sha1: member.sha1, sha256: member.sha256)), at: 0)
            }
            if member.isEncrypted { properties.append(("x_kakehashi_encrypted", .bool(true))) }
            if let problem = member.problem { warnings.append("\(attachment.filename ?? "archive") / \(member.name): \(problem)") }
            let id = author.observable("file", properties)
            memberIDs.append(id)
            contentIDs.append(id)
        }
        if !memberIDs.isEmpty {
            members.append(("extensions", .object(JSONObject([
                ("archive-ext", .object(JSONObject([("contains_refs", .array(memberIDs.map { .string($0) }))]))),
            ]))))
        }
        let id = author.observable("file", members)
        contentIDs.append(id)
        return id
    }

    /// URLs, domains, IPs and addresses in the bodies (HTML links included, defanged forms refanged),
    /// minus warning lists and the victim's own.
    mutating func bodyIndicators() {
        let text = ([attack.refangedBodyText] + attack.links).joined(separator: "\n")
        let result = extractor.extract(from: text)
        for dropped in result.dropped.prefix(100) {
            warnings.append("dropped \(dropped.indicator.value): \(dropped.reason)")
        }
        var linkedHosts: Set<String> = []
        for indicator in result.indicators where indicator.kind == .url { if let host = indicator.host { linkedHosts.insert(host) } }
        for indicator in result.indicators {
            guard !isVictim(indicator.value) else { continue }
            switch indicator.kind {
            case .url:
                let id = author.observable("url", ["value": .string(indicator.value)])
                contentIDs.append(id)
                author.indicator(pattern: PatternText.equals("url:value", indicator.value),
                                 name: "Link in a targeted attack e-mail: \(indicator.value)", refersTo: id)
            case .domain:
                let id = author.observable("domain-name", ["value": .string(indicator.value)])
                contentIDs.append(id)
                author.indicator(pattern: PatternText.equals("domain-name:value", indicator.value),
                                 name: "Domain in a targeted attack e-mail: \(indicator.value)", refersTo: id)
            case .ipv4, .ipv6:
                let type = indicator.kind == .ipv4 ? "ipv4-addr" : "ipv6-addr"
                let id = author.observable(type, ["value": .string(indicator.value)])
                contentIDs.append(id)
                author.indicator(pattern: PatternText.equals("\(type):value", indicator.value),
                                 name: "Address in a targeted attack e-mail: \(indicator.value)", refersTo: id)
            case .email:
                let id = author.observable("email-addr", ["value": .string(indicator.value)])
                contentIDs.append(id)
            default:
                continue
            }
        }
        // The hosts of links, as domains, when not listed already.
        for host in linkedHosts.sorted() where !isVictim(host) && host.contains(where: \.isLetter) {
            contentIDs.append(author.observable("domain-name", ["value": .string(host)]))
        }
    }

    func summary() -> String {
        var lines = ["Reported by a member; the recipients and the member's own systems are not included."]
        if let date = attack.dateString { lines.append("Date: \(date)") }
        if let from = attack.from, !isVictim(from.address) { lines.append("From: \(from.address)") }
        if !attack.attachments.isEmpty {
            lines.append("Attachments: " + attack.attachments.map { $0.filename ?? $0.sha256 }.joined(separator: ", "))
        }
        if let ip = attack.firstExternalIP { lines.append("First external hop: \(ip)") }
        return lines.joined(separator: "\n")
    }
}
