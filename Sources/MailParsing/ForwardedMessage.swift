// MailParsing — ForwardedMessage.swift
// A member's report of an attack mail: which message is the attack (the innermost of however many
// forwards: attached message/rfc822, an attached .eml under any type, an .eml in a zip, also a
// password-protected one, or an inline forward in the body), the victim-side layers around it with
// what each forwarder wrote, and what identifies the victim side (people, internal relays) for the
// anonymiser.

/// The people and infrastructure on the victim's side of a reported attack.
public struct VictimSide: Sendable, Hashable {
    /// Mailboxes of every forwarding layer (from/sender/reply-to/to/cc/bcc/delivered-to) and the
    /// attack's recipients (to/cc/bcc/delivered-to/X-Original-To, Received "for" addresses); never
    /// the attacker's own addresses (from/sender/reply-to/return-path of the attack).
    public let people: [MailAddress]
    /// Host names of internal relays: hops sending from private addresses (the attack's and every
    /// layer's), and the receiving host of the hop where the attack entered from a public address.
    public let internalHosts: [String]
    /// Private IP addresses of internal relays.
    public let internalIPs: [String]
}

/// One victim-side layer of a report: a message that carried the next one inward.
public struct ForwardLayer: Sendable {
    /// The forwarding message (for an inline forward of a forward, rebuilt from its quoted header).
    public let message: MailMessage
    /// What the forwarder wrote at this layer: the body above the quoted or attached inner message,
    /// signature included (names, phone numbers, organisation names, passwords live here).
    public let ownText: String

    public init(message: MailMessage, ownText: String) {
        self.message = message
        self.ownText = ownText
    }
}

/// A reported attack e-mail, possibly wrapped in one or more forwards.
///
/// ```swift
/// let report = ForwardedAttack(try MailMessage.parse(bytes))
/// report.attackSelection           // "attack message: inline forward (Outlook), depth 2"
/// report.attack.subject            // the attacker's subject
/// report.attack.attachments        // the attacker's files
/// report.layers.map(\.ownText)     // what each forwarder wrote, outermost first
/// report.victimIdentifiers         // ["soc@denryoku-a.example.jp", "電力A SOC", "mx1.denryoku-a.example.jp", "10.1.2.3", ...]
/// ```
public struct ForwardedAttack: Sendable {
    /// The outermost message when the attack came inside a forward; nil when the message is the attack.
    public let wrapper: MailMessage?
    /// The attack e-mail: the innermost forwarded message.
    public let attack: MailMessage
    /// The victim-side layers, outermost first (the attack itself is not one of them).
    public let layers: [ForwardLayer]
    /// One line saying which message was taken as the attack and why.
    public let attackSelection: String
    public let victimSide: VictimSide

    /// Forwards inside forwards are followed this many layers deep.
    static let maxLayers = 8

    /// Follows forwards inward (attached messages, .eml attachments and zip members, inline forwards)
    /// and takes the innermost message as the attack; without a forward, the message itself.
    public init(_ message: MailMessage) {
        var layers: [ForwardLayer] = []
        var current = message
        var selection = "attack message: the message itself (no forward found)"
        var localOffset = message.dateString.flatMap(MailDate.offsetMinutes)
        var texts: [String] = []
        while layers.count < Self.maxLayers {
            texts.append((current.subject ?? "") + "\n" + current.bodyText)
            let step = Self.innerMessage(of: current, knownTexts: texts, localOffset: localOffset)
            guard let inner = step.inner else {
                if let note = step.note, layers.isEmpty { selection = "attack message: the message itself (\(note))" }
                break
            }
            layers.append(ForwardLayer(message: current, ownText: step.ownText))
            selection = "attack message: \(step.how), depth \(layers.count)"
            if let offset = inner.dateString.flatMap(MailDate.offsetMinutes), !inner.received.isEmpty { localOffset = offset }
            current = inner
        }
        // The attack's own encrypted zips, opened with a password any layer's text gives.
        if current.attachments.contains(where: \.hasUnopenedMembers) {
            let passwords = PasswordHints.passwords(in: (texts + [current.bodyText]).joined(separator: "\n"))
            let reopened = current.attachments.map { $0.reopened(with: passwords) ?? $0 }
            current = current.replacingAttachments(reopened)
        }
        self.layers = layers
        wrapper = layers.first?.message
        attack = current
        attackSelection = selection
        victimSide = Self.victimSide(layers: layers.map(\.message), attack: current)
    }

    // MARK: - Finding the inner message

    private struct Step {
        var inner: MailMessage?
        var how = ""
        var ownText = ""
        var note: String?
    }

    /// The text a forwarder wrote in a message: its plain-text bodies, else its HTML as text.
    static func ownText(of message: MailMessage) -> String {
        let text = message.textBodies.joined(separator: "\n\n")
        return text.trimmingASCIIWhitespace().isEmpty ? message.bodyText : text
    }

    /// The RFC 822 message a saved mail holds: an Outlook .msg item rewritten, or the message
    /// text found in the bytes.
    static func messageBytes(_ data: [UInt8]) -> [UInt8]? {
        if OutlookItem.isCompoundFile(data), let item = OutlookItem.message(data) { return item }
        return MessageSniffing.embeddedMessage(data)
    }

    private static func innerMessage(of message: MailMessage, knownTexts: [String], localOffset: Int?) -> Step {
        let depth = message.depth + 1
        if let inner = message.attachedMessages.first {
            return Step(inner: inner, how: "attached message/rfc822", ownText: ownText(of: message))
        }
        // An e-mail attached under another type (octet-stream, x-message, none) or name (.eml, .msg).
        for attachment in message.attachments where !attachment.isArchive {
            let named = MessageSniffing.hasMessageName(attachment.filename)
            let typed = ["application/x-message", "message/rfc822", "application/vnd.ms-outlook", "text/rfc822-headers",
                         "message/global"].contains(attachment.contentType)
            let bytes: [UInt8]?
            if named || typed {
                bytes = messageBytes(attachment.data)
            } else {
                bytes = MessageSniffing.startsWithHeaders(attachment.data) ? attachment.data : nil
            }
            guard let bytes, let inner = try? MailMessage.parse(bytes, depth: depth) else { continue }
            let kind = named ? (attachment.fileExtension.map { ".\($0)" } ?? "message") : "message"
            return Step(inner: inner, how: "attached \(kind) (\(attachment.contentType)\(attachment.filename.map { " \"\($0)\"" } ?? ""))",
                        ownText: ownText(of: message))
        }
        // An e-mail in a zip: opened already when the message's own text or `infected` fits; else
        // with a password an outer layer gave.
        let passwords = message.attachments.contains(where: \.hasUnopenedMembers)
            ? PasswordHints.passwords(in: knownTexts.joined(separator: "\n")) : []
        for attachment in message.attachments where attachment.isArchive {
            let archive = attachment.reopened(with: passwords) ?? attachment
            for member in archive.archiveMembers ?? [] {
                guard let content = member.messageContent, let bytes = messageBytes(content),
                      let inner = try? MailMessage.parse(bytes, depth: depth) else { continue }
                let name = member.name.split(separator: "/").last.map(String.init) ?? member.name
                var how = "\(name.lowercased().hasSuffix(".msg") ? ".msg" : ".eml") in "
                if let password = member.password {
                    how += password == PasswordHints.fieldDefault ? "encrypted zip (password infected)"
                        : "encrypted zip (password from the forward's text)"
                } else {
                    how += "zip"
                }
                if member.nestingDepth > 0 { how += ", nested \(member.nestingDepth) deep" }
                return Step(inner: inner, how: how, ownText: ownText(of: message))
            }
        }
        // An inline forward in the body.
        let lines = QuotedLine.split(ownText(of: message))
        guard let forward = InlineForward.find(in: lines, subject: message.subject) else { return Step() }
        guard ForwardDecision.isForward(outer: message, forward: forward) else {
            return Step(note: "its quoted header block is correspondence it quotes, not a forward")
        }
        let ownLinks = Set(BodyFacts([(false, forward.ownText)]).links)
        let inner = MailMessage.rebuilt(from: forward, attachments: message.attachments,
                                        carriedLinks: message.links.filter { !ownLinks.contains($0) }, depth: depth,
                                        defaultOffsetMinutes: localOffset)
        return Step(inner: inner, how: "inline forward (\(forward.style))", ownText: forward.ownText)
    }

    /// Every string that identifies the victim side, de-duplicated case-insensitively, in this order:
    /// addresses, display names, internal host names, internal IPs.
    public var victimIdentifiers: [String] {
        var result: [String] = []
        var seen: Set<String> = []
        func add(_ value: String?) {
            guard let value = value?.trimmingASCIIWhitespace(), !value.isEmpty else { return }
            if seen.insert(value.lowercased()).inserted { result.append(value) }
        }
        for person in victimSide.people { add(person.address) }
        for person in victimSide.people { add(person.displayName) }
        for host in victimSide.internalHosts { add(host) }
        for ip in victimSide.internalIPs { add(ip) }
        return result
    }

    private static func victimSide(layers: [MailMessage], attack: MailMessage) -> VictimSide {
        var people: [MailAddress] = []
        var seen: Set<String> = []
        // The attacker's own addresses are indicators, not victim data, even when also a recipient.
        var attacker: Set<String> = []
        for address in [attack.from, attack.sender].compactMap({ $0 }) + attack.replyTo + attack.returnPath
            where !address.address.isEmpty {
            attacker.insert(address.address.lowercased())
        }
        func add(_ address: MailAddress) {
            let key = address.address.lowercased() + "\u{0}" + (address.displayName ?? "")
            if attacker.contains(address.address.lowercased()) { return }
            if seen.insert(key).inserted { people.append(address) }
        }
        for layer in layers {
            for address in [layer.from, layer.sender].compactMap({ $0 }) + layer.replyTo + layer.to + layer.cc + layer.bcc
                + layer.deliveredTo {
                add(address)
            }
        }
        for address in attack.to + attack.cc + attack.bcc + attack.deliveredTo {
            add(address)
        }
        for hop in attack.received {
            if let recipient = hop.forAddress, recipient.contains("@") {
                add(MailAddress(address: recipient))
            }
        }

        // Internal relays: hops above (nearer the recipient than) the topmost public hop, hops
        // sending from private addresses, and the receiving host where the attack came in.
        var hosts: [String] = []
        var ips: [String] = []
        func addHost(_ host: String?) {
            guard let host, !host.isEmpty, MailIPAddress(host) == nil, host.lowercased() != "unknown",
                  host.lowercased() != "localhost", !hosts.contains(where: { $0.lowercased() == host.lowercased() }) else { return }
            hosts.append(host)
        }
        func addIP(_ ip: MailIPAddress) {
            guard ip.isPrivate, !ips.contains(ip.text) else { return }
            ips.append(ip.text)
        }
        let entry = attack.received.firstIndex { $0.sendingIP?.isPublic == true }
        for (index, hop) in attack.received.enumerated() {
            let aboveEntry = entry.map { index < $0 } ?? true
            if aboveEntry || hop.sendingIP?.isPrivate == true {
                addHost(hop.fromHost)
                addHost(hop.fromReverseHost)
                addHost(hop.byHost)
                hop.fromIPs.forEach(addIP)
                hop.byIPs.forEach(addIP)
            }
            if index == entry { addHost(hop.byHost); hop.byIPs.forEach(addIP) }
        }
        // Every forwarding layer's own relays: the hops that sent from inside, and hosts named in the
        // victim's own mail domains (the gateway a forward left by, seen from the hub).
        var victimDomains: Set<String> = []
        for person in people {
            guard let domain = person.domain, !ForwardDecision.sharedMailDomains.contains(domain) else { continue }
            victimDomains.insert(domain)
        }
        let attackerDomain = attack.from?.domain
        func inVictimDomain(_ host: String?) -> Bool {
            guard let host = host?.lowercased() else { return false }
            return victimDomains.contains { $0 != attackerDomain && (host == $0 || host.hasSuffix("." + $0)) }
        }
        for layer in layers {
            for hop in layer.received {
                if hop.sendingIP?.isPrivate == true {
                    addHost(hop.fromHost)
                    addHost(hop.fromReverseHost)
                    addHost(hop.byHost)
                    hop.fromIPs.forEach(addIP)
                    hop.byIPs.forEach(addIP)
                }
                for host in [hop.fromHost, hop.fromReverseHost, hop.byHost] where inVictimDomain(host) { addHost(host) }
            }
        }
        return VictimSide(people: people, internalHosts: hosts, internalIPs: ips)
    }
}

// MARK: - Forward or quoted correspondence

/// Whether a quoted header block in a message's body is a forward (the attack inside a member's
/// report) or correspondence the message quotes (a reply chain, or a fake forward, both of which
/// attackers use as lures). Decided by who sent what, never by the marker alone, because a mail an
/// attacker wrote can carry any marker:
/// - a reply is addressed to the quoted message's sender: never a forward;
/// - the outer sender among the quoted recipients (the same address, the same display name, or
///   the same non-free mail domain) forwards what they received;
/// - an outer message marked as a forward (an explicit marker such as "Forwarded message" or
///   転送メッセージ, or a subject "FW:" / "転送:") and addressed to a different party than the quoted
///   one (none of its sender and recipients), from someone other than the quoted sender, passes it on;
/// - anything else (a "From:" line in a lure, a fake forward sent to the very recipient it quotes)
///   is the message's own text.
enum ForwardDecision {
    static let sharedMailDomains: Set<String> = [
        "gmail.com", "googlemail.com", "yahoo.co.jp", "yahoo.com", "outlook.com", "outlook.jp", "hotmail.com",
        "hotmail.co.jp", "live.com", "live.jp", "icloud.com", "me.com", "aol.com", "docomo.ne.jp", "ezweb.ne.jp",
        "au.com", "softbank.ne.jp", "i.softbank.jp", "nifty.com", "biglobe.ne.jp", "ocn.ne.jp", "so-net.ne.jp",
    ]

    static func isForward(outer: MailMessage, forward: InlineForward) -> Bool {
        let block = forward.block
        let outerRecipients = outer.to + outer.cc
        let innerRecipients = block.to + block.cc
        if let innerFrom = block.from, outerRecipients.contains(where: { samePerson($0, innerFrom) }) { return false }
        if let outerFrom = outer.from {
            if innerRecipients.contains(where: { samePerson($0, outerFrom) || sameName($0, outerFrom) }) { return true }
            if let domain = outerFrom.domain, !sharedMailDomains.contains(domain),
               innerRecipients.contains(where: { $0.domain == domain }) {
                return true
            }
        }
        // A quoted reply-style forward names only its sender: it is a forward when the subject says so
        // somewhere in its RE:/FW: chain and the forwarder is not the quoted sender.
        if forward.style == "quoted reply" {
            let sameSender = outer.from.map { outerFrom in block.from.map { samePerson($0, outerFrom) } ?? false } ?? false
            return !sameSender && hasForwardPrefixInChain(outer.subject) && !outerRecipients.isEmpty
        }
        // Passing on to a different party is a forward only when the message says it forwards: an
        // attacker quoting some third party's (made-up) exchange to the victim is not a forward.
        guard forward.isExplicit || hasForwardPrefix(outer.subject), !outerRecipients.isEmpty, !innerRecipients.isEmpty else {
            return false
        }
        let innerParty = innerRecipients + [block.from].compactMap { $0 }
        let overlap = outerRecipients.contains { outerPerson in innerParty.contains { samePerson($0, outerPerson) } }
        let sameSender = outer.from.map { outerFrom in block.from.map { samePerson($0, outerFrom) } ?? false } ?? false
        return !overlap && !sameSender
    }

    /// The same display name (two characters or more, spaces ignored), whatever the addresses: one
    /// person forwarding from another account ("鈴木 一郎 <suzuki.ichiro@gmail.com>").
    static func sameName(_ left: MailAddress, _ right: MailAddress) -> Bool {
        func name(_ person: MailAddress) -> String {
            (person.displayName ?? "").lowercased().filter { $0 != " " && $0 != "　" && $0 != "\"" }
        }
        let leftName = name(left)
        return leftName.count >= 2 && leftName == name(right)
    }

    static let replyOrForwardPrefixes = ["re:", "re：", "fw:", "fwd:", "fw：", "fwd：", "転送:", "転送：", "tr:", "wg:", "aw:", "返信:", "返信："]

    /// True when any prefix of a "RE: FW: RE: …" chain is a forward's.
    static func hasForwardPrefixInChain(_ subject: String?) -> Bool {
        guard var rest = subject?.trimmingASCIIWhitespace() else { return false }
        while true {
            if hasForwardPrefix(rest) { return true }
            guard let prefix = replyOrForwardPrefixes.first(where: { rest.lowercased().hasPrefix($0) }) else { return false }
            rest = String(rest.dropFirst(prefix.count)).trimmingASCIIWhitespace()
        }
    }

    /// The subject without its leading RE:/FW:/転送: prefixes.
    static func withoutReplyPrefixes(_ subject: String?) -> String? {
        guard var rest = subject?.trimmingASCIIWhitespace() else { return nil }
        while let prefix = replyOrForwardPrefixes.first(where: { rest.lowercased().hasPrefix($0) }) {
            rest = String(rest.dropFirst(prefix.count)).trimmingASCIIWhitespace()
        }
        return rest
    }

    /// "FW:", "Fwd:", "転送:", "TR:", "WG:", "[Fwd: …]", after any "RE:"-free leading space.
    static func hasForwardPrefix(_ subject: String?) -> Bool {
        guard let subject else { return false }
        let lowered = subject.trimmingASCIIWhitespace().lowercased()
        for prefix in ["fw:", "fwd:", "fw：", "fwd：", "転送:", "転送：", "tr:", "wg:", "[fwd", "(fwd)"] where lowered.hasPrefix(prefix) {
            return true
        }
        return false
    }

    /// The same address, or (when one side has no address) the same display name, spaces ignored.
    static func samePerson(_ left: MailAddress, _ right: MailAddress) -> Bool {
        if !left.address.isEmpty, !right.address.isEmpty, left.address.contains("@"), right.address.contains("@") {
            return left.address.lowercased() == right.address.lowercased()
        }
        func name(_ person: MailAddress) -> String {
            (person.displayName ?? "").lowercased().filter { $0 != " " && $0 != "　" && $0 != "\"" }
        }
        let leftName = name(left), rightName = name(right)
        return !leftName.isEmpty && leftName == rightName
    }
}
