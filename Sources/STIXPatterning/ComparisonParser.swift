// STIXPatterning — ComparisonParser: the part of the parser inside '[ ]': comparison expressions,
// object paths, operators and literals (propTest, objectPath, setLiteral, primitiveLiteral in
// STIXPattern.g4), including the operand-type and hash-value checks.

extension Parser {
    mutating func parseComparisonOr() throws(LocatedError) -> ComparisonExpressionTree {
        var items = [try parseComparisonAnd()]
        while token.kind.isKeyword("OR") {
            try advance()
            items.append(try parseComparisonAnd())
        }
        return items.count == 1 ? items[0] : .or(items)
    }

    private mutating func parseComparisonAnd() throws(LocatedError) -> ComparisonExpressionTree {
        var items = [try parsePropTest()]
        while token.kind.isKeyword("AND") {
            try advance()
            items.append(try parsePropTest())
        }
        return items.count == 1 ? items[0] : .and(items)
    }

    private mutating func parsePropTest() throws(LocatedError) -> ComparisonExpressionTree {
        switch token.kind {
        case .leftParen:
            let open = token
            try enterNesting(at: open.start)
            try advance()
            let inner = try parseComparisonOr()
            guard token.kind == .rightParen else {
                throw unexpected("in the parenthesised comparison expression (expected AND, OR or ')')")
            }
            try advance()
            leaveNesting()
            return inner
        case .word("EXISTS"):
            try advance()
            let path = try parseObjectPath()
            return .comparison(ComparisonExpression(path: path, negated: false, op: .exists, value: nil))
        case .word(let w) where !Keyword.isReserved(w):
            return .comparison(try parseComparison())
        case .leftBracket:
            throw LocatedError(message: "unexpected '[': observation expressions cannot be nested inside '[ ]'", byteOffset: token.start)
        default:
            throw unexpected("where a comparison should start (expected an object path such as file:name, EXISTS or '(')")
        }
    }

    private mutating func parseComparison() throws(LocatedError) -> ComparisonExpression {
        let path = try parseObjectPath()
        var negated = false
        if token.kind.isKeyword("NOT") {
            negated = true
            try advance()
        }
        let op: ComparisonOperator
        switch token.kind {
        case .equal: op = .equal
        case .notEqual: op = .notEqual
        case .less: op = .lessThan
        case .lessOrEqual: op = .lessThanOrEqual
        case .greater: op = .greaterThan
        case .greaterOrEqual: op = .greaterThanOrEqual
        case .word("IN"): op = .in
        case .word("LIKE"): op = .like
        case .word("MATCHES"): op = .matches
        case .word("ISSUBSET"): op = .isSubset
        case .word("ISSUPERSET"): op = .isSuperset
        case .word("EXISTS"):
            throw LocatedError(message: "EXISTS goes before the object path: EXISTS \(path.text)", byteOffset: token.start)
        default:
            throw unexpected("after object path \(clip(path.text, to: 80)) (expected a comparison operator: =, !=, <, <=, >, >=, IN, LIKE, MATCHES, ISSUBSET or ISSUPERSET)")
        }
        try advance()
        let valueStart = token.start
        let value: PatternLiteral
        switch op {
        case .in:
            value = try parseSetLiteral()
        case .like, .matches, .isSubset, .isSuperset:
            guard case .string(let s) = token.kind else {
                throw unexpected("after \(op.rawValue) (it requires a string literal in single quotes)")
            }
            try advance()
            value = .string(s)
        case .lessThan, .lessThanOrEqual, .greaterThan, .greaterThanOrEqual:
            value = try parseLiteral()
            if case .bool = value {
                throw LocatedError(message: "operator '\(op.rawValue)' requires an orderable literal (number, string, timestamp, hex or binary), not a boolean", byteOffset: valueStart)
            }
        default:
            value = try parseLiteral()
        }
        if op == .equal || op == .notEqual || op == .in {
            let strings: [String] = switch value {
            case .string(let s): [s]
            case .list(let items): items.compactMap { if case .string(let s) = $0 { s } else { nil } }
            default: []
            }
            for s in strings {
                if let problem = LiteralRules.hashProblem(path: path, value: s) {
                    throw LocatedError(message: problem, byteOffset: valueStart)
                }
            }
        }
        return ComparisonExpression(path: path, negated: negated, op: op, value: value)
    }

    private mutating func parseSetLiteral() throws(LocatedError) -> PatternLiteral {
        guard token.kind == .leftParen else {
            throw unexpected("after IN (it requires a parenthesised set such as ('a', 'b'))")
        }
        try advance()
        var items: [PatternLiteral] = []
        if token.kind == .rightParen {
            try advance()
            return .list(items)
        }
        while true {
            items.append(try parseLiteral())
            if token.kind == .comma {
                try advance()
                continue
            }
            guard token.kind == .rightParen else {
                throw unexpected("in the set literal (expected ',' or ')')")
            }
            try advance()
            return .list(items)
        }
    }

    private mutating func parseLiteral() throws(LocatedError) -> PatternLiteral {
        let literal: PatternLiteral
        switch token.kind {
        case .string(let s): literal = .string(s)
        case .hex(let h): literal = .hex(h)
        case .binary(let b): literal = .binary(b)
        case .timestamp(let t): literal = .timestamp(t)
        case .word("true"): literal = .bool(true)
        case .word("false"): literal = .bool(false)
        case .number(let text):
            if text.contains(".") {
                guard let d = Double(text), d.isFinite else {
                    throw LocatedError(message: "float literal \(clip(text)) is out of range", byteOffset: token.start)
                }
                literal = .float(d)
            } else {
                guard let n = Int64(text) else {
                    throw LocatedError(message: "integer literal \(clip(text)) is out of range (64-bit)", byteOffset: token.start)
                }
                literal = .integer(n)
            }
        case .word(let w) where !Keyword.isKeyword(w):
            throw LocatedError(message: "expected a literal value but found '\(clip(w))'\(Keyword.caseHint(for: w)) (string values must be in single quotes)", byteOffset: token.start)
        default:
            throw unexpected("where a literal value should be (string, number, boolean, timestamp, hex or binary)")
        }
        try advance()
        return literal
    }

    // MARK: Object paths

    private mutating func parseObjectPath() throws(LocatedError) -> ObjectPath {
        guard case .word(let objectType) = token.kind, !Keyword.isReserved(objectType) else {
            throw unexpected("where an object path should start (expected an object type such as file or network-traffic)")
        }
        try advance()
        guard token.kind == .colon else {
            if token.kind == .dot {
                throw LocatedError(message: "expected ':' between the object type '\(clip(objectType))' and the property name", byteOffset: token.start)
            }
            throw unexpected("after object type '\(clip(objectType))' (expected ':')")
        }
        try advance()
        var components = [PathComponent.property(try parsePropertyName())]
        while true {
            switch token.kind {
            case .dot:
                try advance()
                components.append(.property(try parsePropertyName()))
            case .leftBracket:
                try advance()
                switch token.kind {
                case .asterisk: components.append(.anyIndex)
                case .number(let text) where !text.contains("."):
                    guard let n = Int64(text) else {
                        throw LocatedError(message: "list index \(clip(text)) is out of range", byteOffset: token.start)
                    }
                    components.append(.index(n))
                default:
                    throw unexpected("in a list index (expected an integer or '*')")
                }
                try advance()
                guard token.kind == .rightBracket else { throw unexpected("after the list index (expected ']')") }
                try advance()
            default:
                return ObjectPath(objectType: objectType, components: components)
            }
        }
    }

    private mutating func parsePropertyName() throws(LocatedError) -> String {
        switch token.kind {
        case .string(let s):
            try advance()
            return s
        case .word(let w) where !Keyword.isReserved(w):
            if w.utf8.contains(UInt8(ascii: "-")) {
                throw LocatedError(message: "property name '\(clip(w))' contains '-' and must be quoted: \(clip(quoteString(w), to: 60))", byteOffset: token.start)
            }
            try advance()
            return w
        default:
            throw unexpected("where a property name should be (names other than [A-Za-z_][A-Za-z0-9_]* must be single-quoted)")
        }
    }
}
