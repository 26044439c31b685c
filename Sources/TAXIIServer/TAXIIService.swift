// TAXII 2.1 endpoints: discovery, API root, status, collections, collection, objects (GET, POST),
// object (GET, DELETE), manifest and versions. Handlers only translate HTTP to the domain: access is
// decided by the PolicyEngine, writes go through EnvelopeIntake, reads are store range reads.
import Accounts
import Consent
import Distribution
import Foundation
import HTTPTypes
import HubHTTP
import Hummingbird
import Ingestion
import SharingPolicy
import STIX
import Storage

/// The TAXII 2.1 interface of the hub.
///
/// ```swift
/// let router = Router(context: HubRequestContext.self)
/// TAXIIService(store: store).addRoutes(to: router)
/// let app = Application(router: router, configuration: .init(address: .hostname("127.0.0.1", port: 8080)))
/// try await app.runService()
/// ```
public struct TAXIIService: Sendable {
    public let store: any HubStore
    public let policy: PolicyEngine
    public let intake: EnvelopeIntake
    public let authenticator: Authenticator
    public let configuration: TAXIIConfiguration
    public let ledger: DeliveryLedger
    /// The base URL of discovery's links; never the request's Host header.
    public let publicAddress: PublicAddress

    /// Rate limits and page caps by consumer tier (nil: none).
    public let flow: ConsumerFlow?
    /// A small member's reduced feed over TAXII (`ReducedFeed.applies`): the same bar as its exports.
    public let reducedFeed: ReducedFeedReads

    public init(store: any HubStore, configuration: TAXIIConfiguration = TAXIIConfiguration(),
                authenticator: Authenticator? = nil, ledger: DeliveryLedger? = nil, desk: ConsentDesk? = nil,
                corroboration: Corroboration? = nil, policy: PolicyEngine? = nil,
                publicAddress: PublicAddress = PublicAddress(), arrivals: (any SubmissionArrivals)? = nil,
                flow: ConsumerFlow? = nil, reducedFeed: ReducedFeedReads? = nil) {
        self.publicAddress = publicAddress
        self.flow = flow
        self.reducedFeed = reducedFeed ?? ReducedFeedReads(store: store)
        self.store = store
        self.ledger = ledger ?? DeliveryLedger(store: store)
        self.policy = policy ?? PolicyEngine(store: store)
        var limits = JSONLimits.standard
        limits.maxStringBytes = min(limits.maxStringBytes, configuration.maxContentLength)
        var intake = EnvelopeIntake(store: store, policy: self.policy, limits: limits, desk: desk,
                                    corroboration: corroboration)
        intake.arrivals = arrivals
        self.intake = intake
        self.authenticator = authenticator ?? Authenticator(store: store)
        self.configuration = configuration
    }

    var rootPath: String { "/\(configuration.apiRootName)/" }

    /// Adds every TAXII route, behind content negotiation and authentication. Errors become TAXII
    /// error messages through `HubErrorMiddleware`, which the router carries for all routes.
    public func addRoutes(to router: Router<HubRequestContext>) {
        let taxii = router.group()
            .add(middleware: NegotiationMiddleware())
            .add(middleware: AuthenticationMiddleware(authenticator: authenticator, flow: flow))
        taxii.get("/taxii2") { request, context in try await discovery(request, context) }
        let root = taxii.group(RouterPath(configuration.apiRootName))
        root.get("") { request, context in try apiRoot(request, context) }
        root.get("status/{status}") { request, context in try await status(request, context) }
        root.get("collections") { request, context in try await collections(request, context) }
        root.get("collections/{collection}") { request, context in try await collection(request, context) }
        root.get("collections/{collection}/manifest") { request, context in try await manifest(request, context) }
        root.get("collections/{collection}/objects") { request, context in try await getObjects(request, context) }
        root.post("collections/{collection}/objects") { request, context in try await postObjects(request, context) }
        root.get("collections/{collection}/objects/{object}") { request, context in try await getObject(request, context) }
        root.delete("collections/{collection}/objects/{object}") { request, context in
            try await deleteObject(request, context)
        }
        root.get("collections/{collection}/objects/{object}/versions") { request, context in
            try await versions(request, context)
        }
    }

    // MARK: - Server information

    func discovery(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        let base = publicAddress.baseURL
        let resource = DiscoveryResource(title: configuration.title, description: configuration.description,
                                         contact: configuration.contact, default: base + rootPath,
                                         api_roots: [base + rootPath])
        return try Self.ok(EnvelopeWriter.json(resource))
    }

    func apiRoot(_ request: Request, _ context: HubRequestContext) throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        return try Self.ok(EnvelopeWriter.json(APIRootResource(
            title: configuration.title, description: configuration.description, versions: [MediaType.taxii],
            max_content_length: configuration.maxContentLength)))
    }

    func status(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("status")
        guard let submission = try await policy.visibleSubmission(id: id, for: principal)
        else { throw HubError.notFound("There is no status resource \(id.prefix(64)) for you.") }
        return try Self.ok(StatusResource(submission).json)
    }

    // MARK: - Collections

    func collections(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        let principal = try context.requirePrincipal()
        let visible = try await policy.visibleFeeds(for: principal)
        let resources = visible.map { CollectionResource(feed: $0.feed, canRead: $0.access.canRead,
                                                         canWrite: $0.access.canWrite) }
        return try Self.ok(EnvelopeWriter.json(CollectionsResource(collections: resources)))
    }

    func collection(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        let (feed, access) = try await visibleFeed(request, context)
        return try Self.ok(EnvelopeWriter.json(CollectionResource(feed: feed, canRead: access.canRead,
                                                                  canWrite: access.canWrite)))
    }

    /// The feed named in the path, if the principal may see that it exists; else 404.
    func visibleFeed(_ request: Request, _ context: HubRequestContext) async throws -> (Feed, FeedAccess) {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("collection")
        guard let (feed, access) = try await policy.visibleFeed(id: id, for: principal) else {
            throw HubError.notFound("There is no collection \(id.prefix(64)).")
        }
        return (feed, access)
    }

    /// The reader of the feed named in the path for `purpose` (404 when the principal may not see
    /// that it exists, 403 when it may not read it): every object read goes through it.
    func reader(_ request: Request, _ context: HubRequestContext, purpose: ReadPurpose) async throws -> (Feed, FeedReader) {
        let (feed, _) = try await visibleFeed(request, context)
        guard let reader = try await policy.reader(for: context.requirePrincipal(), feed: feed, purpose: purpose,
                                                   ledger: ledger)
        else { throw HubError.forbidden("You may not read collection \(feed.id).") }
        return (feed, reader)
    }

    // MARK: - Objects

    func getObjects(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query, allowed: QueryParameters.objectsFilters)
        let (feed, reader) = try await reader(request, context, purpose: .taxii)
        let page = try await read(reader, feed: feed, parameters: parameters)
        return Self.ok(EnvelopeWriter.envelope(page), headers: Self.dateAddedHeaders(page))
    }

    func manifest(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query, allowed: QueryParameters.objectsFilters)
        let (feed, reader) = try await reader(request, context, purpose: .taxiiManifest)
        let page = try await read(reader, feed: feed, parameters: parameters)
        let records = page.objects.map {
            ManifestRecord(id: $0.stixID, date_added: EnvelopeWriter.dateAdded($0.dateAddedMicroseconds),
                           version: $0.version, media_type: MediaType.stix)
        }
        let resource = ManifestResource(more: page.more, next: Self.nextToken(page), objects: records)
        return try Self.ok(EnvelopeWriter.json(resource), headers: Self.dateAddedHeaders(page))
    }

    func getObject(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query, allowed: QueryParameters.objectFilters)
        let (feed, reader) = try await reader(request, context, purpose: .taxii)
        let objectID = try Self.objectID(context)
        let page = try await read(reader, feed: feed, parameters: parameters, objectID: objectID)
        if page.objects.isEmpty && parameters["next"] == nil {
            try await requireObjectExists(objectID, reader: reader, feed: feed)
        }
        return Self.ok(EnvelopeWriter.envelope(page), headers: Self.dateAddedHeaders(page))
    }

    func versions(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query, allowed: QueryParameters.versionsFilters)
        let (feed, reader) = try await reader(request, context, purpose: .taxiiVersions)
        let objectID = try Self.objectID(context)
        var query = ObjectQuery(feedID: reader.feedID, ids: [objectID], versions: .every,
                                limit: configuration.defaultPageSize)
        try parameters.apply(to: &query, maxPageSize: configuration.maxPageSize)
        let page = try await page(reader, feed: feed, query: query)
        if page.objects.isEmpty && parameters["next"] == nil {
            try await requireObjectExists(objectID, reader: reader, feed: feed)
        }
        let resource = VersionsResource(more: page.more, next: Self.nextToken(page),
                                        versions: page.objects.map(\.version))
        return try Self.ok(EnvelopeWriter.json(resource), headers: Self.dateAddedHeaders(page))
    }

    func deleteObject(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let parameters = try QueryParameters(request.uri.query, allowed: QueryParameters.deleteFilters)
        let (feed, access) = try await visibleFeed(request, context)
        guard access.canWrite else { throw HubError.forbidden("You may not delete from collection \(feed.id).") }
        let objectID = try Self.objectID(context)
        var query = ObjectQuery(feedID: feed.id, versions: .every)
        try parameters.apply(to: &query, maxPageSize: configuration.maxPageSize)
        let principal = try context.requirePrincipal()
        guard let reader = try await policy.reader(for: principal, feed: feed, purpose: .delete, ledger: nil) else {
            throw HubError.forbidden("You may not delete from collection \(feed.id).")
        }
        try await requireObjectExists(objectID, reader: reader)
        let provider = policy.deletableProvider(for: principal)
        let removed = try await store.deleteObject(id: objectID, feedID: feed.id, versions: query.versions,
                                                   provider: provider)
        guard removed > 0 else {
            throw HubError.forbidden("Only the organisation that provided \(objectID) may delete it.")
        }
        return Response(status: .ok, headers: [.contentType: MediaType.taxii])
    }

    func postObjects(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        _ = try QueryParameters(request.uri.query, allowed: [])
        let principal = try context.requirePrincipal()
        guard MediaType.isTAXIIContent(request.headers[.contentType]) else {
            throw HubError.unsupportedMediaType("POST a TAXII envelope as \(MediaType.taxii).")
        }
        let limit = configuration.maxContentLength
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit {
            throw HubError.tooLarge("The body has \(length) bytes; this API root accepts at most \(limit).")
        }
        let (feed, access) = try await visibleFeed(request, context)
        guard access.canWrite else { throw HubError.forbidden("You may not write to collection \(feed.id).") }
        let body: ByteBuffer
        do {
            body = try await request.body.collect(upTo: limit)
        } catch {
            throw HubError.tooLarge("This API root accepts at most \(limit) bytes.")
        }
        let submission = try await intake.submit(envelope: Array(buffer: body), to: feed, by: principal)
        return Response(status: .accepted, headers: [.contentType: MediaType.taxii],
                        body: .init(byteBuffer: try StatusResource(submission).json))
    }

    // MARK: - Helpers

    /// One page of what the reader may read in its feed (recorded as read when returned).
    func read(_ reader: FeedReader, feed: Feed, parameters: QueryParameters, objectID: String? = nil) async throws -> ObjectPage {
        var query = ObjectQuery(feedID: reader.feedID, limit: configuration.defaultPageSize)
        try parameters.apply(to: &query, maxPageSize: configuration.maxPageSize)
        if let objectID { query.ids = [objectID] }
        return try await page(reader, feed: feed, query: query)
    }

    /// A page of `query`: for a small member, of what its reduced feed keeps (`ReducedFeedReads`),
    /// resuming after the last version looked at.
    func page(_ reader: FeedReader, feed: Feed, query: ObjectQuery) async throws -> ObjectPage {
        guard let principal = reader.principal, ReducedFeed.applies(to: principal) else { return try await reader.page(query) }
        let reduced = reducedFeed
        return try await reader.page(query) { objects in try await reduced.keep(objects, feed: feed) }
    }

    /// 404 unless some version of the object is visible to the reader (for a small member reading
    /// `feed`: kept by its reduced feed; a version it leaves out is absent, as one it may not read).
    func requireObjectExists(_ objectID: String, reader: FeedReader, feed: Feed? = nil) async throws {
        let exists: Bool
        if let feed, let principal = reader.principal, ReducedFeed.applies(to: principal) {
            let versions = try await reader.unrecordedPage(ObjectQuery(feedID: feed.id, ids: [objectID], versions: .every,
                                                                       limit: configuration.maxPageSize))
            exists = try await !reducedFeed.keep(versions.objects, feed: feed).isEmpty
        } else {
            exists = try await reader.contains(objectID: objectID)
        }
        guard exists else {
            throw HubError.notFound("There is no object \(objectID.prefix(100)) in collection \(reader.feedID).")
        }
    }

    static func objectID(_ context: HubRequestContext) throws -> String {
        let id = try context.parameters.require("object")
        guard STIXIdentifier(id) != nil else {
            throw HubError.notFound("\(id.prefix(100)) is not a STIX identifier.")
        }
        return id
    }

    static func nextToken(_ page: ObjectPage) -> String? {
        guard page.more, let last = page.resumePoint else { return nil }
        return PageCursor.token(after: last.position, start: page.listingStart, added: last.dateAddedMicroseconds)
    }

    static func dateAddedHeaders(_ page: ObjectPage) -> HTTPFields {
        var headers = HTTPFields()
        if let first = page.objects.first, let last = page.objects.last {
            headers[.taxiiDateAddedFirst] = EnvelopeWriter.dateAdded(first.dateAddedMicroseconds)
            headers[.taxiiDateAddedLast] = EnvelopeWriter.dateAdded(last.dateAddedMicroseconds)
        }
        return headers
    }

    static func ok(_ body: ByteBuffer, headers: HTTPFields = [:]) -> Response {
        var headers = headers
        headers[.contentType] = MediaType.taxii
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: body))
    }

}

extension HTTPField.Name {
    static let taxiiDateAddedFirst = HTTPField.Name("X-TAXII-Date-Added-First")!
    static let taxiiDateAddedLast = HTTPField.Name("X-TAXII-Date-Added-Last")!
}

/// Answers 406 to a request whose Accept header admits no TAXII 2.1 JSON.
struct NegotiationMiddleware<Context: RequestContext>: RouterMiddleware {
    func handle(_ request: Request, context: Context,
                next: (Request, Context) async throws -> Response) async throws -> Response {
        guard MediaType.acceptsTAXII(request.headers[.accept]) else {
            throw HubError.notAcceptable("This server answers with \(MediaType.taxii); the Accept header excludes it.")
        }
        return try await next(request, context)
    }
}
