// STIXPatterningTests — RobustnessTests: hostile input must give an error, never a crash or a hang:
// deep nesting, 1 MB inputs, odd Unicode, and randomly mutated patterns.

import Testing
import STIXPatterning

private func syntaxError(_ text: String) -> PatternSyntaxError? {
    do {
        _ = try STIXPattern.parse(text)
        return nil
    } catch {
        return error as? PatternSyntaxError
    }
}

private let oneMegabyte = 1 << 20

@Test func nestingUpToTheLimitIsAccepted() throws {
    // 255 parentheses plus the observation's bracket: 256 levels.
    let text = String(repeating: "(", count: 255) + "[a:b = 1]" + String(repeating: ")", count: 255)
    let p = try STIXPattern.parse(text)
    #expect(p.comparisons.count == 1)
    let inner = "[" + String(repeating: "(", count: 255) + "a:b = 1" + String(repeating: ")", count: 255) + "]"
    #expect(try STIXPattern.parse(inner).comparisons.count == 1)
}

@Test func observationNestingBeyondTheLimitIsAnError() {
    let text = String(repeating: "(", count: 257) + "[a:b = 1]" + String(repeating: ")", count: 257)
    let error = syntaxError(text)
    #expect(error?.message == "pattern nesting is deeper than the maximum of 256 levels")
    #expect(error?.offset == 256)
}

@Test func comparisonNestingBeyondTheLimitIsAnError() {
    let text = "[" + String(repeating: "(", count: 300) + "a:b = 1" + String(repeating: ")", count: 300) + "]"
    let error = syntaxError(text)
    #expect(error?.message.contains("nesting is deeper than the maximum") == true)
    #expect(error?.offset == 256)
}

@Test func longQualifierChainsCountAsNesting() {
    let qualifiers = String(repeating: " WITHIN 1 SECONDS", count: 300)
    let error = syntaxError("([a:b = 1])" + qualifiers)
    #expect(error?.message.contains("nesting is deeper than the maximum") == true)
    // 100 qualifiers on a group are fine and round-trip.
    let ok = "([a:b = 1])" + String(repeating: " WITHIN 1 SECONDS", count: 100)
    #expect(syntaxError(ok) == nil)
}

@Test func megabyteOfOpenersFailsFast() {
    for opener in ["(", "[(", "[", "(["] {
        let text = String(repeating: opener, count: oneMegabyte / opener.utf8.count)
        let error = syntaxError(text)
        #expect(error != nil, "\(opener)")
        #expect((error?.offset ?? .max) <= 512, "\(opener): \(String(describing: error))")
    }
}

@Test func megabyteOfObservationsParses() throws {
    let unit = "[file:name = 'x.exe' AND file:size > 10] OR "
    let count = oneMegabyte / unit.utf8.count
    let text = String(repeating: unit, count: count) + "[url:value = 'http://example.com']"
    #expect(text.utf8.count > oneMegabyte - unit.utf8.count)
    let p = try STIXPattern.parse(text)
    #expect(p.comparisons.count == 2 * count + 1)
    guard case .or(let items) = p.root else { Issue.record("expected a flat OR"); return }
    #expect(items.count == count + 1)
    #expect(try STIXPattern.parse(p.description) == p)
}

@Test func megabyteOfComparisonsInOneObservationParses() throws {
    let unit = "ipv4-addr:value = '198.51.100.1' OR "
    let count = oneMegabyte / unit.utf8.count
    let text = "[" + String(repeating: unit, count: count) + "ipv4-addr:value = '203.0.113.1']"
    let p = try STIXPattern.parse(text)
    #expect(p.comparisons.count == count + 1)
}

@Test func megabyteStringLiteralParses() throws {
    let body = String(repeating: "a\\'b\\\\ 日本 ", count: oneMegabyte / 16)
    let p = try STIXPattern.parse("[artifact:payload = '\(body)']")
    guard case .string(let s)? = p.comparisons.first?.value else { Issue.record("no string"); return }
    #expect(s.hasPrefix("a'b\\ 日本 a'b"))
    #expect(s.count == (oneMegabyte / 16) * 8)
}

@Test func megabyteInputWithTrailingGarbageReportsTheRightOffset() {
    let unit = "[a:b = 1] AND "
    let count = oneMegabyte / unit.utf8.count
    let prefix = String(repeating: unit, count: count) + "[a:b = 1] "
    let error = syntaxError(prefix + "$")
    #expect(error?.message == "unexpected character '$'")
    #expect(error?.offset == prefix.count)
}

@Test func megabyteUnterminatedStringAndCommentAreErrors() {
    let filler = String(repeating: "x", count: oneMegabyte)
    #expect(syntaxError("[a:b = '" + filler)?.message == "unterminated string literal")
    #expect(syntaxError("[a:b = 1] /*" + filler)?.message.contains("unterminated comment") == true)
    #expect(syntaxError("[a:b = 1] //" + filler) == nil)
    #expect(syntaxError("[a:b = h'" + filler)?.message == "unterminated hex literal")
}

@Test func emptyAndBlankInputsAreErrors() {
    for text in ["", " ", "\n\t", "\u{3000}", "// just a comment", "/**/"] {
        let error = syntaxError(text)
        #expect(error?.message.hasPrefix("empty pattern") == true, "\(text.debugDescription)")
        #expect(error?.offset == text.count)
    }
}

@Test func oddUnicodeIsReportedNotCrashedOn() {
    let cases: [(String, Int)] = [
        ("\u{0}", 0), ("[a:b = 1]\u{0}", 9), ("[ａ:b = 1]", 1), ("[a:b = 1] e\u{301}", 10),
        ("\u{FEFF}[a:b = 1]", 0), ("[a:b\u{200B} = 1]", 4), ("[a:b = 1]\u{1F1EF}\u{1F1F5}", 9),
    ]
    for (text, offset) in cases {
        let error = syntaxError(text)
        #expect(error != nil, "\(text.debugDescription)")
        #expect(error?.offset == offset, "\(text.debugDescription): \(String(describing: error))")
    }
}

/// Random edits of valid patterns: each result either parses (and round-trips) or fails with an
/// in-range offset. A fixed seed keeps failures reproducible.
@Test func mutatedPatternsNeverCrash() throws {
    var rng = SplitMix64(seed: 0x5717_5a77_e2d)
    let seeds = specExamples + validatorPassCases + grammarCorners
    let alphabet: [Character] = Array("[]()'\\:.,*=!<>-+ 0123456789abhtzAZ_\"/ÿ日🙂\u{0}\n")
    let words = ["AND ", " OR ", "NOT ", " IN ", " WITHIN 5 SECONDS", " REPEATS 2 TIMES", "t'2016-01-01T00:00:00Z'",
                 "h'0a'", "b'AAAA'", "EXISTS ", " FOLLOWEDBY ", "(", ")", "[", "]", "'", "\\"]
    var parsed = 0
    for _ in 0..<4000 {
        var chars = Array(seeds[Int(rng.next() % UInt64(seeds.count))])
        for _ in 0..<(1 + Int(rng.next() % 3)) {
            let position = chars.isEmpty ? 0 : Int(rng.next() % UInt64(chars.count + 1))
            switch rng.next() % 4 {
            case 0 where !chars.isEmpty && position < chars.count: chars.remove(at: position)
            case 1: chars.insert(alphabet[Int(rng.next() % UInt64(alphabet.count))], at: position)
            case 2: chars.insert(contentsOf: words[Int(rng.next() % UInt64(words.count))], at: position)
            default:
                if position < chars.count { chars[position] = alphabet[Int(rng.next() % UInt64(alphabet.count))] }
            }
        }
        let text = String(chars)
        do {
            let p = try STIXPattern.parse(text)
            parsed += 1
            #expect(try STIXPattern.parse(p.description) == p, "\(text.debugDescription)")
        } catch let error as PatternSyntaxError {
            #expect(error.offset >= 0 && error.offset <= text.count, "\(text.debugDescription)")
            #expect(!error.message.isEmpty)
        }
    }
    #expect(parsed > 0)
}

struct SplitMix64 {
    var state: UInt64
    init(seed: UInt64) { state = seed }
    mutating func next() -> UInt64 {
        state &+= 0x9E37_79B9_7F4A_7C15
        var z = state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }
}
