// STIX — ObservableID.swift
// Owns the deterministic identifiers of cyber-observable objects (STIX 2.1 section 2.9): a UUIDv5
// in the STIX namespace over the canonical JSON (sorted keys) of the id-contributing properties, so
// the same address, domain, URL or file always gets the same id, whoever creates it.
import Crypto

/// Deterministic ids for observables.
///
/// ```swift
/// ObservableID.value(type: "domain-name", value: "evil.example.com")   // "domain-name--<uuid v5>"
/// ObservableID.of(fileObject)   // from hashes (one, MD5 first as in the stix2 library) and name
/// ```
public enum ObservableID {
    static let namespace: [UInt8] = [0x00, 0xab, 0xed, 0xb4, 0xaa, 0x42, 0x46, 0x6c,
                                     0x9c, 0x01, 0xfe, 0xd2, 0x33, 0x15, 0xa9, 0xb7]

    /// The id-contributing properties of each STIX-defined observable type.
    public static let contributingProperties: [String: [String]] = [
        "artifact": ["hashes", "payload_bin"], "autonomous-system": ["number"], "directory": ["path"],
        "domain-name": ["value"], "email-addr": ["value"], "email-message": ["from_ref", "subject", "body"],
        "file": ["hashes", "name", "extensions", "parent_directory_ref"], "ipv4-addr": ["value"],
        "ipv6-addr": ["value"], "mac-addr": ["value"], "mutex": ["name"],
        "network-traffic": ["start", "end", "src_ref", "dst_ref", "src_port", "dst_port", "protocols", "extensions"],
        "software": ["name", "cpe", "swid", "vendor", "version"], "url": ["value"],
        "user-account": ["account_type", "user_id", "account_login"], "windows-registry-key": ["key", "values"],
        "x509-certificate": ["hashes", "serial_number"],
    ]

    /// The id of a single-`value` observable (ipv4-addr, ipv6-addr, domain-name, url, email-addr, mac-addr).
    public static func value(type: String, value: String) -> String {
        of(type: type, contributing: JSONObject([("value", .string(value))]))
    }

    /// The id for `object` (which carries its `type`), or nil when none of its type's contributing
    /// properties is present (then a random UUIDv4 id is the rule).
    public static func of(_ object: JSONObject) -> String? {
        guard let type = object["type"]?.stringValue, let names = contributingProperties[type] else { return nil }
        var members: [(String, JSONValue)] = []
        for name in names {
            guard var value = object[name] else { continue }
            if name == "hashes", let hashes = value.objectValue, let chosen = chooseOneHash(hashes) {
                value = .object(JSONObject([chosen]))
            }
            members.append((name, value))
        }
        guard !members.isEmpty else { return nil }
        return of(type: type, contributing: JSONObject(members))
    }

    static func of(type: String, contributing: JSONObject) -> String {
        var hasher = Insecure.SHA1()
        hasher.update(data: namespace)
        hasher.update(data: canonical(.object(contributing)).serialized())
        var bytes = Array(hasher.finalize().prefix(16))
        bytes[6] = (bytes[6] & 0x0F) | 0x50
        bytes[8] = (bytes[8] & 0x3F) | 0x80
        let hex = Array("0123456789abcdef")
        var text = type + "--"
        for (index, byte) in bytes.enumerated() {
            if index == 4 || index == 6 || index == 8 || index == 10 { text.append("-") }
            text.append(hex[Int(byte >> 4)]); text.append(hex[Int(byte & 0x0F)])
        }
        return text
    }

    /// As the stix2 library: MD5, then SHA-1, then SHA-256, then the first other.
    static func chooseOneHash(_ hashes: JSONObject) -> (String, JSONValue)? {
        for key in ["MD5", "SHA-1", "SHA-256"] { if let value = hashes[key] { return (key, value) } }
        guard let key = hashes.keys.first, let value = hashes[key] else { return nil }
        return (key, value)
    }

    /// Keys sorted at every level (RFC 8785 orders by UTF-16 code units; our keys are ASCII).
    static func canonical(_ value: JSONValue) -> JSONValue {
        switch value {
        case .object(let object):
            let members = object.keys.sorted().map { ($0, canonical(object[$0]!)) }
            return .object(JSONObject(members))
        case .array(let elements):
            return .array(elements.map(canonical))
        default:
            return value
        }
    }
}
