// The property test of the sharing rules: random worlds (WorldGenerator) are made real on a hub
// (SQLite, or PostgreSQL: TestHub) behind the real HTTP server; submissions go in by TAXII POST, releases, revocations and
// analysts' proposals by the JSON API; after each phase every reader (each organisation's member, its
// read-only user, recorded clients, a hub analyst, and someone without an account) reads every path —
// TAXII objects (paged with small limits, latest and all versions), object/{id}, versions, manifest,
// match[type], status; the JSON API's submissions list and detail, recipients, proposals (list and
// each), preview, observations and samples; the operator's `kakehashi export` — and what it gets is
// compared, both ways, with the separate statement in SharingRules (granularly marked parts: that
// none reaches a reader its level forbids). A failure prints the world and every offending read.
// Seeded and reproducible (swift-property-based prints the seed of a failing run).
import Foundation
import PropertyBased
import Testing

@Suite("Sharing rules on every read path")
struct SharingPropertyTests {
    /// Worlds per run; each is a fresh hub (SQLite or PostgreSQL) and server. `SHARING_WORLDS=200` runs more.
    static let worldCount = ProcessInfo.processInfo.environment["SHARING_WORLDS"].flatMap(Int.init) ?? 20
    /// The seed of the run: fixed, so CI runs the same worlds every time and a failure is reproduced
    /// by running again; `SHARING_SEED=N` runs other worlds, `SHARING_SEED=random` a fresh seed. This
    /// seed's world 6 found AMBER+STRICT parts reaching a recipient's client (fixed in ConsentDesk),
    /// so the default run keeps checking it.
    static let seed: UInt64 = {
        switch ProcessInfo.processInfo.environment["SHARING_SEED"] {
        case "random": UInt64.random(in: 0...UInt64.max)
        case let text?: UInt64(text) ?? 15830129772785518420
        case nil: 15830129772785518420
        }
    }()
    /// Violation categories to look past while exploring, e.g. `SHARING_TOLERATE=duplicate` (comma-separated);
    /// they are still counted and printed at the end. Empty by default: every category fails the test.
    static let tolerated = Set((ProcessInfo.processInfo.environment["SHARING_TOLERATE"] ?? "")
        .split(separator: ",").map { String($0) })

    @Test("no reader receives what the rules forbid, and every reader receives what they allow")
    func everyReadPathFollowsTheRules() async throws {
        let started = ContinuousClock.now
        var totalRequests = 0, totalChecks = 0
        for index in 0..<Self.worldCount {
            // One generator state per world, from the run's seed and the world's number.
            var rng = Xoshiro(seed: (Self.seed, UInt64(index), 0x5eed, 0x4b414b45))
            let world = WorldGen.worlds.run(using: &rng)
            let (requests, checks) = try await Self.run(world, label: "world \(index) of seed \(Self.seed)")
            totalRequests += requests; totalChecks += checks
        }
        print("sharing rules: \(Self.worldCount) worlds (seed \(Self.seed)), \(totalChecks) read phases, \(totalRequests) requests in \(ContinuousClock.now - started)")
    }

    /// Runs one world; records one issue listing every violation, with the world.
    static func run(_ world: World, label: String) async throws -> (requests: Int, checks: Int) {
        let live = try await LiveWorld.make(world)
        defer { live.hub.remove() }
        let box = ResultBox()
        try await live.withServer { client in
            let probe = Probe(live: live, client: client)
            do {
                try await probe.postSubmissions()
                for step in world.steps { try await probe.run(step) }
            } catch {
                probe.fail("error", "\(error)")
            }
            box.set(probe.violations, probe.requests, probe.checks)
        }
        let (violations, requests, checks) = box.get()
        let failing = violations.filter { violation in !tolerated.contains { violation.hasPrefix("[\($0)]") } }
        if !failing.isEmpty {
            Issue.record("""
                \(failing.count) violation(s) of the sharing rules in \(label) (SHARING_SEED=\(seed) reproduces it).
                \(world)
                \(failing.prefix(40).joined(separator: "\n"))\(failing.count > 40 ? "\n…" : "")
                """)
        } else if !violations.isEmpty {
            print("tolerated in this world: \(violations.count), e.g. \(violations[0])")
        }
        return (requests, checks)
    }
}

final class ResultBox: @unchecked Sendable {
    private let lock = NSLock()
    private var violations: [String] = []
    private var requests = 0, checks = 0
    func set(_ v: [String], _ r: Int, _ c: Int) { lock.withLock { violations = v; requests = r; checks = c } }
    func get() -> ([String], Int, Int) { lock.withLock { (violations, requests, checks) } }
}
