// Anonymization — FoundIdentifiers.swift
// Owns adding the victim identifiers extraction found in a submission (recipients, internal relays,
// the people who forwarded an attack e-mail) to a profile, each under the kind its form shows.

extension VictimProfile {
    /// Adds plain identifier strings: addresses (`a@b`), IP addresses and CIDR ranges, host names
    /// (dotted, no spaces, or upper-case NetBIOS-like names with digits or dashes) and otherwise
    /// person names.
    ///
    /// ```swift
    /// profile.add(victimIdentifiers: ["soc@denryoku-a.example.jp", "山田 太郎", "10.1.2.3", "mx01.denryoku-a.example.jp"])
    /// ```
    public mutating func add(victimIdentifiers: [String]) {
        for raw in victimIdentifiers {
            let value = raw.trimmingSpaces
            guard value.count >= 2 else { continue }
            if value.contains("@"), !value.contains(" ") {
                append(value, to: \.emailAddresses)
            } else if Self.looksLikeAddress(value) {
                append(value, to: \.addressRanges)
            } else if !value.contains(" "), value.contains(".") || value.contains("-"), value.allSatisfy({ $0.isASCII }) {
                append(value, to: \.hostNames)
            } else {
                append(value, to: \.personNames)
            }
        }
    }

    static func looksLikeAddress(_ value: String) -> Bool {
        let body = value.split(separator: "/", maxSplits: 1).first.map(String.init) ?? value
        if body.split(separator: ".").count == 4, body.split(separator: ".").allSatisfy({ UInt8($0) != nil }) { return true }
        return body.contains(":") && body.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
