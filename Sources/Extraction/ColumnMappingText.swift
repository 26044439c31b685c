// Extraction — ColumnMappingText.swift
// Owns reading a CSV column mapping as operators write it on the command line or in an upload
// form: `NAME=KIND` pairs, where NAME is a header name or `#N` (0-based column index).
import IndicatorExtraction

/// `["indicator=auto", "#2=sha256", "comment=description", "first_seen=first-seen", "tags=tags"]`.
///
/// ```swift
/// let mapping = try ColumnMappingText.parse(["value=auto", "comment=description"])
/// ```
public enum ColumnMappingText {
    public static func parse(_ pairs: [String]) throws -> ColumnMapping {
        var mapping = ColumnMapping(indicators: [])
        for pair in pairs {
            guard let equals = pair.lastIndex(of: "=") else {
                throw ExtractionError("column mapping '\(pair)' is not NAME=KIND")
            }
            let name = String(pair[..<equals]).trimmingCharacters(in: .whitespaces)
            let kind = String(pair[pair.index(after: equals)...]).trimmingCharacters(in: .whitespaces).lowercased()
            guard !name.isEmpty else { throw ExtractionError("column mapping '\(pair)' names no column") }
            let column: CSVColumn = name.hasPrefix("#") ? Int(name.dropFirst()).map { .index($0) } ?? .name(name) : .name(name)
            switch kind {
            case "description", "comment": mapping.description = column
            case "first-seen", "first_seen", "firstseen": mapping.firstSeen = column
            case "tags", "tag": mapping.tags = column
            default:
                guard let content = ColumnContent(kind) else {
                    throw ExtractionError("column mapping '\(pair)': unknown kind \(kind) (ip, domain, url, email, md5, sha1, sha256, sha512, cve, attack-technique, auto, description, first-seen, tags)")
                }
                mapping.indicators.append((column, content))
            }
        }
        guard !mapping.indicators.isEmpty else {
            throw ExtractionError("the column mapping names no indicator column (e.g. value=auto)")
        }
        return mapping
    }
}
