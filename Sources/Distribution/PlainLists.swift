// Distribution — PlainLists: one value a line for firewalls' external lists (Palo Alto EDL,
// FortiGate external threat feeds): IP addresses and networks, domains with their `*.` wildcard,
// URLs without their scheme, hashes; and CSV with a header for everything else.
import Foundation

public enum PlainLists {
    public static func plain(_ set: ExportSet, type: ExportValueType, context: ExportContext) -> ExportFile {
        var lines: [String] = []
        var seen: Set<String> = []
        for selected in set.indicators {
            for value in selected.values where value.type == type {
                let entries: [String]
                switch type {
                case .domain: entries = [value.value, "*." + value.value]
                case .url:
                    guard let range = value.value.range(of: "://") else { continue }
                    var rest = String(value.value[range.upperBound...])
                    if let hash = rest.firstIndex(of: "#") { rest = String(rest[..<hash]) }
                    entries = [rest]
                default: entries = [value.value]
                }
                for entry in entries where seen.insert(entry).inserted { lines.append(entry) }
            }
        }
        return ExportFile(name: "kakehashi-\(context.feedToken)-\(type.rawValue).txt",
                          text: lines.isEmpty ? "" : lines.joined(separator: "\n") + "\n")
    }

    public static func csv(_ set: ExportSet, context: ExportContext) -> ExportFile {
        var out = "value,type,indicator_id,name,confidence,tlp,modified,valid_until\n"
        for selected in set.indicators {
            let indicator = selected.indicator
            for value in selected.values {
                let fields = [value.value, value.type.rawValue, indicator.stixID, indicator.name, String(indicator.confidence),
                              indicator.tlp ?? "", MISPEvents.iso(indicator.modifiedMicroseconds),
                              indicator.validUntilMicroseconds.map(MISPEvents.iso) ?? ""]
                out += fields.map(quote).joined(separator: ",") + "\n"
            }
        }
        return ExportFile(name: "kakehashi-\(context.feedToken).csv", text: out)
    }

    /// RFC 4180 quoting; a leading `=`, `+`, `-`, `@` is prefixed with `'` so spreadsheets do not run it.
    static func quote(_ field: String) -> String {
        var text = field
        if let first = text.first, "=+-@".contains(first) { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
