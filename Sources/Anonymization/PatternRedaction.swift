// Anonymization — PatternRedaction.swift
// Owns redacting an indicator's STIX pattern: the provider's identifiers inside the pattern's string
// literals are replaced by their placeholders (the subject 「ご相談の件（[victim-organization]）」 still
// finds the campaign, the URL keeps its host), the result must still parse; a comparison whose value
// is entirely an identifier (the provider's own address, domain or host, a URL on its host) makes
// the indicator useless to share, and it is withheld.

import STIXPatterning

enum PatternRedaction {
    enum Outcome: Equatable {
        case unchanged
        case redacted(String)
        case withhold(String)
    }

    /// Observable types whose values are the provider's own when they contain its identifier.
    static let identifyingTypes: Set<String> = ["email-addr", "domain-name", "ipv4-addr", "ipv6-addr", "mac-addr",
                                                "user-account", "x509-certificate", "windows-registry-key",
                                                "directory", "mutex", "software", "autonomous-system"]

    /// The pattern with identifiers redacted inside its string literals.
    ///
    /// ```swift
    /// PatternRedaction.redact("[email-message:subject = 'ご相談の件（北斗電力様）']", scrubber: scrubber)
    /// // .redacted("[email-message:subject = 'ご相談の件（[victim-organization]）']")
    /// PatternRedaction.redact("[email-addr:value = 'keiri@denryoku-a.example.jp']", scrubber: scrubber)
    /// // .withhold(...)
    /// ```
    static func redact(_ pattern: String, scrubber: TextScrubber) -> Outcome {
        let text = Array(pattern.unicodeScalars)
        var output = String.UnicodeScalarView()
        var position = 0
        var changed = false
        for literal in valueLiterals(in: text) {
            let value = unescaped(text[literal.range.dropFirst().dropLast()])
            let result = scrubber.scrub(value)
            guard result.changed else { continue }
            if isEntirelyIdentifier(result.text, objectType: literal.objectType, path: literal.path) {
                return .withhold("its pattern compares \(literal.path) with an identifier of the provider")
            }
            output.append(contentsOf: text[position..<literal.range.lowerBound])
            output.append(contentsOf: ("'" + escaped(result.text) + "'").unicodeScalars)
            position = literal.range.upperBound
            changed = true
        }
        guard changed else {
            // Identifiers outside string literals (an object path, a typed literal): nothing to keep.
            return scrubber.scrub(pattern).changed ? .withhold("its pattern names the provider") : .unchanged
        }
        output.append(contentsOf: text[position...])
        let redacted = String(output)
        guard (try? STIXPattern.parse(redacted)) != nil else { return .withhold("its pattern could not be redacted") }
        if scrubber.scrub(redacted).changed { return .withhold("its pattern names the provider") }
        return .redacted(redacted)
    }

    /// Whether a redacted value kept nothing worth sharing: only placeholders and punctuation left,
    /// an identifying observable type, or a URL whose host was the provider's.
    static func isEntirelyIdentifier(_ redacted: String, objectType: String, path: String) -> Bool {
        if identifyingTypes.contains(objectType) && !path.hasSuffix("display_name") { return true }
        if path.hasSuffix("from_ref.value") || path.hasSuffix("sender_ref.value") || path.contains("_refs[") { return true }
        var rest = redacted
        for placeholder in Placeholder.all { rest = rest.replacingAll(placeholder, with: "") }
        if !rest.unicodeScalars.contains(where: { $0.isASCIIAlphanumeric || $0.value > 0x7F }) { return true }
        if objectType == "url" || path.hasSuffix("url") { return URLText.hostContainsPlaceholder(redacted) }
        return false
    }

    // MARK: - Literals

    struct Literal {
        /// The quoted literal, quotes included.
        var range: Range<Int>
        var objectType: String
        /// "email-message:subject" (as written, for the reason given when withholding).
        var path: String
    }

    /// The plain string literals on the right of comparisons (not quoted path components such as
    /// `hashes.'SHA-256'`, not `t'…'`, `h'…'`, `b'…'`), each with the object path it is compared to.
    static func valueLiterals(in text: [Unicode.Scalar]) -> [Literal] {
        var literals: [Literal] = []
        var objectType = ""
        var pathStart = 0
        var i = 0
        while i < text.count {
            let scalar = text[i]
            if scalar == "'" {
                let end = closingQuote(in: text, from: i)
                let previous = text[..<i].last { $0 != " " && $0 != "\t" && $0 != "\n" }
                let typed = i > 0 && (text[i - 1] == "t" || text[i - 1] == "h" || text[i - 1] == "b")
                    && !(i > 1 && text[i - 2].isASCIIAlphanumeric)
                if !typed, previous != "." && previous != ":" {
                    let path = String(String.UnicodeScalarView(text[pathStart..<i]))
                    literals.append(Literal(range: i..<end, objectType: objectType, path: Self.pathText(path)))
                }
                i = end
                continue
            }
            if scalar == ":" {
                var start = i
                while start > 0, text[start - 1].isASCIIAlphanumeric || text[start - 1] == "-" { start -= 1 }
                objectType = String(String.UnicodeScalarView(text[start..<i]))
                pathStart = start
            }
            i += 1
        }
        return literals
    }

    /// "email-message:subject = " -> "email-message:subject".
    private static func pathText(_ text: String) -> String {
        var path = ""
        for scalar in text.unicodeScalars {
            if scalar == " " || scalar == "=" || scalar == "!" || scalar == "<" || scalar == ">" { break }
            path.unicodeScalars.append(scalar)
        }
        return path
    }

    /// One past the quote that closes the literal opened at `start` (backslash escapes skipped).
    private static func closingQuote(in text: [Unicode.Scalar], from start: Int) -> Int {
        var i = start + 1
        while i < text.count {
            if text[i] == "\\" { i += 2; continue }
            if text[i] == "'" { return i + 1 }
            i += 1
        }
        return text.count
    }

    static func unescaped(_ body: ArraySlice<Unicode.Scalar>) -> String {
        var result = String.UnicodeScalarView()
        var i = body.startIndex
        while i < body.endIndex {
            if body[i] == "\\", i + 1 < body.endIndex {
                result.append(body[i + 1])
                i += 2
            } else {
                result.append(body[i])
                i += 1
            }
        }
        return String(result)
    }

    static func escaped(_ value: String) -> String {
        var result = ""
        for character in value {
            if character == "'" || character == "\\" { result.append("\\") }
            result.append(character)
        }
        return result
    }
}

/// The parts of a URL that decide whether it is the provider's.
enum URLText {
    /// Whether the authority of `url` ("https://[victim-host]:8443/…") holds a placeholder.
    static func hostContainsPlaceholder(_ url: String) -> Bool {
        var rest = Substring(url)
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        var authority = ""
        for character in rest {
            if character == "/" || character == "?" || character == "#" { break }
            authority.append(character)
        }
        return Placeholder.all.contains { authority.contains($0) }
    }
}
