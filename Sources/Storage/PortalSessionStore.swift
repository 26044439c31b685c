// Storage, portal sessions: the web portal's signed-in browsers, kept in the database so that every
// hub instance on one PostgreSQL shares them (issue 13). Only a SHA-256 of each session's token is
// stored, never the token; with it the user, the session's CSRF token and its times.
import Foundation

/// One stored portal session.
public struct PortalSessionRecord: Sendable, Equatable {
    /// SHA-256 (hex) of the cookie's token.
    public var tokenHash: String
    public var userID: String
    /// The session's synchronizer token for forms (not a credential by itself: useless without the cookie).
    public var csrfToken: String
    public var createdAt: Date
    public var lastSeenAt: Date

    public init(tokenHash: String, userID: String, csrfToken: String, createdAt: Date, lastSeenAt: Date) {
        self.tokenHash = tokenHash; self.userID = userID; self.csrfToken = csrfToken
        self.createdAt = createdAt.wholeMilliseconds; self.lastSeenAt = lastSeenAt.wholeMilliseconds
    }
}

/// The portal's sessions.
///
/// ```swift
/// try await store.createPortalSession(record)
/// let session = try await store.portalSession(tokenHash: hash)
/// try await store.deletePortalSessions(userID: user.id)   // sign-out everywhere
/// ```
public protocol PortalSessionStore: Sendable {
    // MARK: Portal sessions
    /// Stores a new session (durable before it returns).
    func createPortalSession(_ session: PortalSessionRecord) async throws
    /// The session with this token hash, or nil.
    func portalSession(tokenHash: String) async throws -> PortalSessionRecord?
    /// Moves a session's last use forward (no-op for an unknown one).
    func touchPortalSession(tokenHash: String, at: Date) async throws
    /// Deletes one session; true when there was one.
    @discardableResult
    func deletePortalSession(tokenHash: String) async throws -> Bool
    /// Deletes every session of a user (sign-out everywhere, a password change); how many there were.
    @discardableResult
    func deletePortalSessions(userID: String) async throws -> Int
    /// Deletes sessions unused since `lastSeenBefore` or made before `createdBefore`; how many.
    @discardableResult
    func deleteExpiredPortalSessions(lastSeenBefore: Date, createdBefore: Date) async throws -> Int
    /// Replaces a user's password hash and records `audit` in the same transaction; false for an
    /// unknown user. Counts as an account change (`accountsGeneration`).
    func setPasswordHash(userID: String, hash: String, audit: AuditEvent) async throws -> Bool
}
