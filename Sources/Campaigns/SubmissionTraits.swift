// Campaigns — SubmissionTraits.swift
// Owns what one reported attack e-mail shows of its campaign: the attacker's values that can link it
// to other submissions (attachment hashes and TLSH, C2 hosts and addresses, sending infrastructure,
// templates of subject, body and attachment names, look-alikes of the recipient's domain, free-mail
// naming). Victim-side values (recipients, their domains and names, internal relays) are never
// traits: they are masked out of templates and only survive as "a look-alike of the recipient's
// domain built this way", which names no victim.
import Foundation
import IndicatorExtraction
import MailParsing
import Specimens

/// The linkable traits of one submission, all in normal form (see `ObservableNormalization`).
///
/// ```swift
/// let report = ForwardedAttack(try MailMessage.parse(emlBytes))
/// let extracted = EmailSubmission.extract(report)
/// let traits = SubmissionTraits(submissionID: "sub-1", organization: "org-a", report: report,
///                               victimIdentifiers: extracted.victimIdentifiers)
/// traits.c2Hosts              // ["login-check.example"]
/// traits.subjectTemplate      // "【重要】アカウント確認のお願い(<n>)"
/// ```
public struct SubmissionTraits: Sendable, Hashable, Codable {
    public var submissionID: String
    /// The submitting organisation: evidence never links a submission to itself, and victim-side
    /// values never cross organisations.
    public var organization: String

    // Strong: the payload and where it calls.
    public var attachmentSHA256: [String] = []
    public var c2Hosts: [String] = []
    public var c2IPs: [String] = []
    // Medium: the sending infrastructure.
    public var sendingIP: String?
    public var sendingHost: String?
    public var senderAddress: String?
    public var senderDomain: String?
    public var envelopeDomain: String?
    public var replyTo: [String] = []
    public var messageIDDomain: String?
    // Weak: how the attacker works.
    public var mailer: String?
    public var attachmentTLSH: [String] = []
    public var attachmentNameTemplates: [String] = []
    public var lookalikeTemplates: [String] = []
    public var freeMailPattern: String?
    public var subjectTemplate: String = ""
    public var subjectSignature: [UInt64] = []
    public var bodySignature: [UInt64] = []

    public static let subjectSignatureSize = 32
    public static let bodySignatureSize = 64

    public init(submissionID: String, organization: String) {
        self.submissionID = submissionID; self.organization = organization
    }

    /// The traits of a parsed report. `victimIdentifiers` are those the extraction found
    /// (`ExtractedSubmission.victimIdentifiers`): none of them becomes a trait. `freeMailDomains`
    /// decides which sender domains are accounts at a provider rather than the attacker's own.
    public init(submissionID: String, organization: String, report: ForwardedAttack, victimIdentifiers: [String],
                freeMailDomains: Set<String> = SubmissionTraits.freeMailDomains) {
        self.init(submissionID: submissionID, organization: organization)
        var reader = TraitReader(report: report, victimIdentifiers: victimIdentifiers, freeMailDomains: freeMailDomains)
        reader.read(into: &self)
    }

    /// Domains of free-mail providers: a sender there is an account, not infrastructure.
    public static let freeMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.co.jp", "yahoo.com", "outlook.com", "outlook.jp", "hotmail.com",
        "hotmail.co.jp", "live.com", "live.jp", "icloud.com", "me.com", "aol.com", "docomo.ne.jp", "ezweb.ne.jp",
        "au.com", "softbank.ne.jp", "i.softbank.jp", "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp",
        "mail.ru", "yandex.ru", "gmx.com", "gmx.net", "protonmail.com", "proton.me", "zoho.com", "qq.com", "163.com",
        "naver.com", "excite.co.jp", "infoseek.jp",
    ]
}

/// Reading the traits out of one report.
struct TraitReader {
    let report: ForwardedAttack
    let freeMailDomains: Set<String>
    /// Victim values, lower-cased: recipients, their names, internal hosts, the member's domains.
    var victimValues: Set<String>
    var victimDomains: Set<String>
    var maskedNames: [String]
    var attack: MailMessage { report.attack }

    init(report: ForwardedAttack, victimIdentifiers: [String], freeMailDomains: Set<String>) {
        self.report = report
        self.freeMailDomains = freeMailDomains
        var values = Set(victimIdentifiers.map { $0.lowercased() })
        var domains = Set<String>()
        for person in report.victimSide.people {
            values.insert(person.address.lowercased())
            if let domain = person.domain.flatMap({ ObservableNormalization.host($0) }), !freeMailDomains.contains(domain) {
                domains.insert(domain)
            }
        }
        for value in victimIdentifiers where !value.contains("@") && value.contains(".") {
            if let host = ObservableNormalization.host(value), host.contains(where: \.isLetter), !freeMailDomains.contains(host) {
                domains.insert(host)
            }
        }
        values.formUnion(report.victimSide.internalHosts.map { $0.lowercased() })
        values.formUnion(report.victimSide.internalIPs)
        victimValues = values
        victimDomains = domains
        // Names masked in templates: the victim's (people, organisations) and the sender persona's,
        // which campaigns change between waves.
        var names = victimIdentifiers.filter { !$0.contains("@") && !$0.contains(".") }
        names += report.victimSide.people.compactMap(\.displayName)
        if let persona = report.attack.from?.displayName { names += Self.nameParts(persona) }
        maskedNames = names
    }

    /// A display name and its space-separated parts ("Yamada Taro" → both words too).
    static func nameParts(_ name: String) -> [String] {
        let parts = name.split(whereSeparator: { $0.isWhitespace || $0 == "　" }).map(String.init)
        return [name] + (parts.count > 1 ? parts : [])
    }

    func isVictim(host: String) -> Bool {
        victimValues.contains(host) || victimDomains.contains { host == $0 || host.hasSuffix("." + $0) }
    }

    func isVictim(address: String) -> Bool {
        guard let domain = address.split(separator: "@").last.map(String.init) else { return true }
        return victimValues.contains(address) || isVictim(host: domain)
    }

    mutating func read(into traits: inout SubmissionTraits) {
        readAttachments(into: &traits)
        readLinks(into: &traits)
        readSender(into: &traits)
        readTemplates(into: &traits)
    }

    func readAttachments(into traits: inout SubmissionTraits) {
        var hashes = Set<String>(), digests = Set<String>(), names = Set<String>()
        for attachment in attack.attachments {
            hashes.insert(attachment.sha256.lowercased())
            for member in attachment.archiveMembers ?? [] where !member.isDirectory {
                if let sha256 = member.sha256 { hashes.insert(sha256.lowercased()) }
                names.insert(TextTemplates.fileNameTemplate(member.name, masking: maskedNames))
            }
            if let digest = TLSH.hash(of: attachment.data) { digests.insert(digest) }
            if let name = attachment.filename { names.insert(TextTemplates.fileNameTemplate(name, masking: maskedNames)) }
        }
        traits.attachmentSHA256 = hashes.sorted()
        traits.attachmentTLSH = digests.sorted()
        traits.attachmentNameTemplates = names.sorted()
    }

    func readLinks(into traits: inout SubmissionTraits) {
        var hosts = Set<String>(), ips = Set<String>()
        let extractor = IndicatorExtractor(warningLists: WarningLists())
        let found = extractor.extract(from: ([attack.refangedBodyText] + attack.links).joined(separator: "\n"))
        var candidates: [String] = attack.links.compactMap(ObservableNormalization.host(ofURL:))
        for indicator in found.indicators + found.dropped.map(\.indicator) {
            switch indicator.kind {
            case .url: if let host = ObservableNormalization.host(ofURL: indicator.value) { candidates.append(host) }
            case .domain where !(indicator.note ?? "").contains("file name"):
                if let host = ObservableNormalization.host(indicator.value) { candidates.append(host) }
            case .ipv4, .ipv6: if let ip = ObservableNormalization.ip(indicator.value) { candidates.append(ip) }
            default: continue
            }
        }
        for value in candidates where !isVictim(host: value) {
            if let ip = MailIPAddress(value) {
                if ip.isPublic { ips.insert(ip.text) }
            } else if value.contains(".") {
                hosts.insert(value)
            }
        }
        traits.c2Hosts = hosts.sorted()
        traits.c2IPs = ips.sorted()
    }

    func readSender(into traits: inout SubmissionTraits) {
        if let hop = attack.firstExternalHop, let ip = hop.sendingIP, !isVictim(host: ip.text) {
            traits.sendingIP = ip.text
            let name = (hop.fromReverseHost ?? hop.fromHost).flatMap { ObservableNormalization.host($0) }
            if let name, name.contains("."), MailIPAddress(name) == nil, !isVictim(host: name) { traits.sendingHost = name }
        }
        if let from = attack.from, let address = ObservableNormalization.address(from.address), !isVictim(address: address) {
            let parts = address.split(separator: "@").map(String.init)
            traits.senderAddress = address
            traits.senderDomain = parts[1]
            if freeMailDomains.contains(parts[1]) {
                // The recipe, not the provider: campaigns spread their accounts over several providers.
                traits.freeMailPattern = TextTemplates.localPartPattern(parts[0]) + "@<free-mail>"
            }
        }
        if let bounce = attack.returnPath.first.flatMap({ ObservableNormalization.address($0.address) }),
           !isVictim(address: bounce) {
            traits.envelopeDomain = bounce.split(separator: "@").last.map(String.init)
        }
        traits.replyTo = Set(attack.replyTo.compactMap { ObservableNormalization.address($0.address) }
            .filter { !isVictim(address: $0) }).sorted()
        if let id = attack.messageID, let domain = ObservableNormalization.messageIDDomain(id), !isVictim(host: domain) {
            traits.messageIDDomain = domain
        }
        traits.mailer = attack.mailer.flatMap(ObservableNormalization.mailer)
        var lookalikes = Set<String>()
        let attackerHosts = [traits.senderDomain, traits.envelopeDomain].compactMap { $0 }
            + traits.replyTo.compactMap { $0.split(separator: "@").last.map(String.init) } + traits.c2Hosts
        for host in attackerHosts {
            for victim in victimDomains {
                if let template = LookalikeDomains.template(of: host, imitating: victim) { lookalikes.insert(template) }
            }
        }
        traits.lookalikeTemplates = lookalikes.sorted()
    }

    func readTemplates(into traits: inout SubmissionTraits) {
        let subject = TextTemplates.bareSubject(attack.subject ?? "")
        traits.subjectTemplate = TextTemplates.mask(subject, masking: maskedNames)
        traits.subjectSignature = TextTemplates.signature(of: traits.subjectTemplate, size: SubmissionTraits.subjectSignatureSize)
        let body = TextTemplates.mask(TextTemplates.ownText(ofBody: attack.bodyText), masking: maskedNames)
        traits.bodySignature = TextTemplates.signature(of: body, size: SubmissionTraits.bodySignatureSize)
    }
}

/// Look-alikes of a recipient's domain, as templates that name no victim.
///
/// ```swift
/// LookalikeDomains.template(of: "hokuto-denryoku-co-jp.com", imitating: "hokuto-denryoku.co.jp")
/// // "<victim>-co-jp.com"
/// ```
public enum LookalikeDomains {
    /// The construction of `host` from `victim`'s domain with the victim's name masked, or nil when
    /// `host` does not imitate it. Same construction against different victims gives the same template.
    public static func template(of host: String, imitating victim: String) -> String? {
        // The victim's registrable domain: a recipient's mail host names the same organisation.
        let base = PublicSuffixList.registrableDomain(of: victim) ?? victim
        guard host != base, !host.hasSuffix("." + base) else { return nil }
        let core = coreName(of: base)
        guard core.count >= 4 else { return nil }
        if host.contains(core) {
            var template = host.replacingOccurrences(of: core, with: "<victim>")
            // The victim's own suffix written into the look-alike ("-co-jp") is part of the recipe.
            let suffix = base.dropFirst(core.count)
            if suffix.count > 1 {
                let dashed = suffix.dropFirst().replacingOccurrences(of: ".", with: "-")
                template = template.replacingOccurrences(of: "<victim>-" + dashed, with: "<victim>-<suffix>")
                template = template.replacingOccurrences(of: "<victim>" + suffix.dropFirst().replacingOccurrences(of: ".", with: ""),
                                                          with: "<victim><suffix>")
            }
            return template
        }
        // A typo of the core name (one edit) under any suffix.
        let hostCore = coreName(of: host)
        if hostCore != core, editDistanceIsOne(Array(hostCore), Array(core)) {
            return "<victim~1>" + host.dropFirst(hostCore.count)
        }
        return nil
    }

    /// The registrable name without its public suffix ("hokuto-denryoku.co.jp" → "hokuto-denryoku").
    static func coreName(of domain: String) -> String {
        let registrable = PublicSuffixList.registrableDomain(of: domain) ?? domain
        return String(registrable.split(separator: ".").first ?? Substring(registrable))
    }

    static func editDistanceIsOne(_ a: [Character], _ b: [Character]) -> Bool {
        if abs(a.count - b.count) > 1 || a == b { return false }
        var i = 0, j = 0, edits = 0
        while i < a.count && j < b.count {
            if a[i] == b[j] { i += 1; j += 1; continue }
            edits += 1
            if edits > 1 { return false }
            if a.count > b.count { i += 1 } else if a.count < b.count { j += 1 } else { i += 1; j += 1 }
        }
        return edits + (a.count - i) + (b.count - j) == 1
    }
}
