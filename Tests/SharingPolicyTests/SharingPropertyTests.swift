// The property test of the sharing rules: random worlds (WorldGenerator) are made real on a SQLite
// hub behind the real HTTP server; submissions go in by TAXII POST, releases and revocations by the
// JSON API; after each phase every reader (each organisation's member and a hub analyst) reads every
// path — TAXII objects (paged with small limits, latest and all versions), object/{id}, versions,
// manifest, match[type]; the JSON API's submissions list, submission and recipients — and what it gets
// is compared, both ways, with the separate statement in SharingRules. A failure prints the world and
// every offending read.
import Foundation
import PropertyBased
import Testing

@Suite("Sharing rules on every read path")
struct SharingPropertyTests {
    /// Worlds per run; each is a fresh SQLite hub and server. `SHARING_WORLDS=200` runs more.
    static let worldCount = ProcessInfo.processInfo.environment["SHARING_WORLDS"].flatMap(Int.init) ?? 20
    /// Violation categories to look past while exploring, e.g. `SHARING_TOLERATE=duplicate` (comma-separated);
    /// they are still counted and printed at the end. Empty by default: every category fails the test.
    static let tolerated = Set((ProcessInfo.processInfo.environment["SHARING_TOLERATE"] ?? "")
        .split(separator: ",").map { String($0) })

    @Test("no reader receives what the rules forbid, and every reader receives what they allow", .shrinking(false))
    func everyReadPathFollowsTheRules() async throws {
        let started = ContinuousClock.now
        var totalRequests = 0, totalWorlds = 0, totalChecks = 0
        await propertyCheck(count: Self.worldCount, input: WorldGen.worlds) { world in
            let (requests, checks) = try await Self.run(world)
            totalRequests += requests; totalChecks += checks; totalWorlds += 1
        }
        print("sharing rules: \(totalWorlds) worlds, \(totalChecks) read phases, \(totalRequests) HTTP requests in \(ContinuousClock.now - started)")
    }

    /// Runs one world; records one issue listing every violation, with the world.
    static func run(_ world: World) async throws -> (requests: Int, checks: Int) {
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
                \(failing.count) violation(s) of the sharing rules.
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
