// KakehashiBenchmark — Figures.swift
// Owns what a measurement yields: throughput (objects per second, possibly only an upper bound when
// a server gave up or ran out of time) and latency distributions (sorted durations, HDR-style, read
// by nearest rank), with their formatting. No timing is ever asserted; figures are only printed.
import Foundation

/// Objects moved per second in a bulk phase.
struct Throughput: Sendable {
    var objects = 0
    var seconds = 0.0
    /// Whether the phase did all it set out to do. If not, `ceiling` bounds what the rate can have been.
    var complete = false
    /// An upper bound on the rate when the phase was cut short (e.g. a request timed out).
    var ceiling: Double?
    /// Why the phase stopped early, if it did.
    var failure: String?

    var rate: Double? { complete && seconds > 0 ? Double(objects) / seconds : nil }

    /// `12,345` or `< 8.3` (cut short) or `failed`.
    var text: String {
        if let rate { return Format.rate(rate) }
        if let ceiling { return "< " + Format.rate(ceiling) }
        return failure == nil ? "-" : "failed"
    }
}

/// A latency distribution from sequential or concurrent requests.
struct Latency: Sendable {
    /// Successful request durations in seconds, sorted ascending.
    private(set) var sorted: [Double] = []
    /// Requests answered with an unexpected status or content.
    var errors = 0
    /// Requests that got no answer in time.
    var timeouts = 0
    /// The first problem seen, for the report.
    var firstProblem: String?
    /// Wall time of the phase (for request rates).
    var wallSeconds = 0.0
    /// Whether the phase stopped on its time budget before issuing every request.
    var budgetExhausted = false
    /// The per-request timeout in force, for `> N s` figures when nothing answered.
    var timeoutSeconds = 0.0
    var skipped: String?

    init(durations: [Double] = []) { sorted = durations.sorted() }

    mutating func merge(_ durations: [Double]) {
        sorted.append(contentsOf: durations)
        sorted.sort()
    }

    mutating func problem(_ text: String) {
        if firstProblem == nil { firstProblem = text }
    }

    var count: Int { sorted.count }

    /// Nearest-rank percentile (p in 0…100), in seconds.
    func percentile(_ p: Double) -> Double? {
        guard !sorted.isEmpty else { return nil }
        let rank = Int((p / 100 * Double(sorted.count)).rounded(.up))
        return sorted[min(max(rank, 1), sorted.count) - 1]
    }

    var mean: Double? { sorted.isEmpty ? nil : sorted.reduce(0, +) / Double(sorted.count) }

    /// Completed requests per second of wall time.
    var requestsPerSecond: Double? { wallSeconds > 0 && count > 0 ? Double(count) / wallSeconds : nil }

    /// A lower bound for the latency when no request answered in time.
    var floorSeconds: Double? { sorted.isEmpty && timeouts > 0 ? timeoutSeconds : nil }

    /// `p` in milliseconds for the table: `1.23`, `> 120000` (nothing answered), `-`.
    func millisecondsText(_ p: Double) -> String {
        if let value = percentile(p) { return Format.milliseconds(value) }
        if let floor = floorSeconds { return "> " + Format.milliseconds(floor) }
        return "-"
    }

    /// One line for the detail section.
    var summary: String {
        if let skipped { return "skipped: \(skipped)" }
        var parts: [String] = []
        if count > 0 {
            parts.append("n=\(count)")
            parts.append("p50 \(millisecondsText(50)) ms")
            parts.append("p99 \(millisecondsText(99)) ms")
            if let mean { parts.append("mean \(Format.milliseconds(mean)) ms") }
            if let max = sorted.last { parts.append("max \(Format.milliseconds(max)) ms") }
            if let rps = requestsPerSecond { parts.append("\(Format.rate(rps)) req/s") }
        } else {
            parts.append("no successful request")
        }
        if errors > 0 { parts.append("\(errors) errors") }
        if timeouts > 0 { parts.append("\(timeouts) timed out (> \(Int(timeoutSeconds)) s)") }
        if budgetExhausted { parts.append("stopped by the time budget after \(Format.seconds(wallSeconds))") }
        if let firstProblem { parts.append("first problem: \(firstProblem)") }
        return parts.joined(separator: ", ")
    }
}

/// Number formatting shared by the report.
enum Format {
    static func rate(_ value: Double) -> String {
        if value >= 100 { return grouped(Int(value.rounded())) }
        if value >= 10 { return String(format: "%.1f", value) }
        return String(format: "%.2f", value)
    }

    static func milliseconds(_ seconds: Double) -> String {
        let ms = seconds * 1000
        if ms >= 10_000 { return grouped(Int(ms.rounded())) }
        if ms >= 100 { return String(format: "%.0f", ms) }
        if ms >= 10 { return String(format: "%.1f", ms) }
        return String(format: "%.2f", ms)
    }

    static func seconds(_ value: Double) -> String { String(format: "%.1f s", value) }

    static func ratio(_ value: Double) -> String {
        value >= 100 ? grouped(Int(value.rounded())) + "×" : String(format: "%.1f×", value)
    }

    static func grouped(_ value: Int) -> String {
        let digits = String(value.magnitude)
        var out = ""
        for (index, character) in digits.enumerated() {
            if index > 0 && (digits.count - index) % 3 == 0 { out.append(",") }
            out.append(character)
        }
        return value < 0 ? "-" + out : out
    }

    static func padded(_ text: String, _ width: Int) -> String {
        text.count >= width ? text + " " : text + String(repeating: " ", count: width - text.count)
    }
}
