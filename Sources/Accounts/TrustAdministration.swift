// Accounts trust administration: trust groups and their members, feed rights of organisations and
// groups, and client records — the rules of `kakehashi admin group|grant|org client` and of the
// portal's administration pages, in one place. Only the operator and hub admins may change them;
// removals are written with their audit entries in one transaction.
import Foundation
import Storage

extension AccountAdministration {
    /// Adds a trust group with its first members (organisation names); nothing is stored when a
    /// name is unknown or the group exists.
    ///
    /// ```swift
    /// let sig = try await admin.addGroup(name: "電力SIG", members: ["電力A社"], by: .hubOperator)
    /// ```
    @discardableResult
    public func addGroup(name: String, members: [String] = [], by asker: AccountActor) async throws -> TrustGroup {
        try asker.requireHubAdmin("change trust groups")
        let name = name.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !name.isEmpty else { throw AccountError("the group name is empty") }
        guard name.count <= 200 else { throw AccountError("the group name is longer than 200 characters") }
        var organizations: [Organization] = []
        for member in members { organizations.append(try await organization(named: member)) }
        let group: TrustGroup
        do { group = try await store.createGroup(TrustGroup(name: name)) } catch StoreError.duplicate {
            throw AccountError("a group named \(name) already exists")
        }
        try await store.appendAudit([asker.audit("group-added", subject: group.id, details: ["name": name])])
        for organization in organizations {
            try await store.addMember(organizationID: organization.id, toGroup: group.id)
        }
        return group
    }

    /// Adds an organisation to a trust group; false (nothing changed) when it already was a member.
    @discardableResult
    public func addMember(organization organizationName: String, toGroup groupName: String,
                          by asker: AccountActor) async throws -> Bool {
        try asker.requireHubAdmin("change trust groups")
        let group = try await group(named: groupName), member = try await organization(named: organizationName)
        guard try await !store.members(ofGroup: group.id).contains(where: { $0.id == member.id }) else { return false }
        try await store.addMember(organizationID: member.id, toGroup: group.id)
        try await store.appendAudit([asker.audit("group-member-added", subject: group.id,
                                                 details: ["organization": member.id])])
        return true
    }

    /// Removes an organisation from a trust group: from the next request on it reads nothing more
    /// through the group (what it was given stays given).
    public func removeMember(organization organizationName: String, fromGroup groupName: String,
                             by asker: AccountActor) async throws {
        try asker.requireHubAdmin("change trust groups")
        let group = try await group(named: groupName), member = try await organization(named: organizationName)
        guard try await store.removeMember(organizationID: member.id, fromGroup: group.id,
                                           audit: asker.audit("group-member-removed", subject: group.id,
                                                              details: ["organization": member.id])) else {
            throw AccountError("\(member.name) is not a member of \(group.name)")
        }
    }

    /// Sets (replaces) the rights of one organisation or one trust group (exactly one of the two
    /// names) on a feed; no rights at all revokes them.
    ///
    /// ```swift
    /// try await admin.setFeedRights(feed: "C2", group: "電力SIG", read: true, write: false, by: .hubOperator)
    /// ```
    public func setFeedRights(feed feedName: String, organization organizationName: String? = nil,
                              group groupName: String? = nil, read: Bool, write: Bool,
                              by asker: AccountActor) async throws {
        try asker.requireHubAdmin("change feed rights")
        guard (organizationName == nil) != (groupName == nil) else {
            throw AccountError("name exactly one organisation or one trust group")
        }
        guard let feed = try await store.feed(named: feedName) else {
            throw AccountError("no feed named \(feedName)", kind: .notFound)
        }
        let rights = ["read": read ? "yes" : "no", "write": write ? "yes" : "no", "feed": feed.id]
        if let organizationName {
            let organization = try await organization(named: organizationName)
            try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: organization.id, canRead: read, canWrite: write))
            try await store.appendAudit([asker.audit("feed-rights-set", subject: organization.id, details: rights)])
        } else if let groupName {
            let group = try await group(named: groupName)
            try await store.setGroupGrant(FeedGroupGrant(feedID: feed.id, groupID: group.id, canRead: read, canWrite: write))
            try await store.appendAudit([asker.audit("feed-rights-set", subject: group.id, details: rights)])
        }
    }

    /// Records `client` as a client of `organization` (TLP:AMBER released to the one also reaches
    /// its clients).
    /// False (nothing changed) when it already was.
    @discardableResult
    public func addClient(_ clientName: String, of organizationName: String, by asker: AccountActor) async throws -> Bool {
        try asker.requireHubAdmin("change client records")
        let patron = try await organization(named: organizationName), client = try await organization(named: clientName)
        guard patron.id != client.id else { throw AccountError("an organisation cannot be its own client") }
        guard try await !store.clients(ofOrganization: patron.id).contains(where: { $0.id == client.id }) else { return false }
        try await store.addClient(client.id, ofOrganization: patron.id)
        try await store.appendAudit([asker.audit("client-added", subject: patron.id, details: ["client": client.id])])
        return true
    }

    /// Ends the record of `client` as a client of `organization`: from the next request on, what
    /// reaches `organization` no longer reaches `client` through it.
    public func removeClient(_ clientName: String, of organizationName: String, by asker: AccountActor) async throws {
        try asker.requireHubAdmin("change client records")
        let patron = try await organization(named: organizationName), client = try await organization(named: clientName)
        guard try await store.removeClient(client.id, ofOrganization: patron.id,
                                           audit: asker.audit("client-removed", subject: patron.id,
                                                              details: ["client": client.id])) else {
            throw AccountError("\(client.name) is not a client of \(patron.name)")
        }
    }

    func organization(named name: String) async throws -> Organization {
        guard let organization = try await store.organization(named: name) else {
            throw AccountError("no organization named \(name)", kind: .notFound)
        }
        return organization
    }

    func group(named name: String) async throws -> TrustGroup {
        guard let group = try await store.group(named: name) else {
            throw AccountError("no group named \(name)", kind: .notFound)
        }
        return group
    }
}

extension AccountActor {
    /// Throws unless the actor is the operator or a hub admin.
    func requireHubAdmin(_ change: String) throws {
        guard case .principal(let principal) = self else { return }
        guard principal.user.role == .hubAdmin else {
            throw AccountError("only a hub admin may \(change)", kind: .forbidden)
        }
    }
}
