// HubTesting: helpers for tests of the hub: a real SQLite hub in a temporary directory, with
// organisations, users, tokens and feeds made in one call.
import Accounts
import Foundation
import SQLiteStorage
import Storage

/// A hub on a real SQLite file in a fresh temporary directory.
///
/// ```swift
/// let hub = try await TestHub.make()
/// defer { hub.remove() }
/// let feed = try await hub.feed("C2")
/// let alice = try await hub.member("Org A", email: "a@a.example", grants: [feed: (read: true, write: true)])
/// ```
public struct TestHub: Sendable {
    public let directory: URL
    public let store: SQLiteHubStore
    public let accounts: AccountAdministration

    public static func make() async throws -> TestHub {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-test-\(UUID().uuidString.lowercased())", isDirectory: true)
        let store = try SQLiteHubStore(directory: directory)
        // The hub operator's own organisation, as `kakehashi init` creates it.
        _ = try await store.createOrganization(Organization(name: "Kakehashi Hub", sector: "hub", country: "JP"))
        return TestHub(directory: directory, store: store, accounts: AccountAdministration(store: store, bcryptCost: 4))
    }

    /// Reopens the same file (as a restarted server would).
    public func reopened() throws -> TestHub {
        let store = try SQLiteHubStore(directory: directory)
        return TestHub(directory: directory, store: store, accounts: AccountAdministration(store: store, bcryptCost: 4))
    }

    public func remove() { try? FileManager.default.removeItem(at: directory) }

    public func feed(_ name: String, title: String? = nil) async throws -> Feed {
        try await store.createFeed(Feed(name: name, title: title ?? "\(name) feed"))
    }

    /// A signed-in member: the organisation (created if new), the user, the password and a token.
    public struct Member: Sendable {
        public let principal: Principal
        public let password: String
        public let token: String
        public var email: String { principal.user.email }
    }

    public func member(_ organization: String, email: String, role: Role = .member,
                       grants: [(feed: Feed, read: Bool, write: Bool)] = []) async throws -> Member {
        let org: Organization
        if let existing = try await store.organization(named: organization) {
            org = existing
        } else {
            org = try await accounts.addOrganization(name: organization, sector: "電力", size: "large")
        }
        let password = "pw-\(UUID().uuidString.prefix(12))"
        let user = try await accounts.addUser(organization: org.name, email: email, role: role, password: password)
        let token = try await accounts.issueToken(email: email, label: "test")
        for grant in grants {
            try await store.setGrant(FeedGrant(feedID: grant.feed.id, organizationID: org.id,
                                               canRead: grant.read, canWrite: grant.write))
        }
        return Member(principal: Principal(user: user, organization: org), password: password, token: token)
    }
}
