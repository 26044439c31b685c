// HubAPI account routes: revoking API tokens, disabling, re-enabling and removing users, disabling
// and re-enabling organisations, under /api/v1. Who may do what is decided by AccountAdministration
// (hub admins everything; an organisation's admins its users and their tokens; anyone their own
// tokens); a user of another organisation is answered 404, as for one that does not exist. Refusals
// are `AccountError`s, which render themselves (HubErrorConvertible).
import Accounts
import Foundation
import HubHTTP
import Hummingbird
import Storage

/// A user as administrators see it (never a password hash).
struct UserView: Encodable {
    let id: String
    let email: String
    let role: String
    let organization_id: String
    let disabled_at: String?

    init(_ user: User) {
        id = user.id; email = user.email; role = user.role.rawValue; organization_id = user.organizationID
        disabled_at = user.disabledAt.map(APITime.string)
    }
}

/// A token as its owner and administrators see it (never the secret or its hash).
struct TokenView: Encodable {
    let id: String
    let email: String
    let label: String
    let created_at: String
    let revoked_at: String?

    init(_ token: TokenSummary) {
        id = token.id; email = token.email; label = token.label; created_at = APITime.string(token.createdAt)
        revoked_at = token.revokedAt.map(APITime.string)
    }
}

enum APITime {
    static func string(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}

extension HubAPIService {
    /// Adds the account routes to the authenticated `/api/v1` group.
    ///
    /// ```swift
    /// // POST /api/v1/tokens/{id}/revoke          (the owner, an admin of its organisation, a hub admin)
    /// // POST /api/v1/users/{id}/disable|enable   DELETE /api/v1/users/{id}
    /// // POST /api/v1/organizations/{id}/disable|enable   (hub admins)
    /// ```
    func addAccountRoutes(to api: RouterGroup<HubRequestContext>) {
        api.get("users") { _, context in try await listUsers(context) }
        api.post("users/{id}/disable") { _, context in try await setUserDisabled(context, true) }
        api.post("users/{id}/enable") { _, context in try await setUserDisabled(context, false) }
        api.delete("users/{id}") { _, context in try await removeUser(context) }
        api.get("tokens") { request, context in try await listTokens(request, context) }
        api.post("tokens/{id}/revoke") { _, context in try await revokeToken(context) }
        api.post("organizations/{id}/disable") { _, context in try await setOrganizationDisabled(context, true) }
        api.post("organizations/{id}/enable") { _, context in try await setOrganizationDisabled(context, false) }
    }

    var administration: AccountAdministration { AccountAdministration(store: store) }

    func listUsers(_ context: HubRequestContext) async throws -> Response {
        let asker = AccountActor.principal(try context.requirePrincipal())
        let users = try await administration.administeredUsers(by: asker)
        return try Self.json(["users": users.map(UserView.init)])
    }

    func setUserDisabled(_ context: HubRequestContext, _ disabled: Bool) async throws -> Response {
        let asker = AccountActor.principal(try context.requirePrincipal())
        let id = try context.parameters.require("id")
        try await administration.setUserDisabled(id: id, disabled, by: asker)
        return try await userResponse(id)
    }

    func removeUser(_ context: HubRequestContext) async throws -> Response {
        let asker = AccountActor.principal(try context.requirePrincipal())
        let id = try context.parameters.require("id")
        try await administration.removeUser(id: id, by: asker)
        return Response(status: .noContent)
    }

    /// `GET /api/v1/tokens` (your own) or `?email=` (a user you administer).
    func listTokens(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let email = request.uri.queryParameters["email"].map(String.init) ?? principal.user.email
        let tokens = try await administration.tokens(email: email, by: .principal(principal))
        return try Self.json(["tokens": tokens.map(TokenView.init)])
    }

    func revokeToken(_ context: HubRequestContext) async throws -> Response {
        let asker = AccountActor.principal(try context.requirePrincipal())
        let id = try context.parameters.require("id")
        try await administration.revokeToken(id: id, by: asker)
        return try Self.json(["id": id, "state": "revoked"])
    }

    func setOrganizationDisabled(_ context: HubRequestContext, _ disabled: Bool) async throws -> Response {
        let asker = AccountActor.principal(try context.requirePrincipal())
        let id = try context.parameters.require("id")
        try await administration.setOrganizationDisabled(id: id, disabled, by: asker)
        return try Self.json(["id": id, "state": disabled ? "disabled" : "enabled"])
    }

    func userResponse(_ id: String) async throws -> Response {
        guard let user = try await store.user(id: id) else { throw HubError.notFound("There is no user \(id.prefix(64)).") }
        return try Self.json(UserView(user))
    }
}
