// Anonymization — ObjectTransformer.swift
// Owns the walk over one object's JSON tree: references decided by the `ReferencePolicy` (also ids
// of what the provider authored quoted in text, and extension keys), strings scrubbed, property
// names checked, context properties generalised or removed, external references and e-mail
// recipients dropped, indicator patterns redacted, then the checks that may withhold the object
// (provider identity, required references gone, a pattern that is all identifier), the record of
// what was redacted (`x_kakehashi_redacted`) and the choice of the released id.

import STIX

struct ObjectTransformer {
    let session: AnonymizationSession
    let type: String
    let id: String
    let original: JSONObject
    /// How many identifiers were replaced or removed (strings scrubbed, properties dropped).
    private(set) var hits = 0
    /// Kinds of identifier replaced anywhere.
    private(set) var kinds: Set<IdentifierKind> = []
    /// Top-level properties whose text had identifiers replaced inside it.
    private(set) var redactedProperties: Set<String> = []

    /// The property listing what was redacted in a released copy (the original stays in the held copy).
    static let redactedProperty = "x_kakehashi_redacted"

    init(session: AnonymizationSession, type: String, id: String, original: JSONObject) {
        self.session = session
        self.type = type
        self.id = id
        self.original = original
    }

    var kind: STIXObjectKind { STIXTypes.kind(of: type) }

    /// Observables: the types STIX defines, and custom types without the SDO timestamps.
    var isObservable: Bool {
        kind == .cyberObservable || (kind == .custom && original["created"] == nil && original["modified"] == nil)
    }

    static let recipientReferences: Set<String> = ["to_refs", "cc_refs", "bcc_refs"]
    static let recipientHeaders: Set<String> = ["to", "cc", "bcc", "delivered-to", "x-original-to", "envelope-to",
                                                "x-envelope-to", "x-rcpt-to", "x-forwarded-to", "apparently-to",
                                                "resent-to", "resent-cc", "resent-bcc", "x-apparently-to"]

    /// Required properties that are references (any one of each group must remain).
    static let requiredReferences: [String: [[String]]] = [
        "relationship": [["source_ref"], ["target_ref"]],
        "sighting": [["sighting_of_ref"]],
        "report": [["object_refs"]],
        "note": [["object_refs"]],
        "opinion": [["object_refs"]],
        "grouping": [["object_refs"]],
        "observed-data": [["object_refs", "objects"]],
        "language-content": [["object_ref"]],
        "network-traffic": [["src_ref", "dst_ref"]],
        "malware-analysis": [["result", "analysis_sco_refs"]],
    ]

    // MARK: - The object

    mutating func run() -> AnonymizedObject {
        let policy = session.policy
        if ReferencePolicy.normalize(id) == ReferencePolicy.normalize(session.settings.hubIdentityID) {
            return .released(.object(original))
        }
        if type == "marking-definition" && TLPMarking(id: id) != nil {
            return .released(.object(original))  // the standard TLP markings are shared vocabulary
        }
        if type == "identity" {
            if policy.isProvider(id) { return .withheld(reason: "the identity of the provider") }
            if let name = original["name"]?.stringValue, session.matcher.occurs(in: name) {
                return .withheld(reason: "an identity naming the provider or its people")
            }
            // A person or unit whose contact details or other names are the provider's is one of its own.
            for (key, value) in original.members where key == "contact_information" || (key.hasPrefix("x_") && key.contains("name")) {
                if let text = value.stringValue, session.matcher.occurs(in: text) {
                    return .withheld(reason: "an identity whose \(key) is the provider's")
                }
            }
        }
        if policy.victimObservableIDs.contains(ReferencePolicy.normalize(id)) {
            return .withheld(reason: "an observable that identifies the provider")
        }

        var output = GranularMarkings.adjusted(transformTopLevel(), original: original)

        for group in Self.requiredReferences[type] ?? [] {
            let hadOne = group.contains { original[$0] != nil }
            let hasOne = group.contains { output[$0] != nil }
            if hadOne && !hasOne {
                return .withheld(reason: "its required \(group.joined(separator: " / ")) pointed only at the provider or at observables identifying it")
            }
        }
        if type == "indicator", let pattern = original["pattern"]?.stringValue,
           original["pattern_type"]?.stringValue ?? "stix" == "stix" {
            switch PatternRedaction.redact(pattern, scrubber: session.scrubber) {
            case .unchanged:
                output["pattern"] = .string(pattern)
                redactedProperties.remove("pattern")
            case .redacted(let redacted):
                output["pattern"] = .string(redacted)
                redactedProperties.insert("pattern")
            case .withhold(let reason): return .withheld(reason: reason)
            }
        } else if type == "indicator", let pattern = original["pattern"], output["pattern"] != pattern {
            return .withheld(reason: "its pattern names the provider")
        }
        if isObservable {
            switch observableDisposition(output: output) {
            case .withhold(let reason): return .withheld(reason: reason)
            case .keepID: break
            case .rewriteID: output["id"] = .string(Anonymizer.rewrittenID(id, settings: session.settings))
            }
        } else {
            output["id"] = .string(session.policy.releasedID(for: id))
        }
        if !redactedProperties.isEmpty {
            output[Self.redactedProperty] = .array(redactedProperties.sorted().map { .string($0) })
        }
        return .released(.object(output))
    }

    private mutating func transformTopLevel() -> JSONObject {
        var output = JSONObject(minimumCapacity: original.count + 1)
        let authoredByHub = !isObservable && type != "marking-definition"
        for (key, value) in original.members {
            switch key {
            case "type", "spec_version", "created", "modified", "id":
                output[key] = value
                continue
            case Self.redactedProperty:
                continue  // set again from what this anonymisation redacted
            case "created_by_ref" where authoredByHub:
                output[key] = .string(session.settings.hubIdentityID)
                continue
            case "created_by_ref":
                // A custom marking definition keeps its author unless that is the provider.
                if let creator = value.stringValue, session.policy.isProvider(creator) {
                    output[key] = .string(session.settings.hubIdentityID)
                    continue
                }
            case "external_references":
                if let kept = externalReferences(value) { output[key] = kept }
                continue
            default:
                break
            }
            if type == "email-message" && Self.recipientReferences.contains(key) { continue }
            if session.matcher.occurs(in: key) { hit(); continue }
            let custom = ContextProperties.isCustomTopLevel(key, type: type) && !key.hasPrefix("x_mitre_")
            if custom, let replaced = applyContextRule(key: key, value: value) {
                if let replacement = replaced { output[key] = replacement }
                continue
            }
            var value = value
            if type == "email-message" && key == "additional_header_fields", case .object(let headers) = value {
                var kept = JSONObject()
                for (name, header) in headers.members where !Self.recipientHeaders.contains(name.lowercased()) {
                    kept[name] = header
                }
                if kept.isEmpty { continue }
                value = .object(kept)
            }
            let scrubbedBefore = scrubbedStrings
            if let transformed = transform(value, key: key, custom: custom) {
                output[key] = transformed
                if scrubbedStrings > scrubbedBefore { redactedProperties.insert(key) }
            }
        }
        if authoredByHub && output["created_by_ref"] == nil {
            output["created_by_ref"] = .string(session.settings.hubIdentityID)
        }
        return output
    }

    // MARK: - Values

    /// How many strings had identifiers replaced inside them (not counting removed properties).
    private var scrubbedStrings = 0

    private mutating func hit(_ kinds: Set<IdentifierKind> = []) {
        hits += 1
        self.kinds.formUnion(kinds)
    }

    /// nil: not context (go on); .some(nil): remove the property; .some(value): replace it.
    private mutating func applyContextRule(key: String, value: JSONValue) -> JSONValue?? {
        switch ContextProperties.rule(for: key) {
        case .keep:
            return nil
        case .generalize:
            hit()
            return .some(ContextProperties.generalized(value, profile: session.profile))
        case .remove:
            hit()
            return .some(nil)
        }
    }

    /// The transformed value, or nil when it must go.
    private mutating func transform(_ value: JSONValue, key: String?, custom: Bool) -> JSONValue? {
        switch value {
        case .string(let text):
            let isReferenceKey = key.map { $0.hasSuffix("_ref") || $0.hasSuffix("_refs") } ?? false
            if isReferenceKey || STIXIdentifier.isValid(text) {
                switch session.policy.action(for: text) {
                case .keep where STIXIdentifier.isValid(text): return value
                case .keep: break
                case .replace(let id): return .string(id)
                case .remove: hit(); return nil
                }
            }
            let result = session.scrubber.scrub(session.policy.rewritingAuthoredIDs(in: text))
            if result.changed {
                hit(result.kinds)
                scrubbedStrings += 1
            }
            return .string(result.text)
        case .array(let elements):
            var kept: [JSONValue] = []
            kept.reserveCapacity(elements.count)
            for element in elements {
                if let transformed = transform(element, key: key, custom: custom) { kept.append(transformed) }
            }
            if kept.isEmpty && !elements.isEmpty { return nil }
            return .array(kept)
        case .object(let object):
            let transformed = transformObject(object, parentKey: key, custom: custom)
            if transformed.isEmpty && !object.isEmpty { return nil }
            return .object(transformed)
        case .null, .bool, .number:
            return value
        }
    }

    private mutating func transformObject(_ object: JSONObject, parentKey: String?, custom: Bool) -> JSONObject {
        var output = JSONObject(minimumCapacity: object.count)
        for (originalKey, value) in object.members {
            var key = originalKey
            if parentKey == "extensions", STIXIdentifier.isValid(key) {
                switch session.policy.action(for: key) {
                case .keep: break
                case .replace(let id): key = id
                case .remove: hit(); continue
                }
            }
            if session.matcher.occurs(in: key) { hit(); continue }
            var childCustom = custom
            if parentKey == "extensions" {
                // Keys are extension names or extension-definition ids; a custom extension is all custom.
                if key.hasPrefix("extension-definition--") { childCustom = true }
            } else {
                if key.hasPrefix("x_") && !key.hasPrefix("x_mitre_") { childCustom = true }
                if childCustom, let replaced = applyContextRule(key: key, value: value) {
                    if let replacement = replaced { output[key] = replacement }
                    continue
                }
            }
            if let transformed = transform(value, key: key, custom: childCustom) { output[key] = transformed }
        }
        return output
    }

    /// External references that mention the provider (its ticket system, its own report) are dropped
    /// whole; the rest (ATT&CK, CVE, vendor reports) stay.
    private mutating func externalReferences(_ value: JSONValue) -> JSONValue? {
        guard case .array(let entries) = value else { return transform(value, key: "external_references", custom: false) }
        var kept: [JSONValue] = []
        for entry in entries {
            let before = hits
            let transformed = transform(entry, key: nil, custom: false)
            if hits > before {
                hits = before + 1
                continue
            }
            if let transformed { kept.append(transformed) }
        }
        return kept.isEmpty ? nil : .array(kept)
    }
}
