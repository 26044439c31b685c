// Anonymization — IdentifierValidation.swift
// Owns checking an identifier before an administrator registers it for an organisation: a CIDR range
// that parses (IPv4 or IPv6, prefix in bounds, no host bits set), a domain, an address, a phone number
// with enough digits, a name long enough and specific enough to be searched for without wiping
// unrelated text. Each check says what is wrong, so the CLI can refuse with a clear message.

/// Checks for identifiers an administrator registers.
///
/// ```swift
/// IdentifierValidation.addressRangeProblem("192.0.2.0/24")    // nil
/// IdentifierValidation.addressRangeProblem("192.0.2.7/24")    // "192.0.2.7/24 has host bits set: …"
/// IdentifierValidation.phoneProblem("03-1234")                // "… has 6 digits; a phone number has at least 9"
/// ```
public enum IdentifierValidation {
    /// nil when `text` is an IPv4 or IPv6 address or CIDR range whose address is its network address.
    public static func addressRangeProblem(_ text: String) -> String? {
        let trimmed = text.trimmingSpaces
        guard let range = AddressRange(trimmed) else {
            return "\(trimmed) is not an IPv4 or IPv6 address or CIDR range (e.g. 192.0.2.0/24, 2001:db8:a::/48)"
        }
        if let network = range.networkText, network != range.network {
            return "\(trimmed) has host bits set: the range is \(network.text)/\(range.prefixLength)"
        }
        return nil
    }

    /// nil when `text` has at least 9 digits and only digits, '-', '(', ')', '+' and spaces.
    public static func phoneProblem(_ text: String) -> String? {
        let digits = PhoneNumbers.digits(of: text)
        guard PhoneNumbers.looksLikePhoneNumber(text) else {
            return "\(text) is not a phone number (digits, '-', '(', ')', '+' and spaces; \(digits.count) digits, at least 9)"
        }
        return nil
    }

    /// nil when `text` looks like a domain name ("denryoku-a.example.jp").
    public static func domainProblem(_ text: String) -> String? {
        let value = text.trimmingSpaces
        let labels = value.split(separator: ".", omittingEmptySubsequences: false)
        let valid = labels.count >= 2 && labels.allSatisfy { label in
            !label.isEmpty && label.count <= 63 && label.unicodeScalars.allSatisfy { $0.isASCIIAlphanumeric || $0 == "-" || $0.value > 0x7F }
        }
        return valid ? nil : "\(value) is not a domain name (e.g. denryoku-a.example.jp)"
    }

    /// nil when `text` is an e-mail address.
    public static func emailProblem(_ text: String) -> String? {
        let parts = text.trimmingSpaces.split(separator: "@", omittingEmptySubsequences: false)
        guard parts.count == 2, !parts[0].isEmpty, domainProblem(String(parts[1])) == nil, !text.contains(" ") else {
            return "\(text) is not an e-mail address"
        }
        return nil
    }

    /// nil when `text` is at least two characters and not a word so common that searching for it
    /// would wipe unrelated text.
    public static func nameProblem(_ text: String) -> String? {
        let folded = FoldedText.needle(text)
        if folded.count < 2 { return "\(text) is too short to search for (at least 2 characters)" }
        if CommonWords.contains(folded) { return "\(text) is too common a word to search for on its own" }
        return nil
    }
}

extension AddressRange {
    /// The network address of the range (the address with its host bits cleared).
    var networkText: IPAddress? {
        switch network {
        case .v4(let value):
            let mask: UInt32 = prefixLength == 0 ? 0 : UInt32.max << UInt32(32 - prefixLength)
            return .v4(value & mask)
        case .v6(let high, let low):
            let (maskHigh, maskLow) = Self.mask128(prefixLength)
            return .v6(high: high & maskHigh, low: low & maskLow)
        }
    }
}

extension IPAddress {
    /// Dotted quad, or the IPv6 address as eight groups.
    var text: String {
        switch self {
        case .v4(let value):
            return [24, 16, 8, 0].map { String((value >> UInt32($0)) & 0xFF) }.joined(separator: ".")
        case .v6(let high, let low):
            let groups = [high >> 48, high >> 32, high >> 16, high, low >> 48, low >> 32, low >> 16, low]
            return groups.map { String($0 & 0xFFFF, radix: 16) }.joined(separator: ":")
        }
    }
}
