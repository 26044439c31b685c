// Extraction — STIXAuthoring.swift
// Owns writing the STIX 2.1 objects the hub derives from what members hand over: ids (random for
// domain objects, deterministic for observables), common properties, the provider's markings,
// indicators with properly quoted patterns, de-duplication, and the bundle.
import Foundation
import STIX

/// Collects the STIX objects of one extraction, each once.
///
/// ```swift
/// var author = STIXAuthoring(createdByRef: nil, markingRefs: [TLPMarking.amber.id])
/// let domain = author.observable("domain-name", ["value": "evil.example.com"])
/// author.indicator(pattern: "[domain-name:value = 'evil.example.com']", name: "evil.example.com", refersTo: domain)
/// let bundle = author.bundle()            // {"type":"bundle","id":"bundle--…","objects":[…]}
/// ```
public struct STIXAuthoring: Sendable {
    /// The provider's identity id, when it has one (anonymisation replaces it).
    public var createdByRef: String?
    /// Object markings put on every domain object (TLP, PAP).
    public var markingRefs: [String]
    /// The creation time of everything written, millisecond precision.
    public let now: String
    public private(set) var objects: [JSONObject] = []
    var positions: [String: Int] = [:]

    public init(createdByRef: String? = nil, markingRefs: [String] = [], now: Date = Date()) {
        self.createdByRef = createdByRef
        self.markingRefs = markingRefs
        self.now = STIXAuthoring.timestamp(now)
    }

    /// RFC 3339 UTC with milliseconds, as STIX wants.
    public static func timestamp(_ date: Date) -> String {
        let microseconds = Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) * 1000
        let text = STIXTimestamp.formatting(microseconds: microseconds)
        // formatting gives microseconds; keep milliseconds
        if let dot = text.firstIndex(of: "."), text.distance(from: dot, to: text.endIndex) > 5 {
            return String(text[..<text.index(dot, offsetBy: 4)]) + "Z"
        }
        return text
    }

    /// Adds an observable (deterministic id when its type has contributing properties); returns its id.
    @discardableResult
    public mutating func observable(_ type: String, _ properties: KeyValuePairs<String, JSONValue>) -> String {
        observable(type, properties.map { ($0.key, $0.value) })
    }

    /// Adds an observable from ordered properties (deterministic id when its type has contributing
    /// properties); returns its id.
    @discardableResult
    public mutating func observable(_ type: String, _ properties: [(String, JSONValue)]) -> String {
        let members = properties.filter { !$0.1.isNull }
        let head: [(String, JSONValue)] = [("type", .string(type)), ("spec_version", "2.1")]
        let id = ObservableID.of(JSONObject(head + members)) ?? "\(type)--\(UUID().uuidString.lowercased())"
        add(JSONObject(head + [("id", .string(id))] + members))
        return id
    }

    /// Adds a domain object with a fresh id, `created`/`modified`, the creator and the markings.
    @discardableResult
    public mutating func domainObject(_ type: String, _ properties: [(String, JSONValue)], id: String? = nil) -> String {
        let id = id ?? "\(type)--\(UUID().uuidString.lowercased())"
        var members: [(String, JSONValue)] = [("type", .string(type)), ("spec_version", "2.1"), ("id", .string(id))]
        if let createdByRef { members.append(("created_by_ref", .string(createdByRef))) }
        members += [("created", .string(now)), ("modified", .string(now))]
        members += properties.filter { !$0.1.isNull }
        if !markingRefs.isEmpty, !properties.contains(where: { $0.0 == "object_marking_refs" }) {
            members.append(("object_marking_refs", .array(markingRefs.map { .string($0) })))
        }
        add(JSONObject(members))
        return id
    }

    /// Adds an indicator for a STIX pattern (and a `based-on` relationship to the observable it
    /// came from, when given). The same pattern is indicated once.
    @discardableResult
    public mutating func indicator(pattern: String, name: String, description: String? = nil,
                                   types: [String] = ["malicious-activity"], refersTo observableID: String? = nil,
                                   validFrom: String? = nil) -> String {
        let key = "pattern:" + pattern
        if let existing = positions[key] { return objects[existing]["id"]?.stringValue ?? "" }
        var properties: [(String, JSONValue)] = [
            ("name", .string(name)),
            ("indicator_types", .array(types.map { .string($0) })),
            ("pattern", .string(pattern)), ("pattern_type", "stix"), ("pattern_version", "2.1"),
            ("valid_from", .string(validFrom ?? now)),
        ]
        if let description { properties.insert(("description", .string(description)), at: 1) }
        let id = domainObject("indicator", properties)
        positions[key] = positions[id]
        if let observableID {
            domainObject("relationship", [("relationship_type", "based-on"), ("source_ref", .string(id)),
                                          ("target_ref", .string(observableID))])
        }
        return id
    }

    /// Replaces an object already added (same id), e.g. to add references found later.
    public mutating func update(_ id: String, _ change: (inout JSONObject) -> Void) {
        guard let index = positions[id] else { return }
        change(&objects[index])
    }

    /// The object with this id, if added.
    public func object(_ id: String) -> JSONObject? { positions[id].map { objects[$0] } }

    mutating func add(_ object: JSONObject) {
        guard let id = object["id"]?.stringValue else { return }
        if positions[id] != nil { return }
        positions[id] = objects.count
        objects.append(object)
    }

    /// Ids of every object added so far except relationships and the given ones.
    public func referableIDs(excluding excluded: Set<String> = []) -> [String] {
        objects.compactMap { $0["id"]?.stringValue }.filter { !excluded.contains($0) && !$0.hasPrefix("relationship--") }
    }

    /// A STIX 2.1 bundle of everything added.
    public func bundle() -> JSONValue {
        .bundle(of: objects.map { .object($0) })
    }
}

/// STIX patterning text.
public enum PatternText {
    /// A string literal: quoted, with `\` and `'` escaped.
    ///
    /// ```swift
    /// PatternText.literal("O'Brien")   // "'O\\'Brien'"
    /// ```
    public static func literal(_ text: String) -> String {
        var out = "'"
        for character in text {
            if character == "\\" || character == "'" { out.append("\\") }
            out.append(character)
        }
        return out + "'"
    }

    /// `[type:path = 'value']`.
    public static func equals(_ path: String, _ value: String) -> String { "[\(path) = \(literal(value))]" }
}
