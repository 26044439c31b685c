// Accounts: the hub's organisations, users, roles and API tokens as stored records.
//
// These are plain values; the rules about what an account may do live in SharingPolicy.
import Foundation

/// A member organisation of the hub (or the hub operator itself).
public struct Organization: Sendable, Equatable, Codable {
    public var id: String
    public var name: String
    public var sector: String?
    public var size: String?
    public var country: String?
    public var createdAt: Date
    /// When the organisation was disabled: none of its users' passwords or tokens is accepted then.
    public var disabledAt: Date?
    /// How much its devices take (rate limits, page sizes, the reduced feed); medium unless set.
    public var tier: ConsumerTier

    public init(id: String = UUID().uuidString.lowercased(), name: String, sector: String? = nil,
                size: String? = nil, country: String? = nil, createdAt: Date = Date(), disabledAt: Date? = nil,
                tier: ConsumerTier = .medium) {
        self.id = id; self.name = name; self.sector = sector; self.size = size
        self.country = country; self.createdAt = createdAt.wholeMilliseconds
        self.disabledAt = disabledAt?.wholeMilliseconds; self.tier = tier
    }
}

/// What a user is in the hub. Hub roles act for the hub operator; the others act for their organisation.
public enum Role: String, Sendable, Codable, CaseIterable {
    case hubAdmin = "hub-admin"
    case hubAnalyst = "hub-analyst"
    case orgAdmin = "org-admin"
    case member = "member"
    case readOnly = "read-only"

    /// Whether the role belongs to the hub operator's staff.
    public var isHubStaff: Bool { self == .hubAdmin || self == .hubAnalyst }
    /// Whether the role may write (post objects, submit) at all.
    public var mayWrite: Bool { self != .readOnly }
}

/// A person (or a machine account) of an organisation.
public struct User: Sendable, Equatable, Codable {
    public var id: String
    public var organizationID: String
    public var email: String
    public var role: Role
    /// bcrypt hash of the password; nil for token-only accounts.
    public var passwordHash: String?
    public var createdAt: Date
    /// When the user was disabled: neither the password nor any token of the user is accepted then.
    public var disabledAt: Date?

    public init(id: String = UUID().uuidString.lowercased(), organizationID: String, email: String,
                role: Role, passwordHash: String?, createdAt: Date = Date(), disabledAt: Date? = nil) {
        self.id = id; self.organizationID = organizationID; self.email = email.lowercased()
        self.role = role; self.passwordHash = passwordHash; self.createdAt = createdAt.wholeMilliseconds
        self.disabledAt = disabledAt?.wholeMilliseconds
    }
}

/// An API token as stored: only the SHA-256 of the secret is kept.
public struct APIToken: Sendable, Equatable, Codable {
    public var id: String
    public var userID: String
    public var secretHash: String
    public var label: String
    public var createdAt: Date
    /// When the token was revoked: it is never accepted again (the record stays, for the audit's sake).
    public var revokedAt: Date?

    public init(id: String = UUID().uuidString.lowercased(), userID: String, secretHash: String,
                label: String, createdAt: Date = Date(), revokedAt: Date? = nil) {
        self.id = id; self.userID = userID; self.secretHash = secretHash
        self.label = label; self.createdAt = createdAt.wholeMilliseconds
        self.revokedAt = revokedAt?.wholeMilliseconds
    }
}

extension Date {
    /// The same instant rounded to whole milliseconds since 1970, so that it survives a round trip
    /// through any store's timestamp column unchanged.
    public var wholeMilliseconds: Date {
        Date(timeIntervalSince1970: (timeIntervalSince1970 * 1000).rounded() / 1000)
    }
}
