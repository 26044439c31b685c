// Extraction — IncidentReportSubmission.swift
// Owns the incident report form (the fields of seed 004, decoded strictly from snake_case JSON) and
// its STIX 2.1 form: the technical part (`incident`, `malware`, `attack-pattern`, `threat-actor`,
// `vulnerability`, C2 observables and indicators, relationships, the technical timeline as a
// `note`, and a `report`) and the context part (one `note` with `x_kakehashi_context: true`, the
// context TLP marking, referenced by nothing) that leaves the hub only with explicit consent.
import Foundation
import IndicatorExtraction
import STIX

/// An incident report as a member fills it in (seed 004: technical information vs context information).
///
/// JSON keys are snake_case; unknown keys are refused. Only `title` is required.
///
/// ```swift
/// let report = try IncidentReport.decode(json: Data("""
/// {"title": "Spear-phishing with PlugX", "malware": ["PlugX"], "attack_techniques": ["T1566.001"],
///  "c2": ["45.77.12[.]9", "update-check.jp-evil.com"], "victim_name": "Example Power Co.",
///  "targeted_systems": ["fs01.corp.example.co.jp"], "context_tlp": "amber+strict"}
/// """.utf8))
/// ```
public struct IncidentReport: Codable, Sendable, Equatable {
    /// One line of a timeline: when (free text as the member wrote it, e.g. "2024-05-01 09:10 JST") and what.
    public struct TimelineEntry: Codable, Sendable, Equatable {
        public var time: String
        public var event: String

        public init(time: String, event: String) { self.time = time; self.event = event }

        enum CodingKeys: String, CodingKey, CaseIterable { case time, event }

        public init(from decoder: any Decoder) throws {
            try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue), in: "timeline entry")
            let container = try decoder.container(keyedBy: CodingKeys.self)
            time = try container.decode(String.self, forKey: .time)
            event = try container.decode(String.self, forKey: .event)
        }
    }

    // Technical information (技術情報)
    public var title: String
    public var summary: String?
    /// Malware family names.
    public var malware: [String]
    /// MITRE ATT&CK technique ids ("T1566.001").
    public var attackTechniques: [String]
    public var actor: String?
    /// C2 destinations: IP addresses, domains, URLs (defanged forms accepted).
    public var c2: [String]
    /// Exploited vulnerabilities as CVE ids.
    public var vulnerabilities: [String]
    public var technicalTimeline: [TimelineEntry]

    // Context information (コンテキスト情報): never shared without the provider's explicit consent.
    public var victimName: String?
    public var sector: String?
    public var size: String?
    public var responseTimeline: [TimelineEntry]
    public var damage: String?
    public var countermeasureStatus: String?
    public var targetedSystems: [String]
    /// TLP 2.0 level of the context part: "red" (default), "amber+strict", "amber", "green", "clear".
    public var contextTLP: String

    public init(title: String, summary: String? = nil, malware: [String] = [], attackTechniques: [String] = [],
                actor: String? = nil, c2: [String] = [], vulnerabilities: [String] = [],
                technicalTimeline: [TimelineEntry] = [], victimName: String? = nil, sector: String? = nil,
                size: String? = nil, responseTimeline: [TimelineEntry] = [], damage: String? = nil,
                countermeasureStatus: String? = nil, targetedSystems: [String] = [], contextTLP: String = "red") {
        self.title = title; self.summary = summary; self.malware = malware; self.attackTechniques = attackTechniques
        self.actor = actor; self.c2 = c2; self.vulnerabilities = vulnerabilities; self.technicalTimeline = technicalTimeline
        self.victimName = victimName; self.sector = sector; self.size = size; self.responseTimeline = responseTimeline
        self.damage = damage; self.countermeasureStatus = countermeasureStatus; self.targetedSystems = targetedSystems
        self.contextTLP = contextTLP
    }

    enum CodingKeys: String, CodingKey, CaseIterable {
        case title, summary, malware
        case attackTechniques = "attack_techniques"
        case actor, c2, vulnerabilities
        case technicalTimeline = "technical_timeline"
        case victimName = "victim_name"
        case sector, size
        case responseTimeline = "response_timeline"
        case damage
        case countermeasureStatus = "countermeasure_status"
        case targetedSystems = "targeted_systems"
        case contextTLP = "context_tlp"
    }

    public init(from decoder: any Decoder) throws {
        try StrictKeys.check(decoder, allowed: CodingKeys.allCases.map(\.rawValue), in: "incident report")
        let c = try decoder.container(keyedBy: CodingKeys.self)
        title = try c.decode(String.self, forKey: .title)
        summary = try c.decodeIfPresent(String.self, forKey: .summary)
        malware = try c.decodeIfPresent([String].self, forKey: .malware) ?? []
        attackTechniques = try c.decodeIfPresent([String].self, forKey: .attackTechniques) ?? []
        actor = try c.decodeIfPresent(String.self, forKey: .actor)
        c2 = try c.decodeIfPresent([String].self, forKey: .c2) ?? []
        vulnerabilities = try c.decodeIfPresent([String].self, forKey: .vulnerabilities) ?? []
        technicalTimeline = try c.decodeIfPresent([TimelineEntry].self, forKey: .technicalTimeline) ?? []
        victimName = try c.decodeIfPresent(String.self, forKey: .victimName)
        sector = try c.decodeIfPresent(String.self, forKey: .sector)
        size = try c.decodeIfPresent(String.self, forKey: .size)
        responseTimeline = try c.decodeIfPresent([TimelineEntry].self, forKey: .responseTimeline) ?? []
        damage = try c.decodeIfPresent(String.self, forKey: .damage)
        countermeasureStatus = try c.decodeIfPresent(String.self, forKey: .countermeasureStatus)
        targetedSystems = try c.decodeIfPresent([String].self, forKey: .targetedSystems) ?? []
        contextTLP = try c.decodeIfPresent(String.self, forKey: .contextTLP) ?? "red"
        guard IncidentReport.contextMarking(contextTLP) != nil else {
            throw DecodingError.dataCorruptedError(forKey: .contextTLP, in: c, debugDescription:
                "context_tlp \"\(contextTLP)\" is not a TLP 2.0 level (red, amber+strict, amber, green, clear)")
        }
    }

    /// Decodes a report from JSON, turning decoding failures into one readable sentence
    /// (`unknown field "victim"`, `"title" is missing`, `"malware" must be a list of strings`).
    ///
    /// ```swift
    /// do { let report = try IncidentReport.decode(json: body) } catch { print(error.description) }
    /// ```
    public static func decode(json: Data) throws(ExtractionError) -> IncidentReport {
        do {
            return try JSONDecoder().decode(IncidentReport.self, from: json)
        } catch let error as DecodingError {
            throw ExtractionError("incident report: " + StrictKeys.describe(error))
        } catch {
            throw ExtractionError("incident report: \(error)")
        }
    }

    /// The TLP 2.0 marking for a level name ("red", "amber+strict", "AMBER", "TLP:GREEN", …).
    static func contextMarking(_ level: String) -> TLPMarking? {
        var key = level.trimmingCharacters(in: .whitespaces).lowercased()
        if key.hasPrefix("tlp:") { key.removeFirst(4) }
        return TLPMarking.tlp2.first { $0.level == key }
    }
}

/// Refusing unknown keys while decoding, and wording decoding errors for people.
enum StrictKeys {
    struct AnyKey: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    static func check(_ decoder: any Decoder, allowed: [String], in what: String) throws {
        let container = try decoder.container(keyedBy: AnyKey.self)
        let unknown = container.allKeys.map(\.stringValue).filter { !allowed.contains($0) }.sorted()
        if let first = unknown.first {
            throw DecodingError.dataCorrupted(DecodingError.Context(
                codingPath: decoder.codingPath,
                debugDescription: "unknown field \"\(first)\" in the \(what) (known fields: \(allowed.joined(separator: ", ")))"))
        }
    }

    static func path(_ codingPath: [any CodingKey]) -> String {
        codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\($0.stringValue)" }.joined().drop { $0 == "." }.description
    }

    static func describe(_ error: DecodingError) -> String {
        switch error {
        case .keyNotFound(let key, let context):
            let parent = path(context.codingPath)
            return "\"\(key.stringValue)\" is missing" + (parent.isEmpty ? "" : " in \(parent)")
        case .typeMismatch(_, let context):
            return "\"\(path(context.codingPath))\" has the wrong type (expected \(expected(context.codingPath)))"
        case .valueNotFound(_, let context):
            return "\"\(path(context.codingPath))\" is null (expected \(expected(context.codingPath)))"
        case .dataCorrupted(let context):
            let own = context.debugDescription.hasPrefix("unknown field") || context.debugDescription.hasPrefix("context_tlp")
            if context.codingPath.isEmpty && !own { return "the body is not valid JSON" }
            return context.debugDescription
        @unknown default:
            return "\(error)"
        }
    }

    static let stringLists: Set<String> = ["malware", "attack_techniques", "c2", "vulnerabilities", "targeted_systems"]
    static let timelines: Set<String> = ["technical_timeline", "response_timeline"]

    /// What the field at `codingPath` must be, in words.
    static func expected(_ codingPath: [any CodingKey]) -> String {
        let names = codingPath.filter { $0.intValue == nil }.map(\.stringValue)
        guard let last = names.last else { return "a JSON object" }
        let isElement = codingPath.last?.intValue != nil
        if stringLists.contains(last) { return isElement ? "a string" : "a list of strings" }
        if timelines.contains(last) { return isElement ? "a {\"time\", \"event\"} object" : "a list of {\"time\", \"event\"} objects" }
        return "a string"
    }
}

/// An incident report as STIX 2.1.
public enum IncidentReportSubmission {
    /// Writes the report.
    ///
    /// Technical part, tied together by a `report` (`report_types: ["threat-report"]`):
    /// `incident` (name = title, description = summary); `malware` (`is_family: true`) per family;
    /// `attack-pattern` per known ATT&CK id; `threat-actor`; `vulnerability` per CVE id; for each
    /// C2 value an observable and an `indicator` (`based-on` it); relationships: `incident
    /// related-to` each of those (STIX 2.1 defines no incident-specific relationship types),
    /// `threat-actor uses` malware and attack patterns, and with exactly one malware family
    /// `malware communicates-with` the C2 observables and C2 `indicator indicates` the malware;
    /// the technical timeline as a `note` on the incident.
    ///
    /// Context part: ONE `note` on the incident with a readable `content`, the fields again as
    /// `x_kakehashi_*` properties, `x_kakehashi_context: true` and the context TLP marking (the
    /// provider's non-TLP markings kept). Nothing refers to it, so releasing the technical part
    /// never drags it along.
    ///
    /// Unknown ATT&CK ids, malformed CVE ids and C2 values that are no indicator (or that the
    /// warning lists drop) become warnings. `victimIdentifiers`: the victim name and the
    /// targeted systems that look like host names or addresses.
    ///
    /// ```swift
    /// var author = STIXAuthoring(createdByRef: providerIdentity, markingRefs: [TLPMarking.amber.id])
    /// let extracted = try IncidentReportSubmission.extract(report, author: author)
    /// extracted.objects.first { $0["x_kakehashi_context"] == true }?["object_marking_refs"]   // [TLP:RED]
    /// ```
    ///
    /// - Throws: `ExtractionError` for an empty title or an unknown `context_tlp`.
    public static func extract(_ report: IncidentReport, author: STIXAuthoring = STIXAuthoring(),
                               warningLists: WarningLists = .bundled) throws(ExtractionError) -> ExtractedSubmission {
        let title = report.title.trimmingCharacters(in: .whitespacesAndNewlines)
        guard !title.isEmpty else { throw ExtractionError("incident report: \"title\" must not be empty") }
        guard let contextMarking = IncidentReport.contextMarking(report.contextTLP) else {
            throw ExtractionError("incident report: context_tlp \"\(report.contextTLP)\" is not a TLP 2.0 level (red, amber+strict, amber, green, clear)")
        }
        var author = author
        var warnings = WarningLines(limit: TextSubmission.droppedWarningLimit)
        func relate(_ source: String, _ type: String, _ target: String) {
            author.domainObject("relationship", [("relationship_type", .string(type)), ("source_ref", .string(source)),
                                                 ("target_ref", .string(target))])
        }

        let incidentID = author.domainObject("incident", [
            ("name", .string(title)),
            ("description", nonEmpty(report.summary).map { .string($0) } ?? .null),
        ])

        // Malware families
        var malwareIDs: [String] = []
        for name in unique(report.malware) {
            let id = author.domainObject("malware", [("name", .string(name)), ("is_family", true)])
            malwareIDs.append(id)
            relate(incidentID, "related-to", id)
        }

        // ATT&CK techniques
        var attackPatternIDs: [String] = []
        for raw in unique(report.attackTechniques) {
            let technique = raw.uppercased()
            guard technique.wholeMatch(of: /T\d{4}(\.\d{3})?/) != nil else {
                warnings.add("attack technique \"\(raw)\" is not an ATT&CK technique id (T1234 or T1234.001); left out")
                continue
            }
            guard let name = AttackTechniques.name(of: technique) else {
                warnings.add("attack technique \(technique) is not a known ATT&CK Enterprise technique; left out")
                continue
            }
            let id = IndicatorWriting.attackPattern(technique, name: name, into: &author)
            attackPatternIDs.append(id)
            relate(incidentID, "related-to", id)
        }

        // Threat actor
        if let actor = nonEmpty(report.actor) {
            let id = author.domainObject("threat-actor", [("name", .string(actor))])
            relate(incidentID, "related-to", id)
            for target in malwareIDs + attackPatternIDs { relate(id, "uses", target) }
        }

        // Vulnerabilities
        for raw in unique(report.vulnerabilities) {
            let cve = raw.uppercased()
            guard cve.wholeMatch(of: /CVE-\d{4}-\d{4,}/) != nil else {
                warnings.add("vulnerability \"\(raw)\" is not a CVE id (CVE-2024-12345); left out")
                continue
            }
            relate(incidentID, "related-to", IndicatorWriting.vulnerability(cve, into: &author))
        }

        // C2 destinations
        let extractor = IndicatorExtractor(warningLists: warningLists)
        let networkKinds: Set<IndicatorKind> = [.ipv4, .ipv6, .domain, .url]
        var seenC2 = Set<String>()
        for raw in report.c2 where !raw.trimmingCharacters(in: .whitespaces).isEmpty {
            let found = extractor.extract(from: raw)
            for item in found.dropped { warnings.add("c2 " + IndicatorWriting.droppedLine(item)) }
            let kept = found.indicators.filter { networkKinds.contains($0.kind) }
            if kept.isEmpty && found.dropped.isEmpty {
                warnings.add("c2 \"\(raw)\" holds no IP address, domain or URL; left out")
            }
            for indicator in kept where seenC2.insert(indicator.kind.rawValue + " " + indicator.value).inserted {
                let context = IndicatorWriting.RowContext(description: "C2 destination named in an incident report.",
                                                          firstSeen: nil, tags: [])
                guard let written = IndicatorWriting.write(indicator, context: context, into: &author),
                      let observableID = written.observableID else { continue }
                relate(incidentID, "related-to", written.id)
                if malwareIDs.count == 1 {
                    relate(written.id, "indicates", malwareIDs[0])
                    relate(malwareIDs[0], "communicates-with", observableID)
                }
            }
        }

        // Technical timeline
        if !report.technicalTimeline.isEmpty {
            author.domainObject("note", [
                ("abstract", "Technical timeline"),
                ("content", .string(timelineText(report.technicalTimeline))),
                ("object_refs", [.string(incidentID)]),
            ])
        }

        // The report ties the technical part together.
        author.domainObject("report", [
            ("name", .string(title)),
            ("description", nonEmpty(report.summary).map { .string($0) } ?? .null),
            ("report_types", ["threat-report"]),
            ("published", .string(author.now)),
            ("object_refs", .array(author.referableIDs().map { .string($0) })),
        ])

        // The context part: written last, referenced by nothing.
        if let context = contextNote(report, incidentID: incidentID, marking: contextMarking, author: author) {
            author.domainObject("note", context)
        }

        return ExtractedSubmission(objects: author.objects, victimIdentifiers: victimIdentifiers(report),
                                   warnings: warnings.lines)
    }

    /// The context note's properties, or nil when the report has no context fields.
    static func contextNote(_ report: IncidentReport, incidentID: String, marking: TLPMarking,
                            author: STIXAuthoring) -> [(String, JSONValue)]? {
        var lines: [String] = []
        var custom: [(String, JSONValue)] = []
        func field(_ key: String, _ label: String, _ value: String?) {
            guard let value = nonEmpty(value) else { return }
            lines.append("\(label): \(value)")
            custom.append(("x_kakehashi_" + key, .string(value)))
        }
        field("victim_name", "Victim", report.victimName)
        field("sector", "Sector", report.sector)
        field("size", "Size", report.size)
        field("damage", "Damage", report.damage)
        field("countermeasure_status", "Countermeasure status", report.countermeasureStatus)
        let systems = report.targetedSystems.compactMap(nonEmpty)
        if !systems.isEmpty {
            lines.append("Targeted systems: " + systems.joined(separator: ", "))
            custom.append(("x_kakehashi_targeted_systems", .array(systems.map { .string($0) })))
        }
        if !report.responseTimeline.isEmpty {
            lines.append("Response timeline:\n" + timelineText(report.responseTimeline))
            custom.append(("x_kakehashi_response_timeline", .array(report.responseTimeline.map { entry in
                .object(JSONObject([("time", .string(entry.time)), ("event", .string(entry.event))]))
            })))
        }
        guard !lines.isEmpty else { return nil }
        // The provider's other markings (PAP, statements) stay; its TLP gives way to the context TLP.
        let markings = author.markingRefs.filter { TLPMarking(id: $0) == nil } + [marking.id]
        return [
            ("abstract", "Incident context (victim side)"),
            ("content", .string(lines.joined(separator: "\n"))),
            ("object_refs", [.string(incidentID)]),
            ("x_kakehashi_context", true),
        ] + custom + [("object_marking_refs", .array(markings.map { .string($0) }))]
    }

    /// "time — event" lines.
    static func timelineText(_ entries: [IncidentReport.TimelineEntry]) -> String {
        entries.map { "\($0.time) — \($0.event)" }.joined(separator: "\n")
    }

    /// The victim name and the targeted systems that look like host names or IP addresses.
    static func victimIdentifiers(_ report: IncidentReport) -> [String] {
        var identifiers: [String] = []
        if let victim = nonEmpty(report.victimName) { identifiers.append(victim) }
        for system in report.targetedSystems.compactMap(nonEmpty) where looksLikeHost(system) {
            if !identifiers.contains(system) { identifiers.append(system) }
        }
        return identifiers
    }

    /// A dotted name or address ("fs01.corp.example.co.jp", "10.0.5.12", "fe80::1"), or a single label
    /// with a digit or hyphen ("FILESRV01", "dc-01"); not "Active Directory" or "Exchange".
    static func looksLikeHost(_ text: String) -> Bool {
        if text.contains(":"), text.allSatisfy({ $0.isHexDigit || $0 == ":" || $0 == "." }) { return true }
        guard text.wholeMatch(of: /[A-Za-z0-9](?:[A-Za-z0-9-]{0,62})(?:\.[A-Za-z0-9-]{1,63})*\.?/) != nil else { return false }
        return text.contains(".") || text.contains { $0.isNumber || $0 == "-" }
    }

    static func nonEmpty(_ text: String?) -> String? {
        guard let text = text?.trimmingCharacters(in: .whitespacesAndNewlines), !text.isEmpty else { return nil }
        return text
    }

    /// Trimmed, non-empty, first occurrence only (case-insensitive).
    static func unique(_ values: [String]) -> [String] {
        var seen = Set<String>()
        return values.compactMap(nonEmpty).filter { seen.insert($0.lowercased()).inserted }
    }
}
