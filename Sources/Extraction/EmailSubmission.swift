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
                               extractor: IndicatorExtractor = IndicatorExtractor(),
                               intakeAddresses: [String] = []) throws -> ExtractedSubmission {
        let message: MailMessage
        do {
            message = try MailMessage.parse(bytes)
        } catch {
            throw ExtractionError("not an e-mail message: \(error)")
        }
        return extract(ForwardedAttack(message), author: author, extractor: extractor, intakeAddresses: intakeAddresses)
    }

    /// Writes an already parsed report.
    public static func extract(_ report: ForwardedAttack, author: STIXAuthoring = STIXAuthoring(),
                               extractor: IndicatorExtractor = IndicatorExtractor(),
                               intakeAddresses: [String] = []) -> ExtractedSubmission {
        var writer = EmailWriter(report: report, author: author, extractor: extractor)
        writer.intakeAddresses = intakeAddresses
        var extracted = writer.write()
        extracted.attackReport = report
        return extracted
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
    var typedVictimIdentifiers: [VictimIdentifier] = []
    var intakeAddresses: [String] = []
    var hubSide = HubSide()
    var victimDomains: Set<String> = []
    var victimValues: Set<String> = []
    var contentIDs: [String] = []

    init(report: ForwardedAttack, author: STIXAuthoring, extractor: IndicatorExtractor) {
        self.report = report; self.author = author; self.extractor = extractor
    }

    mutating func write() -> ExtractedSubmission {
        learnVictimSide()
        warnings.append(report.attackSelection)
        for layer in report.layers { warnings += layer.message.warnings.map { "forward: \($0)" } }
        warnings += attack.warnings

        let from = attack.from.flatMap { $0.address.isEmpty ? nil : $0 }   // a quoted From with a name only
        let sender = from.map { address($0) }
        let senderIsVictim = from.map { isVictim($0.address) } ?? false
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
        // The sender stays in the held copy even when it spoofs the member's own domain: the
        // anonymiser withholds it from what is shared.
        if let sender { members.append(("from_ref", .string(sender))) }
        if let subject = attack.subject { members.append(("subject", .string(subject))) }
        if let id = attack.messageID { members.append(("message_id", .string(id))) }
        let hops = attackerHops
        if !hops.isEmpty { members.append(("received_lines", .array(hops.map { .string($0.raw) }))) }
        // The first external hop's address, read from the parsed Received chain (the raw lines
        // above keep the text): correlation indexes it (Correlation.ObservableEntries).
        if let ip = hops.first?.sendingIP?.text, !isVictim(ip) {
            members.append(("x_kakehashi_first_external_hop", .string(ip)))
        }
        if !headerFields.isEmpty { members.append(("additional_header_fields", .object(JSONObject(headerFields)))) }
        if !parts.isEmpty { members.append(("body_multipart", .array(parts))) }
        let messageID = author.observable("email-message", members)
        contentIDs.append(messageID)

        // Indicators of the attack: sender, subject, attachments, the first external hop, links.
        if let from, !senderIsVictim {
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
        for hop in hops {
            guard let ip = hop.sendingIP?.text, !isVictim(ip) else { continue }
            ipIndicator(ip, name: "Sending hop of a targeted attack e-mail")
        }
        replyAddresses(excluding: attack.from)
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
        var extracted = ExtractedSubmission(objects: author.objects, victimIdentifiers: victimIdentifiers,
                                            warnings: warnings, samples: samples)
        extracted.victimIdentifierKinds = Dictionary(typedVictimIdentifiers.map { ($0.value, $0.kind) },
                                                     uniquingKeysWith: { first, _ in first })
        return extracted
    }

    // MARK: - The victim's side

    mutating func learnVictimSide() {
        forwarderTexts = report.layers.map(\.ownText) + [trailingForwarderSignature].compactMap { $0 }
        let senderDomain = attack.from?.domain?.lowercased()
        // The sender's domain is the member's when the member's own people write from it (a spoof of
        // the member's domain), not merely because the attacker also addressed someone there.
        let senderDomainIsMembers = senderDomain.map { domain in
            report.layers.contains { $0.message.from?.domain?.lowercased() == domain }
                || (attack.deliveredTo + attack.received.compactMap { $0.forAddress.map { MailAddress(address: $0) } })
                    .contains { $0.domain?.lowercased() == domain }
                || (!attack.to.isEmpty && attack.to.allSatisfy { $0.domain?.lowercased() == domain })
        } ?? false
        hubSide = HubSide(report: report, intakeAddresses: intakeAddresses)
        var found = FoundList()
        for person in report.victimSide.people where !hubSide.contains(person) {
            found.add(person.address, .email)
            if let domain = person.domain?.lowercased(), !EmailSubmission.sharedMailDomains.contains(domain),
               domain != senderDomain || senderDomainIsMembers {
                victimDomains.insert(domain)
            }
        }
        for person in report.victimSide.people where !hubSide.contains(person) {
            if let name = person.displayName, !hubSide.names.contains(name) { found.add(name, .person) }
        }
        let attackerSide = attackerRelays
        for host in report.victimSide.internalHosts where !hubSide.isHubHost(host) && !attackerSide.contains(host.lowercased()) {
            found.add(host, .host)
        }
        for ip in report.victimSide.internalIPs where !ip.hasPrefix("127.") && ip != "::1" && !attackerSide.contains(ip) {
            found.add(ip, .address)
        }
        // The member's own mail servers and public egress: every hop of its forward below the hub's.
        for hop in report.layers.flatMap(\.message.received) {
            for host in [hop.fromHost, hop.fromReverseHost].compactMap({ $0 })
            where MailIPAddress(host) == nil && !hubSide.isHubHost(host) && host.contains(".") && host.lowercased() != "localhost" {
                found.add(host, .host)
            }
            if let ip = hop.sendingIP, !hubSide.isHubHost(ip.text) { found.add(ip.text, .address) }
        }
        for text in forwarderTexts {
            for item in VictimMentions.inForwarderText(text) where !hubSide.names.contains(item.value) {
                found.add(item.value, item.kind)
            }
        }
        for item in VictimMentions.inSalutation(attack.bodyText) { found.add(item.value, item.kind) }
        for item in VictimMentions.inSubject(attack.subject ?? "") { found.add(item.value, item.kind) }
        // Hosts and addresses in the victim's own domains written anywhere on the victim side.
        for text in forwarderTexts {
            for mailbox in VictimMentions.quotedMailboxes(in: text) where isInVictimDomain(mailbox.address) {
                found.add(mailbox.address, .email)
                if let name = mailbox.displayName, !hubSide.names.contains(name) { found.add(name, .person) }
            }
            for value in VictimMentions.addressesAndHosts(in: text) where isInVictimDomain(value) {
                found.add(value, value.contains("@") ? .email : .host)
            }
        }
        if let spoofed = spoofedColleague(found: found.items) { found.add(spoofed, .person) }
        // The organisation's name without its legal form, where the mail writes it so (「（紅葉石油様）」).
        let organizations = found.items.filter { $0.kind == .organization }.map(\.value)
        let searchTexts = victimSearchTexts
        for core in VictimMentions.standaloneCoreNames(of: organizations, in: searchTexts) { found.add(core, .organization) }
        for name in VictimMentions.domainDerivedNames(victimDomains.sorted(), in: searchTexts) { found.add(name, .organization) }
        if let from = attack.from, isInVictimDomain(from.address) { found.add(from.address, .email) }
        for item in attack.attachments.compactMap(\.filename).flatMap(VictimMentions.inSubject) { found.add(item.value, item.kind) }
        // The member's mail domains and internal DNS zones.
        for domain in victimDomains.sorted() { found.add(domain, .domain) }
        for item in found.items where item.kind == .host {
            if let zone = Self.internalZone(of: item.value) { found.add(zone, .domain) }
        }
        typedVictimIdentifiers = found.items
        victimIdentifiers = found.items.map(\.value)
        victimValues = Set(victimIdentifiers.map { $0.lowercased() })
    }

    /// Every text where the victim's names may be written: the forwarders' words, the attack's subject,
    /// body, links and file names.
    var victimSearchTexts: [String] {
        var texts = forwarderTexts
        if let subject = attack.subject { texts.append(subject) }
        texts.append(attack.bodyText)
        texts.append(attack.links.joined(separator: "\n"))
        for attachment in attack.attachments {
            if let name = attachment.filename { texts.append(name) }
            texts.append(contentsOf: (attachment.archiveMembers ?? []).map(\.name))
        }
        return texts
    }

    /// The internal DNS zone of an internal host name: "mailhub3.momiji.corp" → "momiji.corp".
    static func internalZone(of host: String) -> String? {
        let labels = host.lowercased().split(separator: ".")
        let internalWords: Set<String> = ["local", "corp", "intra", "intranet", "internal", "lan", "localdomain", "ad", "priv", "home"]
        guard labels.count >= 3, let last = labels.last, !labels[0].isEmpty else { return nil }
        if internalWords.contains(String(last)) { return labels.dropFirst().joined(separator: ".") }
        // "fs01.corp.suirei.jp": an internal label under the public domain.
        if labels.count >= 4, internalWords.contains(String(labels[1])) { return labels.dropFirst().joined(separator: ".") }
        return nil
    }

    /// The attack's sender display name when it is a real colleague's (a victim identifier even though
    /// the address is the attacker's): the forwarders name that person, or it is one of the people found
    /// on the victim side, or the sending domain imitates the victim's.
    func spoofedColleague(found: [VictimIdentifier]) -> String? {
        guard let from = attack.from, let name = from.displayName?.trimmingCharacters(in: .whitespaces), name.count >= 2
        else { return nil }
        let folded = Self.fold(name)
        guard folded.count >= 2 else { return nil }
        if found.contains(where: { $0.kind == .person && Self.fold($0.value) == folded }) { return name }
        if VictimMentions.looksLikePersonName(name), forwarderTexts.contains(where: { Self.fold($0).contains(folded) }) { return name }
        // Attackers borrow colleagues' names; a person's name on the attack is the victim side's to withhold.
        // Any person's name, in any script: a persona named like a person costs a redaction, a colleague
        // missed (an overseas subsidiary's "Emily Carter") would be a leak.
        if VictimMentions.looksLikePersonName(name) { return name }
        if let domain = from.domain?.lowercased(), victimDomains.contains(where: { Self.imitates(domain, $0) }),
           VictimMentions.looksLikePersonName(name) { return name }
        return nil
    }

    /// Lower case without spaces (ASCII and ideographic).
    static func fold(_ text: String) -> String {
        String(text.lowercased().unicodeScalars.filter { $0 != " " && $0 != "\u{3000}" && $0 != "\t" }.map(Character.init))
    }

    /// True when `domain` is a look-alike of the victim's `own` domain (its first label inside, or one edit away).
    static func imitates(_ domain: String, _ own: String) -> Bool {
        guard domain != own, !domain.hasSuffix("." + own) else { return false }
        let label = own.split(separator: ".").first.map(String.init) ?? own
        let other = domain.split(separator: ".").first.map(String.init) ?? domain
        if label.count >= 4, domain.contains(label) { return true }
        return label.count >= 5 && editDistance(label, other) <= 2
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        guard !a.isEmpty, !b.isEmpty else { return max(a.count, b.count) }
        var previous = Array(0...b.count)
        for i in 1...a.count {
            var current = [i] + Array(repeating: 0, count: b.count)
            for j in 1...b.count {
                current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1))
            }
            previous = current
        }
        return previous[b.count]
    }

    /// The text each forwarding layer's author wrote (signatures included), outermost first; and a
    /// forwarder's signature left below an inline forward (where the forwarded text runs to the end of
    /// the body, the forwarder's own closing lines end up in the attack's text).
    /// Set once at the start of `learnVictimSide` (read by the victim side, the sender check and the body indicators).
    var forwarderTexts: [String] = []

    /// The attack body's last lines from the last signature rule on, when they name a forwarder.
    var trailingForwarderSignature: String? {
        guard attackSelectionIsInline else { return nil }
        let lines = attack.bodyText.split(omittingEmptySubsequences: false, whereSeparator: \.isNewline).suffix(16).map(String.init)
        let forwarders = report.layers.compactMap(\.message.from).flatMap { [$0.address, $0.displayName ?? ""] }
            .filter { $0.count >= 3 }
        guard let named = lines.lastIndex(where: { line in forwarders.contains { line.contains($0) } }) else { return nil }
        let rule = lines[..<named].lastIndex { line in
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            return trimmed == "--" || trimmed == "-- " || (trimmed.count >= 8 && trimmed.allSatisfy { "-=_*─━～~＿".contains($0) })
        }
        guard let start = rule else { return nil }
        return lines[start...].joined(separator: "\n")
    }

    var attackSelectionIsInline: Bool { report.attackSelection.contains("inline forward") }

    func isInVictimDomain(_ value: String) -> Bool {
        let host = value.lowercased().split(separator: "@").last.map(String.init) ?? value.lowercased()
        return victimDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    /// True for the hub's own intake addresses (the forward's recipients outside the member).
    func isHubSide(_ address: String) -> Bool { hubSide.addresses.contains(address.lowercased()) }

    /// True for the victim's addresses, hosts and IPs, and anything in the victim's mail domains.
    func isVictim(_ value: String) -> Bool {
        let lowered = value.lowercased()
        if victimValues.contains(lowered) { return true }
        let host: Substring
        if let schemeEnd = lowered.range(of: "://") {
            // A URL belongs to its host; the victim's address in its query is redacted, not a reason to drop it.
            let rest = lowered[schemeEnd.upperBound...]
            let authority = rest.prefix { $0 != "/" && $0 != "?" && $0 != "#" }
            let hostPort = authority.split(separator: "@").last ?? authority
            host = hostPort.hasPrefix("[") ? hostPort : (hostPort.split(separator: ":").first ?? hostPort)
        } else if let at = lowered.lastIndex(of: "@") {
            host = lowered[lowered.index(after: at)...]
        } else {
            host = lowered[...]
        }
        return victimDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    /// The attack's hops outside the victim: the hop where it entered from a public address and the
    /// public hops below it (header order).
    var attackerHops: [ReceivedHop] {
        guard let entry = attack.received.firstIndex(where: { $0.sendingIP?.isPublic == true }) else { return [] }
        return attack.received[entry...].filter { $0.sendingIP?.isPublic == true }
    }

    /// Hosts and addresses of the attacker's own relays: the sending side of the entry hop and every
    /// hop below it (a relay there with a private address is the attacker's network, not the victim's).
    var attackerRelays: Set<String> {
        guard let entry = attack.received.firstIndex(where: { $0.sendingIP?.isPublic == true }) else { return [] }
        var result: Set<String> = []
        for (index, hop) in attack.received.enumerated() where index >= entry {
            for host in [hop.fromHost, hop.fromReverseHost].compactMap({ $0 }) { result.insert(host.lowercased()) }
            hop.fromIPs.forEach { result.insert($0.text) }
            if index > entry {
                if let by = hop.byHost { result.insert(by.lowercased()) }
                hop.byIPs.forEach { result.insert($0.text) }
            }
        }
        return result
    }

    /// Reply-To and Return-Path addresses that differ from From: where the attacker wants answers and
    /// bounces, each an `email-addr` with an indicator.
    mutating func replyAddresses(excluding from: MailAddress?) {
        let sender = from?.address.lowercased()
        for (header, addresses) in [("Reply-To", attack.replyTo), ("Return-Path", attack.returnPath)] {
            for mail in addresses where mail.address.contains("@") && mail.address.lowercased() != sender && !isVictim(mail.address) {
                let id = address(mail)
                author.indicator(pattern: PatternText.equals("email-addr:value", mail.address),
                                 name: "\(header) of a targeted attack e-mail: \(mail.address)", refersTo: id)
            }
        }
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
        // Members of nested archives ("inner.zip/x.exe") belong to their own archive's `file`: the
        // deepest are written first so that each archive lists what it contains.
        let listed = (attachment.archiveMembers ?? []).filter { !$0.isDirectory }
        let containers = Set(listed.map(\.name))
        func container(of member: ArchiveMember) -> String? {
            guard member.nestingDepth > 0 else { return nil }
            return containers.filter { member.name.hasPrefix($0 + "/") }.max { $0.count < $1.count }
        }
        var children: [String: [String]] = [:]
        var memberIDs: [String] = []
        for member in listed.sorted(by: { $0.nestingDepth > $1.nestingDepth }) {
            let parent = container(of: member)
            let ownName = parent.map { String(member.name.dropFirst($0.count + 1)) } ?? member.name
            var properties: [(String, JSONValue)] = [("name", .string(ownName)), ("size", .number(String(member.size)))]
            if member.sha256 != nil || member.md5 != nil {
                properties.insert(("hashes", hashes(md5: member.md5, sha1: member.sha1, sha256: member.sha256)), at: 0)
            }
            if member.isEncrypted { properties.append(("x_kakehashi_encrypted", .bool(true))) }
            if let inner = children[member.name], !inner.isEmpty {
                properties.append(("extensions", .object(JSONObject([
                    ("archive-ext", .object(JSONObject([("contains_refs", .array(inner.map { .string($0) }))]))),
                ]))))
            }
            if let problem = member.problem { warnings.append("\(attachment.filename ?? "archive") / \(member.name): \(problem)") }
            let id = author.observable("file", properties)
            if let parent { children[parent, default: []].append(id) } else { memberIDs.append(id) }
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

    /// URLs, domains, IPs, addresses, hashes and CVE ids in the bodies and the forwarders' notes (HTML links included, defanged
    /// forms refanged), minus warning lists and the victim's own.
    mutating func bodyIndicators() {
        // The forwarders' own words count too: members paste what their sandbox or proxy showed
        // (hashes, C2 addresses, CVE ids), often defanged.
        let text = ([attack.refangedBodyText] + attack.links + forwarderTexts).joined(separator: "\n")
        let result = extractor.extract(from: text)
        for dropped in result.dropped.prefix(100) {
            warnings.append("dropped \(dropped.indicator.value): \(dropped.reason)")
        }
        var linkedHosts: [String] = []
        for indicator in result.indicators where indicator.kind == .url {
            if let host = indicator.host, !linkedHosts.contains(host) { linkedHosts.append(host) }
        }
        let knownHashes = Set(attack.attachments.flatMap { attachment in
            [attachment.md5, attachment.sha1, attachment.sha256].compactMap { $0?.lowercased() }
        })
        for indicator in result.indicators {
            guard !isVictim(indicator.value) else { continue }
            switch indicator.kind {
            case .url:
                let id = author.observable("url", ["value": .string(indicator.value)])
                contentIDs.append(id)
                author.indicator(pattern: PatternText.equals("url:value", indicator.value),
                                 name: "Link in a targeted attack e-mail: \(indicator.value)", refersTo: id)
            case .domain:
                // "invoice.zip" in a mail is a file name far more often than a domain under .zip.
                if let note = indicator.note, note.contains("file name") {
                    warnings.append("dropped \(indicator.value): \(note)")
                    continue
                }
                let id = author.observable("domain-name", ["value": .string(indicator.value)])
                contentIDs.append(id)
                author.indicator(pattern: PatternText.equals("domain-name:value", indicator.value),
                                 name: "Domain in a targeted attack e-mail: \(indicator.value)", refersTo: id)
            case .ipv4, .ipv6:
                ipIndicator(indicator.value, name: "Address in a targeted attack e-mail")
            case .email:
                guard !isHubSide(indicator.value) else { continue }
                let id = author.observable("email-addr", ["value": .string(indicator.value)])
                contentIDs.append(id)
            case .md5, .sha1, .sha256, .sha512:
                guard !knownHashes.contains(indicator.value.lowercased()),
                      let algorithm = indicator.kind.stixHashAlgorithm else { continue }
                let id = author.observable("file", ["hashes": .object(JSONObject([(algorithm, .string(indicator.value))]))])
                contentIDs.append(id)
                author.indicator(pattern: PatternText.equals("file:hashes.\(PatternText.literal(algorithm))", indicator.value),
                                 name: "File hash in a targeted attack e-mail: \(indicator.value)", refersTo: id)
            case .cve:
                contentIDs.append(IndicatorWriting.vulnerability(indicator.value, into: &author))
            default:
                continue
            }
        }
        // The hosts of links: as domains when named, as addresses when the link goes to an IP.
        for host in linkedHosts where !isVictim(host) {
            if host.contains(where: \.isLetter) && !host.contains(":") {
                contentIDs.append(author.observable("domain-name", ["value": .string(host)]))
            } else {
                let bare = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
                if let ip = MailIPAddress(bare), ip.isPublic {
                    // The address alone would block everything on it: warning lists (CDN ranges) apply.
                    let asIndicator = Indicator(kind: ip.text.contains(":") ? .ipv6 : .ipv4, value: ip.text, original: ip.text, line: 0)
                    if let list = extractor.warningLists.match(asIndicator) {
                        warnings.append("dropped \(ip.text): warning list: \(list.name)")
                    } else {
                        ipIndicator(ip.text, name: "Address linked from a targeted attack e-mail")
                    }
                }
            }
        }
    }

    /// An `ipv4-addr`/`ipv6-addr` with its indicator (once per value).
    mutating func ipIndicator(_ ip: String, name: String) {
        let type = ip.contains(":") ? "ipv6-addr" : "ipv4-addr"
        let id = author.observable(type, ["value": .string(ip)])
        guard !contentIDs.contains(id) else { return }
        contentIDs.append(id)
        author.indicator(pattern: PatternText.equals("\(type):value", ip), name: "\(name): \(ip)", refersTo: id)
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

/// The hub's own side of a forward: the intake mailboxes the member sent its report to (its
/// recipients outside the member's domain, and any configured intake address), their display names
/// and mail hosts. Never victim identifiers, never indicators.
struct HubSide {
    var addresses: Set<String> = []
    var domains: Set<String> = []
    var names: Set<String> = []

    init() {}

    init(report: ForwardedAttack, intakeAddresses: [String]) {
        addresses = Set(intakeAddresses.map { $0.lowercased() })
        guard let outermost = report.layers.first?.message else {
            domains = Set(addresses.compactMap { $0.split(separator: "@").last.map(String.init) })
            return
        }
        var people = report.attack.to + report.attack.cc + report.attack.deliveredTo
        for layer in report.layers { people += [layer.message.from, layer.message.sender].compactMap { $0 } }
        for layer in report.layers.dropFirst() { people += layer.message.to + layer.message.cc }
        let memberDomains = Set(people.compactMap { $0.domain?.lowercased() })
        for recipient in outermost.to + outermost.cc {
            guard let domain = recipient.domain?.lowercased() else { continue }
            if addresses.contains(recipient.address.lowercased()) || !memberDomains.contains(domain) {
                addresses.insert(recipient.address.lowercased())
                if let name = recipient.displayName, !name.isEmpty { names.insert(name) }
            }
        }
        domains = Set(addresses.compactMap { $0.split(separator: "@").last.map(String.init) })
    }

    func contains(_ person: MailAddress) -> Bool { addresses.contains(person.address.lowercased()) }

    /// True for a host in (or an address of) one of the hub's intake domains.
    func isHubHost(_ host: String) -> Bool {
        let lowered = host.lowercased()
        return domains.contains { lowered == $0 || lowered.hasSuffix("." + $0) }
    }
}
