// The freshness sweep's decision as pure rules (FreshnessSweep.ending), against instants computed by
// hand: a fresh indicator needs no version; an expired one ends at the instant its score fell under
// the threshold; a false-positive report revokes it; an indicator already revoked, or already carrying
// a valid_until no later than its freshness (or one that passed), is left alone.
import Distribution
import Foundation
import Storage
import Testing

@Suite("Distribution: freshness sweep")
struct FreshnessSweepTests {
    static let day: Int64 = 86_400_000_000
    static let start: Int64 = 1_800_000_000_000_000

    static func address(confidence: Int = 80, validUntil: Int64? = nil, revoked: Bool = false) -> ExportIndicator {
        ExportIndicator(stixID: "indicator--a", name: "", modifiedMicroseconds: start, createdMicroseconds: start,
                        validUntilMicroseconds: validUntil, confidence: confidence, revoked: revoked,
                        values: [ExportValue(type: .ipv4, value: "198.51.100.7")])
    }

    static func ending(_ indicator: ExportIndicator, _ evidence: FreshnessEvidence = .none, at now: Int64) -> FreshnessSweep.Ending? {
        FreshnessSweep.ending(of: indicator, evidence: evidence, defaults: .standard, feed: nil, nowMicroseconds: now)
    }

    @Test("fresh: nothing; expired: valid_until the instant it expired (base 80 on an address: 1,012,500 s)")
    func expiry() {
        let expires = Self.start + 1_012_500_000_000
        #expect(Self.ending(Self.address(), at: Self.start + 11 * Self.day) == nil)
        #expect(Self.ending(Self.address(), at: expires - 1) == nil)
        #expect(Self.ending(Self.address(), at: expires) == .validUntil(expires))
        #expect(Self.ending(Self.address(), at: Self.start + 40 * Self.day) == .validUntil(expires))
    }

    @Test("a false-positive report revokes; already revoked or already ending by valid_until: nothing")
    func withdrawn() {
        let reported = FreshnessEvidence(reporters: 1, falsePositives: 1)
        // 80 − 50 = 30, the threshold: expired from its version on.
        #expect(Self.ending(Self.address(), reported, at: Self.start + 1) == .revoked)
        #expect(Self.ending(Self.address(revoked: true), reported, at: Self.start + 1) == nil)
        let expires = Self.start + 1_012_500_000_000
        #expect(Self.ending(Self.address(validUntil: expires), at: Self.start + 40 * Self.day) == nil)
        #expect(Self.ending(Self.address(validUntil: Self.start + Self.day), at: Self.start + 40 * Self.day) == nil)
        // A valid_until later than its freshness, not passed yet: the earlier end is told.
        let late = Self.start + 300 * Self.day
        #expect(Self.ending(Self.address(validUntil: late), at: Self.start + 40 * Self.day) == .validUntil(expires))
    }
}
