// STIXPatterning — PatternSyntaxError: the single error type thrown by `STIXPattern.parse`.

/// A STIX pattern that does not conform to the STIX 2.1 patterning grammar or its semantic rules.
public struct PatternSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What went wrong, e.g. "expected ']' to close the observation expression".
    public let message: String
    /// Offset of the problem in the pattern text, counted in `Character`s from the start.
    public let offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    /// "offset 12: expected ..."
    public var description: String { "offset \(offset): \(message)" }
}
