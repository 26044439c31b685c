// DemoCorpus — CorpusBuilder.swift
// Owns the state of one corpus generation: the output list (feed, JSON) capped at the requested
// count, the corpus clock, SCO de-duplication, and the records of earlier objects that later ones
// refer to, sight or re-version. Objects are emitted so that every reference points backwards,
// which makes any prefix of the output referentially closed.

/// A custom (x_) property value.
enum CustomValue {
    case string(String)
    case int(Int)
    case bool(Bool)
}

/// An indicator as generated, kept so that it can be sighted, reported on, or re-versioned.
struct IndicatorRecord {
    let id: String
    let feed: String
    let createdBy: String
    let created: Int64
    var modified: Int64
    let name: String
    var descriptionJa: String
    var descriptionEn: String
    let pattern: String
    let types: [String]
    let validFrom: Int64
    var validUntil: Int64?
    var confidence: Int
    let labels: [String]
    let marking: DemoTLP
    let phases: [String]
    let custom: [(String, CustomValue)]
    let externalReference: (source: String, externalID: String)?
    let campaign: Int?
    var revoked: Bool = false
    /// True when the pattern names network infrastructure that other members may also see.
    let isInfrastructure: Bool
}

/// A campaign's mutable part (for later versions with a new last_seen).
struct CampaignRecord {
    let id: String
    let created: Int64
    var modified: Int64
    let firstSeen: Int64
    var lastSeen: Int64
}

/// Ids of the fixed knowledge objects, filled in by `buildCore()`.
struct CatalogIDs {
    var hub = ""
    var organizations: [String] = []
    /// Sector "class" identities (anonymised targets), keyed by Japanese sector name.
    var sectors: [String: String] = [:]
    var japan = ""
    var tokyo = ""
    var techniques: [String] = []
    var vulnerabilities: [String] = []
    var coursesOfAction: [String] = []
    var malware: [String] = []
    var tools: [String] = []
    var actors: [String] = []
    var intrusionSets: [String] = []
}

struct CorpusBuilder {
    var rng: DemoRandom
    let target: Int
    var out: [(feed: String, json: String)] = []
    var scoSeen = Set<String>()
    var ids = CatalogIDs()
    var indicators: [IndicatorRecord] = []
    var indicatorsByCampaign: [[Int]] = Array(repeating: [], count: ThreatCatalog.campaigns.count)
    var campaigns: [CampaignRecord] = []
    var bankTargetIndicator: [String: Int] = [:]
    var bankTargetRelations = Set<String>()
    /// Clock of the cluster being generated (epoch ms).
    var now: Int64 = DemoTime.windowStart
    /// End of the knowledge-building phase; clusters spread from here to the window's end.
    var coreEnd: Int64 = DemoTime.windowStart

    init(count: Int, seed: UInt64) {
        rng = DemoRandom(seed: seed ^ 0x4B41_4B45_4841_5348)  // "KAKEHASH"
        target = max(0, count)
        out.reserveCapacity(target)
    }

    var full: Bool { out.count >= target }

    mutating func emit(_ feed: String, _ json: String) {
        if out.count < target { out.append((feed, json)) }
    }

    /// Emits the SCO of `observable` once per corpus (marked as where it first appears); returns its
    /// id (nil for a bare subject).
    @discardableResult
    mutating func emitSCO(_ feed: String, _ observable: Observable, marking: DemoTLP) -> String? {
        guard let sco = observable.sco(marking: marking) else { return nil }
        if scoSeen.insert(sco.id).inserted { emit(feed, sco.json) }
        return sco.id
    }

    // MARK: Time

    /// Advances the clock in proportion to how much of the corpus has been written.
    mutating func advanceClock() {
        let span = DemoTime.windowEnd - 2 * DemoTime.millisPerDay - coreEnd
        let fraction = Double(out.count) / Double(max(target, 1))
        let base = coreEnd + Int64(Double(span) * fraction)
        now = max(now, base + Int64(rng.int(Int(6 * DemoTime.millisPerHour))))
    }

    /// A timestamp a little after the cluster clock, rounded to the millisecond.
    mutating func stamp(withinHours hours: Int = 3) -> Int64 {
        min(now + Int64(rng.int(max(1, hours) * Int(DemoTime.millisPerHour))), DemoTime.windowEnd - 1)
    }

    /// A modification time at or after `created` (usually equal; sometimes hours or days later).
    mutating func modifiedAfter(_ created: Int64) -> Int64 {
        let later: Int64
        switch rng.int(10) {
        case 0..<6: later = created
        case 6..<9: later = created + Int64(rng.int(Int(12 * DemoTime.millisPerHour)))
        default: later = created + Int64(rng.int(Int(5 * DemoTime.millisPerDay)))
        }
        return min(later, DemoTime.windowEnd - 1)
    }

    mutating func days(_ range: ClosedRange<Int>) -> Int64 {
        Int64(rng.int(in: range)) * DemoTime.millisPerDay
    }

    // MARK: Common property helpers

    /// Writes type, spec_version, id, created_by_ref, created, modified.
    func header(_ o: inout JSONObject, type: String, id: String, createdBy: String?, created: Int64, modified: Int64) {
        o.string("type", type)
        o.string("spec_version", "2.1")
        o.string("id", id)
        o.string("created_by_ref", ifPresent: createdBy)
        o.timestamp("created", created)
        o.timestamp("modified", modified)
    }

    func markings(_ o: inout JSONObject, _ tlp: DemoTLP) {
        o.strings("object_marking_refs", [tlp.markingID])
    }

    func custom(_ o: inout JSONObject, _ properties: [(String, CustomValue)]) {
        for (k, v) in properties {
            switch v {
            case .string(let s): o.string(k, s)
            case .int(let i): o.int(k, i)
            case .bool(let b): o.bool(k, b)
            }
        }
    }

    /// "日本語\n\nEnglish".
    static func bilingual(_ ja: String, _ en: String) -> String { ja + "\n\n" + en }

    func sectorIdentity(ofOrganization index: Int) -> String {
        ids.sectors[DemoOrganization.all[index].sector] ?? ids.hub
    }
}
