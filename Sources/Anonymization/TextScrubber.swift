// Anonymization — TextScrubber.swift
// Owns replacing identifiers inside one piece of text: every match of the profile, widened to the
// whole token it sits in (a domain match to the whole host name, or to the whole e-mail address when
// it follows '@'; a Windows domain to "DOMAIN\account"; a name to its legal form), identifiers
// inside encoded tokens (base64) replaced with the whole token, overlapping matches merged, each span
// replaced by its placeholder. Matches are found in the decoded, folded text and replaced in the
// original, so "keiri%40denryoku-a.example.jp" becomes "[victim-email]".

/// Replaces a profile's identifiers in text.
///
/// ```swift
/// let scrubber = TextScrubber(matcher: IdentifierMatcher(profile: profile), profile: profile)
/// scrubber.scrub("電力A社の経理部 (keiri@denryoku-a.example.jp) が受信").text
/// // "[victim-organization]の経理部 ([victim-email]) が受信"
/// ```
struct TextScrubber: Sendable {
    let matcher: IdentifierMatcher
    let domains: Set<String>

    init(matcher: IdentifierMatcher, profile: VictimProfile) {
        self.matcher = matcher
        self.domains = Set(profile.domains.map { String(FoldedText.needle($0.trimmingSpaces).map(Character.init)) })
    }

    struct Result {
        var text: String
        /// The kinds of identifier that were replaced (empty: the text is unchanged).
        var kinds: Set<IdentifierKind>
        var changed: Bool { !kinds.isEmpty }
    }

    func scrub(_ text: String) -> Result {
        var current = text
        var kinds: Set<IdentifierKind> = []
        // A replacement can bring two halves of a name together; repeat until nothing is found.
        for _ in 0..<4 {
            let folded = FoldedText(current)
            let spans = originalSpans(in: folded)
            if spans.isEmpty { break }
            var output: [Unicode.Scalar] = []
            output.reserveCapacity(folded.original.count)
            var position = 0
            for span in spans {
                output.append(contentsOf: folded.original[position..<span.range.lowerBound])
                output.append(contentsOf: span.kind.placeholder.unicodeScalars)
                position = span.range.upperBound
                kinds.insert(span.kind)
            }
            output.append(contentsOf: folded.original[position...])
            current = String(String.UnicodeScalarView(output))
        }
        return Result(text: current, kinds: kinds)
    }

    /// Every span of the original text to replace, merged, in order.
    func originalSpans(in folded: FoldedText) -> [IdentifierMatch] {
        var spans: [IdentifierMatch] = []
        for match in matcher.matches(in: folded) {
            var span = widened(match, in: folded)
            span.range = folded.originalRange(of: span.range)
            spans.append(span)
        }
        spans += matcher.encodedTokenMatches(in: folded)
        return merged(spans)
    }

    /// A match grown to the whole token around it.
    private func widened(_ match: IdentifierMatch, in folded: FoldedText) -> IdentifierMatch {
        let text = folded.scalars
        switch match.kind {
        case .observableID, .identity, .objectID:
            // An id inside a longer token ("identity--…" in a URL or path) takes the token with it.
            var lower = match.range.lowerBound
            var upper = match.range.upperBound
            while lower > 0, text[lower - 1].isHostCharacter { lower -= 1 }
            while upper < text.count, text[upper].isHostCharacter { upper += 1 }
            return IdentifierMatch(kind: match.kind, identifier: match.identifier, range: lower..<upper)
        case .domain, .host, .email:
            return widenedHost(match, in: text)
        case .organization, .account:
            return widenedName(match, in: text)
        default:
            return match
        }
    }

    /// A domain, host or address match grown to the whole host name / e-mail address around it.
    private func widenedHost(_ match: IdentifierMatch, in text: [Unicode.Scalar]) -> IdentifierMatch {
        var kind = match.kind
        var lower = match.range.lowerBound
        var upper = match.range.upperBound
        if kind == .email {
            while lower > 0, text[lower - 1].isLocalPartCharacter { lower -= 1 }
        } else {
            while lower > 0, text[lower - 1].isHostCharacter { lower -= 1 }
            if lower > 0, text[lower - 1] == "@", lower - 1 > 0, text[lower - 2].isLocalPartCharacter {
                kind = .email
                lower -= 1
                while lower > 0, text[lower - 1].isLocalPartCharacter { lower -= 1 }
            }
        }
        while upper < text.count, text[upper].isHostCharacter { upper += 1 }
        while upper > match.range.upperBound, text[upper - 1] == "." || text[upper - 1] == "-" { upper -= 1 }
        while lower < match.range.lowerBound, text[lower] == "." || text[lower] == "-" { lower += 1 }
        if kind == .domain || kind == .host {
            let token = String(text[lower..<upper].map(Character.init))
            kind = domains.contains(token) ? .domain : .host
        }
        return IdentifierMatch(kind: kind, identifier: match.identifier, range: lower..<upper)
    }

    /// A name grown over the legal form next to it ("電力A" + "株式会社", "(株)" + "電力A"; an
    /// honorific such as 様 stays); a Windows domain over the account after it ("DENRYOKU-A\yamada").
    private func widenedName(_ match: IdentifierMatch, in text: [Unicode.Scalar]) -> IdentifierMatch {
        var result = match
        var upper = match.range.upperBound
        if upper + 1 < text.count, text[upper] == "\\", text[upper + 1].isAccountCharacter {
            upper += 1
            while upper < text.count, text[upper].isAccountCharacter { upper += 1 }
            result.kind = .account
            result.range = match.range.lowerBound..<upper
            return result
        }
        for form in OrganizationNames.foldedLegalForms {
            if let end = Self.formEnd(form, in: text, at: upper) { upper = end; break }
        }
        var lower = match.range.lowerBound
        let before = lower > 0 && text[lower - 1] == " " ? lower - 1 : lower
        for form in OrganizationNames.foldedLegalForms where before >= form.count {
            if Self.formEnd(form, in: text, at: before - form.count) == before { lower = before - form.count; break }
        }
        result.range = lower..<upper
        return result
    }

    /// Where legal form `form` ends when it starts at `position` (spaces in the text skipped, as
    /// "Co., Ltd." is folded to "co.,ltd."), or nil.
    private static func formEnd(_ form: [Unicode.Scalar], in text: [Unicode.Scalar], at position: Int) -> Int? {
        guard position >= 0 else { return nil }
        var i = position
        var j = 0
        while j < form.count {
            guard i < text.count else { return nil }
            if text[i] == form[j] {
                i += 1
                j += 1
            } else if text[i] == " " && (j > 0 || form[0].isASCIIAlphanumeric) {
                i += 1
            } else {
                return nil
            }
        }
        // An ASCII form must end at a word boundary ("Corp" is not the start of "Corpus").
        if form.last!.isASCIIAlphanumeric, i < text.count, text[i].isASCIIAlphanumeric { return nil }
        return i
    }

    /// Overlapping or touching spans joined; the strongest kind names the joined span.
    private func merged(_ matches: [IdentifierMatch]) -> [IdentifierMatch] {
        let sorted = matches.sorted { $0.range.lowerBound < $1.range.lowerBound }
        var result: [IdentifierMatch] = []
        for match in sorted {
            if var last = result.last, match.range.lowerBound < last.range.upperBound {
                last.range = last.range.lowerBound..<max(last.range.upperBound, match.range.upperBound)
                if match.kind > last.kind { last.kind = match.kind }
                result[result.count - 1] = last
            } else {
                result.append(match)
            }
        }
        return result
    }
}

extension Unicode.Scalar {
    /// Characters of a Windows account name after "DOMAIN\".
    var isAccountCharacter: Bool {
        isASCIIAlphanumeric || self == "." || self == "_" || self == "-" || self == "$"
    }
}
