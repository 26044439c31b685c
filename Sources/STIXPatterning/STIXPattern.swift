// STIXPatterning — STIXPattern: the entry point. Parses STIX 2.1 pattern text into a syntax tree
// and lists its comparisons.

/// A parsed STIX pattern (STIX 2.1 section 9, "STIX Patterning").
public struct STIXPattern: Sendable, Hashable {
    /// The whole pattern's observation expression.
    public let root: ObservationExpression

    public init(root: ObservationExpression) {
        self.root = root
    }

    /// Parses a STIX 2.1 pattern; throws PatternSyntaxError with a human-readable message and position.
    ///
    /// ```swift
    /// let pattern = try STIXPattern.parse(
    ///     "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f'] WITHIN 300 SECONDS")
    /// pattern.comparisons[0].path.text   // "file:hashes.'SHA-256'"
    /// pattern.comparisons[0].op          // .equal
    ///
    /// do {
    ///     _ = try STIXPattern.parse("[file:size = ]")
    /// } catch let error as PatternSyntaxError {
    ///     print(error)  // offset 13: unexpected ']' where a literal value should be (...)
    /// }
    /// ```
    ///
    /// Follows the OASIS grammar (STIXPattern.g4 for STIX 2.1): keywords are upper-case and
    /// case-sensitive, whitespace and `/* */` / `//` comments may appear between tokens, and
    /// FOLLOWEDBY binds loosest, then OR, then AND, then qualifiers. Beyond the grammar it
    /// rejects what cti-pattern-validator rejects (duplicate qualifiers on one observation,
    /// malformed hash values such as `file:hashes.MD5 = 'f00'`) and a few things the
    /// specification forbids (non-positive WITHIN / REPEATS, STOP not after START, dates
    /// that do not exist). Nesting deeper than 256 levels is rejected; parsing is linear in
    /// the length of the text.
    public static func parse(_ text: String) throws -> STIXPattern {
        do throws(LocatedError) {
            var parser = try Parser(text)
            return STIXPattern(root: try parser.parsePattern())
        } catch {
            throw PatternSyntaxError(message: error.message,
                                     offset: characterOffset(in: text, utf8Offset: error.byteOffset))
        }
    }

    /// Every comparison in the pattern, in order of appearance (for observable extraction later).
    public var comparisons: [ComparisonExpression] { root.comparisons }

    /// The distinct object types the pattern refers to, in order of first appearance.
    public var objectTypes: [String] {
        var seen = Set<String>()
        return comparisons.map(\.path.objectType).filter { seen.insert($0).inserted }
    }
}

/// The number of `Character`s before a UTF-8 byte offset (a character that the offset falls
/// inside counts as not yet passed).
func characterOffset(in text: String, utf8Offset: Int) -> Int {
    var characters = 0
    var bytes = 0
    for character in text {
        let width = character.utf8.count
        if bytes + width > utf8Offset { break }
        bytes += width
        characters += 1
    }
    return characters
}
