// Accounts sign-in: turns presented credentials (HTTP Basic or Bearer) into the hub user they belong to.
import Crypto
import Foundation
import Storage
import Synchronization

/// Who is calling: the user and their organisation, as the policy engine needs them.
public struct Principal: Sendable, Equatable {
    public let user: User
    public let organization: Organization
    public init(user: User, organization: Organization) { self.user = user; self.organization = organization }
}

/// Checks credentials against the store.
///
/// Basic accepts `email:password` or `email:token` (clients that only speak Basic can use a token);
/// Bearer accepts a token. Successful bcrypt checks are remembered for a few minutes, keyed by a
/// SHA-256 of the credentials (never the password itself), so that a client sending Basic on every
/// request does not pay bcrypt each time; a proof stands only while the user's stored password hash
/// is the one it was made against (a password changed through any instance ends it). The cache is
/// only an accelerator: any instance without it answers the same. Likewise a token's principal is
/// reused (keyed by the SHA-256 of the token, never the token) for `principalLifetime` (a minute by
/// default) while the account generation stays the one it was read under: `HubStore.accountsGeneration`
/// counts changes by every process and is read once per request, so a token revoked or a user
/// disabled through this instance, another one or the CLI stops on the next request.
///
/// A token's use is recorded for the account page at most once a minute per token; the uses of
/// concurrent requests are written together in one transaction (`TokenUseBatch`), so a crowd of
/// consumers polling at once costs one commit, not one each.
///
/// A disabled user, a user of a disabled organisation and a revoked token are not accepted. Password
/// checks go through `throttle` (failures per account and per address, with back-off; refused ones
/// throw `SignInRefused`) and run bcrypt on `bcrypt`'s threads, never on the threads serving requests.
///
/// ```swift
/// let authenticator = Authenticator(store: store)
/// if let principal = try await authenticator.principal(basicUser: "a@example.jp", password: "…",
///                                                      address: "192.0.2.7") { … }
/// ```
public final class Authenticator: Sendable {
    let store: any HubStore
    let cacheLifetime: TimeInterval
    let principalLifetime: TimeInterval
    let verified = Mutex<[String: (userID: String, passwordHash: String?, expires: Date)]>([:])
    let tokenPrincipals = Mutex<[String: (principal: Principal, generation: UInt64, expires: Date)]>([:])
    /// When this process last recorded each token's use (by secret hash).
    let tokenUses = Mutex<[String: Date]>([:])
    /// The uses being written (one transaction for those of concurrent requests).
    let tokenUseBatch: TokenUseBatch
    /// The cost of the hub's password hashes, and so of the decoy checked for unknown accounts.
    public let bcryptCost: UInt8
    let decoy = Mutex<String?>(nil)
    /// Failed password sign-ins per account and per address.
    public let throttle: SignInThrottle
    /// Where bcrypt runs.
    public let bcrypt: BcryptPool
    /// The time, for the throttle (tests pass their own clock).
    let clock: @Sendable () -> Date

    /// `bcryptCost` must be the cost passwords are hashed with (`AccountAdministration.bcryptCost`),
    /// so that signing in as nobody takes as long as signing in as somebody.
    public init(store: any HubStore, cacheLifetime: TimeInterval = 300, principalLifetime: TimeInterval = 60,
                bcryptCost: UInt8 = Credentials.defaultBcryptCost, throttle: SignInThrottle = SignInThrottle(),
                bcrypt: BcryptPool = .shared, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.store = store
        self.bcryptCost = bcryptCost
        self.cacheLifetime = cacheLifetime
        self.principalLifetime = principalLifetime
        self.throttle = throttle
        self.bcrypt = bcrypt
        self.clock = clock
        self.tokenUseBatch = TokenUseBatch(store: store)
    }

    /// The principal for a Bearer token, or nil when the token is unknown.
    public func principal(bearerToken token: String) async throws -> Principal? {
        let secretHash = Credentials.hashTokenSecret(token)
        let generation = await store.currentAccountsGeneration()
        let now = Date()
        if principalLifetime > 0, let hit = tokenPrincipals.withLock({ $0[secretHash] }),
           hit.generation == generation, hit.expires > now {
            await noteTokenUse(secretHash, at: now)
            return hit.principal
        }
        guard let user = try await store.user(tokenSecretHash: secretHash),
              let principal = try await principal(for: user) else { return nil }
        await noteTokenUse(secretHash, at: now)
        if principalLifetime > 0 {
            tokenPrincipals.withLock { cache in
                if cache.count > 200_000 { cache = cache.filter { $0.value.generation == generation && $0.value.expires > now } }
                if cache.count > 200_000 { cache.removeAll() }
                cache[secretHash] = (principal, generation, now.addingTimeInterval(principalLifetime))
            }
        }
        return principal
    }

    /// Records a token's use in the store (the account page's "last used") at most once a minute
    /// per token from this process; the store itself keeps one write a minute across processes. A
    /// failed write loses only this stamp, never the request.
    func noteTokenUse(_ secretHash: String, at now: Date) async {
        let due = tokenUses.withLock { recorded -> Bool in
            if let last = recorded[secretHash], now.timeIntervalSince(last) < 60 { return false }
            if recorded.count > 200_000 { recorded = recorded.filter { now.timeIntervalSince($0.value) < 60 } }
            if recorded.count > 200_000 { recorded.removeAll() }
            recorded[secretHash] = now
            return true
        }
        guard due else { return }
        await tokenUseBatch.record(TokenUse(secretHash: secretHash, at: now))
    }

    /// The principal for Basic credentials, or nil when they are wrong (or the account is disabled).
    /// Throws `SignInRefused` when `throttle` refuses the attempt (too many failures for the account
    /// or from `address`, the client's address or nil) or too many checks already wait for bcrypt.
    public func principal(basicUser email: String, password: String, address: String? = nil) async throws -> Principal? {
        if Credentials.looksLikeTokenSecret(password) {
            guard let principal = try await principal(bearerToken: password),
                  principal.user.email == email.lowercased() else { return nil }
            return principal
        }
        let key = Credentials.hashTokenSecret(email.lowercased() + "\u{0}" + password)
        let now = clock()
        // Credentials already proven right skip the throttle: they need no guessing.
        if let entry = verified.withLock({ $0[key] }), entry.expires > now,
           let user = try await store.user(id: entry.userID), user.email == email.lowercased(),
           user.passwordHash == entry.passwordHash {
            return try await principal(for: user)
        }
        let attempt = try throttle.admit(account: email, address: address, now: now)
        let principal: Principal?
        do {
            principal = try await checkPassword(email: email, password: password)
        } catch {
            throttle.abandon(attempt)
            throw error
        }
        throttle.finish(attempt, succeeded: principal != nil, now: clock())
        if let principal {
            verified.withLock { verified in
                if verified.count > 10_000 { verified = verified.filter { $0.value.expires > now } }
                verified[key] = (principal.user.id, principal.user.passwordHash, now.addingTimeInterval(cacheLifetime))
            }
        }
        return principal
    }

    /// Checks a password with bcrypt on the pool's threads (a decoy for unknown accounts), recording
    /// the sign-in or its failure in the audit trail.
    func checkPassword(email: String, password: String) async throws -> Principal? {
        guard let user = try await store.user(email: email), let hash = user.passwordHash else {
            // Spend comparable time on unknown users so that timing does not reveal who exists.
            _ = try await bcrypt.run { Credentials.verifyPassword(password, hash: self.decoyHash) }
            return nil
        }
        guard try await bcrypt.run({ Credentials.verifyPassword(password, hash: hash) }),
              let principal = try await principal(for: user) else {
            try? await store.appendAudit([AuditEvent(action: .loginFailed, actorUserID: user.id,
                                                     actorOrganizationID: user.organizationID, subject: user.id,
                                                     details: ["method": "password"])])
            return nil
        }
        try? await store.appendAudit([AuditEvent(action: .login, actorUserID: user.id,
                                                 actorOrganizationID: user.organizationID, subject: user.id,
                                                 details: ["method": "password"])])
        return principal
    }

    /// The principal of an enabled user of an enabled organisation; nil otherwise.
    func principal(for user: User) async throws -> Principal? {
        guard user.disabledAt == nil, let organization = try await store.organization(id: user.organizationID),
              organization.disabledAt == nil else { return nil }
        return Principal(user: user, organization: organization)
    }

    /// A hash of no one's password at `bcryptCost`, checked for unknown accounts so that timing does
    /// not tell who exists. Made on first use: a hash at cost 12 takes about a quarter second.
    var decoyHash: String {
        if let made = decoy.withLock({ $0 }) { return made }
        let made = Credentials.hashPassword("decoy-password-for-timing", cost: bcryptCost)
        decoy.withLock { $0 = $0 ?? made }
        return made
    }
}

/// Token uses written in batches: a use waits for the transaction that carries it (so it is stored
/// when its request is answered, as before), and the uses that arrive while one transaction is
/// being written go together in the next. A failed write loses only those stamps.
///
/// ```swift
/// let batch = TokenUseBatch(store: store)
/// await batch.record(TokenUse(secretHash: hash, at: Date()))   // returns once written (or failed)
/// ```
final class TokenUseBatch: Sendable {
    struct State {
        var pending: [TokenUse] = []
        var waiting: [CheckedContinuation<Void, Never>] = []
        var writing = false
    }
    let store: any HubStore
    let state = Mutex(State())

    init(store: any HubStore) { self.store = store }

    func record(_ use: TokenUse) async {
        await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
            let start = state.withLock { state -> Bool in
                state.pending.append(use)
                state.waiting.append(done)
                guard !state.writing else { return false }
                state.writing = true
                return true
            }
            if start { Task { await self.writeWhilePending() } }
        }
    }

    /// Writes what is pending, again while more arrived meanwhile, then stops.
    func writeWhilePending() async {
        while true {
            let (uses, waiting) = state.withLock { state -> ([TokenUse], [CheckedContinuation<Void, Never>]) in
                let taken = (state.pending, state.waiting)
                state.pending = []; state.waiting = []
                if taken.0.isEmpty { state.writing = false }
                return taken
            }
            guard !uses.isEmpty else { return }
            try? await store.recordTokenUses(uses)
            for done in waiting { done.resume() }
        }
    }
}
