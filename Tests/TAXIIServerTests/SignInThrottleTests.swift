// Sign-in throttle and account status (issue 12, items 11 and 13): the throttle's rules driven by an
// injected clock (no sleeps), its bounded memory, and revocation and disabling seen at once by an
// authenticator whose store is another connection to the same file (as a server beside the CLI).
// The HTTP side (429 with Retry-After, the CLI beside a running server) is in
// Tests/Interop/test_accounts.py.
@testable import Accounts
import Foundation
import HubHTTP
import HubTesting
import NIOCore
import Storage
import Testing

@Suite("Sign-in throttle")
struct SignInThrottleTests {
    let start = Date(timeIntervalSince1970: 1_800_000_000)

    func fail(_ throttle: SignInThrottle, _ account: String, _ address: String?, at time: Date) throws {
        let attempt = try throttle.admit(account: account, address: address, now: time)
        throttle.finish(attempt, succeeded: false, now: time)
    }

    func refusal(_ throttle: SignInThrottle, _ account: String, _ address: String?, at time: Date) -> Int? {
        do {
            let attempt = try throttle.admit(account: account, address: address, now: time)
            throttle.abandon(attempt)
            return nil
        } catch let refused as SignInRefused {
            return refused.retryAfter
        } catch {
            return -1
        }
    }

    @Test("an account is refused after its free failures, with a back-off that doubles and a success that resets it")
    func accountBackOff() throws {
        let throttle = SignInThrottle()
        let free = throttle.rules.accountFreeFailures
        var now = start
        for i in 0..<free - 1 {
            try fail(throttle, "a@a.example.jp", "192.0.2.\(i)", at: now)
            #expect(refusal(throttle, "a@a.example.jp", "192.0.2.99", at: now) == nil)
        }
        try fail(throttle, "A@a.example.jp", "192.0.2.50", at: now)  // case does not make a new account
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.99", at: now) == 2)
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.99", at: now.addingTimeInterval(1.5)) == 1)
        now = now.addingTimeInterval(2)
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.99", at: now) == nil)
        try fail(throttle, "a@a.example.jp", "192.0.2.51", at: now)
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.99", at: now) == 4)
        now = now.addingTimeInterval(4)
        try fail(throttle, "a@a.example.jp", "192.0.2.52", at: now)
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.99", at: now) == 8)
        // Other accounts are not affected.
        #expect(refusal(throttle, "b@a.example.jp", "192.0.2.99", at: now) == nil)
        // After the wait, the right password resets the account.
        now = now.addingTimeInterval(8)
        let attempt = try throttle.admit(account: "a@a.example.jp", address: "192.0.2.99", now: now)
        throttle.finish(attempt, succeeded: true, now: now)
        try fail(throttle, "a@a.example.jp", "192.0.2.53", at: now)
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.98", at: now) == nil)
    }

    @Test("the back-off stops growing at its longest")
    func longestBackOff() {
        let rules = SignInRules()
        #expect(rules.backOff(afterFailures: 4, free: 5) == 0)
        #expect(rules.backOff(afterFailures: 5, free: 5) == 2)
        #expect(rules.backOff(afterFailures: 6, free: 5) == 4)
        #expect(rules.backOff(afterFailures: 500, free: 5) == rules.longestBackOff)
    }

    @Test("an address is refused after its free failures whatever accounts it tries, and a success does not clear it")
    func addressBackOff() throws {
        let throttle = SignInThrottle()
        let free = throttle.rules.addressFreeFailures
        for i in 0..<free { try fail(throttle, "user\(i)@example.jp", "198.51.100.7", at: start) }
        #expect(refusal(throttle, "someone@example.jp", "198.51.100.7", at: start) == 2)
        #expect(refusal(throttle, "someone@example.jp", "198.51.100.8", at: start) == nil)
        // A success from the address (after the wait) does not reset its count: the next failure doubles.
        let later = start.addingTimeInterval(2)
        let attempt = try throttle.admit(account: "own@example.jp", address: "198.51.100.7", now: later)
        throttle.finish(attempt, succeeded: true, now: later)
        try fail(throttle, "user99@example.jp", "198.51.100.7", at: later)
        #expect(refusal(throttle, "someone@example.jp", "198.51.100.7", at: later) == 4)
    }

    @Test("an account blocked by someone else's guesses still admits an address it signed in from before")
    func knownAddresses() throws {
        let throttle = SignInThrottle()
        let ok = try throttle.admit(account: "a@a.example.jp", address: "192.0.2.1", now: start)
        throttle.finish(ok, succeeded: true, now: start)
        for _ in 0..<throttle.rules.accountFreeFailures { try fail(throttle, "a@a.example.jp", "203.0.113.9", at: start) }
        #expect(refusal(throttle, "a@a.example.jp", "203.0.113.9", at: start) != nil)  // the guesser
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.2", at: start) == 2)      // a new address
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.1", at: start) == nil)    // the known one
        // Known for a while only.
        let muchLater = start.addingTimeInterval(throttle.rules.knownAddressLifetime + 1)
        for _ in 0..<throttle.rules.accountFreeFailures { try fail(throttle, "a@a.example.jp", "203.0.113.10", at: muchLater) }
        #expect(refusal(throttle, "a@a.example.jp", "192.0.2.1", at: muchLater) != nil)
    }

    @Test("attempts in flight count: many connections at once buy no extra guesses")
    func inFlight() throws {
        let throttle = SignInThrottle()
        var attempts: [SignInThrottle.Attempt] = []
        for _ in 0..<throttle.rules.accountFreeFailures {
            attempts.append(try throttle.admit(account: "a@a.example.jp", address: nil, now: start))
        }
        #expect(refusal(throttle, "a@a.example.jp", nil, at: start) == 1)
        for attempt in attempts { throttle.finish(attempt, succeeded: false, now: start) }
        #expect(refusal(throttle, "a@a.example.jp", nil, at: start) == 2)
    }

    @Test("failures are forgotten after a quiet hour")
    func forgetting() throws {
        let throttle = SignInThrottle()
        for _ in 0..<throttle.rules.accountFreeFailures - 1 { try fail(throttle, "a@a.example.jp", nil, at: start) }
        let later = start.addingTimeInterval(throttle.rules.forgetAfter + 1)
        try fail(throttle, "a@a.example.jp", nil, at: later)
        #expect(refusal(throttle, "a@a.example.jp", nil, at: later) == nil)
    }

    @Test("spraying made-up accounts and addresses keeps memory bounded")
    func bounded() throws {
        var rules = SignInRules()
        rules.capacity = 1_000
        let throttle = SignInThrottle(rules: rules)
        for i in 0..<20_000 {
            let now = start.addingTimeInterval(Double(i) * 0.001)
            let address = "10.\(i / 65_536).\(i / 256 % 256).\(i % 256)"
            let attempt = try throttle.admit(account: "nobody\(i)@example.jp", address: address, now: now)
            throttle.finish(attempt, succeeded: i % 10 == 0, now: now)
        }
        let kept = throttle.keptCounts
        #expect(kept.accounts <= 1_000)
        #expect(kept.addresses <= 1_000)
        #expect(kept.knownAddresses <= 1_000)
        #expect(kept.accounts > 0)
    }
}

@Suite("Client addresses")
struct ClientAddressTests {
    @Test("IPv4 as it is, IPv6 by its /64, IPv4-mapped IPv6 as IPv4")
    func keys() throws {
        #expect(ClientAddress.throttleKey(try SocketAddress(ipAddress: "192.0.2.7", port: 1)) == "192.0.2.7")
        #expect(ClientAddress.throttleKey(try SocketAddress(ipAddress: "2001:db8:1:2::7", port: 1)) == "2001:db8:1:2::/64")
        #expect(ClientAddress.throttleKey(try SocketAddress(ipAddress: "2001:db8:1:2:ffff::9", port: 1)) == "2001:db8:1:2::/64")
        #expect(ClientAddress.throttleKey(try SocketAddress(ipAddress: "::ffff:198.51.100.4", port: 1)) == "198.51.100.4")
        #expect(ClientAddress.throttleKey(nil) == nil)
    }
}

@Suite("Account status")
struct AccountStatusTests {
    @Test("a token revoked, a user or organisation disabled through another connection stops at once; re-enabled works")
    func otherProcess() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let feed = try await hub.feed("C2")
        let member = try await hub.member("Org A", email: "a@a.example.jp", grants: [(feed, true, true)])
        // The server's store and authenticator (with a long principal cache), and the CLI's store.
        let cli = try await hub.reopened()
        let authenticator = Authenticator(store: hub.store, principalLifetime: 3600, bcryptCost: 4)
        #expect(try await authenticator.principal(bearerToken: member.token) != nil)
        #expect(try await authenticator.principal(basicUser: member.email, password: member.password) != nil)

        let admin = AccountAdministration(store: cli.store, bcryptCost: 4)
        try await hub.propagated { try await admin.setUserDisabled(id: member.principal.user.id, true, by: .hubOperator) }
        #expect(try await authenticator.principal(bearerToken: member.token) == nil)
        #expect(try await authenticator.principal(basicUser: member.email, password: member.password) == nil)
        try await hub.propagated { try await admin.setUserDisabled(id: member.principal.user.id, false, by: .hubOperator) }
        #expect(try await authenticator.principal(bearerToken: member.token) != nil)

        try await hub.propagated { try await admin.setOrganizationDisabled(id: member.principal.organization.id, true, by: .hubOperator) }
        #expect(try await authenticator.principal(bearerToken: member.token) == nil)
        #expect(try await authenticator.principal(basicUser: member.email, password: member.password) == nil)
        try await hub.propagated { try await admin.setOrganizationDisabled(id: member.principal.organization.id, false, by: .hubOperator) }
        #expect(try await authenticator.principal(basicUser: member.email, password: member.password) != nil)

        let tokens = try await admin.tokens(email: member.email, by: .hubOperator)
        #expect(tokens.count == 1)
        try await hub.propagated { try await admin.revokeToken(id: tokens[0].id, by: .hubOperator) }
        #expect(try await authenticator.principal(bearerToken: member.token) == nil)
        #expect(try await authenticator.principal(basicUser: member.email, password: member.token) == nil)
        #expect(try await authenticator.principal(basicUser: member.email, password: member.password) != nil)

        try await hub.propagated { try await admin.removeUser(id: member.principal.user.id, by: .hubOperator) }
        #expect(try await authenticator.principal(basicUser: member.email, password: member.password) == nil)
        #expect(try await hub.store.user(email: member.email) == nil)
        let audit = try await hub.store.auditEntries(after: 0, limit: 1_000).filter { $0.event.action == .account }
        #expect(audit.map { $0.event.details["change"] } == ["user-disabled", "user-enabled", "organization-disabled",
                                                            "organization-enabled", "token-revoked", "user-removed"])
    }

    @Test("who may administer: hub admins all, organisation admins their own, others only their own tokens")
    func permissions() async throws {
        let hub = try await TestHub.make(); defer { hub.remove() }
        let orgAdmin = try await hub.member("Org A", email: "admin@a.example.jp", role: .orgAdmin)
        let reader = try await hub.member("Org A", email: "reader@a.example.jp", role: .readOnly)
        let other = try await hub.member("Org B", email: "soc@b.example.jp", role: .orgAdmin)
        let admin = hub.accounts
        let readerID = reader.principal.user.id
        let readerToken = try await admin.tokens(email: reader.email, by: .hubOperator)[0].id

        func kind(_ body: () async throws -> Void) async -> AccountError.Kind? {
            do { try await body(); return nil } catch let error as AccountError { return error.kind } catch { return .invalid }
        }
        // A read-only user may not disable anyone, nor list or revoke others' tokens.
        #expect(await kind { try await admin.setUserDisabled(id: orgAdmin.principal.user.id, true, by: .principal(reader.principal)) } == .forbidden)
        #expect(await kind { _ = try await admin.tokens(email: orgAdmin.email, by: .principal(reader.principal)) } == .forbidden)
        // Another organisation's admin does not even learn that the user exists.
        #expect(await kind { try await admin.setUserDisabled(id: readerID, true, by: .principal(other.principal)) } == .notFound)
        #expect(await kind { try await admin.revokeToken(id: readerToken, by: .principal(other.principal)) } == .notFound)
        #expect(await kind { try await admin.setOrganizationDisabled(id: orgAdmin.principal.organization.id, true,
                                                                     by: .principal(other.principal)) } == .notFound)
        #expect(await kind { try await admin.setOrganizationDisabled(id: orgAdmin.principal.organization.id, true,
                                                                     by: .principal(orgAdmin.principal)) } == .forbidden)
        // Nobody disables themselves.
        #expect(await kind { try await admin.setUserDisabled(id: orgAdmin.principal.user.id, true, by: .principal(orgAdmin.principal)) } == .forbidden)
        // The organisation's admin may; the reader may revoke its own token.
        #expect(await kind { try await admin.setUserDisabled(id: readerID, true, by: .principal(orgAdmin.principal)) } == nil)
        #expect(await kind { try await admin.revokeToken(id: readerToken, by: .principal(reader.principal)) } == nil)
        #expect(await kind { try await admin.revokeToken(id: readerToken, by: .principal(reader.principal)) } == .invalid)
        #expect(try await hub.store.user(id: readerID)?.disabledAt != nil)
    }
}
