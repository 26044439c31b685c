// HubAPI alert routes: a signed-in user's alert subscriptions (create, list, delete; the webhook
// secret only in the answer that created it) and deliveries, and the hub administrator's dead
// letters and their retry. Who may do what is AlertDesk's.
import Accounts
import Alerts
import Foundation
import HubHTTP
import Hummingbird
import Storage

/// The `/api/v1/alerts` routes.
///
/// ```swift
/// AlertRoutes(desk: AlertDesk(store: store, policy: policy), authenticator: authenticator).addRoutes(to: router)
/// // POST   /api/v1/alerts/subscriptions        {"feed": "C2", "webhook_url": "https://soc.example/hook"}
/// // GET    /api/v1/alerts/subscriptions        DELETE /api/v1/alerts/subscriptions/{id}
/// // GET    /api/v1/alerts/deliveries[?status=dead&all=true]
/// // GET    /api/v1/alerts/dead-letters         POST /api/v1/alerts/dead-letters/{id}/retry   (hub administrator)
/// ```
public struct AlertRoutes: Sendable {
    let desk: AlertDesk
    let authenticator: Authenticator
    /// The same per-credential rate limits as the rest of the API (nil: none).
    let flow: ConsumerFlow?

    public init(desk: AlertDesk, authenticator: Authenticator, flow: ConsumerFlow? = nil) {
        self.desk = desk; self.authenticator = authenticator; self.flow = flow
    }

    public func addRoutes(to router: Router<HubRequestContext>) {
        let api = router.group("/api/v1/alerts").add(middleware: AuthenticationMiddleware(authenticator: authenticator, flow: flow))
        api.get("subscriptions") { _, context in
            try HubAPIService.json(["subscriptions": try await desk.subscriptions(for: try context.requirePrincipal())])
        }
        api.post("subscriptions") { request, context in
            let principal = try context.requirePrincipal()
            let input = try await Self.decode(request)
            return try HubAPIService.json(try await desk.subscribe(input, by: principal), status: .created)
        }
        api.delete("subscriptions/{id}") { _, context in
            try await desk.unsubscribe(id: try context.parameters.require("id"), by: try context.requirePrincipal())
            return Response(status: .noContent)
        }
        api.get("deliveries") { request, context in
            let principal = try context.requirePrincipal()
            let everyone = ["true", "1"].contains(request.uri.queryParameters["all"].map(String.init) ?? "")
            return try HubAPIService.json(["deliveries": try await desk.deliveries(
                for: principal, status: try Self.status(request), everyone: everyone)])
        }
        api.get("dead-letters") { _, context in
            try HubAPIService.json(["dead_letters": try await desk.deadLetters(by: try context.requirePrincipal())])
        }
        api.post("dead-letters/{id}/retry") { _, context in
            try HubAPIService.json(try await desk.retry(deliveryID: try context.parameters.require("id"),
                                                       by: try context.requirePrincipal()))
        }
    }

    static func decode(_ request: Request) async throws -> AlertSubscriptionRequest {
        let body = try await request.body.collect(upTo: 256 * 1024)
        do {
            return try JSONDecoder().decode(AlertSubscriptionRequest.self, from: Data(buffer: body))
        } catch {
            throw HubError.invalid("The body must be \(AlertSubscriptionRequest.shape).")
        }
    }

    static func status(_ request: Request) throws -> AlertDeliveryStatus? {
        guard let text = request.uri.queryParameters["status"].map(String.init) else { return nil }
        guard let status = AlertDeliveryStatus(rawValue: text) else {
            throw HubError.invalid("status must be one of \(AlertDeliveryStatus.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        return status
    }
}
