// SQLiteStorage: the HubStore on one SQLite file (GRDB DatabasePool: WAL, synchronous=FULL;
// checkpoints on their own thread, see WALCheckpoints).
//
// Object versions are appended in one transaction per submission, and read back as one indexed
// range read in `position` order; the stored JSON bytes are served as they were submitted.
import Foundation
import GRDB
import Storage
import Synchronization

/// The hub's store in one SQLite file, `hub.sqlite` in the data directory.
///
/// ```swift
/// let store = try SQLiteHubStore(directory: URL(fileURLWithPath: "./kakehashi-data"))
/// let orgs = try await store.organizations()
/// ```
public final class SQLiteHubStore: HubStore {
    let pool: DatabasePool
    public let path: String
    /// Seals the audit chain; read from a key file outside the database.
    public let auditSeal: AuditSeal
    /// Where the newest audit entry is recorded after each append, outside the database.
    let auditHeads: AuditHeadFile
    let generation = Atomic<UInt64>(0)
    /// Commits through this store that move the change stamp (`localChangeCount`).
    let objectChanges = Atomic<UInt64>(0)
    /// A merge of the observable index's tail is running in this process (one at a time).
    let merging = Atomic<Bool>(false)
    /// For `kakehashi-benchmark --correlation` only: arrivals' index entries go straight to the main
    /// index, as before the tail, so that one run compares both ways of writing them.
    @_spi(Benchmark) public let benchmarkIndexesDirectly = Atomic<Bool>(false)
    /// Copies committed pages from the log into the database file off the commit path.
    let checkpoints: WALCheckpoints
    /// Connections that short reads use on the calling thread (see InlineReaders).
    let inlineReaders: InlineReaders
    /// The connection that reads the stored account generation when no inline reader is idle.
    let generationReader: DatabaseQueue
    /// The stored account generation as last read, reused by requests for 250 ms (issue 16: a poll
    /// answered 304 reads nothing; another process's change is seen within that time).
    // Lifetime zero: the stored count is read by every request. Kept for 250 ms, a token revoked or
    // a user disabled through the CLI went on working for up to that long after the CLI returned
    // (interop test_accounts: "stops at once"); a revocation must not wait on a cache.
    let recentGeneration = RecentAccountsGeneration(lifetime: .zero)

    /// This process's account changes plus the stored count of everyone's (`storedAccountGeneration`);
    /// when that cannot be read, a value never returned before (near the top of the range), so every
    /// cache misses.
    public var accountsGeneration: UInt64 {
        let local = generation.load(ordering: .acquiring)
        guard let stored = storedAccountGeneration() else {
            return UInt64.max &- generation.add(1, ordering: .relaxed).newValue
        }
        return local &+ stored
    }

    public var localChangeCount: UInt64 { objectChanges.load(ordering: .acquiring) }
    func noteObjectChange() { objectChanges.add(1, ordering: .releasing) }

    /// `accountsGeneration` as requests use it: this process's changes at once; the stored count of
    /// everyone's read at most every 250 ms (`RecentAccountsGeneration`), so another process's change
    /// (the CLI beside a server, a second instance) is seen within that time, and within one request
    /// (`RequestAccountsGeneration`: sign-in, the feed directory and the rights caches all ask) the
    /// first reading is kept.
    public func currentAccountsGeneration() async -> UInt64 {
        let request = RequestAccountsGeneration.current
        if let stored = request?.stored { return generation.load(ordering: .acquiring) &+ stored }
        if let stored = recentGeneration.stored {
            request?.record(stored: stored)
            return generation.load(ordering: .acquiring) &+ stored
        }
        let readAt = ContinuousClock.now
        guard let stored = storedAccountGeneration() else {
            return UInt64.max &- generation.add(1, ordering: .relaxed).newValue
        }
        recentGeneration.record(stored: stored, at: readAt)
        request?.record(stored: stored)
        return generation.load(ordering: .acquiring) &+ stored
    }

    /// Opens (creating if needed) `hub.sqlite` in `directory` and brings its schema up to date. The
    /// audit key is `audit.key` (created 0600 when absent) and the recorded head `audit.head`, both
    /// beside the database unless given elsewhere.
    public convenience init(directory: URL, auditKey: URL? = nil, auditHead: URL? = nil) throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        try self.init(path: directory.appendingPathComponent("hub.sqlite").path,
                      auditKey: auditKey ?? directory.appendingPathComponent("audit.key"),
                      auditHead: auditHead ?? directory.appendingPathComponent("audit.head"))
    }

    /// Opens (creating if needed) the SQLite file at `path` and brings its schema up to date.
    public convenience init(path: String, auditKey: URL, auditHead: URL) throws {
        try self.init(path: path, auditKey: auditKey, auditHead: auditHead, checkpoints: nil)
    }

    /// `checkpoints` overrides the WAL sizes (pages) that start a checkpoint on the checkpoint thread
    /// and in the committing connection; tests make them small.
    init(path: String, auditKey: URL, auditHead: URL, checkpoints sizes: (background: Int32, writer: Int32)?) throws {
        do {
            auditSeal = try AuditSeal.loadOrCreate(at: auditKey)
        } catch {
            throw StoreError.unavailable("\(error)")
        }
        auditHeads = AuditHeadFile(url: auditHead)
        let checkpoints = sizes.map { WALCheckpoints(path: path, backgroundPages: $0.background, writerPages: $0.writer) }
            ?? WALCheckpoints(path: path)
        self.checkpoints = checkpoints
        var config = Configuration()
        config.busyMode = .timeout(30)
        config.foreignKeysEnabled = true
        config.prepareDatabase { db in
            // Durable before acknowledged: every commit is synced to disk.
            try db.execute(sql: "PRAGMA synchronous = FULL")
            // A new database gets 16 KiB pages (an existing one keeps its own): a submission's rows
            // fill four times fewer pages, and each page goes to the log in two writes, so a commit
            // makes about a quarter of the system calls; paging reads fewer, fuller pages too.
            try db.execute(sql: "PRAGMA page_size = 16384")
            // Index pages of a growing collection are touched at random (object ids are UUIDs):
            // a 32 MiB page cache per connection keeps them out of read(2).
            try db.execute(sql: "PRAGMA cache_size = -32768")
            // Checkpoints run on their own thread (WALCheckpoints); a commit checkpoints itself
            // only when that thread has fallen far behind. Readers never commit.
            if !db.configuration.readonly { checkpoints.install(on: db) }
        }
        do {
            pool = try DatabasePool(path: path, configuration: config)
            try Schema.migrator.migrate(pool)
            inlineReaders = try InlineReaders(path: path, count: 2, configuration: config)
            var readonly = config
            readonly.readonly = true
            generationReader = try DatabaseQueue(path: path, configuration: readonly)
        } catch {
            throw StoreError.unavailable("\(path): \(error)")
        }
        self.path = path
    }

    // MARK: - Organisations

    public func createOrganization(_ organization: Organization) async throws -> Organization {
        try await write(duplicate: "organization \(organization.name)") { db in
            try db.execute(sql: """
                INSERT INTO organization (id, name, sector, size, country, created_at, tier)
                VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [organization.id, organization.name, organization.sector,
                                 organization.size, organization.country,
                                 organization.createdAt.timeIntervalSince1970, organization.tier.rawValue])
        }
        return organization
    }

    public func organization(id: String) async throws -> Organization? {
        try await measuredRead { db in
            // Prepared once per connection: every token's first sign-in asks (issue 16).
            try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM organization WHERE id = ?"), arguments: [id])
                .map(Self.organization(from:))
        }
    }

    public func organization(named name: String) async throws -> Organization? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM organization WHERE name = ?", arguments: [name])
                .map(Self.organization(from:))
        }
    }

    public func organizations() async throws -> [Organization] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM organization ORDER BY name").map(Self.organization(from:))
        }
    }

    static func organization(from row: Row) -> Organization {
        Organization(id: row["id"], name: row["name"], sector: row["sector"], size: row["size"],
                     country: row["country"],
                     createdAt: Date(timeIntervalSince1970: row["created_at"]),
                     disabledAt: (row["disabled_at"] as Double?).map(Date.init(timeIntervalSince1970:)),
                     tier: (row["tier"] as String?).flatMap(ConsumerTier.init(rawValue:)) ?? .medium)
    }

    // MARK: - Users and tokens

    public func createUser(_ user: User) async throws -> User {
        try await write(duplicate: "user \(user.email)") { db in
            try db.execute(sql: """
                INSERT INTO user (id, organization_id, email, role, password_hash, created_at)
                VALUES (?, ?, ?, ?, ?, ?)
                """, arguments: [user.id, user.organizationID, user.email, user.role.rawValue,
                                 user.passwordHash, user.createdAt.timeIntervalSince1970])
        }
        return user
    }

    public func user(id: String) async throws -> User? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE id = ?", arguments: [id]).flatMap(Self.user(from:))
        }
    }

    public func user(email: String) async throws -> User? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM user WHERE email = ?", arguments: [email.lowercased()])
                .flatMap(Self.user(from:))
        }
    }

    public func users(organizationID: String) async throws -> [User] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM user WHERE organization_id = ? ORDER BY email",
                             arguments: [organizationID]).compactMap(Self.user(from:))
        }
    }

    public func createToken(_ token: APIToken) async throws {
        try await write(duplicate: "token") { db in
            try db.execute(sql: """
                INSERT INTO api_token (id, user_id, secret_hash, label, created_at) VALUES (?, ?, ?, ?, ?)
                """, arguments: [token.id, token.userID, token.secretHash, token.label,
                                 token.createdAt.timeIntervalSince1970])
        }
    }

    public func user(tokenSecretHash secretHash: String) async throws -> User? {
        try await measuredRead { db in
            try Row.fetchOne(db.cachedStatement(sql: """
                SELECT user.* FROM api_token JOIN user ON user.id = api_token.user_id
                WHERE api_token.secret_hash = ? AND api_token.revoked_at IS NULL
                """), arguments: [secretHash]).flatMap(Self.user(from:))
        }
    }

    static func user(from row: Row) -> User? {
        guard let role = Role(rawValue: row["role"]) else { return nil }
        return User(id: row["id"], organizationID: row["organization_id"], email: row["email"], role: role,
                    passwordHash: row["password_hash"],
                    createdAt: Date(timeIntervalSince1970: row["created_at"]),
                    disabledAt: (row["disabled_at"] as Double?).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: - Feeds and rights

    public func createFeed(_ feed: Feed) async throws -> Feed {
        try await write(duplicate: "feed \(feed.name)") { db in
            try db.execute(sql: """
                INSERT INTO feed (id, name, title, description, severity, created_at, decay) VALUES (?, ?, ?, ?, ?, ?, ?)
                """, arguments: [feed.id, feed.name, feed.title, feed.description, feed.severity.rawValue,
                                 feed.createdAt.timeIntervalSince1970, feed.decay?.storedText])
        }
        return feed
    }

    public func feed(id: String) async throws -> Feed? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feed WHERE id = ?", arguments: [id]).map(Self.feed(from:))
        }
    }

    public func feed(named name: String) async throws -> Feed? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM feed WHERE name = ?", arguments: [name]).map(Self.feed(from:))
        }
    }

    public func feeds() async throws -> [Feed] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feed ORDER BY key").map(Self.feed(from:))
        }
    }

    static func feed(from row: Row) -> Feed {
        Feed(id: row["id"], name: row["name"], title: row["title"], description: row["description"],
             severity: FeedSeverity(rawValue: row["severity"]) ?? .normal,
             createdAt: Date(timeIntervalSince1970: row["created_at"]),
             decay: FeedDecay(storedText: row["decay"]))
    }

    public func setGrant(_ grant: FeedGrant) async throws {
        try await write(duplicate: "grant") { db in
            try db.execute(sql: """
                INSERT INTO feed_grant (feed_id, organization_id, can_read, can_write, read_since_us) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (feed_id, organization_id) DO UPDATE
                SET can_read = excluded.can_read, can_write = excluded.can_write,
                    read_since_us = CASE WHEN feed_grant.can_read THEN feed_grant.read_since_us ELSE excluded.read_since_us END
                """, arguments: [grant.feedID, grant.organizationID, grant.canRead, grant.canWrite, try Self.sinceNow(db)])
        }
    }

    public func grants(organizationID: String) async throws -> [FeedGrant] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feed_grant WHERE organization_id = ?",
                             arguments: [organizationID]).map(Self.grant(from:))
        }
    }

    public func grants(feedID: String) async throws -> [FeedGrant] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feed_grant WHERE feed_id = ?",
                             arguments: [feedID]).map(Self.grant(from:))
        }
    }

    static func grant(from row: Row) -> FeedGrant {
        FeedGrant(feedID: row["feed_id"], organizationID: row["organization_id"],
                  canRead: row["can_read"], canWrite: row["can_write"])
    }

    // MARK: - Submissions

    public func submission(id: String) async throws -> Submission? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM submission WHERE id = ?", arguments: [id]).map(Self.submission(from:))
        }
    }

    struct SubmissionOutcome: Codable {
        var successes: [ObjectOutcome]
        var failures: [ObjectOutcome]
        var pendings: [ObjectOutcome]
    }

    // MARK: - Helpers

    /// The instant a way of reading made now takes effect: after every version stored so far, so
    /// that each of those is dated, for the reader it reaches, after anything it could read before.
    static func sinceNow(_ db: Database) throws -> Int64 {
        let now = Int64(Date().timeIntervalSince1970 * 1_000_000)
        let newest = try Int64.fetchOne(db.cachedStatement(
            sql: "SELECT date_added_us FROM object_version ORDER BY position DESC LIMIT 1")) ?? 0
        return max(now, newest + 1)
    }

    /// Runs a write, mapping a uniqueness violation to `StoreError.duplicate`.
    func write(duplicate what: String, _ body: @escaping @Sendable (Database) throws -> Void) async throws {
        do {
            try await measuredWrite(body)
            generation.add(1, ordering: .releasing)
        } catch let error as DatabaseError where error.resultCode == .SQLITE_CONSTRAINT {
            if error.extendedResultCode == .SQLITE_CONSTRAINT_UNIQUE
                || error.extendedResultCode == .SQLITE_CONSTRAINT_PRIMARYKEY {
                throw StoreError.duplicate(what)
            }
            throw StoreError.notFound("a record that \(what) refers to")
        }
    }
}
