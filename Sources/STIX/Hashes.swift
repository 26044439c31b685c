// STIX — Hashes.swift
// Owns the checks on STIX "hashes" dictionaries: non-empty, sensible keys, non-empty values, and
// the right number of hex digits for the well-known algorithms of hash-algorithm-ov.

enum HashRules {
    /// Hex length per algorithm, keyed by the name upper-cased with '-' and '_' removed, so that
    /// "SHA-256", "SHA256" and "sha256" are all held to 64 hex digits.
    static let hexLengths: [String: Int] = [
        "MD5": 32, "SHA1": 40, "SHA256": 64, "SHA512": 128, "SHA3256": 64, "SHA3512": 128,
    ]

    static func normalized(_ key: String) -> String {
        String(String.UnicodeScalarView(key.unicodeScalars.filter { $0 != "-" && $0 != "_" })).uppercased()
    }

    static func isHex(_ text: String) -> Bool {
        text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x41 && $0 <= 0x46) || ($0 >= 0x61 && $0 <= 0x66) }
    }

    /// Checks a hashes dictionary found at `name` (a property path for messages).
    static func check(_ value: JSONValue, named name: String, rules: PropertyRules) throws(STIXValidationError) {
        guard case .object(let hashes) = value else { throw rules.wrongKind(name, "a dictionary of hashes", value) }
        guard !hashes.isEmpty else { throw rules.fail("\"\(name)\" must contain at least one hash") }
        for position in hashes.keys.indices {
            let key = hashes.keys[position]
            let keyLength = key.utf8.count
            guard keyLength >= 3 && keyLength <= 250, key.utf8.allSatisfy({ $0 > 0x20 && $0 < 0x7F }) else {
                throw rules.fail("\"\(name)\" has an invalid hash algorithm name \(quoted(key)) (3-250 printable ASCII characters)")
            }
            guard case .string(let hash) = hashes.values[position] else {
                throw rules.fail("\"\(name).\(key)\" must be a string (found \(hashes.values[position].kindName))")
            }
            guard !hash.isEmpty else { throw rules.fail("\"\(name).\(key)\" must not be empty") }
            if let length = hexLengths[normalized(key)] {
                guard hash.utf8.count == length, isHex(hash) else {
                    throw rules.fail("\"\(name).\(key)\" must be \(length) hexadecimal digits (got \(quoted(hash)))")
                }
            }
        }
    }
}
