// WebPortal admin area (hub administrators only; everyone else gets the 403 page): organisations
// and their users, trust groups and their members, feeds and who may read or write them, clients,
// and the audit trail's verification. Organisations and users are added through
// AccountAdministration, the same domain calls as `kakehashi admin`.
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
        let members: String
    }

    struct FeedRow: Sendable {
        let name: String
        let rights: String
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
        let audit: String?
        let auditIntact: Bool
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("admin") { page in try await overview(page, audit: nil) }
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
    static func administered(_ page: PortalPage, _ body: () async throws -> Void) async throws -> Response {
        do {
            try await body()
        } catch let error as AccountError {
            if error.kind == .forbidden { throw PortalError.forbidden }
            return try ConsentArea.failure(page, "admin_error", error.description, back: "/portal/admin")
        }
        return page.redirect(to: "/portal/admin")
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
            groups.append(GroupRow(name: group.name,
                                   members: try await store.members(ofGroup: group.id).map(\.name).joined(separator: ", ")))
        }
        var feeds: [FeedRow] = []
        for feed in try await store.feeds() {
            let grants = try await store.grants(feedID: feed.id).map { grant in
                (names[grant.organizationID] ?? grant.organizationID) + " (" + rights(page, grant.canRead, grant.canWrite) + ")"
            }
            let groupGrants = try await store.groupGrants(feedID: feed.id).map { grant in
                (groupNames[grant.groupID] ?? grant.groupID) + " (" + rights(page, grant.canRead, grant.canWrite) + ")"
            }
            feeds.append(FeedRow(name: feed.name, rights: (groupGrants + grants).joined(separator: ", ")))
        }
        let roles = Role.allCases.map {
            RoleOption(value: $0.rawValue, label: page.text(choice: "role_", $0.rawValue.replacingOccurrences(of: "-", with: "_")))
        }
        return try page.render("admin", title: "admin_title", Model(
            organizations: rows, groups: groups, feeds: feeds, roles: roles,
            organizationNames: organizations.map(\.name), audit: audit?.0, auditIntact: audit?.1 ?? false))
    }

    static func rights(_ page: PortalPage, _ read: Bool, _ write: Bool) -> String {
        [read ? page.text("admin_read") : nil, write ? page.text("admin_write") : nil].compactMap { $0 }.joined(separator: "/")
    }
}
