// Anonymization — TextFolding.swift
// Owns the folded form of text that identifiers are searched in: encodings undone first
// (`DecodedText`: percent, quoted-printable, HTML references, \u escapes, RFC 2047), then
// case-folded, compatibility forms unified (full-width ASCII, half-width katakana, ㈱, ①, dashes),
// hiragana folded to katakana, whitespace runs collapsed, invisible characters dropped and common
// defanging ("[.]", "[@]") undone — with a map from every folded character back to the span of the
// original text it came from, so a match can be replaced in place.

/// Text in folded form, with the original scalars each folded scalar came from.
///
/// ```swift
/// let folded = FoldedText("電力Ａ社　Mail01.Denryoku-A[.]example.jp")
/// String(String.UnicodeScalarView(folded.scalars))   // "電力a社 mail01.denryoku-a.example.jp"
/// ```
struct FoldedText {
    /// The original text as scalars.
    let original: [Unicode.Scalar]
    /// The text with its encodings undone, before folding (base64 tokens are searched in it).
    let decoded: DecodedText
    /// The folded scalars.
    private(set) var scalars: [Unicode.Scalar] = []
    /// For each folded scalar, the first original scalar it came from.
    private(set) var starts: [Int] = []
    /// For each folded scalar, one past the last original scalar it came from.
    private(set) var ends: [Int] = []

    init(_ text: String) {
        self.init(scalars: Array(text.unicodeScalars))
    }

    init(scalars original: [Unicode.Scalar]) {
        self.original = original
        self.decoded = DecodedText(original)
        let source = decoded.scalars
        scalars.reserveCapacity(source.count)
        starts.reserveCapacity(source.count)
        ends.reserveCapacity(source.count)
        var position = 0
        while position < source.count {
            if let (replacement, length) = Self.defanged(source, at: position) {
                append(replacement, from: decoded.start(position), to: decoded.end(position + length - 1))
                position += length
                continue
            }
            fold(source[position], from: decoded.start(position), to: decoded.end(position))
            position += 1
        }
    }

    /// The folded form of an identifier, without spaces (what needles are made of).
    static func needle(_ text: String) -> [Unicode.Scalar] {
        // Ids, addresses and host names need no decoding: lower-case them directly.
        if text.unicodeScalars.allSatisfy({ $0.isASCIIAlphanumeric || $0 == "-" || $0 == "." || $0 == "@" || $0 == "_" || $0 == ":" }) {
            return text.unicodeScalars.map(lowercasedASCII)
        }
        return FoldedText(text).scalars.filter { $0 != " " }
    }

    var count: Int { scalars.count }

    /// The original scalar range covered by folded scalars `range`.
    func originalRange(of range: Range<Int>) -> Range<Int> {
        starts[range.lowerBound]..<ends[range.upperBound - 1]
    }

    /// The original text covered by folded scalars `range`.
    func originalText(of range: Range<Int>) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: original[originalRange(of: range)])
        return String(view)
    }

    // MARK: - Folding

    private mutating func append(_ scalar: Unicode.Scalar, from start: Int, to end: Int) {
        scalars.append(scalar)
        starts.append(start)
        ends.append(end)
    }

    private mutating func fold(_ scalar: Unicode.Scalar, from lower: Int, to upper: Int) {
        let value = scalar.value
        // Invisible characters sometimes slipped into names: zero-width space/joiners, word joiner,
        // byte order mark, soft hyphen.
        if value == 0x200B || value == 0x200C || value == 0x200D || value == 0x2060 || value == 0xFEFF || value == 0x00AD {
            if let last = ends.indices.last { ends[last] = upper }
            return
        }
        if value < 0x80 {
            if value == 0x20 || (0x09...0x0D).contains(value) {
                appendSpace(from: lower, to: upper)
            } else {
                append(Self.lowercasedASCII(scalar), from: lower, to: upper)
            }
            return
        }
        if scalar.properties.isWhitespace {
            appendSpace(from: lower, to: upper)
            return
        }
        // Full-width ASCII variants (U+FF01-U+FF5E) -> ASCII.
        if value >= 0xFF01 && value <= 0xFF5E {
            append(Self.lowercasedASCII(Unicode.Scalar(value - 0xFEE0)!), from: lower, to: upper)
            return
        }
        // Half-width katakana -> full-width, composing the voiced sound marks.
        if value >= 0xFF61 && value <= 0xFF9F {
            foldHalfWidthKatakana(value, from: lower, to: upper)
            return
        }
        // Hiragana -> katakana (ぁ..ゖ, ゝゞ): "でんりょく" and "デンリョク" are one name.
        if (value >= 0x3041 && value <= 0x3096) || value == 0x309D || value == 0x309E {
            append(Unicode.Scalar(value + 0x60)!, from: lower, to: upper)
            return
        }
        if let replacement = CompatibilityForms.replacement(for: scalar) {
            for folded in replacement.unicodeScalars {
                fold(folded, from: lower, to: upper)
            }
            return
        }
        if scalar.properties.changesWhenLowercased {
            for lowerScalar in scalar.properties.lowercaseMapping.unicodeScalars {
                append(lowerScalar, from: lower, to: upper)
            }
            return
        }
        append(scalar, from: lower, to: upper)
    }

    private mutating func appendSpace(from lower: Int, to upper: Int) {
        if scalars.last == " " {
            ends[ends.count - 1] = upper
        } else {
            append(" ", from: lower, to: upper)
        }
    }

    static func lowercasedASCII(_ scalar: Unicode.Scalar) -> Unicode.Scalar {
        if scalar.value >= 0x41 && scalar.value <= 0x5A { return Unicode.Scalar(scalar.value + 0x20)! }
        return scalar
    }

    /// U+FF61 ... U+FF9D in full-width form.
    private static let halfWidthKatakana: [Unicode.Scalar] = Array(
        "。「」、・ヲァィゥェォャュョッーアイウエオカキクケコサシスセソタチツテトナニヌネノハヒフヘホマミムメモヤユヨラリルレロワン".unicodeScalars)

    private mutating func foldHalfWidthKatakana(_ value: UInt32, from lower: Int, to upper: Int) {
        if value <= 0xFF9D {
            append(Self.halfWidthKatakana[Int(value - 0xFF61)], from: lower, to: upper)
            return
        }
        // U+FF9E (voiced) / U+FF9F (semi-voiced): combine with the previous kana when possible.
        if let last = scalars.last, let combined = Self.voiced(last, semi: value == 0xFF9F) {
            scalars[scalars.count - 1] = combined
            ends[ends.count - 1] = upper
        } else {
            append(value == 0xFF9E ? "\u{309B}" : "\u{309C}", from: lower, to: upper)
        }
    }

    private static func voiced(_ kana: Unicode.Scalar, semi: Bool) -> Unicode.Scalar? {
        let v = kana.value
        let isHa = (0x30CF...0x30DB).contains(v) && (v - 0x30CF) % 3 == 0  // ハ ヒ フ ヘ ホ
        if semi { return isHa ? Unicode.Scalar(v + 2) : nil }
        if v == 0x30A6 { return "\u{30F4}" }  // ウ -> ヴ
        if isHa { return Unicode.Scalar(v + 1) }
        // カ..ト with a voiced form one code point later: カキクケコ サシスセソ タチ (ッ) ツテト
        let voiceable: Set<UInt32> = [0x30AB, 0x30AD, 0x30AF, 0x30B1, 0x30B3, 0x30B5, 0x30B7, 0x30B9, 0x30BB, 0x30BD,
                                      0x30BF, 0x30C1, 0x30C4, 0x30C6, 0x30C8]
        return voiceable.contains(v) ? Unicode.Scalar(v + 1) : nil
    }

    /// Defanged separators used in threat reports: "[.]", "(.)", "{.}", "[dot]", "[@]", "(@)", "[at]".
    private static let defangings: [(pattern: [Unicode.Scalar], replacement: Unicode.Scalar)] = [
        ("[.]", "."), ("(.)", "."), ("{.}", "."), ("[dot]", "."), ("(dot)", "."),
        ("[@]", "@"), ("(@)", "@"), ("[at]", "@"), ("(at)", "@"),
    ].map { (Array($0.0.unicodeScalars), Unicode.Scalar($0.1)!) }

    private static func defanged(_ text: [Unicode.Scalar], at position: Int) -> (Unicode.Scalar, Int)? {
        let first = text[position]
        guard first == "[" || first == "(" || first == "{" else { return nil }
        for (pattern, replacement) in defangings where position + pattern.count <= text.count {
            var matches = true
            for offset in 0..<pattern.count where lowercasedASCII(text[position + offset]) != pattern[offset] {
                matches = false
                break
            }
            if matches { return (replacement, pattern.count) }
        }
        return nil
    }
}

extension Unicode.Scalar {
    var isASCIIAlphanumeric: Bool {
        (value >= 0x30 && value <= 0x39) || (value >= 0x61 && value <= 0x7A) || (value >= 0x41 && value <= 0x5A)
    }

    var isASCIIDigit: Bool { value >= 0x30 && value <= 0x39 }

    var isHexDigit: Bool {
        isASCIIDigit || (value >= 0x61 && value <= 0x66) || (value >= 0x41 && value <= 0x46)
    }

    /// Letters, digits, '-', '.', '_' (host names as they appear in text, folded to lower case).
    var isHostCharacter: Bool {
        isASCIIAlphanumeric || self == "-" || self == "." || self == "_"
    }

    /// Characters of an e-mail local part as they are used in practice (RFC 5322 allows more, such as
    /// '/', '=' and '?', but taking those would swallow the URL around "?to=keiri@...").
    var isLocalPartCharacter: Bool {
        isASCIIAlphanumeric || self == "." || self == "_" || self == "%" || self == "+" || self == "-"
    }
}
