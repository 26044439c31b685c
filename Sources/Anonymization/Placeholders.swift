// Anonymization — Placeholders.swift
// Owns the neutral text that replaces a provider's identifiers in released objects (one scheme,
// "[victim-…]", everywhere: free text, observable values, indicator patterns), and the generic
// description of the provider ("an organisation in the 電力 sector (電力分野の組織)").

/// The placeholders written in place of identifiers.
///
/// ```swift
/// // "電力A社の経理部 (keiri@denryoku-a.example.jp) が受信"
/// // -> "[victim-organization]の経理部 ([victim-email]) が受信"
/// ```
public enum Placeholder {
    public static let organization = "[victim-organization]"
    public static let person = "[victim-person]"
    public static let project = "[victim-project]"
    public static let email = "[victim-email]"
    public static let domain = "[victim-domain]"
    public static let host = "[victim-host]"
    public static let address = "[victim-address]"
    public static let identity = "[victim-identity]"
    public static let observable = "[victim-observable]"
    public static let department = "[victim-department]"
    public static let account = "[victim-account]"
    public static let phone = "[victim-phone]"
    /// An original id of an object the provider authored, met where it could not be rewritten.
    public static let object = "[victim-object]"

    /// Every placeholder.
    public static let all = [organization, person, project, email, domain, host, address, identity, observable,
                             department, account, phone, object]
}

extension VictimProfile {
    /// How released objects describe the provider: its sector only, in English and Japanese.
    ///
    /// ```swift
    /// var profile = VictimProfile(); profile.sector = "電力"
    /// profile.genericDescription   // "an organisation in the 電力 sector (電力分野の組織)"
    /// ```
    public var genericDescription: String {
        if let sector = sector?.trimmingSpaces, !sector.isEmpty {
            return "an organisation in the \(sector) sector (\(sector)分野の組織)"
        }
        return "an organisation (ある組織)"
    }
}
