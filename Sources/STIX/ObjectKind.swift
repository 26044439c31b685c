// STIX — ObjectKind.swift
// Owns the classification of STIX 2.1 object types: which types the specification defines, and
// whether each is a domain object, relationship, cyber observable, meta object or custom.

/// The broad category of a STIX object.
public enum STIXObjectKind: String, Sendable, Hashable, CaseIterable {
    /// STIX Domain Object (indicator, malware, report, ...).
    case domainObject
    /// STIX Relationship Object (relationship, sighting).
    case relationshipObject
    /// STIX Cyber-observable Object (file, ipv4-addr, ...).
    case cyberObservable
    /// STIX Meta Object (marking-definition, language-content, extension-definition).
    case meta
    /// A type the specification does not define (`x-...` custom objects and extension-defined types).
    case custom
}

/// The object types STIX 2.1 defines.
///
/// ```swift
/// STIXTypes.kind(of: "indicator")        // .domainObject
/// STIXTypes.kind(of: "x-acme-widget")    // .custom
/// ```
public enum STIXTypes {
    public static let domainObjects: Set<String> = [
        "attack-pattern", "campaign", "course-of-action", "grouping", "identity", "incident", "indicator",
        "infrastructure", "intrusion-set", "location", "malware", "malware-analysis", "note", "observed-data",
        "opinion", "report", "threat-actor", "tool", "vulnerability",
    ]
    public static let relationshipObjects: Set<String> = ["relationship", "sighting"]
    public static let cyberObservables: Set<String> = [
        "artifact", "autonomous-system", "directory", "domain-name", "email-addr", "email-message", "file",
        "ipv4-addr", "ipv6-addr", "mac-addr", "mutex", "network-traffic", "process", "software", "url",
        "user-account", "windows-registry-key", "x509-certificate",
    ]
    public static let metaObjects: Set<String> = ["marking-definition", "language-content", "extension-definition"]

    /// The category of `type`; `.custom` for any type the specification does not define.
    public static func kind(of type: String) -> STIXObjectKind {
        if domainObjects.contains(type) { return .domainObject }
        if cyberObservables.contains(type) { return .cyberObservable }
        if relationshipObjects.contains(type) { return .relationshipObject }
        if metaObjects.contains(type) { return .meta }
        return .custom
    }
}
