// HubAPI metrics routes: `GET /api/v1/metrics/coverage|lead-time|daily` with the filters `feed`,
// `sector`, `from`, `to` (and `format=csv`). What each viewer sees is SharingMetrics' rule: hub staff
// every organisation by name, anyone else only its own organisation (see SharingMetrics).
import Accounts
import Foundation
import HubHTTP
import Hummingbird
import SharingMetrics
import Storage

extension HubAPIService {
    /// Adds the metrics routes to the authenticated `/api/v1` group.
    ///
    /// ```swift
    /// // GET /api/v1/metrics/coverage?feed=C2&from=2026-12-01&to=2026-12-07
    /// // GET /api/v1/metrics/lead-time?sector=電力&format=csv
    /// ```
    func addMetricsRoutes(to api: RouterGroup<HubRequestContext>) {
        api.get("metrics/coverage") { request, context in
            try await metricsResponse(request, context) { try await sharingMetrics.coverage(for: $0, filter: $1, principal: $2) }
        }
        api.get("metrics/lead-time") { request, context in
            try await metricsResponse(request, context) { try await sharingMetrics.leadTime(for: $0, filter: $1, principal: $2) }
        }
        api.get("metrics/daily") { request, context in
            try await metricsResponse(request, context) { try await sharingMetrics.daily(for: $0, filter: $1, principal: $2) }
        }
    }

    func metricsResponse(_ request: Request, _ context: HubRequestContext,
                         _ compute: (MetricsViewer, MetricsFilter, Principal) async throws -> any MetricsReport) async throws -> Response {
        let principal = try context.requirePrincipal()
        let parameters = request.uri.queryParameters
        let value = { (name: String) in parameters[Substring(name)].map(String.init) }
        let report: any MetricsReport
        do {
            let filter = try MetricsFilter.parse(feed: value("feed"), sector: value("sector"), from: value("from"), to: value("to"))
            report = try await compute(MetricsViewer(principal), filter, principal)
        } catch let error as MetricsError {
            switch error {
            case .invalid(let why): throw HubError.invalid(why)
            case .unknownFeed: throw HubError.notFound(error.description)
            }
        }
        switch value("format") ?? "json" {
        case "csv":
            return Response(status: .ok, headers: [.contentType: "text/csv; charset=utf-8", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: report.csv)))
        case "json":
            return Response(status: .ok, headers: [.contentType: "application/json", .cacheControl: "no-store"],
                            body: .init(byteBuffer: ByteBuffer(string: report.jsonText)))
        default:
            throw HubError.invalid("format is json or csv")
        }
    }
}
