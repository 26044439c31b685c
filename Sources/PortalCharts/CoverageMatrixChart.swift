// PortalCharts coverage matrix: a heat map of organisations (rows) against organisations, feeds or
// sectors (columns), each cell shaded by its value with the value written in it; and the same
// numbers as CSV.
import Foundation

/// A heat map of values by row and column.
///
/// ```swift
/// // From SharingMetrics' CoverageReport: rows = organisations, columns = the same organisations,
/// // values[i][j] = indicators of i also reported by j (the diagonal: i's own total).
/// let chart = CoverageMatrixChart(
///     id: "coverage", text: ChartText(title: "Coverage", description: "…", emptyMessage: "No data"),
///     rowLabels: report.rows.map(\.organization), columnLabels: report.rows.map(\.organization),
///     values: report.rows.map { row in report.rows.map { other in
///         other.organization == row.organization ? Double(row.indicators)
///             : Double(row.overlap.first { $0.organization == other.organization }?.shared ?? 0) } })
/// ```
public struct CoverageMatrixChart: Sendable, Equatable {
    /// How cell values are written.
    public enum ValueFormat: Sendable, Equatable {
        /// Whole numbers (counts).
        case count
        /// Shares 0…1 written as percentages.
        case percent
    }

    public var id: String
    public var text: ChartText
    public var rowLabels: [String]
    public var columnLabels: [String]
    /// `values[row][column]`; nil: no figure for that cell (drawn blank). Missing rows or columns count as nil.
    public var values: [[Double?]]
    public var format: ValueFormat
    /// The CSV's first column header (what the rows are).
    public var rowHeader: String

    public init(id: String, text: ChartText, rowLabels: [String], columnLabels: [String], values: [[Double?]],
                format: ValueFormat = .count, rowHeader: String = "organization") {
        self.id = id; self.text = text; self.rowLabels = rowLabels; self.columnLabels = columnLabels
        self.values = values; self.format = format; self.rowHeader = rowHeader
    }

    func value(_ row: Int, _ column: Int) -> Double? {
        guard row < values.count, column < values[row].count, let value = values[row][column], value.isFinite else { return nil }
        return value
    }

    func written(_ value: Double) -> String {
        switch format {
        case .count: return String(Int(value.rounded()))
        case .percent: return String(Int((value * 100).rounded())) + "%"
        }
    }

    static let cell = 36.0, labelLimit = 24

    public var svg: String {
        guard !rowLabels.isEmpty, !columnLabels.isEmpty else { return ChartMarkup.empty(id: id, kind: "coverage", text: text) }
        let rowLabelWidth = Double(min(rowLabels.map(\.count).max() ?? 0, Self.labelLimit)) * 7.5 + 12
        let columnLabelHeight = Double(min(columnLabels.map(\.count).max() ?? 0, Self.labelLimit)) * 5.5 + 16
        let width = rowLabelWidth + Self.cell * Double(columnLabels.count) + 8
        let height = columnLabelHeight + Self.cell * Double(rowLabels.count) + 8
        let maximum = (0..<rowLabels.count).flatMap { r in (0..<columnLabels.count).compactMap { value(r, $0) } }.max() ?? 0
        var out = ChartMarkup.open(id: id, kind: "coverage", width: width, height: height, text: text)
        out += "<g class=\"axis axis-columns\">"
        for (index, label) in columnLabels.enumerated() {
            let x = rowLabelWidth + Self.cell * (Double(index) + 0.5), y = columnLabelHeight - 6
            out += "<text x=\"\(ChartMarkup.number(x))\" y=\"\(ChartMarkup.number(y))\" fill=\"#333\" "
                + "transform=\"rotate(-45 \(ChartMarkup.number(x)) \(ChartMarkup.number(y)))\"><title>"
                + ChartMarkup.escape(label) + "</title>" + ChartMarkup.escape(ChartMarkup.shortened(label, to: Self.labelLimit))
                + "</text>"
        }
        out += "</g><g class=\"axis axis-rows\">"
        for (index, label) in rowLabels.enumerated() {
            let y = columnLabelHeight + Self.cell * (Double(index) + 0.5)
            out += "<text x=\"\(ChartMarkup.number(rowLabelWidth - 6))\" y=\"\(ChartMarkup.number(y))\" text-anchor=\"end\" "
                + "dominant-baseline=\"middle\" fill=\"#333\"><title>" + ChartMarkup.escape(label) + "</title>"
                + ChartMarkup.escape(ChartMarkup.shortened(label, to: Self.labelLimit)) + "</text>"
        }
        out += "</g><g class=\"cells\">"
        for (r, rowLabel) in rowLabels.enumerated() {
            for (c, columnLabel) in columnLabels.enumerated() {
                let x = rowLabelWidth + Self.cell * Double(c), y = columnLabelHeight + Self.cell * Double(r)
                let position = "x=\"\(ChartMarkup.number(x))\" y=\"\(ChartMarkup.number(y))\""
                guard let cellValue = value(r, c) else {
                    out += "<rect \(position) width=\"\(Int(Self.cell))\" height=\"\(Int(Self.cell))\" fill=\"#fff\" stroke=\"#eee\"/>"
                    continue
                }
                let intensity = maximum > 0 ? max(0, min(1, cellValue / maximum)) : 0
                out += "<rect \(position) width=\"\(Int(Self.cell))\" height=\"\(Int(Self.cell))\" "
                    + "fill=\"\(Self.shade(intensity))\" stroke=\"#fff\"><title>"
                    + ChartMarkup.escape("\(rowLabel) × \(columnLabel): \(written(cellValue))") + "</title></rect>"
                out += "<text x=\"\(ChartMarkup.number(x + Self.cell / 2))\" y=\"\(ChartMarkup.number(y + Self.cell / 2))\" "
                    + "text-anchor=\"middle\" dominant-baseline=\"middle\" font-size=\"10\" "
                    + "fill=\"\(intensity > 0.55 ? "#fff" : "#111")\" aria-hidden=\"true\">\(written(cellValue))</text>"
            }
        }
        out += "</g>"
        return out + ChartMarkup.close()
    }

    /// From near-white to dark blue; text turns white past the middle so it keeps its contrast.
    static func shade(_ intensity: Double) -> String {
        let light = (247.0, 251.0, 255.0), dark = (8.0, 48.0, 107.0)
        func channel(_ a: Double, _ b: Double) -> String {
            let value = Int((a + (b - a) * intensity).rounded())
            let hex = String(value, radix: 16, uppercase: true)
            return hex.count == 1 ? "0" + hex : hex
        }
        return "#" + channel(light.0, dark.0) + channel(light.1, dark.1) + channel(light.2, dark.2)
    }

    /// The numbers drawn: one line per row, one column per column label (blank where there is no figure).
    public var csv: String {
        ChartCSV.lines([rowHeader] + columnLabels, rowLabels.indices.map { r in
            [rowLabels[r]] + columnLabels.indices.map { c in value(r, c).map(csvValue) ?? "" }
        })
    }

    func csvValue(_ value: Double) -> String {
        switch format {
        case .count: return String(Int(value.rounded()))
        case .percent: return ChartMarkup.number(value * 100)
        }
    }
}
