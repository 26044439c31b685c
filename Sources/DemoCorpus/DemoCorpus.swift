// DemoCorpus — DemoCorpus.swift
// Owns the module's public entry points: the demo organisations and feeds, the hub's own identity,
// the TLP 2.0 marking definitions, the deterministic mixed STIX 2.1 corpus for the demo hub, and the
// fast uniform indicator stream for the benchmark. Depends on nothing but the Swift standard library.

/// Deterministic, realistic STIX 2.1 content in Japanese and English for the demo hub and benchmark.
///
/// ```swift
/// for (feed, json) in DemoCorpus.objects(count: 3_000, seed: 42) {
///     try store.add(json, toCollection: feed)
/// }
/// let load = DemoCorpus.benchmarkIndicators(count: 100_000, seed: 7)
/// ```
public enum DemoCorpus {
    /// The fictional organisations: nine members (電力, ガス, 化学, 石油, 重要インフラ機器製造, 通信, 放送,
    /// 金融 ×2), the security vendor behind the BKMW feeds, and the hub operator (last).
    ///
    /// ```swift
    /// let small = DemoCorpus.organizations.filter { $0.size == "small" }   // I信用金庫
    /// ```
    public static let organizations: [DemoOrganization] = DemoOrganization.all

    /// The purpose-specific feeds of seed 001, in order: Default, C2, CX, CY, CZ, BKMW_CONFIG,
    /// BKMW_ATTACK, BKMW_MANIP, TEST.
    ///
    /// ```swift
    /// let urgent = DemoCorpus.feeds.filter { $0.severity == "緊急" }.map(\.name)  // the BKMW_* feeds
    /// ```
    public static let feeds: [DemoFeed] = DemoFeed.all

    /// The hub operator's identity id; the same for every seed, and the `created_by_ref` of the
    /// benchmark indicators and of most corpus objects (the hub is the author after anonymisation).
    ///
    /// ```swift
    /// precondition(DemoCorpus.benchmarkIndicators(count: 1, seed: 1)[0].contains(DemoCorpus.hubIdentityID))
    /// ```
    public static let hubIdentityID = "identity--7b0e3a52-4c1f-4d8e-9a61-2f5c8d4b1e07"

    /// The hub operator's identity object (seed-independent; also the corpus's first identity).
    ///
    /// ```swift
    /// try store.add(DemoCorpus.hubIdentityJSON, toCollection: "Default")
    /// ```
    public static var hubIdentityJSON: String {
        CorpusBuilder.organizationJSON(DemoOrganization.hubIndex, id: hubIdentityID, createdBy: nil,
                                       created: DemoTime.windowStart)
    }

    /// The five official TLP 2.0 marking-definition objects (CLEAR, GREEN, AMBER, AMBER+STRICT, RED).
    ///
    /// ```swift
    /// for json in DemoCorpus.tlpMarkingDefinitions { try store.add(json, toCollection: "Default") }
    /// ```
    public static var tlpMarkingDefinitions: [String] { DemoTLP.allCases.map(\.markingDefinitionJSON) }

    /// `count` STIX 2.1 objects as compact JSON texts (each one complete object), deterministic for a
    /// given seed, with the feed each belongs to.
    ///
    /// The corpus starts with a knowledge layer in the Default feed (the TLP 2.0 marking definitions,
    /// identities, Japan locations, ATT&CK attack patterns, CVE vulnerabilities, courses of action,
    /// malware families, tools, threat actors, intrusion sets, campaigns and their relationships,
    /// about 300 objects) and continues with activity clusters over the 18 months before 2026-11-01:
    /// targeted-attack e-mails, C2 destinations, exploitation, banking-malware intelligence, reports,
    /// notes, sightings, observed-data with SCOs, later versions of earlier indicators and campaigns,
    /// and TEST indicators. Every reference points to an object earlier in the output or to a TLP
    /// marking, so any prefix is referentially closed. Ids are unique except for intended later
    /// versions (same id, later `modified`). Members appear only in their own raw sightings
    /// (TLP:AMBER+STRICT or TLP:RED) and as targets of banking malware; campaigns target sectors.
    ///
    /// ```swift
    /// let corpus = DemoCorpus.objects(count: 3_000, seed: 42)
    /// let c2 = corpus.filter { $0.feed == "C2" }.map(\.json)
    /// ```
    public static func objects(count: Int, seed: UInt64) -> [(feed: String, json: String)] {
        guard count > 0 else { return [] }
        var builder = CorpusBuilder(count: count, seed: seed)
        builder.buildCore()
        builder.buildClusters()
        return builder.out
    }

    /// `count` uniform benchmark indicators (~600–900 bytes each: Japanese + English description,
    /// valid STIX pattern over IPv4, domain, URL or SHA-256, TLP 2.0 marking, created by
    /// `hubIdentityID`), deterministic by seed, with distinct ids. Cheap: well over 200k objects/s.
    ///
    /// ```swift
    /// let envelope = "{\"objects\":[" + DemoCorpus.benchmarkIndicators(count: 1_000, seed: 1).joined(separator: ",") + "]}"
    /// ```
    public static func benchmarkIndicators(count: Int, seed: UInt64) -> [String] {
        benchmarkIndicators(range: 0..<max(0, count), seed: seed)
    }

    /// Benchmark indicators `range` of the stream for `seed` (object i is the same whichever range
    /// it is produced in), for generating a large load in slices or on several threads.
    ///
    /// ```swift
    /// let second = DemoCorpus.benchmarkIndicators(range: 1_000..<2_000, seed: 1)
    /// ```
    public static func benchmarkIndicators(range: Range<Int>, seed: UInt64) -> [String] {
        let writer = BenchmarkIndicatorWriter(seed: seed)
        var result: [String] = []
        result.reserveCapacity(range.count)
        var buffer: [UInt8] = []
        buffer.reserveCapacity(1024)
        var scratch: [UInt8] = []
        scratch.reserveCapacity(128)
        for index in range {
            buffer.removeAll(keepingCapacity: true)
            writer.write(index: index, into: &buffer, scratch: &scratch)
            result.append(String(decoding: buffer, as: UTF8.self))
        }
        return result
    }
}
