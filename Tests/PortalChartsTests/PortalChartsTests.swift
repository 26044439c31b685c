// PortalCharts: every chart is well-formed XML (parsed with Foundation's XMLParser) with its title,
// description and role, hostile labels stay text, empty data draws the empty message, and the CSV
// carries the numbers drawn; for one day, 365 days, and odd inputs.
import Foundation
#if canImport(FoundationXML)
import FoundationXML
#endif
import PortalCharts
import Testing

/// What XMLParser saw of one document.
final class ParsedSVG: NSObject, XMLParserDelegate {
    var elements: [(name: String, attributes: [String: String])] = []
    var texts: [String] = []
    var textByElement: [String: [String]] = [:]
    private var stack: [String] = []
    private var current = ""
    var error: (any Error)?

    static func parse(_ svg: String) -> ParsedSVG {
        let parsed = ParsedSVG()
        let parser = XMLParser(data: Data(svg.utf8))
        parser.delegate = parsed
        if !parser.parse() { parsed.error = parser.parserError ?? CocoaError(.coderReadCorrupt) }
        return parsed
    }

    func parser(_ parser: XMLParser, didStartElement name: String, namespaceURI: String?, qualifiedName: String?,
                attributes: [String: String] = [:]) {
        flush()
        elements.append((name, attributes)); stack.append(name)
    }

    func parser(_ parser: XMLParser, didEndElement name: String, namespaceURI: String?, qualifiedName: String?) {
        flush()
        stack.removeLast()
    }

    func parser(_ parser: XMLParser, foundCharacters string: String) { current += string }

    private func flush() {
        guard !current.isEmpty else { return }
        texts.append(current)
        textByElement[stack.last ?? "", default: []].append(current)
        current = ""
    }

    func count(_ name: String) -> Int { elements.filter { $0.name == name }.count }
}

let hostile = "<script>alert('x')</script> & \"quoted\" 'single' ]]> <!-- -->"
let text = ChartText(title: "日別の新規指標 \(hostile)", description: "説明 \(hostile)", emptyMessage: "データがありません")

func expectWellFormed(_ svg: String, sourceLocation: SourceLocation = #_sourceLocation) -> ParsedSVG {
    let parsed = ParsedSVG.parse(svg)
    #expect(parsed.error == nil, "not well-formed: \(String(describing: parsed.error))", sourceLocation: sourceLocation)
    let root = parsed.elements.first
    #expect(root?.name == "svg", sourceLocation: sourceLocation)
    #expect(root?.attributes["role"] == "img", sourceLocation: sourceLocation)
    #expect(root?.attributes["viewBox"]?.hasPrefix("0 0 ") == true, sourceLocation: sourceLocation)
    #expect(root?.attributes["width"] == nil && root?.attributes["height"] == nil, "sized by viewBox only",
            sourceLocation: sourceLocation)
    // The accessible name and description are the svg's first children and are referenced by id.
    #expect(parsed.elements.dropFirst().first?.name == "title", sourceLocation: sourceLocation)
    if let labelled = root?.attributes["aria-labelledby"], let described = root?.attributes["aria-describedby"] {
        #expect(parsed.elements.contains { $0.name == "title" && $0.attributes["id"] == labelled }, sourceLocation: sourceLocation)
        #expect(parsed.elements.contains { $0.name == "desc" && $0.attributes["id"] == described }, sourceLocation: sourceLocation)
    } else {
        Issue.record("aria-labelledby/aria-describedby missing", sourceLocation: sourceLocation)
    }
    // Hostile text never becomes markup: no element but the SVG vocabulary.
    let allowed: Set<String> = ["svg", "title", "desc", "g", "rect", "line", "text"]
    #expect(parsed.elements.allSatisfy { allowed.contains($0.name) }, sourceLocation: sourceLocation)
    return parsed
}

@Suite("PortalCharts")
struct PortalChartsTests {
    static let series = [ChartSeries(key: "c2", label: "C2"), ChartSeries(key: "phishing", label: "フィッシング"),
                         ChartSeries(key: "malware-hosting", label: "配布 \(hostile)")]

    @Test("daily counts: stacked bars per day, hostile labels escaped, CSV with the same numbers")
    func dailyCounts() throws {
        let rows: [(day: String, key: String, count: Int)] = [
            ("2026-12-01", "c2", 3), ("2026-12-01", "phishing", 2), ("2026-12-03", "c2", 1), ("2026-12-03", "c2", 4),
        ]
        let bars = DailyCountsChart.bars(rows, from: "2026-11-30", through: "2026-12-03")
        #expect(bars.map(\.day) == ["2026-11-30", "2026-12-01", "2026-12-02", "2026-12-03"])
        #expect(bars[3].counts == ["c2": 5])
        let chart = DailyCountsChart(id: "daily<\"x\">", text: text, series: Self.series, bars: bars)
        let svg = chart.svg
        let parsed = expectWellFormed(svg)
        #expect(!svg.contains("<script"))
        #expect(parsed.textByElement["title"]?.joined().contains(hostile) == true, "the title reads back as the text given")
        #expect(parsed.textByElement["desc"]?.joined() == "説明 \(hostile)")
        // 3 non-zero parts drawn: 12-01 c2, 12-01 phishing, 12-03 c2 (legend swatches are the other rects).
        let barRects = parsed.elements.filter { $0.name == "rect" && $0.attributes["class"]?.hasPrefix("series-") == true }
        #expect(barRects.count == 3)
        #expect(parsed.textByElement["title"]?.contains("2026-12-03 C2: 5") == true)
        #expect(chart.csv == """
            day,C2,フィッシング,配布 <script>alert('x')</script> & "quoted" 'single' ]]> <!-- -->,total\r
            2026-11-30,0,0,0,0\r
            2026-12-01,3,2,0,5\r
            2026-12-02,0,0,0,0\r
            2026-12-03,5,0,0,5\r

            """.replacingOccurrences(of: "配布 <script>alert('x')</script> & \"quoted\" 'single' ]]> <!-- -->",
                                     with: "\"配布 <script>alert('x')</script> & \"\"quoted\"\" 'single' ]]> <!-- -->\""))
        // Deterministic: the same input draws the same bytes.
        #expect(DailyCountsChart(id: "daily<\"x\">", text: text, series: Self.series, bars: bars).svg == svg)
    }

    @Test("daily counts: empty data draws the empty message; one day and 365 days draw every day")
    func dailySizes() throws {
        let empty = DailyCountsChart(id: "d", text: text, series: Self.series, bars: []).svg
        let parsedEmpty = expectWellFormed(empty)
        #expect(parsedEmpty.texts.contains("データがありません"))
        #expect(DailyCountsChart(id: "d", text: text, series: Self.series, bars: []).csv == "day,C2,フィッシング,\"配布 <script>alert('x')</script> & \"\"quoted\"\" 'single' ]]> <!-- -->\",total\r\n")

        let one = DailyCountsChart(id: "d", text: text, series: Self.series,
                                   bars: [DailyBar(day: "2026-12-07", counts: ["c2": 7])])
        let parsedOne = expectWellFormed(one.svg)
        #expect(parsedOne.elements.filter { $0.attributes["class"] == "series-0" }.count == 1)
        #expect(parsedOne.texts.contains("2026-12-07"))

        let rows = (0..<365).map { (day: String(format: "2026-%03d", $0), key: "c2", count: $0 % 17) }
        let year = DailyCountsChart.bars(rows.map { row in
            let date = Date(timeIntervalSince1970: 1_767_225_600 + Double(Int(row.day.suffix(3))!) * 86_400)
            let formatter = DateFormatter()
            formatter.locale = Locale(identifier: "en_US_POSIX"); formatter.timeZone = TimeZone(identifier: "UTC")
            formatter.dateFormat = "yyyy-MM-dd"
            return (day: formatter.string(from: date), key: row.key, count: row.count)
        }, from: "2026-01-01", through: "2026-12-31")
        #expect(year.count == 365)
        let chart = DailyCountsChart(id: "year", text: text, series: Self.series, bars: year)
        let parsedYear = expectWellFormed(chart.svg)
        // Every non-zero day is a bar; day labels are thinned to about a dozen.
        #expect(parsedYear.elements.filter { $0.attributes["class"] == "series-0" }.count == year.filter { ($0.counts["c2"] ?? 0) > 0 }.count)
        let dayLabels = parsedYear.texts.filter { $0.hasPrefix("2026-") && $0.count == 10 }
        #expect(dayLabels.count <= 14 && dayLabels.count >= 10)
        #expect(chart.csv.split(separator: "\r\n").count == 366)
        // Negative counts (never valid) are drawn and written as 0, not as inverted bars.
        let negative = DailyCountsChart(id: "n", text: text, series: Self.series, bars: [DailyBar(day: "2026-12-01", counts: ["c2": -5])])
        #expect(!negative.svg.contains("height=\"-"))
        #expect(negative.csv.contains("2026-12-01,0,0,0,0"))
    }

    @Test("coverage matrix: a cell per organisation pair with its value, hostile organisation names escaped")
    func coverage() throws {
        let names = ["東京電力", "Org \(hostile)", "=HYPERLINK(\"http://evil\")"]
        let chart = CoverageMatrixChart(id: "coverage", text: text, rowLabels: names, columnLabels: names,
                                        values: [[10, 3, nil], [3, 7, 1], [0, 1]])
        let parsed = expectWellFormed(chart.svg)
        // 3×3 cells; the short last row's missing cell is blank, as is the nil one.
        #expect(parsed.elements.filter { $0.name == "rect" }.count == 9)
        #expect(parsed.textByElement["text"]?.contains("10") == true)
        #expect(parsed.textByElement["title"]?.contains("東京電力 × Org \(hostile): 3") == true)
        #expect(chart.csv == ChartCSVExpectation.coverage)
        let percent = CoverageMatrixChart(id: "p", text: text, rowLabels: ["A"], columnLabels: ["食品", "金融"],
                                          values: [[0.25, 1]], format: .percent, rowHeader: "組織")
        let parsedPercent = expectWellFormed(percent.svg)
        #expect(parsedPercent.texts.contains("25%") && parsedPercent.texts.contains("100%"))
        #expect(percent.csv == "組織,食品,金融\r\nA,25,100\r\n")
        let empty = CoverageMatrixChart(id: "e", text: text, rowLabels: [], columnLabels: [], values: [])
        #expect(expectWellFormed(empty.svg).texts.contains("データがありません"))
    }

    @Test("lead-time histogram: a bar per bucket with its count; empty and zero data")
    func histogram() throws {
        let bins = [HistogramBin(label: "<1h", count: 4), HistogramBin(label: "1h-1d", count: 0),
                    HistogramBin(label: "1日〜7日", count: 12), HistogramBin(label: hostile, count: 1)]
        let chart = HistogramChart(id: "lead", text: text, bins: bins, binHeader: "期間", countHeader: "件数")
        let parsed = expectWellFormed(chart.svg)
        #expect(parsed.elements.filter { $0.name == "rect" }.count == 4)
        #expect(parsed.texts.contains("<1h") && parsed.texts.contains("12"))
        #expect(parsed.textByElement["title"]?.contains("\(hostile): 1") == true)
        #expect(chart.csv == "期間,件数\r\n<1h,4\r\n1h-1d,0\r\n1日〜7日,12\r\n\"\(hostile.replacingOccurrences(of: "\"", with: "\"\""))\",1\r\n")
        let zeros = HistogramChart(id: "z", text: text, bins: [HistogramBin(label: "<1h", count: 0)])
        #expect(!expectWellFormed(zeros.svg).elements.isEmpty)
        #expect(!zeros.svg.contains("NaN") && !zeros.svg.contains("inf"))
        #expect(expectWellFormed(HistogramChart(id: "e", text: text, bins: []).svg).texts.contains("データがありません"))
    }

    @Test("escaping and numbers: every XML special character, control characters dropped, locale-free decimals")
    func markup() {
        #expect(ChartMarkup.escape("<a href='x'>&\"</a>") == "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;")
        #expect(ChartMarkup.escape("a\u{0}b\u{1B}c\u{7F}d\td") == "abcd\td")
        #expect(ChartMarkup.number(1.005) == "1" || ChartMarkup.number(1.005) == "1.01")
        #expect(ChartMarkup.number(12.5) == "12.5")
        #expect(ChartMarkup.number(-0.25) == "-0.25")
        #expect(ChartMarkup.number(3.04) == "3.04")
        #expect(ChartMarkup.number(.nan) == "0")
        #expect(ChartCSV.lines(["a"], [["-1"], ["-cmd"], ["@SUM(A1)"], ["+1"], ["x,y"]])
                == "a\r\n-1\r\n'-cmd\r\n'@SUM(A1)\r\n+1\r\n\"x,y\"\r\n")
    }
}

enum ChartCSVExpectation {
    static let coverage = "organization,東京電力,"
        + "\"Org <script>alert('x')</script> & \"\"quoted\"\" 'single' ]]> <!-- -->\","
        + "\"'=HYPERLINK(\"\"http://evil\"\")\"\r\n"
        + "東京電力,10,3,\r\n"
        + "\"Org <script>alert('x')</script> & \"\"quoted\"\" 'single' ]]> <!-- -->\",3,7,1\r\n"
        + "\"'=HYPERLINK(\"\"http://evil\"\")\",0,1,\r\n"
}
