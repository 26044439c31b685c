// Named-object reads on the SQLite store's inline readers: many at once (more than there are
// inline connections, so some go through the pool) while a writer adds versions, each answered with
// its own object, and every read after a commit sees that commit.
import Foundation
@testable import SQLiteStorage
@_spi(ReadGate) import Storage
import Testing

@Suite("SQLite inline reads of named objects")
struct InlineReadTests {
    let directory = FileManager.default.temporaryDirectory
        .appendingPathComponent("kakehashi-inline-\(UUID().uuidString)", isDirectory: true)

    @Test("concurrent named reads during writes: each gets its own object, and reads after a commit see it")
    func concurrentNamedReads() async throws {
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let store = try SQLiteHubStore(path: directory.appendingPathComponent("hub.sqlite").path,
                                       auditKey: directory.appendingPathComponent("audit.key"),
                                       auditHead: directory.appendingPathComponent("audit.head"))
        let feed = try await store.createFeed(Feed(name: "Default", title: "Default"))
        let reader = Audience.organization("org")
        let first = (0..<40).map { indicator(uuid(100 + $0), modified: "2025-02-01T00:00:00.000Z") }
        let second = (0..<40).map { indicator(uuid(100 + $0), modified: "2025-03-01T00:00:00.000Z") }
        _ = try await store.append(first, to: feed.id, recording: submission(for: first, feed: feed))

        // 400 reads from 48 tasks at once while the newer versions are written one by one.
        let problems = try await withThrowingTaskGroup(of: [String].self) { group in
            group.addTask {
                for object in second {
                    _ = try await store.append([object], to: feed.id, recording: submission(for: [object], feed: feed))
                }
                return []
            }
            for task in 0..<48 {
                group.addTask {
                    var problems: [String] = []
                    for round in 0..<9 {
                        let wanted = first[(task * 9 + round) % first.count]
                        let page = try await store.objects(ObjectQuery(feedID: feed.id, ids: [wanted.stixID]), for: ReadScope(audiences: [reader: 0]))
                        let versions = page.objects.map(\.version)
                        if page.objects.map(\.stixID) != [wanted.stixID]
                            || !(versions == ["2025-02-01T00:00:00.000Z"] || versions == ["2025-03-01T00:00:00.000Z"]) {
                            problems.append("\(wanted.stixID): \(page.objects.map { "\($0.stixID)@\($0.version)" })")
                        }
                    }
                    return problems
                }
            }
            var all: [String] = []
            for try await found in group { all += found }
            return all
        }
        #expect(problems.isEmpty, "\(problems.prefix(5))")

        // Every read after the writes sees the newer version, whichever connection answers it.
        for object in second {
            let page = try await store.objects(ObjectQuery(feedID: feed.id, ids: [object.stixID]), for: ReadScope(audiences: [reader: 0]))
            #expect(page.objects.map(\.version) == [object.version ?? ""])
            #expect(page.objects.first.map { Array($0.bytes) } == object.bytes)
        }
    }
}
