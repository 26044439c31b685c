// Trust groups: named sets of organisations (sector SIGs, cross-sector groups, the council), and the
// identifiers that single out an organisation (domains, names in any language) for the anonymiser.
import Foundation

/// A named set of member organisations, e.g. the 電力 SIG.
public struct TrustGroup: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var createdAt: Date

    public init(id: String = UUID().uuidString.lowercased(), name: String, createdAt: Date = Date()) {
        self.id = id; self.name = name; self.createdAt = createdAt.wholeMilliseconds
    }
}

/// Read/write rights of a trust group on a feed (every member organisation holds them).
public struct FeedGroupGrant: Sendable, Equatable, Codable {
    public var feedID: String
    public var groupID: String
    public var canRead: Bool
    public var canWrite: Bool

    public init(feedID: String, groupID: String, canRead: Bool, canWrite: Bool) {
        self.feedID = feedID; self.groupID = groupID; self.canRead = canRead; self.canWrite = canWrite
    }
}

/// One identifier of an organisation that must not leave the hub without its consent.
///
/// ```swift
/// try await store.addIdentifier(OrganizationIdentifier(kind: .addressRange, value: "192.0.2.0/24"), organizationID: id)
/// try await store.addIdentifier(OrganizationIdentifier(kind: .phone, value: "03-1234-5678"), organizationID: id)
/// ```
public struct OrganizationIdentifier: Sendable, Equatable, Hashable, Codable {
    /// Stored by raw value (a TEXT column): new kinds need no migration.
    public enum Kind: String, Sendable, Codable, CaseIterable {
        case domain, alias, email, host, addressRange = "address-range", project, person, phone, department, account
    }
    public var kind: Kind
    public var value: String
    public init(kind: Kind, value: String) { self.kind = kind; self.value = value }
}
