// STIX — MetaObjectRules.swift
// Owns the type-specific rules of the STIX 2.1 Meta Objects (section 7): marking-definition
// (old-style definition_type/definition or new-style extensions, and the well-known TLP ids),
// language-content and extension-definition.

enum MetaObjectRules {
    /// extension-type-enum.
    static let extensionTypes = ["new-sdo", "new-sco", "new-sro", "property-extension", "toplevel-property-extension"]

    static func check(_ type: String, _ r: PropertyRules) throws(STIXValidationError) {
        switch type {
        case "marking-definition": try markingDefinition(r)
        case "language-content": try languageContent(r)
        case "extension-definition": try extensionDefinition(r)
        default: break
        }
    }

    static func markingDefinition(_ r: PropertyRules) throws(STIXValidationError) {
        _ = try r.string("name")
        let definitionType = try r.string("definition_type")
        let definition = try r.objectMember("definition")
        if !r.has("extensions") {
            if definitionType == nil { throw r.missing("definition_type") }
            if definition == nil { throw r.missing("definition") }
        }
        if definitionType != nil && definition == nil { throw r.fail("\"definition_type\" requires \"definition\"") }
        if definition != nil && definitionType == nil { throw r.fail("\"definition\" requires \"definition_type\"") }
        if let definitionType, let definition {
            switch definitionType {
            case "tlp":
                guard let level = definition["tlp"]?.stringValue, ["white", "green", "amber", "red"].contains(level) else {
                    throw r.fail("a TLP marking's \"definition.tlp\" must be one of white, green, amber, red")
                }
            case "statement":
                guard definition["statement"]?.stringValue != nil else {
                    throw r.fail("a statement marking's \"definition\" needs a \"statement\" string")
                }
            default:
                break
            }
        }
        // The well-known TLP ids may only carry their own level.
        if let marking = TLPMarking(id: r.id), let level = TLPMarking.declaredLevel(in: r.object), level != marking.level {
            throw r.fail("\(r.id) is the well-known \(marking.name) marking but this object declares TLP level \(quoted(level))")
        }
    }

    static func languageContent(_ r: PropertyRules) throws(STIXValidationError) {
        _ = try r.reference("object_ref", to: .notTypes(["bundle", "language-content"]), required: true)
        _ = try r.timestamp("object_modified")
        let contents = try r.objectMember("contents", required: true)!
        if contents.isEmpty { throw r.fail("\"contents\" must not be empty") }
        for position in contents.keys.indices {
            let language = contents.keys[position]
            guard case .object = contents.values[position] else {
                throw r.fail("\"contents.\(language)\" must be an object mapping property names to translated values")
            }
        }
    }

    static func extensionDefinition(_ r: PropertyRules) throws(STIXValidationError) {
        _ = try r.reference("created_by_ref", to: .identity, required: true)
        _ = try r.requiredString("name")
        _ = try r.requiredString("schema")
        _ = try r.requiredString("version")
        let kinds = try r.stringList("extension_types", required: true)!
        for kind in kinds where !extensionTypes.contains(kind) {
            throw r.fail("\"extension_types\" may only contain \(extensionTypes.joined(separator: ", ")) (got \(quoted(kind)))")
        }
        _ = try r.stringList("extension_properties")
    }
}
