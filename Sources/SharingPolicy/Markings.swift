// SharingPolicy markings: reading an object's TLP level and telling technical content (malware, TTP,
// C2, actor, observables) from context (victim, timelines, damage) as seed 004 separates them.
import STIX
import Storage

extension TLPLevel {
    /// From a TLP marking's level name (`white` is TLP 1.0's `clear`).
    public init?(stixLevel: String) {
        switch stixLevel.lowercased() {
        case "clear", "white": self = .clear
        case "green": self = .green
        case "amber": self = .amber
        case "amber+strict": self = .amberStrict
        case "red": self = .red
        default: return nil
        }
    }

    /// The marking-definition id of this level in TLP 2.0.
    public var markingDefinitionID: String {
        switch self {
        case .clear: TLPMarking.clear.id
        case .green: TLPMarking.green.id
        case .amber: TLPMarking.amber.id
        case .amberStrict: TLPMarking.amberStrict.id
        case .red: TLPMarking.red.id
        }
    }
}

extension PolicyEngine {
    /// The most restrictive TLP marking among the object's markings (TLP 1.0 mapped to 2.0), if any.
    public static func tlpLevel(of facts: STIXObjectFacts) -> TLPLevel? {
        tlpLevel(markingRefs: facts.objectMarkingRefs)
    }

    public static func tlpLevel(markingRefs: [String]) -> TLPLevel? {
        markingRefs.compactMap { TLPMarking(id: $0).flatMap { TLPLevel(stixLevel: $0.level) } }.max()
    }

    /// Object types that carry technical information (seed 004: malware, TTP, C2, actor and the
    /// observables), as opposed to context (victim, sector, timelines, damage, countermeasures).
    public static let technicalTypes: Set<String> = [
        "indicator", "malware", "attack-pattern", "tool", "infrastructure", "vulnerability", "threat-actor",
        "intrusion-set", "campaign", "course-of-action", "relationship", "malware-analysis",
        "ipv4-addr", "ipv6-addr", "domain-name", "url", "file", "artifact", "email-addr", "email-message",
        "network-traffic", "x509-certificate", "autonomous-system", "mutex", "windows-registry-key", "process",
        "software", "directory", "mac-addr",
    ]
}
