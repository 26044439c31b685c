// The SQLite store's WAL checkpoints: commits that cross the checkpoint sizes, while the checkpoint
// thread is busy, are still reported as the successes they are.
import Foundation
@testable import SQLiteStorage
import Storage
import Testing

@Suite("SQLite WAL checkpoints")
struct WALCheckpointTests {
    @Test("every commit crossing both checkpoint sizes succeeds and is stored, while the thread checkpoints too")
    func commitsDuringCheckpoints() async throws {
        let directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-wal-\(UUID().uuidString)", isDirectory: true)
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        // Small sizes: each commit hands a checkpoint to the thread, and once the log holds more
        // than about two commits the committing connection checkpoints too, while the thread is
        // still copying: the two meet (SQLITE_BUSY for one of them) again and again.
        let store = try SQLiteHubStore(path: directory.appendingPathComponent("hub.sqlite").path,
                                       auditKey: directory.appendingPathComponent("audit.key"),
                                       auditHead: directory.appendingPathComponent("audit.head"),
                                       checkpoints: (background: 1, writer: 400))
        let feed = try await store.createFeed(Feed(name: "Default", title: "Default"))
        var stored = 0
        for batch in 0..<60 {
            let objects = (0..<50).map { indicator(uuid(batch * 100 + $0), modified: "2025-02-01T00:00:00.000Z") }
            let results = try await store.append(objects, to: feed.id, recording: submission(for: objects, feed: feed))
            stored += results.filter { if case .stored = $0 { true } else { false } }.count
        }
        #expect(stored == 3_000)
        #expect(try await store.objectCount(feedID: feed.id) == 3_000)
    }
}
