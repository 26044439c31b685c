// Anonymization — TextDecoding.swift
// Owns undoing the encodings that hide an identifier inside text before it is searched: percent-
// encoding (repeated: "%2540" is "@"), quoted-printable ("=E9=9B=BB", soft line breaks), HTML
// character references ("&#64;", "&#x40;", "&commat;", "&amp;#64;"), JSON "\u96fb" escapes and
// RFC 2047 encoded-words ("=?UTF-8?B?...?=", "=?ISO-2022-JP?B?...?="), each decoded character
// mapped back to the span of the original text it came from; and finding base64 tokens whose
// decoded bytes are text (searched separately: a match inside one stands for the whole token).

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Text with its encodings undone, each scalar mapped back to the original scalars it came from.
///
/// ```swift
/// let decoded = DecodedText(Array("to=keiri%2540denryoku-a.example.jp".unicodeScalars))
/// String(String.UnicodeScalarView(decoded.scalars))   // "to=keiri@denryoku-a.example.jp"
/// ```
struct DecodedText {
    private(set) var scalars: [Unicode.Scalar] = []
    /// For each decoded scalar, the first original scalar it came from (empty: nothing was decoded,
    /// every scalar is its own original).
    private var starts: [Int] = []
    /// For each decoded scalar, one past the last original scalar it came from.
    private var ends: [Int] = []
    /// Whether a decoded scalar could start another encoding ("%2540" gave '%'): only then is
    /// another round worth a pass.
    private var producedMarker = false

    /// Decodes up to `rounds` times (an encoding inside an encoding), stopping when nothing changes.
    /// Text without any encoding costs one scan and no copy.
    init(_ original: [Unicode.Scalar], rounds: Int = 3) {
        scalars = original
        for _ in 0..<rounds {
            guard let next = decodedOnce() else { break }
            self = next
            if !next.producedMarker { break }
        }
    }

    private init(capacity: Int) {
        scalars.reserveCapacity(capacity)
        starts.reserveCapacity(capacity)
        ends.reserveCapacity(capacity)
    }

    var count: Int { scalars.count }

    /// The first original scalar decoded scalar `index` came from.
    @inline(__always) func start(_ index: Int) -> Int { starts.isEmpty ? index : starts[index] }

    /// One past the last original scalar decoded scalar `index` came from.
    @inline(__always) func end(_ index: Int) -> Int { ends.isEmpty ? index + 1 : ends[index] }

    // MARK: - One round

    private mutating func append(_ scalar: Unicode.Scalar, _ lower: Int, _ upper: Int) {
        scalars.append(scalar)
        starts.append(lower)
        ends.append(upper)
        if scalar == "%" || scalar == "=" || scalar == "&" || scalar == "\\" { producedMarker = true }
    }

    /// Source scalars `range` copied unchanged, with their spans.
    private mutating func copy(_ range: Range<Int>, from source: DecodedText) {
        guard !range.isEmpty else { return }
        scalars.append(contentsOf: source.scalars[range])
        if source.starts.isEmpty {
            starts.append(contentsOf: range)
            ends.append(contentsOf: (range.lowerBound + 1)...range.upperBound)
        } else {
            starts.append(contentsOf: source.starts[range])
            ends.append(contentsOf: source.ends[range])
        }
    }

    /// One pass over the text; nil when nothing was decoded. Spans are composed so they keep
    /// pointing into the original.
    private func decodedOnce() -> DecodedText? {
        let text = scalars
        var output: DecodedText?
        var decodedAny = false
        var copied = 0
        var i = 0
        while i < text.count {
            let scalar = text[i]
            guard scalar == "%" || scalar == "=" || scalar == "&" || scalar == "\\" else { i += 1; continue }
            if output == nil { output = DecodedText(capacity: text.count) }
            output!.copy(copied..<i, from: self)
            copied = i
            let consumed: Int
            switch scalar {
            case "%": consumed = output!.decodeHexBytes(text, at: i, marker: "%", source: self)
            case "=": consumed = output!.decodeEquals(text, at: i, source: self)
            case "&": consumed = output!.decodeEntity(text, at: i, source: self)
            default: consumed = output!.decodeEscape(text, at: i, source: self)
            }
            if consumed > 0 {
                decodedAny = true
                i += consumed
                copied = i
            } else {
                i += 1
            }
        }
        guard decodedAny, var result = output else { return nil }
        result.copy(copied..<text.count, from: self)
        return result
    }

    /// A run of `%XX` (or `=XX`) bytes that is valid UTF-8; the number of scalars consumed (0: none).
    private mutating func decodeHexBytes(_ text: [Unicode.Scalar], at start: Int, marker: Unicode.Scalar,
                                         source: DecodedText) -> Int {
        var bytes: [UInt8] = []
        var positions: [Int] = []
        var i = start
        while i + 2 < text.count, text[i] == marker, let high = text[i + 1].hexValue, let low = text[i + 2].hexValue {
            bytes.append(UInt8(high << 4 | low))
            positions.append(i)
            i += 3
        }
        guard !bytes.isEmpty else { return 0 }
        // Decode scalar by scalar so that each keeps the span of its own bytes.
        var index = 0
        while index < bytes.count {
            let length = Self.utf8Length(bytes[index])
            guard length > 0, index + length <= bytes.count,
                  let scalar = Self.utf8Scalar(bytes[index..<(index + length)]) else { break }
            // Quoted-printable encodes what is not ASCII: "?id=12" is no control character.
            if marker == "=" && scalar.value < 0x80 { break }
            let lower = source.start(positions[index])
            let upper = source.end(positions[index + length - 1] + 2)
            append(scalar, lower, upper)
            index += length
        }
        guard index > 0 else { return 0 }
        return positions[index - 1] + 3 - start
    }

    /// "=XX" quoted-printable bytes, a soft line break "=\n" / "=\r\n", or an RFC 2047 encoded-word.
    private mutating func decodeEquals(_ text: [Unicode.Scalar], at start: Int, source: DecodedText) -> Int {
        if start + 1 < text.count, text[start + 1] == "?" {
            return decodeEncodedWord(text, at: start, source: source)
        }
        // A soft line break joins what is around it: another round may decode across it.
        if start + 1 < text.count, text[start + 1] == "\n" {
            if let last = ends.indices.last { ends[last] = source.end(start + 1) }
            producedMarker = true
            return 2
        }
        if start + 2 < text.count, text[start + 1] == "\r", text[start + 2] == "\n" {
            if let last = ends.indices.last { ends[last] = source.end(start + 2) }
            producedMarker = true
            return 3
        }
        // Only upper-case hex, as quoted-printable writes it ("a=be" in a URL query stays).
        guard start + 2 < text.count, text[start + 1].isUpperHex, text[start + 2].isUpperHex else { return 0 }
        return decodeHexBytes(text, at: start, marker: "=", source: source)
    }

    /// `&#64;`, `&#x40;`, `&amp;`, `&commat;`... (at most 12 characters up to the ';').
    private mutating func decodeEntity(_ text: [Unicode.Scalar], at start: Int, source: DecodedText) -> Int {
        var end = start + 1
        while end < text.count, end - start <= 12, text[end] != ";" {
            guard text[end].isASCIIAlphanumeric || text[end] == "#" else { return 0 }
            end += 1
        }
        guard end < text.count, text[end] == ";", end > start + 1 else { return 0 }
        let body = String(String.UnicodeScalarView(text[(start + 1)..<end]))
        guard let scalar = HTMLEntities.scalar(for: body) else { return 0 }
        append(scalar, source.start(start), source.end(end))
        return end + 1 - start
    }

    /// `\uXXXX` (with surrogate pairs) and `\xHH` as written inside text.
    private mutating func decodeEscape(_ text: [Unicode.Scalar], at start: Int, source: DecodedText) -> Int {
        guard start + 1 < text.count else { return 0 }
        if text[start + 1] == "u", let unit = Self.hex(text, from: start + 2, count: 4) {
            if (0xD800...0xDBFF).contains(unit), start + 11 < text.count,
               text[start + 6] == "\\", text[start + 7] == "u", let low = Self.hex(text, from: start + 8, count: 4),
               (0xDC00...0xDFFF).contains(low),
               let scalar = Unicode.Scalar(0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)) {
                append(scalar, source.start(start), source.end(start + 11))
                return 12
            }
            guard let scalar = Unicode.Scalar(unit) else { return 0 }
            append(scalar, source.start(start), source.end(start + 5))
            return 6
        }
        if text[start + 1] == "x", let value = Self.hex(text, from: start + 2, count: 2), value < 0x80,
           let scalar = Unicode.Scalar(value) {
            append(scalar, source.start(start), source.end(start + 3))
            return 4
        }
        return 0
    }

    /// `=?charset?B|Q?text?=`: every decoded scalar stands for the whole word.
    private mutating func decodeEncodedWord(_ text: [Unicode.Scalar], at start: Int, source: DecodedText) -> Int {
        guard let word = EncodedWord.parse(text, at: start), let decoded = word.decoded() else { return 0 }
        let lower = source.start(start)
        let upper = source.end(word.end - 1)
        for scalar in decoded.unicodeScalars { append(scalar, lower, upper) }
        if decoded.isEmpty, let last = ends.indices.last { ends[last] = upper }
        return word.end - start
    }

    // MARK: - Small decoders

    static func hex(_ text: [Unicode.Scalar], from start: Int, count: Int) -> UInt32? {
        guard start + count <= text.count else { return nil }
        var value: UInt32 = 0
        for index in start..<(start + count) {
            guard let nibble = text[index].hexValue else { return nil }
            value = value << 4 | nibble
        }
        return value
    }

    static func utf8Length(_ lead: UInt8) -> Int {
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: return 2
        case 0xE0...0xEF: return 3
        case 0xF0...0xF4: return 4
        default: return 0
        }
    }

    static func utf8Scalar(_ bytes: ArraySlice<UInt8>) -> Unicode.Scalar? {
        var iterator = bytes.makeIterator()
        var decoder = UTF8()
        if case .scalarValue(let scalar) = decoder.decode(&iterator) { return scalar }
        return nil
    }
}

// MARK: - RFC 2047

/// One RFC 2047 encoded-word.
struct EncodedWord {
    var charset: String
    var isBase64: Bool
    var payload: String
    /// One past its last scalar.
    var end: Int

    static func parse(_ text: [Unicode.Scalar], at start: Int) -> EncodedWord? {
        var parts: [String] = []
        var current = String.UnicodeScalarView()
        var i = start + 2
        while i < text.count, i - start < 600 {
            let scalar = text[i]
            if scalar == "?" {
                if parts.count == 2, i + 1 < text.count, text[i + 1] == "=" {
                    parts.append(String(current))
                    let encoding = parts[1].uppercased()
                    guard encoding == "B" || encoding == "Q", !parts[0].isEmpty else { return nil }
                    let charset = parts[0].split(separator: "*").first.map(String.init) ?? parts[0]
                    return EncodedWord(charset: charset.lowercased(), isBase64: encoding == "B", payload: parts[2], end: i + 2)
                }
                guard parts.count < 2 else { return nil }
                parts.append(String(current))
                current = String.UnicodeScalarView()
            } else if scalar.properties.isWhitespace {
                return nil
            } else {
                current.append(scalar)
            }
            i += 1
        }
        return nil
    }

    func decoded() -> String? {
        let bytes: [UInt8]
        if isBase64 {
            guard let decoded = Base64.decode(payload) else { return nil }
            bytes = decoded
        } else {
            bytes = Self.qDecoded(payload)
        }
        return CharsetDecoding.decode(bytes, charset: charset)
    }

    /// The "Q" encoding: '_' is a space, "=XX" a byte.
    static func qDecoded(_ text: String) -> [UInt8] {
        let utf8 = Array(text.utf8)
        var output: [UInt8] = []
        var i = 0
        while i < utf8.count {
            if utf8[i] == UInt8(ascii: "_") {
                output.append(0x20)
            } else if utf8[i] == UInt8(ascii: "="), i + 2 < utf8.count,
                      let high = Unicode.Scalar(utf8[i + 1]).hexValue, let low = Unicode.Scalar(utf8[i + 2]).hexValue {
                output.append(UInt8(high << 4 | low))
                i += 3
                continue
            } else {
                output.append(utf8[i])
            }
            i += 1
        }
        return output
    }
}

/// Bytes in a MIME charset as text: UTF-8 and US-ASCII here, the rest (ISO-2022-JP, Shift_JIS,
/// EUC-JP, ...) through iconv.
enum CharsetDecoding {
    static func decode(_ bytes: [UInt8], charset: String) -> String? {
        if charset == "utf-8" || charset == "utf8" || charset == "us-ascii" || bytes.allSatisfy({ $0 < 0x80 && $0 != 0x1B }) {
            return String(validating: bytes, as: UTF8.self)
        }
        let name = charset == "shift_jis" || charset == "sjis" || charset == "x-sjis" ? "CP932" : charset.uppercased()
        return iconvDecode(bytes, from: name)
    }

    private static func iconvDecode(_ bytes: [UInt8], from name: String) -> String? {
        let converter = iconv_open("UTF-8", name)
        guard converter != iconv_t(bitPattern: -1) else { return nil }
        defer { iconv_close(converter) }
        var input = bytes.map { CChar(bitPattern: $0) }
        var output = [CChar](repeating: 0, count: bytes.count * 4 + 16)
        let produced: Int? = input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                var inPointer: UnsafeMutablePointer<CChar>? = inBuffer.baseAddress
                var inLeft = inBuffer.count
                var outPointer: UnsafeMutablePointer<CChar>? = outBuffer.baseAddress
                var outLeft = outBuffer.count
                let result = iconv(converter, &inPointer, &inLeft, &outPointer, &outLeft)
                guard result != -1 || inLeft == 0 else { return nil }
                _ = iconv(converter, nil, nil, &outPointer, &outLeft)
                return outBuffer.count - outLeft
            }
        }
        guard let produced else { return nil }
        return String(validating: output[0..<produced].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}

// MARK: - HTML character references

enum HTMLEntities {
    /// The named references that spell out identifiers in practice (the full HTML list has 2,000;
    /// these cover the characters of addresses, host names, paths and Japanese punctuation).
    static let named: [String: Unicode.Scalar] = [
        "amp": "&", "lt": "<", "gt": ">", "quot": "\"", "apos": "'", "nbsp": " ", "commat": "@", "period": ".",
        "hyphen": "-", "dash": "-", "lowbar": "_", "colon": ":", "sol": "/", "bsol": "\\", "num": "#",
        "percnt": "%", "equals": "=", "quest": "?", "excl": "!", "plus": "+", "comma": ",", "semi": ";",
        "lpar": "(", "rpar": ")", "lsqb": "[", "rsqb": "]", "lbrack": "[", "rbrack": "]", "lcub": "{", "rcub": "}",
        "verbar": "|", "vert": "|", "ast": "*", "dollar": "$", "tilde": "~", "Hat": "^", "grave": "`",
        "ensp": " ", "emsp": " ", "thinsp": " ", "shy": "\u{AD}", "zwj": "\u{200D}", "zwnj": "\u{200C}",
        "ndash": "-", "mdash": "-", "minus": "-",
    ]

    static func scalar(for body: String) -> Unicode.Scalar? {
        if body.hasPrefix("#x") || body.hasPrefix("#X") {
            return UInt32(body.dropFirst(2), radix: 16).flatMap { Unicode.Scalar($0) }
        }
        if body.hasPrefix("#") {
            return UInt32(body.dropFirst(), radix: 10).flatMap { Unicode.Scalar($0) }
        }
        return named[body] ?? named[body.lowercased()]
    }
}

// MARK: - Base64 tokens

/// Runs of base64 characters (8 or more) whose decoded bytes are readable UTF-8 text.
enum Base64Tokens {
    struct Token {
        /// The token's range in the scanned scalars.
        var range: Range<Int>
        var text: String
    }

    static func isBase64Character(_ scalar: Unicode.Scalar) -> Bool {
        scalar.isASCIIAlphanumeric || scalar == "+" || scalar == "/" || scalar == "-" || scalar == "_"
    }

    /// Every token in `text` that decodes to text of at least four characters.
    static func tokens(in text: [Unicode.Scalar]) -> [Token] {
        var found: [Token] = []
        var i = 0
        while i < text.count {
            guard isBase64Character(text[i]) else { i += 1; continue }
            var end = i
            while end < text.count, isBase64Character(text[end]) { end += 1 }
            var padded = end
            while padded < text.count, padded - end < 2, text[padded] == "=" { padded += 1 }
            if end - i >= 8, let decoded = decodedText(text[i..<end]) {
                found.append(Token(range: i..<padded, text: decoded))
            }
            i = padded
        }
        return found
    }

    /// The decoded text, when the bytes are UTF-8 with no control characters but tab and newlines.
    static func decodedText(_ token: ArraySlice<Unicode.Scalar>) -> String? {
        // A plain word or host name is no base64 worth decoding: it needs a digit, a mix of case or
        // '+/'. Hex (hashes, UUIDs) is skipped: base64 of text is never all hex digits. No base64
        // has a length of 4n+1.
        guard token.count % 4 != 1 else { return nil }
        var hasUpper = false, hasLower = false, hasOther = false, allHex = true
        for scalar in token {
            let value = scalar.value
            if value >= 0x41 && value <= 0x5A { hasUpper = true } else if value >= 0x61 && value <= 0x7A { hasLower = true } else if scalar.isASCIIDigit || scalar == "+" || scalar == "/" { hasOther = true }
            if !(scalar.isHexDigit || scalar == "-") { allHex = false }
        }
        guard (hasUpper && hasLower) || hasOther, !allHex else { return nil }
        guard let bytes = Base64.decode(token), bytes.count >= 4,
              let text = String(validating: bytes, as: UTF8.self) else { return nil }
        for scalar in text.unicodeScalars where scalar.value < 0x20 && scalar != "\t" && scalar != "\n" && scalar != "\r" {
            return nil
        }
        if text.unicodeScalars.contains(where: { $0.value == 0x7F || $0.value == 0xFFFD }) { return nil }
        return text
    }
}

extension Unicode.Scalar {
    var hexValue: UInt32? {
        switch value {
        case 0x30...0x39: return value - 0x30
        case 0x41...0x46: return value - 0x41 + 10
        case 0x61...0x66: return value - 0x61 + 10
        default: return nil
        }
    }

    var isUpperHex: Bool { (value >= 0x30 && value <= 0x39) || (value >= 0x41 && value <= 0x46) }
}
