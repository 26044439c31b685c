// Anonymization — SubmissionIdentifiers.swift
// Owns learning from a submission what identifies its provider beyond the organisation's profile:
// the recipients of attack e-mails (addresses and display names), identity objects of the provider,
// and which observables will be withheld or get a rewritten id, so that references to them from
// other objects of the submission are removed or rewritten consistently.

import STIX

extension VictimProfile {
    /// Adds what the submission itself reveals about the provider:
    /// - the `email-addr` values and display names of every recipient of an `email-message` (`to_refs`,
    ///   `cc_refs`, `bcc_refs`, and addresses in To/Cc/Bcc/Delivered-To headers);
    /// - identity objects whose name is one of the organisation's names, and identities (of its people)
    ///   that anonymisation withholds;
    /// - the ids of observables anonymisation withholds (`observableIDs`) and of observables with
    ///   content-derived ids that it releases with changed content (`rewrittenObservableIDs`).
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
        // Withholding one observable can change another that refers to it; repeat until stable.
        let settings = AnonymizationSettings(hubIdentityID: "identity--00000000-0000-4000-8000-000000000000", idKey: [0])
        for _ in 0..<4 {
            let session = AnonymizationSession(profile: self, settings: settings)
            var changed = false
            for (id, object) in byID.sorted(by: { $0.key < $1.key }) {
                guard let type = object["type"]?.stringValue else { continue }
                var transformer = ObjectTransformer(session: session, type: type, id: id, original: object)
                let result = transformer.run()
                if type == "identity" {
                    if case .withheld = result, !identityIDs.contains(id) { identityIDs.append(id); changed = true }
                    continue
                }
                guard transformer.isObservable else { continue }
                switch result {
                case .withheld:
                    if !observableIDs.contains(id) { observableIDs.append(id); changed = true }
                case .released(let copy):
                    if ObservableIdentifiers.isDeterministicObservableID(id), copy["id"]?.stringValue != id,
                       !rewrittenObservableIDs.contains(id) {
                        rewrittenObservableIDs.append(id)
                        changed = true
                    }
                }
            }
            if !changed { break }
        }
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
