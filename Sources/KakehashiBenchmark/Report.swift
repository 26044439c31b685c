// KakehashiBenchmark — Report.swift
// Owns what the benchmark prints: the header (machine, build mode, sizes), the final comparison
// table with Kakehashi/medallion ratios, the large-collection line, and the per-phase details and
// warnings. Figures are printed as measured; nothing is judged or asserted.
import Foundation

/// The machine the figures come from.
struct MachineDescription: Sendable {
    let processors: Int
    let memoryGiB: Double
    let cpuModel: String
    let system: String

    static func current() -> MachineDescription {
        let cpuinfo = (try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8)) ?? ""
        let model = cpuinfo.split(separator: "\n").first { $0.hasPrefix("model name") }
            .flatMap { $0.split(separator: ":", maxSplits: 1).last }
            .map { $0.trimmingCharacters(in: .whitespaces) } ?? "unknown CPU"
        let info = ProcessInfo.processInfo
        return MachineDescription(processors: info.activeProcessorCount,
                                  memoryGiB: Double(info.physicalMemory) / 1_073_741_824,
                                  cpuModel: model, system: info.operatingSystemVersionString)
    }
}

/// The 1-, 5- and 15-minute load averages (/proc/loadavg): other work on the host moves every figure.
func loadAverage() -> String {
    let text = (try? String(contentsOfFile: "/proc/loadavg", encoding: .utf8)) ?? ""
    let fields = text.split(separator: " ").prefix(3)
    return fields.count == 3 ? fields.joined(separator: " ") : "unknown"
}

enum Report {
    static var buildMode: String {
        #if DEBUG
        return "debug (figures are not representative; use -c release)"
        #else
        return "release"
        #endif
    }

    static func header(options: BenchmarkOptions, machine: MachineDescription) {
        print("== kakehashi-benchmark: Kakehashi vs OASIS medallion (TAXII 2.1 over HTTP on 127.0.0.1)")
        print("backends: \(options.backends.map(\.label).joined(separator: ", ")) (the same workload on each, one after another)")
        print("machine:  nproc \(machine.processors), \(String(format: "%.1f", machine.memoryGiB)) GiB, \(machine.cpuModel), \(machine.system)")
        print("build:    \(buildMode); load average at the start \(loadAverage())")
        print("corpus:   \(Format.grouped(options.objects)) indicators (seed \(options.seed)) for both servers, envelopes of \(options.batch), ingested \(options.ingestRounds)× (median kept); "
              + "large collection: \(options.large == 0 ? "skipped" : Format.grouped(options.large) + " (envelopes of \(Format.grouped(options.largeBatch)))")")
        print("requests: page limit \(options.pageSize), \(options.queries) per filtered query, \(Format.grouped(options.gets)) GETs by \(options.concurrency) clients; "
              + "timeout \(options.requestTimeout) s per request, budgets \(Int(options.phaseBudget)) s per latency phase, \(Int(options.bulkBudget)) s per bulk phase")
        print("")
        fflush(nil)
    }

    static func results(kakehashi k: ServerResults, medallion m: ServerResults, large: LargeResults?,
                        options: BenchmarkOptions, machine: MachineDescription, medallionVersion: String?) {
        print("")
        print("== Results (nproc \(machine.processors), \(buildMode), corpus \(Format.grouped(options.objects)) objects; medallion \(medallionVersion ?? "-") memory backend)")
        let width = [34, 22, 22]
        func row(_ label: String, _ a: String, _ b: String, _ c: String) {
            print(Format.padded(label, width[0]) + Format.padded(a, width[1]) + Format.padded(b, width[2]) + c)
        }
        row("", k.name, "medallion", "ratio")
        row("ingest (objects/s, median)", k.ingest.text, m.ingest.text, rateRatio(k.ingest, m.ingest))
        row("paging (objects/s, limit=\(options.pageSize))", k.paging.text, m.paging.text, rateRatio(k.paging, m.paging))
        row("match[id] query p50 / p99 (ms)", pair(k.idQuery), pair(m.idQuery), latencyRatios(k.idQuery, m.idQuery))
        row("match[type]&limit=10 p50/p99 (ms)", pair(k.typeQuery), pair(m.typeQuery), latencyRatios(k.typeQuery, m.typeQuery))
        row("GET object p50 / p99 (ms, \(options.concurrency)c)", pair(k.gets), pair(m.gets), latencyRatios(k.gets, m.gets))
        row("GET object throughput (req/s)", k.gets.requestsPerSecond.map(Format.rate) ?? "-",
            m.gets.requestsPerSecond.map(Format.rate) ?? "-",
            ratio(k.gets.requestsPerSecond, m.gets.requestsPerSecond))
        if let large { print(largeLine(large, pageSize: options.pageSize)) }
        print("ratio: throughput Kakehashi/medallion, latency medallion/Kakehashi (p50 / p99); > 1 means Kakehashi is faster")

        print("")
        print("== Details")
        for results in [k, m] {
            if let unavailable = results.unavailable {
                print("\(results.name): not measured: \(unavailable)")
                continue
            }
            print("\(results.name) ingest:  median \(throughputDetail(results.ingest)); status of the first round: \(Format.grouped(results.ingestSucceeded)) succeeded, \(Format.grouped(results.ingestFailed)) failed")
            print("\(results.name) ingest rounds (objects/s, each into an empty collection): \(results.ingestRounds.map(\.text).joined(separator: ", "))")
            print("\(results.name) paging:  \(throughputDetail(results.paging))\(pageDetail(results.pageTimes))")
            print("\(results.name) GET object (\(options.concurrency) clients): \(results.gets.summary)")
            print("\(results.name) match[id]: \(results.idQuery.summary)")
            print("\(results.name) match[type]&limit=10: \(results.typeQuery.summary)")
        }
        if let large {
            if let unavailable = large.unavailable {
                print("large collection: not measured: \(unavailable)")
            } else {
                let postRate = large.postSeconds > 0 ? Double(large.ingest.objects) / large.postSeconds : 0
                print("large ingest:  \(throughputDetail(large.ingest)); POST time only \(Format.rate(postRate)) objects/s; status: \(Format.grouped(large.succeeded)) succeeded, \(Format.grouped(large.failed)) failed")
                print("large paging:  \(throughputDetail(large.paging))\(pageDetail(large.pageTimes))")
                if let first = large.firstPages, let middle = large.middlePages, let last = large.lastPages {
                    print("large pages (mean of 10, ms): first \(Format.milliseconds(first)), middle \(Format.milliseconds(middle)), last \(Format.milliseconds(last))")
                }
                let settled = [large.settledPages.first, large.settledPages.middle, large.settledPages.last]
                if settled.allSatisfy({ $0 != nil }) {
                    print("large pages asked for again after the pass (mean of 10, ms): first \(Format.milliseconds(settled[0]!)), middle \(Format.milliseconds(settled[1]!)), last \(Format.milliseconds(settled[2]!))")
                }
                print("large GET object (sequential): \(large.gets.summary)")
                print("large match[id] (sequential): \(large.idQuery.summary)")
                if large.databaseBytes > 0 {
                    print("large database: \(String(format: "%.0f", Double(large.databaseBytes) / 1_048_576)) MiB on disk (SQLite file + WAL, both feeds)")
                }
            }
        }
        let notes = k.notes + m.notes + (large?.notes ?? [])
        if !notes.isEmpty {
            print("")
            print("== Notes")
            for note in notes { print("- \(note)") }
        }
        fflush(nil)
    }

    // MARK: - Pieces

    static func pair(_ latency: Latency) -> String {
        if latency.skipped != nil { return "skipped" }
        return latency.millisecondsText(50) + " / " + latency.millisecondsText(99)
    }

    static func ratio(_ a: Double?, _ b: Double?) -> String {
        guard let a, let b, b > 0 else { return "-" }
        return Format.ratio(a / b)
    }

    /// Kakehashi rate over medallion's; a bound when medallion was cut short.
    static func rateRatio(_ k: Throughput, _ m: Throughput) -> String {
        guard let kRate = k.rate else { return "-" }
        if let mRate = m.rate { return Format.ratio(kRate / mRate) }
        if let ceiling = m.ceiling, ceiling > 0 { return "> " + Format.ratio(kRate / ceiling) }
        return "-"
    }

    /// medallion latency over Kakehashi's for p50 and p99; a bound when medallion never answered.
    static func latencyRatios(_ k: Latency, _ m: Latency) -> String {
        func one(_ p: Double) -> String {
            guard let kValue = k.percentile(p), kValue > 0 else { return "-" }
            if let mValue = m.percentile(p) { return Format.ratio(mValue / kValue) }
            if let floor = m.floorSeconds { return "> " + Format.ratio(floor / kValue) }
            return "-"
        }
        return one(50) + " / " + one(99)
    }

    static func throughputDetail(_ t: Throughput) -> String {
        var text = "\(Format.grouped(t.objects)) objects in \(Format.seconds(t.seconds))"
        if let rate = t.rate { text += " = \(Format.rate(rate)) objects/s" }
        if !t.complete {
            text += ", INCOMPLETE"
            if let ceiling = t.ceiling { text += " (rate < \(Format.rate(ceiling)) objects/s)" }
            if let failure = t.failure { text += ": \(failure)" }
        }
        return text
    }

    static func pageDetail(_ times: [Double]) -> String {
        guard !times.isEmpty else { return "" }
        let sorted = times.sorted()
        let mean = times.reduce(0, +) / Double(times.count)
        let p99 = sorted[min(sorted.count - 1, Int((0.99 * Double(sorted.count)).rounded(.up)) - 1)]
        var text = "; \(times.count) pages, page ms: first \(Format.milliseconds(times[0])), mean \(Format.milliseconds(mean)), p99 \(Format.milliseconds(p99)), max \(Format.milliseconds(sorted.last!))"
        if times.count > 1 {
            let rest = Array(times.dropFirst())
            text += ", mean after the first \(Format.milliseconds(rest.reduce(0, +) / Double(rest.count)))"
        }
        return text
    }

    static func largeLine(_ large: LargeResults, pageSize: Int) -> String {
        if let unavailable = large.unavailable { return "large collection: not measured: \(unavailable)" }
        let pages = [large.firstPages, large.middlePages, large.lastPages]
            .map { $0.map(Format.milliseconds) ?? "-" }.joined(separator: " / ")
        let again = [large.settledPages.first, large.settledPages.middle, large.settledPages.last]
            .map { $0.map(Format.milliseconds) ?? "-" }.joined(separator: " / ")
        return "large collection: \(Format.grouped(large.ingest.objects)) objects, ingest \(large.ingest.text)/s, "
            + "paging \(large.paging.text)/s, page ms (limit=\(pageSize)) first/middle/last: \(pages) in the pass, \(again) asked again\n"
            + "large collection look-ups (sequential, ms p50 / p99): GET object \(pair(large.gets)), match[id] \(pair(large.idQuery))"
    }
}

// MARK: - Backends

extension Report {
    /// The same workload on each backend side by side, with PostgreSQL ×1 / SQLite (target: within
    /// 2× on every figure) and PostgreSQL ×2 / ×1 (the scaling of a second instance); every ratio is
    /// a speed ratio (throughput a/b, latency b/a), so > 1 means the first is faster.
    static func backends(_ measured: [BackendResults], options: BenchmarkOptions, postgresSettings: String?) {
        guard measured.count > 1 || measured.contains(where: { $0.backend.usesPostgres }) else { return }
        print("")
        print("== Backends (the same workload; corpus \(Format.grouped(options.objects)) objects, \(options.concurrency) GET clients)")
        if let postgresSettings { print("PostgreSQL: private server on 127.0.0.1, \(postgresSettings); two instances: nginx round-robin, keep-alive upstream") }
        func find(_ backend: Backend) -> BackendResults? { measured.first { $0.backend == backend } }
        let sqlite = find(.sqlite), one = find(.postgres), two = find(.postgres2)
        let columns = [sqlite, one, two]
        let width = [36, 20, 20, 20, 22]
        func row(_ label: String, _ values: [String], _ pgOverSQLite: String, _ scaling: String) {
            print(Format.padded(label, width[0]) + zip(values, width[1...3]).map { Format.padded($0, $1) }.joined()
                  + Format.padded(pgOverSQLite, width[4]) + scaling)
        }
        func text(_ results: BackendResults?, _ value: (BackendResults) -> String) -> String {
            guard let results else { return "not run" }
            if results.comparison.unavailable != nil { return "failed" }
            return value(results)
        }
        /// Throughput speed ratio a/b with the 2× verdict when `target`.
        func rates(_ a: Throughput?, _ b: Throughput?, target: Bool) -> String {
            guard let a = a?.rate, let b = b?.rate, b > 0 else { return "-" }
            return Format.ratio(a / b) + (target ? (a / b >= 0.5 ? " met" : " MISSED") : "")
        }
        /// Latency speed ratios b/a at p50 and p99, with the 2× verdict when `target`.
        func latencies(_ a: Latency?, _ b: Latency?, target: Bool) -> String {
            func one(_ p: Double) -> Double? {
                guard let a = a?.percentile(p), let b = b?.percentile(p), a > 0 else { return nil }
                return b / a
            }
            guard let p50 = one(50), let p99 = one(99) else { return "-" }
            return Format.ratio(p50) + " / " + Format.ratio(p99) + (target ? (min(p50, p99) >= 0.5 ? " met" : " MISSED") : "")
        }
        row("", columns.enumerated().map { [Backend.sqlite, .postgres, .postgres2][$0.offset].label }, "PG×1/SQLite (≤2×)", "PG×2/PG×1")
        row("ingest (objects/s, median)", columns.map { text($0) { $0.comparison.ingest.text } },
            rates(one?.comparison.ingest, sqlite?.comparison.ingest, target: true),
            rates(two?.comparison.ingest, one?.comparison.ingest, target: false))
        row("paging (objects/s, limit=\(options.pageSize))", columns.map { text($0) { $0.comparison.paging.text } },
            rates(one?.comparison.paging, sqlite?.comparison.paging, target: true),
            rates(two?.comparison.paging, one?.comparison.paging, target: false))
        row("GET object p50 / p99 (ms, \(options.concurrency)c)", columns.map { text($0) { pair($0.comparison.gets) } },
            latencies(one?.comparison.gets, sqlite?.comparison.gets, target: true),
            latencies(two?.comparison.gets, one?.comparison.gets, target: false))
        row("GET object throughput (req/s)", columns.map { text($0) { $0.comparison.gets.requestsPerSecond.map(Format.rate) ?? "-" } },
            ratio(one?.comparison.gets.requestsPerSecond, sqlite?.comparison.gets.requestsPerSecond),
            ratio(two?.comparison.gets.requestsPerSecond, one?.comparison.gets.requestsPerSecond))
        row("match[id] p50 / p99 (ms)", columns.map { text($0) { pair($0.comparison.idQuery) } },
            latencies(one?.comparison.idQuery, sqlite?.comparison.idQuery, target: true),
            latencies(two?.comparison.idQuery, one?.comparison.idQuery, target: false))
        row("match[type]&limit=10 p50/p99 (ms)", columns.map { text($0) { pair($0.comparison.typeQuery) } },
            latencies(one?.comparison.typeQuery, sqlite?.comparison.typeQuery, target: true),
            latencies(two?.comparison.typeQuery, one?.comparison.typeQuery, target: false))
        if options.large > 0 {
            func largeText(_ results: BackendResults?, _ value: (LargeResults) -> String) -> String {
                guard let results else { return "not run" }
                guard let large = results.large else { return results.backend.instances > 1 ? "-" : "failed" }
                if large.unavailable != nil { return "failed" }
                return value(large)
            }
            func pages(_ a: Double?, _ b: Double?, _ c: Double?) -> String {
                [a, b, c].map { $0.map(Format.milliseconds) ?? "-" }.joined(separator: "/")
            }
            row("\(Format.grouped(options.large)): ingest (objects/s)", columns.map { largeText($0) { $0.ingest.text } },
                rates(one?.large?.ingest, sqlite?.large?.ingest, target: true), "")
            row("\(Format.grouped(options.large)): paging (objects/s)", columns.map { largeText($0) { $0.paging.text } },
                rates(one?.large?.paging, sqlite?.large?.paging, target: true), "")
            row("pages first/middle/last (ms, pass)", columns.map { largeText($0) { pages($0.firstPages, $0.middlePages, $0.lastPages) } }, "", "")
            row("pages first/middle/last (ms, again)", columns.map {
                largeText($0) { pages($0.settledPages.first, $0.settledPages.middle, $0.settledPages.last) } }, "", "")
            row("GET object p50 / p99 (ms, sequential)", columns.map { largeText($0) { pair($0.gets) } },
                latencies(one?.large?.gets, sqlite?.large?.gets, target: true), "")
        }
        print("ratios are speed ratios (throughput a/b, latency b/a): > 1 means the first is faster; the target is PostgreSQL ×1 within 2× of SQLite (≥ 0.5×) on every figure")

        print("")
        print("== Backend details")
        for results in measured {
            let k = results.comparison
            print("\(k.name): load average \(results.loadBefore) at the start, \(results.loadAfter) at the end")
            if let unavailable = k.unavailable {
                print("\(k.name): not measured: \(unavailable)")
                continue
            }
            print("\(k.name) ingest:  median \(throughputDetail(k.ingest)); rounds (objects/s) \(k.ingestRounds.map(\.text).joined(separator: ", ")); first round: \(Format.grouped(k.ingestSucceeded)) succeeded, \(Format.grouped(k.ingestFailed)) failed")
            print("\(k.name) paging:  \(throughputDetail(k.paging))\(pageDetail(k.pageTimes))")
            print("\(k.name) GET object (\(options.concurrency) clients): \(k.gets.summary)")
            print("\(k.name) match[id]: \(k.idQuery.summary)")
            print("\(k.name) match[type]&limit=10: \(k.typeQuery.summary)")
            if let large = results.large {
                if let unavailable = large.unavailable {
                    print("\(k.name) large collection: not measured: \(unavailable)")
                } else {
                    let postRate = large.postSeconds > 0 ? Double(large.ingest.objects) / large.postSeconds : 0
                    print("\(k.name) large ingest:  \(throughputDetail(large.ingest)); POST time only \(Format.rate(postRate)) objects/s; \(Format.grouped(large.succeeded)) succeeded, \(Format.grouped(large.failed)) failed")
                    print("\(k.name) large paging:  \(throughputDetail(large.paging))\(pageDetail(large.pageTimes))")
                    if let slowest = large.slowestPage { print("\(k.name) large slowest page: #\(slowest.index + 1), \(Format.milliseconds(slowest.seconds)) ms") }
                    print("\(k.name) large GET object (sequential): \(large.gets.summary)")
                    print("\(k.name) large match[id] (sequential): \(large.idQuery.summary)")
                    if large.databaseBytes > 0 {
                        print("\(k.name) large database: \(String(format: "%.0f", Double(large.databaseBytes) / 1_048_576)) MiB on disk")
                    }
                }
            }
            for note in k.notes + (results.large?.notes ?? []) { print("- \(note)") }
        }
        fflush(nil)
    }
}
