// TAXII media types and content negotiation (Accept / Content-Type), TAXII 2.1 section 1.6.8.
import Foundation

enum MediaType {
    static let taxii = "application/taxii+json;version=2.1"
    static let stix = "application/stix+json;version=2.1"

    /// One parsed media range, e.g. `application/taxii+json; version=2.1; q=0.9`.
    struct Range {
        let type: String
        let version: String?
        let quality: Double
    }

    static func parse(_ header: String) -> [Range] {
        header.split(separator: ",").compactMap { part in
            let pieces = part.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let type = pieces.first?.lowercased(), !type.isEmpty else { return nil }
            var version: String?
            var quality = 1.0
            for parameter in pieces.dropFirst() {
                let pair = parameter.split(separator: "=", maxSplits: 1).map {
                    $0.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\""))
                }
                guard pair.count == 2 else { continue }
                switch pair[0].lowercased() {
                case "version": version = pair[1]
                case "q": quality = Double(pair[1]) ?? 0
                default: break
                }
            }
            return Range(type: type, version: version, quality: quality)
        }
    }

    /// Whether an Accept header admits TAXII 2.1 JSON. No header admits everything.
    static func acceptsTAXII(_ header: String?) -> Bool {
        // What every TAXII client sends, answered without parsing.
        if header == "application/taxii+json;version=2.1" || header == "application/taxii+json; version=2.1" { return true }
        guard let header, !header.trimmingCharacters(in: .whitespaces).isEmpty else { return true }
        return parse(header).contains { range in
            guard range.quality > 0 else { return false }
            switch range.type {
            case "application/taxii+json": return range.version == nil || range.version == "2.1"
            case "*/*", "application/*": return true
            default: return false
            }
        }
    }

    /// Whether a Content-Type names TAXII 2.1 JSON (or STIX 2.1 JSON, for a plain bundle).
    static func isTAXIIContent(_ header: String?) -> Bool {
        guard let header, let range = parse(header).first else { return false }
        switch range.type {
        case "application/taxii+json", "application/stix+json":
            return range.version == nil || range.version == "2.1"
        default: return false
        }
    }
}
