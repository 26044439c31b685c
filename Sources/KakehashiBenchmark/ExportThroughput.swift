// KakehashiBenchmark — ExportThroughput.swift
// The `exports` workload (issue 16): blocklists at scale. (1) The writers alone on N synthetic
// indicators (40 % IPv4, 40 % domains, 10 % URLs, 10 % SHA-256): selection plus the Suricata rules
// and the RPZ zone. (2) Through a real SQLite store holding N indicators: the first (full) export
// read through the policy engine's reader, an incremental one after 100 more indicators arrive,
// and conditional checks answered from the export cache (what a 304 costs before HTTP), from two
// tasks. "Incremental" is the export asked again after one (then 100) new indicators arrived: only
// they are read, scored, selected and written, appended to the cached document. Prints, asserts nothing.
import Distribution
import Foundation
import SharingPolicy
import SQLiteStorage
import STIX
import Storage

public enum ExportThroughput {
    public static func run(indicators count: Int) async -> String {
        var lines: [String] = []
        lines.append(writers(count: count))
        lines.append(parsing(count: min(count, 100_000)))
        do {
            lines.append(try await stored(count: count))
        } catch {
            lines.append("exports through the store: not measured (\(error))")
        }
        return lines.joined(separator: "\n")
    }

    static func synthetic(_ index: Int) -> ExportValue {
        let a = index % 250 + 1, b = (index / 250) % 250, c = (index / 62_500) % 250
        switch index % 10 {
        case 0..<4: return ExportValue(type: .ipv4, value: "10.\(c).\(b).\(a)")
        case 4..<8: return ExportValue(type: .domain, value: "c2-\(index).bench-example.net")
        case 8: return ExportValue(type: .url, value: "http://u\(index).bench-example.net/gate.php?id=\(index)")
        default: return ExportValue(type: .sha256, value: String(repeating: String(format: "%08x", index), count: 8))
        }
    }

    static func writers(count: Int) -> String {
        let indicators = (0..<count).map { index in
            ExportIndicator(stixID: String(format: "indicator--00000000-0000-4000-8000-%012d", index), name: "C2 \(index)",
                            modifiedMicroseconds: 1_790_000_000_000_000 + Int64(index), createdMicroseconds: 0,
                            confidence: 50 + index % 50, values: [synthetic(index)])
        }
        let context = ExportContext(feedName: "C2", builtMicroseconds: 1_800_000_000_000_000)
        var set = ExportSet(indicators: [])
        let selection = ContinuousClock().measure {
            set = ExportSelection.select(indicators, filter: ExportFilter(), nowMicroseconds: 1_800_000_000_000_000, isBlocked: { _ in false })
        }
        var suricataBytes = 0, rpzBytes = 0
        let suricata = ContinuousClock().measure { suricataBytes = SuricataRules.write(set, context: context).reduce(0) { $0 + $1.bytes.count } }
        let rpz = ContinuousClock().measure { rpzBytes = ResponsePolicyZone.write(set, context: context).bytes.count }
        return String(format: "export writers at %d indicators: selection %.2f s; Suricata rules %.2f s (%.0f MB); RPZ zone %.2f s (%.0f MB)",
                      count, seconds(selection), seconds(suricata), Double(suricataBytes) / 1e6, seconds(rpz), Double(rpzBytes) / 1e6)
    }

    /// What reading a table costs per stored version, on one core: the STIX JSON parse alone, then
    /// the whole `ExportIndicator.read` (JSON, pattern parse, values), on `count` versions as stored.
    static func parsing(count: Int) -> String {
        let stored = (0..<count).map { Self.json(for: $0).bytes }
        var parsed = 0
        let jsonOnly = ContinuousClock().measure {
            for bytes in stored where (try? JSONParser.parse(bytes)) != nil { parsed += 1 }
        }
        let read = ContinuousClock().measure {
            for bytes in stored where ExportIndicator.read(Data(bytes)) != nil { parsed += 1 }
        }
        return String(format: "reading stored indicators on one core (%d versions): JSON parse %.2f µs each, JSON + pattern + values %.2f µs each (%.1f s per 10⁶)",
                      count, seconds(jsonOnly) * 1e6 / Double(count), seconds(read) * 1e6 / Double(count), seconds(read) * 1e6 / Double(count))
    }

    static func stored(count: Int) async throws -> String {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-export-bench-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteHubStore(directory: directory)
        let feed = try await store.createFeed(Feed(name: "C2", title: "C2"))
        let load = try await ContinuousClock().measure { try await append(store: store, feed: feed, range: 0..<count) }
        let policy = PolicyEngine(store: store)
        let reader = policy.hubReader(feedID: feed.id, purpose: .operatorExport)
        // The corpus is dated 2026-10-01: decay that keeps it all, so the full export is measured
        // (freshness is still scored: its reads are part of each build).
        let lasting = DecayParameters(lifetimeSeconds: 20 * 365 * 86_400, decaySpeed: 1, threshold: 1)
        let freshness = FreshnessDefaults(byClass: Dictionary(uniqueKeysWithValues: DecayClass.allCases.map { ($0, lasting) }))
        let exporter = FeedExporter(store: store, ledger: nil, stampLifetime: 0, freshness: freshness)
        var document: ExportDocument?
        let fullSuricata = try await ContinuousClock().measure {
            document = try await exporter.current(ExportRequest(format: .suricata), feed: feed, reader: reader)
        }
        let fullValues = document?.valueCount ?? 0
        let fullRPZ = try await ContinuousClock().measure {
            document = try await exporter.current(ExportRequest(format: .rpz), feed: feed, reader: reader)
        }
        // Incremental: one new domain indicator (index ≡ 4 mod 10), then 100 of every type.
        try await append(store: store, feed: feed, indices: [count + 4])
        var incrementalOneSuricata = Duration.zero
        let incrementalOne = try await ContinuousClock().measure {
            document = try await exporter.current(ExportRequest(format: .rpz), feed: feed, reader: reader)
        }
        let oneValues = document?.valueCount ?? 0
        incrementalOneSuricata = try await ContinuousClock().measure {
            document = try await exporter.current(ExportRequest(format: .suricata), feed: feed, reader: reader)
        }
        try await append(store: store, feed: feed, indices: Array((count + 10)..<(count + 110)))
        let incremental = try await ContinuousClock().measure {
            document = try await exporter.current(ExportRequest(format: .rpz), feed: feed, reader: reader)
        }
        let incrementalSuricata = try await ContinuousClock().measure {
            _ = try await exporter.current(ExportRequest(format: .suricata), feed: feed, reader: reader)
        }
        // What every export after a commit reads first: the store's change stamp (after the exports above).
        try await append(store: store, feed: feed, indices: [count + 200])
        let stampAfterAppend = try await ContinuousClock().measure { _ = try await store.changeStamp() }
        let stampAgain = try await ContinuousClock().measure { _ = try await store.changeStamp() }
        // Conditional checks: the cache answers while the stamp is trusted (the server's half second).
        let cached = FeedExporter(store: store, ledger: nil, stampLifetime: 3600, freshness: freshness)
        let etag = try await cached.current(ExportRequest(format: .rpz), feed: feed, reader: reader).etag
        let checks = 200_000
        let clock = ContinuousClock()
        let start = clock.now
        try await withThrowingTaskGroup(of: Int.self) { group in
            for _ in 0..<2 {
                group.addTask {
                    var matched = 0
                    for _ in 0..<(checks / 2) {
                        let document = try await cached.current(ExportRequest(format: .rpz), feed: feed, reader: reader)
                        if document.etag == etag { matched += 1 }
                    }
                    return matched
                }
            }
            for try await _ in group {}
        }
        let conditional = Double(checks) / seconds(clock.now - start)
        try? store.close()
        return String(format: """
            exports through SQLite at %d indicators (loaded in %.0f s): full Suricata export %.2f s (%d values; the reader's \
            table read, parsed and scored, then written), full RPZ export %.2f s (table current, selected and written); \
            incremental after 1 new indicator: RPZ %.3f s (%d values), Suricata %.3f s; after 100 more: RPZ %.3f s (%d values), \
            Suricata %.3f s; conditional checks answered from the export cache %.0f /s (2 tasks, before HTTP); the store's \
            change stamp read after an append %.3f s, again %.3f s
            """, count, seconds(load), seconds(fullSuricata), fullValues, seconds(fullRPZ), seconds(incrementalOne), oneValues,
            seconds(incrementalOneSuricata), seconds(incremental), document?.valueCount ?? 0, seconds(incrementalSuricata), conditional,
            seconds(stampAfterAppend), seconds(stampAgain))
    }

    static func append(store: any HubStore, feed: Feed, range: Range<Int>, organization: String = "bench") async throws {
        try await append(store: store, feed: feed, indices: Array(range), organization: organization)
    }

    static func append(store: any HubStore, feed: Feed, indices: [Int], organization: String = "bench") async throws {
        var start = 0
        while start < indices.count {
            let end = min(indices.count, start + 10_000)
            let objects = indices[start..<end].map { index -> IncomingObject in
                let (id, bytes) = Self.json(for: index)
                return IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: "2026-10-01T00:00:00.000Z",
                                      versionMicroseconds: 1_790_000_000_000_000, bytes: bytes,
                                      audiences: [Audience.hubStaff, Audience.organization(organization)])
            }
            let submission = Submission(feedID: feed.id, organizationID: organization, userID: nil, requestTimestamp: "2026-10-01T00:00:00Z",
                                        successes: objects.map { ObjectOutcome(id: $0.stixID, version: $0.version, message: nil) })
            _ = try await store.append(objects, to: feed.id, recording: submission, extras: nil)
            start = end
        }
    }

    /// The synthetic indicator `index` as stored: its id and its JSON.
    static func json(for index: Int) -> (id: String, bytes: [UInt8]) {
        let id = String(format: "indicator--00000000-0000-4000-8000-%012d", index)
        let value = synthetic(index)
        let pattern: String
        switch value.type {
        case .ipv4: pattern = "[ipv4-addr:value = '\(value.value)']"
        case .domain: pattern = "[domain-name:value = '\(value.value)']"
        case .url: pattern = "[url:value = '\(value.value)']"
        default: pattern = "[file:hashes.'SHA-256' = '\(value.value)']"
        }
        let json = """
        {"type":"indicator","spec_version":"2.1","id":"\(id)","created":"2026-10-01T00:00:00.000Z","modified":"2026-10-01T00:00:00.000Z",\
        "name":"C2 \(index)","pattern":"\(pattern)","pattern_type":"stix","valid_from":"2026-10-01T00:00:00Z","confidence":\(50 + index % 50)}
        """
        return (id, Array(json.utf8))
    }

    static func seconds(_ duration: Duration) -> Double {
        max(Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18, 1e-9)
    }
}
