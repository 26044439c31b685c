// Anonymization — FoundIdentifiers.swift
// Owns adding the victim identifiers extraction found in a submission (recipients, internal relays,
// the people who forwarded an attack e-mail, phone numbers and departments in signatures) to a
// profile: typed (`add(victimIdentifier:kind:)`) or classified by their form (`add(victimIdentifiers:)`).

extension VictimProfile {
    /// Adds one identifier under the kind extraction gave it. Values shorter than two characters are
    /// ignored (they would wipe unrelated text).
    ///
    /// ```swift
    /// profile.add(victimIdentifier: "keiri@denryoku-a.example.jp", kind: .email)
    /// profile.add(victimIdentifier: "03-1234-5678", kind: .phone)
    /// profile.add(victimIdentifier: "山田 太郎", kind: .person)
    /// profile.add(victimIdentifier: "DENRYOKU-A\\yamada", kind: .account)
    /// ```
    public mutating func add(victimIdentifier value: String, kind: VictimIdentifierKind) {
        let value = value.trimmingSpaces
        guard value.count >= 2 else { return }
        switch kind {
        case .email: append(value, to: \.emailAddresses)
        case .address: append(value, to: \.addressRanges)
        case .host: append(value, to: \.hostNames)
        case .person: append(value, to: \.personNames)
        case .organization: append(value, to: \.organizationNames)
        case .department: append(value, to: \.departmentNames)
        case .phone: if PhoneNumbers.digits(of: value).count >= 6 { append(value, to: \.phoneNumbers) }
        case .project: append(value, to: \.projectNames)
        case .account: append(value, to: \.accountNames)
        }
    }

    /// Adds identifiers with the kind extraction gave them (`"organization"`, `"department"`, `"domain"`,
    /// `"postal"`, …, the raw values of `VictimIdentifierKind` plus `domain` and `postal`); identifiers
    /// without a kind are classified by their form, as `add(victimIdentifiers:)` does.
    ///
    /// ```swift
    /// profile.add(victimIdentifiers: ["株式会社紅葉石油", "momiji-oil.com"],
    ///             kinds: ["株式会社紅葉石油": "organization", "momiji-oil.com": "domain"])
    /// ```
    public mutating func add(victimIdentifiers: [String], kinds: [String: String]) {
        for raw in victimIdentifiers {
            switch kinds[raw] {
            case "domain": append(raw.trimmingSpaces.lowercased(), to: \.domains)
            case "postal": append(raw.trimmingSpaces, to: \.organizationNames)
            case let kind?:
                add(victimIdentifier: raw, kind: VictimIdentifierKind(rawValue: kind) ?? Self.kind(of: raw.trimmingSpaces))
            case nil:
                add(victimIdentifier: raw, kind: Self.kind(of: raw.trimmingSpaces))
            }
        }
    }

    /// Adds plain identifier strings: addresses (`a@b`), telephone numbers (digits, '-', '(', ')',
    /// '+' and spaces with at least 9 digits), IP addresses and CIDR ranges, host names (dotted, no
    /// spaces, or upper-case NetBIOS-like names with digits or dashes) and otherwise person names.
    ///
    /// ```swift
    /// profile.add(victimIdentifiers: ["soc@denryoku-a.example.jp", "山田 太郎", "10.1.2.3", "03-1234-5678"])
    /// ```
    public mutating func add(victimIdentifiers: [String]) {
        for raw in victimIdentifiers {
            add(victimIdentifier: raw, kind: Self.kind(of: raw.trimmingSpaces))
        }
    }

    /// The kind an identifier's form shows.
    static func kind(of value: String) -> VictimIdentifierKind {
        if value.contains("@"), !value.contains(" ") { return .email }
        if PhoneNumbers.looksLikePhoneNumber(value) { return .phone }
        if looksLikeAddress(value) { return .address }
        if value.contains("\\"), !value.contains(" ") { return .account }
        if !value.contains(" "), value.contains(".") || value.contains("-"), value.allSatisfy({ $0.isASCII }) {
            return .host
        }
        return .person
    }

    static func looksLikeAddress(_ value: String) -> Bool {
        let body = value.split(separator: "/", maxSplits: 1).first.map(String.init) ?? value
        if body.split(separator: ".").count == 4, body.split(separator: ".").allSatisfy({ UInt8($0) != nil }) { return true }
        return body.contains(":") && body.allSatisfy { $0.isHexDigit || $0 == ":" || $0 == "." }
    }
}
