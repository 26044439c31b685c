// Anonymization — GranularMarkings.swift
// Owns keeping granular markings true after anonymisation: a selector whose property was removed is
// dropped, and a selector indexing into a list that lost elements marks the whole list instead (the
// index may now name another element; marking more is the safe direction).

import STIX

enum GranularMarkings {
    /// `output` with its `granular_markings` selectors adjusted to what survived of `original`.
    ///
    /// ```swift
    /// // original object_refs had 11 elements, output 8: "object_refs.[10]" -> "object_refs"
    /// // "x_internal_ticket" was removed: that selector goes (and a marking left without any)
    /// ```
    static func adjusted(_ output: JSONObject, original: JSONObject) -> JSONObject {
        guard case .array(let markings)? = output["granular_markings"] else { return output }
        var kept: [JSONValue] = []
        for marking in markings {
            guard case .object(var entry) = marking, let selectors = entry["selectors"]?.arrayValue else {
                kept.append(marking)
                continue
            }
            var adjusted: [JSONValue] = []
            for case .string(let selector) in selectors {
                if let remapped = remap(selector, original: .object(original), output: .object(output)),
                   !adjusted.contains(.string(remapped)) {
                    adjusted.append(.string(remapped))
                }
            }
            guard !adjusted.isEmpty else { continue }
            entry["selectors"] = .array(adjusted)
            kept.append(.object(entry))
        }
        var result = output
        result["granular_markings"] = kept.isEmpty ? nil : .array(kept)
        return result
    }

    static func remap(_ selector: String, original: JSONValue, output: JSONValue) -> String? {
        var before: JSONValue? = original
        var after: JSONValue? = output
        var path: [Substring] = []
        for segment in selector.split(separator: ".", omittingEmptySubsequences: false) {
            if segment.hasPrefix("[") && segment.hasSuffix("]"), let index = Int(segment.dropFirst().dropLast()) {
                guard let beforeList = before?.arrayValue, let afterList = after?.arrayValue else { return nil }
                if beforeList.count != afterList.count {
                    return path.isEmpty ? nil : path.joined(separator: ".")
                }
                guard index >= 0, index < afterList.count else { return nil }
                before = beforeList[index]
                after = afterList[index]
            } else {
                let key = String(segment)
                guard let next = after?[key] else { return nil }
                before = before?[key]
                after = next
            }
            path.append(segment)
        }
        return selector
    }
}
