// Storage, object search: full-text search over the human text of stored versions (names, aliases,
// descriptions, labels, report abstracts, e-mail subjects), the same on every back end. The text is
// tokenised here, in Swift, and stored pre-tokenised: Latin words (NFKC, case-folded, so full-width
// ＡＢＣ finds ABC) and overlapping bigrams of CJK and kana runs (Japanese has no spaces), so that
// SQLite FTS5 and PostgreSQL full-text only match tokens and behave alike. The store writes a
// version's document in the transaction that stores the version and removes it with deleted and
// revoked versions, as the observable index does; reads take a `ReadScope` (the policy engine's).
import Foundation

// MARK: - Tokens

/// The tokeniser both back ends' search documents and queries go through.
///
/// ```swift
/// SearchTokens.of("東京電力へのEmotet")   // ["東京", "京電", "電力", "力へ", "への", "の", "emotet"]
/// SearchTokens.of("ＡＰＴ２９ ｶﾀｶﾅ")      // ["apt29", "カタ", "タカ", "カナ", "ナ"]
/// ```
public enum SearchTokens {
    /// The longest Latin word kept (longer ones are cut: they are hashes or garbage, not words).
    public static let longestWord = 64

    /// One run of text between separators: a word of letters and digits, or a run of CJK/kana.
    public enum Run: Sendable, Equatable {
        case word(String)
        case cjk([Character])
    }

    /// The runs of `text` after NFKC normalisation and case folding.
    public static func runs(_ text: String) -> [Run] {
        asciiRuns(text) ?? normalisedRuns(text)
    }

    /// The runs of any text, through Foundation's NFKC normalisation unless every scalar is one
    /// NFKC leaves as it is (`isNormalisationStable`: ASCII, kana, CJK ideographs, Japanese
    /// punctuation), which is most Japanese text and skips Foundation's costliest call.
    static func normalisedRuns(_ text: String) -> [Run] {
        let stable = text.unicodeScalars.allSatisfy(isNormalisationStable)
        return runs(folded: stable ? text.lowercased() : foldedByFoundation(text))
    }

    /// NFKC, then NFC again: Foundation on Linux leaves the voiced mark of half-width katakana
    /// (ﾊﾞ → ハ + U+3099) uncomposed after NFKC, so that ｻｰﾊﾞ would not find サーバ.
    static func foldedByFoundation(_ text: String) -> String {
        text.precomposedStringWithCompatibilityMapping.precomposedStringWithCanonicalMapping.lowercased()
    }

    /// A scalar with no compatibility or canonical decomposition that composes with nothing: ASCII,
    /// hiragana and katakana (not the spacing voiced marks ゛゜, not the combining ones), the
    /// prolonged sound mark, CJK unified ideographs, 、。々 and the Japanese brackets.
    static func isNormalisationStable(_ scalar: Unicode.Scalar) -> Bool {
        switch scalar.value {
        case 0..<0x80, 0x3041...0x3096, 0x30A1...0x30FA, 0x30FC, 0x4E00...0x9FFF, 0x3001...0x3002, 0x3005, 0x300C...0x300F:
            return true
        default:
            return false
        }
    }

    static func runs(folded: String) -> [Run] {
        var runs: [Run] = []
        var word = "", cjk: [Character] = []
        func flush() {
            if !word.isEmpty { runs.append(.word(String(word.prefix(longestWord)))); word = "" }
            if !cjk.isEmpty { runs.append(.cjk(cjk)); cjk = [] }
        }
        for character in folded {
            if isCJK(character) {
                if !word.isEmpty { flush() }
                cjk.append(character)
            } else if character.isLetter || character.isNumber {
                if !cjk.isEmpty { flush() }
                word.append(character)
            } else {
                flush()
            }
        }
        flush()
        return runs
    }

    /// The runs of an all-ASCII `text` without Foundation's normalisation (NFKC leaves ASCII as it
    /// is, and an ASCII letter or digit is exactly what `isLetter || isNumber` keeps): the same runs
    /// as the general path, at a fraction of its cost; nil for any other text.
    static func asciiRuns(_ text: String) -> [Run]? {
        var text = text
        return text.withUTF8 { bytes -> [Run]? in
            var runs: [Run] = []
            var start = -1
            for index in 0...bytes.count {
                let byte: UInt8 = index < bytes.count ? bytes[index] : 0x20
                if byte >= 0x80 { return nil }
                let isWordByte = (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
                if isWordByte {
                    if start < 0 { start = index }
                } else if start >= 0 {
                    let end = min(index, start + longestWord)
                    let word = String(decoding: UnsafeBufferPointer(rebasing: bytes[start..<end]), as: UTF8.self)
                    runs.append(.word(word.lowercased()))
                    start = -1
                }
            }
            return runs
        }
    }

    /// The document tokens of `text`: each word, and for each CJK run its overlapping bigrams and
    /// then its last character alone (so a one-character query finds every character as a prefix).
    public static func of(_ text: String) -> [String] {
        var tokens: [String] = []
        for run in runs(text) {
            switch run {
            case .word(let word): tokens.append(word)
            case .cjk(let characters):
                for index in characters.indices.dropLast() {
                    tokens.append(String(characters[index]) + String(characters[index + 1]))
                }
                tokens.append(String(characters[characters.count - 1]))
            }
        }
        return tokens
    }

    /// Han, kana (with 々〆〇ー) and Hangul: scripts written without spaces between words.
    static func isCJK(_ character: Character) -> Bool {
        guard let scalar = character.unicodeScalars.first else { return false }
        switch scalar.value {
        case 0x3005...0x3007, 0x303B, 0x3040...0x30FF, 0x31F0...0x31FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xF900...0xFAFF, 0x1100...0x11FF, 0x3130...0x318F, 0xAC00...0xD7AF, 0x20000...0x3FFFF:
            return true
        default:
            return false
        }
    }
}

// MARK: - Documents

/// What a stored version contributes to the search: its title tokens (name, aliases) and its text
/// tokens (description and the other human text), each space-separated.
///
/// ```swift
/// let document = SearchDocument(json: Array(#"{"type":"malware","name":"Emotet","description":"標的型攻撃"}"#.utf8))
/// document?.title   // "emotet"
/// ```
public struct SearchDocument: Sendable, Equatable {
    public var title: String
    public var body: String
    /// The version revokes its object (STIX `revoked: true`).
    public var revokes: Bool

    /// Title members (the object's names) and text members (its other human text).
    public static let titleMembers = ["name", "aliases"]
    public static let bodyMembers = ["description", "labels", "abstract", "content", "explanation", "goals", "subject",
                                     "x_mitre_aliases", "roles", "sectors"]
    /// At most this many tokens of each part are kept (PostgreSQL keeps positions up to 16,383), and
    /// at most this many bytes of them (a tsvector holds at most 1 MB: a longer text must not make
    /// the append that stores it fail).
    public static let titleTokenLimit = 1_000
    public static let bodyTokenLimit = 15_000
    public static let byteLimit = 256 * 1024

    public init(title: String, body: String, revokes: Bool = false) {
        self.title = title; self.body = body; self.revokes = revokes
    }

    /// The document of one version's JSON, nil when it carries no searchable text and revokes
    /// nothing (most SCOs: only objects that mention one of the members are parsed).
    public init?(json bytes: [UInt8]) {
        guard Self.mayCarryText(bytes),
              let object = try? JSONSerialization.jsonObject(with: Data(bytes)) as? [String: Any] else { return nil }
        self.init(revokes: object["revoked"] as? Bool ?? false) { member in
            switch object[member] {
            case let text as String: return [text]
            case let list as [Any]: return list.compactMap { $0 as? String }
            default: return []
            }
        }
    }

    /// The document of an object already parsed by the caller: `texts(member)` gives the member's
    /// string, or the strings of its list (empty when absent). The same document as `init(json:)`
    /// of the object's bytes; the intake prepares it on its checking cores, outside the writer.
    ///
    /// ```swift
    /// let document = SearchDocument(revokes: false) { member in member == "name" ? ["Emotet"] : [] }
    /// document?.title   // "emotet"
    /// ```
    public init?(revokes: Bool, texts: (String) -> [String]) {
        let title = Self.tokens(of: Self.titleMembers, texts: texts, limit: Self.titleTokenLimit)
        let body = Self.tokens(of: Self.bodyMembers, texts: texts, limit: Self.bodyTokenLimit)
        guard !title.isEmpty || !body.isEmpty || revokes else { return nil }
        self.init(title: title.joined(separator: " "), body: body.joined(separator: " "), revokes: revokes)
    }

    public var isEmpty: Bool { title.isEmpty && body.isEmpty }

    static func tokens(of members: [String], texts: (String) -> [String], limit: Int) -> [String] {
        var tokens: [String] = []
        var bytes = 0
        for member in members {
            for text in texts(member) {
                for token in SearchTokens.of(text) {
                    bytes += token.utf8.count + 1
                    guard tokens.count < limit, bytes <= byteLimit else { return tokens }
                    tokens.append(token)
                }
            }
        }
        return tokens
    }

    /// Whether the bytes name any member the document reads (or `revoked`): a byte scan, so that the
    /// bulk of SCOs are not parsed at all on append.
    static func mayCarryText(_ bytes: [UInt8]) -> Bool {
        for key in memberKeys where bytes.firstRange(of: key) != nil { return true }
        return false
    }

    static let memberKeys: [[UInt8]] = (titleMembers + bodyMembers + ["revoked"]).map { Array("\"\($0)\"".utf8) }
}

// MARK: - Queries

/// A search as the stores run it: every term must match (AND). A word matches as a prefix of a
/// document word ("emot" finds "Emotet"); a CJK run of two or more characters matches as a phrase
/// of its bigrams (東京電力 finds 東京電力株式会社, not 東京 and 電力 apart); one CJK character
/// matches as a prefix. Operators and quotes in the text are plain text: only tokens reach the database.
///
/// ```swift
/// let terms = SearchTerms("標的型攻撃メール Emotet")
/// terms.terms   // [phrase ["標的", "的型", "型攻", "攻撃", "撃メ", "メー", "ール"], prefix "emotet"]
/// ```
public struct SearchTerms: Sendable, Equatable {
    /// One term: tokens that must follow each other; `prefix`: the one token matches as a prefix.
    public struct Term: Sendable, Equatable {
        public var tokens: [String]
        public var prefix: Bool
    }

    public var terms: [Term]
    /// At most this many terms are used, from at most this many characters of the text (the rest of
    /// a long query is ignored: a search box is not a document).
    public static let termLimit = 16
    public static let characterLimit = 128

    public init(_ text: String) {
        var terms: [Term] = []
        for run in SearchTokens.runs(String(text.prefix(Self.characterLimit))) {
            let term: Term
            switch run {
            case .word(let word): term = Term(tokens: [word], prefix: word.count > 1)
            case .cjk(let characters) where characters.count == 1: term = Term(tokens: [String(characters)], prefix: true)
            case .cjk(let characters):
                term = Term(tokens: characters.indices.dropLast().map { String(characters[$0]) + String(characters[$0 + 1]) },
                            prefix: false)
            }
            if !terms.contains(term) { terms.append(term) }
        }
        self.terms = Array(terms.prefix(Self.termLimit))
    }

    /// Nothing to search for (only separators or punctuation).
    public var isEmpty: Bool { terms.isEmpty }
}

/// Where a version matched: every term in its title (name or aliases), or only somewhere in its text.
public enum SearchTier: Int, Sendable, Codable, Comparable {
    case title = 0
    case text = 1
    public static func < (a: SearchTier, b: SearchTier) -> Bool { a.rawValue < b.rawValue }
}

/// Where a search page ended: the next page begins after it. Results come in tier order (title
/// matches first), newest first within a tier, so the cursor is the last hit's tier and position.
public struct SearchCursor: Sendable, Hashable, Codable {
    public var tier: SearchTier
    public var position: Int64
    public init(tier: SearchTier, position: Int64) { self.tier = tier; self.position = position }

    /// The cursor as text for a URL (`t1.8812`), and back (nil for anything else).
    public var token: String { "t\(tier.rawValue).\(position)" }
    public init?(token: String) {
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 2, parts[0].count == 2, parts[0].first == "t",
              let tier = Int(parts[0].dropFirst()).flatMap(SearchTier.init(rawValue:)),
              let position = Int64(parts[1]), position > 0 else { return nil }
        self.init(tier: tier, position: position)
    }
}

/// One search: the terms, which feeds (nil: every feed, for the hub's own reads), optionally which
/// STIX types, and the page.
public struct ObjectSearchQuery: Sendable, Equatable {
    public var terms: SearchTerms
    public var feedIDs: [String]?
    public var types: [String]
    public var limit: Int
    public var after: SearchCursor?

    public init(_ text: String, feedIDs: [String]?, types: [String] = [], limit: Int = 50, after: SearchCursor? = nil) {
        self.terms = SearchTerms(text); self.feedIDs = feedIDs; self.types = types
        self.limit = min(max(limit, 1), 1_000); self.after = after
    }
}

/// One found version and where it matched.
public struct ObjectSearchHit: Sendable, Equatable {
    public var object: StoredObject
    public var tier: SearchTier
    public init(object: StoredObject, tier: SearchTier) { self.object = object; self.tier = tier }
    public var cursor: SearchCursor { SearchCursor(tier: tier, position: object.position) }
}

/// One page of hits (title matches first, newest first), and whether more follow for the same scope.
public struct ObjectSearchPage: Sendable, Equatable {
    public var hits: [ObjectSearchHit]
    public var more: Bool
    public init(hits: [ObjectSearchHit], more: Bool) { self.hits = hits; self.more = more }
    /// Where the next page begins (nil when nothing more follows).
    public var next: SearchCursor? { more ? hits.last?.cursor : nil }
}

/// Full-text search over the latest version of each stored series (originals and released copies
/// alike), filtered by the scope's audience keys before the page is cut: a hit, a page's length
/// and `more` only ever count what the scope may read.
///
/// ```swift
/// @_spi(ReadGate) import Storage
/// let page = try await store.searchObjects(ObjectSearchQuery("標的型攻撃", feedIDs: readable), for: scope)
/// ```
public protocol ObjectSearchStore: Sendable {
    // MARK: Object search
    /// The hits of `query` that `scope` may read: title matches first, then text matches, each newest
    /// first; only the latest version of each series; at most `query.limit`, after `query.after`.
    @_spi(ReadGate) func searchObjects(_ query: ObjectSearchQuery, for scope: ReadScope) async throws -> ObjectSearchPage
    /// How many versions have a search document.
    func searchDocumentCount() async throws -> Int
}

extension SearchTerms {
    /// The FTS5 expression (tokens quoted: a token holds only letters and digits), restricted to the
    /// title column for `.title`.
    public var fts5Expression: String {
        terms.map { term in
            "\"" + term.tokens.joined(separator: " ") + "\"" + (term.prefix ? "*" : "")
        }.joined(separator: " AND ")
    }

    /// The PostgreSQL tsquery text; `weight` "A" restricts every token to the title's positions.
    public func tsquery(weight: String = "") -> String {
        terms.map { term in
            let tokens = term.tokens.map { "'\($0)':" + (term.prefix ? "*" : "") + weight }
            // A bare "'x':" is not valid: drop the colon when nothing follows it.
            let cleaned = tokens.map { $0.hasSuffix(":") ? String($0.dropLast()) : $0 }
            return cleaned.count == 1 ? cleaned[0] : "(" + cleaned.joined(separator: " <-> ") + ")"
        }.joined(separator: " & ")
    }
}
