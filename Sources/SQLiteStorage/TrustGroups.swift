// SQLiteStorage trust groups, group grants and organisation identifiers.
import Foundation
import GRDB
import Storage

extension SQLiteHubStore {
    public func createGroup(_ group: TrustGroup) async throws -> TrustGroup {
        try await write(duplicate: "group \(group.name)") { db in
            try db.execute(sql: "INSERT INTO trust_group (id, name, created_at) VALUES (?, ?, ?)",
                           arguments: [group.id, group.name, group.createdAt.timeIntervalSince1970])
        }
        return group
    }

    public func group(named name: String) async throws -> TrustGroup? {
        try await measuredRead { db in
            try Row.fetchOne(db, sql: "SELECT * FROM trust_group WHERE name = ?", arguments: [name]).map(Self.group(from:))
        }
    }

    public func groups() async throws -> [TrustGroup] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM trust_group ORDER BY name").map(Self.group(from:))
        }
    }

    public func addMember(organizationID: String, toGroup groupID: String) async throws {
        try await write(duplicate: "membership") { db in
            try db.execute(sql: """
                INSERT INTO trust_group_member (group_id, organization_id, since_us) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING
                """, arguments: [groupID, organizationID, try Self.sinceNow(db)])
        }
    }

    public func members(ofGroup groupID: String) async throws -> [Organization] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: """
                SELECT organization.* FROM trust_group_member JOIN organization ON organization.id = organization_id
                WHERE group_id = ? ORDER BY organization.name
                """, arguments: [groupID]).map(Self.organization(from:))
        }
    }

    public func groups(ofOrganization organizationID: String) async throws -> [TrustGroup] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: """
                SELECT trust_group.* FROM trust_group_member JOIN trust_group ON trust_group.id = group_id
                WHERE organization_id = ? ORDER BY trust_group.name
                """, arguments: [organizationID]).map(Self.group(from:))
        }
    }

    public func setGroupGrant(_ grant: FeedGroupGrant) async throws {
        try await write(duplicate: "grant") { db in
            try db.execute(sql: """
                INSERT INTO feed_group_grant (feed_id, group_id, can_read, can_write, read_since_us) VALUES (?, ?, ?, ?, ?)
                ON CONFLICT (feed_id, group_id) DO UPDATE SET can_read = excluded.can_read, can_write = excluded.can_write,
                  read_since_us = CASE WHEN feed_group_grant.can_read THEN feed_group_grant.read_since_us
                                       ELSE excluded.read_since_us END
                """, arguments: [grant.feedID, grant.groupID, grant.canRead, grant.canWrite, try Self.sinceNow(db)])
        }
    }

    public func groupGrants(feedID: String) async throws -> [FeedGroupGrant] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feed_group_grant WHERE feed_id = ?", arguments: [feedID])
                .map(Self.groupGrant(from:))
        }
    }

    public func groupGrants(groupIDs: [String]) async throws -> [FeedGroupGrant] {
        guard !groupIDs.isEmpty else { return [] }
        return try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT * FROM feed_group_grant WHERE group_id IN (\(Self.placeholders(groupIDs.count)))",
                             arguments: StatementArguments.positional(groupIDs)).map(Self.groupGrant(from:))
        }
    }

    public func addIdentifier(_ identifier: OrganizationIdentifier, organizationID: String) async throws {
        try await write(duplicate: "identifier") { db in
            try db.execute(sql: """
                INSERT INTO organization_identifier (organization_id, kind, value) VALUES (?, ?, ?)
                ON CONFLICT DO NOTHING
                """, arguments: [organizationID, identifier.kind.rawValue, identifier.value])
        }
    }

    public func removeIdentifier(_ identifier: OrganizationIdentifier, organizationID: String) async throws -> Bool {
        let removed = try await measuredWrite { db in
            try db.execute(sql: "DELETE FROM organization_identifier WHERE organization_id = ? AND kind = ? AND value = ?",
                           arguments: [organizationID, identifier.kind.rawValue, identifier.value])
            return db.changesCount > 0
        }
        if removed { generation.add(1, ordering: .releasing) }
        return removed
    }

    public func identifiers(organizationID: String) async throws -> [OrganizationIdentifier] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: "SELECT kind, value FROM organization_identifier WHERE organization_id = ? ORDER BY kind, value",
                             arguments: [organizationID]).compactMap { row in
                OrganizationIdentifier.Kind(rawValue: row["kind"]).map { OrganizationIdentifier(kind: $0, value: row["value"]) }
            }
        }
    }

    static func group(from row: Row) -> TrustGroup {
        TrustGroup(id: row["id"], name: row["name"], createdAt: Date(timeIntervalSince1970: row["created_at"]))
    }

    static func groupGrant(from row: Row) -> FeedGroupGrant {
        FeedGroupGrant(feedID: row["feed_id"], groupID: row["group_id"], canRead: row["can_read"], canWrite: row["can_write"])
    }

    public func readerGrants(organizationID: String) async throws -> ReaderGrants {
        try await measuredRead { db in
            let grantRows = try Row.fetchAll(db, sql: "SELECT * FROM feed_grant WHERE organization_id = ?",
                                             arguments: [organizationID])
            let grants = grantRows.map(Self.grant(from:))
            var feedSince: [String: Int64] = [:]
            func readable(_ feedID: String, since: Int64) {
                feedSince[feedID] = min(feedSince[feedID] ?? .max, since)
            }
            for row in grantRows where row["can_read"] as Bool { readable(row["feed_id"], since: row["read_since_us"]) }
            let groupRows = try Row.fetchAll(db, sql: """
                SELECT trust_group.*, trust_group_member.since_us AS member_since
                FROM trust_group_member JOIN trust_group ON trust_group.id = group_id
                WHERE organization_id = ? ORDER BY trust_group.name
                """, arguments: [organizationID])
            let groups = groupRows.map(Self.group(from:))
            var groupSince: [String: Int64] = [:]
            for row in groupRows { groupSince[row["id"]] = row["member_since"] }
            var groupGrants: [FeedGroupGrant] = []
            if !groups.isEmpty {
                let rows = try Row.fetchAll(db, sql: """
                    SELECT * FROM feed_group_grant WHERE group_id IN (\(Self.placeholders(groups.count)))
                    """, arguments: StatementArguments.positional(groups.map(\.id)))
                groupGrants = rows.map(Self.groupGrant(from:))
                for row in rows where row["can_read"] as Bool {
                    readable(row["feed_id"], since: max(row["read_since_us"] as Int64, groupSince[row["group_id"]] ?? 0))
                }
            }
            let patronRows = try Row.fetchAll(db, sql: """
                SELECT organization_id, since_us FROM organization_client WHERE client_id = ?
                """, arguments: [organizationID])
            let patronIDs: [String] = patronRows.map { $0["organization_id"] }
            var patronSince: [String: Int64] = [:]
            for row in patronRows { patronSince[row["organization_id"]] = row["since_us"] }
            var patronGroupSince: [String: Int64] = [:]
            var patronFeeds: Set<String> = []
            if !patronIDs.isEmpty {
                let marks = Self.placeholders(patronIDs.count)
                // A patron group reaches the client from the later of the link and the patron's membership.
                for row in try Row.fetchAll(db, sql: """
                    SELECT group_id, organization_id, since_us FROM trust_group_member WHERE organization_id IN (\(marks))
                    """, arguments: StatementArguments.positional(patronIDs)) {
                    let since = max(row["since_us"] as Int64, patronSince[row["organization_id"]] ?? 0)
                    patronGroupSince[row["group_id"]] = min(patronGroupSince[row["group_id"]] ?? .max, since)
                }
                for row in try Row.fetchAll(db, sql: """
                    SELECT feed_id, organization_id, read_since_us FROM feed_grant WHERE can_read AND organization_id IN (\(marks))
                    """, arguments: StatementArguments.positional(patronIDs)) {
                    patronFeeds.insert(row["feed_id"])
                    readable(row["feed_id"], since: max(row["read_since_us"] as Int64, patronSince[row["organization_id"]] ?? 0))
                }
                if !patronGroupSince.isEmpty {
                    let groupIDs = Array(patronGroupSince.keys)
                    for row in try Row.fetchAll(db, sql: """
                        SELECT feed_id, group_id, read_since_us FROM feed_group_grant
                        WHERE can_read AND group_id IN (\(Self.placeholders(groupIDs.count)))
                        """, arguments: StatementArguments.positional(groupIDs)) {
                        patronFeeds.insert(row["feed_id"])
                        readable(row["feed_id"], since: max(row["read_since_us"] as Int64, patronGroupSince[row["group_id"]] ?? 0))
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
    }

    public func addClient(_ clientID: String, ofOrganization organizationID: String) async throws {
        try await write(duplicate: "client") { db in
            try db.execute(sql: """
                INSERT INTO organization_client (organization_id, client_id, since_us) VALUES (?, ?, ?) ON CONFLICT DO NOTHING
                """, arguments: [organizationID, clientID, try Self.sinceNow(db)])
        }
    }

    public func clients(ofOrganization organizationID: String) async throws -> [Organization] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: """
                SELECT organization.* FROM organization_client JOIN organization ON organization.id = client_id
                WHERE organization_id = ? ORDER BY organization.name
                """, arguments: [organizationID]).map(Self.organization(from:))
        }
    }

    public func patrons(ofClient clientID: String) async throws -> [Organization] {
        try await measuredRead { db in
            try Row.fetchAll(db, sql: """
                SELECT organization.* FROM organization_client JOIN organization ON organization.id = organization_id
                WHERE client_id = ? ORDER BY organization.name
                """, arguments: [clientID]).map(Self.organization(from:))
        }
    }
}
