// HubAPI: the JSON API under /api/v1 — submissions, releases (consent), revocation and the
// recipients report — for members' scripts and the web portal. Same tokens and passwords as TAXII;
// errors are `HubError`s (HubErrorMiddleware answers them). Handlers translate HTTP to the domain (ConsentDesk, EnvelopeIntake).
import Accounts
import Anonymization
import CampaignDesk
import Consent
import Distribution
import Correlation
import Foundation
import HTTPTypes
import HubHTTP
import Hummingbird
import IndicatorExtraction
import Ingestion
import SharingMetrics
import SharingPolicy
import Specimens
import STIX
import Storage

/// The JSON API.
///
/// ```swift
/// HubAPIService(store: store, authenticator: authenticator, ledger: ledger, anonymization: settings)
///     .addRoutes(to: router)
/// // POST /api/v1/submissions/{id}/release  {"groups": ["電力SIG"], "anonymize": true}
/// ```
public struct HubAPIService: Sendable {
    public let store: any HubStore
    public let authenticator: Authenticator
    public let policy: PolicyEngine
    public let desk: ConsentDesk
    public let intake: EnvelopeIntake
    public let ledger: DeliveryLedger
    /// Stores members' hand-overs (e-mails, samples, reports, text, CSV, observations).
    public let submissionDesk: SubmissionDesk
    /// Largest JSON body accepted.
    public let maxBodySize: Int
    /// Largest sample upload accepted (the vault's limit).
    public let uploadLimit: Int
    /// What extraction drops as not an indicator (bundled plus the operator's lists).
    public let warningLists: WarningLists
    /// The base URL of links the API stores (sample download URLs); never the request's Host header.
    public let publicAddress: PublicAddress
    /// Coverage, lead time and daily counts (`GET /api/v1/metrics/…`).
    public let sharingMetrics: SharingMetrics
    /// Members' sighting reports and their counts.
    public let sightings: SightingDesk
    /// Campaigns for hub analysts (`/api/v1/campaigns`), and the clustering of each arrival.
    public let campaigns: CampaignDesk?
    /// Blocklist exports (`GET /api/v1/feeds/{name}/export`), cached per reader.
    public let exporter: FeedExporter
    /// Which submissions share observables, as each reader may see it (`GET /submissions/{id}/correlations`).
    public let correlations: CorrelationDesk
    /// Rate limits and page caps by consumer tier (nil: none).
    public let flow: ConsumerFlow?

    public init(store: any HubStore, authenticator: Authenticator, ledger: DeliveryLedger,
                anonymization: AnonymizationSettings, corroboration: Corroboration? = nil,
                policy: PolicyEngine? = nil, vault: SampleVault? = nil, warningLists: WarningLists = .bundled,
                maxBodySize: Int = 32 * 1024 * 1024, publicAddress: PublicAddress = PublicAddress(),
                countries: CountryTable = CountryTable(),
                campaigns: CampaignDesk? = nil, flow: ConsumerFlow? = nil, freshness: FreshnessDefaults = .standard) {
        self.publicAddress = publicAddress
        self.flow = flow
        self.store = store
        self.authenticator = authenticator
        self.policy = policy ?? PolicyEngine(store: store)
        self.desk = ConsentDesk(store: store, policy: self.policy, anonymization: anonymization)
        var intake = EnvelopeIntake(store: store, policy: self.policy, desk: desk, corroboration: corroboration)
        intake.arrivals = campaigns
        self.intake = intake
        self.campaigns = campaigns
        self.ledger = ledger
        self.maxBodySize = maxBodySize
        self.submissionDesk = SubmissionDesk(intake: intake, vault: vault)
        self.uploadLimit = Int(vault?.maximumSize ?? SampleVault.defaultMaximumSize)
        self.warningLists = warningLists
        self.sharingMetrics = SharingMetrics(store: store, policy: self.policy, countries: countries)
        self.sightings = intake.sightings ?? SightingDesk(store: store, policy: self.policy, corroboration: nil)
        self.exporter = FeedExporter(store: store, ledger: ledger, warningLists: warningLists, freshness: freshness)
        self.correlations = CorrelationDesk(store: store, policy: self.policy, exclusions: .with(warningLists))
    }

    public func addRoutes(to router: Router<HubRequestContext>) {
        router.get("/api/v1/openapi.json") { _, _ in
            Response(status: .ok, headers: [.contentType: "application/json"],
                     body: .init(byteBuffer: ByteBuffer(string: OpenAPIDocument.json)))
        }
        let api = router.group("/api/v1").add(middleware: AuthenticationMiddleware(authenticator: authenticator, flow: flow))
        api.get("submissions") { request, context in try await listSubmissions(request, context) }
        api.post("submissions") { request, context in try await submit(request, context) }
        api.get("submissions/{id}") { request, context in try await getSubmission(request, context) }
        api.post("submissions/{id}/release") { request, context in try await release(request, context) }
        api.get("submissions/{id}/recipients") { request, context in try await recipients(request, context) }
        api.get("submissions/{id}/correlations") { request, context in try await correlations(request, context) }
        api.post("releases/{id}/revoke") { request, context in try await revoke(request, context) }
        api.post("submissions/{id}/proposals") { request, context in try await propose(request, context) }
        api.get("proposals") { request, context in try await listProposals(request, context) }
        api.get("proposals/{id}") { request, context in try await getProposal(request, context) }
        api.post("proposals/{id}/approve") { request, context in try await approve(request, context) }
        api.post("proposals/{id}/reject") { request, context in try await reject(request, context) }
        api.get("standing-consent") { request, context in try await getStandingConsent(request, context) }
        api.put("standing-consent") { request, context in try await putStandingConsent(request, context) }
        addHandOverRoutes(to: api)
        addAccountRoutes(to: api)
        addMetricsRoutes(to: api)
        addSightingRoutes(to: api)
        addCampaignRoutes(to: api)
        addExportRoutes(to: api)
    }

    // MARK: - Handlers

    func listSubmissions(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let submissions = try await policy.visibleSubmissions(for: principal)
        var views: [SubmissionView] = []
        for submission in submissions.prefix(1000) {
            views.append(try await view(submission))
        }
        return try Self.json(["submissions": views])
    }

    func getSubmission(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        guard let submission = try await policy.visibleSubmission(id: id, for: principal)
        else { throw HubError.notFound("There is no submission \(id.prefix(64)) for you.") }
        return try Self.json(try await view(submission))
    }

    /// `POST /api/v1/submissions?feed=NAME` with a STIX bundle (or TAXII envelope) as the body.
    func submit(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let parameters = request.uri.queryParameters
        guard let feedName = parameters["feed"].map(String.init), !feedName.isEmpty else {
            throw HubError.invalid("Name the feed: POST /api/v1/submissions?feed=NAME with a STIX bundle.")
        }
        let feed = try await writableFeed(named: feedName, for: principal)
        let body = try await collect(request)
        let submission = try await intake.submit(envelope: Array(buffer: body), to: feed, by: principal)
        return try Self.json(try await view(submission), status: .created)
    }

    func release(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let body = try await jsonBody(request)
        let input: ReleaseRequest
        do {
            input = try JSONDecoder().decode(ReleaseRequest.self, from: Data(buffer: body))
        } catch {
            throw HubError.invalid("The body must be {\"groups\": [names], \"organizations\": [names], \"all_members\": bool, \"public\": bool, \"anonymize\": bool}: \(Self.reason(error))")
        }
        let release = try await desk.release(submissionID: id, scope: input.scope, anonymize: input.anonymize ?? false,
                                             by: principal)
        return try Self.json(ReleaseView(release), status: .created)
    }

    func revoke(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let release = try await desk.revoke(releaseID: id, by: principal)
        return try Self.json(ReleaseView(release))
    }

    func recipients(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        await ledger.flush()
        let recipients = try await desk.recipients(submissionID: id, by: principal)
        return try Self.json(RecipientsView(submission: id, recipients: recipients))
    }

    func propose(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let body = try await jsonBody(request)
        let input: ProposalRequest = try decode(body, shape: ProposalRequest.shape)
        // The processed bundle exactly as sent (the body passed the strict parser in jsonBody).
        let processed = try body.withUnsafeReadableBytes { try JSONParser.parse($0) }["processed_bundle"]
            .flatMap { $0.isNull ? nil : $0.serialized() }
        let proposal = try await desk.propose(submissionID: id, scope: input.release.scope,
                                              anonymize: input.release.anonymize ?? false,
                                              processedBundle: processed, note: input.note, by: principal)
        return try await proposalResponse(proposal, status: .created)
    }

    /// `GET /api/v1/proposals`: the provider's inbox (hub staff: every proposal), each with the
    /// analyst's processed bundle, the diff against the provider's submission and exactly what
    /// approving would share.
    func listProposals(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var documents: [JSONValue] = []
        for proposal in try await desk.proposals(for: principal) {
            documents.append(ProposalDocument.json(proposal, review: try await desk.review(proposal)))
        }
        return Self.json(.object(JSONObject([("proposals", .array(documents))])))
    }

    /// `GET /api/v1/proposals/{id}`: one proposal as in the list; 404 for anyone but its provider's
    /// users and hub staff.
    func getProposal(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let proposal = try await desk.proposal(id: id, for: principal)
        return try await proposalResponse(proposal)
    }

    func proposalResponse(_ proposal: Proposal, status: HTTPResponse.Status = .ok) async throws -> Response {
        let review = try await desk.review(proposal)
        return Self.json(ProposalDocument.json(proposal, review: review), status: status)
    }

    func approve(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let release = try await desk.approve(proposalID: id, by: principal)
        return try Self.json(ReleaseView(release), status: .created)
    }

    func reject(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let body = try await jsonBody(request)
        let reason = body.readableBytes == 0 ? nil
            : (try? JSONDecoder().decode([String: String].self, from: Data(buffer: body)))?["reason"]
        let proposal = try await desk.reject(proposalID: id, reason: reason, by: principal)
        return try Self.json(ProposalView(proposal))
    }

    func getStandingConsent(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        return try Self.json(StandingConsentBody(rules: try await desk.standingConsent(for: principal)))
    }

    func putStandingConsent(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let input: StandingConsentBody = try await decode(request, shape: StandingConsentBody.shape)
        try await desk.setStandingConsent(input.rules, by: principal)
        return try Self.json(input)
    }

    // MARK: - Helpers

    func decode<T: Decodable>(_ request: Request, shape: String) async throws -> T {
        try decode(try await jsonBody(request), shape: shape)
    }

    func decode<T: Decodable>(_ body: ByteBuffer, shape: String) throws -> T {
        do {
            return try JSONDecoder().decode(T.self, from: Data(buffer: body))
        } catch {
            throw HubError.invalid("The body must be \(shape): \(Self.reason(error))")
        }
    }

    static func json(_ value: JSONValue, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "application/json"],
                 body: .init(byteBuffer: ByteBuffer(bytes: value.serialized())))
    }

    func view(_ submission: Submission) async throws -> SubmissionView {
        let releases = try await store.releases(submissionID: submission.id)
        let feed = try await store.feed(id: submission.feedID)
        var view = SubmissionView(submission, feedName: feed?.name, releases: releases.map(ReleaseView.init))
        if let detail = try await store.submissionDetail(id: submission.id) {
            view.kind = detail.kind.rawValue
            view.victim_identifiers = detail.victimIdentifiers
            view.victim_identifiers_found = detail.victimIdentifiers.count
            view.warnings = detail.warnings.isEmpty ? nil : Array(detail.warnings.prefix(200))
        } else {
            view.kind = "stix"
        }
        return view
    }

    /// The body of a JSON request, held to the same JSON rules as TAXII and STIX content (the STIX
    /// module's strict parser): duplicate member names, lone surrogates or numbers outside the JSON
    /// grammar are a 400, never a "first (or last) one wins" guess by a lenient decoder. An empty
    /// body passes (the routes that take an optional body decide).
    func jsonBody(_ request: Request) async throws -> ByteBuffer {
        let body = try await collect(request)
        guard body.readableBytes > 0 else { return body }
        do {
            _ = try body.withUnsafeReadableBytes { try JSONParser.parse($0) }
        } catch {
            throw HubError.invalid("The body is not valid JSON: \(error)")
        }
        return body
    }

    func collect(_ request: Request) async throws -> ByteBuffer {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > maxBodySize {
            throw HubError.tooLarge("The body has \(length) bytes; at most \(maxBodySize) are accepted.")
        }
        do {
            return try await request.body.collect(upTo: maxBodySize)
        } catch {
            throw HubError.tooLarge("At most \(maxBodySize) bytes are accepted.")
        }
    }

    static func json<T: Encodable>(_ value: T, status: HTTPResponse.Status = .ok) throws -> Response {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return Response(status: status, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(data: try encoder.encode(value))))
    }

    static func reason(_ error: any Error) -> String {
        switch error {
        case DecodingError.typeMismatch(_, let context), DecodingError.valueNotFound(_, let context),
             DecodingError.keyNotFound(_, let context), DecodingError.dataCorrupted(let context):
            return context.debugDescription
        default:
            return "not valid JSON"
        }
    }
}
