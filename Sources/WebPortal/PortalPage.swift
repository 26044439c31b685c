// WebPortal page: one request to a portal page as its handler sees it — the signed-in reader, the
// language and time zone, the CSRF token — and the rendering of a view model through its template
// inside the layout.
import Accounts
import Foundation
import HubHTTP
import HTTPTypes
import Hummingbird
import Storage

/// The signed-in person reading a page: the principal the policy engine decides for, and the session.
public struct PortalReader: Sendable {
    public let principal: Principal
    public let session: PortalSession
}

/// One request to a portal page (see `WebPortal` for the pattern).
///
/// ```swift
/// routes.page("feeds/{id}") { page in
///     let reader = try page.requireReader()
///     guard let (feed, access) = try await page.environment.policy.visibleFeed(id: try page.parameter("id"),
///                                                                          for: reader.principal),
///           access.canRead else { throw PortalError.notFound }
///     return try page.render("feed", title: "feed_title", FeedModel(name: feed.name))
/// }
/// ```
public struct PortalPage: Sendable {
    public let request: Request
    public let context: HubRequestContext
    /// The signed-in reader; nil only on pages registered with `signedIn: false`.
    public let reader: PortalReader?
    public let language: PortalLanguage
    public let timeZone: TimeZone
    /// The token every form of this page must carry (`{{> csrf}}` writes it).
    public let csrfToken: String
    let portal: WebPortal

    public var environment: PortalEnvironment { portal.environment }

    /// The reader, or the sign-in redirect (only pages with `signedIn: false` can lack one).
    public func requireReader() throws -> PortalReader {
        guard let reader else { throw PortalError.notFound }
        return reader
    }

    /// A path parameter of the route (`{id}`); a missing one is the 404 page.
    public func parameter(_ name: String) throws -> String {
        guard let value = context.parameters.get(name) else { throw PortalError.notFound }
        return value
    }

    /// A query parameter, nil when absent or empty.
    public func query(_ name: String) -> String? {
        guard let value = request.uri.queryParameters[name[...]], !value.isEmpty else { return nil }
        return String(value)
    }

    /// One text of the catalogues in the page's language.
    public func text(_ key: String) -> String { portal.messages.text(key, language) }

    /// A date as the reader reads it: in their time zone (JST unless chosen), e.g. "2026-12-07 23:00 JST".
    public func date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = timeZone
        formatter.dateFormat = "yyyy-MM-dd HH:mm"
        let zone = timeZone.identifier == "Asia/Tokyo" ? "JST" : (timeZone.abbreviation(for: date) ?? timeZone.identifier)
        return formatter.string(from: date) + " " + zone
    }

    /// A date given in microseconds since the epoch (how the stores keep them).
    public func date(microseconds: Int64) -> String {
        date(Date(timeIntervalSince1970: Double(microseconds) / 1_000_000))
    }

    /// The page `template` around `model`, inside the layout, with the title from catalogue key `title`.
    ///
    /// The template sees `page` (the model), `t` (the texts), `csrf`, `reader`, `lang` and `title`.
    public func render(_ template: String, title: String, _ model: Any = [String: String](),
                       status: HTTPResponse.Status = .ok) throws -> Response {
        var values = layoutValues(title: text(title))
        values["page"] = model
        let body = try portal.templates.render(template, values)
        values["body"] = body
        let html = try portal.templates.render("layout", values)
        return Response(status: status, headers: [.contentType: "text/html; charset=utf-8"],
                        body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A 303 to a path of the portal (after a form, so that reloading does not post again).
    public func redirect(to path: String) -> Response {
        Response(status: .seeOther, headers: [.location: path])
    }

    func layoutValues(title: String) -> [String: Any] {
        var values: [String: Any] = [
            "t": portal.messages.table(for: language),
            "lang": language.rawValue,
            "title": title,
            "csrf": csrfToken,
            "stylesheet": portal.templates.stylesheetPath,
            "script": portal.templates.scriptPath,
            "here": PortalRoutes.safeNext(request.uri.path + (request.uri.query.map { "?" + $0 } ?? "")),
            "languages": PortalLanguage.allCases.map { option in
                ["code": option.rawValue, "label": portal.messages.text("language_name_\(option.rawValue)", language),
                 "current": option == language] as [String: Any]
            },
        ]
        if let reader {
            let role = reader.principal.user.role
            values["reader"] = [
                "email": reader.principal.user.email,
                "organization": reader.principal.organization.name,
                "role": portal.messages.text("role_\(role.rawValue.replacingOccurrences(of: "-", with: "_"))", language),
            ]
            let path = request.uri.path
            values["navigation"] = PortalNavigation.items.filter { $0.isShown(to: role) }.map { item in
                ["href": item.path, "label": portal.messages.text(item.label, language),
                 "current": item.path == path || (item.path != "/portal/" && path.hasPrefix(item.path))] as [String: Any]
            }
        }
        return values
    }
}

/// An entry of the navigation bar.
public struct PortalNavigationItem: Sendable {
    public let path: String
    /// Catalogue key of its label.
    public let label: String
    /// Shown to these roles only (nil: everyone signed in).
    public let roles: Set<Role>?

    public init(path: String, label: String, roles: Set<Role>? = nil) {
        self.path = path; self.label = label; self.roles = roles
    }

    func isShown(to role: Role) -> Bool { roles?.contains(role) ?? true }
}
