// WebPortal object and specimen pages: one STIX object as its reader may see it (name, description,
// pattern, TLP and PAP, relationships to objects the reader may also read, sightings counts), and a
// specimen (検体) with its `infected` zip download. Unknown and unreadable are the same 404 page.
import Accounts
import Consent
import Foundation
import Hummingbird
import SharingPolicy
import Specimens
import STIX
import Storage

enum ObjectArea: PortalArea {
    struct Related: Sendable {
        let relationship: String
        let id: String
        let name: String
        let type: String
    }

    struct Model: Sendable {
        let summary: ObjectSummary
        let description: String?
        let pattern: String?
        let pap: MarkingBadge?
        let created: String?
        let modified: String?
        let feedName: String
        let related: [Related]
        let hasRelated: Bool
        let sightings: [String]
        let hasSightings: Bool
        let specimen: String?
        let json: String
    }

    struct SpecimenModel: Sendable {
        let sha256: String
        let name: String
        let size: String
        let download: String
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("objects/{id}") { page in try await object(page) }
        routes.page("specimens/{sha256}") { page in try await specimen(page) }
        routes.page("specimens/{sha256}/download") { page in try await download(page) }
    }

    static func object(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        var lookup = ObjectLookup(principal: reader.principal, environment: page.environment)
        guard let object = try await lookup.object(id: try page.parameter("id")),
              let feedReader = try await lookup.reader(feedID: object.feedID) else { throw PortalError.notFound }
        let json = (try? JSONParser.parse(Array(object.bytes))) ?? .null
        let feed = try await page.environment.store.feed(id: object.feedID)
        let related = try await relationships(of: object, reader: feedReader)
        let sightings = try await sightingLines(of: object, page: page, principal: reader.principal)
        var specimen: String?
        if object.type == "file", let sha = json["hashes"]?["SHA-256"]?.stringValue?.lowercased(),
           try await page.environment.policy.readableSample(sha256: sha, for: reader.principal) != nil {
            specimen = "/portal/specimens/\(sha)"
        }
        let model = Model(summary: ObjectSummary(object, page: page),
                          description: json["description"]?.stringValue, pattern: json["pattern"]?.stringValue,
                          pap: try await pap(of: json, reader: feedReader, feedID: object.feedID),
                          created: stamp(json["created"]?.stringValue, page), modified: stamp(json["modified"]?.stringValue, page),
                          feedName: feed.map { $0.title.isEmpty ? $0.name : $0.title } ?? "",
                          related: related, hasRelated: !related.isEmpty,
                          sightings: sightings, hasSightings: !sightings.isEmpty, specimen: specimen,
                          json: pretty(object.bytes))
        return try page.render("object", title: "object_title", model)
    }

    /// A STIX timestamp in the reader's zone (the text as given when it does not parse).
    static func stamp(_ text: String?, _ page: PortalPage) -> String? {
        guard let text else { return nil }
        guard let stamp = STIXTimestamp(text) else { return text }
        return page.date(microseconds: stamp.microsecondsSinceEpoch)
    }

    /// The object's JSON indented for reading (the stored bytes when they do not re-parse).
    static func pretty(_ bytes: Data) -> String {
        guard let value = try? JSONSerialization.jsonObject(with: bytes),
              let data = try? JSONSerialization.data(withJSONObject: value,
                                                     options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes])
        else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }

    /// Relationships of the object's submission that name it, to objects this reader may read too.
    static func relationships(of object: StoredObject, reader: FeedReader) async throws -> [Related] {
        var query = ObjectQuery(feedID: object.feedID, types: ["relationship"], limit: 500, submissionID: object.submissionID)
        // An original's relationships are its submission's originals: one run of positions, read as
        // such (by the submission id alone, SQLite has no index and would walk the whole feed). A
        // released copy's are the copies its release made.
        query.includeReleasedCopies = object.releaseID != nil
        var related: [Related] = []
        for relationship in try await reader.page(query).objects {
            guard let json = try? JSONParser.parse(Array(relationship.bytes)),
                  let source = json["source_ref"]?.stringValue, let target = json["target_ref"]?.stringValue,
                  source == object.stixID || target == object.stixID else { continue }
            let other = source == object.stixID ? target : source
            guard let found = try await reader.page(ObjectQuery(feedID: object.feedID, ids: [other], limit: 1)).objects.first
            else { continue }
            let otherJSON = (try? JSONParser.parse(Array(found.bytes))) ?? .null
            let verb = json["relationship_type"]?.stringValue ?? "related-to"
            related.append(Related(relationship: source == object.stixID ? verb : "← " + verb, id: other,
                                   name: ObjectSummary.title(of: otherJSON) ?? other, type: found.type))
        }
        return related
    }

    /// "seen by 3 organisations in 2 sectors" lines for an indicator whose sightings the reader may read.
    static func sightingLines(of object: StoredObject, page: PortalPage, principal: Principal) async throws -> [String] {
        guard object.type == "indicator" else { return [] }
        let desk = SightingDesk(store: page.environment.store, policy: page.environment.policy, corroboration: nil)
        guard let summary = try? await desk.summary(indicatorID: object.stixID, for: principal) else { return [] }
        return summary.kinds.map { kind -> String in
            let name: String = page.text("sighting_kind_" + kind.kind.replacingOccurrences(of: "-", with: "_"))
            var line: String = page.text("object_sightings_line")
            line = line.replacingOccurrences(of: "{kind}", with: name)
            line = line.replacingOccurrences(of: "{count}", with: String(kind.count))
            line = line.replacingOccurrences(of: "{organizations}", with: String(kind.organizations))
            return line.replacingOccurrences(of: "{sectors}", with: String(kind.sectors))
        }
    }

    /// The PAP level of the first PAP marking definition the object names and the reader may read.
    static func pap(of json: JSONValue, reader: FeedReader, feedID: String) async throws -> MarkingBadge? {
        let refs = (json["object_marking_refs"]?.arrayValue ?? []).compactMap(\.stringValue)
            .filter { TLPMarking(id: $0) == nil }
        guard !refs.isEmpty else { return nil }
        let definitions = try await reader.page(ObjectQuery(feedID: feedID, ids: refs, limit: refs.count)).objects
        for definition in definitions {
            guard let value = try? JSONParser.parse(Array(definition.bytes)) else { continue }
            if let level = value["extensions"]?[papExtensionID]?["pap"]?.stringValue { return MarkingBadge.pap(level) }
            if let name = value["name"]?.stringValue, name.uppercased().hasPrefix("PAP:") {
                return MarkingBadge.pap(String(name.dropFirst(4)))
            }
        }
        return nil
    }

    /// The OASIS PAP property extension on marking definitions.
    static let papExtensionID = "extension-definition--f8d78575-edfd-406e-8e84-6162a8450f5b"

    // MARK: - Specimens

    static func readableSpecimen(_ page: PortalPage) async throws -> (sha256: String, sample: ReadableSample, vault: SampleVault) {
        let reader = try page.requireReader()
        let sha256 = try page.parameter("sha256").lowercased()
        guard sha256.count == 64, sha256.allSatisfy(\.isHexDigit), let vault = page.environment.vault,
              let sample = try await page.environment.policy.readableSample(sha256: sha256, for: reader.principal),
              try vault.contains(sha256: sha256) else { throw PortalError.notFound }
        return (sha256, sample, vault)
    }

    static func specimen(_ page: PortalPage) async throws -> Response {
        let (sha256, sample, _) = try await readableSpecimen(page)
        let model = SpecimenModel(sha256: sha256, name: sample.name ?? sha256,
                                  size: ByteCountFormatter.string(fromByteCount: sample.reference.size, countStyle: .file),
                                  download: "/portal/specimens/\(sha256)/download")
        return try page.render("specimen", title: "specimen_title", model)
    }

    /// The sample in a zip protected with the password `infected`; audited as the API's download is.
    static func download(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        let (sha256, sample, vault) = try await readableSpecimen(page)
        let name = (sample.name?.isEmpty == false ? sample.name! : sha256)
            .replacingOccurrences(of: "/", with: "_").replacingOccurrences(of: "\\", with: "_")
        var zip = Data()
        do {
            let entry = InfectedZip.Entry(name: name) { emit in try vault.read(sha256: sha256, into: emit) }
            try InfectedZip.write(entries: [entry]) { chunk in zip.append(chunk) }
        } catch {
            throw PortalError.unavailable
        }
        let principal = reader.principal
        try await page.environment.store.appendAudit([AuditEvent(
            action: .download, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: sample.reference.submissionID,
            details: ["sample": sha256, "object": sample.reference.fileObjectID, "via": "portal"])])
        var headers: HTTPFields = [.contentType: "application/zip"]
        headers[.contentDisposition] = "attachment; filename=\"\(sha256).zip\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(data: zip)))
    }
}
