// Consent granular markings: a property marked more restrictively than a recipient may see is removed
// from the copy that recipient gets (STIX 2.1 section 7.2.3 selectors).
import Foundation
import SharingPolicy
import STIX
import Storage

enum GranularMarkings {
    /// The selectors marked TLP:RED in the object (properties only organisations named individually may see),
    /// and those marked above TLP:CLEAR (properties public output may not carry).
    static func restrictedSelectors(in object: JSONObject) -> (red: [String], notPublic: [String]) {
        guard let markings = object["granular_markings"]?.arrayValue else { return ([], []) }
        var red: [String] = [], notPublic: [String] = []
        for marking in markings {
            guard let properties = marking.objectValue, let ref = properties["marking_ref"]?.stringValue,
                  let level = PolicyEngine.tlpLevel(markingRefs: [ref]),
                  let selectors = properties["selectors"]?.arrayValue?.compactMap(\.stringValue) else { continue }
            if level == .red { red += selectors }
            if level != .clear { notPublic += selectors }
        }
        return (red, notPublic)
    }

    /// The object without the selected properties (and without the granular markings that selected them).
    static func removing(_ selectors: [String], from object: JSONValue) -> JSONValue {
        guard !selectors.isEmpty else { return object }
        var value = object
        for selector in selectors {
            value = remove(path: selector.split(separator: ".").map(String.init)[...], from: value)
        }
        if case .object(var properties) = value, let markings = properties["granular_markings"]?.arrayValue {
            let kept = markings.filter { marking in
                let selected = marking.objectValue?["selectors"]?.arrayValue?.compactMap(\.stringValue) ?? []
                return !selected.contains(where: selectors.contains)
            }
            if kept.isEmpty { properties["granular_markings"] = nil }
            else { properties["granular_markings"] = .array(kept) }
            value = .object(properties)
        }
        return value
    }

    static func remove(path: ArraySlice<String>, from value: JSONValue) -> JSONValue {
        guard let head = path.first else { return value }
        let rest = path.dropFirst()
        switch value {
        case .object(var properties):
            if rest.isEmpty {
                properties[head] = nil
            } else if let child = properties[head] {
                properties[head] = remove(path: rest, from: child)
            }
            return .object(properties)
        case .array(var items):
            // "[0]" selects a list item.
            guard head.hasPrefix("["), head.hasSuffix("]"), let index = Int(head.dropFirst().dropLast()),
                  items.indices.contains(index) else { return value }
            if rest.isEmpty { items.remove(at: index) } else { items[index] = remove(path: rest, from: items[index]) }
            return .array(items)
        default:
            return value
        }
    }
}
