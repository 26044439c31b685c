// Storage, accounts: organisations, users, tokens, feeds and who may read and write them, trust
// groups, clients and registered identifiers.
import Foundation

/// The hub's accounts and rights: everything the policy engine reads to decide who may see what.
///
/// ```swift
/// let organization = try await store.createOrganization(Organization(name: "電力A社", sector: "電力"))
/// let grants = try await store.readerGrants(organizationID: organization.id)
/// ```
public protocol AccountStore: Sendable {
    // MARK: Organisations
    func createOrganization(_ organization: Organization) async throws -> Organization
    func organization(id: String) async throws -> Organization?
    func organization(named name: String) async throws -> Organization?
    func organizations() async throws -> [Organization]

    // MARK: Users and tokens
    func createUser(_ user: User) async throws -> User
    func user(id: String) async throws -> User?
    func user(email: String) async throws -> User?
    func users(organizationID: String) async throws -> [User]
    func createToken(_ token: APIToken) async throws
    /// The user owning the unrevoked token whose secret hashes to `secretHash`, if any.
    func user(tokenSecretHash secretHash: String) async throws -> User?
    /// One token record (revoked or not), by id.
    func token(id: String) async throws -> APIToken?
    /// A user's tokens, revoked ones too, oldest first.
    func tokens(userID: String) async throws -> [APIToken]
    /// Marks a token revoked, with its audit entry, in one transaction; false (nothing written) when
    /// there is no such token or it was already revoked.
    func revokeToken(id: String, at: Date, audit: AuditEvent) async throws -> Bool
    /// Disables (`at` a time) or re-enables (nil) a user, with its audit entry; false when no such user.
    func setUserDisabled(id: String, at: Date?, audit: AuditEvent) async throws -> Bool
    /// Removes a user and their tokens, with its audit entry; false when no such user. What the user
    /// submitted stays (its organisation's), and the audit keeps the user's id.
    func removeUser(id: String, audit: AuditEvent) async throws -> Bool
    /// Disables (`at` a time) or re-enables (nil) an organisation, with its audit entry; false when none.
    func setOrganizationDisabled(id: String, at: Date?, audit: AuditEvent) async throws -> Bool

    // MARK: Feeds and rights
    func createFeed(_ feed: Feed) async throws -> Feed
    func feed(id: String) async throws -> Feed?
    func feed(named name: String) async throws -> Feed?
    func feeds() async throws -> [Feed]
    /// Sets (replaces) one organisation's rights on one feed.
    func setGrant(_ grant: FeedGrant) async throws
    func grants(organizationID: String) async throws -> [FeedGrant]
    func grants(feedID: String) async throws -> [FeedGrant]

    /// Counts changes to organisations, users, tokens, feeds, grants, groups and clients, made by
    /// this process or by any other on the same database (the CLI beside a running server), so that
    /// a cached view of someone's sign-in or rights taken at an older generation is known to be stale
    /// at once. Cheap enough to ask on every request.
    var accountsGeneration: UInt64 { get }
    /// `accountsGeneration` as of this call: includes every change committed before it by any process.
    /// Caches of sign-ins and rights ask this, so that a change made with the CLI beside a running
    /// server is seen from the next request on. A back end whose `accountsGeneration` is only
    /// refreshed now and then (PostgreSQL) reads the stored count here.
    ///
    /// ```swift
    /// let generation = await store.currentAccountsGeneration()
    /// ```
    func currentAccountsGeneration() async -> UInt64
    /// Everything that decides an organisation's feed rights and audiences, read at once.
    func readerGrants(organizationID: String) async throws -> ReaderGrants

    // MARK: Clients (TLP:AMBER: a recipient may share with its clients, recorded as such)
    /// Records `clientID` as a client of `organizationID` (e.g. an MSSP's customer, a CSIRT's constituent).
    func addClient(_ clientID: String, ofOrganization organizationID: String) async throws
    /// The organisations recorded as clients of `organizationID`.
    func clients(ofOrganization organizationID: String) async throws -> [Organization]
    /// The organisations whose client `clientID` is.
    func patrons(ofClient clientID: String) async throws -> [Organization]

    // MARK: Trust groups and identifiers
    func createGroup(_ group: TrustGroup) async throws -> TrustGroup
    func group(named name: String) async throws -> TrustGroup?
    func groups() async throws -> [TrustGroup]
    func addMember(organizationID: String, toGroup groupID: String) async throws
    func members(ofGroup groupID: String) async throws -> [Organization]
    func groups(ofOrganization organizationID: String) async throws -> [TrustGroup]
    func setGroupGrant(_ grant: FeedGroupGrant) async throws
    func groupGrants(feedID: String) async throws -> [FeedGroupGrant]
    func groupGrants(groupIDs: [String]) async throws -> [FeedGroupGrant]
    func addIdentifier(_ identifier: OrganizationIdentifier, organizationID: String) async throws
    func identifiers(organizationID: String) async throws -> [OrganizationIdentifier]
    /// Removes one identifier; false when the organisation had no such identifier.
    func removeIdentifier(_ identifier: OrganizationIdentifier, organizationID: String) async throws -> Bool
}

extension AccountStore {
    /// For back ends whose `accountsGeneration` is always current (SQLite reads the stored count on
    /// each call).
    public func currentAccountsGeneration() async -> UInt64 { accountsGeneration }
}
