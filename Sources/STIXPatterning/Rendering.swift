// STIXPatterning — Rendering: canonical pattern text for the syntax tree. Parsing the text
// gives back an equal tree; parentheses are written only where the tree shape needs them.

extension STIXPattern: CustomStringConvertible {
    /// Canonical pattern text, e.g. `[file:name = 'a.exe'] AND [file:size > 10] WITHIN 60 SECONDS`.
    public var description: String { root.description }
}

extension ObservationExpression: CustomStringConvertible {
    public var description: String {
        switch self {
        case .observation(let tree): "[" + tree.description + "]"
        case .and(let items): join(items, "AND")
        case .or(let items): join(items, "OR")
        case .followedBy(let items): join(items, "FOLLOWEDBY")
        case .qualified(let inner, let qualifier):
            // Parenthesise binary operands, and qualifier chains that already hold this kind
            // of qualifier (repeating a kind directly on `[...]` is rejected by the parser).
            (inner.precedence == nil && !inner.chainHasQualifier(like: qualifier)
                ? inner.description : "(" + inner.description + ")") + " " + qualifier.description
        }
    }

    private func chainHasQualifier(like other: Qualifier) -> Bool {
        var node = self
        while case .qualified(let inner, let qualifier) = node {
            if qualifier.kind == other.kind { return true }
            node = inner
        }
        return false
    }

    /// Binding strength of a binary node (nil for observations and qualified expressions).
    private var precedence: Int? {
        switch self {
        case .followedBy: 1
        case .or: 2
        case .and: 3
        case .observation, .qualified: nil
        }
    }

    private func join(_ items: [ObservationExpression], _ keyword: String) -> String {
        let mine = precedence ?? 0
        return items.map { item in
            if let theirs = item.precedence, theirs <= mine { "(" + item.description + ")" } else { item.description }
        }.joined(separator: " \(keyword) ")
    }
}

extension ComparisonExpressionTree: CustomStringConvertible {
    public var description: String {
        switch self {
        case .comparison(let c): c.description
        case .and(let items): join(items, "AND", precedence: 2)
        case .or(let items): join(items, "OR", precedence: 1)
        }
    }

    private func join(_ items: [ComparisonExpressionTree], _ keyword: String, precedence mine: Int) -> String {
        items.map { item in
            let theirs: Int? = switch item {
            case .comparison: nil
            case .and: 2
            case .or: 1
            }
            if let theirs, theirs <= mine { return "(" + item.description + ")" }
            return item.description
        }.joined(separator: " \(keyword) ")
    }
}

extension ComparisonExpression: CustomStringConvertible {
    /// e.g. `file:size NOT > 10`, `EXISTS file:name`, `file:name IN ('a', 'b')`.
    public var description: String {
        if op == .exists { return "EXISTS " + path.text }
        return path.text + (negated ? " NOT " : " ") + op.rawValue + " " + (value?.description ?? "")
    }
}

extension Qualifier: CustomStringConvertible {
    /// WITHIN, REPEATS or START/STOP.
    var kind: String {
        switch self {
        case .within: "WITHIN"
        case .repeats: "REPEATS"
        case .startStop: "START/STOP"
        }
    }

    public var description: String {
        switch self {
        case .within(let seconds): "WITHIN \(formatSeconds(seconds)) SECONDS"
        case .repeats(let times): "REPEATS \(times) TIMES"
        case .startStop(let start, let stop): "START t'\(start)' STOP t'\(stop)'"
        }
    }
}
