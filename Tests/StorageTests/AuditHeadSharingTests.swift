// The audit head file shared by several writers: two `AuditHeadFile`s on one file behave as two
// instances of a hub on one data directory do (each its own queue and lock; they meet only in the
// file system), and the file must end on the newest head, never an older or a torn one.
import Foundation
import Storage
import Testing

@Suite("Audit head file shared by two instances")
struct AuditHeadSharingTests {
    @Test("two writers racing on one audit.head leave the newest head, readable, every round")
    func racingWriters() async throws {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("kakehashi-head-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let seal = try AuditSeal.loadOrCreate(at: directory.appendingPathComponent("audit.key"))
        let url = directory.appendingPathComponent("audit.head")
        let one = AuditHeadFile(url: url), two = AuditHeadFile(url: url)
        var sequence: Int64 = 0
        for _ in 0..<300 {
            // Instance one commits an entry, then instance two the next one; both record at once, and
            // instance one's older head may reach the file system last.
            let older = AuditHead(sequence: sequence + 1, hash: String(repeating: "a", count: 64), seal: seal)
            let newer = AuditHead(sequence: sequence + 2, hash: String(repeating: "b", count: 64), seal: seal)
            sequence += 2
            await withTaskGroup(of: Void.self) { group in
                group.addTask { two.record(newer) }
                group.addTask { one.record(older) }
            }
            await one.written()
            await two.written()
            let recorded = try #require(try AuditHead.read(from: url))
            #expect(recorded == newer, "round ending at \(sequence): the file holds entry \(recorded.sequence)")
            #expect(recorded.isSealed(by: seal))
            if recorded != newer { break }
        }
        // A head the file is already past is not written.
        one.record(AuditHead(sequence: 1, hash: String(repeating: "c", count: 64), seal: seal))
        await one.written()
        #expect(try AuditHead.read(from: url)?.sequence == sequence)
    }
}
