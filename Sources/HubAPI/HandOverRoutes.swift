// HubAPI hand-overs: uploads of what members actually send (attack e-mails, samples, incident
// reports, text, CSV, observations) as multipart/form-data or a raw body, each stored held; the
// provider's preview of an anonymised release; sample downloads as `infected` zips (policy-checked
// and audited); observations by time range (policy-checked).
import Accounts
import Consent
import Extraction
import Foundation
import HTTPTypes
import HubHTTP
import Hummingbird
import Ingestion
import MultipartKit
import SharingPolicy
import Specimens
import STIX
import Storage

extension HubAPIService {
    func addHandOverRoutes(to api: RouterGroup<HubRequestContext>) {
        api.post("submissions/upload") { request, context in try await upload(request, context) }
        api.get("submissions/{id}/preview") { request, context in try await preview(request, context) }
        api.get("samples/{sha256}") { request, context in try await downloadSample(request, context) }
        api.get("observations") { request, context in try await observations(request, context) }
    }

    /// `POST /api/v1/submissions/upload?feed=F&kind=email|sample|report|text|csv|observations[&tlp=amber]
    /// [&column=NAME=KIND…][&malware_activity=true][&time_zone=Asia/Tokyo]` with the file as the
    /// `file` part of multipart/form-data (or as the raw body). The upload streams to a temporary
    /// file; samples go from there into the encrypted vault.
    func upload(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        guard let kindText = query["kind"].map(String.init), let kind = SubmissionKind(rawValue: kindText), kind != .stix else {
            throw HubError.invalid("Say what is uploaded: kind=email, sample, report, text, csv or observations.")
        }
        guard let feedName = query["feed"].map(String.init), !feedName.isEmpty else {
            throw HubError.invalid("Name the feed: feed=NAME.")
        }
        let feed = try await writableFeed(named: feedName, for: principal)
        var tlp: TLPLevel?
        if let text = query["tlp"].map(String.init) {
            guard let level = TLPLevel(stixLevel: text.lowercased()) else {
                throw HubError.invalid("Unknown TLP \(text.prefix(20)): clear, green, amber, amber+strict or red.")
            }
            tlp = level
        }
        var options = HandOver.Options()
        options.columns = query.getAll("column").map { String($0) }
        options.malwareActivity = query["malware_activity"].map { $0 == "true" || $0 == "1" } ?? false
        options.timeZone = query["time_zone"].map(String.init) ?? "UTC"
        options.warningLists = warningLists

        let limit = kind == .sample ? uploadLimit : maxBodySize
        let upload = try await UploadedFile.receive(request, limit: limit)
        defer { upload.remove() }
        let author = SubmissionDesk.author(tlp: tlp)
        let extracted: ExtractedSubmission
        do {
            if kind == .sample {
                let facts = try submissionDesk.storeSample(file: upload.url, originalFilename: upload.filename)
                extracted = SampleSubmission.describe(facts, downloadURL: "\(publicAddress.baseURL)/api/v1/samples/\(facts.digests.sha256)",
                                                      author: author)
            } else {
                let bytes = try Array(Data(contentsOf: upload.url))
                extracted = try HandOver.extract(kind, bytes: bytes, author: author, options: options)
            }
            let submission = try await submissionDesk.submit(extracted, kind: kind, sourceName: upload.filename,
                                                              to: feed, by: principal)
            var view = try await view(submission)
            view.warnings = extracted.warnings.isEmpty ? nil : Array(extracted.warnings.prefix(200))
            view.victim_identifiers_found = extracted.victimIdentifiers.count
            return try Self.json(view, status: .created)
        } catch let error as ExtractionError {
            throw HubError.unprocessable(error.description)
        } catch let error as IntakeError where error.kind == .malformed {
            // What was extracted from a well-formed upload cannot be stored: 422, not a bad request.
            throw HubError.unprocessable(error.description)
        }
    }

    /// `GET /api/v1/submissions/{id}/preview`: exactly what an anonymised release to all members
    /// would share, and what would stay held. The provider's users and hub staff may ask (analysts
    /// prepare proposals); anyone else gets 404.
    func preview(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let id = try context.parameters.require("id")
        let preview = try await desk.preview(submissionID: id, by: principal)
        let body = JSONValue.object(JSONObject([
            ("submission", .string(id)),
            ("anonymized_preview", preview.bundle),
            ("withheld", .array(preview.withheld.map { .string($0) })),
            ("blocked", preview.blocked.map { .string($0) } ?? .null),
        ]))
        return Response(status: .ok, headers: [.contentType: "application/json"],
                        body: .init(byteBuffer: ByteBuffer(bytes: body.serialized())))
    }

    /// `GET /api/v1/samples/{sha256}`: the sample in a zip protected with the password `infected`,
    /// for whoever may read a `file` object of it (the provider, hub staff, and recipients of a
    /// release that carried it). Every download is audited.
    func downloadSample(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let sha256 = try context.parameters.require("sha256").lowercased()
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit) else {
            throw HubError.invalid("A sample is named by its SHA-256 (64 hex digits).")
        }
        guard let vault = submissionDesk.vault,
              let visible = try await visibleSample(sha256, for: principal),
              try vault.contains(sha256: sha256) else {
            throw HubError.notFound("There is no sample \(sha256) for you.")
        }
        let (reference, visibleName) = visible
        let name = (visibleName?.isEmpty == false ? visibleName! : sha256)
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\\", with: "_")
        var zip = Data()
        do {
            let entry = InfectedZip.Entry(name: name) { emit in try vault.read(sha256: sha256, into: emit) }
            try InfectedZip.write(entries: [entry]) { chunk in zip.append(chunk) }
        } catch {
            throw HubError.unavailable("The vault could not read sample \(sha256).")
        }
        try await store.appendAudit([AuditEvent(action: .download, actorUserID: principal.user.id,
                                                actorOrganizationID: principal.organization.id,
                                                subject: reference.submissionID,
                                                details: ["sample": sha256, "object": reference.fileObjectID])])
        var headers: HTTPFields = [.contentType: "application/zip"]
        headers[.contentDisposition] = "attachment; filename=\"\(sha256).zip\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: zip)))
    }

    /// The reference of a submission that brought the sample and whose `file` object the principal
    /// may read, with the name that object gives it (the policy engine's `readableSample`, which the
    /// portal's specimen page asks too).
    func visibleSample(_ sha256: String, for principal: Principal) async throws -> (SampleReference, String?)? {
        try await policy.readableSample(sha256: sha256, for: principal).map { ($0.reference, $0.name) }
    }

    /// `GET /api/v1/observations?feed=F&from=T&to=T[&source=IP]`: the hourly `observed-data` whose
    /// hour starts in [from, to), as a STIX bundle, only what the principal may read.
    func observations(_ request: Request, _ context: HubRequestContext) async throws -> Response {
        let principal = try context.requirePrincipal()
        let query = request.uri.queryParameters
        guard let feedName = query["feed"].map(String.init), !feedName.isEmpty else {
            throw HubError.invalid("Name the feed: feed=NAME.")
        }
        let feed = try await readableFeed(named: feedName, for: principal)
        func time(_ key: Substring) throws -> Int64? {
            guard let text = query[key].map(String.init) else { return nil }
            guard let stamp = STIXTimestamp(text) else {
                throw HubError.invalid("\(key) must be an RFC 3339 UTC time such as 2026-11-23T00:00:00Z.")
            }
            return stamp.microsecondsSinceEpoch
        }
        let from = try time("from") ?? 0
        let to = try time("to") ?? Int64.max
        guard let reader = try await policy.reader(for: principal, feed: feed, purpose: .api, ledger: ledger) else {
            throw HubError.forbidden("You may not read feed \(feed.name).")
        }
        // The first 1,000 hours' records the principal may read (the limit counts only those).
        let ids = try await reader.observationObjectIDs(fromMicroseconds: from, toMicroseconds: to,
                                                        source: query["source"].map(String.init), limit: 1000)
        var objects: [StoredObject] = []
        if !ids.isEmpty {
            objects = try await reader.page(ObjectQuery(feedID: feed.id, ids: ids, versions: .every, limit: 5000)).objects
            // The observables the observed-data refer to.
            var referenced: [String] = []
            for object in objects {
                let value = try? JSONParser.parse(Array(object.bytes))
                referenced += value?["object_refs"]?.arrayValue?.compactMap(\.stringValue) ?? []
            }
            if !referenced.isEmpty {
                let refs = ObjectQuery(feedID: feed.id, ids: Array(Set(referenced)), versions: .every, limit: 5000)
                objects += try await reader.page(refs).objects
            }
        }
        var body: [UInt8] = Array(#"{"type":"bundle","id":"bundle--"#.utf8) + Array(UUID().uuidString.lowercased().utf8)
            + Array(#"","objects":["#.utf8)
        for (index, object) in objects.enumerated() {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            body += object.bytes
        }
        body += Array("]}".utf8)
        return Response(status: .ok, headers: [.contentType: "application/json"], body: .init(byteBuffer: ByteBuffer(bytes: body)))
    }

}

/// An upload received to a temporary file: the `file` part of multipart/form-data, or the raw body.
struct UploadedFile {
    let url: URL
    let filename: String?

    func remove() { try? FileManager.default.removeItem(at: url) }

    static func receive(_ request: Request, limit: Int) async throws -> UploadedFile {
        if let length = request.headers[.contentLength].flatMap(Int.init), length > limit + 64 * 1024 {
            throw HubError.tooLarge("The upload has \(length) bytes; at most \(limit) are accepted.")
        }
        let url = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-upload-\(UUID().uuidString)")
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]),
              let handle = try? FileHandle(forWritingTo: url) else {
            throw HubError.unavailable("Could not create a temporary file.")
        }
        let contentType = request.headers[.contentType] ?? ""
        let sink = UploadSink(handle: handle, limit: limit)
        do {
            if contentType.lowercased().hasPrefix("multipart/form-data") {
                guard let boundary = Self.boundary(in: contentType) else {
                    throw HubError.invalid("multipart/form-data without a boundary.")
                }
                let parser = MultipartParser(boundary: boundary)
                var headers: [String: String] = [:]
                parser.onHeader = { name, value in headers[name.lowercased()] = value }
                parser.onBody = { buffer in
                    if Self.fieldName(headers["content-disposition"]) == "file" { sink.write(buffer) }
                }
                parser.onPartComplete = {
                    if Self.fieldName(headers["content-disposition"]) == "file" {
                        sink.sawFile = true
                        sink.filename = Self.parameter("filename", in: headers["content-disposition"])
                    }
                    headers = [:]
                }
                for try await buffer in request.body {
                    try parser.execute(buffer)
                    if let error = sink.error { throw error }
                }
                guard sink.sawFile else { throw HubError.invalid("The form has no part named \"file\".") }
            } else {
                for try await buffer in request.body {
                    sink.write(buffer)
                    if let error = sink.error { throw error }
                }
            }
            try handle.synchronize()
            try handle.close()
        } catch let error as HubError {
            try? handle.close(); try? FileManager.default.removeItem(at: url)
            throw error
        } catch {
            try? handle.close(); try? FileManager.default.removeItem(at: url)
            throw HubError.invalid("The upload could not be read: \(error)")
        }
        guard sink.written > 0 else {
            try? FileManager.default.removeItem(at: url)
            throw HubError.invalid("The upload is empty.")
        }
        return UploadedFile(url: url, filename: sink.filename)
    }

    static func boundary(in contentType: String) -> String? { parameter("boundary", in: contentType) }

    static func fieldName(_ disposition: String?) -> String? { parameter("name", in: disposition) }

    /// A `key=value` or `key="value"` parameter of a header value.
    static func parameter(_ key: String, in value: String?) -> String? { HeaderParameters.value(of: key, in: value) }
}

/// Where upload bytes go: a file, counted against the limit.
final class UploadSink: @unchecked Sendable {
    let handle: FileHandle
    let limit: Int
    var written = 0
    var sawFile = false
    var filename: String?
    var error: HubError?

    init(handle: FileHandle, limit: Int) { self.handle = handle; self.limit = limit }

    func write(_ buffer: ByteBuffer) {
        guard error == nil else { return }
        written += buffer.readableBytes
        if written > limit {
            error = HubError.tooLarge("At most \(limit) bytes are accepted.")
            return
        }
        buffer.withUnsafeReadableBytes { handle.write(Data($0)) }
    }
}
