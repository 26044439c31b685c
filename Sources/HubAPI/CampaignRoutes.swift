// HubAPI campaign routes: the hub analysts' campaigns under /api/v1/campaigns — the list (with
// candidates on request), confirm (and name), merge, split, reject, re-cluster and release. Hub
// staff only: CampaignDesk refuses everyone else (403), so members never learn of candidates or of
// the organisations in them.
import CampaignDesk
import Consent
import Foundation
import HubHTTP
import Hummingbird
import STIX
import Storage

extension HubAPIService {
    func addCampaignRoutes(to api: RouterGroup<HubRequestContext>) {
        api.get("campaigns") { request, context in try await listCampaigns(request, context) }
        api.post("campaigns/merge") { request, context in try await mergeCampaigns(request, context) }
        api.post("campaigns/recluster") { request, context in try await reclusterCampaigns(request, context) }
        api.post("campaigns/{id}/confirm") { request, context in try await confirmCampaign(request, context) }
        api.post("campaigns/{id}/split") { request, context in try await splitCampaign(request, context) }
        api.post("campaigns/{id}/reject") { request, context in try await rejectCampaign(request, context) }
        api.post("campaigns/{id}/release") { request, context in try await releaseCampaign(request, context) }
    }

    struct CampaignNameRequest: Decodable { var name: String? }
    struct CampaignMergeRequest: Decodable { var ids: [String]; var name: String? }
    struct CampaignSplitRequest: Decodable { var submissions: [String]; var name: String? }
    struct CampaignReleaseRequest: Decodable {
        var feed: String
        var groups: [String]?
        var organizations: [String]?
        var allMembers: Bool?
        enum CodingKeys: String, CodingKey { case feed, groups, organizations, allMembers = "all_members" }
    }

    func campaignDesk() throws -> CampaignDesk {
        guard let campaigns else { throw HubError.notFound("campaigns are not kept on this hub") }
        return campaigns
    }

    func listCampaigns(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let candidates = ["true", "1", "yes"].contains(request.uri.queryParameters.get("candidates")?.lowercased() ?? "")
        let records = try await campaignDesk().list(includeCandidates: candidates, by: principal)
        return Self.json(.object(JSONObject([("campaigns", .array(records.map(CampaignListing.json)))])))
    }

    func confirmCampaign(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let body = try await jsonBody(request)
        let input: CampaignNameRequest = body.readableBytes == 0 ? CampaignNameRequest() : try decode(body, shape: "{\"name\": string}")
        return Self.json(CampaignListing.json(try await campaignDesk().confirm(id, name: input.name, by: principal)))
    }

    func mergeCampaigns(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input: CampaignMergeRequest = try await decode(request, shape: "{\"ids\": [campaign ids], \"name\": string}")
        return Self.json(CampaignListing.json(try await campaignDesk().merge(input.ids, name: input.name, by: principal)))
    }

    func splitCampaign(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let input: CampaignSplitRequest = try await decode(request, shape: "{\"submissions\": [submission ids that leave], \"name\": string}")
        let (stays, leaves) = try await campaignDesk().split(id, leaving: input.submissions, name: input.name, by: principal)
        return Self.json(.object(JSONObject([("stays", CampaignListing.json(stays)), ("leaves", CampaignListing.json(leaves))])))
    }

    func rejectCampaign(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        return Self.json(CampaignListing.json(try await campaignDesk().reject(id, by: principal)))
    }

    func reclusterCampaigns(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let records = try await campaignDesk().recluster(by: principal)
        return Self.json(.object(JSONObject([("campaigns", .array(records.map(CampaignListing.json)))])))
    }

    func releaseCampaign(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let input: CampaignReleaseRequest = try await decode(
            request, shape: "{\"feed\": name, \"groups\": [names], \"organizations\": [names], \"all_members\": bool}")
        let scope = ReleaseScope(groups: input.groups ?? [], organizations: input.organizations ?? [],
                                 allMembers: input.allMembers ?? false)
        let record = try await campaignDesk().release(id, feed: input.feed, scope: scope, by: principal)
        return Self.json(CampaignListing.json(record), status: .created)
    }
}
