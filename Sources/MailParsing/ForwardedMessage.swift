// MailParsing — ForwardedMessage.swift
// A member's report of an attack mail: the attack itself (the attached message/rfc822, or the
// message) and what identifies the victim side (people, internal relays) for the anonymiser.

/// The people and infrastructure on the victim's side of a reported attack.
public struct VictimSide: Sendable, Hashable {
    /// Mailboxes of the reporting wrapper (from/to/cc/reply-to) and the attack's recipients
    /// (to/cc/bcc/delivered-to/X-Original-To, Received "for" addresses).
    public let people: [MailAddress]
    /// Host names of internal relays: hops sending from private addresses, and the receiving host
    /// of the hop where the attack entered from a public address.
    public let internalHosts: [String]
    /// Private IP addresses of internal relays.
    public let internalIPs: [String]
}

/// A reported attack e-mail, possibly wrapped in a member's forward.
///
/// ```swift
/// let report = ForwardedAttack(try MailMessage.parse(bytes))
/// report.attack.subject            // the attacker's subject
/// report.attack.attachments        // the attacker's files
/// report.victimIdentifiers         // ["soc@denryoku-a.example.jp", "電力A SOC", "mx1.denryoku-a.example.jp", "10.1.2.3", ...]
/// ```
public struct ForwardedAttack: Sendable {
    /// The message the member sent, when the attack came as an attachment of it; nil otherwise.
    public let wrapper: MailMessage?
    /// The attack e-mail.
    public let attack: MailMessage
    public let victimSide: VictimSide

    /// Takes the first attached message as the attack; without one, the message itself is the attack.
    public init(_ message: MailMessage) {
        if let inner = message.attachedMessages.first {
            wrapper = message
            attack = inner
        } else {
            wrapper = nil
            attack = message
        }
        victimSide = Self.victimSide(wrapper: wrapper, attack: attack)
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

    private static func victimSide(wrapper: MailMessage?, attack: MailMessage) -> VictimSide {
        var people: [MailAddress] = []
        var seen: Set<String> = []
        // The attacker's own addresses are indicators, not victim data, even when also a recipient.
        var attacker: Set<String> = []
        for address in [attack.from, attack.sender].compactMap({ $0 }) + attack.replyTo + attack.returnPath {
            attacker.insert(address.address.lowercased())
        }
        func add(_ address: MailAddress, allowAttacker: Bool) {
            let key = address.address.lowercased() + "\u{0}" + (address.displayName ?? "")
            if !allowAttacker && attacker.contains(address.address.lowercased()) { return }
            if seen.insert(key).inserted { people.append(address) }
        }
        if let wrapper {
            for address in [wrapper.from, wrapper.sender].compactMap({ $0 }) + wrapper.replyTo + wrapper.to + wrapper.cc + wrapper.bcc {
                add(address, allowAttacker: false)
            }
        }
        for address in attack.to + attack.cc + attack.bcc + attack.deliveredTo {
            add(address, allowAttacker: false)
        }
        for hop in attack.received {
            if let recipient = hop.forAddress, recipient.contains("@") {
                add(MailAddress(address: recipient), allowAttacker: false)
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
        for hop in wrapper?.received ?? [] where hop.sendingIP?.isPrivate == true {
            addHost(hop.fromHost)
            addHost(hop.fromReverseHost)
            addHost(hop.byHost)
            hop.fromIPs.forEach(addIP)
            hop.byIPs.forEach(addIP)
        }
        return VictimSide(people: people, internalHosts: hosts, internalIPs: ips)
    }
}
