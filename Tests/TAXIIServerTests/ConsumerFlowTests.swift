// Consumer flow: the token bucket per credential and tier (burst, refill, Retry-After in whole
// seconds, independent credentials, a changed tier), on a controllable clock.
import Foundation
import HubHTTP
import Storage
import Synchronization
import Testing

@Suite("Consumer flow: token buckets by tier")
struct ConsumerFlowTests {
    final class Clock: Sendable {
        let now = Mutex<Double>(1_000)
        func advance(_ seconds: Double) { now.withLock { $0 += seconds } }
    }

    static func settings() -> FlowSettings {
        FlowSettings(limits: [
            .large: TierLimits(burst: 100, perMinute: 6_000, maxPageSize: 1_000, pollSeconds: 60),
            .medium: TierLimits(burst: 10, perMinute: 60, maxPageSize: 500, pollSeconds: 300),
            .small: TierLimits(burst: 3, perMinute: 60, maxPageSize: 100, pollSeconds: 900),
        ])
    }

    static func retryAfter(_ body: () throws -> FlowGrant) -> Int? {
        do { _ = try body(); return nil } catch HubError.tooManyRequests(_, let seconds) { return seconds } catch { return -1 }
    }

    @Test("a small token gets its burst, then 429 with Retry-After; refilled at its rate; other tokens unaffected")
    func burstThenLimited() throws {
        let clock = Clock()
        let flow = ConsumerFlow(settings: Self.settings(), clock: { clock.now.withLock { $0 } })
        for _ in 0..<3 {
            let grant = try flow.admit(credential: "Bearer small-token", tier: .small)
            #expect(grant == FlowGrant(maxPageSize: 100, pollSeconds: 900))
        }
        #expect(Self.retryAfter { try flow.admit(credential: "Bearer small-token", tier: .small) } == 1)
        // Another token of the same organisation has its own bucket.
        _ = try flow.admit(credential: "Bearer other-token", tier: .small)
        // A large member's token is not limited by the small one's.
        for _ in 0..<50 { _ = try flow.admit(credential: "Bearer large-token", tier: .large) }
        clock.advance(0.5)
        #expect(Self.retryAfter { try flow.admit(credential: "Bearer small-token", tier: .small) } == 1)
        clock.advance(0.5)
        _ = try flow.admit(credential: "Bearer small-token", tier: .small)
        // A long quiet spell refills only up to the burst.
        clock.advance(3_600)
        for _ in 0..<3 { _ = try flow.admit(credential: "Bearer small-token", tier: .small) }
        #expect(Self.retryAfter { try flow.admit(credential: "Bearer small-token", tier: .small) } != nil)
    }

    @Test("Retry-After is the whole seconds until one request is available (0.5 a minute: 120 s)")
    func retryAfterSeconds() throws {
        let clock = Clock()
        var settings = FlowSettings.standard
        settings.limits[.small] = TierLimits(burst: 1, perMinute: 0.5, maxPageSize: 100, pollSeconds: 900)
        let flow = ConsumerFlow(settings: settings, clock: { clock.now.withLock { $0 } })
        _ = try flow.admit(credential: "t", tier: .small)
        #expect(Self.retryAfter { try flow.admit(credential: "t", tier: .small) } == 120)
        clock.advance(60)
        #expect(Self.retryAfter { try flow.admit(credential: "t", tier: .small) } == 60)
    }

    @Test("a token whose organisation changed tier starts the new tier's bucket")
    func tierChange() throws {
        let clock = Clock()
        let flow = ConsumerFlow(settings: Self.settings(), clock: { clock.now.withLock { $0 } })
        for _ in 0..<3 { _ = try flow.admit(credential: "t", tier: .small) }
        #expect(Self.retryAfter { try flow.admit(credential: "t", tier: .small) } != nil)
        let grant = try flow.admit(credential: "t", tier: .large)
        #expect(grant.maxPageSize == 1_000)
    }

    @Test("the standard limits: only small is limited (20 at once, 0.5 a minute, pages of 100); large and medium are not until set")
    func standardLimits() throws {
        let s = FlowSettings.standard
        #expect(s.limits(for: .small) == TierLimits(burst: 20, perMinute: 0.5, maxPageSize: 100, pollSeconds: 900))
        #expect(s.limits(for: .medium).burst == nil && s.limits(for: .large).burst == nil)
        #expect(s.limits(for: .small).pollSeconds > s.limits(for: .medium).pollSeconds)
        #expect(s.limits(for: .medium).pollSeconds > s.limits(for: .large).pollSeconds)
        let flow = ConsumerFlow(settings: s)
        for _ in 0..<1_000 { #expect(try flow.admit(credential: "t", tier: .medium) == FlowGrant(maxPageSize: nil, pollSeconds: 300)) }
        for _ in 0..<20 { _ = try flow.admit(credential: "s", tier: .small) }
        #expect(Self.retryAfter { try flow.admit(credential: "s", tier: .small) } == 120)
    }
}
