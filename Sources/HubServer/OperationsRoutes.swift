// HubServer operations endpoints: `GET /healthz` (the process is up), `GET /readyz` (the store
// answers and the server is not draining) and `GET /metrics` (Prometheus text, hub staff only).
// Health answers carry no content, version or configuration of the hub.
import Accounts
import Foundation
import HubHTTP
import Hummingbird
import NIOCore
import ServiceLifecycle
import SharingPolicy
import Storage

/// The operations routes: health, readiness and metrics.
///
/// ```swift
/// OperationsRoutes(store: store, metrics: metrics, ledger: ledger, authenticator: authenticator)
///     .addRoutes(to: router)
/// // curl -s http://127.0.0.1:8080/readyz            -> 200 "ready"
/// // curl -s -u admin@hub.example:… .../metrics      -> Prometheus text (hub staff only)
/// ```
public struct OperationsRoutes: Sendable {
    let store: any HubStore
    let metrics: HubMetrics
    let ledger: DeliveryLedger
    let authenticator: Authenticator

    public init(store: any HubStore, metrics: HubMetrics, ledger: DeliveryLedger, authenticator: Authenticator) {
        self.store = store; self.metrics = metrics; self.ledger = ledger; self.authenticator = authenticator
    }

    public func addRoutes(to router: Router<HubRequestContext>) {
        router.get("/healthz") { _, _ in Self.plain(.ok, "ok\n") }
        router.get("/readyz") { _, _ in await readiness() }
        router.group("/metrics").add(middleware: AuthenticationMiddleware(authenticator: authenticator))
            .get { _, context in try await exposition(context) }
    }

    /// 200 when the store answers a trivial read and the server is not shutting down; else 503.
    func readiness() async -> Response {
        // Request handlers run inside the server's service: once a graceful shutdown (SIGTERM)
        // begins, the server drains and a load balancer should stop sending here.
        guard !Task.isShuttingDownGracefully else { return Self.plain(.serviceUnavailable, "draining\n") }
        do {
            try await store.checkReadiness()
            return Self.plain(.ok, "ready\n")
        } catch {
            return Self.plain(.serviceUnavailable, "not ready\n")
        }
    }

    /// The Prometheus text exposition, to hub staff only: members, read-only users and organisations'
    /// administrators get 403; no credentials, 401 (from the authentication middleware).
    func exposition(_ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        guard principal.user.role.isHubStaff else {
            throw HubError.forbidden("Metrics are for the hub's staff.")
        }
        metrics.ledgerPending.record(await ledger.pendingRecords)
        await metrics.sharing.refresh(from: store)
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; version=0.0.4; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: .ok, headers: headers,
                         body: ResponseBody(byteBuffer: ByteBuffer(bytes: metrics.exposition())))
    }

    static func plain(_ status: HTTPResponse.Status, _ text: String) -> Response {
        var headers = HTTPFields()
        headers[.contentType] = "text/plain; charset=utf-8"
        headers[.cacheControl] = "no-store"
        return Response(status: status, headers: headers, body: ResponseBody(byteBuffer: ByteBuffer(string: text)))
    }
}
