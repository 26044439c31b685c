// STIX — PropertyRules.swift
// Owns the reusable property checks the validator is built from (required/optional strings,
// timestamps, integers, lists, identifiers and reference targets), each failing with a message
// that names the property.

/// Which object types a reference property may point to.
enum ReferenceTarget {
    /// Any STIX object.
    case any
    /// Exactly these types.
    case types([String])
    /// A domain object (custom types allowed, since their category is not knowable from the id).
    case domainObject
    /// A cyber observable (custom types allowed).
    case observable
    /// A cyber observable or relationship object (custom types allowed).
    case observableOrRelationship
    /// Anything except these types.
    case notTypes([String])

    /// Whether `identifier` (already known to be well-formed) points at an allowed type.
    func allows(identifier: String) -> Bool {
        switch self {
        case .any: return true
        case .types(let allowed):
            for type in allowed where Self.identifier(identifier, hasType: type) { return true }
            return false
        case .notTypes(let forbidden):
            for type in forbidden where Self.identifier(identifier, hasType: type) { return false }
            return true
        default:
            guard let type = STIXIdentifier.typePart(of: identifier) else { return false }
            return allows(type)
        }
    }

    /// `identifier` is `type--<36 characters>`.
    @inline(__always)
    static func identifier(_ identifier: String, hasType type: String) -> Bool {
        let id = identifier.utf8
        let name = type.utf8
        return id.count == name.count + 38 && id.starts(with: name)
    }

    func allows(_ type: String) -> Bool {
        switch self {
        case .any: return true
        case .types(let allowed): return allowed.contains(type)
        case .domainObject:
            let kind = STIXTypes.kind(of: type)
            return kind == .domainObject || kind == .custom
        case .observable:
            let kind = STIXTypes.kind(of: type)
            return kind == .cyberObservable || kind == .custom
        case .observableOrRelationship:
            let kind = STIXTypes.kind(of: type)
            return kind == .cyberObservable || kind == .relationshipObject || kind == .custom
        case .notTypes(let forbidden): return !forbidden.contains(type)
        }
    }

    var phrase: String {
        switch self {
        case .any: return "any STIX object"
        case .types(let allowed):
            let names = allowed.sorted()
            if names.count == 1 { return "an object of type \(names[0])" }
            return "an object of type " + names.dropLast().joined(separator: ", ") + " or " + names.last!
        case .domainObject: return "a STIX Domain Object"
        case .observable: return "a STIX Cyber-observable Object"
        case .observableOrRelationship: return "a STIX Cyber-observable Object or a relationship/sighting"
        case .notTypes(let forbidden): return "an object that is not a " + forbidden.sorted().joined(separator: ", ")
        }
    }

    static let identity = ReferenceTarget.types(["identity"])
    static let markingDefinition = ReferenceTarget.types(["marking-definition"])
    static let software = ReferenceTarget.types(["software"])
}

/// Quotes a value for an error message, shortened if long.
func quoted(_ text: String, limit: Int = 80) -> String {
    if text.count <= limit { return "\"\(text)\"" }
    return "\"\(text.prefix(limit))…\""
}

/// Property checks over one object; every failure names the property.
struct PropertyRules {
    let object: JSONObject
    let id: String

    func fail(_ message: String) -> STIXValidationError {
        STIXValidationError(objectID: id, message: message)
    }

    func missing(_ name: String) -> STIXValidationError {
        fail("required property \"\(name)\" is missing")
    }

    func wrongKind(_ name: String, _ expected: String, _ value: JSONValue) -> STIXValidationError {
        fail("\"\(name)\" must be \(expected) (found \(value.kindName))")
    }

    func has(_ name: String) -> Bool { object.contains(name) }

    // MARK: Scalars

    func string(_ name: String, required: Bool = false) throws(STIXValidationError) -> String? {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        guard case .string(let s) = value else { throw wrongKind(name, "a string", value) }
        return s
    }

    func requiredString(_ name: String) throws(STIXValidationError) -> String {
        try string(name, required: true)!
    }

    /// A string that must be one of `allowed`.
    func enumeration(_ name: String, _ allowed: [String], required: Bool = false) throws(STIXValidationError) -> String? {
        guard let s = try string(name, required: required) else { return nil }
        guard allowed.contains(s) else {
            throw fail("\"\(name)\" must be one of \(allowed.joined(separator: ", ")) (got \(quoted(s)))")
        }
        return s
    }

    func bool(_ name: String, required: Bool = false) throws(STIXValidationError) -> Bool? {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        guard case .bool(let b) = value else { throw wrongKind(name, "true or false", value) }
        return b
    }

    func integer(_ name: String, in range: ClosedRange<Int64>? = nil, required: Bool = false)
        throws(STIXValidationError) -> Int64?
    {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        return try Self.integer(value, named: name, in: range, rules: self)
    }

    static func integer(_ value: JSONValue, named name: String, in range: ClosedRange<Int64>?, rules: PropertyRules)
        throws(STIXValidationError) -> Int64
    {
        guard case .number(let text) = value else { throw rules.wrongKind(name, "an integer", value) }
        guard let n = JSONNumber.integer(text) else {
            throw rules.fail("\"\(name)\" must be an integer (got \(text.prefix(40)))")
        }
        if let range, !range.contains(n) {
            throw rules.fail("\"\(name)\" must be between \(range.lowerBound) and \(range.upperBound) (got \(n))")
        }
        return n
    }

    func double(_ name: String, in range: ClosedRange<Double>? = nil) throws(STIXValidationError) -> Double? {
        guard let value = object[name] else { return nil }
        guard case .number(let text) = value, let d = Double(text) else { throw wrongKind(name, "a number", value) }
        if let range, !range.contains(d) {
            throw fail("\"\(name)\" must be between \(range.lowerBound) and \(range.upperBound) (got \(text.prefix(40)))")
        }
        return d
    }

    // MARK: Timestamps

    func timestamp(_ name: String, required: Bool = false, millisecondPrecision: Bool = false)
        throws(STIXValidationError) -> STIXTimestamp?
    {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        return try Self.timestamp(value, named: name, millisecondPrecision: millisecondPrecision, rules: self)
    }

    static func timestamp(_ value: JSONValue, named name: String, millisecondPrecision: Bool = false,
                          rules: PropertyRules) throws(STIXValidationError) -> STIXTimestamp
    {
        guard case .string(let text) = value else {
            throw rules.wrongKind(name, "a timestamp string such as \"2016-05-12T08:17:27.000Z\"", value)
        }
        guard let t = STIXTimestamp(text) else {
            throw rules.fail("\"\(name)\" must be an RFC 3339 UTC timestamp such as 2016-05-12T08:17:27.000Z (got \(quoted(text)))")
        }
        if millisecondPrecision && t.fractionDigits < 3 {
            throw rules.fail("\"\(name)\" must be precise to the millisecond (at least three fractional digits, e.g. 2016-05-12T08:17:27.000Z; got \(quoted(text)))")
        }
        return t
    }

    /// `later` must not be before `earlier` (or must be strictly after it when `strictly`).
    func ordered(_ earlierName: String, _ earlier: STIXTimestamp?, _ laterName: String, _ later: STIXTimestamp?,
                 strictly: Bool = false) throws(STIXValidationError)
    {
        guard let earlier, let later else { return }
        if strictly ? later <= earlier : later < earlier {
            throw fail("\"\(laterName)\" (\(later.text)) must be \(strictly ? "later than" : "at or after") \"\(earlierName)\" (\(earlier.text))")
        }
    }

    // MARK: Lists and objects

    func list(_ name: String, required: Bool = false) throws(STIXValidationError) -> [JSONValue]? {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        guard case .array(let elements) = value else { throw wrongKind(name, "a list", value) }
        if elements.isEmpty { throw fail("\"\(name)\" must not be an empty list") }
        return elements
    }

    func stringList(_ name: String, required: Bool = false) throws(STIXValidationError) -> [String]? {
        guard let elements = try list(name, required: required) else { return nil }
        var strings: [String] = []
        strings.reserveCapacity(elements.count)
        for (position, element) in elements.enumerated() {
            guard case .string(let s) = element else {
                throw fail("\"\(name)\" must be a list of strings (element \(position) is \(element.kindName))")
            }
            strings.append(s)
        }
        return strings
    }

    func objectMember(_ name: String, required: Bool = false) throws(STIXValidationError) -> JSONObject? {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        guard case .object(let o) = value else { throw wrongKind(name, "an object", value) }
        return o
    }

    /// A list whose every element is an object.
    func objectList(_ name: String, required: Bool = false) throws(STIXValidationError) -> [JSONObject]? {
        guard let elements = try list(name, required: required) else { return nil }
        var objects: [JSONObject] = []
        for (position, element) in elements.enumerated() {
            guard case .object(let o) = element else {
                throw fail("\"\(name)\" must be a list of objects (element \(position) is \(element.kindName))")
            }
            objects.append(o)
        }
        return objects
    }

    // MARK: References

    func reference(_ name: String, to target: ReferenceTarget = .any, required: Bool = false)
        throws(STIXValidationError) -> String?
    {
        guard let value = object[name] else {
            if required { throw missing(name) }
            return nil
        }
        return try Self.reference(value, named: name, to: target, rules: self)
    }

    static func reference(_ value: JSONValue, named name: String, to target: ReferenceTarget, rules: PropertyRules)
        throws(STIXValidationError) -> String
    {
        guard case .string(let text) = value else { throw rules.wrongKind(name, "an identifier string", value) }
        guard STIXIdentifier.isValid(text) else {
            throw rules.fail("\"\(name)\" must be a STIX identifier (type--UUID) (got \(quoted(text)))")
        }
        guard target.allows(identifier: text) else {
            if case .notTypes = target, let type = STIXIdentifier.typePart(of: text) {
                throw rules.fail("\"\(name)\" must not refer to a \(type) (got \(quoted(text)))")
            }
            throw rules.fail("\"\(name)\" must refer to \(target.phrase) (got \(quoted(text)))")
        }
        return text
    }

    func references(_ name: String, to target: ReferenceTarget = .any, required: Bool = false)
        throws(STIXValidationError) -> [String]?
    {
        guard let elements = try list(name, required: required) else { return nil }
        var ids: [String] = []
        ids.reserveCapacity(elements.count)
        for element in elements {
            ids.append(try Self.reference(element, named: name, to: target, rules: self))
        }
        return ids
    }

    // MARK: Presence rules

    func requireAtLeastOne(of names: [String], reason: String? = nil) throws(STIXValidationError) {
        for name in names where object.contains(name) { return }
        let list = names.map { "\"\($0)\"" }.joined(separator: " or ")
        throw fail("at least one of \(list) is required" + (reason.map { " (\($0))" } ?? ""))
    }

    func forbidBoth(_ a: String, _ b: String) throws(STIXValidationError) {
        if object.contains(a) && object.contains(b) {
            throw fail("\"\(a)\" and \"\(b)\" must not both be present")
        }
    }

    func requireTogether(_ a: String, with b: String) throws(STIXValidationError) {
        if object.contains(a) && !object.contains(b) {
            throw fail("\"\(a)\" requires \"\(b)\" to be present as well")
        }
    }
}
