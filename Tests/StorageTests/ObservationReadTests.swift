// Observation ranges read for one reader: the hours' records another organisation holds do not count
// towards the limit, so a reader is never answered "nothing" while records it may read exist later in
// the range (they were cut to 1,000 ids before the reader's audiences were applied).
import Foundation
import STIX
@testable import SQLiteStorage
@_spi(ReadGate) import Storage
import Testing

@Suite("Observation ranges for one reader")
struct ObservationReadTests {
    static let hour: Int64 = 3_600_000_000
    static let start: Int64 = 1_798_000_000_000_000

    func observed(_ n: Int) -> (IncomingObject, ObservationHour) {
        let id = "observed-data--\(uuid(n))"
        let json = """
        {"type":"observed-data","spec_version":"2.1","id":"\(id)","created":"2026-12-01T00:00:00.000Z",\
        "modified":"2026-12-01T00:00:00.000Z","first_observed":"2026-12-01T00:00:00Z",\
        "last_observed":"2026-12-01T00:59:59Z","number_observed":1,"object_refs":["ipv4-addr--\(uuid(n))"]}
        """
        let object = IncomingObject(stixID: id, type: "observed-data", specVersion: "2.1",
                                    version: "2026-12-01T00:00:00.000Z",
                                    versionMicroseconds: STIXTimestamp("2026-12-01T00:00:00.000Z")!.microsecondsSinceEpoch,
                                    bytes: Array(json.utf8))
        return (object, ObservationHour(hourStartMicroseconds: Self.start + Int64(n) * Self.hour, source: "sensor-1",
                                        stixID: id))
    }

    @Test("records held by another organisation do not use up the reader's 1,000", arguments: Backend.underTest)
    func heldRecordsDoNotCount(_ backend: Backend) async throws {
        let hub = try await backend.makeHub(); defer { hub.remove() }
        let store = hub.store
        let feed = try await store.createFeed(Feed(name: "Darknet", title: "Darknet"))
        // 1,200 hours that organisation "held" keeps to itself, then three of the reader's own.
        let held = (0..<1_200).map(observed)
        _ = try await store.append(held.map(\.0), to: feed.id, recording: submission(for: held.map(\.0), feed: feed, org: "held"),
                                   extras: SubmissionExtras(observationHours: held.map(\.1)))
        let own = (1_300..<1_303).map(observed)
        _ = try await store.append(own.map(\.0), to: feed.id, recording: submission(for: own.map(\.0), feed: feed, org: "reader"),
                                   extras: SubmissionExtras(observationHours: own.map(\.1)))

        let reader = ReadScope(audiences: [Audience.organization("reader"): 0, Audience.allMembers: 0])
        let ids = try await store.observationObjectIDs(feedID: feed.id, fromMicroseconds: 0, toMicroseconds: .max,
                                                       source: nil, limit: 1_000, for: reader)
        #expect(ids == own.map(\.0.stixID))
        // The limit still holds, in time order, and a range narrows it.
        let two = try await store.observationObjectIDs(feedID: feed.id, fromMicroseconds: 0, toMicroseconds: .max,
                                                       source: nil, limit: 2, for: reader)
        #expect(two == own.prefix(2).map(\.0.stixID))
        let late = try await store.observationObjectIDs(feedID: feed.id, fromMicroseconds: Self.start + 1_301 * Self.hour,
                                                        toMicroseconds: .max, source: "sensor-1", limit: 1_000, for: reader)
        #expect(late == own.suffix(2).map(\.0.stixID))
        // The holder reads its own; the hub's own read sees the first 1,000 of everything.
        let holder = ReadScope(audiences: [Audience.organization("held"): 0])
        #expect(try await store.observationObjectIDs(feedID: feed.id, fromMicroseconds: 0, toMicroseconds: .max,
                                                     source: nil, limit: 1_000, for: holder) == held.prefix(1_000).map(\.0.stixID))
        #expect(try await store.observationObjectIDs(feedID: feed.id, fromMicroseconds: 0, toMicroseconds: .max, source: nil,
                                                     limit: 1_000, for: .hub(.submissionProcessing)).count == 1_000)
    }
}
