// KakehashiBenchmark — SearchBenchmark.swift
// Owns the object search figures (`--search N`): N STIX objects with Japanese and English names and
// descriptions appended through the store's real append path (search documents written in the
// append transaction), a third readable by the reader's organisation, a third through its trust
// group and a third held by another organisation; then the p50/p99 of one search page (20 hits)
// through the policy engine (SharingPolicy.ObjectSearch: readable feeds, audience keys, store
// search) for common words, rare words, prefixes, mixed queries and queries that match nothing.
// In process, no HTTP: the store's and the domain's costs.
import Accounts
import Foundation
import PostgresStorage
import SharingPolicy
import SQLiteStorage
import STIX
import Storage

enum SearchBenchmark {
    static let japanese = ["標的型攻撃メール", "東京電力", "フィッシングサイト", "ランサムウェア", "不正送金", "サプライチェーン攻撃",
                           "脆弱性", "情報窃取", "遠隔操作", "マルウェア配布", "水飲み場攻撃", "認証情報", "偽装ログイン",
                           "金融機関", "製造業", "医療機関", "官公庁", "物流", "電力会社", "ガス会社", "添付ファイル", "請求書",
                           "宅配便", "不在通知", "ばらまき型"]
    static let english = ["Emotet", "Cobalt Strike", "phishing", "credential", "loader", "backdoor", "ransomware", "APT29",
                          "Lazarus", "botnet", "C2 server", "exfiltration", "downloader", "stealer", "webshell"]

    /// The queries measured, by kind.
    static let queries: [(kind: String, text: String)] = [
        ("common ja", "攻撃"), ("common ja", "標的型攻撃メール"), ("common ja", "フィッシング"), ("common ja", "電力"),
        ("common en", "phishing"), ("common en", "ransomware"), ("prefix en", "emot"), ("prefix en", "cred"),
        ("mixed", "Emotet 請求書"), ("mixed", "APT29 官公庁"), ("full-width", "ＥＭＯＴＥＴ"), ("half-width", "ﾌｨｯｼﾝｸﾞ"),
        ("rare", "KH 4711"), ("rare", "KH 123457"), ("none", "存在しない語句"), ("none", "zyxwvut"),
    ]

    struct Outcome {
        var label: String
        var objects = 0
        var ingestSeconds = 0.0
        var documents = 0
        var byKind: [String: [Double]] = [:]
        var firstPageHits: [String: Int] = [:]
    }

    static func run(backends: [Backend], objects: Int, rounds: Int = 30) async -> String {
        #if DEBUG
        let build = "DEBUG build: figures far above release"
        #else
        let build = "release build"
        #endif
        var lines = ["== Object search (\(build); in process, no HTTP; 20 hits a page through the policy engine)"]
        var postgres: PostgresServer?
        defer { postgres?.stop() }
        for backend in backends where backend != .postgres2 {
            do {
                if backend == .postgres, postgres == nil { postgres = try await PostgresServer.start() }
                let outcome = try await measure(backend: backend, postgres: backend == .postgres ? postgres : nil,
                                                objects: objects, rounds: rounds)
                lines.append(report(outcome))
            } catch {
                lines.append("\(backend.label): failed: \(error)")
            }
        }
        return lines.joined(separator: "\n")
    }

    static func quantile(_ values: [Double], _ q: Double) -> Double {
        guard !values.isEmpty else { return 0 }
        let sorted = values.sorted()
        return sorted[min(sorted.count - 1, max(0, Int((Double(sorted.count) * q).rounded(.up)) - 1))]
    }

    static func report(_ o: Outcome) -> String {
        var lines = [String(format: "%@: %d objects appended in %.1f s (%.0f objects/s, search documents written in the append); %d documents",
                            o.label, o.objects, o.ingestSeconds, Double(o.objects) / max(o.ingestSeconds, 1e-9), o.documents)]
        let all = o.byKind.values.flatMap { $0 }
        lines.append(String(format: "%@: search p50 %.2f ms, p99 %.2f ms over %d searches", o.label,
                            quantile(all, 0.5) * 1000, quantile(all, 0.99) * 1000, all.count))
        for kind in o.byKind.keys.sorted() {
            let values = o.byKind[kind]!
            let hits = queries.filter { $0.kind == kind }.map { "\($0.text)=\(o.firstPageHits[$0.text] ?? 0)" }
                .joined(separator: " ")
            lines.append(String(format: "  %@ %@: p50 %.2f ms, p99 %.2f ms (first page hits: %@)", o.label, kind,
                                quantile(values, 0.5) * 1000, quantile(values, 0.99) * 1000, hits))
        }
        return lines.joined(separator: "\n")
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// A deterministic generator (xorshift), so every run stores the same corpus.
    struct Generator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state ^= state << 13; state ^= state >> 7; state ^= state << 17
            return state
        }
        mutating func pick<T>(_ items: [T]) -> T { items[Int(next() % UInt64(items.count))] }
    }

    static func object(_ n: Int, audiences: [String], random: inout Generator) -> IncomingObject {
        let types = ["malware", "indicator", "report", "campaign", "attack-pattern"]
        let type = types[n % types.count]
        let id = "\(type)--\(String(format: "%08x-0000-4000-8000-%012d", n & 0xffff_ffff, n))"
        let name = random.pick(japanese) + (n % 3 == 0 ? " " + random.pick(english) : "") + " KH-\(n)"
        var words: [String] = []
        for _ in 0..<(6 + Int(random.next() % 6)) {
            words.append(random.next() % 3 == 0 ? random.pick(english) : random.pick(japanese))
        }
        let description = words.joined(separator: random.next() % 2 == 0 ? "の" : "、") + "。"
        let modified = "2026-11-01T00:00:00.000Z"
        let members: [String: Any] = ["type": type, "spec_version": "2.1", "id": id, "created": modified,
                                      "modified": modified, "name": name, "description": description]
        let bytes = (try? JSONSerialization.data(withJSONObject: members, options: [.sortedKeys])) ?? Data()
        return IncomingObject(stixID: id, type: type, specVersion: "2.1", version: modified,
                              versionMicroseconds: STIXTimestamp(modified)?.microsecondsSinceEpoch, bytes: Array(bytes),
                              audiences: audiences)
    }

    static func measure(backend: Backend, postgres: PostgresServer?, objects: Int, rounds: Int) async throws -> Outcome {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-search-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store: any HubStore
        if let postgres {
            let url = try await postgres.createDatabase("kakehashi_search_\(UUID().uuidString.prefix(8).lowercased())")
            store = try await PostgresHubStore.connect(to: try PostgresLocation(url: url),
                                                       auditKey: directory.appendingPathComponent("audit.key"),
                                                       auditHead: directory.appendingPathComponent("audit.head"))
        } else {
            store = try SQLiteHubStore(directory: directory)
        }
        defer { if let store = store as? PostgresHubStore { Task { await store.close() } } }
        let accounts = AccountAdministration(store: store, bcryptCost: 4)
        _ = try await accounts.addOrganization(name: "Kakehashi Hub", sector: "hub", size: "small")
        let reader = try await accounts.addOrganization(name: "検索する組織", sector: "電力", size: "large")
        let provider = try await accounts.addOrganization(name: "提供する組織", sector: "ガス", size: "large")
        let member = try await accounts.addUser(organization: reader.name, email: "search@benchmark.example.jp",
                                                role: .member, password: "benchmark-\(UUID().uuidString.prefix(8))")
        let feed = try await store.createFeed(Feed(name: "SEARCH", title: "Search benchmark"))
        try await store.setGrant(FeedGrant(feedID: feed.id, organizationID: reader.id, canRead: true, canWrite: false))
        let group = try await store.createGroup(TrustGroup(name: "検索SIG"))
        try await store.addMember(organizationID: reader.id, toGroup: group.id)
        let audiences = [[Audience.organization(reader.id), Audience.hubStaff],
                         [Audience.group(group.id), Audience.organization(provider.id), Audience.hubStaff],
                         [Audience.organization(provider.id), Audience.hubStaff]]

        var outcome = Outcome(label: backend.label, objects: objects)
        var random = Generator(state: 2_026)
        let batch = 5_000
        let start = ContinuousClock.now
        var next = 0
        while next < objects {
            let count = min(batch, objects - next)
            let items = (next..<(next + count)).map { object($0, audiences: audiences[$0 % 3], random: &random) }
            let submission = Submission(feedID: feed.id, organizationID: provider.id, userID: nil,
                                        requestTimestamp: "2026-11-01T00:00:00Z",
                                        successes: items.map { ObjectOutcome(id: $0.stixID, version: $0.version, message: nil) })
            _ = try await store.append(items, to: feed.id, recording: submission, extras: nil)
            next += count
        }
        outcome.ingestSeconds = seconds(ContinuousClock.now - start)
        outcome.documents = try await store.searchDocumentCount()

        let search = ObjectSearch(policy: PolicyEngine(store: store), ledger: nil)
        let principal = Principal(user: member, organization: reader)
        // Warm-up: every query once, unmeasured.
        for query in queries {
            let page = try await search.search(query.text, for: principal, limit: 20)
            outcome.firstPageHits[query.text] = page.hits.count
            if page.hits.contains(where: { $0.object.bytes.isEmpty }) { throw BenchmarkFailure("empty hit") }
        }
        for _ in 0..<rounds {
            for query in queries {
                let begin = ContinuousClock.now
                _ = try await search.search(query.text, for: principal, limit: 20)
                outcome.byKind[query.kind, default: []].append(seconds(ContinuousClock.now - begin))
            }
        }
        return outcome
    }
}
