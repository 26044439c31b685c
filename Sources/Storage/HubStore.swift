// Storage: the one protocol every persistence back end of the hub implements (SQLite first,
// PostgreSQL later). Callers depend on this protocol only; both back ends pass one shared test suite.
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
public protocol HubStore: Sendable {
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

    // MARK: Releases and deliveries
    /// Records a release and its copies (each with its audiences) in one durable transaction, with
    /// its audit entry. The copies join the submission's feed.
    func recordRelease(_ release: Release, feedID: String, copies: [IncomingObject], audit: AuditEvent) async throws
    func releases(submissionID: String) async throws -> [Release]
    func release(id: String) async throws -> Release?
    /// Marks a release revoked and removes its copies from every later read; the audit keeps who
    /// already received them.
    func revokeRelease(id: String, revokedBy: String?, at: String, audit: AuditEvent) async throws
    func submissions(organizationID: String?) async throws -> [Submission]
    /// Records reads that returned objects: their audit entries and the deliveries to organisations.
    func recordReads(_ events: [AuditEvent], deliveries: [Delivery]) async throws
    func deliveries(submissionID: String) async throws -> [Delivery]

    // MARK: Proposals and standing consent
    func createProposal(_ proposal: Proposal, audit: AuditEvent) async throws
    func proposal(id: String) async throws -> Proposal?
    /// Proposals for one provider (nil: all), newest first.
    func proposals(providerOrganizationID: String?) async throws -> [Proposal]
    /// Records the provider's decision (and, for an approval, the release it became) with its audit entry.
    func decideProposal(_ proposal: Proposal, audit: AuditEvent) async throws
    func standingConsent(organizationID: String) async throws -> [StandingConsentRule]
    func setStandingConsent(_ rules: [StandingConsentRule], organizationID: String, audit: AuditEvent) async throws

    // MARK: Corroboration
    /// Records that an organisation reported these observables (keys like `ipv4-addr:198.51.100.7`);
    /// returns, for each key, how many different organisations have reported it so far.
    func recordObservables(_ keys: [String], organizationID: String, submissionID: String) async throws -> [String: Int]
    /// For each key, how many different organisations have reported it independently so far (a
    /// report of a value the organisation had already received from the hub does not count).
    func observableReportCounts(_ keys: [String]) async throws -> [String: Int]
    /// For each key, the organisations whose report of it counts (independent reports only).
    func observableReporters(_ keys: [String]) async throws -> [String: [String]]
    /// Marks an observable as released by corroboration; false when it already was.
    func markCorroborated(_ key: String, at: String) async throws -> Bool
    /// Which of `values` (bare values, see `ObservableKey.bareValue`) some submission holds back from
    /// corroboration: marked TLP:RED or AMBER+STRICT, or one of its victim identifiers. One entry per
    /// holding organisation.
    func heldValues(_ values: [String]) async throws -> [HeldValue]
    /// Every held value that is an address range (a victim identifier written as CIDR).
    func heldAddressRanges() async throws -> [HeldValue]
    /// Every organisation's registered identifiers, and its users' e-mail addresses (as `.email`).
    func memberIdentifiers() async throws -> [MemberIdentifier]
    /// Records reports that matched other organisations' held data, with their audit entry, in one transaction.
    func recordProbes(_ hits: [ProbeHit], audit: AuditEvent) async throws
    /// Every probe hit recorded, oldest first.
    func probeHits() async throws -> [ProbeHit]

    // MARK: Audit
    /// Appends events to the audit chain, in order, durably.
    func appendAudit(_ events: [AuditEvent]) async throws
    /// Entries with sequence numbers above `sequence`, in order.
    func auditEntries(after sequence: Int64, limit: Int) async throws -> [AuditEntry]
    /// The key that seals the audit chain, kept outside the database.
    var auditSeal: AuditSeal { get }
    /// The newest entry as recorded outside the database after each append; nil before the first.
    func recordedAuditHead() throws -> AuditHead?

    // MARK: Objects
    /// Appends object versions to a feed and records the submission and its audit entry, in one
    /// durable transaction.
    /// Versions already present (same id and version instant) are not stored again.
    /// `submission.successes` must list the objects one-to-one and in order; the store notes a
    /// duplicate in its entry's message. The results are in the order of `objects`.
    /// `extras` (the kind of hand-over, victim identifiers, samples, observation hours) are stored
    /// in the same transaction, with the submission's id filled in.
    func append(_ objects: [IncomingObject], to feedID: String,
                recording submission: Submission, extras: SubmissionExtras?) async throws -> [AppendResult]
    /// `append`, also answering for each of `extras.observableKeys` how many different organisations
    /// have reported it so far, counted in the same transaction (for k-corroboration).
    func appendCountingReports(_ objects: [IncomingObject], to feedID: String,
                               recording submission: Submission, extras: SubmissionExtras) async throws -> AppendOutcome
    /// `append` (and with `countingReports`, `appendCountingReports`) for objects that arrive while
    /// later ones are still being checked (see `IncomingStream`): one durable transaction all the same.
    /// Throws `CancellationError` and writes nothing when the stream is abandoned.
    func append(_ stream: IncomingStream, to feedID: String, countingReports: Bool) async throws -> AppendOutcome
    /// One page of what `scope` may read (only the policy engine makes scopes, see `ReadScope`).
    /// For a reader, each version's `dateAddedMicroseconds` is its effective date_added for that
    /// reader, and `added_after`, ordering and paging go by it.
    @_spi(ReadGate) func objects(_ query: ObjectQuery, for scope: ReadScope) async throws -> ObjectPage
    /// Deletes the versions of one object the selection names (only those `provider` gave, when
    /// given: originals and their released copies); returns how many were removed.
    func deleteObject(id stixID: String, feedID: String, versions: VersionSelection,
                      provider: String?) async throws -> Int
    func objectCount(feedID: String) async throws -> Int
    func submission(id: String) async throws -> Submission?

    // MARK: Submission details
    func submissionDetail(id: String) async throws -> SubmissionDetail?
    /// The submissions that put the sample with this SHA-256 in the vault.
    func sampleReferences(sha256: String) async throws -> [SampleReference]
    /// Ids of the `observed-data` objects whose hour starts in [from, to), optionally of one source,
    /// in time order: the first `limit` of those `scope` may read.
    @_spi(ReadGate) func observationObjectIDs(feedID: String, fromMicroseconds: Int64, toMicroseconds: Int64,
                                              source: String?, limit: Int, for scope: ReadScope) async throws -> [String]
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
