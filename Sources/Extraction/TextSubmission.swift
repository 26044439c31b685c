// Extraction — TextSubmission.swift
// Owns indicators pasted as free text or uploaded as CSV, written as STIX 2.1: one observable and one
// `indicator` per kept value (IPs, domains, URLs, e-mail addresses, file hashes), `vulnerability`
// objects for CVE ids, `attack-pattern` objects for ATT&CK technique ids, and a `report` tying them
// together; what the warning lists dropped is told to the provider as warnings. Also owns
// `IndicatorWriting`, the mapping of one extracted `Indicator` to STIX that incident reports reuse.
import Foundation
import IndicatorExtraction
import STIX

/// Indicators from free text (a pasted report, an advisory, a list) or from a CSV file.
public enum TextSubmission {
    /// At most this many "dropped …" warnings are listed one by one; the rest are counted.
    public static let droppedWarningLimit = 200

    /// Extracts the indicators in `text` (defanged forms refanged, warning lists applied).
    ///
    /// The original text is never copied into the STIX objects (it may name the victim); the
    /// `report` carries a fixed name and a count only.
    ///
    /// ```swift
    /// let extracted = TextSubmission.extract(text: "C2: 45.77.12[.]9 and hxxps://evil[.]example[.]com/a.zip, T1566.001")
    /// extracted.objects.filter { $0["type"] == "indicator" }.map { $0["pattern"]?.stringValue }
    /// // ["[ipv4-addr:value = '45.77.12.9']", "[url:value = 'https://evil.example.com/a.zip']"]
    /// extracted.warnings   // e.g. ["dropped 192.168.10.5: warning list: List of RFC 1918 CIDR blocks"]
    /// ```
    public static func extract(text: String, author: STIXAuthoring = STIXAuthoring(),
                               warningLists: WarningLists = .bundled) -> ExtractedSubmission {
        let result = IndicatorExtractor(warningLists: warningLists).extract(from: text)
        return write(indicators: result.indicators.map { ($0, nil) }, dropped: result.dropped, problems: [],
                     reportName: "Indicators from submitted text", author: author)
    }

    /// Reads indicators from CSV bytes (UTF-8, UTF-8 with BOM, UTF-16 with BOM, Shift_JIS/CP932)
    /// with a column mapping. A row's description column becomes the indicator's `description`, its
    /// first-seen time the indicator's `valid_from`, its tags the indicator's `labels`. Rows that
    /// cannot be read become warnings with their line number.
    ///
    /// ```swift
    /// let mapping = ColumnMapping(indicators: [("ip", .ip), ("sha256", .kind(.sha256))], description: "comment")
    /// let extracted = try TextSubmission.extract(csv: Array(upload), mapping: mapping)
    /// extracted.warnings   // e.g. ["line 7: column 'ip': '999.1.1.1' is not a valid IPv4 address"]
    /// ```
    ///
    /// - Throws: `ExtractionError` when the bytes are not text in a supported encoding.
    public static func extract(csv: [UInt8], mapping: ColumnMapping, author: STIXAuthoring = STIXAuthoring(),
                               warningLists: WarningLists = .bundled) throws(ExtractionError) -> ExtractedSubmission {
        let result: CSVIndicatorReadResult
        do {
            result = try CSVIndicatorReader(warningLists: warningLists).read(data: Data(csv), mapping: mapping)
        } catch {
            throw ExtractionError("the CSV file cannot be read: \(error)")
        }
        let rows = result.records.map { record -> (Indicator, IndicatorWriting.RowContext?) in
            (record.indicator, IndicatorWriting.RowContext(description: record.description,
                                                           firstSeen: record.firstSeen, tags: record.tags))
        }
        return write(indicators: rows, dropped: result.dropped, problems: result.problems.map(\.description),
                     reportName: "Indicators from submitted CSV", author: author)
    }

    static func write(indicators: [(Indicator, IndicatorWriting.RowContext?)], dropped: [DroppedIndicator],
                      problems: [String], reportName: String, author: STIXAuthoring) -> ExtractedSubmission {
        var author = author
        var warnings = WarningLines(limit: droppedWarningLimit)
        for problem in problems { warnings.add(problem) }
        var kinds = Set<String>()
        for (indicator, context) in indicators {
            guard let written = IndicatorWriting.write(indicator, context: context, into: &author) else { continue }
            kinds.insert(written.type)
            if let note = indicator.note { warnings.add("note on \(indicator.value): \(note)") }
        }
        for item in dropped { warnings.add(IndicatorWriting.droppedLine(item)) }
        let refs = author.referableIDs()
        if !refs.isEmpty {
            var reportTypes: [JSONValue] = []
            if kinds.contains("indicator") { reportTypes.append("indicator") }
            if kinds.contains("attack-pattern") { reportTypes.append("attack-pattern") }
            if kinds.contains("vulnerability") { reportTypes.append("vulnerability") }
            let kept = indicators.count
            author.domainObject("report", [
                ("name", .string(reportName)),
                ("description", .string("\(kept) indicator\(kept == 1 ? "" : "s") extracted; \(dropped.count) dropped")),
                ("report_types", .array(reportTypes)),
                ("published", .string(author.now)),
                ("object_refs", .array(refs.map { .string($0) })),
            ])
        }
        return ExtractedSubmission(objects: author.objects,
                                   warnings: (refs.isEmpty ? ["no indicators found"] : []) + warnings.lines)
    }
}

/// Warning lines with a ceiling: past `limit`, further lines are counted and summarised once.
struct WarningLines {
    let limit: Int
    private(set) var listed: [String] = []
    private(set) var omitted = 0

    init(limit: Int) { self.limit = limit }

    mutating func add(_ line: String) {
        if listed.count < limit { listed.append(line) } else { omitted += 1 }
    }

    var lines: [String] { omitted == 0 ? listed : listed + ["… and \(omitted) more not listed"] }
}

/// How one extracted `Indicator` is written as STIX 2.1.
enum IndicatorWriting {
    /// What a CSV row adds to its indicator.
    struct RowContext {
        var description: String?
        var firstSeen: Date?
        var tags: [String]
    }

    /// The ids written for one indicator: the main object's type ("indicator", "vulnerability",
    /// "attack-pattern"), its id, and the observable behind an indicator.
    struct Written {
        var type: String
        var id: String
        var observableID: String?
    }

    /// `dropped 10.0.0.1: warning list: …`
    static func droppedLine(_ item: DroppedIndicator) -> String {
        "dropped \(item.indicator.value): \(item.reason)"
    }

    /// The ATT&CK page of a technique: `T1566.001` → `https://attack.mitre.org/techniques/T1566/001/`.
    static func attackURL(_ id: String) -> String {
        "https://attack.mitre.org/techniques/" + id.uppercased().replacingOccurrences(of: ".", with: "/") + "/"
    }

    /// A `vulnerability` named by its CVE id, with the `cve` external reference.
    @discardableResult
    static func vulnerability(_ cve: String, into author: inout STIXAuthoring) -> String {
        let id = cve.uppercased()
        return author.domainObject("vulnerability", [
            ("name", .string(id)),
            ("external_references", [.object(JSONObject([("source_name", "cve"), ("external_id", .string(id))]))]),
        ])
    }

    /// An `attack-pattern` for an ATT&CK technique id, named from the bundled ATT&CK names.
    @discardableResult
    static func attackPattern(_ technique: String, name: String?, into author: inout STIXAuthoring) -> String {
        let id = technique.uppercased()
        return author.domainObject("attack-pattern", [
            ("name", .string(name ?? AttackTechniques.name(of: id) ?? id)),
            ("external_references", [.object(JSONObject([
                ("source_name", "mitre-attack"), ("external_id", .string(id)), ("url", .string(attackURL(id))),
            ]))]),
        ])
    }

    /// The observable for an indicator value and the STIX pattern matching it; nil for CVE and ATT&CK ids.
    static func observable(_ indicator: Indicator, into author: inout STIXAuthoring) -> (id: String, pattern: String)? {
        let value = indicator.value
        if let algorithm = indicator.kind.stixHashAlgorithm {
            let id = author.observable("file", ["hashes": .object(JSONObject([(algorithm, .string(value))]))])
            return (id, PatternText.equals("file:hashes.\(PatternText.literal(algorithm))", value))
        }
        switch indicator.kind {
        case .ipv4, .ipv6, .domain, .url, .email:
            let type = indicator.kind.stixType
            let id = author.observable(type, ["value": .string(value)])
            return (id, PatternText.equals("\(type):value", value))
        default:
            return nil
        }
    }

    /// Writes one indicator: observable + `indicator` (+ `based-on`), or a `vulnerability`, or an
    /// `attack-pattern`. Returns nil only for a kind that maps to nothing.
    static func write(_ indicator: Indicator, context: RowContext? = nil, into author: inout STIXAuthoring) -> Written? {
        switch indicator.kind {
        case .cve:
            return Written(type: "vulnerability", id: vulnerability(indicator.value, into: &author))
        case .attackTechnique:
            return Written(type: "attack-pattern",
                           id: attackPattern(indicator.value, name: indicator.name, into: &author))
        default:
            guard let (observableID, pattern) = observable(indicator, into: &author) else { return nil }
            var description = context == nil ? "Found in submitted text, line \(indicator.line)."
                                             : context?.description.flatMap { $0.isEmpty ? nil : $0 }
            if let port = indicator.port {
                description = [description, "Seen with port \(port)."].compactMap { $0 }.joined(separator: " ")
            }
            let validFrom = context?.firstSeen.map(STIXAuthoring.timestamp)
            let id = author.indicator(pattern: pattern, name: indicator.value, description: description,
                                      refersTo: observableID, validFrom: validFrom)
            if let tags = context?.tags.filter({ !$0.isEmpty }), !tags.isEmpty {
                author.update(id) { object in object["labels"] = .array(tags.map { .string($0) }) }
            }
            return Written(type: "indicator", id: id, observableID: observableID)
        }
    }
}
