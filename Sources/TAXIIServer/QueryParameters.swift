// TAXII query parameters: strict parsing of the URL query (percent-decoded keys and values), and
// the filters of TAXII 2.1 section 3.4 (added_after, limit, next, match[id|type|version|spec_version]).
import Foundation
import HubHTTP
import STIX
import Storage

struct QueryParameters {
    private(set) var values: [String: String] = [:]

    /// Parses `query`; a repeated parameter, a bad escape or one not in `allowed` is a 400.
    init(_ query: String?, allowed: Set<String>) throws {
        guard let query, !query.isEmpty else { return }
        for pair in query.split(separator: "&", omittingEmptySubsequences: true) {
            let parts = pair.split(separator: "=", maxSplits: 1, omittingEmptySubsequences: false)
            guard let key = Self.decode(parts[0]), let value = Self.decode(parts.count > 1 ? parts[1] : "") else {
                throw HubError.invalid("The query has a malformed percent-escape.")
            }
            guard allowed.contains(key) else {
                let list = allowed.sorted().joined(separator: ", ")
                throw HubError.invalid(
                    "Unknown query parameter '\(key.prefix(100))'. This endpoint accepts: \(list.isEmpty ? "none" : list).")
            }
            guard values[key] == nil else {
                throw HubError.invalid("The query parameter '\(key)' is given more than once; use a comma-separated list.")
            }
            values[key] = value
        }
    }

    static func decode(_ text: Substring) -> String? {
        String(text).replacingOccurrences(of: "+", with: " ").removingPercentEncoding
    }

    subscript(_ key: String) -> String? { values[key] }

    static let paging: Set<String> = ["added_after", "limit", "next"]
    static let objectsFilters: Set<String> = paging.union(["match[id]", "match[type]", "match[version]", "match[spec_version]"])
    static let objectFilters: Set<String> = paging.union(["match[version]", "match[spec_version]"])
    static let versionsFilters: Set<String> = paging.union(["match[spec_version]"])
    static let deleteFilters: Set<String> = ["match[version]", "match[spec_version]"]

    /// Applies the filters present to `query`.
    func apply(to query: inout ObjectQuery, maxPageSize configured: Int) throws {
        // The principal's consumer tier may cap pages lower (ConsumerFlow).
        let maxPageSize = min(configured, FlowGrant.current?.maxPageSize ?? configured)   // nil: no tier cap
        if let text = values["limit"] {
            guard let limit = Int(text), limit > 0 else {
                throw HubError.invalid("limit must be a positive whole number (got '\(text.prefix(40))').")
            }
            query.limit = min(limit, maxPageSize)
        } else {
            query.limit = min(query.limit, maxPageSize)
        }
        if let text = values["added_after"] {
            guard let timestamp = STIXTimestamp(text) else {
                throw HubError.invalid("added_after must be an RFC 3339 UTC timestamp such as 2026-01-01T00:00:00Z (got '\(text.prefix(60))').")
            }
            query.addedAfterMicroseconds = timestamp.microsecondsSinceEpoch
        }
        if let text = values["next"] {
            let cursor = try PageCursor.decode(text)
            query.afterPosition = cursor.after
            query.listingStart = cursor.start
            query.afterDateAdded = cursor.added
        }
        if let text = values["match[id]"] {
            query.ids = try list(text, name: "match[id]") { STIXIdentifier($0) != nil }
        }
        if let text = values["match[type]"] {
            query.types = try list(text, name: "match[type]") { Self.isTypeName($0) }
        }
        if let text = values["match[version]"] {
            var selection = VersionSelection()
            for item in try list(text, name: "match[version]", valid: { _ in true }) {
                switch item {
                case "first": selection.first = true
                case "last": selection.last = true
                case "all": selection.all = true
                default:
                    guard let timestamp = STIXTimestamp(item) else {
                        throw HubError.invalid("match[version] takes first, last, all or timestamps (got '\(item.prefix(60))').")
                    }
                    selection.instants.append(timestamp.microsecondsSinceEpoch)
                }
            }
            query.versions = selection
        }
        if let text = values["match[spec_version]"] {
            query.specVersions = try list(text, name: "match[spec_version]") { $0 == "2.0" || $0 == "2.1" }
        }
    }

    private func list(_ text: String, name: String, valid: (String) -> Bool) throws -> [String] {
        let items = text.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        guard !items.isEmpty, items.count <= 1000 else {
            throw HubError.invalid("\(name) needs between 1 and 1000 comma-separated values.")
        }
        for item in items where !valid(item) {
            throw HubError.invalid("\(name) has an invalid value '\(item.prefix(100))'.")
        }
        return items
    }

    static func isTypeName(_ text: String) -> Bool {
        guard (3...250).contains(text.utf8.count) else { return false }
        return text.utf8.allSatisfy { ($0 >= 0x61 && $0 <= 0x7A) || ($0 >= 0x30 && $0 <= 0x39) || $0 == 0x2D }
    }
}

/// The `next` cursor: the position of the last version served, and its date_added for the reader.
/// Self-contained, so any instance can continue a listing at any later time; versions added
/// meanwhile appear after it, none is repeated.
enum PageCursor {
    /// `p<after>.<start>.<added>` in base 36: the last position served, where the listing began and
    /// the last version's date_added for this reader (a reader's listing goes by that date, see
    /// `ReadScope`). Tokens without the date (issued before it was carried) resume by position.
    static func token(after position: Int64, start: Int64?, added: Int64) -> String {
        "p" + String(position, radix: 36) + "." + String(start ?? 0, radix: 36) + "." + String(added, radix: 36)
    }

    static func decode(_ token: String) throws -> (after: Int64, start: Int64, added: Int64?) {
        let parts = token.dropFirst().split(separator: ".", omittingEmptySubsequences: false)
        let refused = HubError.invalid("The next token '\(token.prefix(40))' is not one this server issued.")
        guard token.first == "p", token.count <= 45, parts.count == 2 || parts.count == 3,
              let after = Int64(parts[0], radix: 36), let start = Int64(parts[1], radix: 36),
              after >= 0, start >= 0 else { throw refused }
        // By position a listing resumes after where it began; by date a version stored before the
        // listing's start may come in it (it became visible to the reader later).
        guard parts.count == 3 else {
            guard start <= after else { throw refused }
            return (after, start, nil)
        }
        guard let added = Int64(parts[2], radix: 36), added > 0 else { throw refused }
        return (after, start, added)
    }
}
