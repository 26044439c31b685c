// Anonymization — TextScrubber.swift
// Owns replacing identifiers inside one piece of text: every match of the profile, widened to the
// whole token it sits in (a domain match to the whole host name, or to the whole e-mail address when
// it follows '@'), overlapping matches merged, each span replaced by its placeholder.

/// Replaces a profile's identifiers in text.
///
/// ```swift
/// let scrubber = TextScrubber(matcher: IdentifierMatcher(profile: profile))
/// scrubber.scrub("電力A社の経理部 (keiri@denryoku-a.example.jp) が受信").text
/// // "[victim-organization]の経理部 ([victim-email]) が受信"
/// ```
struct TextScrubber: Sendable {
    let matcher: IdentifierMatcher
    let domains: Set<String>

    init(matcher: IdentifierMatcher, profile: VictimProfile) {
        self.matcher = matcher
        self.domains = Set(profile.domains.map { String(FoldedText($0.trimmingSpaces).scalars.filter { $0 != " " }.map(Character.init)) })
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
            let matches = matcher.matches(in: folded)
            if matches.isEmpty { break }
            let spans = merged(matches.map { widened($0, in: folded) })
            var output: [Unicode.Scalar] = []
            output.reserveCapacity(folded.original.count)
            var position = 0
            for span in spans {
                let range = folded.originalRange(of: span.range)
                output.append(contentsOf: folded.original[position..<range.lowerBound])
                output.append(contentsOf: span.kind.placeholder.unicodeScalars)
                position = range.upperBound
                kinds.insert(span.kind)
            }
            output.append(contentsOf: folded.original[position...])
            current = String(String.UnicodeScalarView(output))
        }
        return Result(text: current, kinds: kinds)
    }

    /// A host or address match grown to the whole host name / e-mail address around it.
    private func widened(_ match: IdentifierMatch, in folded: FoldedText) -> IdentifierMatch {
        guard match.kind == .domain || match.kind == .host || match.kind == .email || match.kind == .observableID
                || match.kind == .identity else { return match }
        let text = folded.scalars
        if match.kind == .observableID || match.kind == .identity {
            // An id inside a longer token ("identity--…" in a URL or path) takes the token with it.
            var lower = match.range.lowerBound
            var upper = match.range.upperBound
            while lower > 0, text[lower - 1].isHostCharacter { lower -= 1 }
            while upper < text.count, text[upper].isHostCharacter { upper += 1 }
            return IdentifierMatch(kind: match.kind, identifier: match.identifier, range: lower..<upper)
        }
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
