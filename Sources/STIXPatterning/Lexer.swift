// STIXPatterning — Lexer: turns pattern text (as UTF-8 bytes) into tokens on demand,
// skipping whitespace and /* */ and // comments as the grammar does. Single pass, linear time.

/// A syntax error located by UTF-8 byte offset; `STIXPattern.parse` converts it to a character offset.
struct LocatedError: Error {
    var message: String
    var byteOffset: Int
}

struct Lexer {
    private let bytes: [UInt8]
    private var pos = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    var byteCount: Int { bytes.count }

    mutating func next() throws(LocatedError) -> Token {
        try skipTrivia()
        let start = pos
        guard pos < bytes.count else { return Token(kind: .end, start: start, end: start) }
        let b = bytes[pos]
        let kind: TokenKind
        switch b {
        case _ where CharClass.isIdentifierStart(b):
            kind = try lexWordOrTypedLiteral()
        case UInt8(ascii: "'"):
            kind = .string(try lexString())
        case _ where CharClass.isDigit(b):
            kind = try lexNumber()
        case UInt8(ascii: "."):
            if pos + 1 < bytes.count, CharClass.isDigit(bytes[pos + 1]) {
                kind = try lexNumber()
            } else {
                pos += 1; kind = .dot
            }
        case UInt8(ascii: "+"), UInt8(ascii: "-"):
            let n = pos + 1 < bytes.count ? bytes[pos + 1] : 0
            let n2 = pos + 2 < bytes.count ? bytes[pos + 2] : 0
            guard CharClass.isDigit(n) || (n == UInt8(ascii: ".") && CharClass.isDigit(n2)) else {
                throw LocatedError(message: "unexpected '\(Character(Unicode.Scalar(b)))' (a sign must be followed by a number)", byteOffset: pos)
            }
            kind = try lexNumber()
        case UInt8(ascii: ":"): pos += 1; kind = .colon
        case UInt8(ascii: ","): pos += 1; kind = .comma
        case UInt8(ascii: "("): pos += 1; kind = .leftParen
        case UInt8(ascii: ")"): pos += 1; kind = .rightParen
        case UInt8(ascii: "["): pos += 1; kind = .leftBracket
        case UInt8(ascii: "]"): pos += 1; kind = .rightBracket
        case UInt8(ascii: "*"): pos += 1; kind = .asterisk
        case UInt8(ascii: "="):
            pos += 1
            if peek() == UInt8(ascii: "=") { pos += 1 }
            kind = .equal
        case UInt8(ascii: "!"):
            guard peek(1) == UInt8(ascii: "=") else {
                throw LocatedError(message: "unexpected '!' (the not-equal operator is '!=')", byteOffset: pos)
            }
            pos += 2; kind = .notEqual
        case UInt8(ascii: "<"):
            pos += 1
            if peek() == UInt8(ascii: "=") { pos += 1; kind = .lessOrEqual }
            else if peek() == UInt8(ascii: ">") { pos += 1; kind = .notEqual }
            else { kind = .less }
        case UInt8(ascii: ">"):
            pos += 1
            if peek() == UInt8(ascii: "=") { pos += 1; kind = .greaterOrEqual } else { kind = .greater }
        case UInt8(ascii: "\""):
            throw LocatedError(message: "unexpected '\"' (string literals use single quotes)", byteOffset: pos)
        default:
            let scalar = decodeScalar(at: pos)
            throw LocatedError(message: "unexpected character '\(Character(scalar).shownInMessage)'", byteOffset: pos)
        }
        return Token(kind: kind, start: start, end: pos)
    }

    private func peek(_ ahead: Int = 0) -> UInt8? {
        pos + ahead < bytes.count ? bytes[pos + ahead] : nil
    }

    private mutating func skipTrivia() throws(LocatedError) {
        while pos < bytes.count {
            let b = bytes[pos]
            switch b {
            case 0x20, 0x09, 0x0A, 0x0B, 0x0C, 0x0D:
                pos += 1
            case UInt8(ascii: "/"):
                if peek(1) == UInt8(ascii: "*") {
                    let open = pos
                    pos += 2
                    while pos + 1 < bytes.count, !(bytes[pos] == UInt8(ascii: "*") && bytes[pos + 1] == UInt8(ascii: "/")) {
                        pos += 1
                    }
                    guard pos + 1 < bytes.count else {
                        throw LocatedError(message: "unterminated comment: '/*' without '*/'", byteOffset: open)
                    }
                    pos += 2
                } else if peek(1) == UInt8(ascii: "/") {
                    while pos < bytes.count, bytes[pos] != 0x0A, bytes[pos] != 0x0D { pos += 1 }
                } else {
                    throw LocatedError(message: "unexpected character '/' (regular expressions must be written as quoted strings)", byteOffset: pos)
                }
            case 0x80...:
                let scalar = decodeScalar(at: pos)
                guard CharClass.isUnicodeSpace(scalar) else { return }
                pos += UTF8.width(scalar)
            default:
                return
            }
        }
    }

    private mutating func lexWordOrTypedLiteral() throws(LocatedError) -> TokenKind {
        let start = pos
        pos += 1
        while pos < bytes.count, CharClass.isIdentifierBody(bytes[pos]) || bytes[pos] == UInt8(ascii: "-") {
            pos += 1
        }
        if pos - start == 1, peek() == UInt8(ascii: "'") {
            switch bytes[start] {
            case UInt8(ascii: "h"): return .hex(try lexTypedContent(start: start, what: "hex"))
            case UInt8(ascii: "b"): return .binary(try lexTypedContent(start: start, what: "binary"))
            case UInt8(ascii: "t"): return .timestamp(try lexTypedContent(start: start, what: "timestamp"))
            default: break
            }
        }
        return .word(text(start, pos))
    }

    /// The raw text between the quotes of `h'..'`, `b'..'` or `t'..'`, validated.
    private mutating func lexTypedContent(start: Int, what: String) throws(LocatedError) -> String {
        pos += 1 // opening quote
        let contentStart = pos
        while pos < bytes.count, bytes[pos] != UInt8(ascii: "'") { pos += 1 }
        guard pos < bytes.count else {
            throw LocatedError(message: "unterminated \(what) literal", byteOffset: start)
        }
        let content = bytes[contentStart..<pos]
        pos += 1 // closing quote
        let problem: String? = switch what {
        case "hex": LiteralRules.hexProblem(content)
        case "binary": LiteralRules.base64Problem(content)
        default: LiteralRules.timestampProblem(content)
        }
        if let problem { throw LocatedError(message: problem, byteOffset: start) }
        return text(contentStart, contentStart + content.count)
    }

    private mutating func lexString() throws(LocatedError) -> String {
        let start = pos
        pos += 1
        var out: [UInt8] = []
        var segment = pos
        while pos < bytes.count {
            let b = bytes[pos]
            if b == UInt8(ascii: "'") {
                out.append(contentsOf: bytes[segment..<pos])
                pos += 1
                return String(decoding: out, as: UTF8.self)
            }
            if b == UInt8(ascii: "\\") {
                out.append(contentsOf: bytes[segment..<pos])
                guard pos + 1 < bytes.count else { break }
                let e = bytes[pos + 1]
                guard e == UInt8(ascii: "'") || e == UInt8(ascii: "\\") else {
                    let shown = Character(decodeScalar(at: pos + 1)).shownInMessage
                    throw LocatedError(message: "invalid escape sequence '\\\(shown)' in string literal (only \\' and \\\\ are allowed)", byteOffset: pos)
                }
                out.append(e)
                pos += 2
                segment = pos
                continue
            }
            pos += 1
        }
        throw LocatedError(message: "unterminated string literal", byteOffset: start)
    }

    /// `[+-]? ( '0' | [1-9][0-9]* )` or `[+-]? [0-9]* '.' [0-9]+`.
    private mutating func lexNumber() throws(LocatedError) -> TokenKind {
        let start = pos
        if bytes[pos] == UInt8(ascii: "+") || bytes[pos] == UInt8(ascii: "-") { pos += 1 }
        let intStart = pos
        while pos < bytes.count, CharClass.isDigit(bytes[pos]) { pos += 1 }
        let intDigits = pos - intStart
        if peek() == UInt8(ascii: ".") {
            pos += 1
            let fracStart = pos
            while pos < bytes.count, CharClass.isDigit(bytes[pos]) { pos += 1 }
            guard pos > fracStart else {
                throw LocatedError(message: "a decimal point must be followed by digits", byteOffset: fracStart - 1)
            }
        } else if intDigits > 1, bytes[intStart] == UInt8(ascii: "0") {
            throw LocatedError(message: "integer literals must not have leading zeros", byteOffset: start)
        }
        return .number(text(start, pos))
    }

    private func text(_ from: Int, _ to: Int) -> String {
        String(decoding: bytes[from..<to], as: UTF8.self)
    }

    private func decodeScalar(at offset: Int) -> Unicode.Scalar {
        scalarStarting(at: offset, in: bytes[...])
    }
}

/// The Unicode scalar starting at a byte offset (the input came from a `String`, so it is valid UTF-8).
func scalarStarting(at offset: Int, in bytes: ArraySlice<UInt8>) -> Unicode.Scalar {
    var iterator = bytes[offset...].makeIterator()
    var decoder = UTF8()
    if case .scalarValue(let s) = decoder.decode(&iterator) { return s }
    return "\u{FFFD}"
}

extension Character {
    /// The character for an error message: printable characters as they are, control and
    /// space characters escaped (e.g. `\n`, `\u{2028}`).
    var shownInMessage: String {
        let invisible = unicodeScalars.contains {
            $0.properties.generalCategory == .control || ($0.properties.isWhitespace && $0 != " ")
                || $0.properties.generalCategory == .format
        }
        guard invisible else { return String(self) }
        let d = String(self).debugDescription
        return String(d.dropFirst().dropLast())
    }
}
