// TAXII 2.1 resources as JSON: discovery, API root, collection, manifest record and status
// (TAXII 2.1 sections 4.1, 4.2, 4.3, 5.1, 5.3).
import Hummingbird
import STIX
import Storage

struct DiscoveryResource: Encodable {
    let title: String
    let description: String
    let contact: String?
    let `default`: String
    let api_roots: [String]
}

struct APIRootResource: Encodable {
    let title: String
    let description: String
    let versions: [String]
    let max_content_length: Int
}

struct CollectionResource: Encodable {
    let id: String
    let title: String
    let description: String?
    let alias: String
    let can_read: Bool
    let can_write: Bool
    let media_types: [String]
    /// The feed's severity (urgent, important, normal, info): a TAXII 2.1 custom property.
    let x_kakehashi_severity: String

    init(feed: Feed, canRead: Bool, canWrite: Bool) {
        id = feed.id; title = feed.title; description = feed.description; alias = feed.name
        can_read = canRead; can_write = canWrite; media_types = [MediaType.stix]
        x_kakehashi_severity = feed.severity.rawValue
    }
}

struct CollectionsResource: Encodable {
    let collections: [CollectionResource]
}

struct ManifestRecord: Encodable {
    let id: String
    let date_added: String
    let version: String
    let media_type: String
}

struct ManifestResource: Encodable {
    let more: Bool
    let next: String?
    let objects: [ManifestRecord]
}

struct VersionsResource: Encodable {
    let more: Bool
    let next: String?
    let versions: [String]
}

struct StatusDetail: Encodable {
    let id: String
    let version: String
    let message: String?
}

extension StatusResource {
    /// The resource as JSON, written directly (a status can list thousands of objects, and
    /// JSONEncoder was a measurable part of every POST).
    var json: ByteBuffer {
        var out: [UInt8] = []
        out.reserveCapacity(110 * (successes.count + failures.count + pendings.count) + 256)
        func name(_ text: String) {
            JSONWriter.writeString(text, into: &out)
            out.append(UInt8(ascii: ":"))
        }
        func details(_ list: [StatusDetail]) {
            out.append(UInt8(ascii: "["))
            for (index, detail) in list.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out.append(contentsOf: #"{"id":"#.utf8)
                JSONWriter.writeString(detail.id, into: &out)
                out.append(contentsOf: #","version":"#.utf8)
                JSONWriter.writeString(detail.version, into: &out)
                if let message = detail.message {
                    out.append(contentsOf: #","message":"#.utf8)
                    JSONWriter.writeString(message, into: &out)
                }
                out.append(UInt8(ascii: "}"))
            }
            out.append(UInt8(ascii: "]"))
        }
        out.append(UInt8(ascii: "{"))
        name("id"); JSONWriter.writeString(id, into: &out)
        out.append(UInt8(ascii: ",")); name("status"); JSONWriter.writeString(status, into: &out)
        out.append(UInt8(ascii: ",")); name("request_timestamp"); JSONWriter.writeString(request_timestamp, into: &out)
        out.append(UInt8(ascii: ",")); name("total_count"); out.append(contentsOf: String(total_count).utf8)
        out.append(UInt8(ascii: ",")); name("success_count"); out.append(contentsOf: String(success_count).utf8)
        out.append(UInt8(ascii: ",")); name("successes"); details(successes)
        out.append(UInt8(ascii: ",")); name("failure_count"); out.append(contentsOf: String(failure_count).utf8)
        out.append(UInt8(ascii: ",")); name("failures"); details(failures)
        out.append(UInt8(ascii: ",")); name("pending_count"); out.append(contentsOf: String(pending_count).utf8)
        out.append(UInt8(ascii: ",")); name("pendings"); details(pendings)
        out.append(UInt8(ascii: "}"))
        return ByteBuffer(bytes: out)
    }
}

struct StatusResource: Encodable {
    let id: String
    let status: String
    let request_timestamp: String
    let total_count: Int
    let success_count: Int
    let successes: [StatusDetail]
    let failure_count: Int
    let failures: [StatusDetail]
    let pending_count: Int
    let pendings: [StatusDetail]

    init(_ submission: Submission) {
        func details(_ outcomes: [ObjectOutcome]) -> [StatusDetail] {
            outcomes.map { StatusDetail(id: $0.id ?? "", version: $0.version ?? "", message: $0.message) }
        }
        id = submission.id
        status = submission.pendings.isEmpty ? "complete" : "pending"
        request_timestamp = submission.requestTimestamp
        total_count = submission.totalCount
        success_count = submission.successes.count
        successes = details(submission.successes)
        failure_count = submission.failures.count
        failures = details(submission.failures)
        pending_count = submission.pendings.count
        pendings = details(submission.pendings)
    }
}
