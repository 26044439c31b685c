// KakehashiBenchmark — LatencyProbe.swift
// Owns the latency phases: sequential GETs of a list of URLs (filtered queries, each answer checked
// for the expected number of objects) and single-object GETs from N concurrent clients (each answer
// checked for the id; lean blocking connections, see BlockingHTTP.swift). Bounded by the list length and a wall-time budget; a timed-out request ends
// the phase (the server is evidently still busy with it), as do repeated transport errors.
import Foundation

/// Runs latency phases against one endpoint.
struct LatencyProbe: Sendable {
    let client: TAXIIClient
    /// Wall-time budget of one phase, seconds.
    let budget: Double

    private var clock: ContinuousClock { ContinuousClock() }

    /// Sequential GETs of `urls`, each expected to return an envelope of `expectedCount` objects.
    func sequential(on endpoint: TAXIIEndpoint, urls: [String], expectedCount: Int,
                    warmUp: Int) async -> Latency {
        var latency = Latency()
        latency.timeoutSeconds = Double(client.timeout)
        for url in urls.prefix(warmUp) { _ = try? await client.get(url, on: endpoint) }
        let start = clock.now
        let deadline = start + .seconds(budget)
        var durations: [Double] = []
        var transportErrors = 0
        for url in urls {
            if clock.now >= deadline { latency.budgetExhausted = true; break }
            do {
                let response = try await client.get(url, on: endpoint)
                let envelope = response.status == 200 ? try? EnvelopeSummary.decode(response.body) : nil
                if let envelope, envelope.count == expectedCount {
                    durations.append(response.seconds)
                } else {
                    latency.errors += 1
                    latency.problem(envelope.map { "expected \(expectedCount) objects, got \($0.count)" }
                                    ?? "answered \(response.status): \(response.excerpt)")
                }
            } catch let failure as RequestFailure where failure.isTimeout {
                latency.timeouts += 1
                latency.problem("\(failure)")
                break  // the server is still busy with it; more requests would only queue behind
            } catch {
                latency.errors += 1
                latency.problem("\(error)")
                transportErrors += 1
                if transportErrors >= 3 { break }
            }
        }
        latency.wallSeconds = (clock.now - start).seconds
        latency.merge(durations)
        return latency
    }

    /// Single-object GETs of random ids by `concurrency` clients at once, each a blocking
    /// keep-alive connection on a thread of its own (`BlockingHTTPConnection`).
    ///
    /// The same clients first send up to `warmUp` GETs (at most 2 s, not measured) of other ids, so
    /// that neither server is measured while still finishing the ingest before (SQLite copying the
    /// last commits into the database file, caches filling).
    func concurrentGets(on endpoint: TAXIIEndpoint, ids: [String], clients workers: Int,
                        warmUp: Int = 1_000) async -> Latency {
        let port = UInt16(endpoint.baseURL.split(separator: ":").last.flatMap { UInt16($0) } ?? 80)
        let headers = [("Accept", TAXIIClient.mediaType), ("Authorization", endpoint.authorization)]
        let timeout = client.timeout
        func path(_ id: String) -> String { String(endpoint.objectURL(id).dropFirst(endpoint.baseURL.count)) }
        // A response counts when it is a 200 whose body holds the id asked for (checked as bytes).
        let warmUpIDs = Array(ids.reversed().prefix(warmUp))
        _ = await Self.getAll(warmUpIDs, paths: warmUpIDs.map(path), port: port, headers: headers, timeout: timeout,
                              workers: workers, deadline: clock.now + .seconds(min(2, budget)))
        let start = clock.now
        let outcomes = await Self.getAll(ids, paths: ids.map(path), port: port, headers: headers, timeout: timeout,
                                         workers: workers, deadline: start + .seconds(budget))
        var latency = Latency()
        latency.timeoutSeconds = Double(client.timeout)
        latency.wallSeconds = (clock.now - start).seconds
        latency.merge(outcomes.flatMap(\.durations))
        latency.errors = outcomes.reduce(0) { $0 + $1.errors }
        latency.timeouts = outcomes.reduce(0) { $0 + $1.timeouts }
        latency.budgetExhausted = outcomes.contains { $0.budgetExhausted }
        latency.firstProblem = outcomes.compactMap(\.problem).first
        return latency
    }

    /// What one client thread saw.
    struct Worker: Sendable {
        var durations: [Double] = []
        var errors = 0
        var timeouts = 0
        var problem: String?
        var budgetExhausted = false
    }

    /// GETs `paths` (object `ids`) from `workers` threads, each taking every workers-th one.
    static func getAll(_ ids: [String], paths: [String], port: UInt16, headers: [(String, String)], timeout: Int,
                       workers: Int, deadline: ContinuousClock.Instant) async -> [Worker] {
        await onThreads(workers) { worker -> Worker in
            var outcome = Worker()
            let clock = ContinuousClock()
            let connection = BlockingHTTPConnection(port: port, timeoutSeconds: timeout)
            defer { connection.close() }
            outcome.durations.reserveCapacity(paths.count / workers + 1)
            for index in stride(from: worker, to: paths.count, by: workers) {
                if clock.now >= deadline { outcome.budgetExhausted = true; break }
                let id = ids[index]
                let idBytes = Array(id.utf8)
                let sent = clock.now
                do {
                    let (status, body) = try connection.get(paths[index], headers: headers)
                    let seconds = (clock.now - sent).seconds
                    if status == 200, BlockingHTTPConnection.find(idBytes, in: body, from: 0) != nil {
                        outcome.durations.append(seconds)
                    } else {
                        outcome.errors += 1
                        if outcome.problem == nil {
                            let excerpt = String(decoding: body.prefix(300), as: UTF8.self)
                            outcome.problem = "GET \(id) answered \(status): \(excerpt)"
                        }
                        if status >= 500 { connection.close() }
                    }
                } catch BlockingHTTPError.timedOut {
                    outcome.timeouts += 1
                    if outcome.problem == nil { outcome.problem = "no answer within \(timeout) s" }
                    break
                } catch {
                    outcome.errors += 1
                    connection.close()
                    if outcome.problem == nil { outcome.problem = "\(error)" }
                    if outcome.errors >= 3 { break }
                }
            }
            return outcome
        }
    }
}
