// Distribution — FreshnessSweep: expired indicators reach TAXII consumers as a new version, so devices
// remove what they added. An indicator the hub created — an anonymised released copy or a
// corroborated indicator (`created_by_ref` the hub's identity) — whose freshness fell under its feed's
// threshold gets a new version: the same id, a later `modified`, and `valid_until` the instant it
// expired, or `revoked: true` when members reported it a false positive. It is appended as any
// version is (the object log, the search and observable indexes), readable by exactly those who
// could read the version it supersedes, with an audit entry; at most once per superseded version, so
// a second sweep, or a second hub process sweeping the same database, adds nothing.
//
// STIX 2.1 (§3.6) lets only an object's creator make new versions of it: a member's own originals,
// and copies released without anonymisation (which keep the member's id and `created_by_ref`), are
// never versioned by the hub. They still leave every blocklist export when they expire; a member
// that wants TAXII consumers told sets `valid_until` or revokes the indicator itself.
import Foundation
import SharingPolicy
import STIX
import Storage

/// What one sweep did.
public struct FreshnessSweepReport: Sendable, Equatable {
    /// Hub-created indicators looked at (latest versions).
    public var examined = 0
    /// New versions with `valid_until` set.
    public var expired = 0
    /// New versions with `revoked: true`.
    public var revoked = 0
    /// Expired indicators another process (or an earlier sweep) versioned first, or nobody may read.
    public var skipped = 0

    public init() {}
}

/// The freshness sweep (the server runs it periodically; `kakehashi freshness sweep` once).
///
/// ```swift
/// let sweep = FreshnessSweep(store: store, policy: policy, hubIdentityID: settings.hubIdentityID)
/// let report = try await sweep.sweep()                              // now
/// let later = try await sweep.sweep(asOfMicroseconds: tomorrow)     // as freshness stands then
/// ```
public struct FreshnessSweep: Sendable {
    public let store: any HubStore
    public let policy: PolicyEngine
    /// The hub's STIX identity: indicators it created carry it as `created_by_ref`.
    public let hubIdentityID: String
    public let freshness: FreshnessDefaults
    /// The wall clock, microseconds: the new versions' `modified`.
    public let clock: @Sendable () -> Int64

    public init(store: any HubStore, policy: PolicyEngine, hubIdentityID: String, freshness: FreshnessDefaults = .standard,
                clock: @escaping @Sendable () -> Int64 = { STIXTimestamp.now().microsecondsSinceEpoch }) {
        self.store = store; self.policy = policy; self.hubIdentityID = hubIdentityID; self.freshness = freshness
        self.clock = clock
    }

    /// Versions every hub-created indicator that has expired at `asOfMicroseconds` (nil: now).
    public func sweep(asOfMicroseconds: Int64? = nil) async throws -> FreshnessSweepReport {
        let now = asOfMicroseconds ?? clock()
        let hubOrganization = try await store.organizations().first { $0.sector == "hub" }?.id
        var report = FreshnessSweepReport()
        for feed in try await store.feeds() {
            let candidates = try await hubIndicators(in: feed)
            report.examined += candidates.count
            for start in stride(from: 0, to: candidates.count, by: 500) {
                let chunk = Array(candidates[start..<min(start + 500, candidates.count)])
                let evidence = try await FreshnessEvidence.read(for: chunk.map(\.indicator), from: store)
                for candidate in chunk {
                    let found = evidence[candidate.indicator.stixID] ?? .none
                    guard let ending = Self.ending(of: candidate.indicator, evidence: found, defaults: freshness,
                                                   feed: feed.decay, nowMicroseconds: now) else { continue }
                    let stored = try await version(candidate, ending: ending, feed: feed, organizationID: hubOrganization)
                    switch (stored, ending) {
                    case (false, _): report.skipped += 1
                    case (true, .revoked): report.revoked += 1
                    case (true, .validUntil): report.expired += 1
                    }
                }
            }
        }
        return report
    }

    /// How an expired indicator ends for its consumers.
    public enum Ending: Sendable, Equatable {
        /// It expired at this instant (µs).
        case validUntil(Int64)
        /// Members reported it a false positive: withdrawn.
        case revoked
    }

    /// How `indicator` ends at `nowMicroseconds`, or nil when it needs no new version: still fresh,
    /// already revoked, or already carrying a `valid_until` no later than its freshness ends (or passed).
    ///
    /// ```swift
    /// FreshnessSweep.ending(of: indicator, evidence: .none, defaults: .standard, feed: nil, nowMicroseconds: now)
    /// ```
    public static func ending(of indicator: ExportIndicator, evidence: FreshnessEvidence, defaults: FreshnessDefaults,
                              feed decay: FeedDecay?, nowMicroseconds now: Int64) -> Ending? {
        guard !indicator.revoked else { return nil }
        let until = Freshness.freshUntil(indicator, evidence: evidence, defaults: defaults, feed: decay)
        if let validUntil = indicator.validUntilMicroseconds, validUntil <= until || validUntil <= now { return nil }
        guard until <= now else { return nil }
        return evidence.falsePositives > 0 ? .revoked : .validUntil(until)
    }

    // MARK: - Reading and writing

    struct Candidate {
        var object: StoredObject
        var indicator: ExportIndicator
    }

    /// The latest version of every indicator series of `feed` the hub created (each release's copy is
    /// a series of its own), read as one of the hub's own reads.
    func hubIndicators(in feed: Feed) async throws -> [Candidate] {
        let reader = policy.hubReader(feedID: feed.id, purpose: .freshnessSweep)
        var candidates: [Candidate] = []
        for object in try await reader.all(ObjectQuery(feedID: feed.id, types: ["indicator"], versions: .latest, limit: 5000)) {
            guard let json = try? JSONParser.parse(Array(object.bytes)),
                  json["created_by_ref"]?.stringValue == hubIdentityID,
                  let indicator = ExportIndicator.read(object.bytes) else { continue }
            candidates.append(Candidate(object: object, indicator: indicator))
        }
        return candidates
    }

    /// Appends the new version of `candidate`; false when the store had it versioned already.
    func version(_ candidate: Candidate, ending: Ending, feed: Feed, organizationID: String?) async throws -> Bool {
        guard case .object(var properties)? = try? JSONParser.parse(Array(candidate.object.bytes)) else { return false }
        let previous = candidate.indicator.modifiedMicroseconds
        let modified = max(clock(), previous + 1_000)
        let modifiedText = STIXTimestamp.formatting(microseconds: modified)
        properties["modified"] = .string(modifiedText)
        var details = ["change": "freshness-sweep", "feed": feed.id, "supersedes": candidate.object.version]
        switch ending {
        case .revoked:
            properties["revoked"] = .bool(true)
            details["outcome"] = "revoked: reported a false positive"
        case .validUntil(let instant):
            // STIX requires valid_until after valid_from: an indicator that expired at once ends just after it began.
            let validFrom = properties["valid_from"]?.stringValue.flatMap(STIXTimestamp.init)?.microsecondsSinceEpoch ?? .min
            let text = STIXTimestamp.formatting(microseconds: max(instant, validFrom.addingReportingOverflow(1_000).partialValue))
            properties["valid_until"] = .string(text)
            details["outcome"] = "valid_until \(text)"
        }
        let value = JSONValue.object(properties)
        guard case .success = STIXValidator.validate(value) else {
            throw FreshnessSweepError("the swept version of \(candidate.indicator.stixID) is not valid STIX 2.1")
        }
        var object = IncomingObject(stixID: candidate.object.stixID, type: "indicator", specVersion: "2.1",
                                    version: modifiedText, versionMicroseconds: modified, bytes: value.serialized(),
                                    tlp: candidate.object.tlp)
        object.revokes = ending == .revoked
        let audit = AuditEvent(action: .write, actorUserID: nil, actorOrganizationID: organizationID,
                               subject: candidate.object.stixID, details: details)
        return try await store.appendSweptVersion(SweptVersion(feedID: feed.id, supersedes: candidate.object.position,
                                                               object: object), audit: audit) != nil
    }
}

/// The sweep made a version that is not valid STIX (a programming error: nothing was stored).
public struct FreshnessSweepError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}
