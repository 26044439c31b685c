// STIXPatterning — Syntax: the parsed tree of a STIX 2.1 pattern (observation expressions,
// comparison expressions, operators and qualifiers). Object paths and literals live in their own files.

/// Observation expressions: `[ ... ]` combined with AND / OR / FOLLOWEDBY and qualified.
///
/// Chains of the same operator at one level are flattened: `[a] AND [b] AND [c]` is
/// `.and([a, b, c])`, so every `.and`, `.or` and `.followedBy` has at least two operands.
/// Parentheses are not kept as nodes; they show in the tree shape
/// (`([a] AND [b]) AND [c]` is `.and([.and([a, b]), c])`).
/// Precedence, loosest first: FOLLOWEDBY, OR, AND, then qualifiers.
public indirect enum ObservationExpression: Sendable, Hashable {
    /// `[ comparison-expression ]`
    case observation(ComparisonExpressionTree)
    case and([ObservationExpression])
    case or([ObservationExpression])
    case followedBy([ObservationExpression])
    /// `expr WITHIN n SECONDS`, `expr REPEATS n TIMES`, `expr START t'..' STOP t'..'`.
    /// Several qualifiers nest, the innermost being the first written.
    case qualified(ObservationExpression, Qualifier)
}

/// The boolean combination of comparisons inside one pair of square brackets.
/// Flattened like `ObservationExpression`; AND binds tighter than OR.
public indirect enum ComparisonExpressionTree: Sendable, Hashable {
    case comparison(ComparisonExpression)
    case and([ComparisonExpressionTree])
    case or([ComparisonExpressionTree])
}

/// One comparison: `object-path [NOT] operator literal`, or `EXISTS object-path`.
public struct ComparisonExpression: Sendable, Hashable {
    public let path: ObjectPath
    /// The comparison was prefixed with NOT (`file:size NOT > 10`). Always false for EXISTS.
    public let negated: Bool
    public let op: ComparisonOperator
    /// The right-hand side; `.list` for IN; nil for EXISTS.
    public let value: PatternLiteral?

    public init(path: ObjectPath, negated: Bool, op: ComparisonOperator, value: PatternLiteral?) {
        self.path = path
        self.negated = negated
        self.op = op
        self.value = value
    }
}

/// Comparison operators. `==` is read as `=`, and `<>` as `!=`.
public enum ComparisonOperator: String, Sendable, Hashable, CaseIterable {
    case equal = "="
    case notEqual = "!="
    case lessThan = "<"
    case lessThanOrEqual = "<="
    case greaterThan = ">"
    case greaterThanOrEqual = ">="
    case `in` = "IN"
    case like = "LIKE"
    case matches = "MATCHES"
    case isSubset = "ISSUBSET"
    case isSuperset = "ISSUPERSET"
    case exists = "EXISTS"
}

/// Observation-expression qualifiers.
public enum Qualifier: Sendable, Hashable {
    /// `WITHIN n SECONDS`; n is a positive integer or decimal number.
    case within(seconds: Double)
    /// `REPEATS n TIMES`; n is a positive integer.
    case repeats(times: Int64)
    /// `START t'..' STOP t'..'`; the RFC 3339 text inside the quotes, STOP later than START.
    case startStop(start: String, stop: String)
}

extension ObservationExpression {
    /// Every comparison below this expression, in order of appearance.
    public var comparisons: [ComparisonExpression] {
        var out: [ComparisonExpression] = []
        collect(into: &out)
        return out
    }

    func collect(into out: inout [ComparisonExpression]) {
        switch self {
        case .observation(let tree): tree.collect(into: &out)
        case .and(let items), .or(let items), .followedBy(let items):
            for item in items { item.collect(into: &out) }
        case .qualified(let inner, _): inner.collect(into: &out)
        }
    }
}

extension ComparisonExpressionTree {
    /// Every comparison in this tree, in order of appearance.
    public var comparisons: [ComparisonExpression] {
        var out: [ComparisonExpression] = []
        collect(into: &out)
        return out
    }

    func collect(into out: inout [ComparisonExpression]) {
        switch self {
        case .comparison(let c): out.append(c)
        case .and(let items), .or(let items):
            for item in items { item.collect(into: &out) }
        }
    }
}
