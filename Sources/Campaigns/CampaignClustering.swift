// Campaigns — CampaignClustering.swift
// Owns the campaign candidates: the weighted graph of submissions (edges are evidence links found
// through an index of every linkable value, never by comparing all pairs) clustered incrementally on
// arrival and fully on demand, with the analysts' confirmed campaigns pinned so that they keep their
// identity and members across re-clustering. Results depend only on the submissions and the pins,
// never on arrival order or the process (full re-clustering) — the hub's instances agree.
//
// The method, chosen by measurement on the campaign corpus (Tests/CampaignCorpus, pool A): links
// carrying strong evidence (the same attachment or C2) unite submissions at once; everything else
// joins by average linkage (the mean link weight between two groups, a missing link counting 0) over
// a threshold. Average linkage is what stops chaining: one weak link between two campaigns of ten
// submissions each averages 1/100 of its weight. A link made of similarity alone must agree on at
// least two kinds (subject and body, or naming and X-Mailer …) and weigh 0.5. Connected components
// over the same links let one single attack chain two campaigns: mean ARI 0.928 against 0.994 for
// average linkage at 0.3 (pool A, five seeds; the figures for other thresholds are in the README).

/// A campaign the analysts confirmed: its identity and the submissions they put in it.
public struct CampaignPin: Sendable, Hashable, Codable {
    public var campaignID: String
    public var submissionIDs: [String]

    public init(campaignID: String, submissionIDs: [String]) {
        self.campaignID = campaignID; self.submissionIDs = submissionIDs
    }
}

/// A campaign candidate (or a confirmed campaign, when pinned).
public struct CampaignCandidate: Sendable, Hashable, Codable {
    /// The pin's id for a confirmed campaign; `candidate-<smallest submission id>` otherwise.
    public var id: String
    public var confirmed: Bool
    public var submissionIDs: [String]
}

/// How the engine clusters.
public struct ClusteringSettings: Sendable {
    public var weights: EvidenceWeights
    public var exclusions: ValueExclusions
    /// A link with strong evidence and at least this weight unites its two submissions at once.
    public var strongLinkWeight = 1.0
    /// Two groups join when their mean link weight (missing links count 0) reaches this.
    public var averageLinkage = 0.3
    /// A link without strong or medium evidence needs this many distinct kinds of similarity…
    public var minimumWeakKinds = 2
    /// …and at least this weight: a common mailer and a stock subject phrase are not a campaign.
    public var minimumWeakWeight = 0.5

    public init(weights: EvidenceWeights = EvidenceWeights(), exclusions: ValueExclusions = .freeMail) {
        self.weights = weights; self.exclusions = exclusions
    }
}

/// What happened when one submission arrived.
public struct CampaignArrival: Sendable, Hashable {
    public enum Outcome: Sendable, Hashable {
        /// A new candidate of one submission.
        case created
        /// Joined an existing candidate or confirmed campaign.
        case joined
        /// Joined, and its links merged these other candidates into the one it joined.
        case merged([String])
    }
    public var submissionID: String
    public var campaignID: String
    public var outcome: Outcome
    /// Confirmed campaigns it also links to strongly; never merged automatically (the analysts decide).
    public var alsoLinksToConfirmed: [String]
    /// Its links to earlier submissions, with the shared values.
    public var links: [EvidenceLink]
}

/// The campaign clustering engine.
///
/// ```swift
/// var engine = CampaignClustering(settings: ClusteringSettings())
/// let arrival = engine.add(traits)                 // incremental: .created, .joined or .merged
/// engine.pin(CampaignPin(campaignID: "campaign--1", submissionIDs: ["s1", "s2"]))
/// let candidates = engine.recluster()              // full: confirmed campaigns keep their ids
/// ```
public struct CampaignClustering: Sendable {
    public var settings: ClusteringSettings
    public private(set) var traits: [SubmissionTraits] = []
    var positions: [String: Int] = [:]
    /// Index key → positions holding it: exact values by kind, and similarity buckets.
    var index: [String: [Int32]] = [:]
    /// Position → its index keys (computed once: building them is most of an arrival's cost).
    var keysByPosition: [[String]] = []
    /// Position → cluster id.
    var cluster: [String] = []
    var members: [String: [Int]] = [:]
    /// Submission id → confirmed campaign id.
    var pinned: [String: String] = [:]

    public init(settings: ClusteringSettings = ClusteringSettings()) {
        self.settings = settings
    }

    /// The current candidates and confirmed campaigns, ordered by id.
    public var candidates: [CampaignCandidate] {
        members.keys.sorted().map { id in
            CampaignCandidate(id: id, confirmed: isConfirmed(id),
                              submissionIDs: members[id, default: []].map { traits[$0].submissionID }.sorted())
        }
    }

    /// The campaign (candidate or confirmed) a submission is in.
    public func campaign(of submissionID: String) -> String? {
        positions[submissionID].map { cluster[$0] }
    }

    func isConfirmed(_ id: String) -> Bool { !id.hasPrefix(Self.candidatePrefix) }
    static let candidatePrefix = "candidate-"

    // MARK: - Pins

    /// Confirms a campaign: its submissions (those already added, and those added later) stay in it,
    /// under its id, across every re-clustering. A submission is in at most one confirmed campaign:
    /// pinning it again moves it.
    public mutating func pin(_ pin: CampaignPin) {
        for id in pin.submissionIDs { pinned[id] = pin.campaignID }
        for id in pin.submissionIDs { if let position = positions[id] { move(position, to: pin.campaignID) } }
    }

    /// Forgets a confirmed campaign (rejected or split by the analysts); its submissions become
    /// candidates again at the next re-clustering.
    public mutating func unpin(_ campaignID: String) {
        pinned = pinned.filter { $0.value != campaignID }
    }

    mutating func move(_ position: Int, to id: String) {
        let old = cluster[position]
        guard old != id else { return }
        members[old]?.removeAll { $0 == position }
        if members[old]?.isEmpty == true { members[old] = nil }
        cluster[position] = id
        members[id, default: []].append(position)
    }

    // MARK: - Links

    var linking: EvidenceLinking {
        EvidenceLinking(weights: settings.weights, exclusions: settings.exclusions)
    }

    /// The links of a submission to every other submission sharing evidence with it.
    public func links(of submissionID: String) -> [EvidenceLink] {
        guard let position = positions[submissionID] else { return [] }
        var linker = linking
        linker.tooCommon = tooCommonValues(of: position)
        return neighbours(of: position).map { linker.link(traits[position], traits[$0]) }
            .filter { !$0.evidence.isEmpty || !$0.excluded.isEmpty }
    }

    /// Whether a link counts as an edge, and its weight.
    func edgeWeight(_ link: EvidenceLink) -> Double? {
        guard !link.evidence.isEmpty else { return nil }
        let hasInfrastructure = link.evidence.contains { $0.kind.strength != .weak }
        guard hasInfrastructure || (link.weakKinds >= settings.minimumWeakKinds && link.weight >= settings.minimumWeakWeight)
        else { return nil }
        return min(link.weight, 1)
    }

    func isUniting(_ link: EvidenceLink) -> Bool {
        link.isStrong && link.weight >= settings.strongLinkWeight
    }

    // MARK: - Index

    /// The index keys of a submission: each exact value by kind, and the buckets of its templates
    /// and digests (banded MinHash, TLSH pieces) that find similar submissions.
    static func keys(of traits: SubmissionTraits) -> [String] {
        var keys: [String] = []
        for kind in SubmissionTraits.exactKinds {
            for value in traits.values(of: kind) { keys.append(kind.rawValue + "\u{1}" + value) }
        }
        keys += bands(traits.subjectSignature, rows: 2, tag: "s")
        keys += bands(traits.bodySignature, rows: 3, tag: "b")
        for digest in traits.attachmentTLSH { keys += TLSHDistance.pieces(digest).map { "t\u{1}" + $0 } }
        return keys
    }

    static func bands(_ signature: [UInt64], rows: Int, tag: String) -> [String] {
        guard !signature.isEmpty else { return [] }
        return stride(from: 0, to: signature.count - rows + 1, by: rows).map { start in
            var hash: UInt64 = UInt64(start)
            for value in signature[start..<(start + rows)] { hash = StableHash.mix(hash ^ value) }
            return "\(tag)\u{1}\(start)\u{1}\(hash)"
        }
    }

    func isTooCommon(_ key: String) -> Bool { (index[key]?.count ?? 0) > settings.weights.commonValueLimit }

    /// Positions sharing at least one usable key with `position`, in ascending order.
    func neighbours(of position: Int, below limit: Int? = nil) -> [Int] {
        var found = Set<Int>()
        for key in keysByPosition[position] where !isTooCommon(key) {
            for other in index[key, default: []] where Int(other) != position && Int(other) < (limit ?? Int.max) {
                found.insert(Int(other))
            }
        }
        return found.sorted()
    }

    func tooCommonValues(of position: Int) -> [EvidenceKind: Set<String>] {
        var result: [EvidenceKind: Set<String>] = [:]
        for kind in SubmissionTraits.exactKinds {
            for value in traits[position].values(of: kind) where isTooCommon(kind.rawValue + "\u{1}" + value) {
                result[kind, default: []].insert(value)
            }
        }
        return result
    }

    mutating func insert(_ new: SubmissionTraits) -> Int {
        let position = traits.count
        traits.append(new)
        positions[new.submissionID] = position
        let keys = Self.keys(of: new)
        keysByPosition.append(keys)
        for key in keys { index[key, default: []].append(Int32(position)) }
        return position
    }

    // MARK: - Incremental

    /// Adds one submission and places it: in the confirmed campaign or candidate it links to
    /// strongly (merging the candidates it links strongly to), else in the one whose mean link
    /// weight to it is highest and reaches `averageLinkage`, else in a new candidate.
    /// Adding a submission id again replaces nothing and returns its current place.
    public mutating func add(_ new: SubmissionTraits) -> CampaignArrival {
        if let position = positions[new.submissionID] {
            return CampaignArrival(submissionID: new.submissionID, campaignID: cluster[position], outcome: .joined,
                                   alsoLinksToConfirmed: [], links: [])
        }
        let position = insert(new)
        var linker = linking
        linker.tooCommon = tooCommonValues(of: position)
        let links = neighbours(of: position).map { linker.link(new, traits[$0]) }
            .filter { !$0.evidence.isEmpty || !$0.excluded.isEmpty }
        var sums: [String: Double] = [:]
        var uniting = Set<String>()
        for link in links {
            guard let weight = edgeWeight(link), let other = positions[link.second] else { continue }
            sums[cluster[other], default: 0] += weight
            if isUniting(link) { uniting.insert(cluster[other]) }
        }
        let (target, outcome, confirmedElsewhere) = place(position, sums: sums, uniting: uniting)
        cluster.append(target)
        members[target, default: []].append(position)
        if case .merged(let absorbed) = outcome {
            for id in absorbed { for other in members[id] ?? [] { move(other, to: target) } }
        }
        return CampaignArrival(submissionID: new.submissionID, campaignID: target, outcome: outcome,
                               alsoLinksToConfirmed: confirmedElsewhere, links: links)
    }

    func place(_ position: Int, sums: [String: Double], uniting: Set<String>)
        -> (String, CampaignArrival.Outcome, [String]) {
        let id = traits[position].submissionID
        if let campaign = pinned[id] {
            let others = uniting.filter { $0 != campaign && isConfirmed($0) }.sorted()
            let absorbed = uniting.filter { !isConfirmed($0) }.sorted()
            return (campaign, absorbed.isEmpty ? (members[campaign] == nil ? .created : .joined) : .merged(absorbed), others)
        }
        if !uniting.isEmpty {
            // A confirmed campaign first (the heaviest), else the candidate with the smallest id.
            let confirmed = uniting.filter(isConfirmed).sorted { (sums[$0] ?? 0, $1) > (sums[$1] ?? 0, $0) }
            let target = confirmed.first ?? uniting.sorted().first!
            let absorbed = uniting.filter { $0 != target && !isConfirmed($0) }.sorted()
            let renamed = isConfirmed(target) || absorbed.isEmpty ? target
                : candidateID(for: (absorbed + [target]).flatMap { members[$0] ?? [] } + [position])
            let outcome: CampaignArrival.Outcome = absorbed.isEmpty ? .joined : .merged(absorbed)
            return (renamed, renamedOutcome(outcome, target: target, renamed: renamed), Array(confirmed.dropFirst()))
        }
        let best = sums.map { (id: $0.key, score: $0.value / Double(members[$0.key]?.count ?? 1)) }
            .filter { $0.score >= settings.averageLinkage }
            .sorted { ($0.score, $1.id) > ($1.score, $0.id) }.first
        if let best {
            let renamed = isConfirmed(best.id) ? best.id : candidateID(for: (members[best.id] ?? []) + [position])
            return (renamed, renamedOutcome(.joined, target: best.id, renamed: renamed), [])
        }
        return (candidateID(for: [position]), .created, [])
    }

    /// A candidate keeps the id of its smallest submission id, so joining may rename it: the old id
    /// is then reported as merged.
    func renamedOutcome(_ outcome: CampaignArrival.Outcome, target: String, renamed: String) -> CampaignArrival.Outcome {
        guard renamed != target else { return outcome }
        if case .merged(let absorbed) = outcome { return .merged((absorbed + [target]).sorted()) }
        return .merged([target])
    }

    func candidateID(for positions: [Int]) -> String {
        Self.candidatePrefix + (positions.map { traits[$0].submissionID }.min() ?? "")
    }

    /// The submissions in a candidate or confirmed campaign, ordered by id.
    public func submissions(in campaignID: String) -> [String] {
        (members[campaignID] ?? []).map { traits[$0].submissionID }.sorted()
    }

    /// The traits of one submission, when added.
    public func traits(of submissionID: String) -> SubmissionTraits? {
        positions[submissionID].map { traits[$0] }
    }

    // MARK: - Full re-clustering

    /// Clusters every submission again from scratch and returns the candidates and confirmed
    /// campaigns. Confirmed campaigns keep their ids and members, and may grow; two confirmed
    /// campaigns never merge. The result depends only on the submissions and the pins.
    @discardableResult
    public mutating func recluster() -> [CampaignCandidate] {
        let order = traits.indices.sorted { traits[$0].submissionID < traits[$1].submissionID }
        var sorted = CampaignClustering(settings: settings)
        sorted.pinned = pinned
        for position in order { _ = sorted.insert(traits[position]) }
        let labels = sorted.clusterAll()
        self.traits = sorted.traits
        self.positions = sorted.positions
        self.index = sorted.index
        self.keysByPosition = sorted.keysByPosition
        self.cluster = labels
        self.members = [:]
        for (position, id) in labels.enumerated() { members[id, default: []].append(position) }
        return candidates
    }

    /// A full clustering of `traits` (each submission once) under `pins`, as `recluster()` makes
    /// it, without placing each submission on arrival first: what a hub re-clustering its stored
    /// submissions starts from.
    ///
    /// ```swift
    /// let engine = CampaignClustering.clustering(stored, pins: confirmed, settings: settings)
    /// engine.candidates
    /// ```
    public static func clustering(_ traits: [SubmissionTraits], pins: [CampaignPin],
                                  settings: ClusteringSettings) -> CampaignClustering {
        var engine = CampaignClustering(settings: settings)
        for pin in pins { for id in pin.submissionIDs { engine.pinned[id] = pin.campaignID } }
        var seen = Set<String>()
        for item in traits.sorted(by: { $0.submissionID < $1.submissionID }) where seen.insert(item.submissionID).inserted {
            _ = engine.insert(item)
        }
        let labels = engine.clusterAll()
        engine.cluster = labels
        for (position, id) in labels.enumerated() { engine.members[id, default: []].append(position) }
        return engine
    }

    /// The edges of the whole graph: each linked pair once (lower position first), with its weight
    /// and whether it unites at once.
    func allEdges() -> [(Int, Int, Double, Bool)] {
        var edges: [(Int, Int, Double, Bool)] = []
        for position in traits.indices {
            var linker = linking
            linker.tooCommon = tooCommonValues(of: position)
            for other in neighbours(of: position, below: position) {
                let link = linker.link(traits[position], traits[other])
                if let weight = edgeWeight(link) { edges.append((other, position, weight, isUniting(link))) }
            }
        }
        return edges
    }

    func clusterAll() -> [String] {
        var groups = DisjointSets(count: traits.count)
        var pinOf: [Int: String] = [:]
        var pinRoot: [String: Int] = [:]
        for position in traits.indices {
            guard let campaign = pinned[traits[position].submissionID] else { continue }
            if let root = pinRoot[campaign] { groups.union(root, position) } else { pinRoot[campaign] = position }
        }
        for (campaign, position) in pinRoot { pinOf[groups.find(position)] = campaign }
        func pinnedApart(_ a: Int, _ b: Int) -> Bool {
            let (ra, rb) = (groups.find(a), groups.find(b))
            return ra != rb && pinOf[ra] != nil && pinOf[rb] != nil
        }
        func unite(_ a: Int, _ b: Int) {
            let (ra, rb) = (groups.find(a), groups.find(b))
            guard ra != rb else { return }
            let pin = pinOf[ra] ?? pinOf[rb]
            pinOf[ra] = nil; pinOf[rb] = nil
            let root = groups.union(ra, rb)
            if let pin { pinOf[root] = pin }
        }
        let edges = allEdges()
        for (a, b, _, uniting) in edges where uniting && !pinnedApart(a, b) { unite(a, b) }
        // Average linkage, in rounds: every pair of groups over the threshold, best first, each group
        // joining at most once per round; until a round joins nothing.
        while true {
            var sums: [UInt64: Double] = [:]
            for (a, b, weight, _) in edges {
                let (ra, rb) = (groups.find(a), groups.find(b))
                guard ra != rb else { continue }
                sums[UInt64(min(ra, rb)) << 32 | UInt64(max(ra, rb)), default: 0] += weight
            }
            var candidates: [(score: Double, a: Int, b: Int)] = []
            for (key, sum) in sums {
                let (ra, rb) = (Int(key >> 32), Int(key & 0xffff_ffff))
                let score = sum / Double(groups.size(ra) * groups.size(rb))
                if score >= settings.averageLinkage, !(pinOf[ra] != nil && pinOf[rb] != nil) {
                    candidates.append((score, ra, rb))
                }
            }
            guard !candidates.isEmpty else { break }
            candidates.sort { ($0.score, $1.a, $1.b) > ($1.score, $0.a, $0.b) }
            var touched = Set<Int>()
            for candidate in candidates where !touched.contains(candidate.a) && !touched.contains(candidate.b) {
                touched.insert(candidate.a); touched.insert(candidate.b)
                unite(candidate.a, candidate.b)
            }
        }
        // Ids: the pin's, else the smallest submission id of the group.
        var smallest: [Int: String] = [:]
        for position in traits.indices {
            let root = groups.find(position)
            let id = traits[position].submissionID
            if smallest[root].map({ id < $0 }) ?? true { smallest[root] = id }
        }
        return traits.indices.map { position in
            let root = groups.find(position)
            return pinOf[root] ?? (Self.candidatePrefix + smallest[root]!)
        }
    }
}

/// Union–find with sizes; the root of a union is the smaller root position, so results do not
/// depend on the order of unions.
struct DisjointSets {
    var parent: [Int]
    var sizes: [Int]

    init(count: Int) { parent = Array(0..<count); sizes = Array(repeating: 1, count: count) }

    mutating func find(_ x: Int) -> Int {
        var root = x
        while parent[root] != root { root = parent[root] }
        var node = x
        while parent[node] != root { let next = parent[node]; parent[node] = root; node = next }
        return root
    }

    @discardableResult
    mutating func union(_ a: Int, _ b: Int) -> Int {
        let (ra, rb) = (find(a), find(b))
        guard ra != rb else { return ra }
        let (root, child) = ra < rb ? (ra, rb) : (rb, ra)
        parent[child] = root
        sizes[root] += sizes[child]
        return root
    }

    func size(_ root: Int) -> Int { sizes[root] }
}
