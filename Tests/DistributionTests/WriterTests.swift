// The pure export writers alone: values pulled from pattern trees, the selection rules (revoked,
// expired, warning-listed never listed; caps keep the strongest, freshest and report the cut),
// and each format's documented shape. The real consumers check the files in Tests/Interop/test_exports.py.
import Distribution
import Foundation
import STIX
import STIXPatterning
import Testing

func indicatorJSON(_ n: Int, pattern: String, modified: String = "2026-11-01T00:00:00.000Z", patternType: String = "stix",
                   extra: String = "") -> Data {
    let escaped = pattern.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
    return Data("""
    {"type":"indicator","spec_version":"2.1","id":"indicator--00000000-0000-4000-8000-\(String(format: "%012d", n))",\
    "created":"2026-10-01T00:00:00.000Z","modified":"\(modified)","name":"C2 \(n)","pattern":"\(escaped)",\
    "pattern_type":"\(patternType)","valid_from":"2026-10-01T00:00:00Z"\(extra)}
    """.utf8)
}

let context = ExportContext(feedName: "C2", builtMicroseconds: 1_800_000_000_000_000)

@Suite("Distribution: reading indicators")
struct ReadingTests {
    @Test("values come from the pattern tree: =, IN, hashes by algorithm, CIDR canonical, NOT and other operators ignored")
    func values() throws {
        let pattern = """
        [ipv4-addr:value = '198.51.100.7' OR ipv4-addr:value = '203.0.113.9/24' OR domain-name:value IN ('Evil.Example.', 'c2.example.net')] \
        AND [file:hashes.'SHA-256' = 'AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA' AND file:hashes.MD5 != 'd41d8cd98f00b204e9800998ecf8427e'] \
        OR [url:value = 'http://bad.example/x?a=1;b' OR ipv6-addr:value = '2001:DB8:0:0:0:0:0:1'] OR [domain-name:value LIKE '%.x.example']
        """
        let indicator = try #require(ExportIndicator.read(indicatorJSON(1, pattern: pattern)))
        #expect(indicator.values == [
            ExportValue(type: .ipv4, value: "198.51.100.7"), ExportValue(type: .cidr, value: "203.0.113.0/24"),
            ExportValue(type: .domain, value: "evil.example"), ExportValue(type: .domain, value: "c2.example.net"),
            ExportValue(type: .sha256, value: String(repeating: "a", count: 64)),
            ExportValue(type: .url, value: "http://bad.example/x?a=1;b"), ExportValue(type: .ipv6, value: "2001:db8::1"),
        ])
    }

    @Test("not an indicator, another pattern language, a pattern that does not parse: nothing")
    func notIndicators() {
        #expect(ExportIndicator.read(Data(#"{"type":"malware","id":"malware--1"}"#.utf8)) == nil)
        #expect(ExportIndicator.read(indicatorJSON(2, pattern: "[ipv4-addr:value = '198.51.100.1']", patternType: "snort")) == nil)
        #expect(ExportIndicator.read(indicatorJSON(3, pattern: "[ipv4-addr:value = ")) == nil)
    }
}

@Suite("Distribution: selection")
struct SelectionTests {
    func make(_ n: Int, _ values: [ExportValue], confidence: Int = 50, modified: Int64 = 1_000, revoked: Bool = false,
              validUntil: Int64? = nil, tlp: String? = nil) -> ExportIndicator {
        ExportIndicator(stixID: "indicator--\(n)", name: "n\(n)", modifiedMicroseconds: modified, createdMicroseconds: 0,
                        validUntilMicroseconds: validUntil, confidence: confidence, tlp: tlp, revoked: revoked, values: values)
    }

    @Test("revoked, expired and blocked values never reach a list; filters by type, TLP and confidence")
    func rules() {
        let indicators = [
            make(1, [ExportValue(type: .domain, value: "a.example")]),
            make(2, [ExportValue(type: .domain, value: "revoked.example")], revoked: true),
            make(3, [ExportValue(type: .domain, value: "expired.example")], validUntil: 5_000),
            make(4, [ExportValue(type: .domain, value: "google.com"), ExportValue(type: .ipv4, value: "192.0.2.1")]),
            make(5, [ExportValue(type: .ipv4, value: "192.0.2.2")], confidence: 10, tlp: "red"),
        ]
        let set = ExportSelection.select(indicators, filter: ExportFilter(), nowMicroseconds: 10_000,
                                         isBlocked: { $0.value == "google.com" })
        #expect(set.indicators.flatMap(\.values).map(\.value) == ["a.example", "192.0.2.1", "192.0.2.2"])
        #expect(set.withdrawn == 2 && set.blocked == 1)
        let typed = ExportSelection.select(indicators, filter: ExportFilter(types: [.ipv4], maxTLP: "amber"), nowMicroseconds: 10_000, isBlocked: { _ in false })
        #expect(typed.indicators.flatMap(\.values).map(\.value) == ["192.0.2.1"])
        let confident = ExportSelection.select(indicators, filter: ExportFilter(minConfidence: 40), nowMicroseconds: 10_000, isBlocked: { _ in false })
        #expect(!confident.indicators.flatMap(\.values).map(\.value).contains("192.0.2.2"))
    }

    @Test("a cap per list keeps the highest-confidence, then freshest values and reports the cut")
    func cap() {
        let indicators = (0..<10).map { make($0, [ExportValue(type: .ipv4, value: "192.0.2.\($0)")], confidence: $0 < 5 ? 90 : 20, modified: Int64($0)) }
            + [make(99, [ExportValue(type: .domain, value: "kept.example")])]
        let set = ExportSelection.select(indicators, filter: ExportFilter(limitPerList: 3), nowMicroseconds: 100, isBlocked: { _ in false })
        #expect(Set(set.indicators.flatMap(\.values).filter { $0.type == .ipv4 }.map(\.value)) == ["192.0.2.4", "192.0.2.3", "192.0.2.2"])
        #expect(set.cut == [.ipv4: 7])
        #expect(set.indicators.flatMap(\.values).contains(ExportValue(type: .domain, value: "kept.example")))
    }
}

@Suite("Distribution: writers")
struct WriterFormatTests {
    func set(_ values: [ExportValue], modified: Int64 = 1_790_000_000_000_000) -> ExportSet {
        let indicator = ExportIndicator(stixID: "indicator--00000000-0000-4000-8000-000000000001", name: "C2\tserver\nnew",
                                        modifiedMicroseconds: modified, createdMicroseconds: 0, tlp: "amber", values: values,
                                        submissionID: "s1")
        return ExportSelection.select([indicator], filter: ExportFilter(), nowMicroseconds: 0, isBlocked: { _ in false })
    }

    @Test("RPZ: SOA, NS, name and wildcard CNAME ., rpz-ip triggers for IPv4, networks and IPv6")
    func rpz() throws {
        let file = try ExportWriters.write(set([ExportValue(type: .domain, value: "evil.example"), ExportValue(type: .ipv4, value: "198.51.100.7"),
                                                ExportValue(type: .cidr, value: "203.0.113.0/24"), ExportValue(type: .ipv6, value: "2001:db8::1"),
                                                ExportValue(type: .url, value: "http://x.example/")]),
                                           format: .rpz, types: [], context: context)[0]
        let text = String(decoding: file.bytes, as: UTF8.self)
        #expect(text.contains("@ IN SOA localhost. hostmaster.localhost. 1800000000 "))
        for line in ["evil.example CNAME .", "*.evil.example CNAME .", "32.7.100.51.198.rpz-ip CNAME .",
                     "24.0.113.0.203.rpz-ip CNAME .", "128.1.zz.db8.2001.rpz-ip CNAME ."] {
            #expect(text.contains("\n" + line + "\n"), "\(line)")
        }
        #expect(!text.contains("x.example"))
    }

    @Test("Zeek intel: #fields, exactly one TAB between fields, URL without scheme, no TAB or newline inside a field")
    func zeek() throws {
        let file = try ExportWriters.write(set([ExportValue(type: .url, value: "https://bad.example/a b"), ExportValue(type: .cidr, value: "10.0.0.0/8")]),
                                           format: .zeek, types: [], context: context)[0]
        let lines = String(decoding: file.bytes, as: UTF8.self).split(separator: "\n", omittingEmptySubsequences: false)
        #expect(lines[0] == "#fields\tindicator\tindicator_type\tmeta.source\tmeta.desc")
        #expect(lines[1] == "bad.example/a b\tIntel::URL\tkakehashi-C2\tC2 server new")
        #expect(lines[2] == "10.0.0.0/8\tIntel::SUBNET\tkakehashi-C2\tC2 server new")
        for line in lines.dropFirst() where !line.isEmpty { #expect(line.split(separator: "\t", omittingEmptySubsequences: false).count == 4) }
    }

    @Test("Suricata: a stable sid per value, rev from modified (raised when the indicator changes), content escaped")
    func suricata() throws {
        let values = [ExportValue(type: .url, value: "http://bad.example/a\"b;c|d"), ExportValue(type: .domain, value: "evil.example")]
        let first = String(decoding: try ExportWriters.write(set(values), format: .suricata, types: [], context: context)[0].bytes, as: UTF8.self)
        let later = String(decoding: try ExportWriters.write(set(values, modified: 1_790_000_100_000_000), format: .suricata, types: [], context: context)[0].bytes, as: UTF8.self)
        #expect(first.contains(#"http.uri.raw; content:"/a|22|b|3B|c|7C|d"; startswith;"#))
        #expect(first.contains(#"dns.query; dotprefix; content:".evil.example"; nocase; endswith;"#))
        func sids(_ text: String) -> [String] {
            text.split(separator: "\n").compactMap { line -> String? in
                guard let range = line.range(of: "sid:") else { return nil }
                return String(line[range.upperBound...].prefix(while: \.isNumber))
            }
        }
        #expect(sids(first) == sids(later) && sids(first).count == 4 && Set(sids(first)).count == 4)
        #expect(first.contains("rev:1790000000;") && later.contains("rev:1790000100;"))
    }

    @Test("plain lists: domains with their *. wildcard, URLs without scheme; plain needs one type")
    func plain() throws {
        let values = [ExportValue(type: .domain, value: "evil.example"), ExportValue(type: .url, value: "https://bad.example/p#frag")]
        #expect(String(decoding: try ExportWriters.write(set(values), format: .plain, types: [.domain], context: context)[0].bytes, as: UTF8.self)
                == "evil.example\n*.evil.example\n")
        #expect(String(decoding: try ExportWriters.write(set(values), format: .plain, types: [.url], context: context)[0].bytes, as: UTF8.self)
                == "bad.example/p\n")
        #expect(throws: ExportRequestError.self) { try ExportWriters.write(set(values), format: .plain, types: [], context: context) }
    }

    @Test("MISP feed: one event per submission named by its uuid, manifest and hashes; the provider is never named")
    func misp() throws {
        let files = try ExportWriters.write(set([ExportValue(type: .domain, value: "evil.example")]), format: .mispFeed, types: [], context: context)
        #expect(files.map(\.name).first == "manifest.json" && files.map(\.name).last == "hashes.csv" && files.count == 3)
        let event = try JSONParser.parse(files[1].bytes)
        #expect(event["Event"]?["Orgc"]?["name"]?.stringValue == "Kakehashi")
        #expect(event["Event"]?["Tag"]?.arrayValue?.first?["name"]?.stringValue == "tlp:amber")
        let uuid = try #require(event["Event"]?["uuid"]?.stringValue)
        #expect(files[1].name == uuid + ".json")
        #expect(String(decoding: files[2].bytes, as: UTF8.self) == "\(md5("evil.example")),\(uuid)\n")
    }

    func md5(_ text: String) -> String {
        // Written apart from the writer: the digest MISP's feed generator computes for hashes.csv.
        let process = Process()
        process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        process.arguments = ["python3", "-c", "import hashlib,sys; print(hashlib.md5(sys.argv[1].encode()).hexdigest())", text]
        let pipe = Pipe(); process.standardOutput = pipe
        try? process.run(); process.waitUntilExit()
        return String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    }
}

@Suite("Distribution: documents patched in place")
struct PatchedDocumentTests {
    func selected(_ n: Int, _ values: [ExportValue]) -> [SelectedIndicator] {
        let indicator = ExportIndicator(stixID: "indicator--00000000-0000-4000-8000-\(String(format: "%012d", n))", name: "C2 \(n)",
                                        modifiedMicroseconds: 1_790_000_000_000_000 + Int64(n) * 1_000_000, createdMicroseconds: 0, values: values)
        return ExportSelection.select([indicator], filter: ExportFilter(), nowMicroseconds: 0, isBlocked: { _ in false }).indicators
    }

    @Test("a zone and a rule file appended to hold exactly what one written whole holds; what was written stays where it was")
    func appended() {
        let first = selected(1, [ExportValue(type: .domain, value: "a.example"), ExportValue(type: .ipv4, value: "198.51.100.7")])
        let second = selected(2, [ExportValue(type: .domain, value: "b.example"), ExportValue(type: .md5, value: String(repeating: "ab", count: 16)),
                                  ExportValue(type: .domain, value: "a.example")])
        let later = ExportContext(feedName: "C2", builtMicroseconds: 1_800_000_100_000_000)

        var zone = ResponsePolicyZone.Zone(context: context)
        zone.add(first)
        let before = zone.file(builtMicroseconds: context.builtMicroseconds).bytes
        zone.add(second)
        let after = zone.file(builtMicroseconds: later.builtMicroseconds).bytes
        #expect(after == ResponsePolicyZone.write(ExportSet(indicators: first + second), context: later).bytes)
        let text = String(decoding: after, as: UTF8.self)
        #expect(text.contains(" 1800000100 3600 ") && text.contains("\nb.example CNAME .\n"))
        #expect(text.components(separatedBy: "\na.example CNAME .\n").count == 2, "a value listed once")
        // The body written first is a prefix of the body after the patch (appended, not rewritten).
        let bodyStart = before.firstRange(of: Array("a.example CNAME".utf8))!.lowerBound
        #expect(before.count < after.count && Array(after[bodyStart..<before.count]) == Array(before[bodyStart...]))
        #expect(after.firstRange(of: Array("a.example CNAME".utf8))!.lowerBound == bodyStart, "the header keeps its length")

        var rules = SuricataRules.RuleFile(context: context)
        rules.add(first)
        let rulesBefore = rules.files()
        rules.add(second)
        let rulesAfter = rules.files()
        let whole = SuricataRules.write(ExportSet(indicators: first + second), context: context)
        #expect(rulesAfter == whole)
        #expect(rulesBefore.count == 1 && rulesAfter.count == 2, "the md5 list file appears with the first md5")
        let ruleText = String(decoding: rulesAfter[0].bytes, as: UTF8.self)
        #expect(ruleText.hasPrefix("# Kakehashi feed C2: 5 values, Suricata 7 rules"))
        #expect(ruleText.contains("filemd5:kakehashi-C2-md5.txt;"))
        #expect(rulesAfter[0].bytes.count > rulesBefore[0].bytes.count)
    }
}
