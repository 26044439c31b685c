// Freshness (seed 004: 鮮度) as pure rules, against values computed by hand: MISP's polynomial
// decay, the instant a score falls under the threshold, the base score from confidence,
// corroboration and false-positive / expired reports, "seen" sightings restarting the clock, the
// class an indicator decays by, OpenCTI's stepped model, and what the selection and the reduced
// feed do with expired and weak indicators.
import Distribution
import Foundation
import Storage
import Testing

@Suite("Distribution: freshness")
struct FreshnessTests {
    static let day = 86_400.0
    static let ip = DecayParameters(lifetimeSeconds: 30 * day, decaySpeed: 2, threshold: 30)
    static let domain = DecayParameters(lifetimeSeconds: 90 * day, decaySpeed: 1, threshold: 30)
    static let hash = DecayParameters(lifetimeSeconds: 365 * day, decaySpeed: 0.5, threshold: 30)

    @Test("MISP polynomial decay: base × (1 − (t/lifetime)^(1/speed)), 0 at and after the lifetime")
    func polynomial() {
        // 7.5 of 30 days, speed 2: 80 × (1 − 0.25^0.5) = 80 × 0.5 = 40.
        #expect(abs(Freshness.score(base: 80, ageSeconds: 7.5 * Self.day, parameters: Self.ip) - 40) < 1e-9)
        // 45 of 90 days, linear: 50 × 0.5 = 25.
        #expect(abs(Freshness.score(base: 50, ageSeconds: 45 * Self.day, parameters: Self.domain) - 25) < 1e-9)
        // A quarter of 365 days, speed 0.5: 100 × (1 − 0.25^2) = 93.75 (hashes hold long).
        #expect(abs(Freshness.score(base: 100, ageSeconds: 91.25 * Self.day, parameters: Self.hash) - 93.75) < 1e-9)
        #expect(Freshness.score(base: 80, ageSeconds: 0, parameters: Self.ip) == 80)
        #expect(Freshness.score(base: 80, ageSeconds: 30 * Self.day, parameters: Self.ip) == 0)
        #expect(Freshness.score(base: 80, ageSeconds: 400 * Self.day, parameters: Self.ip) == 0)
    }

    @Test("expiry: lifetime × (1 − threshold/base)^speed; none left when the base starts under the threshold")
    func expiry() {
        // 30 d × (1 − 30/80)^2 = 2,592,000 s × 0.390625 = 1,012,500 s (11.72 days).
        #expect(Freshness.expiryAge(base: 80, parameters: Self.ip) == 1_012_500)
        // 90 d × (1 − 30/50) = 36 days.
        #expect(Freshness.expiryAge(base: 50, parameters: Self.domain) == 36 * Self.day)
        #expect(Freshness.expiryAge(base: 20, parameters: Self.ip) == nil)
        #expect(Freshness.expiryAge(base: 0, parameters: DecayParameters(lifetimeSeconds: 1, decaySpeed: 1, threshold: 0)) == nil)
        // At the expiry age the score is the threshold (within rounding).
        let age = Freshness.expiryAge(base: 80, parameters: Self.ip)!
        #expect(abs(Freshness.score(base: 80, ageSeconds: age, parameters: Self.ip) - 30) < 1e-9)
    }

    @Test("base: confidence, +10 per further independent reporter, −50 per false-positive org, −25 per expired report, within 0…100")
    func base() {
        #expect(Freshness.base(confidence: 50, evidence: .none) == 50)
        #expect(Freshness.base(confidence: 50, evidence: FreshnessEvidence(reporters: 1)) == 50)
        #expect(Freshness.base(confidence: 50, evidence: FreshnessEvidence(reporters: 3)) == 70)
        #expect(Freshness.base(confidence: 95, evidence: FreshnessEvidence(reporters: 3)) == 100)
        #expect(Freshness.base(confidence: 50, evidence: FreshnessEvidence(reporters: 3, falsePositives: 1)) == 20)
        #expect(Freshness.base(confidence: 100, evidence: FreshnessEvidence(falsePositives: 1, expiredReports: 1)) == 25)
        #expect(Freshness.base(confidence: 50, evidence: FreshnessEvidence(falsePositives: 2)) == 0)
    }

    static func indicator(_ values: [ExportValue], confidence: Int = 80, modified: Int64 = 1_800_000_000_000_000) -> ExportIndicator {
        ExportIndicator(stixID: "indicator--1", name: "x", modifiedMicroseconds: modified, createdMicroseconds: modified,
                        confidence: confidence, values: values)
    }

    @Test("fresh until: the version plus the expiry age; a later seen sighting restarts it; one false positive ends it")
    func freshUntil() {
        let modified: Int64 = 1_800_000_000_000_000
        let address = Self.indicator([ExportValue(type: .ipv4, value: "198.51.100.7")], modified: modified)
        #expect(Freshness.freshUntil(address, evidence: .none, defaults: .standard, feed: nil) == modified + 1_012_500_000_000)
        let seen = modified + 10 * 86_400_000_000
        #expect(Freshness.freshUntil(address, evidence: FreshnessEvidence(lastSeenMicroseconds: seen), defaults: .standard, feed: nil)
                == seen + 1_012_500_000_000)
        // A sighting older than the version does not move it back.
        #expect(Freshness.freshUntil(address, evidence: FreshnessEvidence(lastSeenMicroseconds: modified - 1), defaults: .standard, feed: nil)
                == modified + 1_012_500_000_000)
        let plain = Self.indicator([ExportValue(type: .ipv4, value: "198.51.100.7")], confidence: 50, modified: modified)
        #expect(Freshness.freshUntil(plain, evidence: FreshnessEvidence(falsePositives: 1), defaults: .standard, feed: nil) == .min)
        // The feed's own settings win: 3 s lifetime, speed 1, threshold 30, base 80 → 3 × 0.625 = 1.875 s.
        let fast = FeedDecay(overrides: [.ip: DecayParameters(lifetimeSeconds: 3, decaySpeed: 1, threshold: 30)])
        #expect(Freshness.freshUntil(address, evidence: .none, defaults: .standard, feed: fast) == modified + 1_875_000)
        // No values: never expires by freshness.
        #expect(Freshness.freshUntil(Self.indicator([]), evidence: .none, defaults: .standard, feed: nil) == .max)
    }

    @Test("an indicator decays by its shortest-lived class; defaults: IP shortest, domains and URLs medium, hashes longest")
    func classes() {
        let mixed = Self.indicator([ExportValue(type: .sha256, value: String(repeating: "a", count: 64)),
                                    ExportValue(type: .cidr, value: "203.0.113.0/24")])
        #expect(Freshness.decayClass(of: mixed, defaults: .standard, feed: nil) == .ip)
        let standard = FreshnessDefaults.standard
        #expect(standard.parameters(for: .ip).lifetimeSeconds < standard.parameters(for: .domain).lifetimeSeconds)
        #expect(standard.parameters(for: .domain).lifetimeSeconds <= standard.parameters(for: .url).lifetimeSeconds)
        #expect(standard.parameters(for: .url).lifetimeSeconds < standard.parameters(for: .hash).lifetimeSeconds)
        #expect(Freshness.decayClass(of: .md5) == .hash && Freshness.decayClass(of: .url) == .url)
    }

    @Test("OpenCTI's model: the curve rounded up to the next reaction point not yet passed")
    func openCTI() {
        let linear = DecayParameters(lifetimeSeconds: 30 * Self.day, decaySpeed: 1, threshold: 20)
        let points = [80.0, 60, 40, 20]
        // 5 days: curve 83.3, above every point: still the initial 100.
        #expect(Freshness.openCTIScore(base: 100, ageSeconds: 5 * Self.day, parameters: linear, reactionPoints: points) == 100)
        // 9 days: curve 70 → 80.  27 days: curve 10 → 20.
        #expect(Freshness.openCTIScore(base: 100, ageSeconds: 9 * Self.day, parameters: linear, reactionPoints: points) == 80)
        #expect(Freshness.openCTIScore(base: 100, ageSeconds: 27 * Self.day, parameters: linear, reactionPoints: points) == 20)
    }

    @Test("parameters that make no curve are refused")
    func problems() {
        #expect(Freshness.problem(with: Self.ip) == nil)
        #expect(Freshness.problem(with: DecayParameters(lifetimeSeconds: 0, decaySpeed: 1, threshold: 30)) != nil)
        #expect(Freshness.problem(with: DecayParameters(lifetimeSeconds: 10, decaySpeed: 0, threshold: 30)) != nil)
        #expect(Freshness.problem(with: DecayParameters(lifetimeSeconds: 10, decaySpeed: .nan, threshold: 30)) != nil)
        #expect(Freshness.problem(with: DecayParameters(lifetimeSeconds: 10, decaySpeed: 1, threshold: 101)) != nil)
    }

    @Test("stored decay settings read back; unreadable text is none")
    func storedText() {
        let decay = FeedDecay(overrides: [.url: DecayParameters(lifetimeSeconds: 60, decaySpeed: 1.5, threshold: 10)])
        #expect(FeedDecay(storedText: decay.storedText) == decay)
        #expect(FeedDecay(storedText: "not json") == nil)
        #expect(FeedDecay(storedText: nil) == nil)
    }

    @Test("selection: an expired indicator is withdrawn; the reduced feed keeps only confident, strong-fresh ones")
    func selection() {
        let now: Int64 = 1_800_000_000_000_000
        var expired = ExportIndicator(stixID: "indicator--a", name: "a", modifiedMicroseconds: 1, createdMicroseconds: 1,
                                      confidence: 90, values: [ExportValue(type: .ipv4, value: "198.51.100.1")])
        expired.freshUntilMicroseconds = now
        var strong = expired
        strong.stixID = "indicator--b"; strong.values = [ExportValue(type: .ipv4, value: "198.51.100.2")]
        strong.freshUntilMicroseconds = now + 10; strong.strongUntilMicroseconds = now + 10
        var weak = strong
        weak.stixID = "indicator--c"; weak.values = [ExportValue(type: .ipv4, value: "198.51.100.3")]
        weak.strongUntilMicroseconds = now
        var doubtful = strong
        doubtful.stixID = "indicator--d"; doubtful.values = [ExportValue(type: .ipv4, value: "198.51.100.4")]
        doubtful.confidence = 69
        let all = [expired, strong, weak, doubtful]
        let full = ExportSelection.select(all, filter: ExportFilter(), nowMicroseconds: now, isBlocked: { _ in false })
        #expect(full.indicators.map(\.indicator.stixID) == ["indicator--b", "indicator--c", "indicator--d"])
        #expect(full.withdrawn == 1)
        var reducedFilter = ExportFilter()
        reducedFilter.reduced = true
        let reduced = ExportSelection.select(all, filter: reducedFilter, nowMicroseconds: now, isBlocked: { _ in false })
        #expect(reduced.indicators.map(\.indicator.stixID) == ["indicator--b"])
    }

    @Test("a size cap keeps what stays fresh longest, then the most confident")
    func capByFreshness() {
        var old = ExportIndicator(stixID: "indicator--a", name: "a", modifiedMicroseconds: 1, createdMicroseconds: 1,
                                  confidence: 95, values: [ExportValue(type: .domain, value: "old.example")])
        old.freshUntilMicroseconds = 1_000
        var fresh = old
        fresh.stixID = "indicator--b"; fresh.confidence = 60; fresh.values = [ExportValue(type: .domain, value: "fresh.example")]
        fresh.freshUntilMicroseconds = 9_000
        let set = ExportSelection.select([old, fresh], filter: ExportFilter(limitPerList: 1), nowMicroseconds: 500,
                                         isBlocked: { _ in false })
        #expect(set.indicators.map(\.indicator.stixID) == ["indicator--b"])
        #expect(set.cut == [.domain: 1])
    }

    @Test("severity ranks urgent first; the reduced feed carries urgent and important feeds only")
    func severity() {
        #expect(FeedSeverity.allCases.sorted() == [.urgent, .important, .normal, .info])
        #expect(ReducedFeed.carries(Feed(name: "C2", title: "C2", severity: .urgent)))
        #expect(ReducedFeed.carries(Feed(name: "C2", title: "C2", severity: .important)))
        #expect(!ReducedFeed.carries(Feed(name: "C2", title: "C2", severity: .normal)))
        #expect(!ReducedFeed.carries(Feed(name: "C2", title: "C2", severity: .info)))
    }

    @Test("evidence from sighting rows: latest seen (never past when recorded), distinct false-positive and expired orgs")
    func evidence() {
        func row(_ org: String, _ kind: SightingKind, lastSeen: String? = nil, recorded: String) -> SightingRecord {
            SightingRecord(observable: "ipv4-addr:198.51.100.7", organizationID: org, userID: nil, indicatorID: "indicator--a",
                           kind: kind, lastSeen: lastSeen, recordedAt: recorded, via: "api")
        }
        let evidence = FreshnessEvidence(sightings: [
            row("a", .seen, lastSeen: "2026-12-01T00:00:00Z", recorded: "2026-12-02T00:00:00Z"),
            row("b", .seen, lastSeen: "2027-01-01T00:00:00Z", recorded: "2026-12-03T00:00:00Z"),   // claims the future
            row("c", .falsePositive, recorded: "2026-12-04T00:00:00Z"),
            row("c", .falsePositive, recorded: "2026-12-05T00:00:00Z"),
            row("d", .expired, recorded: "2026-12-05T00:00:00Z"),
        ], reporters: 2)
        // 2026-12-03T00:00:00Z in µs.
        #expect(evidence.lastSeenMicroseconds == 1_796_256_000_000_000)
        #expect(evidence.falsePositives == 1 && evidence.expiredReports == 1 && evidence.reporters == 2)
    }

    @Test("observable keys are the ones sightings and corroboration are stored under")
    func keys() {
        #expect(FreshnessKeys.observableKeys(of: [ExportValue(type: .ipv4, value: "198.51.100.7"),
                                                 ExportValue(type: .cidr, value: "2001:db8::/32"),
                                                 ExportValue(type: .domain, value: "c2.example")])
                == ["ipv4-addr:198.51.100.7", "ipv6-addr:2001:db8::/32", "domain-name:c2.example"])
    }
}
