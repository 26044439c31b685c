// The generator of random worlds for the sharing-rules property test: 3–6 organisations, 1–3 trust
// groups with random members, 1–2 feeds with random read grants (to organisations and sometimes to
// groups), read-only users in some organisations, some organisations recorded as clients of others,
// 1–4 submissions by random providers with randomly TLP-marked indicators and malware (TLP 2.0 and
// 1.0 markings, none, or two at once; sometimes a granular marking on the description; sometimes a
// newer version of an object the same provider posted before), then two or three phases of releases,
// revocations, analysts' proposals (approved or left pending), organisations joining groups and
// refused attempts by other organisations, each phase ending with every reader reading every path.
import PropertyBased

enum WorldGen {
    /// Worlds; no shrinker (each run of a world is a whole live server).
    static let worlds: Generator<World, Shrink.None<World>> = Generator { rng in make(&rng) }

    static func make(_ rng: inout any SeededRandomNumberGenerator) -> World {
        func chance(_ p: Double) -> Bool { Double.random(in: 0..<1, using: &rng) < p }
        func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &rng) }

        let organizationCount = int(3...6)
        var groups: [Set<Int>] = []
        for _ in 0..<int(1...3) {
            var members = Set((0..<organizationCount).filter { _ in chance(0.5) })
            if members.isEmpty { members.insert(int(0...organizationCount - 1)) }
            groups.append(members)
        }
        let readOnly = Set((0..<organizationCount).filter { _ in chance(0.4) })
        var clients: [Int: Set<Int>] = [:]
        for o in 0..<organizationCount where chance(0.35) {
            clients[o] = [(0..<organizationCount).filter { $0 != o }.randomElement(using: &rng)!]
        }
        var feeds: [FeedSpec] = []
        for _ in 0..<int(1...2) {
            feeds.append(FeedSpec(readers: Set((0..<organizationCount).filter { _ in chance(0.65) }),
                                  groupReaders: Set(groups.indices.filter { _ in chance(0.2) })))
        }

        var submissions: [SubmissionSpec] = []
        var nextNumber = 1
        for _ in 0..<int(1...4) {
            let provider = int(0...organizationCount - 1)
            let feed = int(0...feeds.count - 1)
            var objects: [ObjectSpec] = []
            // Sometimes a newer version of an object this provider posted to this feed before.
            let earlier = submissions.filter { $0.provider == provider && $0.feed == feed }.flatMap(\.objects)
            if let base = earlier.randomElement(using: &rng), chance(0.3) {
                let versions = submissions.flatMap(\.objects).filter { $0.id == base.id }.count
                objects.append(ObjectSpec(id: base.id, type: base.type,
                                          modified: "2025-06-\(String(format: "%02d", 1 + versions))T00:00:00.000Z",
                                          markings: markings(&rng), granular: granular(&rng)))
            }
            for _ in 0..<int(1...3) {
                let type = chance(0.75) ? "indicator" : "malware"
                let id = "\(type)--00000000-0000-4000-8000-\(String(format: "%012d", nextNumber))"
                nextNumber += 1
                objects.append(ObjectSpec(id: id, type: type, modified: "2025-06-01T00:00:00.000Z",
                                          markings: markings(&rng), granular: granular(&rng)))
            }
            submissions.append(SubmissionSpec(provider: provider, feed: feed, objects: objects))
        }

        func scope() -> ScopeSpec {
            var scope = ScopeSpec(groups: groups.indices.filter { _ in chance(0.3) },
                                  organizations: (0..<organizationCount).filter { _ in chance(0.2) },
                                  allMembers: chance(0.15), isPublic: chance(0.15))
            if !scope.allMembers && !scope.isPublic && scope.groups.isEmpty && scope.organizations.isEmpty {
                if chance(0.5) { scope.groups = [int(0...groups.count - 1)] }
                else { scope.organizations = [int(0...organizationCount - 1)] }
            }
            return scope
        }
        func other(than provider: Int) -> Int {
            let others = (0..<organizationCount).filter { $0 != provider }
            return others.randomElement(using: &rng)!
        }

        var steps: [Step] = []
        var releases: [(submission: Int, revoked: Bool)] = []
        var members = groups
        for _ in 0..<int(2...3) {
            for _ in 0..<int(1...4) {
                let unrevoked = releases.indices.filter { !releases[$0].revoked }
                let joinable = members.indices.flatMap { g in
                    (0..<organizationCount).filter { !members[g].contains($0) }.map { ($0, g) }
                }
                let roll = Double.random(in: 0..<1, using: &rng)
                if roll < 0.25, let r = unrevoked.randomElement(using: &rng) {
                    steps.append(.revoke(release: r))
                    releases[r].revoked = true
                } else if roll < 0.32 {
                    let s = int(0...submissions.count - 1)
                    steps.append(.foreignRelease(submission: s, by: other(than: submissions[s].provider), scope: scope()))
                } else if roll < 0.42, let (o, g) = joinable.randomElement(using: &rng) {
                    steps.append(.join(organization: o, group: g))
                    members[g].insert(o)
                } else if roll < 0.47, let r = releases.indices.randomElement(using: &rng) {
                    steps.append(.foreignRevoke(release: r, by: other(than: submissions[releases[r].submission].provider)))
                } else if roll < 0.6 {
                    let s = int(0...submissions.count - 1)
                    let approve = chance(0.6)
                    steps.append(.propose(submission: s, scope: scope(), approve: approve))
                    if approve { releases.append((s, false)) }
                } else {
                    let s = int(0...submissions.count - 1)
                    steps.append(.release(submission: s, scope: scope()))
                    releases.append((s, false))
                }
            }
            steps.append(.check)
        }
        return World(organizationCount: organizationCount, readOnly: readOnly, clients: clients, groups: groups,
                     feeds: feeds, submissions: submissions, steps: steps)
    }

    static func markings(_ rng: inout any SeededRandomNumberGenerator) -> [MarkingRef] {
        let roll = Double.random(in: 0..<1, using: &rng)
        if roll < 0.2 { return [] }
        let one = MarkingRef.allCases.randomElement(using: &rng)!
        if roll < 0.9 { return [one] }
        return [one, MarkingRef.allCases.filter { $0 != one }.randomElement(using: &rng)!]
    }

    /// A granular marking on the description, for about a third of the objects; mostly the levels
    /// that decide something (RED: named organisations only; AMBER+STRICT: never clients).
    static func granular(_ rng: inout any SeededRandomNumberGenerator) -> MarkingRef? {
        guard Double.random(in: 0..<1, using: &rng) < 0.35 else { return nil }
        return Double.random(in: 0..<1, using: &rng) < 0.6 ? [MarkingRef.red, .amberStrict].randomElement(using: &rng)!
            : MarkingRef.allCases.randomElement(using: &rng)!
    }
}
