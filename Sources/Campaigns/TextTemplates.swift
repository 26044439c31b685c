// Campaigns — TextTemplates.swift
// Owns the templates of attacker-written text: subjects, bodies and attachment names with what varies
// between copies of one campaign masked (numbers, dates, URLs, addresses, the recipient's and the
// sender persona's names), reply prefixes and quoted thread text removed, and their MinHash
// signatures, so that "written from the same template" is a number between 0 and 1.
import Foundation

/// Masking and signatures of attacker-written text.
///
/// ```swift
/// let template = TextTemplates.mask("【重要】12月3日までにご確認ください 山田様", masking: ["山田"])
/// // "【重要】 <date> までにご確認ください <name> 様"
/// let signature = TextTemplates.signature(of: template, size: 64)
/// TextTemplates.similarity(signature, signature)   // 1.0
/// ```
public enum TextTemplates {
    // MARK: - Masking

    /// `text` with the varying parts masked: victim and persona names (given in `masking`), URLs,
    /// e-mail addresses, dates, times and numbers. Lower-cased, white space collapsed.
    public static func mask(_ text: String, masking names: [String] = []) -> String {
        var value = text.precomposedStringWithCompatibilityMapping.lowercased()
        for name in names.map({ $0.lowercased() }).filter({ $0.count >= 2 }).sorted(by: { $0.count > $1.count }) {
            value = value.replacingOccurrences(of: name, with: " <name> ")
        }
        value = replace(#"(?:https?|hxxps?|ftp)s?://[^\s<>"'）)」]+"#, in: value, with: " <url> ")
        value = replace(#"[a-z0-9._%+\-]+@[a-z0-9.\-]+\.[a-z]{2,}"#, in: value, with: " <email> ")
        value = replace(#"\d{2,4}\s*[年/\-.]\s*\d{1,2}\s*[月/\-.]\s*\d{1,2}\s*日?"#, in: value, with: " <date> ")
        value = replace(#"\d{1,2}\s*月\s*\d{1,2}\s*日"#, in: value, with: " <date> ")
        value = replace(#"\d{1,2}:\d{2}(?::\d{2})?"#, in: value, with: " <time> ")
        value = replace(#"\d+"#, in: value, with: "<n>")
        return value.split(whereSeparator: \.isWhitespace).joined(separator: " ")
    }

    /// A subject without the reply and forward prefixes members' and attackers' clients add
    /// (Re:, RE:, Fwd:, FW:, 転送:, 返信:, [External], 【外部】 …), repeated or not.
    public static func bareSubject(_ subject: String) -> String {
        var value = subject.precomposedStringWithCompatibilityMapping.trimmingCharacters(in: .whitespaces)
        let prefix = #"^\s*(?:(?:re|fw|fwd|aw|wg|sv|tr|転送|返信)\s*(?:\[\d+\])?\s*[:：]|\[(?:external|ext|外部)\]|【(?:外部|external)】)\s*"#
        while let range = value.range(of: prefix, options: [.regularExpression, .caseInsensitive]) {
            value.removeSubrange(range)
        }
        return value
    }

    /// The attacker's own words of a body: quoted lines and everything from the first quoted-thread
    /// marker ("On … wrote:", "-----Original Message-----", 差出人:, From: …) are dropped, so that a
    /// hijacked reply thread is compared by what the attacker wrote, not by the victims' history.
    public static func ownText(ofBody body: String) -> String {
        var kept: [Substring] = []
        for line in body.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.hasPrefix(">") || trimmed.hasPrefix("＞") { continue }
            if isThreadMarker(trimmed) { break }
            kept.append(line)
        }
        return kept.joined(separator: "\n")
    }

    static func isThreadMarker(_ line: String) -> Bool {
        let lowered = line.lowercased()
        if lowered.contains("original message") || lowered.hasPrefix("________________") { return true }
        if lowered.hasPrefix("from:") || lowered.hasPrefix("差出人:") || lowered.hasPrefix("差出人：") { return true }
        if lowered.hasPrefix("on "), lowered.hasSuffix("wrote:") { return true }
        if lowered.hasSuffix("のメッセージ:") || lowered.hasSuffix("wrote:") || lowered.hasSuffix("書きました:") { return true }
        return false
    }

    /// The naming scheme of an attachment: lower-cased, names masked, runs of digits as `#`, the
    /// extension kept ("請求書_20261201_山田.zip" → "請求書_#_<name>.zip").
    public static func fileNameTemplate(_ name: String, masking names: [String] = []) -> String {
        var value = name.precomposedStringWithCompatibilityMapping.lowercased()
        for masked in names.map({ $0.lowercased() }).filter({ $0.count >= 2 }).sorted(by: { $0.count > $1.count }) {
            value = value.replacingOccurrences(of: masked, with: "<name>")
        }
        return replace(#"\d+"#, in: value, with: "#")
    }

    /// The shape of a free-mail account's local part: runs of letters and digits by length, the
    /// separators kept ("tanaka.k1987" → "a6.a1d4"). Campaigns that register accounts in bulk name
    /// them by one recipe.
    public static func localPartPattern(_ local: String) -> String {
        var out = ""
        var runKind: Character = " "
        var runLength = 0
        func flush() { if runLength > 0 { out += "\(runKind)\(runLength)" }; runLength = 0 }
        for ch in local.lowercased() {
            let kind: Character = ch.isNumber ? "d" : (ch.isLetter ? "a" : ch)
            if kind == "a" || kind == "d" {
                if kind != runKind { flush(); runKind = kind }
                runLength += 1
            } else {
                flush(); runKind = " "; out.append(ch)
            }
        }
        flush()
        return out
    }

    // MARK: - Signatures

    /// The tokens of a masked text: words of letters and digits, each CJK character on its own, the
    /// masks (`<n>`, `<url>` …) as one token.
    static func tokens(_ text: String) -> [Substring] {
        var result: [Substring] = []
        var start: String.Index? = nil
        var index = text.startIndex
        func close(_ end: String.Index) { if let s = start { result.append(text[s..<end]); start = nil } }
        while index < text.endIndex {
            let ch = text[index]
            if ch == "<", let end = text[index...].firstIndex(of: ">"), text.distance(from: index, to: end) < 8 {
                close(index)
                result.append(text[index...end])
                index = text.index(after: end)
                continue
            }
            if ch.isASCII && (ch.isLetter || ch.isNumber) {
                if start == nil { start = index }
            } else {
                close(index)
                if ch.isLetter || (!ch.isASCII && !ch.isWhitespace && !ch.isPunctuation) {
                    result.append(text[index...index])
                }
            }
            index = text.index(after: index)
        }
        close(text.endIndex)
        return result
    }

    /// The shingles of a masked text (pairs of consecutive tokens), hashed.
    static func shingles(_ text: String) -> Set<UInt64> {
        let words = tokens(text)
        guard words.count > 1 else { return Set(words.map { StableHash.of($0) }) }
        var result = Set<UInt64>()
        for i in 0..<(words.count - 1) { result.insert(StableHash.of(words[i], words[i + 1])) }
        return result
    }

    /// A MinHash signature of `size` values over the shingles of a masked text; empty for empty text.
    public static func signature(of maskedText: String, size: Int) -> [UInt64] {
        let set = shingles(maskedText)
        guard !set.isEmpty else { return [] }
        return (0..<size).map { seed in
            set.reduce(UInt64.max) { min($0, StableHash.mix($1 ^ StableHash.seeds[seed])) }
        }
    }

    /// The estimated Jaccard similarity of two texts from their signatures (0 when either is empty).
    public static func similarity(_ a: [UInt64], _ b: [UInt64]) -> Double {
        guard !a.isEmpty, a.count == b.count else { return 0 }
        var same = 0
        for i in 0..<a.count where a[i] == b[i] { same += 1 }
        return Double(same) / Double(a.count)
    }

    // MARK: -

    static func replace(_ pattern: String, in text: String, with replacement: String) -> String {
        text.replacingOccurrences(of: pattern, with: replacement, options: .regularExpression)
    }
}

/// Deterministic 64-bit hashing (FNV-1a and SplitMix64): Swift's `Hasher` is seeded per process, and
/// campaign results must be the same on every run and every instance.
enum StableHash {
    static func of(_ parts: Substring...) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for (n, part) in parts.enumerated() {
            if n > 0 { hash = (hash ^ 0x1f) &* 0x0000_0100_0000_01b3 }
            for byte in part.utf8 { hash = (hash ^ UInt64(byte)) &* 0x0000_0100_0000_01b3 }
        }
        return hash
    }

    static func of(_ text: String) -> UInt64 { of(Substring(text)) }

    static func mix(_ value: UInt64) -> UInt64 {
        var z = value &+ 0x9e37_79b9_7f4a_7c15
        z = (z ^ (z >> 30)) &* 0xbf58_476d_1ce4_e5b9
        z = (z ^ (z >> 27)) &* 0x94d0_49bb_1331_11eb
        return z ^ (z >> 31)
    }

    static let seeds: [UInt64] = (0..<128).map { mix(UInt64($0) &* 0x2545_f491_4f6c_dd1d) }
}
