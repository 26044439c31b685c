// STIX — JSONLimits.swift
// Owns the resource limits the JSON parser enforces and the one error type it throws.

/// Limits that keep hostile input cheap to reject.
///
/// ```swift
/// var limits = JSONLimits.standard
/// limits.maxStringBytes = 1 << 20          // 1 MiB per string
/// let value = try JSONParser.parse(bytes, limits: limits)
/// ```
public struct JSONLimits: Sendable, Equatable {
    /// Deepest allowed nesting of arrays and objects (the top-level container is depth 1).
    /// Values above `JSONLimits.depthCeiling` are treated as the ceiling so that parsing can
    /// never exhaust a thread's stack.
    public var maxDepth: Int
    /// Longest allowed string (member names included), counted in bytes as written in the input
    /// (escapes count as written). Numbers are held to the same bound.
    public var maxStringBytes: Int

    public init(maxDepth: Int = 64, maxStringBytes: Int = 16 << 20) {
        self.maxDepth = maxDepth
        self.maxStringBytes = maxStringBytes
    }

    /// 64 levels, 16 MiB strings.
    public static let standard = JSONLimits()

    /// The hard upper bound on nesting, whatever `maxDepth` says (the parser is recursive).
    public static let depthCeiling = 1_000

    var effectiveDepth: Int { max(0, min(maxDepth, Self.depthCeiling)) }
}

/// JSON that is not well-formed (RFC 8259), is not valid UTF-8, repeats a key, or exceeds a limit.
///
/// ```swift
/// do { _ = try JSONParser.parse(Array("[1,2,]".utf8)) }
/// catch let error as JSONSyntaxError { print(error) }
/// // "JSON syntax error at byte 5: expected a value after ',' but found ']' (trailing commas are not allowed)"
/// ```
public struct JSONSyntaxError: Error, Sendable, Equatable, CustomStringConvertible {
    /// What is wrong, in words.
    public let message: String
    /// Byte offset in the input where the problem was found.
    public let offset: Int

    public init(message: String, offset: Int) {
        self.message = message
        self.offset = offset
    }

    public var description: String { "JSON syntax error at byte \(offset): \(message)" }
}
