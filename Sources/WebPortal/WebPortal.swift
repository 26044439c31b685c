// WebPortal: the members' web portal (協議会ポータル) under /portal — server-rendered pages in Japanese
// and English over the same accounts, policy engine and stores as TAXII and the JSON API. This file
// owns the module's entry point (`WebPortal`) and the documentation of how a page is built.
import Accounts
import Foundation
import HubHTTP
import Hummingbird
import SharingPolicy
import Specimens
import Storage

/// The web portal: adds its pages to the hub's router.
///
/// ```swift
/// let portal = try WebPortal(environment: PortalEnvironment(store: store, authenticator: authenticator,
///                                                           policy: policy, ledger: ledger,
///                                                           publicAddress: publicAddress))
/// portal.addRoutes(to: router)   // /portal/…, /portal/static/…, and `/` redirecting to /portal/
/// ```
///
/// ## How a page is built
///
/// Every page follows one path: **request → session/reader → domain call → view model → template.**
///
/// 1. An *area* (one file per page or area, e.g. `AccountArea.swift`) registers its routes on
///    `PortalRoutes`; `PortalAreas.all` lists the areas, one line each.
/// 2. `routes.page(path)` (GET) and `routes.form(path)` (POST) resolve the session: without one a
///    page redirects to sign-in with a safe `next`; a form's CSRF token is checked before the handler
///    runs (an invalid one: the 403 page, nothing done). The handler receives a `PortalPage`: the
///    signed-in `reader` (principal), the language, the time zone, the CSRF token and the messages.
/// 3. The handler calls the domain — anything members provided is read through `PolicyEngine`
///    (a `FeedReader`, `visibleFeed`, `visibleSubmission`…), never straight from the store. A thing
///    that is unknown *or* unreadable is `throw PortalError.notFound`: the same 404 page either way.
/// 4. It builds a view model (plain `Sendable` structs with already formatted strings: dates through
///    `page.date(_:)`, TLP through `TLPBadge`) and returns `page.render("template", title: "key", model)`.
/// 5. The template `Templates/<name>.mustache` is the page's body; the layout (header, navigation,
///    footer, language switch) wraps it. Every visible word comes from a catalogue: `{{t.key}}`, with
///    `key` in `Messages/<area>.json` as `{"key": {"en": "…", "ja": "…"}}`. Every form includes
///    `{{> csrf}}`. `WebPortalTests` fails when a key lacks a language or a template uses an unknown key.
///
/// ```swift
/// // Sources/WebPortal/Areas/NoticeArea.swift
/// enum NoticeArea: PortalArea {
///     struct Model: Sendable { let feeds: [String] }
///     static func addRoutes(to routes: PortalRoutes) {
///         routes.page("notices") { page in
///             let reader = try page.requireReader()
///             let feeds = try await page.environment.policy.visibleFeeds(for: reader.principal)
///             return try page.render("notices", title: "notices_title", Model(feeds: feeds.map(\.feed.name)))
///         }
///     }
/// }
/// // PortalAreas.all gains `NoticeArea.self,`; Templates/notices.mustache; Messages/notices.json.
/// ```
public struct WebPortal: Sendable {
    public let environment: PortalEnvironment
    let templates: PortalTemplates
    let messages: PortalMessages

    /// Loads the templates, catalogues and stylesheet bundled with the module; throws when one is
    /// missing or does not parse (a broken build, never a request's fault).
    public init(environment: PortalEnvironment) throws {
        self.environment = environment
        self.templates = try PortalTemplates.bundled()
        self.messages = try PortalMessages.bundled()
    }

    /// Adds every area's routes, the stylesheet and the `/` redirect to `router`.
    public func addRoutes(to router: Router<HubRequestContext>) {
        let routes = PortalRoutes(router: router, portal: self)
        routes.addFoundation()
        for area in PortalAreas.all { area.addRoutes(to: routes) }
        routes.addNotFound()
    }
}

/// Everything pages call: the hub's store, sign-in, policy engine and the rest, made once by
/// `HubApplication` and shared by every page.
public struct PortalEnvironment: Sendable {
    public let store: any HubStore
    public let authenticator: Authenticator
    public let policy: PolicyEngine
    /// Where reads of members' objects are recorded (the same ledger as TAXII and the API).
    public let ledger: DeliveryLedger
    public let publicAddress: PublicAddress
    /// The sample vault, when the hub keeps specimens.
    public let vault: SampleVault?
    public let sessions: PortalSessions
    /// The zone dates are shown in unless the reader chose another (JST).
    public let defaultTimeZone: TimeZone

    public init(store: any HubStore, authenticator: Authenticator, policy: PolicyEngine, ledger: DeliveryLedger,
                publicAddress: PublicAddress, vault: SampleVault? = nil,
                sessions: PortalSessions? = nil,
                defaultTimeZone: TimeZone = TimeZone(identifier: "Asia/Tokyo")!) {
        self.store = store; self.authenticator = authenticator; self.policy = policy; self.ledger = ledger
        self.publicAddress = publicAddress; self.vault = vault
        self.sessions = sessions ?? PortalSessions(store: store)
        self.defaultTimeZone = defaultTimeZone
    }

    /// Whether the hub is reached over TLS (cookies are then `Secure`).
    public var isHTTPS: Bool { publicAddress.baseURL.lowercased().hasPrefix("https://") }
}
