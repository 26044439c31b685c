// KakehashiBenchmark — TAXIIClient.swift
// Owns the benchmark's only way of talking to a server: TAXII 2.1 over HTTP with AsyncHTTPClient
// (Accept/Content-Type application/taxii+json;version=2.1, Basic or Bearer auth), every request
// timed end to end (until the whole body is in) and bounded by a deadline. Also decodes the few
// fields of envelopes and status resources the benchmark checks.
import AsyncHTTPClient
import Foundation
import Hummingbird

/// One server's TAXII collection as the benchmark addresses it.
struct TAXIIEndpoint: Sendable {
    let name: String
    /// `http://127.0.0.1:PORT`
    let baseURL: String
    /// API root path with slashes, e.g. `/hub/`.
    let apiRoot: String
    let collectionID: String
    /// The whole `Authorization` header value.
    let authorization: String

    var discoveryURL: String { baseURL + "/taxii2/" }
    var objectsURL: String { baseURL + apiRoot + "collections/\(collectionID)/objects/" }
    func objectURL(_ id: String) -> String { objectsURL + id + "/" }

    func withCollection(_ id: String) -> TAXIIEndpoint {
        TAXIIEndpoint(name: name, baseURL: baseURL, apiRoot: apiRoot, collectionID: id, authorization: authorization)
    }
}

/// A completed exchange: status, body and how long it took (request sent → body complete).
struct TAXIIResponse: Sendable {
    let status: Int
    let body: ByteBuffer
    let seconds: Double

    var ok: Bool { (200..<300).contains(status) }
    var text: String { String(buffer: body) }
    /// The start of the body, for error reports.
    var excerpt: String { String(text.prefix(300)).replacingOccurrences(of: "\n", with: " ") }
}

/// Why a request produced no response.
enum RequestFailure: Error, CustomStringConvertible {
    case timedOut(seconds: Double)
    case transport(String)

    var isTimeout: Bool { if case .timedOut = self { return true } else { return false } }

    var description: String {
        switch self {
        case .timedOut(let seconds): return "no answer within \(Int(seconds)) s"
        case .transport(let why): return "transport error: \(why)"
        }
    }
}

/// TAXII requests over one shared AsyncHTTPClient.
struct TAXIIClient: Sendable {
    static let mediaType = "application/taxii+json;version=2.1"

    let http: HTTPClient
    /// Per-request deadline, seconds.
    let timeout: Int

    /// A client with enough connections per host for the concurrent phase.
    static func make(connections: Int, timeout: Int) -> TAXIIClient {
        var configuration = HTTPClient.Configuration()
        configuration.httpVersion = .http1Only
        configuration.connectionPool = .init(idleTimeout: .seconds(120),
                                             concurrentHTTP1ConnectionsPerHostSoftLimit: max(8, connections))
        configuration.timeout = .init(connect: .seconds(10), read: .seconds(Int64(timeout)))
        configuration.decompression = .disabled
        return TAXIIClient(http: HTTPClient(eventLoopGroupProvider: .singleton, configuration: configuration),
                           timeout: timeout)
    }

    func shutdown() async {
        try? await http.shutdown()
    }

    func get(_ url: String, on endpoint: TAXIIEndpoint, timeout: Int? = nil) async throws -> TAXIIResponse {
        var request = HTTPClientRequest(url: url)
        request.method = .GET
        request.headers.add(name: "Accept", value: Self.mediaType)
        request.headers.add(name: "Authorization", value: endpoint.authorization)
        return try await send(request, timeout: timeout ?? self.timeout)
    }

    func post(_ envelope: ByteBuffer, to endpoint: TAXIIEndpoint) async throws -> TAXIIResponse {
        var request = HTTPClientRequest(url: endpoint.objectsURL)
        request.method = .POST
        request.headers.add(name: "Accept", value: Self.mediaType)
        request.headers.add(name: "Content-Type", value: Self.mediaType)
        request.headers.add(name: "Authorization", value: endpoint.authorization)
        request.body = .bytes(envelope)
        return try await send(request, timeout: timeout)
    }

    private func send(_ request: HTTPClientRequest, timeout: Int) async throws -> TAXIIResponse {
        let clock = ContinuousClock()
        let start = clock.now
        do {
            let response = try await http.execute(request, timeout: .seconds(Int64(timeout)))
            let body = try await response.body.collect(upTo: 1 << 30)
            return TAXIIResponse(status: Int(response.status.code), body: body,
                                 seconds: (clock.now - start).seconds)
        } catch let error as HTTPClientError where error == .deadlineExceeded || error == .readTimeout {
            throw RequestFailure.timedOut(seconds: (clock.now - start).seconds)
        } catch let error as RequestFailure {
            throw error
        } catch {
            throw RequestFailure.transport("\(error)")
        }
    }
}

// MARK: - The parts of TAXII resources the benchmark reads

/// An envelope, reduced to what paging and counting need.
struct EnvelopeSummary: Decodable {
    struct ObjectSummary: Decodable {
        let id: String
    }
    let more: Bool?
    let next: String?
    let objects: [ObjectSummary]?

    var count: Int { objects?.count ?? 0 }

    static func decode(_ body: ByteBuffer) throws -> EnvelopeSummary {
        try JSONDecoder().decode(EnvelopeSummary.self, from: Data(body.readableBytesView))
    }
}

/// A status resource, reduced to its counts.
struct StatusSummary: Decodable {
    let status: String?
    let success_count: Int?
    let failure_count: Int?
    let pending_count: Int?

    static func decode(_ body: ByteBuffer) throws -> StatusSummary {
        try JSONDecoder().decode(StatusSummary.self, from: Data(body.readableBytesView))
    }
}

extension Duration {
    /// The duration in seconds, as a Double.
    var seconds: Double {
        let parts = components
        return Double(parts.seconds) + Double(parts.attoseconds) * 1e-18
    }
}
