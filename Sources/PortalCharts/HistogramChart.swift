// PortalCharts histogram: the lead-time distribution (how long before an organisation held an
// indicator itself the hub had delivered it), one bar per bucket with its count above it; and the
// same numbers as CSV.
import Foundation

/// One bucket of a histogram: its label (translated) and its count.
public struct HistogramBin: Sendable, Equatable {
    public var label: String
    public var count: Int
    public init(label: String, count: Int) { self.label = label; self.count = count }
}

/// A histogram.
///
/// ```swift
/// // From SharingMetrics' LeadTimeSummary.histogram ([(label, count)]), labels translated:
/// let chart = HistogramChart(
///     id: "lead-time", text: ChartText(title: "Lead time", description: "…", emptyMessage: "No data"),
///     bins: summary.histogram.map { HistogramBin(label: translate($0.label), count: $0.count) })
/// ```
public struct HistogramChart: Sendable, Equatable {
    public var id: String
    public var text: ChartText
    public var bins: [HistogramBin]
    /// The CSV headers.
    public var binHeader: String
    public var countHeader: String

    public init(id: String, text: ChartText, bins: [HistogramBin], binHeader: String = "bucket", countHeader: String = "count") {
        self.id = id; self.text = text; self.bins = bins; self.binHeader = binHeader; self.countHeader = countHeader
    }

    static let height = 260.0, left = 48.0, right = 16.0, top = 24.0, bottom = 40.0, slot = 96.0

    public var svg: String {
        guard !bins.isEmpty else { return ChartMarkup.empty(id: id, kind: "histogram", text: text) }
        let width = Self.left + Self.slot * Double(bins.count) + Self.right
        let maximum = Double(bins.map { max($0.count, 0) }.max() ?? 0)
        let step = ChartMarkup.niceStep(maximum: maximum, ticks: 4)
        let top = max(step * (maximum / step).rounded(.up), step)
        let plotHeight = Self.height - Self.top - Self.bottom
        func y(_ value: Double) -> Double { Self.top + plotHeight - plotHeight * value / top }
        var out = ChartMarkup.open(id: id, kind: "histogram", width: width, height: Self.height, text: text)
        out += "<g class=\"axis axis-value\" aria-hidden=\"true\">"
        var tick = 0.0
        while tick <= top + step / 2 {
            let ty = ChartMarkup.number(y(tick))
            out += "<line x1=\"\(ChartMarkup.number(Self.left))\" x2=\"\(ChartMarkup.number(width - Self.right))\" "
                + "y1=\"\(ty)\" y2=\"\(ty)\" stroke=\"#ddd\"/><text x=\"\(ChartMarkup.number(Self.left - 6))\" y=\"\(ty)\" "
                + "text-anchor=\"end\" dominant-baseline=\"middle\" fill=\"#333\">\(Int(tick))</text>"
            tick += step
        }
        out += "</g><g class=\"bars\">"
        for (index, bin) in bins.enumerated() {
            let count = Double(max(bin.count, 0))
            let x = Self.left + Self.slot * Double(index) + Self.slot * 0.15, barWidth = Self.slot * 0.7
            let barTop = y(count)
            out += "<rect x=\"\(ChartMarkup.number(x))\" y=\"\(ChartMarkup.number(barTop))\" width=\"\(ChartMarkup.number(barWidth))\" "
                + "height=\"\(ChartMarkup.number(y(0) - barTop))\" fill=\"\(ChartMarkup.colour(0))\"><title>"
                + ChartMarkup.escape("\(bin.label): \(max(bin.count, 0))") + "</title></rect>"
            let center = ChartMarkup.number(x + barWidth / 2)
            out += "<text x=\"\(center)\" y=\"\(ChartMarkup.number(barTop - 4))\" text-anchor=\"middle\" fill=\"#111\" "
                + "aria-hidden=\"true\">\(max(bin.count, 0))</text>"
            out += "<text x=\"\(center)\" y=\"\(ChartMarkup.number(Self.height - Self.bottom + 16))\" text-anchor=\"middle\" "
                + "fill=\"#333\">" + ChartMarkup.escape(ChartMarkup.shortened(bin.label, to: 14)) + "</text>"
        }
        out += "</g>"
        return out + ChartMarkup.close()
    }

    /// The numbers drawn: one line per bucket.
    public var csv: String {
        ChartCSV.lines([binHeader, countHeader], bins.map { [$0.label, String(max($0.count, 0))] })
    }
}
