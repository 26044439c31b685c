// MailParsing — PasswordHints.swift
// The passwords a mail's text gives for its encrypted zips (the Japanese "PPAP" habit: the zip in
// one mail, 「パスワード：xxxx」 in the text or the next mail; "password: xxxx", "PW: xxxx"), on the
// label's line or the line after it, and the field's own `infected`.

import Foundation

enum PasswordHints {
    /// The password the field uses for samples when the text names none.
    static let fieldDefault = "infected"

    /// Labels, longest first so that "解凍パスワード" wins over "パスワード"; ASCII ones match any case.
    private static let labels: [String] = ["解凍パスワード", "パスワード", "暗証番号", "password", "passwort", "passwd",
                                           "pass", "pwd", "pw"]
    private static let separators: Set<Character> = [":", "：", "=", "＝", " ", "\t", "　", "は", "→", "-", "ー", "―"]
    private static let openers: Set<Character> = ["「", "『", "【", "\"", "'", "“", "‘", "(", "（", "<", "＜", "[", "`"]
    private static let closers: Set<Character> = ["」", "』", "】", "\"", "'", "”", "’", ")", "）", ">", "＞", "]", "`"]
    private static let wordEnders: Set<Character> = ["。", "、", "，", ",", " ", "\t", "　"]

    /// Candidate passwords in `text`, in order of appearance, then `infected`.
    ///
    /// ```swift
    /// PasswordHints.passwords(in: "添付のパスワード：Xk29pq です")   // ["Xk29pq", "infected"]
    /// PasswordHints.passwords(in: "パスワード\n  ab12\n")               // ["ab12", "infected"]
    /// ```
    static func passwords(in text: String) -> [String] {
        var found: [String] = []
        func add(_ candidate: String) {
            guard !candidate.isEmpty, candidate.count <= 64, !found.contains(candidate) else { return }
            found.append(candidate)
            let ascii = halfWidth(candidate)
            if ascii != candidate, !found.contains(ascii) { found.append(ascii) }
        }
        if mentionsPassword(text) {
            let lines = text.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" })
            for (index, rawLine) in lines.enumerated() where found.count < 16 {
                let line = stripQuote(rawLine)
                guard let rest = afterLabel(line) else { continue }
                let sameLine = firstWord(rest)
                if let sameLine { add(sameLine) }
                // 「解凍パスワードは以下の通りです。」 announces it: the next written line holds it (a blank line may come first).
                if sameLine == nil || sameLine!.contains(where: { !$0.isASCII }),
                   let next = lines[(index + 1)...].prefix(3).map({ stripQuote($0) }).first(where: { !$0.isEmpty }),
                   let value = firstWord(next[...]) {
                    add(value)
                }
            }
        }
        add(fieldDefault)
        return found
    }

    /// Cheap pre-check so that ordinary mails skip the line walk.
    private static func mentionsPassword(_ text: String) -> Bool {
        if text.contains("パスワード") || text.contains("暗証番号") { return true }
        var previous: UInt8 = 0
        for byte in text.utf8 {
            let lower = byte | 0x20
            if lower == UInt8(ascii: "w"), previous == UInt8(ascii: "p") || previous == UInt8(ascii: "s") { return true }
            if lower == UInt8(ascii: "s"), previous == UInt8(ascii: "s") { return true }
            previous = byte >= 0x41 && byte <= 0x5A || byte >= 0x61 && byte <= 0x7A ? lower : 0
        }
        return false
    }

    private static func stripQuote<S: StringProtocol>(_ line: S) -> String {
        var rest = Substring(line)
        while let first = rest.first, first == ">" || first == " " || first == "\t" || first == "|" || first == "＞" {
            rest = rest.dropFirst()
        }
        return String(rest).trimmingCharacters(in: [" ", "\t", "　", "\r"])
    }

    /// The rest of the line after a password label and its separators; nil when the line has no label.
    private static func afterLabel(_ line: String) -> Substring? {
        let lowered = line.lowercased()
        for label in labels {
            guard let range = lowered.range(of: label) else { continue }
            // An ASCII label must stand as its own word ("pw", not "pwned" or "bypass").
            if label.first?.isASCII == true {
                if range.lowerBound > lowered.startIndex, let before = lowered[..<range.lowerBound].last,
                   before.isASCII, before.isLetter || before.isNumber { continue }
                if let after = lowered[range.upperBound...].first, after.isASCII, after.isLetter || after.isNumber { continue }
            }
            let offset = lowered.distance(from: lowered.startIndex, to: range.upperBound)
            var rest = line.dropFirst(offset)
            var sawSeparator = false
            while let first = rest.first, separators.contains(first) {
                sawSeparator = true
                rest = rest.dropFirst()
            }
            for word in ["is", "：", "です"] where rest.lowercased().hasPrefix(word) {
                rest = rest.dropFirst(word.count).drop { separators.contains($0) }
            }
            if !sawSeparator, let first = rest.first, !openers.contains(first) { continue }
            return rest
        }
        return nil
    }

    /// The first word of the value: quotes removed, up to a space or Japanese punctuation, "です" dropped.
    private static func firstWord(_ rest: Substring) -> String? {
        var value = rest.drop { $0 == " " || $0 == "\t" || $0 == "　" }
        if let first = value.first, openers.contains(first) {
            value = value.dropFirst()
            if let close = value.firstIndex(where: { closers.contains($0) }) { return clean(value[..<close]) }
        }
        let word = value.prefix { !wordEnders.contains($0) && !closers.contains($0) }
        return clean(word)
    }

    private static func clean(_ word: Substring) -> String? {
        var word = String(word)
        for suffix in ["です", "となります", "になります", "でございます"] where word.hasSuffix(suffix) {
            word = String(word.dropLast(suffix.count))
        }
        while let last = word.last, last == "." || last == "。" || last == "," { word.removeLast() }
        return word.isEmpty ? nil : word
    }

    /// Full-width ASCII (Ａ-Ｚ, ０-９, ！-～) as half-width: members type passwords in either.
    private static func halfWidth(_ text: String) -> String {
        String(String.UnicodeScalarView(text.unicodeScalars.map { scalar in
            (0xFF01...0xFF5E).contains(scalar.value) ? Unicode.Scalar(scalar.value - 0xFEE0)! : scalar
        }))
    }
}
