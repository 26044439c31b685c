// IndicatorExtraction — Refanging.swift
// Undoing defanged notation (hxxp, [.], [at], …), full-width forms and zero-width characters, keeping a map to the original text.

/// Turns defanged indicators back into their real form.
///
/// Handles `hxxp`/`hXXps`/`fxp` schemes, `[.]` `(.)` `{.}` `[dot]` `(dot)` (spaces allowed inside and
/// around the brackets), `[:]`, `[://]`, `[/]`, `[at]` `(at)` `[@]`, full-width ASCII (`．＠：／［］`, NFKC
/// compatibility forms) and zero-width characters.
///
/// ```swift
/// Refanging.refang("hxxps://evil[.]example-bad[.]com／a")   // "https://evil.example-bad.com/a"
/// Refanging.refang("user[at]mail(dot)evil.jp")               // "user@mail.evil.jp"
/// ```
public enum Refanging {
    /// The refanged form of `text`.
    public static func refang(_ text: String) -> String {
        var view = String.UnicodeScalarView()
        view.append(contentsOf: RefangedLine(Array(text.unicodeScalars)[...]).scalars)
        return String(view)
    }
}

/// A line after refanging: its scalars, an ASCII byte per scalar (0x80 for non-ASCII) and,
/// for every output scalar, the range of input scalars it came from.
struct RefangedLine {
    var scalars: [Unicode.Scalar] = []
    var bytes: [UInt8] = []
    var originStart: [Int] = []
    var originEnd: [Int] = []

    init(_ input: ArraySlice<Unicode.Scalar>) {
        // Pass 1: width folding and removal of invisible characters.
        var folded: [UInt8] = []
        var foldedScalars: [Unicode.Scalar] = []
        var origin: [Int] = []
        folded.reserveCapacity(input.count)
        origin.reserveCapacity(input.count)
        for (i, s) in input.enumerated() {
            guard let f = RefangedLine.fold(s) else { continue }
            foldedScalars.append(f)
            folded.append(f.value < 0x80 ? UInt8(f.value) : 0x80)
            origin.append(i)
        }
        // Pass 2: defang patterns.
        scalars.reserveCapacity(folded.count)
        bytes.reserveCapacity(folded.count)
        originStart.reserveCapacity(folded.count)
        originEnd.reserveCapacity(folded.count)
        var i = 0
        let n = folded.count
        while i < n {
            let b = folded[i]
            if b == UInt8(ascii: "[") || b == UInt8(ascii: "(") || b == UInt8(ascii: "{"),
               let (replacement, close) = RefangedLine.bracketed(folded, from: i) {
                var start = origin[i]
                var after = close + 1
                if replacement == "." || replacement == "@" {
                    // "evil [.] com": the spaces around a bracketed dot belong to it.
                    while let last = bytes.last, last == 0x20, bytes.count >= 2, RefangedLine.isLabel(bytes[bytes.count - 2]) {
                        start = originStart.removeLast(); originEnd.removeLast(); bytes.removeLast(); scalars.removeLast()
                    }
                    var j = after
                    while j < n, folded[j] == 0x20 { j += 1 }
                    if j < n, RefangedLine.isLabel(folded[j]) { after = j }
                }
                let end = origin[after - 1] + 1
                for u in replacement.utf8 { append(u, start, end) }
                i = after
                continue
            }
            if (b | 0x20 == UInt8(ascii: "h") || b | 0x20 == UInt8(ascii: "f")),
               i == 0 || !RefangedLine.isAlnum(folded[i - 1]),
               let (scheme, length) = RefangedLine.defangedScheme(folded, from: i) {
                let start = origin[i], end = origin[i + length - 1] + 1
                for u in scheme.utf8 { append(u, start, end) }
                i += length
                continue
            }
            scalars.append(foldedScalars[i])
            bytes.append(b)
            originStart.append(origin[i])
            originEnd.append(origin[i] + 1)
            i += 1
        }
    }

    private mutating func append(_ byte: UInt8, _ start: Int, _ end: Int) {
        scalars.append(Unicode.Scalar(byte))
        bytes.append(byte)
        originStart.append(start)
        originEnd.append(end)
    }

    /// NFKC for the compatibility characters that matter in reports: full-width ASCII, the
    /// ideographic space, the one-dot leader; zero-width characters are removed (nil).
    static func fold(_ s: Unicode.Scalar) -> Unicode.Scalar? {
        let v = s.value
        if v < 0x80 { return s }
        switch v {
        case 0xFF01...0xFF5E: return Unicode.Scalar(v - 0xFEE0)
        case 0x3000, 0x00A0, 0x2002...0x200A, 0x202F, 0x205F: return " "
        case 0x200B...0x200D, 0x2060, 0xFEFF, 0x00AD: return nil
        case 0x2024, 0xFF61: return "."   // one-dot leader, half-width ideographic full stop
        default: return s
        }
    }

    static func isAlnum(_ b: UInt8) -> Bool {
        (b >= 0x30 && b <= 0x39) || (b | 0x20 >= 0x61 && b | 0x20 <= 0x7A)
    }

    static func isLabel(_ b: UInt8) -> Bool { isAlnum(b) || b == UInt8(ascii: "-") || b == UInt8(ascii: "_") }

    /// `[.]`, `( dot )`, `[://]`, `[at]`… starting at `i`: the replacement and the index of the closing bracket.
    static func bracketed(_ b: [UInt8], from i: Int) -> (String, Int)? {
        var j = i + 1
        var content: [UInt8] = []
        while j < b.count, j - i <= 8 {
            let c = b[j]
            if c == UInt8(ascii: "]") || c == UInt8(ascii: ")") || c == UInt8(ascii: "}") { break }
            if c != 0x20 { content.append(c | (c >= 0x41 && c <= 0x5A ? 0x20 : 0)) }
            j += 1
        }
        guard j < b.count, j - i <= 8 else { return nil }
        let replacement: String
        switch content {
        case Array(".".utf8), Array("dot".utf8): replacement = "."
        case Array(":".utf8): replacement = ":"
        case Array("://".utf8): replacement = "://"
        case Array("/".utf8): replacement = "/"
        case Array("//".utf8): replacement = "//"
        case Array("at".utf8), Array("@".utf8): replacement = "@"
        default: return nil
        }
        // "(at)" and "(dot)" in ordinary prose need a label character right before them, and a
        // spaced-out "(at)" ("user (at) evil.com") a dotted name after it.
        if replacement == "@" || content == Array("dot".utf8) {
            var k = i - 1
            while k >= 0, b[k] == 0x20 { k -= 1 }
            guard k >= 0, isLabel(b[k]) else { return nil }
            var m = j + 1
            while m < b.count, b[m] == 0x20 { m += 1 }
            let spaced = k < i - 1 || m > j + 1
            if replacement == "@", spaced {
                while m < b.count, isLabel(b[m]) { m += 1 }
                guard m < b.count, b[m] == UInt8(ascii: ".") || b[m] == UInt8(ascii: "[") || b[m] == UInt8(ascii: "(") else { return nil }
            }
        }
        return (replacement, j)
    }

    /// `hxxp`, `hXXps`, `fxp` (followed by `:` or `[`): the real scheme and the length consumed.
    static func defangedScheme(_ b: [UInt8], from i: Int) -> (String, Int)? {
        func lower(_ k: Int) -> UInt8? { k < b.count ? b[k] | 0x20 : nil }
        func followed(_ k: Int) -> Bool { k < b.count && (b[k] == UInt8(ascii: ":") || b[k] == UInt8(ascii: "[")) }
        if lower(i) == UInt8(ascii: "h"), lower(i + 1) == UInt8(ascii: "x"), lower(i + 2) == UInt8(ascii: "x"),
           lower(i + 3) == UInt8(ascii: "p") {
            if lower(i + 4) == UInt8(ascii: "s"), followed(i + 5) { return ("https", 5) }
            if followed(i + 4) { return ("http", 4) }
        }
        if lower(i) == UInt8(ascii: "f"), lower(i + 1) == UInt8(ascii: "x"), lower(i + 2) == UInt8(ascii: "p"), followed(i + 3) {
            return ("ftp", 3)
        }
        return nil
    }
}
