// WebPortal home: the page after sign-in, `/portal/` — who is signed in and the feeds they may read.
// (The dashboard of issue 15 takes this page over.)
import Foundation
import Hummingbird
import SharingPolicy
import Storage

enum HomeArea: PortalArea {
    struct Feed: Sendable {
        let id: String
        let name: String
        let canWrite: Bool
    }

    struct Model: Sendable {
        let organization: String
        let feeds: [Feed]
        let hasFeeds: Bool
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("") { page in
            let reader = try page.requireReader()
            let visible = try await page.environment.policy.visibleFeeds(for: reader.principal)
            let feeds = visible.filter(\.access.canRead).map {
                Feed(id: $0.feed.id, name: $0.feed.name, canWrite: $0.access.canWrite)
            }
            return try page.render("home", title: "home_title",
                                   Model(organization: reader.principal.organization.name, feeds: feeds,
                                         hasFeeds: !feeds.isEmpty))
        }
    }
}
