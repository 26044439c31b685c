// KakehashiBenchmark — Pager.swift
// Owns paging a whole TAXII collection: GET objects with `limit`, then `next` from each envelope
// while `more` is true, counting objects and timing every page; bounded by a page count derived
// from the expected size and by a wall-time budget.
import Foundation

/// Walks a collection page by page.
struct Pager: Sendable {
    let client: TAXIIClient
    let pageSize: Int

    private var clock: ContinuousClock { ContinuousClock() }

    /// Follows `next` from the first page until `more` is false; returns the rate, each page's time
    /// and each page's URL (to ask for chosen pages again).
    func page(on endpoint: TAXIIEndpoint, expected: Int, budget: Double,
              reportEvery: Int) async -> (Throughput, [Double], [String]) {
        var throughput = Throughput()
        var times: [Double] = []
        var urls: [String] = []
        times.reserveCapacity(expected / pageSize + 2)
        let maxPages = expected / pageSize + 10
        let start = clock.now
        let deadline = start + .seconds(budget)
        var url = endpoint.objectsURL + "?limit=\(pageSize)"
        var count = 0
        var finished = false
        while times.count < maxPages {
            if clock.now >= deadline {
                throughput.failure = "the \(Format.seconds(budget)) time budget ran out after \(times.count) pages"
                break
            }
            let response: TAXIIResponse
            do {
                response = try await client.get(url, on: endpoint)
            } catch {
                throughput.failure = "page \(times.count + 1): \(error)"
                break
            }
            guard response.status == 200 else {
                throughput.failure = "page \(times.count + 1) answered \(response.status): \(response.excerpt)"
                break
            }
            guard let envelope = try? EnvelopeSummary.decode(response.body) else {
                throughput.failure = "page \(times.count + 1) is not an envelope: \(response.excerpt)"
                break
            }
            times.append(response.seconds)
            urls.append(url)
            count += envelope.count
            if reportEvery > 0, times.count % reportEvery == 0 {
                let elapsed = (clock.now - start).seconds
                progress("  … \(times.count) pages, \(Format.grouped(count)) objects, \(Format.rate(Double(count) / elapsed)) objects/s")
            }
            guard envelope.more == true else { finished = true; break }
            guard let next = envelope.next, envelope.count > 0 else {
                throughput.failure = "page \(times.count) says more=true but has \(envelope.next == nil ? "no next token" : "no objects")"
                break
            }
            url = endpoint.objectsURL + "?limit=\(pageSize)&next="
                + (next.addingPercentEncoding(withAllowedCharacters: .urlUnreserved) ?? next)
        }
        if !finished && throughput.failure == nil {
            throughput.failure = "more than \(maxPages) pages for \(Format.grouped(expected)) objects"
        }
        throughput.objects = count
        throughput.seconds = (clock.now - start).seconds
        throughput.complete = finished
        if !finished, throughput.seconds > 0 {
            throughput.ceiling = Double(count + pageSize) / throughput.seconds
        }
        return (throughput, times, urls)
    }

    /// The mean time (seconds) of asking for each of `urls` once more, one after another.
    func meanTime(of urls: some Collection<String>, on endpoint: TAXIIEndpoint) async -> Double? {
        var total = 0.0
        for url in urls {
            guard let response = try? await client.get(url, on: endpoint), response.status == 200 else { return nil }
            total += response.seconds
        }
        return urls.isEmpty ? nil : total / Double(urls.count)
    }
}
