// The sharing rules, stated a second time, deliberately simply, without calling the PolicyEngine:
// a description of a world (organisations, trust groups, feeds with read grants, submissions with
// TLP-marked objects, releases and revocations) and one plain function that says which object
// versions a reader may receive. The property tests compare every read path of the real server
// with this statement.
//
// The rules (issue 3, the lead's brief):
// - a reader without read access to a feed (its own grant, or a grant to one of its trust groups)
//   receives nothing from it; hub staff read every feed;
// - the provider always receives its own originals; hub staff receive every original;
// - another organisation receives an object only through an unrevoked release of the object's
//   submission whose scope includes it: named individually, through a trust group it belongs to, or
//   all_members; a public release delivers only TLP:CLEAR objects, to every member;
// - a TLP:RED object reaches only organisations named individually, never a group or all members;
// - an object with no TLP marking counts as TLP:AMBER; TLP 1.0 markings count as their TLP 2.0
//   level (WHITE = CLEAR); with several markings the most restrictive counts;
// - a revoked release delivers nothing afterwards;
// - TLP:AMBER (never AMBER+STRICT, GREEN or RED) released to an organisation, or to a trust group
//   it belongs to, also reaches that organisation's recorded clients (TLP 2.0: "its clients"); a
//   client reads the feeds its patrons read;
// - a part of an object under a granular marking (its level: the granular marking's, or the object's
//   when higher) reaches only readers that level allows: TLP:RED parts only organisations named
//   individually, AMBER+STRICT parts never clients, parts above TLP:CLEAR never through a public release;
// - a read-only user reads what its organisation reads and changes nothing; hub staff and the
//   provider's users see the provider's proposals, no one else; without an account nothing at all.
import Foundation

/// TLP levels, least to most restrictive (the model's own, not Storage.TLPLevel).
enum Level: Int, Comparable, CustomStringConvertible, Sendable {
    case clear, green, amber, amberStrict, red
    static func < (a: Level, b: Level) -> Bool { a.rawValue < b.rawValue }
    var description: String { ["CLEAR", "GREEN", "AMBER", "AMBER+STRICT", "RED"][rawValue] }
}

/// The well-known TLP marking definitions an object may reference, TLP 2.0 and TLP 1.0.
enum MarkingRef: CaseIterable, CustomStringConvertible, Sendable {
    case clear, green, amber, amberStrict, red
    case white1, green1, amber1, red1

    var id: String {
        switch self {
        case .clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
        case .green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        case .amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        case .amberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        case .red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        case .white1: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
        case .green1: "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
        case .amber1: "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
        case .red1: "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
        }
    }

    var level: Level {
        switch self {
        case .clear, .white1: .clear
        case .green, .green1: .green
        case .amber, .amber1: .amber
        case .amberStrict: .amberStrict
        case .red, .red1: .red
        }
    }

    var description: String {
        switch self {
        case .white1: "WHITE(1.0)"
        case .green1: "GREEN(1.0)"
        case .amber1: "AMBER(1.0)"
        case .red1: "RED(1.0)"
        default: level.description
        }
    }
}

/// One STIX object version a provider posts.
struct ObjectSpec: Sendable, CustomStringConvertible {
    var id: String
    var type: String
    var modified: String
    var markings: [MarkingRef]
    /// A granular marking on `description` (the object then carries one, with `secret`).
    var granular: MarkingRef? = nil

    /// The text of the granularly marked description: unique to this version, so a leak is seen.
    var secret: String { "secret-\(id.suffix(6))-\(modified.prefix(10))" }
    /// The level of the marked part: the granular marking's, or the object's when higher.
    var partLevel: Level? { granular.map { max($0.level, level) } }

    /// The level the rules apply: the most restrictive marking, TLP:AMBER when unmarked.
    var level: Level { markings.map(\.level).max() ?? .amber }

    var description: String {
        let marks = markings.isEmpty ? "unmarked" : markings.map(\.description).joined(separator: "+")
        let part = granular.map { " description \($0)" } ?? ""
        return "\(type) …\(id.suffix(4))@\(modified.prefix(10)) [\(marks) → \(level)\(part)]"
    }

    /// The exact JSON text posted (and expected back unchanged in attributed releases).
    var json: String {
        var refs = markings.isEmpty ? "" : ",\"object_marking_refs\":[" + markings.map { "\"\($0.id)\"" }.joined(separator: ",") + "]"
        if let granular {
            refs += ",\"description\":\"内部メモ \(secret)\",\"granular_markings\":[{\"marking_ref\":\"\(granular.id)\",\"selectors\":[\"description\"]}]"
        }
        switch type {
        case "malware":
            return """
            {"type":"malware","spec_version":"2.1","id":"\(id)","created":"2025-06-01T00:00:00.000Z",\
            "modified":"\(modified)","name":"検体 \(id.suffix(4))","is_family":false\(refs)}
            """
        default:
            return """
            {"type":"indicator","spec_version":"2.1","id":"\(id)","created":"2025-06-01T00:00:00.000Z",\
            "modified":"\(modified)","name":"不審な通信先 \(id.suffix(4))","indicator_types":["malicious-activity"],\
            "pattern":"[ipv4-addr:value = '198.51.100.\(Int(id.suffix(2)) ?? 1)']","pattern_type":"stix",\
            "valid_from":"2025-06-01T00:00:00Z"\(refs)}
            """
        }
    }
}

/// One TAXII POST by one organisation's member.
struct SubmissionSpec: Sendable {
    var provider: Int
    var feed: Int
    var objects: [ObjectSpec]
}

/// A release scope by indices into the world's groups and organisations.
struct ScopeSpec: Sendable, CustomStringConvertible {
    var groups: [Int] = []
    var organizations: [Int] = []
    var allMembers = false
    var isPublic = false

    var description: String {
        var parts: [String] = []
        if !groups.isEmpty { parts.append("groups " + groups.map { "G\($0)" }.joined(separator: ",")) }
        if !organizations.isEmpty { parts.append("orgs " + organizations.map { "O\($0)" }.joined(separator: ",")) }
        if allMembers { parts.append("all_members") }
        if isPublic { parts.append("public") }
        return parts.joined(separator: " + ")
    }
}

/// What happens after the submissions are posted, in order.
enum Step: Sendable, CustomStringConvertible {
    /// The provider releases submission `submission` (attributed) to `scope`.
    case release(submission: Int, scope: ScopeSpec)
    /// The provider revokes the `release`-th release made so far.
    case revoke(release: Int)
    /// A hub analyst proposes releasing the originals of `submission` to `scope`; with `approve` the
    /// provider approves (it becomes the next release), else it stays pending.
    case propose(submission: Int, scope: ScopeSpec, approve: Bool)
    /// Another organisation tries to release a submission that is not its own: refused, nothing changes.
    case foreignRelease(submission: Int, by: Int, scope: ScopeSpec)
    /// Another organisation tries to revoke a release of a submission that is not its own: refused.
    case foreignRevoke(release: Int, by: Int)
    /// An organisation joins a trust group (releases to the group reach it from then on).
    case join(organization: Int, group: Int)
    /// Every reader reads every path; what they get is compared with the rules.
    case check

    var description: String {
        switch self {
        case .release(let s, let scope): "S\(s) released to \(scope)"
        case .revoke(let r): "R\(r) revoked"
        case .propose(let s, let scope, let approve): "analyst proposes S\(s) to \(scope)\(approve ? ", approved" : ", pending")"
        case .foreignRelease(let s, let by, let scope): "O\(by) tries to release S\(s) to \(scope)"
        case .foreignRevoke(let r, let by): "O\(by) tries to revoke R\(r)"
        case .join(let o, let g): "O\(o) joins G\(g)"
        case .check: "— every reader reads —"
        }
    }
}

struct FeedSpec: Sendable {
    /// Organisations granted read.
    var readers: Set<Int>
    /// Trust groups granted read (every member reads).
    var groupReaders: Set<Int>
}

/// A generated world.
struct World: Sendable, CustomStringConvertible {
    var organizationCount: Int
    /// Organisations that also have a read-only user.
    var readOnly: Set<Int> = []
    /// Recorded clients: client organisation → its patrons.
    var clients: [Int: Set<Int>] = [:]
    /// Members of each trust group (at the start; `Step.join` adds members).
    var groups: [Set<Int>]
    var feeds: [FeedSpec]
    var submissions: [SubmissionSpec]
    var steps: [Step]

    func organizationName(_ index: Int) -> String { "Org\(index) 組織" }
    func groupName(_ index: Int) -> String { "G\(index) SIG" }
    func feedName(_ index: Int) -> String { "F\(index)" }

    /// Organisations granted write on a feed: those that post to it.
    func writers(of feed: Int) -> Set<Int> { Set(submissions.filter { $0.feed == feed }.map(\.provider)) }

    var description: String {
        var lines = ["world: \(organizationCount) organisations O0…O\(organizationCount - 1)"
                     + (readOnly.isEmpty ? "" : "; read-only users in " + readOnly.sorted().map { "O\($0)" }.joined(separator: ","))]
        for (client, patrons) in clients.sorted(by: { $0.key < $1.key }) {
            lines.append("  O\(client) is a client of " + patrons.sorted().map { "O\($0)" }.joined(separator: ","))
        }
        for (g, members) in groups.enumerated() {
            lines.append("  G\(g) members: " + members.sorted().map { "O\($0)" }.joined(separator: ","))
        }
        for (f, feed) in feeds.enumerated() {
            let readers: String = feed.readers.sorted().map { "O\($0)" }.joined(separator: ",")
            let groupReaders: String = feed.groupReaders.sorted().map { "G\($0)" }.joined(separator: ",")
            let writers: String = writers(of: f).sorted().map { "O\($0)" }.joined(separator: ",")
            let groupsPart: String = groupReaders.isEmpty ? "" : " groups \(groupReaders)"
            lines.append("  F\(f) read: \(readers)\(groupsPart); write: \(writers)")
        }
        for (s, submission) in submissions.enumerated() {
            lines.append("  S\(s) by O\(submission.provider) to F\(submission.feed): "
                         + submission.objects.map(\.description).joined(separator: "; "))
        }
        var releases = 0
        for step in steps {
            if case .release = step {
                lines.append("  R\(releases): \(step)"); releases += 1
            } else if case .propose(_, _, true) = step {
                lines.append("  R\(releases): \(step)"); releases += 1
            } else {
                lines.append("  \(step)")
            }
        }
        return lines.joined(separator: "\n")
    }
}

/// A release as it stands at some point of the steps.
struct ReleaseState: Sendable {
    var submission: Int
    var scope: ScopeSpec
    var revoked = false
}

/// Who reads: one organisation's member or read-only user, a hub analyst, or someone without an account.
enum ReaderSpec: Hashable, Sendable, CustomStringConvertible {
    case member(Int)
    case readOnly(Int)
    case hubStaff
    case nobody
    var description: String {
        switch self {
        case .member(let o): "O\(o)'s member"
        case .readOnly(let o): "O\(o)'s read-only user"
        case .hubStaff: "hub analyst"
        case .nobody: "no account"
        }
    }

    /// The reader's organisation (members and read-only users).
    var organization: Int? {
        switch self {
        case .member(let o), .readOnly(let o): o
        case .hubStaff, .nobody: nil
        }
    }
}

/// An object version as a reader sees it: id and version.
struct VersionKey: Hashable, Comparable, Sendable, CustomStringConvertible {
    var id: String
    var version: String
    static func < (a: VersionKey, b: VersionKey) -> Bool { (a.id, a.version) < (b.id, b.version) }
    var description: String { "…\(id.suffix(4))@\(version.prefix(10))" }
}

/// The rules.
enum SharingRules {
    /// Whether the reader may read the feed at all.
    static func mayRead(_ reader: ReaderSpec, feed: Int, in world: World) -> Bool {
        switch reader {
        case .hubStaff:
            return true
        case .nobody:
            return false
        case .member(let o), .readOnly(let o):
            // A client reads the feeds its patrons read (what reaches it there is decided per object).
            return ([o] + (world.clients[o] ?? [])).contains { granted(feed, to: $0, in: world) }
        }
    }

    /// The organisation's own read grant or one of its groups'.
    static func granted(_ feed: Int, to o: Int, in world: World) -> Bool {
        let spec = world.feeds[feed]
        return spec.readers.contains(o) || spec.groupReaders.contains { world.groups[$0].contains(o) }
    }

    /// Whether the reader may write the feed (decides 403 against 404 when it may not read).
    static func mayWrite(_ reader: ReaderSpec, feed: Int, in world: World) -> Bool {
        if case .member(let o) = reader { return world.writers(of: feed).contains(o) }
        return false
    }

    /// Whether the reader may receive one object of one submission, given the releases so far.
    static func mayReceive(_ reader: ReaderSpec, object: ObjectSpec, of submission: Int, in world: World,
                           releases: [ReleaseState]) -> Bool {
        allowedPartLevel(reader, object: object, of: submission, in: world, releases: releases) != nil
    }

    /// The most restricted part of the object the reader may receive (nil: not the object at all):
    /// staff and the provider every part; through a release naming the reader's organisation TLP:RED;
    /// through a group or all members AMBER+STRICT; as a recorded client of a recipient AMBER; through
    /// a public release CLEAR.
    static func allowedPartLevel(_ reader: ReaderSpec, object: ObjectSpec, of submission: Int, in world: World,
                                 releases: [ReleaseState]) -> Level? {
        let spec = world.submissions[submission]
        guard mayRead(reader, feed: spec.feed, in: world) else { return nil }
        guard let o = reader.organization else { return .red }      // staff: every original
        if o == spec.provider { return .red }                       // the provider: its own originals
        let patrons = world.clients[o] ?? []
        var allowed: Level?
        func allow(_ level: Level) { allowed = max(allowed ?? level, level) }
        for release in releases where release.submission == submission && !release.revoked {
            let scope = release.scope
            if scope.organizations.contains(o) { allow(.red) }
            if object.level == .red { continue }
            if scope.groups.contains(where: { world.groups[$0].contains(o) }) { allow(.amberStrict) }
            if scope.allMembers { allow(.amberStrict) }
            if scope.isPublic && object.level == .clear { allow(.clear) }
            if object.level == .amber, !patrons.isEmpty,
               !patrons.isDisjoint(with: scope.organizations)
                || scope.groups.contains(where: { !world.groups[$0].isDisjoint(with: patrons) }) {
                allow(.amber)
            }
        }
        return allowed
    }

    /// Every version the reader may receive from the feed.
    static func visible(to reader: ReaderSpec, feed: Int, in world: World, releases: [ReleaseState]) -> Set<VersionKey> {
        var keys: Set<VersionKey> = []
        for (s, submission) in world.submissions.enumerated() where submission.feed == feed {
            for object in submission.objects
            where mayReceive(reader, object: object, of: s, in: world, releases: releases) {
                keys.insert(VersionKey(id: object.id, version: object.modified))
            }
        }
        return keys
    }

    /// The latest of each object's versions among `keys` (what a read without match[version] returns).
    static func latest(_ keys: Set<VersionKey>) -> Set<VersionKey> {
        var byID: [String: VersionKey] = [:]
        for key in keys where byID[key.id].map({ $0.version < key.version }) ?? true { byID[key.id] = key }
        return Set(byID.values)
    }

    /// The first of each object's versions among `keys` (match[version]=first).
    static func earliest(_ keys: Set<VersionKey>) -> Set<VersionKey> {
        var byID: [String: VersionKey] = [:]
        for key in keys where byID[key.id].map({ $0.version > key.version }) ?? true { byID[key.id] = key }
        return Set(byID.values)
    }
}
