// WebPortal account page: who I am and my organisation, changing my password (the current one
// required, throttled like sign-in), my API tokens (created and shown once, listed with when each
// was last used, revoked), the time zone dates are shown in (kept in a cookie) and signing out
// everywhere.
import Accounts
import Foundation
import Hummingbird
import Storage

enum AccountArea: PortalArea {
    struct Token: Sendable {
        let id: String
        let label: String
        let created: String
        let revoked: String?
        let active: Bool
        let lastUsed: String?
    }

    struct ZoneOption: Sendable {
        let id: String
        let label: String
        let current: Bool
    }

    struct Model: Sendable {
        let email: String
        let role: String
        let organization: String
        let sector: String
        let tokens: [Token]
        let hasTokens: Bool
        /// A token's secret, on the page that created it only.
        let newToken: String?
        let notice: String?
        let error: String?
        let minimumLength: Int
        let zones: [ZoneOption]
    }

    /// The time zones offered (members work from Japan and with partners abroad); any other known
    /// zone a browser already uses is offered too.
    static let zones = ["Asia/Tokyo", "UTC", "Asia/Seoul", "Asia/Taipei", "Asia/Shanghai", "Asia/Singapore",
                        "Asia/Kolkata", "Australia/Sydney", "Europe/London", "Europe/Paris", "Europe/Berlin",
                        "America/New_York", "America/Chicago", "America/Los_Angeles", "Pacific/Honolulu"]

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("account") { page in
            let notice = page.query("done").flatMap { ["password": "account_password_changed",
                                                       "revoked": "account_token_revoked",
                                                       "time-zone": "account_timezone_saved"][$0] }
            return try await render(page, notice: notice.map(page.text))
        }
        routes.form("account/password") { page, form in try await changePassword(page, form) }
        routes.form("account/tokens") { page, form in try await createToken(page, form) }
        routes.form("account/tokens/{id}/revoke") { page, _ in
            let reader = try page.requireReader()
            do {
                try await AccountAdministration(store: page.environment.store)
                    .revokeToken(id: try page.parameter("id"), by: .principal(reader.principal))
            } catch let error as AccountError where error.kind == .notFound || error.kind == .forbidden {
                throw PortalError.notFound
            } catch is AccountError {
                return try await render(page, error: page.text("account_token_already_revoked"), status: .badRequest)
            }
            return page.redirect(to: "/portal/account?done=revoked")
        }
        routes.form("account/time-zone") { page, form in
            _ = try page.requireReader()
            guard let id = form["zone"], TimeZone.knownTimeZoneIdentifiers.contains(id) || id == "UTC",
                  TimeZone(identifier: id) != nil else {
                return try await render(page, error: page.text("account_timezone_unknown"), status: .badRequest)
            }
            var response = page.redirect(to: "/portal/account?done=time-zone")
            response.setCookie(PortalRoutes.cookie(PortalRoutes.timeZoneCookie, id, portal: page.portal,
                                                   maxAge: 365 * 24 * 60 * 60))
            return response
        }
        routes.form("account/sign-out-everywhere") { page, _ in
            let reader = try page.requireReader()
            try await page.environment.sessions.endAll(userID: reader.principal.user.id)
            var response = page.redirect(to: "/portal/sign-in")
            response.setCookie(PortalRoutes.cookie(PortalRoutes.sessionCookieName(page.portal), "", portal: page.portal, maxAge: 0))
            return response
        }
    }

    static func render(_ page: PortalPage, newToken: String? = nil, notice: String? = nil, error: String? = nil,
                       status: HTTPResponse.Status = .ok) async throws -> Response {
        let reader = try page.requireReader()
        let principal = reader.principal
        let store = page.environment.store
        let uses = try await store.tokenLastUses(userID: principal.user.id)
        let tokens = try await store.tokens(userID: principal.user.id)
            .sorted { $0.createdAt > $1.createdAt }
            .map { Token(id: $0.id, label: $0.label, created: page.date($0.createdAt), revoked: $0.revokedAt.map(page.date),
                         active: $0.revokedAt == nil, lastUsed: uses[$0.id].map(page.date)) }
        let current = page.timeZone.identifier
        let zones = (Self.zones.contains(current) ? Self.zones : [current] + Self.zones).map { id in
            ZoneOption(id: id, label: id == "Asia/Tokyo" ? "Asia/Tokyo (JST)" : id, current: id == current)
        }
        let role = page.text("role_" + principal.user.role.rawValue.replacingOccurrences(of: "-", with: "_"))
        let model = Model(email: principal.user.email, role: role, organization: principal.organization.name,
                          sector: principal.organization.sector ?? "", tokens: tokens, hasTokens: !tokens.isEmpty,
                          newToken: newToken, notice: notice, error: error, minimumLength: PasswordRules.minimumLength,
                          zones: zones)
        return try page.render("account", title: "account_title", model, status: status)
    }

    static func changePassword(_ page: PortalPage, _ form: PortalForm) async throws -> Response {
        let reader = try page.requireReader()
        let new = form["new_password"] ?? ""
        guard new == form["confirm_password"] ?? "" else {
            return try await render(page, error: page.text("account_password_mismatch"), status: .badRequest)
        }
        do {
            try await page.environment.authenticator.changePassword(of: reader.principal, current: form["current_password"] ?? "",
                                                                    new: new, address: page.context.clientAddress)
        } catch let refusal as PasswordChangeRefusal {
            let key = switch refusal {
            case .wrongCurrentPassword: "account_password_wrong"
            case .unacceptable: "account_password_too_short"
            case .noPassword: "account_password_none"
            }
            return try await render(page, error: page.text(key).replacingOccurrences(of: "{length}",
                                                                                     with: String(PasswordRules.minimumLength)),
                                    status: .badRequest)
        } catch let refused as SignInRefused {
            return try await render(page, error: page.text("signin_throttled")
                .replacingOccurrences(of: "{seconds}", with: String(refused.retryAfter)), status: .tooManyRequests)
        }
        // Every session of the user ends (a stolen one too); this browser gets a new one.
        let sessions = page.environment.sessions
        try await sessions.endAll(userID: reader.principal.user.id)
        let (token, _) = try await sessions.start(userID: reader.principal.user.id)
        var response = page.redirect(to: "/portal/account?done=password")
        response.setCookie(PortalRoutes.cookie(PortalRoutes.sessionCookieName(page.portal), token, portal: page.portal))
        return response
    }

    static func createToken(_ page: PortalPage, _ form: PortalForm) async throws -> Response {
        let reader = try page.requireReader()
        let label = (form["label"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        guard !label.isEmpty, label.count <= 100 else {
            return try await render(page, error: page.text("account_token_label_required"), status: .badRequest)
        }
        let secret = try await AccountAdministration(store: page.environment.store)
            .issueToken(email: reader.principal.user.email, label: label)
        // Shown on this response only (not a redirect: the secret must not travel in a URL).
        return try await render(page, newToken: secret, notice: page.text("account_token_created"))
    }
}
