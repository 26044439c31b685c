// The stored outcome of a submission: written directly (not by JSONEncoder), read back by JSONDecoder.
import Foundation
@testable import SQLiteStorage
import Storage
import Testing

@Suite("Stored submission outcomes")
struct SubmissionOutcomeTests {
    @Test("every member, absent members and text needing escapes read back equal")
    func roundTrip() throws {
        let outcome = SQLiteHubStore.SubmissionOutcome(
            successes: [
                ObjectOutcome(id: "indicator--00000000-0000-4000-8000-000000000001", version: "2025-01-01T00:00:00.000Z",
                              message: nil, tlp: "amber+strict", pap: "red"),
                ObjectOutcome(id: "ipv4-addr--00000000-0000-4000-8000-000000000002", version: nil,
                              message: "this version was already in the collection; stored once"),
            ],
            failures: [
                ObjectOutcome(id: nil, version: nil, message: "\"id\" is missing\n\tline 2 \\ 「日本語」 \u{1}"),
                ObjectOutcome(id: nil, version: nil, message: nil),
            ],
            pendings: [])
        let data = SQLiteHubStore.outcomeJSON(outcome)
        let decoded = try JSONDecoder().decode(SQLiteHubStore.SubmissionOutcome.self, from: data)
        #expect(decoded.successes == outcome.successes)
        #expect(decoded.failures == outcome.failures)
        #expect(decoded.pendings.isEmpty)
        #expect(try JSONSerialization.jsonObject(with: data) is [String: Any])
        let text = String(decoding: data, as: UTF8.self)
        #expect(text.hasPrefix(#"{"successes":[{"id":"indicator--"#))
        #expect(text.contains(#"{"message":"this version"#) == false)  // the id comes first when present
        #expect(text.contains(#"{},"#) || text.contains(#"{}]"#))         // an outcome with no members
    }
}
