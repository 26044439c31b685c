// HubAPI export routes: `GET /api/v1/feeds/{name}/export?format=F&type=…&tlp=…&min_confidence=…&age=…&sector=…&limit=…&file=…`
// — a feed's blocklist for the signed-in member, exactly what that member may read (the reader
// comes from the policy engine), with ETag / If-None-Match (304), Last-Modified, and gzip when the
// client accepts it. A 200 is recorded as a read in the delivery ledger; a 304 sends nothing.
import Accounts
import Distribution
import Foundation
import HTTPTypes
import HubHTTP
import Hummingbird
import SharingPolicy
import STIX
import Storage

extension HubAPIService {
    func addExportRoutes(to api: RouterGroup<HubRequestContext>) {
        api.get("feeds/{name}/export") { request, context in try await export(request, context) }
        api.get("feeds") { _, context in try await feedList(context) }
    }

    /// `GET /api/v1/feeds`: the feeds the principal may see (as TAXII's collections), with each
    /// feed's severity and whether the principal's devices get the reduced feed of it.
    func feedList(_ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        var feeds: [FeedListing.Entry] = []
        for (visible, access) in try await policy.visibleFeeds(for: principal) {
            feeds.append(FeedListing.Entry(name: visible.name, title: visible.title, severity: visible.severity.rawValue,
                                           can_read: access.canRead, can_write: access.canWrite,
                                           reduced: Self.getsReducedFeed(principal) ? ReducedFeed.carries(visible) : false))
        }
        return try Self.json(FeedListing(tier: principal.organization.tier.rawValue,
                                    poll_interval_seconds: FlowGrant.current?.pollSeconds, feeds: feeds))
    }

    /// A small member's users get the reduced feed (`ReducedFeed.applies`, the rule TAXII reads share).
    static func getsReducedFeed(_ principal: Principal) -> Bool { ReducedFeed.applies(to: principal) }

    func export(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let name = try context.parameters.require("name")
        let feed = try await readableFeed(named: name, for: principal)
        let parameters = request.uri.queryParameters
        var exportRequest = try Self.exportRequest(parameters)
        exportRequest.filter.reduced = Self.getsReducedFeed(principal)
        guard let reader = try await policy.reader(for: principal, feed: feed, purpose: .export, ledger: nil) else {
            throw HubError.forbidden("You may not read feed \(feed.name).")
        }
        let gzip = request.headers[.acceptEncoding].map { $0.lowercased().contains("gzip") } ?? false
        if exportRequest.format == .stix { return try await stixBundle(feed: feed, reader: reader, gzip: gzip) }
        let document: ExportDocument
        do {
            document = try await exporter.current(exportRequest, feed: feed, reader: reader)
        } catch let error as ExportRequestError {
            throw HubError.invalid(error.description)
        }
        var headers: HTTPFields = [.eTag: document.etag, .lastModified: Self.httpDate(document.lastModified),
                                   .cacheControl: "private, no-cache", .vary: "Accept-Encoding, Authorization"]
        headers[ExportHeaders.feedSeverity] = feed.severity.rawValue
        if exportRequest.filter.reduced { headers[ExportHeaders.reducedFeed] = "true" }
        if let match = request.headers[.ifNoneMatch], Self.matches(match, etag: document.etag) {
            return Response(status: .notModified, headers: headers)
        }
        let file: ExportFile
        if let wanted = parameters["file"].map(String.init) {
            guard let found = document.files.first(where: { $0.name == wanted }) else {
                throw HubError.notFound("This export has no file \(wanted.prefix(64)); it has \(document.files.map(\.name).joined(separator: ", ")).")
            }
            file = found
        } else {
            file = document.main
        }
        await exporter.record(document, request: exportRequest, feed: feed, reader: reader)
        headers[.contentType] = file.name.hasSuffix(".json") ? "application/json" : exportRequest.format.contentType
        headers[.contentDisposition] = "inline; filename=\"\(file.name)\""
        headers[ExportHeaders.values] = String(document.valueCount)
        headers[ExportHeaders.files] = document.files.map(\.name).joined(separator: ",")
        if let cut = document.cutReport { headers[ExportHeaders.cut] = cut }
        var body = file.bytes
        if gzip {
            body = try Gzip.compress(body)
            headers[.contentEncoding] = "gzip"
        }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

    /// The latest version of every object the reader may read, as one bundle (not cached).
    func stixBundle(feed: Feed, reader: FeedReader, gzip: Bool) async throws -> Response {
        let objects = try await reader.all(ObjectQuery(feedID: feed.id, versions: .latest, limit: 5000))
        if let principal = reader.principal { await ledger.recordRead(of: objects, by: principal, path: "export/stix", subject: feed.id) }
        var bytes = Array("{\"type\":\"bundle\",\"id\":\"bundle--\(UUID().uuidString.lowercased())\",\"objects\":[".utf8)
        for (index, object) in objects.enumerated() {
            if index > 0 { bytes.append(UInt8(ascii: ",")) }
            bytes.append(contentsOf: object.bytes)
        }
        bytes.append(contentsOf: Array("]}\n".utf8))
        var headers: HTTPFields = [.contentType: "application/json"]
        if gzip { bytes = try Gzip.compress(bytes); headers[.contentEncoding] = "gzip" }
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(bytes: bytes)))
    }

    /// Whether an `If-None-Match` value names `etag` (or is `*`): the value a poller sends back as it
    /// got it is compared directly, a list is split only when it is one.
    static func matches(_ ifNoneMatch: String, etag: String) -> Bool {
        if ifNoneMatch == etag || ifNoneMatch == "*" { return true }
        guard ifNoneMatch.contains(",") || ifNoneMatch.first == " " || ifNoneMatch.last == " " else { return false }
        return ifNoneMatch.split(separator: ",").contains { candidate in
            let trimmed = candidate.trimmingCharacters(in: .whitespaces)
            return trimmed == etag || trimmed == "*"
        }
    }

    /// The request's format and filters, or a 400 that says which parameter is wrong.
    static func exportRequest(_ parameters: Parameters) throws -> ExportRequest {
        let formatText = parameters["format"].map(String.init) ?? "stix"
        guard let format = ExportFormat(rawValue: formatText) else {
            throw HubError.invalid("Unknown format \(formatText.prefix(32)): use one of \(ExportFormat.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
        do {
            return ExportRequest(format: format, filter: try ExportFilter.parse(
                types: parameters["type"].map(String.init), tlp: parameters["tlp"].map(String.init),
                minConfidence: parameters["min_confidence"].map(String.init), age: parameters["age"].map(String.init),
                sector: parameters["sector"].map(String.init), limit: parameters["limit"].map(String.init)))
        } catch let error as ExportRequestError {
            throw HubError.invalid(error.description)
        }
    }

    /// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), written directly: a poll answered 304 makes no formatter.
    static func httpDate(_ date: Date) -> String {
        let seconds = Int64(date.timeIntervalSince1970.rounded(.down))
        let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
        let secondOfDay = seconds - days * 86_400
        let (year, month, day) = STIXTimestamp.civil(fromDays: days)
        let weekday = Int(((days % 7) + 11) % 7)   // 1970-01-01 was a Thursday
        let names = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        func two<N: BinaryInteger>(_ n: N) -> String { n < 10 ? "0\(n)" : "\(n)" }
        return "\(names[weekday]), \(two(day)) \(months[month - 1]) \(year) "
            + "\(two(secondOfDay / 3_600)):\(two(secondOfDay % 3_600 / 60)):\(two(secondOfDay % 60)) GMT"
    }
}

/// The export's own response header names, made once (not parsed again on every poll).
enum ExportHeaders {
    static let feedSeverity = HTTPField.Name("X-Kakehashi-Feed-Severity")!
    static let reducedFeed = HTTPField.Name("X-Kakehashi-Reduced-Feed")!
    static let values = HTTPField.Name("X-Kakehashi-Export-Values")!
    static let files = HTTPField.Name("X-Kakehashi-Export-Files")!
    static let cut = HTTPField.Name("X-Kakehashi-Export-Cut")!
}

/// `GET /api/v1/feeds`: the principal's tier and polling hint, and the feeds it may see.
struct FeedListing: Encodable {
    struct Entry: Encodable {
        let name: String
        let title: String
        /// urgent, important, normal or info.
        let severity: String
        let can_read: Bool
        let can_write: Bool
        /// Whether this member's devices get the reduced feed of it (small tier; false: all or nothing).
        let reduced: Bool
    }
    let tier: String
    let poll_interval_seconds: Int?
    let feeds: [Entry]
}
