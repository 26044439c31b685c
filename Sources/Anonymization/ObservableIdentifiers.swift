// Anonymization — ObservableIdentifiers.swift
// Owns what anonymisation needs of the deterministic STIX ids of cyber observables (computed by
// STIX.ObservableID, STIX 2.1 section 2.9): which properties contribute for each type, and
// the ids of the observables built from the provider's own e-mail addresses, domains and host names,
// so that a reference to one of them is recognised even when the observable itself is not at hand.

import STIX

enum ObservableIdentifiers {
    /// The id-contributing properties of each observable type (STIX 2.1 section 6).
    static var contributingProperties: [String: [String]] { ObservableID.contributingProperties }

    /// The UUIDv5 observable id for a single-`value` observable of `type`.
    ///
    /// ```swift
    /// ObservableIdentifiers.valueID(type: "email-addr", value: "keiri@denryoku-a.example.jp")
    /// // "email-addr--<uuid v5>"
    /// ```
    static func valueID(type: String, value: String) -> String { ObservableID.value(type: type, value: value) }

    /// The ids of observables whose whole value is one of the profile's e-mail addresses, domains or
    /// host names (as written and in lower case), each with the value it stands for.
    static func victimObservableIDs(for profile: VictimProfile) -> [(id: String, value: String)] {
        var result: [(String, String)] = []
        var seen: Set<String> = []
        func add(_ type: String, _ value: String) {
            for form in [value, value.lowercased()] {
                let id = valueID(type: type, value: form)
                if seen.insert(id).inserted { result.append((id, form)) }
            }
        }
        for email in profile.emailAddresses { add("email-addr", email.trimmingSpaces) }
        for domain in profile.domains { add("domain-name", domain.trimmingSpaces) }
        for host in profile.hostNames where host.contains(".") { add("domain-name", host.trimmingSpaces) }
        return result
    }

    /// True when `id` is a content-derived (UUIDv5) id of a STIX-defined observable type.
    static func isDeterministicObservableID(_ id: String) -> Bool {
        guard let identifier = STIXIdentifier(id), STIXTypes.cyberObservables.contains(identifier.type) else { return false }
        let uuid = identifier.uuid.utf8
        return uuid[uuid.index(uuid.startIndex, offsetBy: 14)] == UInt8(ascii: "5")
    }
}

enum UUIDText {
    static let hexDigits = Array("0123456789abcdef")

    /// 16 bytes as "xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx" in lower case.
    static func format(_ bytes: [UInt8]) -> String {
        var text = ""
        text.reserveCapacity(36)
        for (index, byte) in bytes.prefix(16).enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append("-") }
            text.append(hexDigits[Int(byte >> 4)])
            text.append(hexDigits[Int(byte & 0x0F)])
        }
        return text
    }
}
