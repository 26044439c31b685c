// IndicatorExtraction — InternationalNames.swift
// Owns internationalised host names (IDN): Punycode (RFC 3492) both ways, and rewriting the
// Unicode hosts of URLs and bare names in a line to their ASCII (xn--) form so that the byte
// scanner finds them whole, then back to the form the member wrote.

/// Punycode (RFC 3492) for one label, and whole host names in both forms.
///
/// ```swift
/// InternationalNames.ascii("ログイン確認.net")        // "xn--ecki4eoz0157dhv1b.net"
/// InternationalNames.unicode("xn--ecki4eoz0157dhv1b.net") // "ログイン確認.net"
/// ```
public enum InternationalNames {
    static let base = 36, tMin = 1, tMax = 26, skew = 38, damp = 700, initialBias = 72, initialN = 128

    /// The ASCII form of a host name (labels with non-ASCII letters as `xn--`), lowercased; nil when a
    /// label cannot be encoded.
    public static func ascii(_ host: String) -> String? {
        var labels: [String] = []
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            if label.unicodeScalars.allSatisfy(\.isASCII) { labels.append(label.lowercased()); continue }
            guard let encoded = encode(Array(label.lowercased().unicodeScalars)) else { return nil }
            labels.append("xn--" + encoded)
        }
        return labels.joined(separator: ".")
    }

    /// The Unicode form of a host name (its `xn--` labels decoded); the host unchanged when one cannot be.
    public static func unicode(_ host: String) -> String {
        guard host.contains("xn--") else { return host }
        var labels: [String] = []
        for label in host.split(separator: ".", omittingEmptySubsequences: false) {
            if label.lowercased().hasPrefix("xn--"), let decoded = decode(String(label.dropFirst(4))) {
                labels.append(decoded)
            } else {
                labels.append(String(label))
            }
        }
        return labels.joined(separator: ".")
    }

    /// A URL, e-mail address or host name with its `xn--` host in Unicode: how members write them.
    static func writtenForm(of value: String) -> String {
        if let schemeEnd = value.range(of: "://") {
            let rest = value[schemeEnd.upperBound...]
            let hostEnd = rest.firstIndex { "/?#:".contains($0) } ?? rest.endIndex
            return String(value[..<schemeEnd.upperBound]) + unicode(String(rest[..<hostEnd])) + String(rest[hostEnd...])
        }
        if let at = value.lastIndex(of: "@") {
            return String(value[...at]) + unicode(String(value[value.index(after: at)...]))
        }
        return unicode(value)
    }

    // MARK: - RFC 3492

    static func adapt(_ delta: Int, _ count: Int, _ first: Bool) -> Int {
        var delta = first ? delta / damp : delta / 2
        delta += delta / count
        var k = 0
        while delta > ((base - tMin) * tMax) / 2 {
            delta /= base - tMin
            k += base
        }
        return k + (base - tMin + 1) * delta / (delta + skew)
    }

    static func digit(_ d: Int) -> Character {
        Character(Unicode.Scalar(UInt8(d < 26 ? d + 97 : d + 22)))
    }

    static func encode(_ input: [Unicode.Scalar]) -> String? {
        var output = String(input.filter(\.isASCII).map(Character.init))
        let basicCount = output.count
        var handled = basicCount
        if basicCount > 0 { output.append("-") }
        var n = initialN, delta = 0, bias = initialBias
        while handled < input.count {
            guard let m = input.map({ Int($0.value) }).filter({ $0 >= n }).min() else { return nil }
            delta += (m - n) * (handled + 1)
            n = m
            for scalar in input {
                let c = Int(scalar.value)
                if c < n { delta += 1 }
                if c == n {
                    var q = delta, k = base
                    while true {
                        let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                        if q < t { break }
                        output.append(digit(t + (q - t) % (base - t)))
                        q = (q - t) / (base - t)
                        k += base
                    }
                    output.append(digit(q))
                    bias = adapt(delta, handled + 1, handled == basicCount)
                    delta = 0
                    handled += 1
                }
            }
            delta += 1
            n += 1
        }
        return output
    }

    static func decode(_ input: String) -> String? {
        let scalars = Array(input.lowercased().unicodeScalars)
        var output: [Unicode.Scalar] = []
        var start = 0
        if let dash = scalars.lastIndex(of: "-") {
            output = Array(scalars[..<dash])
            start = dash + 1
        }
        var n = initialN, i = 0, bias = initialBias
        var position = start
        while position < scalars.count {
            let oldI = i
            var w = 1, k = base
            while true {
                guard position < scalars.count else { return nil }
                let c = scalars[position].value
                position += 1
                let d: Int
                switch c {
                case 0x61...0x7A: d = Int(c) - 0x61
                case 0x30...0x39: d = Int(c) - 0x30 + 26
                default: return nil
                }
                i += d * w
                let t = k <= bias ? tMin : (k >= bias + tMax ? tMax : k - bias)
                if d < t { break }
                w *= base - t
                k += base
                guard i < 1 << 30 else { return nil }
            }
            bias = adapt(i - oldI, output.count + 1, oldI == 0)
            n += i / (output.count + 1)
            i %= output.count + 1
            guard let scalar = Unicode.Scalar(n) else { return nil }
            output.insert(scalar, at: i)
            i += 1
        }
        return String(String.UnicodeScalarView(output))
    }

    // MARK: - Lines

    /// Whether a scalar may stand in an internationalised host label.
    static func isLabelScalar(_ s: Unicode.Scalar) -> Bool {
        if s.isASCII { return (s >= "a" && s <= "z") || (s >= "A" && s <= "Z") || (s >= "0" && s <= "9") || s == "-" }
        return s.properties.isAlphabetic || s.properties.isIdeographic || s == "ー" || s == "・"
    }

    /// The line with every Unicode host (after `scheme://`, or a dotted name under an ASCII TLD standing
    /// on its own) in its ASCII form; nil when the line has none.
    static func asciiHosts(in line: ArraySlice<Unicode.Scalar>) -> [Unicode.Scalar]? {
        guard line.contains(where: { !$0.isASCII }) else { return nil }
        var result: [Unicode.Scalar] = []
        var changed = false
        var i = line.startIndex
        while i < line.endIndex {
            guard isLabelScalar(line[i]), i == line.startIndex || !isLabelScalar(line[i - 1]) && line[i - 1] != "." else {
                result.append(line[i]); i += 1; continue
            }
            // A run of labels and dots.
            var j = i
            while j < line.endIndex, isLabelScalar(line[j]) || (line[j] == "." && j + 1 < line.endIndex && isLabelScalar(line[j + 1])) {
                j += 1
            }
            let run = line[i..<j]
            let afterScheme = i - line.startIndex >= 3 && line[i - 1] == "/" && line[i - 2] == "/"
            if run.contains(where: { !$0.isASCII }), run.contains("."), let tld = String(String.UnicodeScalarView(run)).split(separator: ".").last,
               tld.unicodeScalars.allSatisfy(\.isASCII), TopLevelDomains.contains(String(tld)),
               afterScheme || isStandalone(line, i, j) && !TopLevelDomains.fileExtensionLike.contains(String(tld).lowercased()),
               let ascii = ascii(String(String.UnicodeScalarView(run))) {
                result.append(contentsOf: ascii.unicodeScalars)
                changed = true
            } else {
                result.append(contentsOf: run)
            }
            i = j
        }
        return changed ? result : nil
    }

    /// A bare name counts only between spaces, brackets or quotes (Japanese text runs words together).
    static func isStandalone(_ line: ArraySlice<Unicode.Scalar>, _ start: Int, _ end: Int) -> Bool {
        let openers: Set<Unicode.Scalar> = [" ", "\t", "(", "[", "<", "「", "『", "（", "【", "\"", "'", "　", ":", "："]
        let closers: Set<Unicode.Scalar> = [" ", "\t", ")", "]", ">", "」", "』", "）", "】", "\"", "'", "　", "/", ",", "、", "。", ":"]
        let before = start == line.startIndex || openers.contains(line[start - 1])
        let after = end == line.endIndex || closers.contains(line[end])
        return before && after
    }
}
