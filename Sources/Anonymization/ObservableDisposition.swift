// Anonymization — ObservableDisposition.swift
// Owns what happens to a cyber observable and its id: withheld when its value identifies the
// provider, released with its own content-derived (UUIDv5) id when its id-contributing properties
// are unchanged, released with a rewritten id when they had to change (or its id was random).

import STIX

/// The fate of one observable.
enum ObservableDisposition: Equatable {
    case keepID
    case rewriteID
    case withhold(String)
}

extension ObjectTransformer {
    /// Observables whose scrubbed content still carries technical value; for every other observable
    /// type (addresses, domains, URLs, accounts, certificates, registry keys, directories, mutexes,
    /// software, custom types) a victim identifier anywhere means the observable is the victim's.
    static let scrubbableObservables: Set<String> = ["email-message", "file", "artifact", "network-traffic", "process"]

    func observableDisposition(output: JSONObject) -> ObservableDisposition {
        if type == "artifact", let payload = original["payload_bin"]?.stringValue, let bytes = Base64.decode(payload),
           session.matcher.occurs(in: String(decoding: bytes, as: UTF8.self)) {
            return .withhold("its payload contains identifiers of the provider")
        }
        if hits > 0 && !Self.scrubbableObservables.contains(type) && !keepsTechnicalValue(output: output) {
            return .withhold("its value identifies the provider")
        }
        guard ObservableIdentifiers.isDeterministicObservableID(id) else { return .rewriteID }
        if session.policy.rewrittenObservableIDs.contains(ReferencePolicy.normalize(id)) { return .rewriteID }
        let contributing = ObservableIdentifiers.contributingProperties[type] ?? []
        for property in contributing where original[property] != output[property] {
            return .rewriteID
        }
        return .keepID
    }
}

extension ObjectTransformer {
    /// An attacker's observable that only carried an identifier beside its technical value: the
    /// spoofed sender whose display name is a real colleague's (the address stays), a phishing URL
    /// with the recipient's address in its query (the host stays).
    func keepsTechnicalValue(output: JSONObject) -> Bool {
        switch type {
        case "email-addr":
            return original["value"] == output["value"]
        case "url":
            guard let value = output["value"]?.stringValue, original["value"] != output["value"] else { return false }
            return !URLText.hostContainsPlaceholder(value) && Set(original.keys) == Set(output.keys)
        default:
            return false
        }
    }
}

/// Standard base64 (with or without padding), for looking inside `payload_bin`.
enum Base64 {
    static func decode(_ text: String) -> [UInt8]? {
        decode(text.utf8)
    }

    /// Base64 in scalars (a token found in text), without making a String of it first.
    static func decode(_ scalars: ArraySlice<Unicode.Scalar>) -> [UInt8]? {
        guard scalars.allSatisfy({ $0.value < 0x80 }) else { return nil }
        return decode(scalars.lazy.map { UInt8(truncatingIfNeeded: $0.value) })
    }

    static func decode<Bytes: Sequence>(_ bytes: Bytes) -> [UInt8]? where Bytes.Element == UInt8 {
        var output: [UInt8] = []
        output.reserveCapacity(bytes.underestimatedCount * 3 / 4)
        var buffer: UInt32 = 0
        var bits = 0
        for byte in bytes {
            let value: UInt8
            switch byte {
            case UInt8(ascii: "A")...UInt8(ascii: "Z"): value = byte - UInt8(ascii: "A")
            case UInt8(ascii: "a")...UInt8(ascii: "z"): value = byte - UInt8(ascii: "a") + 26
            case UInt8(ascii: "0")...UInt8(ascii: "9"): value = byte - UInt8(ascii: "0") + 52
            case UInt8(ascii: "+"), UInt8(ascii: "-"): value = 62
            case UInt8(ascii: "/"), UInt8(ascii: "_"): value = 63
            case UInt8(ascii: "="), 0x0A, 0x0D, 0x20: continue
            default: return nil
            }
            buffer = buffer << 6 | UInt32(value)
            bits += 6
            if bits >= 8 {
                bits -= 8
                output.append(UInt8(truncatingIfNeeded: buffer >> UInt32(bits)))
            }
        }
        return output
    }
}
