// SharingPolicy audiences: which audience keys a reader holds, and which keys an object version
// gets when it is stored or released — the TLP 2.0 rules in one place.
import Accounts
import Storage

/// A release scope with names resolved to ids.
public struct ResolvedScope: Sendable, Equatable {
    public var organizationIDs: [String]
    public var groupIDs: [String]
    public var allMembers: Bool
    public var isPublic: Bool

    public init(organizationIDs: [String] = [], groupIDs: [String] = [], allMembers: Bool = false, isPublic: Bool = false) {
        self.organizationIDs = organizationIDs; self.groupIDs = groupIDs
        self.allMembers = allMembers; self.isPublic = isPublic
    }
}

extension PolicyEngine {
    /// The audience keys a principal reads with: hub staff read the originals of every provider;
    /// members read their own originals and what was released to them, their groups, all members, or
    /// the public.
    ///
    /// Objects are read through `reader(for:feed:purpose:ledger:)`, which applies these keys.
    ///
    /// ```swift
    /// let keys = try await policy.readAudiences(for: principal)   // e.g. ["org:…", "all", "public", "group:…"]
    /// ```
    public func readAudiences(for principal: Principal) async throws -> [String] {
        if principal.user.role.isHubStaff { return [Audience.hubStaff] }
        let grants = try await rights(of: principal).grants
        var keys = [Audience.organization(principal.organization.id), Audience.allMembers, Audience.publicOutput]
            + grants.groups.map { Audience.group($0.id) }
        // A recorded client also reads what TLP:AMBER let its patrons share with their clients.
        if !grants.patronIDs.isEmpty {
            keys += grants.patronIDs.map { Audience.clients(of: $0) }
            keys += grants.patronGroupIDs.map { Audience.clients(ofGroup: $0) }
            keys.append(Audience.clientsOfMembers)
        }
        return keys
    }

    /// The audiences of an original as it arrives: held for its provider and hub staff; the hub's own
    /// content (posted by hub staff) goes to every reader of the feed at once.
    public func arrivalAudiences(for provider: Principal) -> [String] {
        var keys = [Audience.organization(provider.organization.id), Audience.hubStaff]
        if provider.user.role.isHubStaff { keys.append(Audience.allMembers) }
        return keys
    }

    /// The audiences of a released copy of an object at `tlp` (nil: the hub's default marking).
    ///
    /// - TLP:RED reaches only organisations named individually, never a group or all members.
    /// - TLP:AMBER+STRICT reaches the organisations, groups and members the release names, and no one else.
    /// - TLP:AMBER reaches them and their recorded clients (delivered, and reported, as clients).
    /// - TLP:GREEN reaches the organisations, groups and members the release names.
    /// - Only TLP:CLEAR reaches public output.
    public func releaseAudiences(_ scope: ResolvedScope, tlp: TLPLevel?) -> [String] {
        let level = tlp ?? defaultTLP
        var keys = scope.organizationIDs.map(Audience.organization)
        guard level != .red else { return keys }
        keys += scope.groupIDs.map(Audience.group)
        if scope.allMembers || (scope.isPublic && level == .clear) { keys.append(Audience.allMembers) }
        if scope.isPublic && level == .clear { keys.append(Audience.publicOutput) }
        if level == .amber {
            keys += scope.organizationIDs.map { Audience.clients(of: $0) }
            keys += scope.groupIDs.map { Audience.clients(ofGroup: $0) }
            if scope.allMembers { keys.append(Audience.clientsOfMembers) }
        }
        return keys
    }
}
