// WebPortal sessions: who is signed in to the portal. A session is a random 256-bit token in an
// HttpOnly, SameSite=Strict cookie; the database keeps only its SHA-256 (PortalSessionStore), with
// the user, the session's CSRF token and its times, so that every hub instance on one PostgreSQL
// knows every session (issue 13). Idle and absolute expiry; a new token at every sign-in; sign-out
// deletes it on the server.
import Accounts
import Crypto
import Foundation
import Storage
import Synchronization

/// How long sessions last.
public struct PortalSessionRules: Sendable, Equatable {
    /// A session unused this long is over.
    public var idleTimeout: TimeInterval = 2 * 60 * 60
    /// A session this old is over however busy (analysts sign in again each working day).
    public var absoluteTimeout: TimeInterval = 12 * 60 * 60
    /// A session's last use is written at most this often (a page view is not a write each time).
    public var touchInterval: TimeInterval = 60
    /// Expired sessions are swept at most this often (by the next sign-in after it).
    public var sweepInterval: TimeInterval = 60 * 60
    public init() {}
}

/// One signed-in browser.
public typealias PortalSession = PortalSessionRecord

/// The portal's sessions.
///
/// ```swift
/// let (token, session) = try await sessions.start(userID: user.id)   // token goes in the cookie
/// let same = try await sessions.session(token: token)                // nil once expired or ended
/// try await sessions.end(token: token)
/// ```
public final class PortalSessions: Sendable {
    public let rules: PortalSessionRules
    let store: any HubStore
    let clock: @Sendable () -> Date
    let lastSweep = Mutex(Date.distantPast)

    public init(store: any HubStore, rules: PortalSessionRules = PortalSessionRules(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.rules = rules; self.clock = clock
    }

    /// A new session for `userID`: the cookie's token (returned once, never stored) and the session.
    public func start(userID: String) async throws -> (token: String, session: PortalSession) {
        let token = Self.randomToken()
        let now = clock()
        let session = PortalSession(tokenHash: Self.hash(token), userID: userID, csrfToken: Self.randomToken(),
                                    createdAt: now, lastSeenAt: now)
        try await store.createPortalSession(session)
        try await sweepIfDue(now: now)
        return (token, session)
    }

    /// The live session of a cookie's token, or nil when unknown or expired (an expired one is deleted).
    public func session(token: String) async throws -> PortalSession? {
        guard token.utf8.count == 43 else { return nil }
        let key = Self.hash(token)
        let now = clock()
        guard var session = try await store.portalSession(tokenHash: key) else { return nil }
        guard !isExpired(session, now: now) else {
            try await store.deletePortalSession(tokenHash: key)
            return nil
        }
        if now.timeIntervalSince(session.lastSeenAt) >= rules.touchInterval {
            try await store.touchPortalSession(tokenHash: key, at: now)
            session.lastSeenAt = now
        }
        return session
    }

    /// Ends the session of `token` (sign-out).
    public func end(token: String) async throws {
        try await store.deletePortalSession(tokenHash: Self.hash(token))
    }

    /// Ends every session of `userID` (sign-out everywhere, a password change).
    public func endAll(userID: String) async throws {
        try await store.deletePortalSessions(userID: userID)
    }

    func isExpired(_ session: PortalSession, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeenAt) > rules.idleTimeout
            || now.timeIntervalSince(session.createdAt) > rules.absoluteTimeout
    }

    func sweepIfDue(now: Date) async throws {
        let due = lastSweep.withLock { last in
            guard now.timeIntervalSince(last) >= rules.sweepInterval else { return false }
            last = now
            return true
        }
        guard due else { return }
        try await store.deleteExpiredPortalSessions(lastSeenBefore: now.addingTimeInterval(-rules.idleTimeout),
                                                    createdBefore: now.addingTimeInterval(-rules.absoluteTimeout))
    }

    /// 256 random bits, base64url without padding (43 characters; cookie- and form-safe).
    static func randomToken() -> String {
        let key = SymmetricKey(size: .bits256)
        return key.withUnsafeBytes { Data($0) }.base64EncodedString()
            .replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    static func hash(_ token: String) -> String {
        SHA256.hash(data: Data(token.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// Constant-time comparison of two tokens (the time does not depend on where they differ).
    static func same(_ a: String, _ b: String) -> Bool {
        let x = Array(a.utf8), y = Array(b.utf8)
        guard x.count == y.count, !x.isEmpty else { return false }
        var difference: UInt8 = 0
        for index in x.indices { difference |= x[index] ^ y[index] }
        return difference == 0
    }
}
