// Anonymization — AnonymizedObject.swift
// Owns `AnonymizedObject`: the outcome of anonymising one object version (released copy, or withheld
// with the reason).

import STIX

/// The outcome of anonymising one object version.
///
/// ```swift
/// switch Anonymizer.anonymize(object, profile: profile, settings: settings) {
/// case .released(let copy): store(copy.serialized())
/// case .withheld(let reason): withheld.append(reason)   // e.g. "the identity of the provider"
/// }
/// ```
public enum AnonymizedObject: Sendable, Equatable {
    /// The copy that may be released.
    case released(JSONValue)
    /// Nothing of this object may be released; the reason says why (for the provider and the analyst).
    case withheld(reason: String)

    /// The released copy, if any.
    public var releasedValue: JSONValue? {
        if case .released(let value) = self { return value }
        return nil
    }
}
