// Accounts sign-in throttle: counts failed password sign-ins per account (the e-mail address given,
// whether or not such an account exists) and per client address, and answers "wait" with a growing
// back-off once either has failed a few times. Only password sign-ins are throttled: a token is 256
// random bits and cannot be guessed, and a client polling with a revoked token must not lock out its
// neighbours.
import Foundation
import Storage
import Synchronization

/// What the throttle allows, with the limits it keeps.
///
/// The rule, per key (an account or an address): `freeFailures` failed sign-ins are answered as
/// usual; each failure after that blocks the key for `firstBackOff`, doubled with every further
/// failure, at most `longestBackOff`. While a key is blocked its sign-ins are refused without
/// checking the password (429 with Retry-After). A key forgets its failures `forgetAfter` without a
/// new one.
///
/// - A success resets the account's count and makes its address a known one for the account: an
///   account blocked by someone else's guesses still lets in the right password from an address it
///   signed in from before. From a new address the account's back-off applies (else guessing from
///   many addresses would go unchecked).
/// - An address's count is not reset by a success (an attacker holding one account could clear it
///   between guesses at others); it is forgotten after `forgetAfter`.
/// - Concurrent unchecked attempts count against the limit, so opening many connections at once
///   buys no extra guesses.
public struct SignInRules: Sendable, Equatable {
    public var accountFreeFailures = 5
    public var addressFreeFailures = 10
    public var firstBackOff: TimeInterval = 2
    public var longestBackOff: TimeInterval = 15 * 60
    public var forgetAfter: TimeInterval = 60 * 60
    /// How long an address stays known for an account after a successful sign-in from it.
    public var knownAddressLifetime: TimeInterval = 30 * 24 * 60 * 60
    /// At most this many keys of each kind (accounts, addresses, known addresses) are kept; beyond
    /// it the stalest are dropped, so spraying made-up accounts or addresses cannot grow memory.
    public var capacity = 10_000

    public init() {}

    /// The back-off after `failures` failures (none while within the free ones).
    public func backOff(afterFailures failures: Int, free: Int) -> TimeInterval {
        guard failures >= free else { return 0 }
        let doublings = min(failures - free, 30)
        return min(longestBackOff, firstBackOff * pow(2, Double(doublings)))
    }
}

/// A password sign-in refused before it was checked: too many failures, or the hub too busy to
/// check passwords now. Answered 429 (or 503 when `busy`) with `Retry-After: retryAfter`; the
/// message never says whether the account exists.
public struct SignInRefused: Error, Sendable, Equatable {
    public let retryAfter: Int
    public let busy: Bool

    public init(retryAfter: Int, busy: Bool = false) { self.retryAfter = retryAfter; self.busy = busy }

    public var message: String {
        busy ? "The hub is checking too many passwords at once; try again in \(retryAfter) seconds."
             : "Too many failed sign-ins; try again in \(retryAfter) seconds."
    }
}

extension SignInRefused: HubErrorConvertible {
    /// 429 (503 when busy) with Retry-After.
    public var hubError: HubError {
        busy ? .busy(message, retryAfter: retryAfter) : .tooManyRequests(message, retryAfter: retryAfter)
    }
}

/// Failed password sign-ins per account and per client address, in bounded memory. Time is passed
/// in, so tests drive it without sleeping.
///
/// ```swift
/// let throttle = SignInThrottle()
/// let attempt = try throttle.admit(account: "a@example.jp", address: "192.0.2.7", now: Date())
/// let ok = /* check the password */
/// throttle.finish(attempt, succeeded: ok, now: Date())
/// ```
public final class SignInThrottle: Sendable {
    public let rules: SignInRules

    struct Count {
        var failures = 0
        var pending = 0
        var lastFailure = Date.distantPast
        var blockedUntil = Date.distantPast
    }

    struct State {
        var accounts: [String: Count] = [:]
        var addresses: [String: Count] = [:]
        /// account + NUL + address -> last success.
        var knownAddresses: [String: Date] = [:]
    }

    /// An admitted attempt; hand it back to `finish` exactly once.
    public struct Attempt: Sendable {
        let account: String
        let address: String?
    }

    let state = Mutex(State())

    public init(rules: SignInRules = SignInRules()) { self.rules = rules }

    /// Admits a password check for `account` from `address` (nil when unknown), or throws
    /// `SignInRefused` with the seconds to wait.
    public func admit(account: String, address: String?, now: Date) throws -> Attempt {
        let account = account.lowercased()
        let rules = self.rules
        let wait: TimeInterval? = state.withLock { state in
            let known = address.flatMap { state.knownAddresses[Self.pair(account, $0)] }
                .map { now.timeIntervalSince($0) < rules.knownAddressLifetime } ?? false
            var wait: TimeInterval = 0
            if let address {
                wait = max(wait, Self.wait(state.addresses[address], free: rules.addressFreeFailures, now: now, rules: rules))
            }
            if !known {
                wait = max(wait, Self.wait(state.accounts[account], free: rules.accountFreeFailures, now: now, rules: rules))
            }
            guard wait == 0 else { return wait }
            Self.update(&state.accounts, account, now: now, rules: rules) { $0.pending += 1 }
            if let address { Self.update(&state.addresses, address, now: now, rules: rules) { $0.pending += 1 } }
            return nil
        }
        if let wait { throw SignInRefused(retryAfter: max(1, Int(wait.rounded(.up)))) }
        return Attempt(account: account, address: address)
    }

    /// Records how an admitted attempt ended.
    public func finish(_ attempt: Attempt, succeeded: Bool, now: Date) {
        let rules = self.rules
        state.withLock { state in
            if succeeded {
                state.accounts[attempt.account] = nil
                if let address = attempt.address {
                    Self.update(&state.addresses, address, now: now, rules: rules) { $0.pending = max(0, $0.pending - 1) }
                    Self.remember(&state.knownAddresses, Self.pair(attempt.account, address), now: now, rules: rules)
                }
                return
            }
            Self.update(&state.accounts, attempt.account, now: now, rules: rules) { count in
                Self.fail(&count, free: rules.accountFreeFailures, now: now, rules: rules)
            }
            if let address = attempt.address {
                Self.update(&state.addresses, address, now: now, rules: rules) { count in
                    Self.fail(&count, free: rules.addressFreeFailures, now: now, rules: rules)
                }
            }
        }
    }

    /// Releases an admitted attempt whose password was never checked (the hub was busy, the
    /// request went away): neither a failure nor a success.
    public func abandon(_ attempt: Attempt) {
        let rules = self.rules
        state.withLock { state in
            let now = Date.distantPast  // never forgets a count here
            Self.update(&state.accounts, attempt.account, now: now, rules: rules) { $0.pending = max(0, $0.pending - 1) }
            if let address = attempt.address {
                Self.update(&state.addresses, address, now: now, rules: rules) { $0.pending = max(0, $0.pending - 1) }
            }
        }
    }

    /// How many accounts, addresses and known addresses are being kept (for tests of the bound).
    public var keptCounts: (accounts: Int, addresses: Int, knownAddresses: Int) {
        state.withLock { ($0.accounts.count, $0.addresses.count, $0.knownAddresses.count) }
    }

    // MARK: - Rules on one count

    /// Seconds to wait before this key may try again; 0 when it may now.
    static func wait(_ count: Count?, free: Int, now: Date, rules: SignInRules) -> TimeInterval {
        guard let count, !forgotten(count, now: now, rules: rules) else { return 0 }
        if count.blockedUntil > now { return count.blockedUntil.timeIntervalSince(now) }
        // Unchecked attempts in flight count as failures still to come: at most the free ones
        // remaining (one at a time once they are used up).
        let inFlightAllowed = max(1, free - count.failures)
        return count.pending >= inFlightAllowed ? 1 : 0
    }

    static func fail(_ count: inout Count, free: Int, now: Date, rules: SignInRules) {
        count.pending = max(0, count.pending - 1)
        count.failures += 1
        count.lastFailure = now
        let backOff = rules.backOff(afterFailures: count.failures, free: free)
        if backOff > 0 { count.blockedUntil = now.addingTimeInterval(backOff) }
    }

    static func forgotten(_ count: Count, now: Date, rules: SignInRules) -> Bool {
        count.pending == 0 && now.timeIntervalSince(count.lastFailure) > rules.forgetAfter
            && count.blockedUntil <= now
    }

    // MARK: - Bounded tables

    /// Applies `change` to the key's count (a fresh one when absent or forgotten), making room first.
    static func update(_ table: inout [String: Count], _ key: String, now: Date, rules: SignInRules,
                       _ change: (inout Count) -> Void) {
        var count = table[key].flatMap { forgotten($0, now: now, rules: rules) ? nil : $0 } ?? Count()
        change(&count)
        if table[key] == nil { makeRoom(&table, now: now, rules: rules) }
        table[key] = count.failures == 0 && count.pending == 0 ? nil : count
    }

    /// At capacity: drops forgotten counts, then (if still over three quarters full) the half with
    /// the oldest last failure among those with nothing in flight. Runs at most once per
    /// `capacity / 4` insertions, so its sorting is cheap per sign-in.
    static func makeRoom(_ table: inout [String: Count], now: Date, rules: SignInRules) {
        guard table.count >= rules.capacity else { return }
        table = table.filter { !forgotten($0.value, now: now, rules: rules) }
        guard table.count >= rules.capacity * 3 / 4 else { return }
        let idle = table.filter { $0.value.pending == 0 }.sorted { $0.value.lastFailure < $1.value.lastFailure }
        for (key, _) in idle.prefix(table.count / 2) { table[key] = nil }
    }

    static func remember(_ table: inout [String: Date], _ key: String, now: Date, rules: SignInRules) {
        if table[key] == nil, table.count >= rules.capacity {
            let oldest = table.sorted { $0.value < $1.value }.prefix(table.count / 2)
            for (old, _) in oldest { table[old] = nil }
        }
        table[key] = now
    }

    static func pair(_ account: String, _ address: String) -> String { account + "\u{0}" + address }
}
