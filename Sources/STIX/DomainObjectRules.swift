// STIX — DomainObjectRules.swift
// Owns the type-specific rules of the STIX 2.1 Domain Objects (section 4) and Relationship
// Objects (section 5): required properties, value ranges, reference targets and cross-property
// constraints; parses indicator patterns of pattern_type "stix".

import STIXPatterning

enum DomainObjectRules {
    /// Checks the rules of domain object `type`; returns the parsed pattern of a STIX indicator.
    static func check(_ type: String, _ r: PropertyRules) throws(STIXValidationError) -> STIXPattern? {
        switch type {
        case "attack-pattern", "course-of-action", "identity", "incident", "tool", "vulnerability":
            _ = try r.requiredString("name")
            if type == "identity" { _ = try r.stringList("roles"); _ = try r.stringList("sectors") }
        case "campaign", "intrusion-set", "threat-actor", "infrastructure":
            _ = try r.requiredString("name")
            _ = try r.stringList("aliases")
            try seenWindow(r)
        case "grouping":
            _ = try r.requiredString("context")
            _ = try r.references("object_refs", to: .any, required: true)
        case "indicator":
            return try indicator(r)
        case "location":
            try location(r)
        case "malware":
            try malware(r)
        case "malware-analysis":
            try malwareAnalysis(r)
        case "note":
            _ = try r.requiredString("content")
            _ = try r.references("object_refs", to: .any, required: true)
            _ = try r.stringList("authors")
        case "observed-data":
            try observedData(r)
        case "opinion":
            _ = try r.enumeration("opinion", ["strongly-disagree", "disagree", "neutral", "agree", "strongly-agree"],
                                  required: true)
            _ = try r.references("object_refs", to: .any, required: true)
            _ = try r.stringList("authors")
        case "report":
            _ = try r.requiredString("name")
            _ = try r.timestamp("published", required: true)
            _ = try r.references("object_refs", to: .any, required: true)
            _ = try r.stringList("report_types")
        default:
            break
        }
        return nil
    }

    /// first_seen <= last_seen where both are present.
    static func seenWindow(_ r: PropertyRules) throws(STIXValidationError) {
        let first = try r.timestamp("first_seen")
        let last = try r.timestamp("last_seen")
        try r.ordered("first_seen", first, "last_seen", last)
    }

    static func indicator(_ r: PropertyRules) throws(STIXValidationError) -> STIXPattern? {
        let pattern = try r.requiredString("pattern")
        let patternType = try r.requiredString("pattern_type")
        _ = try r.string("pattern_version")
        _ = try r.stringList("indicator_types")
        let validFrom = try r.timestamp("valid_from", required: true)
        let validUntil = try r.timestamp("valid_until")
        try r.ordered("valid_from", validFrom, "valid_until", validUntil, strictly: true)
        guard patternType == "stix" else { return nil }
        do {
            return try STIXPattern.parse(pattern)
        } catch let error as PatternSyntaxError {
            throw r.fail("\"pattern\" is not a valid STIX pattern: \(error.description)")
        } catch {
            throw r.fail("\"pattern\" is not a valid STIX pattern: \(error)")
        }
    }

    static func location(_ r: PropertyRules) throws(STIXValidationError) {
        _ = try r.string("region")
        _ = try r.string("country")
        let latitude = try r.double("latitude", in: -90...90)
        let longitude = try r.double("longitude", in: -180...180)
        _ = try r.double("precision", in: 0...Double.greatestFiniteMagnitude)
        try r.requireTogether("latitude", with: "longitude")
        try r.requireTogether("longitude", with: "latitude")
        try r.requireTogether("precision", with: "latitude")
        guard r.has("region") || r.has("country") || (latitude != nil && longitude != nil) else {
            throw r.fail("a location needs \"region\", \"country\", or both \"latitude\" and \"longitude\"")
        }
    }

    static func malware(_ r: PropertyRules) throws(STIXValidationError) {
        let isFamily = try r.bool("is_family", required: true)!
        if isFamily && !r.has("name") {
            throw r.fail("required property \"name\" is missing (it is required when \"is_family\" is true)")
        }
        _ = try r.string("name")
        _ = try r.stringList("malware_types")
        _ = try r.stringList("aliases")
        try seenWindow(r)
        _ = try r.references("operating_system_refs", to: .software)
        _ = try r.references("sample_refs", to: .types(["artifact", "file"]))
    }

    static func malwareAnalysis(_ r: PropertyRules) throws(STIXValidationError) {
        _ = try r.requiredString("product")
        try r.requireAtLeastOne(of: ["result", "analysis_sco_refs"])
        _ = try r.string("result")
        _ = try r.reference("host_vm_ref", to: .software)
        _ = try r.reference("operating_system_ref", to: .software)
        _ = try r.references("installed_software_refs", to: .software)
        _ = try r.references("analysis_sco_refs", to: .observable)
        _ = try r.reference("sample_ref", to: .types(["file", "network-traffic", "artifact"]))
        let started = try r.timestamp("analysis_started")
        let ended = try r.timestamp("analysis_ended")
        try r.ordered("analysis_started", started, "analysis_ended", ended)
        _ = try r.timestamp("submitted")
    }

    static func observedData(_ r: PropertyRules) throws(STIXValidationError) {
        let first = try r.timestamp("first_observed", required: true)
        let last = try r.timestamp("last_observed", required: true)
        try r.ordered("first_observed", first, "last_observed", last)
        _ = try r.integer("number_observed", in: 1...999_999_999, required: true)
        let hasRefs = r.has("object_refs")
        let hasObjects = r.has("objects")
        if hasRefs && hasObjects {
            throw r.fail("\"object_refs\" and the deprecated \"objects\" must not both be present")
        }
        if !hasRefs && !hasObjects {
            throw r.fail("required property \"object_refs\" is missing (or the deprecated \"objects\")")
        }
        _ = try r.references("object_refs", to: .observableOrRelationship)
        if let objects = try r.objectMember("objects"), objects.isEmpty {
            throw r.fail("\"objects\" must not be empty")
        }
    }

    // MARK: Relationship objects

    /// Types a relationship may not point at.
    static let notRelatable: [String] = [
        "bundle", "relationship", "sighting", "marking-definition", "language-content", "extension-definition",
    ]

    static func checkRelationshipObject(_ type: String, _ r: PropertyRules) throws(STIXValidationError) {
        switch type {
        case "relationship":
            let kind = try r.requiredString("relationship_type")
            let validName = !kind.isEmpty && kind.utf8.allSatisfy {
                ($0 >= UInt8(ascii: "a") && $0 <= UInt8(ascii: "z")) || ($0 >= UInt8(ascii: "0") && $0 <= UInt8(ascii: "9"))
                    || $0 == UInt8(ascii: "-")
            }
            guard validName else {
                throw r.fail("\"relationship_type\" must use only a-z, 0-9 and '-' (got \(quoted(kind)))")
            }
            _ = try r.reference("source_ref", to: .notTypes(notRelatable), required: true)
            _ = try r.reference("target_ref", to: .notTypes(notRelatable), required: true)
            let start = try r.timestamp("start_time")
            let stop = try r.timestamp("stop_time")
            try r.ordered("start_time", start, "stop_time", stop, strictly: true)
        case "sighting":
            _ = try r.reference("sighting_of_ref", to: .domainObject, required: true)
            _ = try r.references("observed_data_refs", to: .types(["observed-data"]))
            _ = try r.references("where_sighted_refs", to: .types(["identity", "location"]))
            _ = try r.integer("count", in: 0...999_999_999)
            _ = try r.bool("summary")
            try seenWindow(r)
        default:
            break
        }
    }
}
