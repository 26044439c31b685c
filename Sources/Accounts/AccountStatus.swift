// Accounts status: revoking API tokens; disabling, re-enabling and removing users; disabling and
// re-enabling organisations. Who may do what is decided here, for the CLI (the operator) and the
// JSON API (a signed-in principal) alike; each change is one store transaction with its audit entry,
// and takes effect on the next request of every process (see HubStore.accountsGeneration).
import Foundation
import Storage

/// Who asks for an account change.
public enum AccountActor: Sendable {
    /// The operator at the command line (`kakehashi admin …`), who may do everything.
    case hubOperator
    /// A signed-in user: a hub admin may do everything, an organisation's admin may administer its
    /// users and their tokens, and anyone may revoke their own tokens.
    case principal(Principal)
}

/// A token as its owner and administrators see it: never its secret or the secret's hash.
public struct TokenSummary: Sendable, Equatable {
    public let id: String
    public let email: String
    public let label: String
    public let createdAt: Date
    public let revokedAt: Date?
}

extension AccountAdministration {
    // MARK: - Tokens

    /// Revokes a token: it is refused from the next request on, on every path.
    ///
    /// ```swift
    /// try await admin.revokeToken(id: tokenID, by: .hubOperator)
    /// ```
    public func revokeToken(id: String, by asker: AccountActor) async throws {
        guard let token = try await store.token(id: id), let owner = try await store.user(id: token.userID),
              asker.maySee(owner) else { throw AccountError("no token \(id.prefix(64))", kind: .notFound) }
        guard asker.isSelf(owner) || asker.mayAdminister(owner) else {
            throw AccountError("only the token's owner or an administrator of its organisation may revoke it",
                               kind: .forbidden)
        }
        guard token.revokedAt == nil else { throw AccountError("the token \(id) is already revoked") }
        _ = try await store.revokeToken(id: id, at: Date(), audit: asker.audit("token-revoked", subject: id,
                                                                                 details: ["user": owner.id]))
    }

    /// Revokes every unrevoked token of the user with this label (`kakehashi admin token revoke
    /// --email … --label …`); returns how many.
    public func revokeTokens(email: String, label: String, by asker: AccountActor) async throws -> Int {
        var revoked = 0
        for token in try await tokens(email: email, by: asker) where token.label == label && token.revokedAt == nil {
            try await revokeToken(id: token.id, by: asker)
            revoked += 1
        }
        return revoked
    }

    /// A user's tokens, revoked ones too, for the user or an administrator.
    public func tokens(email: String, by asker: AccountActor) async throws -> [TokenSummary] {
        let owner = try await user(email: email)
        guard asker.maySee(owner) else { throw AccountError("no user with e-mail \(email.lowercased())", kind: .notFound) }
        guard asker.isSelf(owner) || asker.mayAdminister(owner) else {
            throw AccountError("only the user or an administrator of the user's organisation may list its tokens",
                               kind: .forbidden)
        }
        return try await store.tokens(userID: owner.id).map {
            TokenSummary(id: $0.id, email: owner.email, label: $0.label, createdAt: $0.createdAt, revokedAt: $0.revokedAt)
        }
    }

    // MARK: - Users

    /// The users `asker` administers: all for the operator and hub admins, their organisation's for
    /// an organisation's admin.
    public func administeredUsers(by asker: AccountActor) async throws -> [User] {
        switch asker {
        case .hubOperator: return try await allUsers()
        case .principal(let principal):
            switch principal.user.role {
            case .hubAdmin: return try await allUsers()
            case .orgAdmin: return try await store.users(organizationID: principal.organization.id)
            default: throw AccountError("only administrators may list users", kind: .forbidden)
            }
        }
    }

    func allUsers() async throws -> [User] {
        var users: [User] = []
        for organization in try await store.organizations() {
            users += try await store.users(organizationID: organization.id)
        }
        return users
    }

    /// Disables (`disabled`) or re-enables a user. A disabled user's password and tokens are refused
    /// from the next request on; re-enabled, they work again.
    ///
    /// ```swift
    /// try await admin.setUserDisabled(id: user.id, true, by: .hubOperator)
    /// ```
    public func setUserDisabled(id: String, _ disabled: Bool, by asker: AccountActor) async throws {
        let user = try await administered(userID: id, by: asker, change: disabled ? "disable" : "enable")
        guard (user.disabledAt != nil) != disabled else {
            throw AccountError("\(user.email) is already \(disabled ? "disabled" : "enabled")")
        }
        _ = try await store.setUserDisabled(id: user.id, at: disabled ? Date() : nil,
                                            audit: asker.audit(disabled ? "user-disabled" : "user-enabled", subject: user.id))
    }

    /// Removes a user and their tokens. What the user submitted stays with their organisation, and
    /// the audit trail keeps the user's id.
    public func removeUser(id: String, by asker: AccountActor) async throws {
        let user = try await administered(userID: id, by: asker, change: "remove")
        _ = try await store.removeUser(id: user.id, audit: asker.audit("user-removed", subject: user.id,
                                                                       details: ["organization": user.organizationID]))
    }

    /// The user `asker` may change, or why not. Nobody disables or removes their own account (an
    /// administrator would lock themselves out).
    func administered(userID: String, by asker: AccountActor, change: String) async throws -> User {
        guard let user = try await store.user(id: userID), asker.maySee(user) else {
            throw AccountError("no user \(userID.prefix(64))", kind: .notFound)
        }
        guard asker.mayAdminister(user) else {
            throw AccountError("only a hub admin or an admin of the user's organisation may \(change) a user",
                               kind: .forbidden)
        }
        guard !asker.isSelf(user) else { throw AccountError("you cannot \(change) your own account", kind: .forbidden) }
        return user
    }

    // MARK: - Organisations

    /// Disables (`disabled`) or re-enables an organisation: while disabled, none of its users'
    /// passwords or tokens is accepted. Only the operator and hub admins may.
    public func setOrganizationDisabled(id: String, _ disabled: Bool, by asker: AccountActor) async throws {
        if case .principal(let principal) = asker {
            guard principal.user.role == .hubAdmin else {
                guard principal.organization.id == id else { throw AccountError("no organization \(id.prefix(64))", kind: .notFound) }
                throw AccountError("only a hub admin may disable or enable an organisation", kind: .forbidden)
            }
            guard principal.organization.id != id else {
                throw AccountError("you cannot disable or enable your own organisation", kind: .forbidden)
            }
        }
        guard let organization = try await store.organization(id: id) else {
            throw AccountError("no organization \(id.prefix(64))", kind: .notFound)
        }
        guard (organization.disabledAt != nil) != disabled else {
            throw AccountError("\(organization.name) is already \(disabled ? "disabled" : "enabled")")
        }
        _ = try await store.setOrganizationDisabled(
            id: id, at: disabled ? Date() : nil,
            audit: asker.audit(disabled ? "organization-disabled" : "organization-enabled", subject: id))
    }
}

extension AccountActor {
    /// Whether the actor may know that `user` exists: the operator, hub staff, and the user's own
    /// organisation. Others are answered "not found", as for a user that does not exist.
    func maySee(_ user: User) -> Bool {
        guard case .principal(let principal) = self else { return true }
        return principal.user.role.isHubStaff || principal.organization.id == user.organizationID
    }

    /// Whether the actor administers `user`: the operator, hub admins, and admins of the user's
    /// organisation (for users who are not hub admins).
    func mayAdminister(_ user: User) -> Bool {
        guard case .principal(let principal) = self else { return true }
        switch principal.user.role {
        case .hubAdmin: return true
        case .orgAdmin: return principal.organization.id == user.organizationID && user.role != .hubAdmin
        default: return false
        }
    }

    func isSelf(_ user: User) -> Bool {
        guard case .principal(let principal) = self else { return false }
        return principal.user.id == user.id
    }

    /// The audit entry of a change (what changed, never a secret).
    func audit(_ change: String, subject: String, details: [String: String] = [:]) -> AuditEvent {
        var details = details
        details["change"] = change
        switch self {
        case .hubOperator:
            details["by"] = "cli"
            return AuditEvent(action: .account, actorUserID: nil, actorOrganizationID: nil, subject: subject, details: details)
        case .principal(let principal):
            return AuditEvent(action: .account, actorUserID: principal.user.id,
                              actorOrganizationID: principal.organization.id, subject: subject, details: details)
        }
    }
}
