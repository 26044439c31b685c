// Anonymization — VictimProfile.swift
// Owns `VictimProfile`: everything the hub knows identifies a provider (its names, domains, addresses,
// hosts, ranges, projects, people, departments, phone numbers, accounts, identity objects, the ids
// of what it authored, sector and size) and which the anonymised copy must not contain; and
// `VictimIdentifierKind`, the kinds extraction gives the identifiers it finds.

/// What the hub knows identifies a provider (and its people and systems): from the organisation's
/// profile (names in Japanese and English, domains, e-mail addresses, host names, CIDR ranges,
/// project names) plus identifiers found in the submission itself (e.g. recipients of an attack
/// e-mail, see `addIdentifiers(foundIn:)`).
///
/// ```swift
/// var profile = VictimProfile()
/// profile.organizationNames = ["電力A社", "Denryoku A Corp."]
/// profile.domains = ["denryoku-a.example.jp"]          // subdomains match too
/// profile.addressRanges = ["192.0.2.0/24", "2001:db8:a::/48"]
/// profile.identityIDs = ["identity--0b5c4d1e-8a4f-4c8e-9f0e-1c2d3e4f5a6b"]
/// profile.sector = "電力"
/// profile.addIdentifiers(foundIn: submittedObjects)   // recipients, victim observables
/// ```
public struct VictimProfile: Sendable, Equatable, Hashable {
    /// "電力A社", "Denryoku A Corp." (also found without their legal form: "Denryoku A").
    public var organizationNames: [String]
    /// "denryoku-a.example.jp"; every subdomain and every address in it matches too.
    public var domains: [String]
    public var emailAddresses: [String]
    /// Host names, fully qualified ("mail01.denryoku-a.example.jp") or short ("FS-KEIRI01").
    public var hostNames: [String]
    /// CIDR ranges, IPv4 and IPv6: "192.0.2.0/24", "2001:db8:a::/48" (a bare address is a /32 or /128).
    public var addressRanges: [String]
    public var projectNames: [String]
    /// Display names found next to addresses ("山田 太郎", "Taro Yamada"); found in either order,
    /// with or without the space, in any case.
    public var personNames: [String]
    /// Departments ("経理部", "情報システム部"): replaced like the organisation's name.
    public var departmentNames: [String]
    /// Telephone numbers ("03-1234-5678", "+81 3 1234 5678"): matched on their digits, whatever the
    /// separators, width or the +81 / 0 prefix.
    public var phoneNumbers: [String]
    /// Account names of its people or systems ("yamada.t", "DENRYOKU-A\\svc_backup").
    public var accountNames: [String]
    /// The provider's STIX identity object ids.
    public var identityIDs: [String]
    /// "電力": released objects describe the provider only as "an organisation in the 電力 sector".
    public var sector: String?
    /// Kept for the record; never released.
    public var size: String?
    /// Ids of observables that identify the provider (e.g. the `email-addr` of a recipient): they are
    /// withheld and every reference to them is removed. Filled by `addIdentifiers(foundIn:)`; the ids of
    /// observables of the profile's own addresses, domains and host names are always included.
    public var observableIDs: [String]
    /// Content-derived (UUIDv5) observable ids whose observable is released with changed content and
    /// therefore a rewritten id (e.g. an `email-message` whose subject named the provider); references
    /// to them are rewritten the same way. Filled by `addIdentifiers(foundIn:)`.
    public var rewrittenObservableIDs: [String]
    /// Ids of the objects the provider authored in the submission (filled by `addIdentifiers(foundIn:)`):
    /// wherever one appears in text, it is rewritten like a reference, so that no original id links a
    /// released copy back to the provider.
    public var authoredIDs: [String]

    public init(organizationNames: [String] = [], domains: [String] = [], emailAddresses: [String] = [],
                hostNames: [String] = [], addressRanges: [String] = [], projectNames: [String] = [],
                personNames: [String] = [], identityIDs: [String] = [], sector: String? = nil, size: String? = nil,
                observableIDs: [String] = [], rewrittenObservableIDs: [String] = [], departmentNames: [String] = [],
                phoneNumbers: [String] = [], accountNames: [String] = [], authoredIDs: [String] = []) {
        self.organizationNames = organizationNames
        self.domains = domains
        self.emailAddresses = emailAddresses
        self.hostNames = hostNames
        self.addressRanges = addressRanges
        self.projectNames = projectNames
        self.personNames = personNames
        self.identityIDs = identityIDs
        self.sector = sector
        self.size = size
        self.observableIDs = observableIDs
        self.rewrittenObservableIDs = rewrittenObservableIDs
        self.departmentNames = departmentNames
        self.phoneNumbers = phoneNumbers
        self.accountNames = accountNames
        self.authoredIDs = authoredIDs
    }
}

/// What kind of victim identifier extraction found (an e-mail's recipients, its internal relays,
/// names in its body...): decides where `VictimProfile.add(victimIdentifier:kind:)` files it.
///
/// ```swift
/// profile.add(victimIdentifier: "03-1234-5678", kind: .phone)
/// profile.add(victimIdentifier: "経理部", kind: .department)
/// ```
public enum VictimIdentifierKind: String, Sendable, CaseIterable {
    case email, address, host, person, organization, department, phone, project, account
}
