// PostgresStorage accounts: organisations, users, tokens, feeds and grants, trust groups, clients
// and identifiers (AccountStore), as SQLiteStorage keeps them (SQLiteHubStore, AccountStatus,
// TrustGroups). Names and e-mail addresses are unique and found case-insensitively.
import Foundation
import PostgresNIO
import Storage

extension PostgresHubStore {
    // MARK: - Organisations

    public func createOrganization(_ organization: Organization) async throws -> Organization {
        try await accountWrite(duplicate: "organization \(organization.name)") { c in
            try await c.query("""
                INSERT INTO organization (id, name, sector, size, country, created_at, tier)
                VALUES (\(organization.id), \(organization.name), \(organization.sector), \(organization.size),
                        \(organization.country), \(organization.createdAt.timeIntervalSince1970), \(organization.tier.rawValue))
                """, logger: self.logger)
        }
        return organization
    }

    public func organization(id: String) async throws -> Organization? {
        try await rows("SELECT * FROM organization WHERE id = \(id)").first.map(Self.organization(from:))
    }

    public func organization(named name: String) async throws -> Organization? {
        try await rows("SELECT * FROM organization WHERE lower(name) = lower(\(name))").first.map(Self.organization(from:))
    }

    public func organizations() async throws -> [Organization] {
        try await rows("SELECT * FROM organization ORDER BY lower(name) COLLATE \"C\", name COLLATE \"C\"")
            .map(Self.organization(from:))
    }

    static func organization(from row: PostgresRandomAccessRow) throws -> Organization {
        Organization(id: try row.get("id"), name: try row.get("name"), sector: try row.get("sector"),
                     size: try row.get("size"), country: try row.get("country"),
                     createdAt: Date(timeIntervalSince1970: try row.get("created_at")),
                     disabledAt: try row.get("disabled_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)),
                     tier: try row.get("tier", as: String?.self).flatMap(ConsumerTier.init(rawValue:)) ?? .medium)
    }

    // MARK: - Users and tokens

    public func createUser(_ user: User) async throws -> User {
        try await accountWrite(duplicate: "user \(user.email)") { c in
            try await c.query("""
                INSERT INTO hub_user (id, organization_id, email, role, password_hash, created_at)
                VALUES (\(user.id), \(user.organizationID), \(user.email), \(user.role.rawValue), \(user.passwordHash),
                        \(user.createdAt.timeIntervalSince1970))
                """, logger: self.logger)
        }
        return user
    }

    public func user(id: String) async throws -> User? {
        try await rows("SELECT * FROM hub_user WHERE id = \(id)").first.flatMap(Self.user(from:))
    }

    public func user(email: String) async throws -> User? {
        try await rows("SELECT * FROM hub_user WHERE lower(email) = lower(\(email))").first.flatMap(Self.user(from:))
    }

    public func users(organizationID: String) async throws -> [User] {
        try await rows("""
            SELECT * FROM hub_user WHERE organization_id = \(organizationID) ORDER BY lower(email) COLLATE "C", email COLLATE "C"
            """).compactMap(Self.user(from:))
    }

    public func createToken(_ token: APIToken) async throws {
        try await accountWrite(duplicate: "token") { c in
            try await c.query("""
                INSERT INTO api_token (id, user_id, secret_hash, label, created_at)
                VALUES (\(token.id), \(token.userID), \(token.secretHash), \(token.label), \(token.createdAt.timeIntervalSince1970))
                """, logger: self.logger)
        }
    }

    public func user(tokenSecretHash secretHash: String) async throws -> User? {
        try await rows("""
            SELECT hub_user.* FROM api_token JOIN hub_user ON hub_user.id = api_token.user_id
            WHERE api_token.secret_hash = \(secretHash) AND api_token.revoked_at IS NULL
            """).first.flatMap(Self.user(from:))
    }

    public func token(id: String) async throws -> APIToken? {
        try await rows("SELECT * FROM api_token WHERE id = \(id)").first.map(Self.token(from:))
    }

    public func tokens(userID: String) async throws -> [APIToken] {
        try await rows("SELECT * FROM api_token WHERE user_id = \(userID) ORDER BY created_at, id COLLATE \"C\"")
            .map(Self.token(from:))
    }

    public func revokeToken(id: String, at: Date, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                UPDATE api_token SET revoked_at = \(at.timeIntervalSince1970) WHERE id = \(id) AND revoked_at IS NULL RETURNING id
                """, logger: self.logger))
        }
    }

    public func setUserDisabled(id: String, at: Date?, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                UPDATE hub_user SET disabled_at = \(at?.timeIntervalSince1970) WHERE id = \(id) RETURNING id
                """, logger: self.logger))
        }
    }

    public func removeUser(id: String, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await c.query("DELETE FROM api_token WHERE user_id = \(id)", logger: self.logger)
            return try await Self.changed(c.query("DELETE FROM hub_user WHERE id = \(id) RETURNING id", logger: self.logger))
        }
    }

    public func setOrganizationDisabled(id: String, at: Date?, audit: AuditEvent) async throws -> Bool {
        try await changeAccount(audit: audit) { c in
            try await Self.changed(c.query("""
                UPDATE organization SET disabled_at = \(at?.timeIntervalSince1970) WHERE id = \(id) RETURNING id
                """, logger: self.logger))
        }
    }

    static func user(from row: PostgresRandomAccessRow) throws -> User? {
        guard let role = Role(rawValue: try row.get("role")) else { return nil }
        return User(id: try row.get("id"), organizationID: try row.get("organization_id"), email: try row.get("email"),
                    role: role, passwordHash: try row.get("password_hash"),
                    createdAt: Date(timeIntervalSince1970: try row.get("created_at")),
                    disabledAt: try row.get("disabled_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
    }

    static func token(from row: PostgresRandomAccessRow) throws -> APIToken {
        APIToken(id: try row.get("id"), userID: try row.get("user_id"), secretHash: try row.get("secret_hash"),
                 label: try row.get("label"), createdAt: Date(timeIntervalSince1970: try row.get("created_at")),
                 revokedAt: try row.get("revoked_at", as: Double?.self).map(Date.init(timeIntervalSince1970:)))
    }

    // MARK: - Feeds and rights

    public func createFeed(_ feed: Feed) async throws -> Feed {
        try await accountWrite(duplicate: "feed \(feed.name)") { c in
            try await c.query("""
                INSERT INTO feed (id, name, title, description, severity, created_at, decay)
                VALUES (\(feed.id), \(feed.name), \(feed.title), \(feed.description), \(feed.severity.rawValue),
                        \(feed.createdAt.timeIntervalSince1970), \(feed.decay?.storedText))
                """, logger: self.logger)
        }
        return feed
    }

    public func feed(id: String) async throws -> Feed? {
        try await rows("SELECT * FROM feed WHERE id = \(id)").first.map(Self.feed(from:))
    }

    public func feed(named name: String) async throws -> Feed? {
        try await rows("SELECT * FROM feed WHERE lower(name) = lower(\(name))").first.map(Self.feed(from:))
    }

    public func feeds() async throws -> [Feed] {
        try await rows("SELECT * FROM feed ORDER BY key").map(Self.feed(from:))
    }

    static func feed(from row: PostgresRandomAccessRow) throws -> Feed {
        Feed(id: try row.get("id"), name: try row.get("name"), title: try row.get("title"),
             description: try row.get("description"),
             severity: FeedSeverity(rawValue: try row.get("severity")) ?? .normal,
             createdAt: Date(timeIntervalSince1970: try row.get("created_at")),
             decay: FeedDecay(storedText: try row.get("decay", as: String?.self)))
    }

    public func setGrant(_ grant: FeedGrant) async throws {
        try await accountWrite(duplicate: "grant") { c in
            let since = try await Self.sinceNow(c, logger: self.logger)
            try await c.query("""
                INSERT INTO feed_grant (feed_id, organization_id, can_read, can_write, read_since_us)
                VALUES (\(grant.feedID), \(grant.organizationID), \(grant.canRead), \(grant.canWrite), \(since))
                ON CONFLICT (feed_id, organization_id) DO UPDATE
                SET can_read = excluded.can_read, can_write = excluded.can_write,
                    read_since_us = CASE WHEN feed_grant.can_read THEN feed_grant.read_since_us ELSE excluded.read_since_us END
                """, logger: self.logger)
        }
    }

    public func grants(organizationID: String) async throws -> [FeedGrant] {
        try await rows("SELECT * FROM feed_grant WHERE organization_id = \(organizationID)").map(Self.grant(from:))
    }

    public func grants(feedID: String) async throws -> [FeedGrant] {
        try await rows("SELECT * FROM feed_grant WHERE feed_id = \(feedID)").map(Self.grant(from:))
    }

    static func grant(from row: PostgresRandomAccessRow) throws -> FeedGrant {
        FeedGrant(feedID: try row.get("feed_id"), organizationID: try row.get("organization_id"),
                  canRead: try row.get("can_read"), canWrite: try row.get("can_write"))
    }

    // MARK: - Trust groups and identifiers

    public func createGroup(_ group: TrustGroup) async throws -> TrustGroup {
        try await accountWrite(duplicate: "group \(group.name)") { c in
            try await c.query("""
                INSERT INTO trust_group (id, name, created_at) VALUES (\(group.id), \(group.name), \(group.createdAt.timeIntervalSince1970))
                """, logger: self.logger)
        }
        return group
    }

    public func group(named name: String) async throws -> TrustGroup? {
        try await rows("SELECT * FROM trust_group WHERE lower(name) = lower(\(name))").first.map(Self.group(from:))
    }

    public func groups() async throws -> [TrustGroup] {
        try await rows("SELECT * FROM trust_group ORDER BY lower(name) COLLATE \"C\", name COLLATE \"C\"").map(Self.group(from:))
    }

    public func addMember(organizationID: String, toGroup groupID: String) async throws {
        try await accountWrite(duplicate: "membership") { c in
            let since = try await Self.sinceNow(c, logger: self.logger)
            try await c.query("""
                INSERT INTO trust_group_member (group_id, organization_id, since_us) VALUES (\(groupID), \(organizationID), \(since))
                ON CONFLICT DO NOTHING
                """, logger: self.logger)
        }
    }

    public func members(ofGroup groupID: String) async throws -> [Organization] {
        try await rows("""
            SELECT organization.* FROM trust_group_member JOIN organization ON organization.id = organization_id
            WHERE group_id = \(groupID) ORDER BY lower(organization.name) COLLATE "C", organization.name COLLATE "C"
            """).map(Self.organization(from:))
    }

    public func groups(ofOrganization organizationID: String) async throws -> [TrustGroup] {
        try await rows("""
            SELECT trust_group.* FROM trust_group_member JOIN trust_group ON trust_group.id = group_id
            WHERE organization_id = \(organizationID) ORDER BY lower(trust_group.name) COLLATE "C", trust_group.name COLLATE "C"
            """).map(Self.group(from:))
    }

    public func setGroupGrant(_ grant: FeedGroupGrant) async throws {
        try await accountWrite(duplicate: "grant") { c in
            let since = try await Self.sinceNow(c, logger: self.logger)
            try await c.query("""
                INSERT INTO feed_group_grant (feed_id, group_id, can_read, can_write, read_since_us)
                VALUES (\(grant.feedID), \(grant.groupID), \(grant.canRead), \(grant.canWrite), \(since))
                ON CONFLICT (feed_id, group_id) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write,
                  read_since_us = CASE WHEN feed_group_grant.can_read THEN feed_group_grant.read_since_us
                                       ELSE excluded.read_since_us END
                """, logger: self.logger)
        }
    }

    public func groupGrants(feedID: String) async throws -> [FeedGroupGrant] {
        try await rows("SELECT * FROM feed_group_grant WHERE feed_id = \(feedID)").map(Self.groupGrant(from:))
    }

    public func groupGrants(groupIDs: [String]) async throws -> [FeedGroupGrant] {
        guard !groupIDs.isEmpty else { return [] }
        return try await rows("SELECT * FROM feed_group_grant WHERE group_id = ANY(\(groupIDs))").map(Self.groupGrant(from:))
    }

    public func addIdentifier(_ identifier: OrganizationIdentifier, organizationID: String) async throws {
        try await accountWrite(duplicate: "identifier") { c in
            try await c.query("""
                INSERT INTO organization_identifier (organization_id, kind, value)
                VALUES (\(organizationID), \(identifier.kind.rawValue), \(identifier.value)) ON CONFLICT DO NOTHING
                """, logger: self.logger)
        }
    }

    public func removeIdentifier(_ identifier: OrganizationIdentifier, organizationID: String) async throws -> Bool {
        let removed = try await transaction { c in
            try await Self.changed(c.query("""
                DELETE FROM organization_identifier
                WHERE organization_id = \(organizationID) AND kind = \(identifier.kind.rawValue) AND value = \(identifier.value)
                RETURNING value
                """, logger: self.logger))
        }
        if removed { accountChanged() }
        return removed
    }

    public func identifiers(organizationID: String) async throws -> [OrganizationIdentifier] {
        try await rows("""
            SELECT kind, value FROM organization_identifier WHERE organization_id = \(organizationID)
            ORDER BY kind COLLATE "C", value COLLATE "C"
            """).compactMap { row in
            try OrganizationIdentifier.Kind(rawValue: try row.get("kind")).map { OrganizationIdentifier(kind: $0, value: try row.get("value")) }
        }
    }

    static func group(from row: PostgresRandomAccessRow) throws -> TrustGroup {
        TrustGroup(id: try row.get("id"), name: try row.get("name"), createdAt: Date(timeIntervalSince1970: try row.get("created_at")))
    }

    static func groupGrant(from row: PostgresRandomAccessRow) throws -> FeedGroupGrant {
        FeedGroupGrant(feedID: try row.get("feed_id"), groupID: try row.get("group_id"),
                       canRead: try row.get("can_read"), canWrite: try row.get("can_write"))
    }

    // MARK: - Clients

    public func addClient(_ clientID: String, ofOrganization organizationID: String) async throws {
        try await accountWrite(duplicate: "client") { c in
            let since = try await Self.sinceNow(c, logger: self.logger)
            try await c.query("""
                INSERT INTO organization_client (organization_id, client_id, since_us) VALUES (\(organizationID), \(clientID), \(since))
                ON CONFLICT DO NOTHING
                """, logger: self.logger)
        }
    }

    public func clients(ofOrganization organizationID: String) async throws -> [Organization] {
        try await rows("""
            SELECT organization.* FROM organization_client JOIN organization ON organization.id = client_id
            WHERE organization_id = \(organizationID) ORDER BY lower(organization.name) COLLATE "C", organization.name COLLATE "C"
            """).map(Self.organization(from:))
    }

    public func patrons(ofClient clientID: String) async throws -> [Organization] {
        try await rows("""
            SELECT organization.* FROM organization_client JOIN organization ON organization.id = organization_id
            WHERE client_id = \(clientID) ORDER BY lower(organization.name) COLLATE "C", organization.name COLLATE "C"
            """).map(Self.organization(from:))
    }

    // MARK: - Reader grants

    public func readerGrants(organizationID: String) async throws -> ReaderGrants {
        let grantRows = try await rows("SELECT * FROM feed_grant WHERE organization_id = \(organizationID)")
        let grants = try grantRows.map(Self.grant(from:))
        var feedSince: [String: Int64] = [:]
        func readable(_ feedID: String, since: Int64) {
            feedSince[feedID] = min(feedSince[feedID] ?? .max, since)
        }
        for row in grantRows where try row.get("can_read", as: Bool.self) {
            readable(try row.get("feed_id"), since: try row.get("read_since_us"))
        }
        let groupRows = try await rows("""
            SELECT trust_group.*, trust_group_member.since_us AS member_since
            FROM trust_group_member JOIN trust_group ON trust_group.id = group_id
            WHERE organization_id = \(organizationID) ORDER BY lower(trust_group.name) COLLATE "C", trust_group.name COLLATE "C"
            """)
        let groups = try groupRows.map(Self.group(from:))
        var groupSince: [String: Int64] = [:]
        for row in groupRows { groupSince[try row.get("id")] = try row.get("member_since") }
        var groupGrants: [FeedGroupGrant] = []
        if !groups.isEmpty {
            let rows = try await rows("SELECT * FROM feed_group_grant WHERE group_id = ANY(\(groups.map(\.id)))")
            groupGrants = try rows.map(Self.groupGrant(from:))
            for row in rows where try row.get("can_read", as: Bool.self) {
                readable(try row.get("feed_id"),
                         since: max(try row.get("read_since_us", as: Int64.self), groupSince[try row.get("group_id")] ?? 0))
            }
        }
        let patronRows = try await rows("SELECT organization_id, since_us FROM organization_client WHERE client_id = \(organizationID)")
        let patronIDs: [String] = try patronRows.map { try $0.get("organization_id") }
        var patronSince: [String: Int64] = [:]
        for row in patronRows { patronSince[try row.get("organization_id")] = try row.get("since_us") }
        var patronGroupSince: [String: Int64] = [:]
        var patronFeeds: Set<String> = []
        if !patronIDs.isEmpty {
            // A patron group reaches the client from the later of the link and the patron's membership.
            for row in try await rows("""
                SELECT group_id, organization_id, since_us FROM trust_group_member WHERE organization_id = ANY(\(patronIDs))
                """) {
                let group: String = try row.get("group_id")
                let since = max(try row.get("since_us", as: Int64.self), patronSince[try row.get("organization_id")] ?? 0)
                patronGroupSince[group] = min(patronGroupSince[group] ?? .max, since)
            }
            for row in try await rows("""
                SELECT feed_id, organization_id, read_since_us FROM feed_grant WHERE can_read AND organization_id = ANY(\(patronIDs))
                """) {
                patronFeeds.insert(try row.get("feed_id"))
                readable(try row.get("feed_id"),
                         since: max(try row.get("read_since_us", as: Int64.self), patronSince[try row.get("organization_id")] ?? 0))
            }
            if !patronGroupSince.isEmpty {
                for row in try await rows("""
                    SELECT feed_id, group_id, read_since_us FROM feed_group_grant
                    WHERE can_read AND group_id = ANY(\(Array(patronGroupSince.keys)))
                    """) {
                    patronFeeds.insert(try row.get("feed_id"))
                    readable(try row.get("feed_id"),
                             since: max(try row.get("read_since_us", as: Int64.self), patronGroupSince[try row.get("group_id")] ?? 0))
                }
            }
        }
        var reader = ReaderGrants(grants: grants, groups: groups, groupGrants: groupGrants, patronIDs: patronIDs,
                                  patronGroupIDs: patronGroupSince.keys.sorted(), patronReadableFeedIDs: patronFeeds.sorted())
        reader.groupSince = groupSince
        reader.patronSince = patronSince
        reader.patronGroupSince = patronGroupSince
        reader.feedReadSince = feedSince
        return reader
    }

    // MARK: - Writing accounts

    /// A write to accounts in one transaction; this store's caches see it at once.
    func accountWrite(duplicate what: String, _ body: @Sendable (PostgresConnection) async throws -> Void) async throws {
        try await transaction(duplicate: what, body)
        accountChanged()
    }

    /// Runs `change` and, when it changed a row, appends `audit` in the same transaction; true when
    /// it did. Nothing is written otherwise.
    func changeAccount(audit: AuditEvent, _ change: @Sendable (PostgresConnection) async throws -> Bool) async throws -> Bool {
        let appended: AuditHead? = try await transaction { c in
            guard try await change(c) else { return nil }
            return try await self.appendAudit([audit], on: c)
        }
        guard let appended else { return false }
        auditHeads.record(appended)
        accountChanged()
        return true
    }

    /// Whether a `… RETURNING` statement returned a row.
    static func changed(_ rows: PostgresRowSequence) async throws -> Bool {
        try await !rows.collect().isEmpty
    }
}
