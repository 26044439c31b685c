// STIX — ObjectFacts.swift
// Owns what validation reports: `STIXObjectFacts` for a valid object and `STIXValidationError`
// (naming the property at fault) for an invalid one.

import STIXPatterning

/// What the hub needs to know about one valid STIX object.
public struct STIXObjectFacts: Sendable, Equatable {
    public let id: String
    public let type: String
    /// "2.1" (also for observables that omit `spec_version`, which STIX 2.1 allows).
    public let specVersion: String
    public let created: String?
    public let modified: String?
    public let kind: STIXObjectKind
    public let createdByRef: String?
    public let objectMarkingRefs: [String]
    public let revoked: Bool
    /// The parsed pattern of an indicator whose `pattern_type` is "stix"; nil otherwise.
    public let pattern: STIXPattern?

    public init(id: String, type: String, specVersion: String, created: String?, modified: String?,
                kind: STIXObjectKind, createdByRef: String?, objectMarkingRefs: [String], revoked: Bool,
                pattern: STIXPattern?) {
        self.id = id; self.type = type; self.specVersion = specVersion
        self.created = created; self.modified = modified; self.kind = kind
        self.createdByRef = createdByRef; self.objectMarkingRefs = objectMarkingRefs
        self.revoked = revoked; self.pattern = pattern
    }

    /// The TAXII version string: `modified`, else `created`, else nil (the caller uses date_added).
    public var version: String? { modified ?? created }
}

/// Why one STIX object is not valid STIX 2.1.
///
/// ```swift
/// if case .failure(let error) = STIXValidator.validate(object) {
///     print(error)   // indicator--…: required property "pattern" is missing
/// }
/// ```
public struct STIXValidationError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The object's `id` when it had a usable one.
    public let objectID: String?
    /// The reason, naming the property at fault.
    public let message: String

    public init(objectID: String?, message: String) {
        self.objectID = objectID
        self.message = message
    }

    public var description: String {
        if let objectID { return "\(objectID): \(message)" }
        return message
    }
}
