// IncomingStream: what a store reads from it, by blocking (its own writer thread) or by awaiting
// (the default `append(_:to:countingReports:)` of a store that cannot write while objects arrive).
import Foundation
import Storage
import Testing

@Suite("Incoming stream")
struct IncomingStreamTests {
    let submission = Submission(feedID: "feed", organizationID: "org", userID: nil, requestTimestamp: "2026-11-23T00:00:00Z")

    @Test("collected: every batch in order, observables merged before the extras' own, after a slow producer")
    func collectsEverything() async throws {
        let stream = IncomingStream(for: submission)
        let objects = (1...5).map { ipv4(uuid($0), value: "192.0.2.\($0)") }
        let submission = self.submission
        let producer = Task {
            stream.send(Array(objects[0..<2]), observables: ["ipv4-addr:192.0.2.1"])
            try await Task.sleep(for: .milliseconds(20))
            stream.send(Array(objects[2...]), observables: ["ipv4-addr:192.0.2.3"])
            var extras = SubmissionExtras()
            extras.observableKeys = ["domain-name:example.jp"]
            stream.finish(recording: submission, extras: extras)
        }
        let collected = try #require(await stream.collected())
        try await producer.value
        #expect(collected.objects.map(\.stixID) == objects.map(\.stixID))
        #expect(collected.submission.id == submission.id)
        #expect(collected.extras?.observableKeys == ["ipv4-addr:192.0.2.1", "ipv4-addr:192.0.2.3", "domain-name:example.jp"])
    }

    @Test("next: a writer thread blocks until the next batch; after abandon it is told to write nothing")
    func blockingReaderSeesAbandon() async throws {
        let stream = IncomingStream(for: submission)
        // A thread of its own, as a store's writer is (next() must not block a Swift concurrency thread).
        let seen = AsyncStream<[String]> { continuation in
            Thread.detachNewThread {
                var kinds: [String] = []
                reading: while true {
                    switch stream.next() {
                    case .objects(let objects, _): kinds.append("objects:\(objects.count)")
                    case .end: kinds.append("end"); break reading
                    case .abandoned: kinds.append("abandoned"); break reading
                    }
                }
                continuation.yield(kinds)
                continuation.finish()
            }
        }
        stream.send([ipv4(uuid(1), value: "192.0.2.1")])
        try await Task.sleep(for: .milliseconds(20))
        stream.abandon()
        stream.finish(recording: submission, extras: nil)  // no effect once abandoned
        var reader = seen.makeAsyncIterator()
        #expect(await reader.next() == ["objects:1", "abandoned"])

        let abandoned = IncomingStream(for: submission)
        abandoned.send([ipv4(uuid(2), value: "192.0.2.2")])
        abandoned.abandon()
        #expect(await abandoned.collected() == nil)
    }
}
