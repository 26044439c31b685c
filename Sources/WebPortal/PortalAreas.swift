// WebPortal areas: the one list of the portal's areas, whose routes `WebPortal.addRoutes` adds in
// this order. Keep it one line per area so that branches adding areas merge without conflict.

/// A page or group of pages: registers its routes on `PortalRoutes` (see `WebPortal` for the pattern).
public protocol PortalArea {
    static func addRoutes(to routes: PortalRoutes)
}

enum PortalAreas {
    static var all: [any PortalArea.Type] { [
        SignInArea.self,
        HomeArea.self,
        DashboardArea.self,
        SubmitArea.self,
        ConsentArea.self,
        StandingConsentArea.self,
        AnalystArea.self,
        AdminArea.self,
        AccountArea.self,
        BrowseArea.self,
        ObjectArea.self,
    ] }
}

/// The navigation bar, in order; one line per entry (areas add theirs here).
enum PortalNavigation {
    static let items: [PortalNavigationItem] = [
        PortalNavigationItem(path: "/portal/", label: "nav_home"),
        PortalNavigationItem(path: "/portal/dashboard", label: "nav_dashboard"),
        PortalNavigationItem(path: "/portal/submit", label: "nav_submit", roles: [.hubAdmin, .hubAnalyst, .orgAdmin, .member]),
        PortalNavigationItem(path: "/portal/submissions", label: "nav_submissions"),
        PortalNavigationItem(path: "/portal/consent", label: "nav_consent"),
        PortalNavigationItem(path: "/portal/feeds", label: "nav_feeds"),
        PortalNavigationItem(path: "/portal/search", label: "nav_search"),
        PortalNavigationItem(path: "/portal/analyst", label: "nav_analyst", roles: [.hubAdmin, .hubAnalyst]),
        PortalNavigationItem(path: "/portal/admin", label: "nav_admin", roles: [.hubAdmin]),
        PortalNavigationItem(path: "/portal/account", label: "nav_account"),
    ]
}
