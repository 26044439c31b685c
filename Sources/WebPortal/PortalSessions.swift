// WebPortal sessions: who is signed in to the portal. A session is a random 256-bit token in an
// HttpOnly, SameSite=Strict cookie; the hub keeps only its SHA-256, with the user, the session's CSRF
// token and its times. Idle and absolute expiry; a new token at every sign-in; sign-out deletes it.
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
    public init() {}
}

/// One signed-in browser.
public struct PortalSession: Sendable, Equatable {
    /// SHA-256 (hex) of the cookie's token; the token itself is never kept.
    public let tokenHash: String
    public let userID: String
    /// The synchronizer token every form of this session carries.
    public let csrfToken: String
    public let createdAt: Date
    public var lastSeenAt: Date
}

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
    let table = Mutex<[String: PortalSession]>([:])

    public init(store: any HubStore, rules: PortalSessionRules = PortalSessionRules(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store; self.rules = rules; self.clock = clock
    }

    /// A new session for `userID`: the cookie's token (returned once) and the session.
    public func start(userID: String) async throws -> (token: String, session: PortalSession) {
        let token = Self.randomToken()
        let now = clock()
        let session = PortalSession(tokenHash: Self.hash(token), userID: userID, csrfToken: Self.randomToken(),
                                    createdAt: now, lastSeenAt: now)
        table.withLock { table in
            if table.count > 50_000 { table = table.filter { !self.isExpired($0.value, now: now) } }
            table[session.tokenHash] = session
        }
        return (token, session)
    }

    /// The live session of a cookie's token, its last use moved to now; nil when unknown or expired.
    public func session(token: String) async throws -> PortalSession? {
        let key = Self.hash(token)
        let now = clock()
        return table.withLock { table in
            guard var session = table[key] else { return nil }
            guard !isExpired(session, now: now) else { table[key] = nil; return nil }
            session.lastSeenAt = now
            table[key] = session
            return session
        }
    }

    /// Ends the session of `token` (sign-out).
    public func end(token: String) async throws {
        let key = Self.hash(token)
        _ = table.withLock { $0.removeValue(forKey: key) }
    }

    /// Ends every session of `userID` (sign-out everywhere, a password change).
    public func endAll(userID: String) async throws {
        table.withLock { table in table = table.filter { $0.value.userID != userID } }
    }

    func isExpired(_ session: PortalSession, now: Date) -> Bool {
        now.timeIntervalSince(session.lastSeenAt) > rules.idleTimeout
            || now.timeIntervalSince(session.createdAt) > rules.absoluteTimeout
    }

    /// 256 random bits, base64url without padding (cookie- and form-safe).
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
