// Accounts administration: creating organisations, users and tokens with their rules checked.
import Foundation
import Storage

/// An account operation that cannot be done, with a reason fit to show the operator.
public struct AccountError: Error, Sendable, CustomStringConvertible, Equatable {
    /// Why: the request itself is wrong, what it names does not exist (or is not the asker's to
    /// see), or the asker may not do it.
    public enum Kind: Sendable, Equatable { case invalid, notFound, forbidden }
    public let kind: Kind
    public let description: String
    public init(_ description: String, kind: Kind = .invalid) { self.description = description; self.kind = kind }
}

extension AccountError: HubErrorConvertible {
    /// 404, 403, or 422 for a change that cannot be made (already revoked, already disabled).
    public var hubError: HubError {
        switch kind {
        case .notFound: return .notFound(description)
        case .forbidden: return .forbidden(description)
        case .invalid: return .unprocessable(description)
        }
    }
}

/// The operator's account tasks, shared by the CLI and (later) the web portal.
///
/// ```swift
/// let admin = AccountAdministration(store: store)
/// let org = try await admin.addOrganization(name: "電力A社", sector: "電力", size: "large")
/// let user = try await admin.addUser(organization: org.name, email: "soc@denryoku-a.example.jp",
///                                    role: .member, password: "…")
/// let secret = try await admin.issueToken(email: user.email, label: "taxii")
/// ```
public struct AccountAdministration: Sendable {
    public let store: any HubStore
    public let bcryptCost: UInt8

    public init(store: any HubStore, bcryptCost: UInt8 = Credentials.defaultBcryptCost) {
        self.store = store
        self.bcryptCost = bcryptCost
    }

    public func addOrganization(name: String, sector: String? = nil, size: String? = nil,
                                country: String? = nil) async throws -> Organization {
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw AccountError("the organization name is empty") }
        if let size, !["large", "medium", "small"].contains(size) {
            throw AccountError("size must be one of large, medium, small (got \(size))")
        }
        do {
            return try await store.createOrganization(Organization(name: name, sector: sector, size: size,
                                                                   country: country))
        } catch StoreError.duplicate {
            throw AccountError("an organization named \(name) already exists")
        }
    }

    public func addUser(organization organizationName: String, email: String, role: Role,
                        password: String?) async throws -> User {
        guard let organization = try await store.organization(named: organizationName) else {
            throw AccountError("no organization named \(organizationName)")
        }
        let email = email.trimmingCharacters(in: .whitespacesAndNewlines).lowercased()
        guard Self.isPlausibleEmail(email) else { throw AccountError("\(email) is not an e-mail address") }
        if let password, password.count < 8 {
            throw AccountError("the password must have at least 8 characters")
        }
        if let password, !Credentials.isAcceptablePassword(password) {
            throw AccountError("the password must not contain NUL")
        }
        let hash = password.map { Credentials.hashPassword($0, cost: bcryptCost) }
        do {
            return try await store.createUser(User(organizationID: organization.id, email: email, role: role,
                                                   passwordHash: hash))
        } catch StoreError.duplicate {
            throw AccountError("a user with e-mail \(email) already exists")
        }
    }

    /// Issues a new API token for the user and returns its secret (the only time it is available).
    public func issueToken(email: String, label: String = "api") async throws -> String {
        guard let user = try await store.user(email: email) else { throw AccountError("no user with e-mail \(email)") }
        let secret = Credentials.newTokenSecret()
        try await store.createToken(APIToken(userID: user.id, secretHash: Credentials.hashTokenSecret(secret),
                                             label: label))
        return secret
    }

    /// The user with this e-mail address, or an error naming it.
    public func user(email: String) async throws -> User {
        guard let user = try await store.user(email: email) else {
            throw AccountError("no user with e-mail \(email.lowercased())", kind: .notFound)
        }
        return user
    }

    static func isPlausibleEmail(_ email: String) -> Bool {
        let parts = email.split(separator: "@", omittingEmptySubsequences: false)
        return parts.count == 2 && !parts[0].isEmpty && parts[1].contains(".")
            && !email.contains(where: { $0.isWhitespace })
    }
}
