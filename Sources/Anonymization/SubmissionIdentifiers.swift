// Anonymization — SubmissionIdentifiers.swift
// Owns learning from a submission what identifies its provider beyond the organisation's profile:
// the recipients of attack e-mails (addresses and display names), identity objects of the provider,
// the names carried by what anonymisation withholds (identities, e-mail addresses, user accounts),
// the ids of what the provider authored, and which observables will be withheld or get a rewritten
// id, so that references to them from other objects of the submission are removed or rewritten
// consistently and no name of a withheld object survives elsewhere.

import STIX

extension VictimProfile {
    /// Adds what the submission itself reveals about the provider:
    /// - the `email-addr` values and display names of every recipient of an `email-message` (`to_refs`,
    ///   `cc_refs`, `bcc_refs`, and addresses in To/Cc/Bcc/Delivered-To headers);
    /// - identity objects whose name is one of the organisation's names, and identities (of its people)
    ///   that anonymisation withholds;
    /// - the ids of observables anonymisation withholds (`observableIDs`) and of observables with
    ///   content-derived ids that it releases with changed content (`rewrittenObservableIDs`);
    /// - every name-bearing property of what it withholds: identity `name`, `contact_information` and
    ///   `x_…name…` strings, e-mail address `display_name`, user account `user_id`, `account_login`
    ///   and `display_name` — scrubbed wherever else they appear;
    /// - the ids of the objects the provider authored (`authoredIDs`), rewritten wherever quoted.
    ///
    /// ```swift
    /// var profile = organisationProfile
    /// profile.addIdentifiers(foundIn: submission.map { try JSONParser.parse($0.bytes) })
    /// profile.emailAddresses   // now also the recipients of the attack e-mail
    /// ```
    public mutating func addIdentifiers(foundIn objects: [JSONValue]) {
        var byID: [String: JSONObject] = [:]
        for value in objects {
            if case .object(let object) = value, let id = object["id"]?.stringValue { byID[id] = object }
        }
        let names = Set(organizationNames.map { FoldedText($0.trimmingSpaces).scalars.filter { $0 != " " } })
        for object in byID.values {
            switch object["type"]?.stringValue {
            case "email-message":
                addRecipients(of: object, byID: byID)
            case "identity":
                if let id = object["id"]?.stringValue, let name = object["name"]?.stringValue,
                   names.contains(FoldedText(name).scalars.filter({ $0 != " " })) {
                    append(id, to: \.identityIDs)
                }
            default:
                break
            }
        }
        addAuthoredIDs(byID)
        // Withholding one object can change another that refers to it, and the names a withheld
        // object carries can withhold more; repeat until stable.
        for _ in 0..<6 {
            let withheld = learnDispositions(byID)
            if !addNames(ofWithheld: withheld.withheldIDs, byID: byID) && withheld.isStable { break }
        }
    }

    /// What one round of anonymisation withheld, and whether it learned nothing new.
    struct Dispositions {
        var withheldIDs: [String] = []
        var isStable = true
    }

    private mutating func learnDispositions(_ byID: [String: JSONObject]) -> Dispositions {
        let settings = AnonymizationSettings(hubIdentityID: "identity--00000000-0000-4000-8000-000000000000", idKey: [0])
        let session = AnonymizationSession(profile: self, settings: settings)
        var result = Dispositions()
        for (id, object) in byID.sorted(by: { $0.key < $1.key }) {
            guard let type = object["type"]?.stringValue else { continue }
            var transformer = ObjectTransformer(session: session, type: type, id: id, original: object)
            let outcome = transformer.run()
            if case .withheld = outcome { result.withheldIDs.append(id) }
            if type == "identity" {
                if case .withheld = outcome, !identityIDs.contains(id) { identityIDs.append(id); result.isStable = false }
                continue
            }
            guard transformer.isObservable else { continue }
            switch outcome {
            case .withheld:
                if !observableIDs.contains(id) { observableIDs.append(id); result.isStable = false }
            case .released(let copy):
                if ObservableIdentifiers.isDeterministicObservableID(id), copy["id"]?.stringValue != id,
                   !rewrittenObservableIDs.contains(id) {
                    rewrittenObservableIDs.append(id)
                    result.isStable = false
                }
            }
        }
        return result
    }

    /// Ids of what the provider authored: objects created by one of its identities, and objects
    /// without an author (observables, what it wrote without saying who) other than identities and
    /// marking definitions. Standard TLP markings are shared vocabulary.
    private mutating func addAuthoredIDs(_ byID: [String: JSONObject]) {
        let providers = Set(identityIDs.map { ReferencePolicy.normalize($0) })
        for (id, object) in byID.sorted(by: { $0.key < $1.key }) where TLPMarking(id: id) == nil {
            let type = object["type"]?.stringValue ?? ""
            if let creator = object["created_by_ref"]?.stringValue {
                guard providers.contains(ReferencePolicy.normalize(creator)) else { continue }
            } else if type == "identity" || type == "marking-definition" {
                continue
            }
            append(id, to: \.authoredIDs)
        }
    }

    /// Adds the names of withheld identities, e-mail addresses and user accounts; true when any was new.
    private mutating func addNames(ofWithheld ids: [String], byID: [String: JSONObject]) -> Bool {
        let before = self
        for id in ids {
            guard let object = byID[id] else { continue }
            switch object["type"]?.stringValue {
            case "identity": addNames(ofIdentity: object)
            case "email-addr":
                if let value = object["value"]?.stringValue { add(victimIdentifier: value, kind: .email) }
                if let name = object["display_name"]?.stringValue, !name.contains("@") { add(victimIdentifier: name, kind: .person) }
            case "user-account":
                for key in ["user_id", "account_login"] {
                    if let value = object[key]?.stringValue { add(victimIdentifier: value, kind: .account) }
                }
                if let name = object["display_name"]?.stringValue { add(victimIdentifier: name, kind: .person) }
            default:
                break
            }
        }
        return self != before
    }

    private mutating func addNames(ofIdentity identity: JSONObject) {
        let isPerson = identity["identity_class"]?.stringValue == "individual"
        var names: [String] = []
        for (key, value) in identity.members where key == "name" || (key.hasPrefix("x_") && key.contains("name")) {
            names += value.arrayValue?.compactMap(\.stringValue) ?? [value.stringValue].compactMap { $0 }
        }
        for name in names { add(victimIdentifier: name, kind: isPerson ? .person : .organization) }
        if let contact = identity["contact_information"]?.stringValue {
            let separators: Set<Character> = [",", ";", "、", "，", "；", "\n", "/", "|"]
            let parts = contact.split(whereSeparator: { separators.contains($0) })
            add(victimIdentifiers: parts.map { Self.contactValue(String($0)) })
        }
    }

    /// "TEL: 03-1234-5678" -> "03-1234-5678"; "e-mail：soc@x.jp" -> "soc@x.jp".
    static func contactValue(_ part: String) -> String {
        let trimmed = part.trimmingSpaces
        if let colon = trimmed.firstIndex(where: { $0 == ":" || $0 == "：" }) {
            let label = trimmed[..<colon]
            if label.count <= 12, !label.contains("@") { return String(trimmed[trimmed.index(after: colon)...]).trimmingSpaces }
        }
        return trimmed
    }

    private mutating func addRecipients(of message: JSONObject, byID: [String: JSONObject]) {
        for key in ["to_refs", "cc_refs", "bcc_refs"] {
            for reference in message[key]?.arrayValue ?? [] {
                guard let id = reference.stringValue else { continue }
                append(id, to: \.observableIDs)
                guard let address = byID[id] else { continue }
                if let value = address["value"]?.stringValue { append(value, to: \.emailAddresses) }
                if let name = address["display_name"]?.stringValue { append(name, to: \.personNames) }
            }
        }
        guard case .object(let headers)? = message["additional_header_fields"] else { return }
        for (name, value) in headers.members where ObjectTransformer.recipientHeaders.contains(name.lowercased()) {
            let texts = value.arrayValue?.compactMap(\.stringValue) ?? [value.stringValue].compactMap { $0 }
            for text in texts {
                for mailbox in Mailboxes.parse(text) {
                    append(mailbox.address, to: \.emailAddresses)
                    if let display = mailbox.displayName { append(display, to: \.personNames) }
                }
            }
        }
    }

    mutating func append(_ value: String, to list: WritableKeyPath<VictimProfile, [String]>) {
        let trimmed = value.trimmingSpaces
        guard !trimmed.isEmpty, !self[keyPath: list].contains(trimmed) else { return }
        self[keyPath: list].append(trimmed)
    }
}

/// Mailboxes in an address header: `"山田 太郎" <taro@example.jp>, keiri@example.jp`.
enum Mailboxes {
    struct Mailbox: Equatable {
        var displayName: String?
        var address: String
    }

    static func parse(_ header: String) -> [Mailbox] {
        var result: [Mailbox] = []
        for part in header.split(separator: ",") {
            let text = String(part).trimmingSpaces
            if let open = text.lastIndex(of: "<"), let close = text.lastIndex(of: ">"), open < close {
                let address = String(text[text.index(after: open)..<close]).trimmingSpaces
                var display = String(text[..<open]).trimmingSpaces
                if display.hasPrefix("\"") && display.hasSuffix("\"") && display.count >= 2 {
                    display = String(display.dropFirst().dropLast())
                }
                if address.contains("@") {
                    result.append(Mailbox(displayName: display.isEmpty ? nil : display, address: address))
                }
            } else if text.contains("@") {
                result.append(Mailbox(displayName: nil, address: text))
            }
        }
        return result
    }
}
