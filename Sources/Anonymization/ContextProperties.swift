// Anonymization — ContextProperties.swift
// Owns the rule for context information (seed 004: victim name, sector/size, timelines, damage,
// response status, target systems): custom properties that describe the victim are replaced by the
// generic description of the provider, and those that describe its size, damage, internal timeline
// or response are removed. Technical information (malware, TTPs, C2, actor) is never touched here.

import STIX

/// What to do with one custom property.
enum ContextRule: Equatable {
    /// Not context: scrub it like everything else.
    case keep
    /// Names or describes the victim: becomes the generic description ("an organisation in the 電力 sector").
    case generalize
    /// Size, damage, internal timeline, response status, contacts, target systems: removed.
    case remove
}

/// Decides which custom properties are context.
///
/// Applies to `x_` properties (not MITRE's `x_mitre_` ones, which are technical), to everything inside
/// them, to everything inside extensions defined by an `extension-definition--…`, and to the
/// non-standard top-level properties of `incident` objects.
///
/// ```swift
/// ContextProperties.rule(for: "x_victim_organization")   // .generalize
/// ContextProperties.rule(for: "x_internal_timeline")     // .remove
/// ContextProperties.rule(for: "x_victim_size")           // .remove
/// ContextProperties.rule(for: "x_malware_family")        // .keep
/// ```
enum ContextProperties {
    static let generalizing = ["victim", "organization", "organisation", "company", "reporter", "reporting_org",
                               "submitter", "affected_org", "affected_entit", "target_org", "targeted_org", "provider"]
    static let removing = ["size", "employee", "headcount", "revenue", "capital", "timeline", "response",
                           "countermeasure", "remediation", "damage", "impact", "loss", "contact", "department",
                           "division", "internal", "target_system", "targeted_system", "affected_sys", "affected_host",
                           "affected_asset", "affected_user", "asset", "staff", "phone", "detected", "detection_time",
                           "reported", "discover", "notified", "recovered", "contained", "criticality", "recoverability",
                           "determination", "investigation", "status", "business", "customer", "location", "site"]

    /// The standard top-level properties of an `incident` (everything else on one is custom).
    static let standardIncidentProperties: Set<String> = [
        "type", "spec_version", "id", "created", "modified", "created_by_ref", "revoked", "labels", "confidence",
        "lang", "external_references", "object_marking_refs", "granular_markings", "extensions", "name",
        "description", "kill_chain_phases",
    ]

    static func rule(for key: String) -> ContextRule {
        let lower = key.lowercased()
        if lower.hasPrefix("x_mitre_") { return .keep }
        // Removal first: "x_victim_size" or "x_victim_contact" go rather than become a description.
        if removing.contains(where: { lower.contains($0) }) { return .remove }
        if generalizing.contains(where: { lower.contains($0) }) { return .generalize }
        return .keep
    }

    /// Whether `key` at the top level of an object of `type` is custom (and so subject to `rule(for:)`).
    static func isCustomTopLevel(_ key: String, type: String) -> Bool {
        if key.hasPrefix("x_") { return true }
        return type == "incident" && !standardIncidentProperties.contains(key)
    }

    /// The generic replacement for a property that names the victim.
    static func generalized(_ value: JSONValue, profile: VictimProfile) -> JSONValue? {
        switch value {
        case .string: return .string(profile.genericDescription)
        case .array(let elements) where elements.allSatisfy({ $0.stringValue != nil }) && !elements.isEmpty:
            return .array([.string(profile.genericDescription)])
        default: return nil
        }
    }
}
