// HubServer metrics: the hub's Prometheus registry, the request metrics middleware (requests by route
// template and status class, latency histograms) and the count of refused sign-ins. Storage metrics
// (database read/write durations, the write queue) are reported by the store through swift-metrics'
// global system, which `kakehashi serve` bootstraps with `factory` before it opens the store.
import Accounts
import CoreMetrics
import Foundation
import Hummingbird
import Prometheus
import Synchronization

/// The hub's metrics, exposed in Prometheus text format at `GET /metrics` to hub staff.
///
/// ```swift
/// let metrics = HubMetrics()
/// MetricsSystem.bootstrap(metrics.factory)   // once per process, before the store is opened
/// let app = HubApplication.make(store: store, anonymization: settings, metrics: metrics)
/// ```
///
/// Labels never carry a raw path, an id, an account or an address: requests are counted by the
/// route template the router matched (`/{api_root}/collections/{id}/objects/`, or `unmatched`),
/// the method and the status class (`2xx` … `5xx`).
public final class HubMetrics: Sendable {
    public let registry: PrometheusCollectorRegistry
    /// A swift-metrics factory writing into `registry` (for `MetricsSystem.bootstrap`).
    public let factory: PrometheusMetricsFactory
    let signInRefusals: CoreMetrics.Counter
    let ledgerPending: CoreMetrics.Gauge
    /// Submissions, observables by type, corroborated, deliveries (see `SharingGauges`).
    public let sharing: SharingGauges

    /// Request latency buckets, seconds: from half a millisecond to ten seconds.
    static let latencyBuckets: [Duration] = [
        .microseconds(500), .milliseconds(1), .milliseconds(2), .milliseconds(5), .milliseconds(10),
        .milliseconds(25), .milliseconds(50), .milliseconds(100), .milliseconds(250), .milliseconds(500),
        .seconds(1), .milliseconds(2500), .seconds(5), .seconds(10),
    ]

    public init() {
        registry = PrometheusCollectorRegistry()
        var factory = PrometheusMetricsFactory(registry: registry)
        factory.defaultDurationHistogramBuckets = Self.latencyBuckets
        self.factory = factory
        signInRefusals = CoreMetrics.Counter(label: "kakehashi_signin_refusals_total", factory: factory)
        ledgerPending = CoreMetrics.Gauge(label: "kakehashi_delivery_ledger_pending_records", factory: factory)
        sharing = SharingGauges(factory: factory)
    }

    /// The Prometheus text exposition of every metric so far.
    public func exposition() -> [UInt8] { registry.emitToBuffer() }

    /// The counter and timer of one route template, method and status class, made once: making them
    /// asks the registry (a lock and a look-up by label set) and built the label strings, per request.
    struct RequestSeries: Hashable { let route: String; let method: HTTPRequest.Method; let statusClass: Int }
    let requestSeries = Mutex<[RequestSeries: (counter: CoreMetrics.Counter, timer: CoreMetrics.Timer)]>([:])

    /// Counts a finished request under its route template and status class, with its duration.
    func recordRequest(route: String, method: HTTPRequest.Method, status: HTTPResponse.Status, nanoseconds: UInt64) {
        let series = RequestSeries(route: route, method: method, statusClass: status.code / 100)
        let metrics = requestSeries.withLock { made in
            if let found = made[series] { return found }
            // Route templates, known methods and status classes: a bounded set.
            let dimensions = [("route", route), ("method", method.rawValue)]
            let counter = CoreMetrics.Counter(label: "kakehashi_http_requests_total",
                                              dimensions: dimensions + [("status_class", "\(series.statusClass)xx")],
                                              factory: factory)
            let timer = CoreMetrics.Timer(label: "kakehashi_http_request_duration_seconds", dimensions: dimensions, factory: factory)
            made[series] = (counter, timer)
            return (counter, timer)
        }
        metrics.counter.increment()
        metrics.timer.recordNanoseconds(Int64(clamping: nanoseconds))
    }

    /// Methods other than these are counted as `OTHER`, so that a client cannot grow the label set.
    static let knownMethods: Set<HTTPRequest.Method> = [.get, .head, .post, .put, .patch, .delete, .options]
}

/// Counts every request by route template and status class and times it; outermost, so that it sees
/// the status the client receives (after `HubErrorMiddleware` turned errors into responses).
public struct RequestMetricsMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HubMetrics

    public init(metrics: HubMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        let start = DispatchTime.now().uptimeNanoseconds
        let method = HubMetrics.knownMethods.contains(request.method) ? request.method : HTTPRequest.Method("OTHER")!
        do {
            let response = try await next(request, context)
            metrics.recordRequest(route: Self.route(context), method: method, status: response.status,
                                  nanoseconds: DispatchTime.now().uptimeNanoseconds &- start)
            return response
        } catch {
            let status = (error as? any HTTPResponseError)?.status ?? .internalServerError
            metrics.recordRequest(route: Self.route(context), method: method, status: status,
                                  nanoseconds: DispatchTime.now().uptimeNanoseconds &- start)
            throw error
        }
    }

    /// The route template the router matched; `unmatched` when none did (never the raw path).
    static func route(_ context: Context) -> String {
        guard let path = context.endpointPath, path != "NotFound" else { return "unmatched" }
        return path
    }
}

/// Counts sign-ins the throttle refused (`SignInRefused`) and passes the error on; inside
/// `HubErrorMiddleware`, which answers it with 429 or 503.
public struct SignInRefusalMiddleware<Context: RequestContext>: RouterMiddleware {
    let metrics: HubMetrics

    public init(metrics: HubMetrics) { self.metrics = metrics }

    public func handle(_ request: Request, context: Context,
                       next: (Request, Context) async throws -> Response) async throws -> Response {
        do {
            return try await next(request, context)
        } catch let refused as SignInRefused {
            metrics.signInRefusals.increment()
            throw refused
        }
    }
}
