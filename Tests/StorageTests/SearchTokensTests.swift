// The search tokeniser's fast path: all-ASCII text is split without Foundation's normalisation, and
// must give exactly the runs the normalising path gives (property-checked on generated ASCII text,
// words longer than the cut, every punctuation byte).
import Foundation
import HubTesting
@testable import Storage
import Testing

@Suite struct SearchTokensTests {
    @Test("ASCII text splits into the same runs as through NFKC normalisation")
    func asciiFastPathMatchesNormalisation() {
        var generator = SeededGenerator(seed: 2026)
        let alphabet = Array((0..<128).map { UInt8($0) })
        for round in 0..<2_000 {
            let length = Int(generator.next() % 120)
            var bytes: [UInt8] = []
            for _ in 0..<length {
                // Mostly letters and digits so that words form, with every other byte in between.
                let pick = generator.next() % 10
                if pick < 7 {
                    let letters = Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789".utf8)
                    bytes.append(letters[Int(generator.next() % UInt64(letters.count))])
                } else {
                    bytes.append(alphabet[Int(generator.next() % 128)])
                }
            }
            let text = String(decoding: bytes, as: UTF8.self)
            #expect(SearchTokens.asciiRuns(text) == SearchTokens.normalisedRuns(text), "round \(round): \(bytes)")
        }
        let long = String(repeating: "Ab9", count: 40) + " tail"
        #expect(SearchTokens.asciiRuns(long) == SearchTokens.normalisedRuns(long))
        #expect(SearchTokens.asciiRuns("") == [])
    }

    @Test("Japanese text that NFKC leaves as it is splits as Foundation's NFKC would split it")
    func stableJapaneseMatchesFoundation() {
        var generator = SeededGenerator(seed: 808)
        // Hiragana, katakana (with ヷ–ヺ), ー, ideographs, 、。々「」『』, ASCII, and a few that are
        // not stable (half-width katakana, ゛, a combining voiced mark, full-width Latin, Ⅻ).
        let pools: [ClosedRange<UInt32>] = [0x3041...0x3096, 0x30A1...0x30FA, 0x30FC...0x30FC, 0x4E00...0x9FFF,
                                            0x3001...0x3002, 0x3005...0x3005, 0x300C...0x300F, 0x20...0x7E]
        let unstable: [UInt32] = [0xFF76, 0xFF9E, 0x309B, 0x3099, 0xFF21, 0x216B, 0xFA0E]
        for round in 0..<1_000 {
            var scalars = String.UnicodeScalarView()
            for _ in 0..<Int(generator.next() % 40) {
                let pool = pools[Int(generator.next() % UInt64(pools.count))]
                scalars.append(Unicode.Scalar(pool.lowerBound + UInt32(generator.next() % UInt64(pool.count)))!)
            }
            if round % 5 == 0 { scalars.append(Unicode.Scalar(unstable[Int(generator.next() % UInt64(unstable.count))])!) }
            let text = String(scalars)
            #expect(SearchTokens.normalisedRuns(text) == SearchTokens.runs(folded: SearchTokens.foldedByFoundation(text)),
                    "round \(round): \(text.unicodeScalars.map { String($0.value, radix: 16) })")
        }
    }

    @Test("text with any non-ASCII character takes the normalising path")
    func nonASCIIIsNormalised() {
        #expect(SearchTokens.asciiRuns("ＡＰＴ２９") == nil)
        #expect(SearchTokens.of("ＡＰＴ２９ ｶﾀｶﾅ") == ["apt29", "カタ", "タカ", "カナ", "ナ"])
        #expect(SearchTokens.of("東京電力へのEmotet") == ["東京", "京電", "電力", "力へ", "への", "の", "emotet"])
        #expect(SearchTokens.of("Emotet loader: C2 at gate.php") == ["emotet", "loader", "c2", "at", "gate", "php"])
    }
}
