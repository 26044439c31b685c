// HubAPI sighting routes: members report sightings (seen, false positive, expired) of indicators
// they may read, and read the counts of an indicator's sightings; hub analysts see and clear the
// values false-positive reports put on review. Who may do what is SightingDesk's and the policy
// engine's: an indicator a member may not read is answered 404, as one that does not exist.
import Consent
import Foundation
import HubHTTP
import Hummingbird
import STIX
import Storage

extension HubAPIService {
    /// Adds the sighting routes to the authenticated `/api/v1` group.
    ///
    /// ```swift
    /// // POST /api/v1/sightings  {"value": "198.51.100.7", "kind": "false-positive", "count": 2}
    /// // GET  /api/v1/indicators/{id}/sightings     → {"indicator", "kinds": [{"kind", "organizations", "sectors", …}]}
    /// // GET  /api/v1/sightings/review   POST /api/v1/sightings/review/clear {"value": KEY}   (hub staff)
    /// ```
    func addSightingRoutes(to api: RouterGroup<HubRequestContext>) {
        api.post("sightings") { request, context in try await reportSighting(request, context) }
        api.get("indicators/{id}/sightings") { _, context in try await sightingSummary(context) }
        api.get("sightings/review") { request, context in try await sightingReviews(request, context) }
        api.post("sightings/review/clear") { request, context in try await clearSightingReview(request, context) }
    }

    func reportSighting(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let body = try await jsonBody(request)
        guard body.readableBytes > 0 else { throw HubError.invalid("The body must be \(SightingInput.shape).") }
        let input = try SightingInput(json: try body.withUnsafeReadableBytes { try JSONParser.parse($0) })
        return try Self.json(try await sightings.report(input, by: principal, via: "api"), status: .created)
    }

    func sightingSummary(_ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        return try Self.json(try await sightings.summary(indicatorID: id, for: principal))
    }

    func sightingReviews(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let all = request.uri.queryParameters["all"].map { $0 == "true" || $0 == "1" } ?? false
        return try Self.json(["reviews": try await sightings.reviews(for: principal, includingCleared: all)])
    }

    func clearSightingReview(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input: [String: String] = try await decode(request, shape: "{\"value\": observable key, e.g. \"ipv4-addr:198.51.100.7\"}")
        guard let value = input["value"], !value.isEmpty else {
            throw HubError.invalid("The body must be {\"value\": observable key, e.g. \"ipv4-addr:198.51.100.7\"}.")
        }
        try await sightings.clear(value, by: principal)
        return try Self.json(["value": value, "state": "cleared"])
    }
}
