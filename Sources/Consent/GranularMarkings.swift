// Consent granular markings: a property marked more restrictively than a recipient may see is removed
// from the copy that recipient gets (STIX 2.1 section 7.2.3 selectors).
import Foundation
import SharingPolicy
import STIX
import Storage

enum GranularMarkings {
    /// The selectors marked TLP:RED in the object (properties only organisations named individually may see),
    /// those marked AMBER+STRICT or RED (properties a recipient's clients may not see; TLP 2.0: AMBER+STRICT
    /// stays within the recipient organisation) and those marked above TLP:CLEAR (properties public
    /// output may not carry).
    static func restrictedSelectors(in object: JSONObject) -> (red: [String], notClients: [String], notPublic: [String]) {
        guard let markings = object["granular_markings"]?.arrayValue else { return ([], [], []) }
        var red: [String] = [], notClients: [String] = [], notPublic: [String] = []
        for marking in markings {
            guard let properties = marking.objectValue, let ref = properties["marking_ref"]?.stringValue,
                  let level = PolicyEngine.tlpLevel(markingRefs: [ref]),
                  let selectors = properties["selectors"]?.arrayValue?.compactMap(\.stringValue) else { continue }
            if level == .red { red += selectors }
            if level >= .amberStrict { notClients += selectors }
            if level != .clear { notPublic += selectors }
        }
        return (red, notClients, notPublic)
    }

    /// The object without the selected properties. The granular markings left keep pointing at the
    /// same parts: selectors of removed parts go (and a marking left without any), and list indices
    /// after a removed item move down with it.
    static func removing(_ selectors: [String], from object: JSONValue) -> JSONValue {
        guard !selectors.isEmpty else { return object }
        let removed = Set(selectors.map(steps))
        var value = remove(paths: removed.map { $0[...] }, from: object)
        if case .object(var properties) = value, let markings = properties["granular_markings"]?.arrayValue {
            var kept: [JSONValue] = []
            for marking in markings {
                guard case .object(var entry) = marking, let selected = entry["selectors"]?.arrayValue else {
                    kept.append(marking)
                    continue
                }
                let left = selected.compactMap(\.stringValue)
                    .compactMap { shifted(steps($0), removing: removed) }
                    .map { JSONValue.string($0.joined(separator: ".")) }
                guard !left.isEmpty else { continue }
                entry["selectors"] = .array(left)
                kept.append(.object(entry))
            }
            if kept.isEmpty { properties["granular_markings"] = nil }
            else { properties["granular_markings"] = .array(kept) }
            value = .object(properties)
        }
        return value
    }

    static func steps(_ selector: String) -> [String] {
        selector.split(separator: ".").map(String.init)
    }

    /// `selector` as it reads once the `removed` parts are gone (both in the original's terms), or nil
    /// when it selects a removed part or something inside one.
    static func shifted(_ selector: [String], removing removed: Set<[String]>) -> [String]? {
        var result = selector
        for depth in selector.indices {
            let prefix = Array(selector[...depth])
            if removed.contains(prefix) { return nil }
            guard let index = listIndex(selector[depth]) else { continue }
            let parent = prefix.dropLast()
            let before = removed.filter { path in
                path.count == prefix.count && path.dropLast() == parent
                    && (listIndex(path[depth]).map { $0 < index } ?? false)
            }
            result[depth] = "[\(index - before.count)]"
        }
        return result
    }

    /// `value` without what `paths` select. Every path is resolved against the original value: list
    /// items go from the highest index down, after the items kept have had their own selected parts
    /// removed, so removing `[0]` never shifts what `[1]` selects.
    static func remove(paths: [ArraySlice<String>], from value: JSONValue) -> JSONValue {
        var whole = Set<String>()
        var within: [String: [ArraySlice<String>]] = [:]
        for path in paths {
            guard let head = path.first else { continue }
            let rest = path.dropFirst()
            if rest.isEmpty { whole.insert(head) } else { within[head, default: []].append(rest) }
        }
        switch value {
        case .object(var properties):
            for (head, rest) in within where !whole.contains(head) {
                if let child = properties[head] { properties[head] = remove(paths: rest, from: child) }
            }
            for head in whole { properties[head] = nil }
            return .object(properties)
        case .array(var items):
            for (head, rest) in within where !whole.contains(head) {
                if let index = listIndex(head), items.indices.contains(index) {
                    items[index] = remove(paths: rest, from: items[index])
                }
            }
            for index in whole.compactMap(listIndex).filter(items.indices.contains).sorted(by: >) {
                items.remove(at: index)
            }
            return .array(items)
        default:
            return value
        }
    }

    /// The index a list selector step names: "[0]" selects a list's first item.
    static func listIndex(_ step: String) -> Int? {
        guard step.hasPrefix("["), step.hasSuffix("]") else { return nil }
        return Int(step.dropFirst().dropLast())
    }
}
