// STIXPatterning — Parser: recursive descent over the STIX 2.1 pattern grammar (STIXPattern.g4):
// observation expressions, qualifiers and nesting (comparisons are in ComparisonParser.swift), with
// the semantic checks of cti-pattern-validator. Operator chains are loops, so only
// parentheses, brackets and qualifiers nest, and nesting is capped at `Parser.maximumDepth`.
//
//   pattern        := followedBy EOF
//   followedBy     := or ('FOLLOWEDBY' or)*
//   or             := and ('OR' and)*
//   and            := qualified ('AND' qualified)*
//   qualified      := primary (WITHIN n SECONDS | REPEATS n TIMES | START t STOP t)*
//   primary        := '[' cmpOr ']' | '(' followedBy ')'
//   cmpOr          := cmpAnd ('OR' cmpAnd)*
//   cmpAnd         := propTest ('AND' propTest)*
//   propTest       := '(' cmpOr ')' | 'EXISTS' path | path 'NOT'? op literal

struct Parser {
    /// Deepest nesting of brackets, parentheses and qualifiers accepted.
    static let maximumDepth = 256

    private var lexer: Lexer
    /// The current (not yet consumed) token.
    private(set) var token: Token
    private var depth = 0

    init(_ text: String) throws(LocatedError) {
        lexer = Lexer(text)
        token = Token(kind: .end, start: 0, end: 0)
        token = try lexer.next()
    }

    mutating func parsePattern() throws(LocatedError) -> ObservationExpression {
        if token.kind == .end {
            throw LocatedError(message: "empty pattern: expected an observation expression such as [file:name = 'x']", byteOffset: token.start)
        }
        let root = try parseFollowedBy()
        guard token.kind == .end else {
            throw unexpected("after the observation expression (expected AND, OR, FOLLOWEDBY, a qualifier or the end)")
        }
        return root
    }

    // MARK: Observation expressions

    private mutating func parseFollowedBy() throws(LocatedError) -> ObservationExpression {
        var items = [try parseObservationOr()]
        while token.kind.isKeyword("FOLLOWEDBY") {
            try advance()
            items.append(try parseObservationOr())
        }
        return items.count == 1 ? items[0] : .followedBy(items)
    }

    private mutating func parseObservationOr() throws(LocatedError) -> ObservationExpression {
        var items = [try parseObservationAnd()]
        while token.kind.isKeyword("OR") {
            try advance()
            items.append(try parseObservationAnd())
        }
        return items.count == 1 ? items[0] : .or(items)
    }

    private mutating func parseObservationAnd() throws(LocatedError) -> ObservationExpression {
        var items = [try parseQualified()]
        while token.kind.isKeyword("AND") {
            try advance()
            items.append(try parseQualified())
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    private mutating func parseQualified() throws(LocatedError) -> ObservationExpression {
        let startDepth = depth
        defer { depth = startDepth }
        let bracketed = token.kind == .leftBracket
        var expression = try parseObservationPrimary()
        // cti-pattern-validator rejects two qualifiers of one kind applied directly to
        // a bracketed observation; on a parenthesised group they may repeat.
        var seen: Set<String>? = bracketed ? [] : nil
        while true {
            let qualifierStart = token
            let qualifier: Qualifier
            switch token.kind {
            case .word("WITHIN"): qualifier = try parseWithin()
            case .word("REPEATS"): qualifier = try parseRepeats()
            case .word("START"): qualifier = try parseStartStop()
            case .word("STOP"):
                throw LocatedError(message: "STOP must follow a START timestamp: START t'...' STOP t'...'", byteOffset: token.start)
            default: return expression
            }
            if seen?.contains(qualifier.kind) == true {
                throw LocatedError(message: "duplicate \(qualifier.kind) qualifier on the same observation expression", byteOffset: qualifierStart.start)
            }
            seen?.insert(qualifier.kind)
            try enterNesting(at: qualifierStart.start)
            expression = .qualified(expression, qualifier)
        }
    }

    private mutating func parseWithin() throws(LocatedError) -> Qualifier {
        try advance()
        guard case .number(let text) = token.kind, !text.hasPrefix("-"), let seconds = Double(text), seconds.isFinite else {
            throw unexpected("after WITHIN (expected a positive number of seconds)")
        }
        guard seconds > 0 else {
            throw LocatedError(message: "WITHIN requires a positive number of seconds", byteOffset: token.start)
        }
        try advance()
        try expectKeyword("SECONDS", after: "the WITHIN duration", note: ", the only time unit")
        return .within(seconds: seconds)
    }

    private mutating func parseRepeats() throws(LocatedError) -> Qualifier {
        try advance()
        guard case .number(let text) = token.kind, !text.hasPrefix("-"), !text.contains(".") else {
            throw unexpected("after REPEATS (expected a positive integer)")
        }
        guard let times = Int64(text) else {
            throw LocatedError(message: "REPEATS count \(clip(text)) is out of range", byteOffset: token.start)
        }
        guard times > 0 else {
            throw LocatedError(message: "REPEATS requires a positive integer count", byteOffset: token.start)
        }
        try advance()
        try expectKeyword("TIMES", after: "the REPEATS count")
        return .repeats(times: times)
    }

    private mutating func parseStartStop() throws(LocatedError) -> Qualifier {
        try advance()
        guard case .timestamp(let start) = token.kind else {
            throw unexpected("after START (expected a timestamp literal like t'2016-01-01T00:00:00Z')")
        }
        try advance()
        try expectKeyword("STOP", after: "the START timestamp")
        guard case .timestamp(let stop) = token.kind else {
            throw unexpected("after STOP (expected a timestamp literal like t'2016-01-01T00:00:00Z')")
        }
        guard LiteralRules.isEarlier(start, than: stop) else {
            throw LocatedError(message: "the STOP timestamp must be later than the START timestamp", byteOffset: token.start)
        }
        try advance()
        return .startStop(start: start, stop: stop)
    }

    private mutating func parseObservationPrimary() throws(LocatedError) -> ObservationExpression {
        let open = token
        switch token.kind {
        case .leftBracket:
            try enterNesting(at: open.start)
            try advance()
            if token.kind == .rightBracket {
                throw LocatedError(message: "empty observation expression: expected a comparison inside '[ ]'", byteOffset: token.start)
            }
            let tree = try parseComparisonOr()
            guard token.kind == .rightBracket else {
                throw unexpected("in the comparison expression (expected AND, OR or ']' to close the observation expression)")
            }
            try advance()
            leaveNesting()
            return .observation(tree)
        case .leftParen:
            try enterNesting(at: open.start)
            try advance()
            let inner = try parseFollowedBy()
            guard token.kind == .rightParen else {
                throw unexpected("in the parenthesised observation expression (expected AND, OR, FOLLOWEDBY, a qualifier or ')')")
            }
            try advance()
            leaveNesting()
            return inner
        default:
            if case .word(let w) = token.kind, !Keyword.isReserved(w) {
                if (try? peekKind()) == .colon {
                    throw LocatedError(message: "comparison expressions must be enclosed in square brackets: [\(w):...]", byteOffset: token.start)
                }
            }
            throw unexpected("where an observation expression should start (expected '[' or '(')")
        }
    }

    // MARK: Helpers

    mutating func advance() throws(LocatedError) {
        token = try lexer.next()
    }

    /// The kind of the token after the current one, without consuming anything.
    private func peekKind() throws(LocatedError) -> TokenKind {
        var copy = lexer
        return try copy.next().kind
    }

    private mutating func expectKeyword(_ keyword: String, after context: String, note: String = "") throws(LocatedError) {
        guard token.kind.isKeyword(keyword) else { throw unexpected("after \(context) (expected \(keyword)\(note))") }
        try advance()
    }

    mutating func leaveNesting() {
        depth -= 1
    }

    mutating func enterNesting(at offset: Int) throws(LocatedError) {
        depth += 1
        if depth > Parser.maximumDepth {
            throw LocatedError(message: "pattern nesting is deeper than the maximum of \(Parser.maximumDepth) levels", byteOffset: offset)
        }
    }

    func unexpected(_ context: String) -> LocatedError {
        var hint = ""
        if case .word(let w) = token.kind { hint = Keyword.caseHint(for: w) }
        let found = token.kind == .end ? "unexpected end of pattern" : "unexpected \(token.kind.display)"
        return LocatedError(message: "\(found) \(context)\(hint)", byteOffset: token.start)
    }
}
