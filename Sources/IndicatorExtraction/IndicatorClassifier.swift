// IndicatorExtraction — IndicatorClassifier.swift
// Deciding what one refanged token is (IP, domain, e-mail, hash, CVE, ATT&CK id, URL) and normalising it.

/// The outcome of classifying one token.
enum Classification {
    case indicator(kind: IndicatorKind, value: String, port: Int?, name: String?, note: String?)
    /// Looks like an indicator but is not valid (e.g. an unknown ATT&CK id).
    case rejected(kind: IndicatorKind, value: String, reason: String)
}

enum IndicatorClassifier {
    static let dot = UInt8(ascii: "."), colon = UInt8(ascii: ":"), at = UInt8(ascii: "@")

    static func isHex(_ c: UInt8) -> Bool { IPAddress.hexValue(c) != nil }
    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
    static func lowercased(_ t: ArraySlice<UInt8>) -> String {
        String(decoding: t.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }, as: UTF8.self)
    }

    /// Classifies a token of ASCII bytes (letters, digits, `.-_@:+%`), already trimmed.
    static func classify(_ t: ArraySlice<UInt8>, into out: inout [(ArraySlice<UInt8>, Classification)]) {
        guard !t.isEmpty else { return }
        if t.contains(colon) {
            if let v6 = IPAddress.parseV6(Array(t)), t.contains(where: { $0 != colon && $0 != UInt8(ascii: "0") }) {
                out.append((t, .indicator(kind: .ipv6, value: IPAddress.v6(high: v6.0, low: v6.1).text, port: nil, name: nil, note: nil)))
                return
            }
            // a.b.c.d:port, otherwise the pieces between colons on their own.
            let pieces = t.split(separator: colon, omittingEmptySubsequences: false)
            var k = 0
            while k < pieces.count {
                let piece = pieces[k]
                if let v4 = IPAddress.parseV4(piece) {
                    var port: Int? = nil
                    var range = piece
                    if k + 1 < pieces.count, let p = Int(String(decoding: pieces[k + 1], as: UTF8.self)),
                       pieces[k + 1].count <= 5, p <= 65535 {
                        port = p
                        range = t[piece.startIndex..<pieces[k + 1].endIndex]
                        k += 1
                    }
                    out.append((range, .indicator(kind: .ipv4, value: IPAddress.v4(v4).text, port: port, name: nil, note: nil)))
                } else {
                    classifySimple(trim(piece), into: &out)
                }
                k += 1
            }
            return
        }
        classifySimple(t, into: &out)
    }

    static let edge: Set<UInt8> = [dot, UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "+"), at, UInt8(ascii: "%")]

    static func trim(_ t: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var t = t
        while let f = t.first, edge.contains(f) { t = t.dropFirst() }
        while let l = t.last, edge.contains(l) || l == colon { t = t.dropLast() }
        return t
    }

    /// A token without colons.
    static func classifySimple(_ t: ArraySlice<UInt8>, into out: inout [(ArraySlice<UInt8>, Classification)]) {
        guard !t.isEmpty else { return }
        if let c = classifyValue(t) { out.append((t, c)) }
    }

    static func classifyValue(_ t: ArraySlice<UInt8>) -> Classification? {
        let n = t.count
        let first = t[t.startIndex]
        // Hashes: hex of exact length (the token is the word, so SHA-512 is never cut into a SHA-256).
        if n == 32 || n == 40 || n == 64 || n == 128, t.allSatisfy(isHex) {
            let kind: IndicatorKind = n == 32 ? .md5 : n == 40 ? .sha1 : n == 64 ? .sha256 : .sha512
            return .indicator(kind: kind, value: lowercased(t), port: nil, name: nil, note: nil)
        }
        // CVE-YYYY-NNNN+
        if n >= 13, first | 0x20 == UInt8(ascii: "c"), lowercased(t.prefix(4)) == "cve-" {
            let rest = t.dropFirst(4)
            let parts = rest.split(separator: UInt8(ascii: "-"), omittingEmptySubsequences: false)
            if parts.count == 2, parts[0].count == 4, parts[0].allSatisfy(isDigit), parts[1].count >= 4,
               parts[1].count <= 7, parts[1].allSatisfy(isDigit) {
                return .indicator(kind: .cve, value: "CVE-" + String(decoding: rest, as: UTF8.self), port: nil, name: nil, note: nil)
            }
            return nil
        }
        // ATT&CK technique: T1234 or T1234.001 (upper-case T as MITRE writes it).
        if first == UInt8(ascii: "T"), n == 5 || n == 9, t.dropFirst().prefix(4).allSatisfy(isDigit),
           n == 5 || (t[t.startIndex + 5] == dot && t.suffix(3).allSatisfy(isDigit)) {
            let id = String(decoding: t, as: UTF8.self)
            if let name = AttackTechniques.name(of: id) {
                return .indicator(kind: .attackTechnique, value: id, port: nil, name: name, note: nil)
            }
            return .rejected(kind: .attackTechnique, value: id, reason: "\(id) is not a known MITRE ATT&CK Enterprise technique")
        }
        if t.contains(at) { return classifyEmail(t) }
        if let v4 = IPAddress.parseV4(t) {
            return .indicator(kind: .ipv4, value: IPAddress.v4(v4).text, port: nil, name: nil, note: nil)
        }
        if t.contains(dot), TopLevelDomains.isDomainName(t) {
            let value = lowercased(t)
            return .indicator(kind: .domain, value: value, port: nil, name: nil, note: fileNameNote(value))
        }
        return nil
    }

    static func classifyEmail(_ t: ArraySlice<UInt8>) -> Classification? {
        guard let atIndex = t.firstIndex(of: at), t.lastIndex(of: at) == atIndex else { return nil }
        let local = t[..<atIndex], domain = t[(atIndex + 1)...]
        guard !local.isEmpty, local.count <= 64, local.first != dot, local.last != dot,
              local.allSatisfy({ RefangedLine.isAlnum($0) || "._%+-".utf8.contains($0) }),
              TopLevelDomains.isDomainName(domain) else { return nil }
        return .indicator(kind: .email, value: lowercased(t), port: nil, name: nil, note: nil)
    }

    /// A caution for two-label names whose TLD is also a file extension ("invoice.zip", "setup.py").
    static func fileNameNote(_ domain: String) -> String? {
        let labels = domain.split(separator: ".")
        guard labels.count == 2, let tld = labels.last, TopLevelDomains.fileExtensionLike.contains(String(tld)) else { return nil }
        return "may be a file name: .\(tld) is also a file extension"
    }

    /// Validates a whole value as one declared kind (CSV columns). Returns the classification or a reason.
    static func validate(_ raw: String, as kind: IndicatorKind) -> Result<Classification, ValueProblem> {
        let refanged = RefangedLine(Array(raw.unicodeScalars)[...])
        var bytes = refanged.bytes[...]
        while let f = bytes.first, f == 0x20 || f == 0x09 { bytes = bytes.dropFirst() }
        while let l = bytes.last, l == 0x20 || l == 0x09 { bytes = bytes.dropLast() }
        let shown = String(String.UnicodeScalarView(refanged.scalars[bytes.startIndex..<bytes.endIndex]))
        guard !bytes.isEmpty else { return .failure(ValueProblem(reason: "empty")) }
        guard !bytes.contains(0x80) else { return .failure(ValueProblem(reason: "'\(raw)' has non-ASCII characters")) }
        var c: Classification?
        switch kind {
        case .url:
            if let url = URLParts.url(in: bytes), url.range == bytes.startIndex..<bytes.endIndex { c = url.classification }
        case .ipv4, .ipv6:
            // "ip" columns accept both families, with an optional :port for IPv4 and [v6]:port.
            var t = bytes
            if t.first == UInt8(ascii: "["), let close = t.firstIndex(of: UInt8(ascii: "]")) {
                t = t[(t.startIndex + 1)..<close]
            }
            var out: [(ArraySlice<UInt8>, Classification)] = []
            classify(t, into: &out)
            if out.count == 1, out[0].0 == t, case .indicator(let k, _, _, _, _) = out[0].1, k == .ipv4 || k == .ipv6 { c = out[0].1 }
        default:
            if let v = classifyValue(bytes) {
                if case .indicator(let k, _, _, _, _) = v, k == kind { c = v }
                if case .rejected(let k, _, _) = v, k == kind { c = v }
            }
        }
        guard let c else { return .failure(ValueProblem(reason: "'\(shown)' is not a valid \(kind.displayName)")) }
        return .success(c)
    }
}

struct ValueProblem: Error { let reason: String }

extension IndicatorKind {
    /// A short English name for messages.
    public var displayName: String {
        switch self {
        case .ipv4: "IPv4 address"
        case .ipv6: "IPv6 address"
        case .domain: "domain name"
        case .url: "URL"
        case .email: "e-mail address"
        case .md5: "MD5 hash"
        case .sha1: "SHA-1 hash"
        case .sha256: "SHA-256 hash"
        case .sha512: "SHA-512 hash"
        case .cve: "CVE id"
        case .attackTechnique: "ATT&CK technique id"
        }
    }
}
