// Consent proposal review: what an analyst's processed version changes in the provider's submission
// (objects added, removed and changed; per changed object the properties changed and the markings
// before and after), and the rules a processed version must keep before the provider may approve it:
// no marking the provider set is ever lowered, an object the provider never gave is the hub's own
// analysis (attributed to the hub identity), and no value the provider marked leaves under a
// lower marking inside another object.
import Foundation
import SharingPolicy
import STIX
import Storage

/// The markings of one object: its object markings, its granular markings and the TLP level the
/// sharing rules apply (`tlp` nil: unmarked, the hub's default applies).
public struct ObjectMarkings: Sendable, Equatable {
    public struct Granular: Sendable, Equatable {
        public var markingRef: String
        /// The TLP level of the marking, nil when it is not a TLP marking.
        public var tlp: TLPLevel?
        public var selectors: [String]
    }

    public var objectMarkingRefs: [String]
    /// The most restrictive TLP level among the object markings, nil when there is none.
    public var tlp: TLPLevel?
    /// The level the sharing rules apply: `tlp`, or the hub's default for an unmarked object.
    public var effectiveTLP: TLPLevel
    public var granular: [Granular]

    init(_ object: JSONObject, defaultTLP: TLPLevel) {
        objectMarkingRefs = object["object_marking_refs"]?.arrayValue?.compactMap(\.stringValue) ?? []
        tlp = PolicyEngine.tlpLevel(markingRefs: objectMarkingRefs)
        effectiveTLP = tlp ?? defaultTLP
        granular = (object["granular_markings"]?.arrayValue ?? []).compactMap { marking in
            guard let ref = marking["marking_ref"]?.stringValue else { return nil }
            return Granular(markingRef: ref, tlp: PolicyEngine.tlpLevel(markingRefs: [ref]),
                            selectors: marking["selectors"]?.arrayValue?.compactMap(\.stringValue) ?? [])
        }
    }

    /// The level that applies to the part of the object at `path` (selector steps): the object's
    /// level, raised by every granular TLP marking that selects the part or one that contains it.
    func level(at path: [String]) -> TLPLevel {
        var level = effectiveTLP
        for marking in granular {
            guard let markingLevel = marking.tlp else { continue }
            for selector in marking.selectors {
                let steps = GranularMarkings.steps(selector)
                if steps.count <= path.count, Array(path.prefix(steps.count)) == steps { level = max(level, markingLevel) }
            }
        }
        return level
    }
}

/// One object in a proposal's diff.
public struct DiffedObject: Sendable, Equatable {
    public var id: String
    public var type: String
    public var createdByRef: String?
    /// Top-level properties whose values differ (changed objects only), sorted.
    public var properties: [String]
    /// The provider's markings (changed and removed objects).
    public var before: ObjectMarkings?
    /// The processed version's markings (changed and added objects).
    public var after: ObjectMarkings?
}

/// The difference between a provider's submission and an analyst's processed version of it.
///
/// ```swift
/// let diff = ProposalDiff(originals: submitted, processed: analysts, defaultTLP: .amber)
/// diff.changed.first?.properties          // ["object_marking_refs"]
/// diff.changed.first?.before?.tlp         // .red
/// ```
public struct ProposalDiff: Sendable, Equatable {
    public var added: [DiffedObject] = []
    public var removed: [DiffedObject] = []
    public var changed: [DiffedObject] = []
    /// Ids of objects the processed version carries exactly as the provider gave them.
    public var unchanged: [String] = []

    public init(originals: [StoredObject], processed: [StoredObject], defaultTLP: TLPLevel) {
        let before = ProposalObjects(originals), after = ProposalObjects(processed)
        for id in after.ids {
            let new = after.byID[id]!
            let markings = ObjectMarkings(new.properties, defaultTLP: defaultTLP)
            guard let old = before.byID[id] else {
                added.append(DiffedObject(id: id, type: new.type, createdByRef: new.createdByRef, properties: [],
                                          before: nil, after: markings))
                continue
            }
            let properties = Set(old.properties.keys).union(new.properties.keys)
                .filter { old.properties[$0] != new.properties[$0] }.sorted()
            if properties.isEmpty {
                unchanged.append(id)
            } else {
                changed.append(DiffedObject(id: id, type: new.type, createdByRef: new.createdByRef, properties: properties,
                                            before: ObjectMarkings(old.properties, defaultTLP: defaultTLP), after: markings))
            }
        }
        for id in before.ids where after.byID[id] == nil {
            let old = before.byID[id]!
            removed.append(DiffedObject(id: id, type: old.type, createdByRef: old.createdByRef, properties: [],
                                        before: ObjectMarkings(old.properties, defaultTLP: defaultTLP), after: nil))
        }
    }
}

/// Objects by id, the latest version of each (a submission may carry several versions of one object).
struct ProposalObjects {
    struct Entry {
        var type: String
        var version: String
        var properties: JSONObject
        var createdByRef: String? { properties["created_by_ref"]?.stringValue }
    }

    var ids: [String] = []
    var byID: [String: Entry] = [:]

    init(_ objects: [StoredObject]) {
        for object in objects {
            guard let properties = (try? JSONParser.parse(Array(object.bytes)))?.objectValue else { continue }
            if let existing = byID[object.stixID] {
                if existing.version > object.version { continue }
            } else {
                ids.append(object.stixID)
            }
            byID[object.stixID] = Entry(type: object.type, version: object.version, properties: properties)
        }
    }
}

/// The rules a processed version keeps, checked when the analyst proposes it and again when the
/// provider approves it.
///
/// - A changed object is never marked below the provider's marking (the TLP level of its object
///   markings, the hub's default when it was unmarked), and a part the provider marked with a granular
///   TLP marking is never left under a lower level (checked by value, so moving a list item does not
///   escape it).
/// - An object the provider never gave must be the hub's analysis: `created_by_ref` is the hub's
///   identity (the hub's identity object itself and the well-known TLP marking definitions excepted).
/// - No processed object carries a technical value (a pattern's literal, an observable's `value`, a
///   hash) or a granularly marked text of the provider's under a lower level than the provider gave it.
///
/// ```swift
/// try ProposalGate(hubIdentityID: settings.hubIdentityID, defaultTLP: .amber)
///     .check(processed: analysts, originals: submitted)   // throws ConsentError(.invalid, …)
/// ```
struct ProposalGate {
    let hubIdentityID: String
    let defaultTLP: TLPLevel

    func check(processed: [StoredObject], originals: [StoredObject]) throws {
        let before = ProposalObjects(originals), after = ProposalObjects(processed)
        let floors = valueFloors(before)
        for id in after.ids {
            let new = after.byID[id]!
            let markings = ObjectMarkings(new.properties, defaultTLP: defaultTLP)
            if let old = before.byID[id] {
                try checkMarkings(id, old: old, new: new, markings: markings)
            } else {
                try checkAttribution(id, new)
            }
            try checkValues(id, new, markings: markings, floors: floors)
        }
    }

    // MARK: - Markings of changed objects

    func checkMarkings(_ id: String, old: ProposalObjects.Entry, new: ProposalObjects.Entry, markings: ObjectMarkings) throws {
        let provider = ObjectMarkings(old.properties, defaultTLP: defaultTLP)
        if markings.effectiveTLP < provider.effectiveTLP {
            throw ConsentError(.invalid, """
                the processed version marks \(id) \(Self.name(markings.effectiveTLP, set: markings.tlp != nil)) \
                where the provider marked it \(Self.name(provider.effectiveTLP, set: provider.tlp != nil)); \
                a proposal may never lower a marking the provider set
                """)
        }
        for marking in provider.granular {
            guard let level = marking.tlp, level > markings.effectiveTLP else { continue }
            for selector in marking.selectors {
                guard let value = Self.value(at: GranularMarkings.steps(selector), in: .object(old.properties)) else { continue }
                let texts = Set(Self.leaves(value).map { $0.text })
                for leaf in Self.leaves(.object(new.properties)) where texts.contains(leaf.text) {
                    let found = markings.level(at: leaf.path)
                    guard found < level else { continue }
                    throw ConsentError(.invalid, """
                        the processed version leaves \(leaf.path.joined(separator: ".")) of \(id) at \(found.name) \
                        where the provider marked \(selector) \(level.name) (granular marking); a proposal may never \
                        lower a marking the provider set
                        """)
                }
            }
        }
    }

    // MARK: - Objects the provider never gave

    func checkAttribution(_ id: String, _ new: ProposalObjects.Entry) throws {
        if new.type == "marking-definition", TLPMarking(id: id) != nil { return }
        if id == hubIdentityID { return }
        guard new.createdByRef == hubIdentityID else {
            throw ConsentError(.invalid, """
                \(id) is not in the provider's submission; an object the provider never gave may only be the \
                hub's own analysis, with created_by_ref \(hubIdentityID) (the hub's identity)
                """)
        }
    }

    // MARK: - Values the provider marked

    /// Each technical value and granularly marked text of the originals, with the lowest level the
    /// provider gave it anywhere (a value the provider shared at TLP:GREEN in one object may be shared
    /// at TLP:GREEN in another).
    func valueFloors(_ originals: ProposalObjects) -> [String: TLPLevel] {
        var floors: [String: TLPLevel] = [:]
        func note(_ text: String, _ level: TLPLevel) {
            guard text.count >= 3 else { return }
            floors[text] = min(floors[text] ?? level, level)
        }
        for id in originals.ids {
            let entry = originals.byID[id]!
            let markings = ObjectMarkings(entry.properties, defaultTLP: defaultTLP)
            for text in Self.technicalValues(entry.properties) { note(text, markings.effectiveTLP) }
            for marking in markings.granular {
                guard let level = marking.tlp else { continue }
                for selector in marking.selectors {
                    let steps = GranularMarkings.steps(selector)
                    guard let value = Self.value(at: steps, in: .object(entry.properties)) else { continue }
                    for leaf in Self.leaves(value) { note(leaf.text, max(level, markings.level(at: steps))) }
                }
            }
        }
        return floors
    }

    func checkValues(_ id: String, _ new: ProposalObjects.Entry, markings: ObjectMarkings, floors: [String: TLPLevel]) throws {
        for leaf in Self.leaves(.object(new.properties)) {
            let level = markings.level(at: leaf.path)
            for (value, floor) in floors where floor > level && leaf.text.contains(value) {
                throw ConsentError(.invalid, """
                    \(id) carries '\(value)' at \(level.name) (\(leaf.path.joined(separator: "."))), which the \
                    provider marked \(floor.name); a proposal may never lower a marking the provider set
                    """)
            }
        }
    }

    /// A pattern's quoted literals, observables' `value`, and hashes: what identifies infrastructure.
    static func technicalValues(_ object: JSONObject) -> [String] {
        var values: [String] = []
        if let pattern = object["pattern"]?.stringValue { values += quotedLiterals(pattern) }
        if let value = object["value"]?.stringValue { values.append(value) }
        for (_, hash) in object["hashes"]?.objectValue?.members ?? [] {
            if let text = hash.stringValue { values.append(text) }
        }
        return values
    }

    /// The '...' literals of a STIX pattern (with `\'` and `\\` unescaped).
    static func quotedLiterals(_ pattern: String) -> [String] {
        var literals: [String] = []
        var current: String?
        var escaped = false
        for character in pattern {
            guard var text = current else {
                if character == "'" { current = "" }
                continue
            }
            if escaped { text.append(character); escaped = false }
            else if character == "\\" { escaped = true }
            else if character == "'" { literals.append(text); current = nil; continue }
            else { text.append(character) }
            current = text
        }
        return literals
    }

    // MARK: - JSON paths

    /// Every string in `value` with its selector path (`labels.[0]`, `external_references.[1].url`).
    static func leaves(_ value: JSONValue, path: [String] = []) -> [(path: [String], text: String)] {
        switch value {
        case .string(let text): return [(path, text)]
        case .array(let items):
            return items.enumerated().flatMap { leaves($1, path: path + ["[\($0)]"]) }
        case .object(let object):
            return object.members.flatMap { leaves($0.value, path: path + [$0.key]) }
        default: return []
        }
    }

    static func value(at path: [String], in value: JSONValue) -> JSONValue? {
        var current = value
        for step in path {
            if let index = GranularMarkings.listIndex(step) {
                guard let items = current.arrayValue, items.indices.contains(index) else { return nil }
                current = items[index]
            } else {
                guard let next = current[step] else { return nil }
                current = next
            }
        }
        return current
    }

    static func name(_ level: TLPLevel, set: Bool) -> String {
        set ? level.name : "\(level.name) (unmarked: the hub's default)"
    }
}

extension TLPLevel {
    /// `TLP:RED`, `TLP:AMBER+STRICT`.
    var name: String { "TLP:" + rawValue.uppercased() }
}
