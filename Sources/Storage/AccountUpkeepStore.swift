// Storage, account upkeep: what the portal's administration undoes (an organisation leaving a trust
// group, a client record ended) and when each API token was last used (recorded at most once a
// minute per token, in a table of its own so that a use never counts as an account change).
import Foundation

/// Removals of group memberships and client records, and tokens' last use.
///
/// ```swift
/// _ = try await store.removeMember(organizationID: org.id, fromGroup: group.id, audit: event)
/// try await store.recordTokenUse(secretHash: hash, at: Date())
/// try await store.recordTokenUses([TokenUse(secretHash: hash, at: Date())])
/// let lastUse = try await store.tokenLastUses(userID: user.id)[token.id]
/// ```
public protocol AccountUpkeepStore: Sendable {
    /// Removes an organisation from a trust group, with its audit entry, in one transaction; false
    /// (nothing written) when it was not a member.
    func removeMember(organizationID: String, fromGroup groupID: String, audit: AuditEvent) async throws -> Bool
    /// Ends the record of `clientID` as a client of `organizationID`, with its audit entry; false
    /// (nothing written) when there was no such record.
    func removeClient(_ clientID: String, ofOrganization organizationID: String, audit: AuditEvent) async throws -> Bool
    /// Records that the token whose secret hashes to `secretHash` was used `at`. The stored time
    /// moves only when it is a minute or more older than `at` (at most one write a minute per
    /// token, whichever process records); unknown hashes are ignored.
    func recordTokenUse(secretHash: String, at: Date) async throws
    /// `recordTokenUse` for several tokens in one transaction (one commit for many requests' uses;
    /// each under the same once-a-minute rule; unknown hashes ignored; a hash given twice: its
    /// latest time).
    func recordTokenUses(_ uses: [TokenUse]) async throws
    /// When each of a user's tokens was last used (token id → time); tokens never used are absent.
    func tokenLastUses(userID: String) async throws -> [String: Date]
}

/// One use of an API token, by the hash of its secret (never the secret).
public struct TokenUse: Sendable, Hashable {
    public var secretHash: String
    public var at: Date
    public init(secretHash: String, at: Date) { self.secretHash = secretHash; self.at = at }
}

extension [TokenUse] {
    /// One use per hash, the latest.
    public var latestPerToken: [TokenUse] {
        var latest: [String: Date] = [:]
        for use in self where latest[use.secretHash].map({ $0 < use.at }) ?? true { latest[use.secretHash] = use.at }
        return latest.keys.sorted().map { TokenUse(secretHash: $0, at: latest[$0]!) }
    }
}

extension AccountUpkeepStore {
    /// Uses closer together than this are recorded once.
    public static var tokenUseResolution: TimeInterval { 60 }
}
