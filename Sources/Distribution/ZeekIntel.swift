// Distribution — ZeekIntel: a Zeek Intel framework file: the `#fields` line, then one indicator a
// line, fields separated by exactly one TAB, `-` for an empty field; Intel::ADDR, Intel::SUBNET,
// Intel::DOMAIN, Intel::URL (without its scheme, as Zeek compares it) and Intel::FILE_HASH.
import Foundation

public enum ZeekIntel {
    public static func write(_ set: ExportSet, context: ExportContext) -> ExportFile {
        var out = "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc\n"
        let source = "kakehashi-" + context.feedToken
        var seen: Set<String> = []
        for selected in set.indicators {
            let desc = field(selected.indicator.name.isEmpty ? selected.indicator.stixID : selected.indicator.name)
            for value in selected.values {
                guard case let (indicator, type)? = entry(value), seen.insert(type + indicator).inserted else { continue }
                out += "\(field(indicator))\t\(type)\t\(source)\t\(desc)\n"
            }
        }
        return ExportFile(name: "kakehashi-\(context.feedToken).intel", text: out)
    }

    /// The indicator and its Intel::Type; nil for a URL without a scheme.
    static func entry(_ value: ExportValue) -> (String, String)? {
        switch value.type {
        case .ipv4, .ipv6: return (value.value, "Intel::ADDR")
        case .cidr: return (value.value, "Intel::SUBNET")
        case .domain: return (value.value, "Intel::DOMAIN")
        case .url:
            guard let range = value.value.range(of: "://") else { return nil }
            return (String(value.value[range.upperBound...]), "Intel::URL")
        case .md5, .sha1, .sha256: return (value.value, "Intel::FILE_HASH")
        }
    }

    /// A field without TABs, line breaks or other controls; `-` when empty (Zeek's unset mark).
    static func field(_ text: String) -> String {
        let cleaned = String(text.unicodeScalars.map { $0.value < 0x20 || $0.value == 0x7f ? " " : Character($0) })
            .trimmingCharacters(in: .whitespaces)
        return cleaned.isEmpty ? "-" : cleaned
    }
}
