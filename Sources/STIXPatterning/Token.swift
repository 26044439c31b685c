// STIXPatterning — Token: what the lexer hands the parser, plus keyword and character-class tables.

/// A lexical token. Offsets are UTF-8 byte offsets into the pattern text.
struct Token: Sendable {
    var kind: TokenKind
    var start: Int
    var end: Int
}

enum TokenKind: Sendable, Equatable {
    /// `[a-zA-Z_][a-zA-Z0-9_-]*`: identifiers, keywords (case-sensitive) and `true` / `false`.
    case word(String)
    /// `'...'` with escapes resolved.
    case string(String)
    /// Integer or decimal number text including an optional sign, e.g. "-7", "+3", ".5".
    case number(String)
    case hex(String)
    case binary(String)
    case timestamp(String)
    case colon, dot, comma, leftParen, rightParen, leftBracket, rightBracket, asterisk
    case equal, notEqual, less, lessOrEqual, greater, greaterOrEqual
    case end

    /// How the token reads in an error message.
    var display: String {
        switch self {
        case .word(let w): Keyword.isKeyword(w) ? "keyword '\(w)'" : "'\(clip(w))'"
        case .string(let s): "string \(clip(quoteString(s)))"
        case .number(let n): "number \(clip(n))"
        case .hex(let h): "hex literal h'\(clip(h))'"
        case .binary(let b): "binary literal b'\(clip(b))'"
        case .timestamp(let t): "timestamp t'\(t)'"
        case .colon: "':'"
        case .dot: "'.'"
        case .comma: "','"
        case .leftParen: "'('"
        case .rightParen: "')'"
        case .leftBracket: "'['"
        case .rightBracket: "']'"
        case .asterisk: "'*'"
        case .equal: "'='"
        case .notEqual: "'!='"
        case .less: "'<'"
        case .lessOrEqual: "'<='"
        case .greater: "'>'"
        case .greaterOrEqual: "'>='"
        case .end: "end of pattern"
        }
    }

    func isKeyword(_ keyword: String) -> Bool {
        if case .word(let w) = self { return w == keyword }
        return false
    }
}

/// Long texts are shortened in error messages.
func clip(_ s: String, to limit: Int = 40) -> String {
    s.count <= limit ? s : String(s.prefix(limit)) + "…"
}

enum Keyword {
    /// The grammar's keywords; they are case-sensitive and cannot be used as bare names.
    static let all: Set<String> = [
        "AND", "OR", "NOT", "FOLLOWEDBY", "LIKE", "MATCHES", "ISSUPERSET", "ISSUBSET", "EXISTS",
        "LAST", "IN", "START", "STOP", "SECONDS", "WITHIN", "REPEATS", "TIMES",
    ]

    static func isKeyword(_ word: String) -> Bool { all.contains(word) }

    /// Keywords plus the boolean literals: words that cannot name an object type or property unquoted.
    static func isReserved(_ word: String) -> Bool {
        all.contains(word) || word == "true" || word == "false"
    }

    /// A hint when a word is a keyword written in the wrong case, e.g. "within".
    static func caseHint(for word: String) -> String {
        let upper = word.uppercased()
        if word != upper, all.contains(upper) {
            return " (keywords are case-sensitive: did you mean '\(upper)'?)"
        }
        if word != word.lowercased(), word.lowercased() == "true" || word.lowercased() == "false" {
            return " (boolean literals are lower-case: '\(word.lowercased())')"
        }
        return ""
    }
}

enum CharClass {
    static func isIdentifierStart(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || b == 0x5F
    }
    static func isIdentifierBody(_ b: UInt8) -> Bool { isIdentifierStart(b) || isDigit(b) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
    static func isHexDigit(_ b: UInt8) -> Bool {
        isDigit(b) || (b >= 0x61 && b <= 0x66) || (b >= 0x41 && b <= 0x46)
    }
    static func isBase64(_ b: UInt8) -> Bool {
        (b >= 0x61 && b <= 0x7A) || (b >= 0x41 && b <= 0x5A) || isDigit(b) || b == 0x2B || b == 0x2F
    }
    /// The grammar's WS rule, minus the ASCII members which the lexer checks first.
    static func isUnicodeSpace(_ s: Unicode.Scalar) -> Bool {
        switch s.value {
        case 0x85, 0xA0, 0x1680, 0x2000...0x200A, 0x2028, 0x2029, 0x202F, 0x205F, 0x3000: true
        default: false
        }
    }
}
