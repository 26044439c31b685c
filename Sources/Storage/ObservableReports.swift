// Storage observable reports: the records k-corroboration decides by besides the reports themselves:
// values held back from it (marked TLP:RED or AMBER+STRICT, victim identifiers), the members'
// registered identifiers, and the probes (reports that matched other organisations' held data).
import Foundation

/// An observable key's value as held values are stored and looked up: the text after the type
/// (`ipv4-addr:198.51.100.7` → `198.51.100.7`; a file hash key → the lowercase hex), lowercased.
///
/// ```swift
/// ObservableKey.bareValue(of: "email-addr:Alice@Example.JP")   // "alice@example.jp"
/// ObservableKey.bareValue(of: "file:hashes.SHA-256:ABCD")      // "abcd"
/// ```
public enum ObservableKey {
    public static func bareValue(of key: String) -> String {
        if key.hasPrefix("file:hashes."), let colon = key.lastIndex(of: ":") {
            return String(key[key.index(after: colon)...]).lowercased()
        }
        guard let colon = key.firstIndex(of: ":") else { return key.lowercased() }
        return String(key[key.index(after: colon)...]).lowercased()
    }

    /// A victim identifier as a held value: trimmed and lowercased.
    public static func heldValue(ofIdentifier identifier: String) -> String {
        identifier.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
    }
}

/// A value some submission holds back from corroboration, and the organisation that gave it.
public struct HeldValue: Sendable, Equatable, Hashable {
    public var value: String
    public var organizationID: String
    public init(value: String, organizationID: String) { self.value = value; self.organizationID = organizationID }
}

/// One identifier registered for an organisation (or one of its users' addresses, as `.email`).
public struct MemberIdentifier: Sendable, Equatable {
    public var organizationID: String
    public var identifier: OrganizationIdentifier
    public init(organizationID: String, identifier: OrganizationIdentifier) {
        self.organizationID = organizationID; self.identifier = identifier
    }
}

/// A reported observable that matched data other organisations hold (a possible probe of the
/// corroboration count), as recorded for the operator.
public struct ProbeHit: Sendable, Equatable {
    public var organizationID: String
    public var submissionID: String
    public var observable: String
    /// How many other organisations hold the value.
    public var holders: Int
    public var recordedAt: String

    public init(organizationID: String, submissionID: String, observable: String, holders: Int, recordedAt: String) {
        self.organizationID = organizationID; self.submissionID = submissionID; self.observable = observable
        self.holders = holders; self.recordedAt = recordedAt
    }
}
