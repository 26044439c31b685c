// WebPortal sign-in area: signing in with the hub's accounts (the same Authenticator and throttle as
// TAXII and the API), signing out, and the language switch.
import Accounts
import Foundation
import HTTPTypes
import Hummingbird
import Storage

enum SignInArea: PortalArea {
    struct Model: Sendable {
        let next: String
        let email: String
        /// The translated reason the last attempt failed, if it did.
        let error: String?
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("sign-in", signedIn: false) { page in
            let next = PortalRoutes.safeNext(page.query("next"))
            if page.reader != nil { return page.redirect(to: next) }
            return try page.render("sign-in", title: "signin_title", Model(next: next, email: "", error: nil))
        }
        routes.form("sign-in", signedIn: false) { page, form in try await signIn(page, form) }
        routes.form("sign-out") { page, _ in try await signOut(page) }
        routes.form("language", signedIn: false) { page, form in
            let language = form["lang"].flatMap(PortalLanguage.init(rawValue:)) ?? page.language
            var response = page.redirect(to: PortalRoutes.safeNext(form["next"]))
            response.setCookie(PortalRoutes.cookie(PortalRoutes.languageCookie, language.rawValue,
                                                   portal: page.portal, maxAge: 365 * 24 * 60 * 60))
            return response
        }
    }

    /// Checks the password through the throttle; on success ends any session the browser had (a new
    /// token at every sign-in) and starts one.
    static func signIn(_ page: PortalPage, _ form: PortalForm) async throws -> Response {
        let next = PortalRoutes.safeNext(form["next"])
        let email = (form["email"] ?? "").trimmingCharacters(in: .whitespaces)
        let password = form["password"] ?? ""
        let principal: Principal?
        do {
            // A token is for programs; the portal takes passwords only.
            principal = email.isEmpty || password.isEmpty || Credentials.looksLikeTokenSecret(password) ? nil
                : try await page.environment.authenticator.principal(basicUser: email, password: password,
                                                                     address: page.context.clientAddress)
        } catch let refused as SignInRefused {
            let message = page.text(refused.busy ? "signin_busy" : "signin_throttled")
                .replacingOccurrences(of: "{seconds}", with: String(refused.retryAfter))
            var response = try page.render("sign-in", title: "signin_title",
                                           Model(next: next, email: email, error: message),
                                           status: refused.busy ? .serviceUnavailable : .tooManyRequests)
            response.headers[.retryAfter] = String(refused.retryAfter)
            return response
        }
        guard let principal else {
            return try page.render("sign-in", title: "signin_title",
                                   Model(next: next, email: email, error: page.text("signin_failed")),
                                   status: .unauthorized)
        }
        let sessions = page.environment.sessions
        if let old = page.request.cookies[PortalRoutes.sessionCookieName(page.portal)]?.value {
            try await sessions.end(token: old)
        }
        let (token, _) = try await sessions.start(userID: principal.user.id)
        var response = page.redirect(to: next)
        response.setCookie(PortalRoutes.cookie(PortalRoutes.sessionCookieName(page.portal), token, portal: page.portal))
        return response
    }

    static func signOut(_ page: PortalPage) async throws -> Response {
        let name = PortalRoutes.sessionCookieName(page.portal)
        if let token = page.request.cookies[name]?.value { try await page.environment.sessions.end(token: token) }
        var response = page.redirect(to: "/portal/sign-in")
        response.setCookie(PortalRoutes.cookie(name, "", portal: page.portal, maxAge: 0))
        return response
    }
}
