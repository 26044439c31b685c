// Fixtures for the shared store suite: every HubStore back end runs the same tests.
import Foundation
import HubTesting
import SQLiteStorage
import STIX
import Storage

/// The back ends under test. PostgreSQL joins this list when it exists.
enum Backend: String, CaseIterable, CustomStringConvertible {
    case sqlite
    var description: String { rawValue }

    func makeHub() async throws -> TestHub { try await TestHub.make() }
}

/// An indicator version as a submitted object would arrive (bytes with odd spacing and Japanese text).
func indicator(_ uuid: String, modified: String, name: String = "C2サーバ indicator") -> IncomingObject {
    let id = "indicator--\(uuid)"
    let json = """
    {"type": "indicator",  "spec_version":"2.1","id":"\(id)","created":"2025-01-01T00:00:00.000Z",\
    "modified":"\(modified)","name":"\(name)","pattern":"[ipv4-addr:value = '198.51.100.7']",\
    "pattern_type":"stix","valid_from":"2025-01-01T00:00:00Z","x_kakehashi_note":"保持"}
    """
    return IncomingObject(stixID: id, type: "indicator", specVersion: "2.1", version: modified,
                          versionMicroseconds: STIXTimestamp(modified)!.microsecondsSinceEpoch, bytes: Array(json.utf8))
}

/// An SCO without a version.
func ipv4(_ uuid: String, value: String) -> IncomingObject {
    let id = "ipv4-addr--\(uuid)"
    let json = "{\"type\":\"ipv4-addr\",\"spec_version\":\"2.1\",\"id\":\"\(id)\",\"value\":\"\(value)\"}"
    return IncomingObject(stixID: id, type: "ipv4-addr", specVersion: "2.1", version: nil,
                          versionMicroseconds: nil, bytes: Array(json.utf8))
}

func uuid(_ n: Int) -> String {
    String(format: "00000000-0000-4000-8000-%012d", n)
}

func submission(for objects: [IncomingObject], feed: Feed, org: String = "org") -> Submission {
    Submission(feedID: feed.id, organizationID: org, userID: nil, requestTimestamp: "2026-11-23T00:00:00Z",
               successes: objects.map { ObjectOutcome(id: $0.stixID, version: $0.version, message: nil) })
}
