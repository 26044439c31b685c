// CampaignDesk — StixTraits.swift
// Owns the campaign traits of a submission that came as STIX (TAXII or the JSON API) rather than
// as an attack e-mail: what its objects state of the attacker — file hashes and TLSH, hosts and
// addresses of SCOs and indicator patterns (from the pattern's parse tree, through the same
// extraction corroboration uses), and of an `email-message` its sender, X-Mailer, Message-ID domain
// and subject template. Recipients (`to_refs`, `cc_refs`, `bcc_refs`) are the victim side: never traits.
import Campaigns
import Consent
import Foundation
import STIX

enum StixTraits {
    /// The traits stated by `objects` (parsed STIX objects of one submission).
    ///
    /// ```swift
    /// let traits = StixTraits.traits(submissionID: s.id, organization: s.organizationID, objects: values)
    /// ```
    static func traits(submissionID: String, organization: String, objects: [JSONValue]) -> SubmissionTraits {
        var traits = SubmissionTraits(submissionID: submissionID, organization: organization)
        var byID: [String: JSONObject] = [:]
        for object in objects { if let o = object.objectValue, let id = o["id"]?.stringValue { byID[id] = o } }
        // Addresses on the victim side of every e-mail: never traits.
        var recipients = Set<String>()
        for object in byID.values where object["type"]?.stringValue == "email-message" {
            for key in ["to_refs", "cc_refs", "bcc_refs"] {
                for ref in object[key]?.arrayValue ?? [] {
                    if let id = ref.stringValue, let value = byID[id]?["value"]?.stringValue,
                       let address = ObservableNormalization.address(value) { recipients.insert(address) }
                }
            }
        }
        let recipientDomains = Set(recipients.compactMap { $0.split(separator: "@").last.map(String.init) })
        var hashes = Set<String>(), digests = Set<String>(), hosts = Set<String>(), ips = Set<String>()
        for object in objects {
            guard case .success(let facts) = STIXValidator.validate(object) else { continue }
            if facts.type == "file", let tlsh = object.objectValue?["hashes"]?.objectValue?["TLSH"]?.stringValue {
                digests.insert(tlsh.uppercased())
            }
            for key in ObservableExtraction.keys(in: object, facts: facts) {
                guard let colon = key.firstIndex(of: ":") else { continue }
                let type = key[..<colon], value = String(key[key.index(after: colon)...])
                switch type {
                case "file":
                    if key.hasPrefix("file:hashes.SHA-256:") { hashes.insert(String(key.dropFirst("file:hashes.SHA-256:".count))) }
                case "domain-name":
                    if let host = ObservableNormalization.host(value), !recipientDomains.contains(host) { hosts.insert(host) }
                case "url":
                    if let host = ObservableNormalization.host(ofURL: value), !recipientDomains.contains(host) { hosts.insert(host) }
                case "ipv4-addr", "ipv6-addr":
                    if let ip = ObservableNormalization.ip(value) { ips.insert(ip) }
                default: break
                }
            }
        }
        traits.attachmentSHA256 = hashes.sorted()
        traits.attachmentTLSH = digests.sorted()
        traits.c2Hosts = hosts.sorted()
        traits.c2IPs = ips.sorted()
        if let message = byID.values.first(where: { $0["type"]?.stringValue == "email-message" }) {
            readMessage(message, byID: byID, recipients: recipients, into: &traits)
        }
        return traits
    }

    static func readMessage(_ message: JSONObject, byID: [String: JSONObject], recipients: Set<String>,
                            into traits: inout SubmissionTraits) {
        if let from = message["from_ref"]?.stringValue.flatMap({ byID[$0]?["value"]?.stringValue }),
           let address = ObservableNormalization.address(from), !recipients.contains(address) {
            traits.senderAddress = address
            let domain = address.split(separator: "@").last.map(String.init)
            if let domain, !SubmissionTraits.freeMailDomains.contains(domain) { traits.senderDomain = domain }
        }
        let headers = message["additional_header_fields"]?.objectValue
        func header(_ name: String) -> String? {
            guard let headers, let key = headers.keys.first(where: { $0.lowercased() == name }) else { return nil }
            return headers[key]?.stringValue ?? headers[key]?.arrayValue?.first?.stringValue
        }
        traits.mailer = header("x-mailer").flatMap(ObservableNormalization.mailer)
        if let id = message["message_id"]?.stringValue ?? header("message-id") {
            traits.messageIDDomain = ObservableNormalization.messageIDDomain(id)
        }
        if let subject = message["subject"]?.stringValue {
            traits.subjectTemplate = TextTemplates.mask(TextTemplates.bareSubject(subject))
            traits.subjectSignature = TextTemplates.signature(of: traits.subjectTemplate,
                                                              size: SubmissionTraits.subjectSignatureSize)
        }
    }

    /// Whether the traits hold anything that can link (a submission of statistics does not).
    static func isLinkable(_ traits: SubmissionTraits) -> Bool {
        !traits.attachmentSHA256.isEmpty || !traits.c2Hosts.isEmpty || !traits.c2IPs.isEmpty
            || traits.sendingIP != nil || traits.senderAddress != nil || traits.messageIDDomain != nil
            || !traits.subjectTemplate.isEmpty || !traits.attachmentTLSH.isEmpty
    }
}
