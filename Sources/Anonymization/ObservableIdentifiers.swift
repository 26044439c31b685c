// Anonymization — ObservableIdentifiers.swift
// Owns the deterministic STIX ids of cyber observables (UUIDv5 over the canonical JSON of their
// id-contributing properties, STIX 2.1 section 2.9): which properties contribute for each type, and
// the ids of the observables built from the provider's own e-mail addresses, domains and host names,
// so that a reference to one of them is recognised even when the observable itself is not at hand.

import Crypto
import STIX

enum ObservableIdentifiers {
    /// The STIX namespace for observable ids.
    static let namespace: [UInt8] = [0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                     0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7]

    /// The id-contributing properties of each observable type (STIX 2.1 section 6).
    static let contributingProperties: [String: [String]] = [
        "artifact": ["hashes", "payload_bin"],
        "autonomous-system": ["number"],
        "directory": ["path"],
        "domain-name": ["value"],
        "email-addr": ["value"],
        "email-message": ["from_ref", "subject", "body"],
        "file": ["hashes", "name", "extensions", "parent_directory_ref"],
        "ipv4-addr": ["value"],
        "ipv6-addr": ["value"],
        "mac-addr": ["value"],
        "mutex": ["name"],
        "network-traffic": ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"],
        "process": [],
        "software": ["name", "cpe", "swid", "vendor", "version"],
        "url": ["value"],
        "user-account": ["account_type", "user_id", "account_login"],
        "windows-registry-key": ["key", "values"],
        "x509-certificate": ["hashes", "serial_number"],
    ]

    /// The UUIDv5 observable id for a single-`value` observable of `type`.
    ///
    /// ```swift
    /// ObservableIdentifiers.valueID(type: "email-addr", value: "keiri@denryoku-a.example.jp")
    /// // "email-addr--<uuid v5>"
    /// ```
    static func valueID(type: String, value: String) -> String {
        let canonical = JSONValue.object(JSONObject([("value", .string(value))])).serialized()
        return type + "--" + uuidV5(name: canonical)
    }

    static func uuidV5(name: [UInt8]) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: name)
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        return UUIDText.format(bytes)
    }

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
