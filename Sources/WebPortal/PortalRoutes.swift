// WebPortal routes: where every portal request passes — the session resolved (or the sign-in
// redirect), the CSRF token of every form checked before its handler, errors rendered as translated
// pages, and the security headers on every response.
import Accounts
import Foundation
import HubHTTP
import HTTPTypes
import Hummingbird
import Logging
import Storage

/// Registers an area's pages under `/portal`.
///
/// ```swift
/// routes.page("objects/{id}") { page in … }                        // GET, signed in
/// routes.form("account/password") { page, form in … }             // POST, signed in, CSRF checked
/// routes.page("sign-in", signedIn: false) { page in … }           // GET without a session
/// ```
public struct PortalRoutes {
    let router: Router<HubRequestContext>
    let portal: WebPortal

    public var environment: PortalEnvironment { portal.environment }

    static let sessionCookie = "kakehashi_session"
    static let secureSessionCookie = "__Host-kakehashi_session"
    /// The CSRF token of forms shown before sign-in (sign-in, language switch): compared with the
    /// form's copy (double submit); after sign-in the session's own token is used.
    static let anonymousCSRFCookie = "kakehashi_csrf"
    static let languageCookie = "kakehashi_lang"
    static let timeZoneCookie = "kakehashi_tz"

    /// A page: GET `/portal/<path>`. Without a session it redirects to sign-in (unless `signedIn: false`).
    public func page(_ path: String, signedIn: Bool = true,
                     _ handler: @escaping @Sendable (PortalPage) async throws -> Response) {
        let portal = self.portal
        router.get(RouterPath(Self.full(path))) { request, context in
            try await Self.serve(portal, request, context, signedIn: signedIn, isForm: false) { page in
                try await handler(page)
            }
        }
    }

    /// A form: POST `/portal/<path>`, its body read (up to `limit` bytes) and its CSRF token checked
    /// before `handler` runs; a missing or wrong token is the 403 page and nothing is done.
    public func form(_ path: String, signedIn: Bool = true, limit: Int = 1 << 20,
                     _ handler: @escaping @Sendable (PortalPage, PortalForm) async throws -> Response) {
        let portal = self.portal
        router.post(RouterPath(Self.full(path))) { request, context in
            try await Self.serve(portal, request, context, signedIn: signedIn, isForm: true) { page in
                let form = try await PortalForm.read(request, limit: limit)
                // A form shown before sign-in (sign-in itself, the language switch) carries the
                // anonymous token even when the browser has a session by the time it is sent.
                var accepted = [page.csrfToken]
                if !signedIn, let anonymous = request.cookies[Self.anonymousCSRFCookie]?.value { accepted.append(anonymous) }
                guard let sent = form["csrf"], accepted.contains(where: { PortalSessions.same(sent, $0) }) else {
                    throw PortalError.forgedRequest
                }
                return try await handler(page, form)
            }
        }
    }

    static func full(_ path: String) -> String { path.isEmpty ? "/portal/" : "/portal/" + path }

    // MARK: - Every request

    static func serve(_ portal: WebPortal, _ request: Request, _ context: HubRequestContext, signedIn: Bool,
                      isForm: Bool, _ body: (PortalPage) async throws -> Response) async throws -> Response {
        try await RequestAccountsGeneration.$current.withValue(RequestAccountsGeneration()) {
            var page = try await resolve(portal, request, context)
            var newAnonymousToken: String?
            if page.reader == nil && !isForm && request.cookies[anonymousCSRFCookie] == nil {
                let token = PortalSessions.randomToken()
                newAnonymousToken = token
                page = PortalPage(request: request, context: context, reader: nil, language: page.language,
                                  timeZone: page.timeZone, csrfToken: token, portal: portal)
            }
            var response: Response
            if signedIn && page.reader == nil {
                response = isForm ? errorPage(page, .forgedRequest)
                    : page.redirect(to: "/portal/sign-in?next=" + percentEncoded(safeNext(request.uri.path + (request.uri.query.map { "?" + $0 } ?? ""))))
            } else {
                do {
                    response = try await body(page)
                } catch let error as PortalError {
                    response = errorPage(page, error)
                } catch let error as HubError {
                    response = errorPage(page, .from(error))
                } catch let error as any HubErrorConvertible {
                    response = errorPage(page, .from(error.hubError))
                } catch {
                    context.logger.error("portal page failed", metadata: ["error": "\(String(reflecting: type(of: error)))"])
                    response = errorPage(page, .unavailable)
                }
            }
            if let newAnonymousToken {
                response.setCookie(cookie(anonymousCSRFCookie, newAnonymousToken, portal: portal))
            }
            secure(&response, cache: false)
            return response
        }
    }

    /// The page's reader (from the session cookie), language, zone and CSRF token.
    static func resolve(_ portal: WebPortal, _ request: Request, _ context: HubRequestContext) async throws -> PortalPage {
        let environment = portal.environment
        let language = PortalLanguage.chosen(cookie: request.cookies[languageCookie]?.value,
                                             acceptLanguage: request.headers[.acceptLanguage])
        let timeZone = request.cookies[timeZoneCookie].flatMap { TimeZone(identifier: $0.value) } ?? environment.defaultTimeZone
        var reader: PortalReader?
        if let token = request.cookies[sessionCookieName(portal)]?.value,
           let session = try await environment.sessions.session(token: token),
           let principal = try await principal(userID: session.userID, store: environment.store) {
            reader = PortalReader(principal: principal, session: session)
        }
        let csrf = reader?.session.csrfToken ?? request.cookies[anonymousCSRFCookie]?.value ?? ""
        return PortalPage(request: request, context: context, reader: reader, language: language,
                          timeZone: timeZone, csrfToken: csrf, portal: portal)
    }

    /// The principal of an enabled user of an enabled organisation (a session of a user disabled
    /// since sign-in reads nothing more).
    static func principal(userID: String, store: any HubStore) async throws -> Principal? {
        guard let user = try await store.user(id: userID), user.disabledAt == nil,
              let organization = try await store.organization(id: user.organizationID),
              organization.disabledAt == nil else { return nil }
        return Principal(user: user, organization: organization)
    }

    static func errorPage(_ page: PortalPage, _ error: PortalError) -> Response {
        let keys = error.messageKeys
        let model = ["message": page.text(keys.text)]
        return (try? page.render("error", title: keys.title, model, status: error.status))
            ?? Response(status: error.status)
    }

    // MARK: - Cookies and headers

    static func sessionCookieName(_ portal: WebPortal) -> String {
        portal.environment.isHTTPS ? secureSessionCookie : sessionCookie
    }

    /// A cookie of the portal: HttpOnly, SameSite=Strict, Path=/, Secure behind TLS.
    static func cookie(_ name: String, _ value: String, portal: WebPortal, maxAge: Int? = nil) -> Cookie {
        Cookie(name: name, value: value, maxAge: maxAge, path: "/", secure: portal.environment.isHTTPS,
               httpOnly: true, sameSite: .strict)
    }

    /// The headers of every portal response: no script but the portal's own file, no framing, no
    /// sniffing, no referrer beyond the hub, and (for pages) nothing kept by caches.
    static func secure(_ response: inout Response, cache: Bool) {
        response.headers[.contentSecurityPolicy] = "default-src 'none'; script-src 'self'; style-src 'self'; "
            + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'"
        response.headers[.xFrameOptions] = "DENY"
        response.headers[.xContentTypeOptions] = "nosniff"
        response.headers[.referrerPolicy] = "same-origin"
        if !cache { response.headers[.cacheControl] = "no-store" }
    }

    /// `next` made safe: a path of the portal on this hub, else the portal's home. Refuses other
    /// hosts (`//evil`, `https://…`, `/\evil`), control characters and anything outside /portal.
    public static func safeNext(_ next: String?) -> String {
        guard let next, next.hasPrefix("/portal"), !next.hasPrefix("//"), !next.contains("\\"),
              !next.contains("//"), !next.unicodeScalars.contains(where: { $0.value < 0x20 || $0.value == 0x7f }),
              next.count < 2048 else { return "/portal/" }
        let rest = next.dropFirst("/portal".count)
        guard rest.isEmpty || rest.hasPrefix("/") || rest.hasPrefix("?") else { return "/portal/" }
        return next
    }

    static func percentEncoded(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~/")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? "/portal/"
    }

    // MARK: - The portal's own routes

    /// `/` → `/portal/` (the router takes `/portal` as `/portal/`), the stylesheet and the script (long-cached under their content hash).
    func addFoundation() {
        router.get("/") { _, _ in
            var response = Response(status: .seeOther, headers: [.location: "/portal/"])
            Self.secure(&response, cache: false)
            return response
        }
        let templates = portal.templates
        router.get("/portal/static/{file}") { _, context in
            let file = "/portal/static/" + (context.parameters.get("file") ?? "")
            let asset: (Data, String)? = file == templates.stylesheetPath ? (templates.stylesheet, "text/css; charset=utf-8")
                : file == templates.scriptPath ? (templates.script, "text/javascript; charset=utf-8") : nil
            guard let (data, type) = asset else {
                var response = Response(status: .notFound, headers: [.contentType: "text/plain; charset=utf-8"],
                                        body: .init(byteBuffer: ByteBuffer(string: "Not found")))
                Self.secure(&response, cache: false)
                return response
            }
            var response = Response(status: .ok, headers: [.contentType: type],
                                    body: .init(byteBuffer: ByteBuffer(bytes: data)))
            Self.secure(&response, cache: true)
            response.headers[.cacheControl] = "public, max-age=31536000, immutable"
            return response
        }
    }

    /// Any other path under /portal: the 404 page (a signed-out visitor is sent to sign in first,
    /// so that the answer does not depend on whether a path exists).
    func addNotFound() {
        page("**") { _ in throw PortalError.notFound }
    }
}

extension HTTPField.Name {
    static let xFrameOptions = HTTPField.Name("X-Frame-Options")!
    static let referrerPolicy = HTTPField.Name("Referrer-Policy")!
}
