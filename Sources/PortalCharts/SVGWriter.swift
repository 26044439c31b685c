// PortalCharts drawing primitives: escaping of text and attributes, locale-free number formatting,
// the chart frame every chart shares (<svg role="img"> with <title>/<desc> referenced by
// aria-labelledby/aria-describedby, sized by viewBox), nice axis steps, the colour palette, and
// RFC 4180 CSV with spreadsheet formulas neutralised. Output is deterministic: no dates, no
// randomness, no dictionary order.
import Foundation

/// The texts a chart shows, translated by the caller (the portal's Japanese or English catalogue).
///
/// ```swift
/// ChartText(title: "日別の新規指標", description: "過去30日間の分類別件数", emptyMessage: "データがありません")
/// ```
public struct ChartText: Sendable, Equatable {
    /// The chart's accessible name (`<title>`).
    public var title: String
    /// Its accessible description (`<desc>`): what it shows, and where the numbers are (the CSV).
    public var description: String
    /// Shown instead of the chart when there is nothing to draw.
    public var emptyMessage: String

    public init(title: String, description: String, emptyMessage: String) {
        self.title = title; self.description = description; self.emptyMessage = emptyMessage
    }
}

/// Escaping and number formatting for SVG and XML.
public enum ChartMarkup {
    /// Text or attribute value with `& < > " '` escaped, and characters XML forbids (controls but
    /// tab and line breaks, lone surrogates cannot occur in Swift strings) dropped.
    public static func escape(_ text: String) -> String {
        var out = ""
        out.reserveCapacity(text.utf8.count)
        for scalar in text.unicodeScalars {
            switch scalar {
            case "&": out += "&amp;"
            case "<": out += "&lt;"
            case ">": out += "&gt;"
            case "\"": out += "&quot;"
            case "'": out += "&#39;"
            case "\t", "\n", "\r": out.unicodeScalars.append(scalar)
            default:
                let value = scalar.value
                if value < 0x20 || value == 0xFFFE || value == 0xFFFF || (0x7F...0x9F).contains(value) { continue }
                out.unicodeScalars.append(scalar)
            }
        }
        return out
    }

    /// A coordinate with at most two decimals, `.` as separator whatever the locale.
    public static func number(_ value: Double) -> String {
        guard value.isFinite else { return "0" }
        let hundredths = Int((value * 100).rounded())
        let sign = hundredths < 0 ? "-" : ""
        let magnitude = abs(hundredths)
        let whole = magnitude / 100, fraction = magnitude % 100
        if fraction == 0 { return sign + String(whole) }
        if fraction % 10 == 0 { return sign + "\(whole).\(fraction / 10)" }
        return sign + "\(whole)." + (fraction < 10 ? "0" : "") + String(fraction)
    }

    /// Cuts a label to `limit` characters with an ellipsis (the full text stays in the element's title).
    static func shortened(_ text: String, to limit: Int) -> String {
        text.count <= limit ? text : String(text.prefix(max(limit - 1, 1))) + "…"
    }

    /// The opening of a chart: the svg element (sized by viewBox only, so it scales with its box),
    /// its title and description, and a background.
    static func open(id: String, kind: String, width: Double, height: Double, text: ChartText) -> String {
        let id = escape(id)
        return """
            <svg xmlns="http://www.w3.org/2000/svg" class="chart chart-\(kind)" viewBox="0 0 \(number(width)) \(number(height))" \
            role="img" aria-labelledby="\(id)-title" aria-describedby="\(id)-desc" font-family="sans-serif" font-size="12">\
            <title id="\(id)-title">\(escape(text.title))</title><desc id="\(id)-desc">\(escape(text.description))</desc>
            """
    }

    static func close() -> String { "</svg>" }

    /// The chart of nothing: the frame with the empty message in the middle.
    static func empty(id: String, kind: String, text: ChartText) -> String {
        open(id: id, kind: kind, width: 480, height: 120, text: text)
            + "<text x=\"240\" y=\"64\" text-anchor=\"middle\" fill=\"#444\">\(escape(text.emptyMessage))</text>"
            + close()
    }

    /// Axis steps of 1, 2 or 5 × 10ⁿ, so that `maximum` fits in at most `ticks` steps.
    static func niceStep(maximum: Double, ticks: Int = 5) -> Double {
        guard maximum > 0 else { return 1 }
        let raw = maximum / Double(ticks)
        let magnitude = pow(10, floor(log10(raw)))
        for factor in [1.0, 2.0, 5.0, 10.0] where factor * magnitude >= raw {
            return max(factor * magnitude, 1)
        }
        return max(10 * magnitude, 1)
    }

    /// Okabe–Ito colours (told apart with every common colour-vision deficiency), in order.
    public static let palette = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"]
    static func colour(_ index: Int) -> String { palette[index % palette.count] }
}

/// CSV as the portal's "numbers" links serve it.
public enum ChartCSV {
    /// RFC 4180 lines (CRLF), fields quoted when needed; a field that a spreadsheet would run as a
    /// formula (starting with `=`, `+`, `-`, `@`, tab or CR) is prefixed with `'` unless it is a number.
    public static func lines(_ header: [String], _ rows: [[String]]) -> String {
        ([header] + rows).map { $0.map(field).joined(separator: ",") + "\r\n" }.joined()
    }

    static func field(_ text: String) -> String {
        var text = text
        if let first = text.first, "=+-@\t\r".contains(first), Double(text) == nil { text = "'" + text }
        guard text.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" }) else { return text }
        return "\"" + text.replacingOccurrences(of: "\"", with: "\"\"") + "\""
    }
}
