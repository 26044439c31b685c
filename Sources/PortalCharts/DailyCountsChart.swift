// PortalCharts daily counts: one bar per day, stacked by kind (the sharing metrics' C2, phishing and
// malware-hosting classes, or any other series), with a value axis and day labels thinned to fit;
// and the same numbers as CSV.
import Foundation

/// One series of a stacked chart: its key (as the figures name it) and its label (translated).
public struct ChartSeries: Sendable, Equatable {
    public var key: String
    public var label: String
    public init(key: String, label: String) { self.key = key; self.label = label }
}

/// One day's counts by series key.
public struct DailyBar: Sendable, Equatable {
    /// The day, `YYYY-MM-DD` (as SharingMetrics' `DailyCount.day`).
    public var day: String
    public var counts: [String: Int]
    public init(day: String, counts: [String: Int]) { self.day = day; self.counts = counts }
}

/// Daily counts, stacked by series.
///
/// ```swift
/// // From SharingMetrics: report.rows.map { (day: $0.day, key: $0.indicatorClass.rawValue, count: $0.count) }
/// let chart = DailyCountsChart(
///     id: "daily", text: ChartText(title: "New indicators per day", description: "…", emptyMessage: "No data"),
///     series: [ChartSeries(key: "c2", label: "C2"), ChartSeries(key: "phishing", label: "Phishing")],
///     bars: DailyCountsChart.bars(rows, from: "2026-11-01", through: "2026-11-30"))
/// let svg = chart.svg, csv = chart.csv
/// ```
public struct DailyCountsChart: Sendable, Equatable {
    /// Unique within the page (the title and description ids are made from it).
    public var id: String
    public var text: ChartText
    public var series: [ChartSeries]
    public var bars: [DailyBar]
    /// The CSV's first column header.
    public var dayHeader: String

    public init(id: String, text: ChartText, series: [ChartSeries], bars: [DailyBar], dayHeader: String = "day") {
        self.id = id; self.text = text; self.series = series; self.bars = bars; self.dayHeader = dayHeader
    }

    /// Bars from rows of (day, series key, count), summed per day and key, in day order; with `from`
    /// and `through` (`YYYY-MM-DD`, UTC days), every day between them gets a bar, empty ones too.
    public static func bars(_ rows: [(day: String, key: String, count: Int)], from: String? = nil,
                            through: String? = nil) -> [DailyBar] {
        var byDay: [String: [String: Int]] = [:]
        for row in rows { byDay[row.day, default: [:]][row.key, default: 0] += row.count }
        if let from, let through, let days = days(from: from, through: through) {
            for day in days where byDay[day] == nil { byDay[day] = [:] }
        }
        return byDay.keys.sorted().map { DailyBar(day: $0, counts: byDay[$0]!) }
    }

    /// Every day from `from` through `through`, nil when either is not a day or the range is over 10 years.
    static func days(from: String, through: String) -> [String]? {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        guard let start = formatter.date(from: from), let end = formatter.date(from: through), start <= end,
              end.timeIntervalSince(start) <= 3_660 * 86_400 else { return nil }
        var days: [String] = []
        var day = start
        while day <= end {
            days.append(formatter.string(from: day))
            day = day.addingTimeInterval(86_400)
        }
        return days
    }

    // MARK: Geometry

    static let width = 720.0, height = 320.0
    static let left = 56.0, right = 16.0, top = 16.0, bottom = 72.0

    public var svg: String {
        let totals = bars.map { bar in series.reduce(0) { $0 + max(bar.counts[$1.key] ?? 0, 0) } }
        guard !bars.isEmpty, !series.isEmpty else { return ChartMarkup.empty(id: id, kind: "daily", text: text) }
        let maximum = Double(totals.max() ?? 0)
        let step = ChartMarkup.niceStep(maximum: maximum)
        let top = max(step * (maximum / step).rounded(.up), step)
        let plotWidth = Self.width - Self.left - Self.right, plotHeight = Self.height - Self.top - Self.bottom
        let slot = plotWidth / Double(bars.count)
        // A few days do not make bars as wide as the chart.
        let barWidth = min(max(slot * 0.8, 0.5), 40)
        func y(_ value: Double) -> Double { Self.top + plotHeight - plotHeight * value / top }
        var out = ChartMarkup.open(id: id, kind: "daily", width: Self.width, height: Self.height + 24, text: text)
        // Value axis: grid lines and labels.
        out += "<g class=\"axis axis-value\" aria-hidden=\"true\">"
        var tick = 0.0
        while tick <= top + step / 2 {
            let ty = ChartMarkup.number(y(tick))
            out += "<line x1=\"\(ChartMarkup.number(Self.left))\" x2=\"\(ChartMarkup.number(Self.width - Self.right))\" "
                + "y1=\"\(ty)\" y2=\"\(ty)\" stroke=\"#ddd\"/>"
            out += "<text x=\"\(ChartMarkup.number(Self.left - 6))\" y=\"\(ty)\" text-anchor=\"end\" dominant-baseline=\"middle\" "
                + "fill=\"#333\">\(Int(tick))</text>"
            tick += step
        }
        out += "</g>"
        // Bars: one group per day, one rect per non-zero series, stacked from the bottom.
        out += "<g class=\"bars\">"
        for (index, bar) in bars.enumerated() {
            let x = Self.left + slot * Double(index) + (slot - barWidth) / 2
            // The svg is one image to assistive technology (its title, description and the CSV carry
            // the numbers); the per-rect titles are tooltips for pointer users.
            out += "<g class=\"day\">"
            var base = 0.0
            for (seriesIndex, entry) in series.enumerated() {
                let count = Double(max(bar.counts[entry.key] ?? 0, 0))
                guard count > 0 else { continue }
                let y1 = y(base + count), y0 = y(base)
                out += "<rect class=\"series-\(seriesIndex)\" x=\"\(ChartMarkup.number(x))\" y=\"\(ChartMarkup.number(y1))\" "
                    + "width=\"\(ChartMarkup.number(barWidth))\" height=\"\(ChartMarkup.number(max(y0 - y1, 0)))\" "
                    + "fill=\"\(ChartMarkup.colour(seriesIndex))\"><title>"
                    + ChartMarkup.escape("\(bar.day) \(entry.label): \(Int(count))") + "</title></rect>"
                base += count
            }
            out += "</g>"
        }
        out += "</g>"
        // Day labels: at most about twelve, evenly spaced, the last day always.
        let every = max(1, Int((Double(bars.count) / 12).rounded(.up)))
        out += "<g class=\"axis axis-day\" aria-hidden=\"true\">"
        for (index, bar) in bars.enumerated() where index % every == 0 || index == bars.count - 1 {
            if index == bars.count - 1, index % every != 0, index % every < every / 2 { continue }
            let x = Self.left + slot * (Double(index) + 0.5), ly = Self.height - Self.bottom + 12
            out += "<text x=\"\(ChartMarkup.number(x))\" y=\"\(ChartMarkup.number(ly))\" text-anchor=\"end\" fill=\"#333\" "
                + "transform=\"rotate(-45 \(ChartMarkup.number(x)) \(ChartMarkup.number(ly)))\">"
                + ChartMarkup.escape(bar.day) + "</text>"
        }
        out += "</g>"
        out += legend(y: Self.height + 8)
        return out + ChartMarkup.close()
    }

    func legend(y: Double) -> String {
        var out = "<g class=\"legend\">"
        var x = Self.left
        for (index, entry) in series.enumerated() {
            let label = ChartMarkup.shortened(entry.label, to: 24)
            out += "<rect x=\"\(ChartMarkup.number(x))\" y=\"\(ChartMarkup.number(y - 10))\" width=\"12\" height=\"12\" "
                + "fill=\"\(ChartMarkup.colour(index))\"/>"
            out += "<text x=\"\(ChartMarkup.number(x + 16))\" y=\"\(ChartMarkup.number(y))\" fill=\"#333\">"
                + ChartMarkup.escape(label) + "</text>"
            x += 16 + Double(label.count) * 8 + 16
        }
        return out + "</g>"
    }

    /// The numbers drawn: one line per day, one column per series, and the day's total.
    public func csv(totalHeader: String) -> String {
        ChartCSV.lines([dayHeader] + series.map(\.label) + [totalHeader], bars.map { bar in
            let counts = series.map { max(bar.counts[$0.key] ?? 0, 0) }
            return [bar.day] + counts.map(String.init) + [String(counts.reduce(0, +))]
        })
    }

    public var csv: String { csv(totalHeader: "total") }
}
