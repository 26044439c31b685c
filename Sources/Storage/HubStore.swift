// Storage: the one protocol every persistence back end of the hub implements (SQLite first,
// PostgreSQL later), composed of focused protocols (accounts, submissions, objects, corroboration,
// audit) so that each part can be implemented and tested on its own; both back ends pass one shared
// test suite.
import Foundation

/// Errors a store reports to its callers.
public enum StoreError: Error, Sendable, Equatable, CustomStringConvertible {
    /// A unique name or key already exists (e.g. an organisation name).
    case duplicate(String)
    /// A referenced record does not exist.
    case notFound(String)
    /// The database file or server could not be used.
    case unavailable(String)

    public var description: String {
        switch self {
        case .duplicate(let what): return "already exists: \(what)"
        case .notFound(let what): return "not found: \(what)"
        case .unavailable(let why): return "storage unavailable: \(why)"
        }
    }
}

/// The hub's persistent state.
///
/// Every method that writes returns only once the write is durable (committed and synced), so a
/// caller may acknowledge it. Reads of objects are range reads in `position` order: nothing is
/// resolved per object, and a cursor (`afterPosition`) is all a client needs to resume.
///
/// ```swift
/// let store: any HubStore = try SQLiteHubStore(directory: dataURL)
/// let feed = try await store.createFeed(Feed(name: "C2", title: "C2 servers"))
/// // Objects are read through the policy engine: `policy.reader(for:feed:purpose:ledger:)`.
/// ```
public protocol HubStore: AccountStore, SubmissionStore, ObjectStore, CorroborationStore, SightingStore, AuditStore,
                          SharingMetricsStore, CampaignStore, ChangeStampStore, ObservableIndexStore, FeedFlowStore,
                          PortalSessionStore, ObjectSearchStore, AlertStore, AccountUpkeepStore,
                          SubmissionListingStore, FreshnessSweepStore {
    /// Throws unless the store answers a trivial read now (`GET /readyz`); cheap, reveals nothing.
    ///
    /// ```swift
    /// try await store.checkReadiness()   // SELECT 1 on SQLite
    /// ```
    func checkReadiness() async throws
}

extension HubStore {
    /// A one-row indexed lookup, for back ends without a cheaper probe of their own.
    public func checkReadiness() async throws { _ = try await organization(id: "") }
}

/// An organisation's own feed grants, its trust groups and their grants, read together.
public struct ReaderGrants: Sendable, Equatable {
    public var grants: [FeedGrant]
    public var groups: [TrustGroup]
    public var groupGrants: [FeedGroupGrant]
    /// The organisations whose recorded client this organisation is (TLP:AMBER reaches it through them).
    public var patronIDs: [String]
    /// The trust groups of those organisations.
    public var patronGroupIDs: [String]
    /// What those organisations may read (their own grants and their groups'): a client reads those
    /// feeds too, but only what was released to it or to its patrons' clients.
    public var patronReadableFeedIDs: [String]
    /// When each of those became this organisation's, microseconds since the epoch (0: before such
    /// times were recorded): membership of each of `groups` by group id, the client link to each
    /// patron by patron id, reach of each patron group by group id (the later of the link and the
    /// patron's membership), and read access to each feed by feed id (the earliest way it can read it).
    public var groupSince: [String: Int64] = [:]
    public var patronSince: [String: Int64] = [:]
    public var patronGroupSince: [String: Int64] = [:]
    public var feedReadSince: [String: Int64] = [:]

    public init(grants: [FeedGrant], groups: [TrustGroup], groupGrants: [FeedGroupGrant], patronIDs: [String] = [],
                patronGroupIDs: [String] = [], patronReadableFeedIDs: [String] = []) {
        self.grants = grants; self.groups = groups; self.groupGrants = groupGrants
        self.patronIDs = patronIDs; self.patronGroupIDs = patronGroupIDs; self.patronReadableFeedIDs = patronReadableFeedIDs
    }
}
