// STIXPatterningTests — LiteralTests: how literal text is decoded into PatternLiteral values and
// written back.

import Testing
import STIXPatterning

private func value(_ literalText: String) throws -> PatternLiteral? {
    try STIXPattern.parse("[a:b = \(literalText)]").comparisons.first?.value
}

@Test func stringEscapesAreResolved() throws {
    #expect(try value(#"'it\'s'"#) == .string("it's"))
    #expect(try value(#"'C:\\Windows\\System32'"#) == .string(#"C:\Windows\System32"#))
    #expect(try value("''") == .string(""))
    #expect(try value("'日本語 🙂'") == .string("日本語 🙂"))
    #expect(try value("'a\nb'") == .string("a\nb"))
    #expect(PatternLiteral.string(#"it's \ here"#).description == #"'it\'s \\ here'"#)
}

@Test func integersAreSigned64Bit() throws {
    #expect(try value("0") == .integer(0))
    #expect(try value("-0") == .integer(0))
    #expect(try value("+42") == .integer(42))
    #expect(try value("-9223372036854775808") == .integer(.min))
    #expect(try value("9223372036854775807") == .integer(.max))
}

@Test func floatsNeedADecimalPoint() throws {
    #expect(try value("7.0") == .float(7))
    #expect(try value(".5") == .float(0.5))
    #expect(try value("-.5") == .float(-0.5))
    #expect(try value("+003.25") == .float(3.25))
}

@Test func floatsAreWrittenWithoutExponents() throws {
    #expect(PatternLiteral.float(7).description == "7.0")
    #expect(PatternLiteral.float(0.00001).description == "0.00001")
    #expect(PatternLiteral.float(-1.5e20).description == "-150000000000000000000.0")
    #expect(PatternLiteral.float(1.25e-7).description == "0.000000125")
    for d in [0.00001, 1.5e20, 1.25e-7, 123.456, 1e300, Double.leastNonzeroMagnitude, Double.greatestFiniteMagnitude] {
        let text = PatternLiteral.float(d).description
        #expect(!text.contains("e"), "\(text)")
        #expect(try value(text) == .float(d), "\(text)")
    }
}

@Test func typedLiteralsKeepTheirText() throws {
    #expect(try value("true") == .bool(true))
    #expect(try value("false") == .bool(false))
    #expect(try value("h'0A1b'") == .hex("0A1b"))
    #expect(try value("b'dGhpcyBpcyBhIHRlc3Q='") == .binary("dGhpcyBpcyBhIHRlc3Q="))
    #expect(try value("t'2016-01-01T00:00:00.123Z'") == .timestamp("2016-01-01T00:00:00.123Z"))
    #expect(PatternLiteral.list([.integer(1), .string("x"), .timestamp("2016-01-01T00:00:00Z")]).description
            == "(1, 'x', t'2016-01-01T00:00:00Z')")
}

@Test func timestampCalendarRules() throws {
    #expect(try value("t'2000-02-29T00:00:00Z'") == .timestamp("2000-02-29T00:00:00Z"))  // divisible by 400
    #expect(try value("t'2024-02-29T23:59:59Z'") == .timestamp("2024-02-29T23:59:59Z"))
    #expect(try value("t'2016-12-31T23:59:60Z'") == .timestamp("2016-12-31T23:59:60Z"))  // leap second
    #expect(throws: PatternSyntaxError.self) { try value("t'2100-02-29T00:00:00Z'") }
    #expect(throws: PatternSyntaxError.self) { try value("t'2016-06-31T00:00:00Z'") }
}

@Test func withinSecondsAcceptsIntegersAndDecimals() throws {
    let root = try STIXPattern.parse("[a:b = 1] WITHIN 0.001 SECONDS").root
    #expect(root == .qualified(.observation(.comparison(ComparisonExpression(
        path: ObjectPath(objectType: "a", components: [.property("b")]), negated: false, op: .equal,
        value: .integer(1)))), .within(seconds: 0.001)))
    #expect(Qualifier.within(seconds: 300).description == "WITHIN 300 SECONDS")
    #expect(Qualifier.within(seconds: 0.001).description == "WITHIN 0.001 SECONDS")
    #expect(Qualifier.repeats(times: 3).description == "REPEATS 3 TIMES")
}

@Test func startStopOrderingComparesFractions() throws {
    #expect(throws: Never.self) {
        try STIXPattern.parse("[a:b = 1] START t'2016-01-01T00:00:00.09Z' STOP t'2016-01-01T00:00:00.1Z'")
    }
    #expect(throws: Never.self) {
        try STIXPattern.parse("[a:b = 1] START t'2016-01-01T00:00:00Z' STOP t'2016-01-01T00:00:00.000001Z'")
    }
    #expect(throws: PatternSyntaxError.self) {
        try STIXPattern.parse("[a:b = 1] START t'2016-01-01T00:00:00.100Z' STOP t'2016-01-01T00:00:00.1Z'")
    }
}
