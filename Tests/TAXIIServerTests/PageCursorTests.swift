// The `next` cursor: every position, listing start and date round-trips, whatever letters base 36 uses.
import Testing
@testable import TAXIIServer

@Suite("Page cursor")
struct PageCursorTests {
    @Test("tokens round-trip for small, large and letter-heavy positions")
    func roundTrip() throws {
        let positions: [Int64] = [0, 1, 35, 36, 1_295, 36_000, 1_000_000, 28 * 36 * 36 + 28, Int64.max / 2]
        for after in positions {
            for start in [Int64(0), after / 2, after] {
                let added: Int64 = 1_796_000_000_000_000 + after % 1_000
                let decoded = try PageCursor.decode(PageCursor.token(after: after, start: start, added: added))
                #expect(decoded.after == after && decoded.start == start && decoded.added == added, "\(after) \(start)")
            }
        }
    }

    @Test("tokens issued before they carried a date still resume by position")
    func withoutDate() throws {
        let decoded = try PageCursor.decode("p1z.0")
        #expect(decoded.after == 71 && decoded.start == 0 && decoded.added == nil)
    }

    @Test("tokens it did not issue are refused")
    func refused() {
        for token in ["", "p", "p.", "x1.0", "p1", "p1.2", "p-1.0", "pzz.zzz", "p1.0.0", "p1.0.-5", "p1.0.1.2", "p\u{1F600}.0"] {
            #expect(throws: (any Error).self, "\(token)") { _ = try PageCursor.decode(token) }
        }
    }
}
