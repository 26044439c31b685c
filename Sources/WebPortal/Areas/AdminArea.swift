// WebPortal admin area (hub administrators only; everyone else gets the 403 page): organisations
// and their users, trust groups and their members, feeds and who may read or write them, clients,
// every user's API tokens, and the audit trail's verification. Every change goes through
// AccountAdministration, the same domain calls as `kakehashi admin`; removals and revocations ask
// for confirmation first (PortalConfirmation).
import Accounts
import Foundation
import Hummingbird
import Storage

enum AdminArea: PortalArea {
    struct UserRow: Sendable {
        let email: String
        let role: String
        let disabled: Bool
        let tokens: Int
    }

    struct OrganizationRow: Sendable {
        let name: String
        let sector: String
        let users: [UserRow]
        let clients: String
    }

    struct GroupRow: Sendable {
        let name: String
        let members: [String]
        let hasMembers: Bool
    }

    struct GrantRow: Sendable {
        /// `org:<name>` or `group:<name>`, as the rights form names them.
        let who: String
        let label: String
        let rights: String
    }

    struct FeedRow: Sendable {
        let name: String
        let grants: [GrantRow]
    }

    struct ClientRow: Sendable {
        let organization: String
        let client: String
    }

    struct TokenRow: Sendable {
        let id: String
        let email: String
        let organization: String
        let label: String
        let created: String
        let lastUsed: String?
    }

    struct TokensModel: Sendable {
        let tokens: [TokenRow]
        let hasTokens: Bool
    }

    struct RoleOption: Sendable {
        let value: String
        let label: String
    }

    struct Model: Sendable {
        let organizations: [OrganizationRow]
        let groups: [GroupRow]
        let feeds: [FeedRow]
        let roles: [RoleOption]
        let organizationNames: [String]
        let groupNames: [String]
        let feedNames: [String]
        let clients: [ClientRow]
        let hasClients: Bool
        let audit: String?
        let auditIntact: Bool
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("admin") { page in try await overview(page, audit: nil) }
        addTrustRoutes(to: routes)
        routes.form("admin/audit") { page, _ in
            _ = try requireAdmin(page)
            let result = try await page.environment.store.verifyAuditTrail()
            let text = result.isIntact
                ? page.text("admin_audit_intact", ["entries": String(result.entryCount)])
                : page.text("admin_audit_broken", ["entries": String(result.entryCount), "problems": String(result.problems.count)])
                    + " " + result.problems.prefix(20).map { "\($0)" }.joined(separator: "; ")
            return try await overview(page, audit: (text, result.isIntact))
        }
        routes.form("admin/organizations") { page, form in
            _ = try requireAdmin(page)
            return try await administered(page) {
                _ = try await AccountAdministration(store: page.environment.store).addOrganization(
                    name: form["name"] ?? "", sector: nonEmpty(form["sector"]), size: nonEmpty(form["size"]))
            }
        }
        routes.form("admin/users") { page, form in
            _ = try requireAdmin(page)
            guard let role = form["role"].flatMap(Role.init(rawValue:)) else {
                return try ConsentArea.failure(page, "admin_error_role", nil, back: "/portal/admin")
            }
            let password = form["password"] ?? ""
            guard password.count >= 12 else {
                return try ConsentArea.failure(page, "admin_error_password", nil, back: "/portal/admin")
            }
            return try await administered(page) {
                _ = try await AccountAdministration(store: page.environment.store).addUser(
                    organization: form["organization"] ?? "", email: (form["email"] ?? "").trimmingCharacters(in: .whitespaces),
                    role: role, password: password)
            }
        }
    }

    static func addTrustRoutes(to routes: PortalRoutes) {
        routes.form("admin/groups") { page, form in
            let reader = try requireAdmin(page)
            return try await administered(page, back: "/portal/admin#groups-heading") {
                _ = try await AccountAdministration(store: page.environment.store)
                    .addGroup(name: form["name"] ?? "", by: .principal(reader.principal))
            }
        }
        routes.form("admin/groups/members") { page, form in
            let reader = try requireAdmin(page)
            return try await administered(page, back: "/portal/admin#groups-heading") {
                _ = try await AccountAdministration(store: page.environment.store)
                    .addMember(organization: form["organization"] ?? "", toGroup: form["group"] ?? "", by: .principal(reader.principal))
            }
        }
        routes.form("admin/groups/members/remove") { page, form in
            let reader = try requireAdmin(page)
            let group = form["group"] ?? "", organization = form["organization"] ?? ""
            if let confirmation = try PortalConfirmation.asked(page, form, action: "/portal/admin/groups/members/remove",
                                                               fields: [("group", group), ("organization", organization)],
                                                               message: page.text("admin_confirm_member_remove",
                                                                                  ["organization": organization, "group": group]),
                                                               button: "admin_remove", back: "/portal/admin#groups-heading") {
                return confirmation
            }
            return try await administered(page, back: "/portal/admin#groups-heading") {
                _ = try await AccountAdministration(store: page.environment.store)
                    .removeMember(organization: organization, fromGroup: group, by: .principal(reader.principal))
            }
        }
        routes.form("admin/rights") { page, form in
            let reader = try requireAdmin(page)
            let read = form["read"] == "on", write = form["write"] == "on"
            let feed = form["feed"] ?? "", who = form["who"] ?? ""
            guard let (organization, group) = grantee(who) else {
                return try ConsentArea.failure(page, "admin_error_grantee", nil, back: "/portal/admin#feeds-heading")
            }
            if !read && !write, let confirmation = try PortalConfirmation.asked(
                page, form, action: "/portal/admin/rights", fields: [("feed", feed), ("who", who)],
                message: page.text("admin_confirm_rights_revoke", ["who": organization ?? group ?? "", "feed": feed]),
                button: "admin_revoke", back: "/portal/admin#feeds-heading") {
                return confirmation
            }
            return try await administered(page, back: "/portal/admin#feeds-heading") {
                try await AccountAdministration(store: page.environment.store)
                    .setFeedRights(feed: feed, organization: organization, group: group, read: read, write: write,
                                   by: .principal(reader.principal))
            }
        }
        routes.form("admin/clients") { page, form in
            let reader = try requireAdmin(page)
            return try await administered(page, back: "/portal/admin#clients-heading") {
                _ = try await AccountAdministration(store: page.environment.store)
                    .addClient(form["client"] ?? "", of: form["organization"] ?? "", by: .principal(reader.principal))
            }
        }
        routes.form("admin/clients/remove") { page, form in
            let reader = try requireAdmin(page)
            let organization = form["organization"] ?? "", client = form["client"] ?? ""
            if let confirmation = try PortalConfirmation.asked(page, form, action: "/portal/admin/clients/remove",
                                                               fields: [("organization", organization), ("client", client)],
                                                               message: page.text("admin_confirm_client_remove",
                                                                                  ["organization": organization, "client": client]),
                                                               button: "admin_remove", back: "/portal/admin#clients-heading") {
                return confirmation
            }
            return try await administered(page, back: "/portal/admin#clients-heading") {
                _ = try await AccountAdministration(store: page.environment.store)
                    .removeClient(client, of: organization, by: .principal(reader.principal))
            }
        }
        routes.page("admin/tokens") { page in try await tokens(page) }
        routes.form("admin/tokens/{id}/revoke") { page, form in
            let reader = try requireAdmin(page)
            let id = try page.parameter("id")
            guard let token = try await page.environment.store.token(id: id),
                  let owner = try await page.environment.store.user(id: token.userID) else { throw PortalError.notFound }
            if let confirmation = try PortalConfirmation.asked(page, form, action: "/portal/admin/tokens/\(id)/revoke", fields: [],
                                                               message: page.text("admin_confirm_token_revoke",
                                                                                  ["label": token.label, "email": owner.email]),
                                                               button: "admin_revoke", back: "/portal/admin/tokens") {
                return confirmation
            }
            return try await administered(page, back: "/portal/admin/tokens") {
                try await AccountAdministration(store: page.environment.store).revokeToken(id: id, by: .principal(reader.principal))
            }
        }
    }

    /// The organisation or the group a rights form names (`org:<name>` or `group:<name>`).
    static func grantee(_ who: String) -> (organization: String?, group: String?)? {
        if who.hasPrefix("org:"), who.count > 4 { return (String(who.dropFirst(4)), nil) }
        if who.hasPrefix("group:"), who.count > 6 { return (nil, String(who.dropFirst(6))) }
        return nil
    }

    /// Every active API token of every user, newest first, with when it was last used.
    static func tokens(_ page: PortalPage) async throws -> Response {
        let reader = try requireAdmin(page)
        let store = page.environment.store
        let administration = AccountAdministration(store: store)
        var rows: [TokenRow] = []
        var names: [String: String] = [:]
        for organization in try await store.organizations() { names[organization.id] = organization.name }
        for user in try await administration.administeredUsers(by: .principal(reader.principal)) {
            let tokens = try await store.tokens(userID: user.id).filter { $0.revokedAt == nil }
            guard !tokens.isEmpty else { continue }
            let uses = try await store.tokenLastUses(userID: user.id)
            for token in tokens {
                rows.append(TokenRow(id: token.id, email: user.email, organization: names[user.organizationID] ?? "",
                                     label: token.label, created: page.date(token.createdAt),
                                     lastUsed: uses[token.id].map(page.date)))
            }
        }
        rows.sort { ($0.organization, $0.email, $0.label) < ($1.organization, $1.email, $1.label) }
        return try page.render("admin-tokens", title: "admin_tokens_title", TokensModel(tokens: rows, hasTokens: !rows.isEmpty))
    }

    static func nonEmpty(_ text: String?) -> String? {
        let value = (text ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return value.isEmpty ? nil : value
    }

    static func requireAdmin(_ page: PortalPage) throws -> PortalReader {
        let reader = try page.requireReader()
        guard reader.principal.user.role == .hubAdmin else { throw PortalError.forbidden }
        return reader
    }

    /// Runs an account change; AccountAdministration's refusal is the translated refusal page.
    static func administered(_ page: PortalPage, back: String = "/portal/admin",
                             _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
        } catch let error as AccountError {
            if error.kind == .forbidden { throw PortalError.forbidden }
            return try ConsentArea.failure(page, "admin_error", error.description, back: back)
        }
        return page.redirect(to: back)
    }

    static func overview(_ page: PortalPage, audit: (String, Bool)?) async throws -> Response {
        _ = try requireAdmin(page)
        let store = page.environment.store
        let organizations = try await store.organizations().sorted { $0.name < $1.name }
        var names: [String: String] = [:]
        for organization in organizations { names[organization.id] = organization.name }
        var rows: [OrganizationRow] = []
        for organization in organizations.prefix(500) {
            var users: [UserRow] = []
            for user in try await store.users(organizationID: organization.id) {
                users.append(UserRow(email: user.email,
                                     role: page.text(choice: "role_", user.role.rawValue.replacingOccurrences(of: "-", with: "_")),
                                     disabled: user.disabledAt != nil, tokens: try await store.tokens(userID: user.id).count))
            }
            let clients = try await store.clients(ofOrganization: organization.id).map(\.name).joined(separator: ", ")
            rows.append(OrganizationRow(name: organization.name, sector: organization.sector ?? "", users: users, clients: clients))
        }
        var groups: [GroupRow] = []
        var groupNames: [String: String] = [:]
        for group in try await store.groups() {
            groupNames[group.id] = group.name
            let members = try await store.members(ofGroup: group.id).map(\.name)
            groups.append(GroupRow(name: group.name, members: members, hasMembers: !members.isEmpty))
        }
        var feeds: [FeedRow] = []
        let feedList = try await store.feeds()
        for feed in feedList {
            let groupGrants = try await store.groupGrants(feedID: feed.id).filter { $0.canRead || $0.canWrite }.map { grant in
                let name = groupNames[grant.groupID] ?? grant.groupID
                return GrantRow(who: "group:" + name, label: page.text("scope_group") + " " + name,
                                rights: rights(page, grant.canRead, grant.canWrite))
            }
            let grants = try await store.grants(feedID: feed.id).filter { $0.canRead || $0.canWrite }.map { grant in
                let name = names[grant.organizationID] ?? grant.organizationID
                return GrantRow(who: "org:" + name, label: name, rights: rights(page, grant.canRead, grant.canWrite))
            }
            feeds.append(FeedRow(name: feed.name, grants: groupGrants + grants.sorted { $0.label < $1.label }))
        }
        var clients: [ClientRow] = []
        for organization in organizations.prefix(500) {
            for client in try await store.clients(ofOrganization: organization.id) {
                clients.append(ClientRow(organization: organization.name, client: client.name))
            }
        }
        let roles = Role.allCases.map {
            RoleOption(value: $0.rawValue, label: page.text(choice: "role_", $0.rawValue.replacingOccurrences(of: "-", with: "_")))
        }
        return try page.render("admin", title: "admin_title", Model(
            organizations: rows, groups: groups, feeds: feeds, roles: roles,
            organizationNames: organizations.map(\.name), groupNames: groups.map(\.name), feedNames: feedList.map(\.name),
            clients: clients, hasClients: !clients.isEmpty, audit: audit?.0, auditIntact: audit?.1 ?? false))
    }

    static func rights(_ page: PortalPage, _ read: Bool, _ write: Bool) -> String {
        [read ? page.text("admin_read") : nil, write ? page.text("admin_write") : nil].compactMap { $0 }.joined(separator: "/")
    }
}
