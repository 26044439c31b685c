// STIX — Validator.swift
// Owns `STIXValidator`: per-object STIX 2.1 validation. Checks type and id, the property-name and
// reference rules that apply to every property, the common properties, then hands over to the
// per-type rules (DomainObjectRules, ObservableRules, MetaObjectRules) and collects the facts.

import STIXPatterning

/// Validates single STIX 2.1 objects.
///
/// Checks, in order: that the value is a JSON object; `type` (a valid type name; a nested
/// `bundle` is refused); `id` (`type--UUID` with the same type); every property's name (3-250 of
/// `a-z A-Z 0-9 _`, or `id`), that none is `null` or an empty list, that every `*_ref` is an
/// identifier and every `*_refs` a non-empty list of identifiers (also inside nested objects such
/// as extensions and granular markings), `*_bin` is base64 and `*_hex` is hex; the common
/// properties (`spec_version` "2.1", `created`/`modified` with millisecond precision and
/// `modified >= created`, `created_by_ref` -> identity, `object_marking_refs` ->
/// marking-definition, `revoked`, `labels`, `confidence` 0-100, `lang`, `external_references`,
/// `granular_markings`, `extensions`, `kill_chain_phases`); then the specific rules of the type
/// (required properties, value ranges, reference targets, cross-property constraints and, for
/// indicators with `pattern_type` "stix", the pattern grammar).
///
/// Types the specification does not define (`x-...` and extension-defined types) are `.custom`:
/// they get the generic checks, plus the domain-object common properties when they carry
/// `created` or `modified` (or declare a `new-sdo`/`new-sro` extension); otherwise they are
/// treated like observables. Unknown properties, `x_` properties and `extensions` are accepted.
///
/// Validation stops at the first problem and reports it; it never traps.
///
/// ```swift
/// let value = try JSONParser.parse(Array(json.utf8))
/// switch STIXValidator.validate(value) {
/// case .success(let facts):
///     print(facts.type, facts.id, facts.version ?? "(no version)")
///     if let pattern = facts.pattern { print(pattern.comparisons.count) }
/// case .failure(let error):
///     print(error.message)   // e.g. required property "valid_from" is missing
/// }
/// ```
public enum STIXValidator {
    public static func validate(_ object: JSONValue) -> Result<STIXObjectFacts, STIXValidationError> {
        do {
            return .success(try validateTyped(object))
        } catch {
            return .failure(error)
        }
    }

    static func validateTyped(_ value: JSONValue) throws(STIXValidationError) -> STIXObjectFacts {
        guard case .object(let object) = value else {
            throw STIXValidationError(objectID: nil, message: "a STIX object must be a JSON object (found \(value.kindName))")
        }

        // type and id
        guard let typeValue = object["type"] else {
            throw STIXValidationError(objectID: object["id"]?.stringValue, message: "required property \"type\" is missing")
        }
        guard case .string(let type) = typeValue else {
            throw STIXValidationError(objectID: object["id"]?.stringValue,
                                      message: "\"type\" must be a string (found \(typeValue.kindName))")
        }
        guard STIXIdentifier.isValidTypeName(type) else {
            throw STIXValidationError(objectID: object["id"]?.stringValue,
                                      message: "\"type\" \(quoted(type)) is not a valid STIX type name (3-250 characters of a-z, 0-9 and single hyphens, starting with a letter)")
        }
        if type == "bundle" {
            throw STIXValidationError(objectID: object["id"]?.stringValue,
                                      message: "a bundle cannot be an element of \"objects\" (bundles do not nest)")
        }
        guard let idValue = object["id"] else {
            throw STIXValidationError(objectID: nil, message: "required property \"id\" is missing")
        }
        guard case .string(let id) = idValue else {
            throw STIXValidationError(objectID: nil, message: "\"id\" must be a string (found \(idValue.kindName))")
        }
        guard let idType = STIXIdentifier.typePart(of: id) else {
            throw STIXValidationError(objectID: nil,
                                      message: "\"id\" must be \"\(type)--\" followed by an RFC 4122 UUID (got \(quoted(id)))")
        }
        guard idType == type else {
            throw STIXValidationError(objectID: id,
                                      message: "\"id\" starts with \"\(idType)--\" but \"type\" is \"\(type)\"; they must match")
        }

        let rules = PropertyRules(object: object, id: id)
        let kind = STIXTypes.kind(of: type)
        try checkMembers(of: object, type: type, rules: rules)
        if let unreadable = NumberRange.firstUnreadable(in: value) {
            throw rules.fail("the number at \"\(unreadable.path)\" \(unreadable.reason)")
        }

        // Common properties
        let hasCommonProperties: Bool
        switch kind {
        case .domainObject, .relationshipObject, .meta: hasCommonProperties = true
        case .cyberObservable: hasCommonProperties = false
        case .custom: hasCommonProperties = customHasDomainProperties(object)
        }

        let specVersion: String
        if let versionValue = object["spec_version"] {
            guard case .string(let text) = versionValue else { throw rules.wrongKind("spec_version", "the string \"2.1\"", versionValue) }
            guard text == "2.1" else {
                throw rules.fail("\"spec_version\" must be \"2.1\" (got \(quoted(text))); only STIX 2.1 objects are accepted")
            }
            specVersion = text
        } else if hasCommonProperties {
            throw rules.missing("spec_version")
        } else {
            specVersion = "2.1"
        }

        let created = try rules.timestamp("created", required: hasCommonProperties, millisecondPrecision: hasCommonProperties)
        let modified = try rules.timestamp("modified", required: hasCommonProperties && type != "marking-definition",
                                           millisecondPrecision: hasCommonProperties)
        try rules.ordered("created", created, "modified", modified)

        let createdByRef = try rules.reference("created_by_ref", to: .identity)
        let markings = try rules.references("object_marking_refs", to: .markingDefinition) ?? []
        let revoked = try rules.bool("revoked") ?? false
        _ = try rules.stringList("labels")
        _ = try rules.integer("confidence", in: 0...100)
        _ = try rules.string("lang")
        _ = try rules.bool("defanged")
        try checkExternalReferences(rules)
        try checkGranularMarkings(rules)
        try checkExtensions(rules)
        try checkKillChainPhases(rules)

        // Type-specific rules
        var pattern: STIXPattern? = nil
        switch kind {
        case .domainObject: pattern = try DomainObjectRules.check(type, rules)
        case .relationshipObject: try DomainObjectRules.checkRelationshipObject(type, rules)
        case .cyberObservable: try ObservableRules.check(type, rules)
        case .meta: try MetaObjectRules.check(type, rules)
        case .custom: break
        }

        return STIXObjectFacts(id: id, type: type, specVersion: specVersion, created: created?.text,
                               modified: modified?.text, kind: kind, createdByRef: createdByRef,
                               objectMarkingRefs: markings, revoked: revoked, pattern: pattern)
    }

    /// A custom object is held to the domain-object common properties when it has `created` or
    /// `modified`, or declares itself a new SDO/SRO through an extension definition.
    static func customHasDomainProperties(_ object: JSONObject) -> Bool {
        if object.contains("created") || object.contains("modified") { return true }
        if let extensions = object["extensions"]?.objectValue {
            for value in extensions.values {
                if let kind = value["extension_type"]?.stringValue, kind == "new-sdo" || kind == "new-sro" { return true }
            }
        }
        return false
    }

    // MARK: Rules for every property

    enum NameSuffix { case ref, refs, bin, hex, none }

    @inline(__always)
    static func suffix(of name: String) -> NameSuffix {
        var name = name
        return name.withUTF8 { b -> NameSuffix in
            let n = b.count
            guard n >= 4 else { return .none }
            if b[n - 1] == UInt8(ascii: "s") {
                if n >= 5 && b[n - 5] == UInt8(ascii: "_") && b[n - 4] == UInt8(ascii: "r") && b[n - 3] == UInt8(ascii: "e")
                    && b[n - 2] == UInt8(ascii: "f") { return .refs }
                return .none
            }
            guard b[n - 4] == UInt8(ascii: "_") else { return .none }
            switch (b[n - 3], b[n - 2], b[n - 1]) {
            case (UInt8(ascii: "r"), UInt8(ascii: "e"), UInt8(ascii: "f")): return .ref
            case (UInt8(ascii: "b"), UInt8(ascii: "i"), UInt8(ascii: "n")): return .bin
            case (UInt8(ascii: "h"), UInt8(ascii: "e"), UInt8(ascii: "x")): return .hex
            default: return .none
            }
        }
    }

    /// `id`, or 3-250 characters of a-z, A-Z, 0-9 and underscore.
    static func isValidPropertyName(_ name: String) -> Bool {
        var name = name
        return name.withUTF8 { b -> Bool in
            if b.count == 2 { return b[0] == UInt8(ascii: "i") && b[1] == UInt8(ascii: "d") }
            guard b.count >= 3 && b.count <= 250 else { return false }
            for c in b {
                let ok = (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z")) || (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z"))
                    || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "_")
                if !ok { return false }
            }
            return true
        }
    }

    static func checkMembers(of object: JSONObject, type: String, rules: PropertyRules) throws(STIXValidationError) {
        for position in object.keys.indices {
            let name = object.keys[position]
            let value = object.values[position]
            guard isValidPropertyName(name) else {
                throw rules.fail("property name \(quoted(name)) is not allowed (names are 3-250 characters of a-z, A-Z, 0-9 and _)")
            }
            switch value {
            case .null:
                throw rules.fail("\"\(name)\" is null; STIX leaves a property out instead of setting it to null")
            case .array(let elements) where elements.isEmpty:
                throw rules.fail("\"\(name)\" must not be an empty list")
            default:
                break
            }
            switch suffix(of: name) {
            case .ref:
                _ = try PropertyRules.reference(value, named: name, to: .any, rules: rules)
            case .refs:
                guard case .array(let elements) = value else { throw rules.wrongKind(name, "a list of identifiers", value) }
                for element in elements { _ = try PropertyRules.reference(element, named: name, to: .any, rules: rules) }
            case .bin:
                try checkBinary(value, named: name, rules: rules)
            case .hex:
                try checkHex(value, named: name, rules: rules)
            case .none:
                switch value {
                case .object, .array:
                    if (type == "observed-data" && name == "objects") || (type == "language-content" && name == "contents") {
                        continue
                    }
                    try checkNested(value, path: name, rules: rules)
                default:
                    break
                }
            }
        }
    }

    /// Reference, binary and hex naming rules inside nested objects (extensions, granular markings,
    /// MIME parts, ...).
    static func checkNested(_ value: JSONValue, path: String, rules: PropertyRules) throws(STIXValidationError) {
        switch value {
        case .object(let object):
            for position in object.keys.indices {
                let name = object.keys[position]
                let member = object.values[position]
                switch suffix(of: name) {
                case .ref:
                    _ = try PropertyRules.reference(member, named: path + "." + name, to: .any, rules: rules)
                case .refs:
                    guard case .array(let elements) = member else {
                        throw rules.wrongKind(path + "." + name, "a list of identifiers", member)
                    }
                    if elements.isEmpty { throw rules.fail("\"\(path).\(name)\" must not be an empty list") }
                    for element in elements {
                        _ = try PropertyRules.reference(element, named: path + "." + name, to: .any, rules: rules)
                    }
                case .bin:
                    try checkBinary(member, named: path + "." + name, rules: rules)
                case .hex:
                    try checkHex(member, named: path + "." + name, rules: rules)
                case .none:
                    switch member {
                    case .object, .array: try checkNested(member, path: path + "." + name, rules: rules)
                    default: break
                    }
                }
            }
        case .array(let elements):
            for element in elements {
                switch element {
                case .object, .array: try checkNested(element, path: path, rules: rules)
                default: break
                }
            }
        default:
            break
        }
    }

    static func checkBinary(_ value: JSONValue, named name: String, rules: PropertyRules) throws(STIXValidationError) {
        guard case .string(let text) = value else { throw rules.wrongKind(name, "a base64 string", value) }
        var valid = text.utf8.count % 4 == 0
        if valid {
            var padding = 0
            for c in text.utf8 {
                let isAlphabet = (c >= UInt8(ascii: "A") && c <= UInt8(ascii: "Z")) || (c >= UInt8(ascii: "a") && c <= UInt8(ascii: "z"))
                    || (c >= UInt8(ascii: "0") && c <= UInt8(ascii: "9")) || c == UInt8(ascii: "+") || c == UInt8(ascii: "/")
                if c == UInt8(ascii: "=") { padding += 1 } else if !isAlphabet || padding > 0 { valid = false; break }
            }
            if padding > 2 { valid = false }
        }
        guard valid else { throw rules.fail("\"\(name)\" must be base64 (RFC 4648) encoded binary (got \(quoted(text, limit: 40)))") }
    }

    static func checkHex(_ value: JSONValue, named name: String, rules: PropertyRules) throws(STIXValidationError) {
        guard case .string(let text) = value else { throw rules.wrongKind(name, "a hex string", value) }
        guard text.utf8.count % 2 == 0, !text.isEmpty, HashRules.isHex(text) else {
            throw rules.fail("\"\(name)\" must be an even number of hexadecimal digits (got \(quoted(text, limit: 40)))")
        }
    }

    // MARK: Common structured properties

    static func checkExternalReferences(_ rules: PropertyRules) throws(STIXValidationError) {
        guard let references = try rules.objectList("external_references") else { return }
        for (position, reference) in references.enumerated() {
            let path = "external_references[\(position)]"
            guard let source = reference["source_name"] else {
                throw rules.fail("\"\(path)\" is missing its required \"source_name\"")
            }
            guard case .string = source else { throw rules.wrongKind("\(path).source_name", "a string", source) }
            for name in ["description", "url", "external_id"] {
                if let value = reference[name], value.stringValue == nil {
                    throw rules.wrongKind("\(path).\(name)", "a string", value)
                }
            }
            guard reference.contains("description") || reference.contains("url") || reference.contains("external_id") else {
                throw rules.fail("\"\(path)\" needs at least one of \"description\", \"url\" or \"external_id\" besides \"source_name\"")
            }
            if let hashes = reference["hashes"] { try HashRules.check(hashes, named: "\(path).hashes", rules: rules) }
        }
    }

    static func checkGranularMarkings(_ rules: PropertyRules) throws(STIXValidationError) {
        guard let markings = try rules.objectList("granular_markings") else { return }
        for (position, marking) in markings.enumerated() {
            let path = "granular_markings[\(position)]"
            let hasRef = marking.contains("marking_ref")
            let hasLang = marking.contains("lang")
            guard hasRef != hasLang else {
                throw rules.fail("\"\(path)\" must have exactly one of \"marking_ref\" or \"lang\"")
            }
            if let ref = marking["marking_ref"] {
                _ = try PropertyRules.reference(ref, named: "\(path).marking_ref", to: .markingDefinition, rules: rules)
            }
            if let lang = marking["lang"], lang.stringValue == nil { throw rules.wrongKind("\(path).lang", "a string", lang) }
            guard let selectors = marking["selectors"] else {
                throw rules.fail("\"\(path)\" is missing its required \"selectors\"")
            }
            guard case .array(let list) = selectors, !list.isEmpty, list.allSatisfy({ $0.stringValue != nil }) else {
                throw rules.fail("\"\(path).selectors\" must be a non-empty list of strings")
            }
        }
    }

    static func checkExtensions(_ rules: PropertyRules) throws(STIXValidationError) {
        guard let extensions = try rules.objectMember("extensions") else { return }
        if extensions.isEmpty { throw rules.fail("\"extensions\" must not be empty") }
        for position in extensions.keys.indices {
            let name = extensions.keys[position]
            if name.hasPrefix("extension-definition--") {
                guard STIXIdentifier.isValid(name) else {
                    throw rules.fail("extension key \(quoted(name)) must be a valid extension-definition identifier")
                }
            } else {
                let length = name.utf8.count
                guard length >= 3 && length <= 250 else {
                    throw rules.fail("extension name \(quoted(name)) must be 3-250 characters")
                }
            }
            let value = extensions.values[position]
            guard case .object(let body) = value else {
                throw rules.wrongKind("extensions.\(name)", "an object", value)
            }
            if let kind = body["extension_type"] {
                guard let text = kind.stringValue, MetaObjectRules.extensionTypes.contains(text) else {
                    throw rules.fail("\"extensions.\(name).extension_type\" must be one of \(MetaObjectRules.extensionTypes.joined(separator: ", "))")
                }
            }
        }
    }

    static func checkKillChainPhases(_ rules: PropertyRules) throws(STIXValidationError) {
        guard let phases = try rules.objectList("kill_chain_phases") else { return }
        for (position, phase) in phases.enumerated() {
            for name in ["kill_chain_name", "phase_name"] {
                guard let value = phase[name] else {
                    throw rules.fail("\"kill_chain_phases[\(position)]\" is missing its required \"\(name)\"")
                }
                guard case .string = value else {
                    throw rules.wrongKind("kill_chain_phases[\(position)].\(name)", "a string", value)
                }
            }
        }
    }
}
