// STIXPatterningTests — InvalidPatternTests: patterns that must be rejected, each with the
// message fragment and character offset the error must carry. The first group mirrors
// cti-pattern-validator's v2.1 FAIL_CASES.

import Testing
import STIXPatterning

struct InvalidCase: Sendable, CustomTestStringConvertible {
    let pattern: String
    let message: String
    let offset: Int
    init(_ pattern: String, _ message: String, at offset: Int) {
        self.pattern = pattern
        self.message = message
        self.offset = offset
    }
    var testDescription: String { pattern.count > 60 ? String(pattern.prefix(60)) + "…" : pattern }
}

let validatorFailCases: [InvalidCase] = [
    InvalidCase("file:size = 1280", "must be enclosed in square brackets", at: 0),
    InvalidCase("[file:size = ]", "unexpected ']' where a literal value should be", at: 13),
    InvalidCase("[file:hashes.MD5 = cead3f77f6cda6ec00f57d76c9a6879f]", "string values must be in single quotes", at: 19),
    InvalidCase("[file.size = 1280]", "expected ':' between the object type 'file' and the property name", at: 5),
    InvalidCase(#"[file:name MATCHES /.*\\.dll/]"#, "regular expressions must be written as quoted strings", at: 19),
    InvalidCase(#"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN ]"#, "unexpected ']' after WITHIN (expected a positive number of seconds)", at: 63),
    InvalidCase(#"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 HOURS]"#, "unexpected 'HOURS' after the WITHIN duration (expected SECONDS", at: 65),
    InvalidCase(#"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN -5 SECONDS]"#, "unexpected number -5 after WITHIN", at: 63),
    InvalidCase("[network-traffic:dst_ref.value ISSUBSET ]", "after ISSUBSET (it requires a string literal", at: 40),
    InvalidCase("[file:hashes.MD5 =? 'cead3f77f6cda6ec00f57d76c9a6879f']", "unexpected character '?'", at: 18),
    InvalidCase("[x_whatever:detected == t'2457-73-22T32:81:84.1Z']", "month 73 is out of range", at: 24),
    InvalidCase("[artifact:payload_bin = b'====']", "invalid binary literal", at: 24),
    InvalidCase("[foo:bar=1] within 2 seconds", "did you mean 'WITHIN'?", at: 12),
    InvalidCase("[file:hashes.'SHA-256' = 'f00']", "'f00' is not a valid SHA-256 hash", at: 25),
    InvalidCase(#"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] WITHIN 5 SECONDS WITHIN 6 SECONDS"#, "duplicate WITHIN qualifier", at: 73),
    InvalidCase(#"([win-registry-key:key = 'hkey_local_machine\\foo\\bar'] REPEATS 2 TIMES REPEATS 3 TIMES)"#, "duplicate REPEATS qualifier", at: 73),
    InvalidCase(#"[win-registry-key:key = 'hkey_local_machine\\foo\\bar'] START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z' START t'2016-06-01T01:30:00.123Z' STOP t'2016-06-01T02:20:00.123Z'"#, "duplicate START/STOP qualifier", at: 123),
]

let structureFailCases: [InvalidCase] = [
    InvalidCase("", "empty pattern", at: 0),
    InvalidCase("   /* only a comment */  ", "empty pattern", at: 25),
    InvalidCase("[]", "empty observation expression", at: 1),
    InvalidCase("[ ] AND [a:b = 1]", "empty observation expression", at: 2),
    InvalidCase("[a:b = 1", "unexpected end of pattern in the comparison expression (expected AND, OR or ']'", at: 8),
    InvalidCase("[a:b = 1]]", "unexpected ']' after the observation expression", at: 9),
    InvalidCase("[a:b = 1] garbage", "unexpected 'garbage' after the observation expression", at: 10),
    InvalidCase("[a:b = 1] AND", "unexpected end of pattern where an observation expression should start", at: 13),
    InvalidCase("[a:b = 1] and [c:d = 2]", "did you mean 'AND'?", at: 10),
    InvalidCase("[a:b = 1 and c:d = 2]", "did you mean 'AND'?", at: 9),
    InvalidCase("([a:b = 1]", "expected AND, OR, FOLLOWEDBY, a qualifier or ')'", at: 10),
    InvalidCase("[a:b = 1])", "unexpected ')' after the observation expression", at: 9),
    InvalidCase("[(a:b = 1]", "in the parenthesised comparison expression (expected AND, OR or ')')", at: 9),
    InvalidCase("[[a:b = 1]]", "observation expressions cannot be nested inside '[ ]'", at: 1),
    InvalidCase("[a:b = 1] FOLLOWEDBY", "where an observation expression should start", at: 20),
    InvalidCase("[a:b = 1] followedby [c:d = 2]", "did you mean 'FOLLOWEDBY'?", at: 10),
    InvalidCase("[a:b = 1 AND]", "unexpected ']' where a comparison should start", at: 12),
    InvalidCase("[a:b = 1 OR OR c:d = 2]", "unexpected keyword 'OR' where a comparison should start", at: 12),
    InvalidCase("[NOT a:b = 1]", "unexpected keyword 'NOT' where a comparison should start", at: 1),
    InvalidCase("[a:b = 1] /* unterminated", "unterminated comment", at: 10),
    InvalidCase("[a:b = 1] 🙂", "unexpected character '🙂'", at: 10),
    InvalidCase("[a:b = \"x\"]", "string literals use single quotes", at: 7),
    InvalidCase("[a:b ! 1]", "the not-equal operator is '!='", at: 5),
    InvalidCase("[a:b = 1] - [c:d = 2]", "a sign must be followed by a number", at: 10),
]

let pathFailCases: [InvalidCase] = [
    InvalidCase("[file: = 1]", "where a property name should be", at: 7),
    InvalidCase("[:name = 1]", "where a comparison should start", at: 1),
    InvalidCase("[file = 1]", "after object type 'file' (expected ':')", at: 6),
    InvalidCase("[file:extensions.windows-pebinary-ext.sections[*].entropy > 7.0]", "property name 'windows-pebinary-ext' contains '-' and must be quoted", at: 17),
    InvalidCase("[file:my-prop = 1]", "property name 'my-prop' contains '-' and must be quoted", at: 6),
    InvalidCase("[file:name. = 1]", "where a property name should be", at: 12),
    InvalidCase("[file:a[] = 1]", "in a list index (expected an integer or '*')", at: 8),
    InvalidCase("[file:a[1.5] = 1]", "in a list index", at: 8),
    InvalidCase("[file:a['x'] = 1]", "in a list index", at: 8),
    InvalidCase("[file:a[1 = 1]", "after the list index (expected ']')", at: 10),
    InvalidCase("[file:a[99999999999999999999] = 1]", "list index 99999999999999999999 is out of range", at: 8),
    InvalidCase("[file:IN = 1]", "unexpected keyword 'IN' where a property name should be", at: 6),
    InvalidCase("[AND:b = 1]", "unexpected keyword 'AND' where a comparison should start", at: 1),
    InvalidCase("[file:1abc = 1]", "where a property name should be", at: 6),
    InvalidCase("[file:name 'x']", "expected a comparison operator", at: 11),
]

let operatorFailCases: [InvalidCase] = [
    InvalidCase("[a:b IN 'x']", "after IN (it requires a parenthesised set", at: 8),
    InvalidCase("[a:b IN ('x' 'y')]", "in the set literal (expected ',' or ')')", at: 13),
    InvalidCase("[a:b IN ('x',)]", "where a literal value should be", at: 13),
    InvalidCase("[a:b IN (('x'))]", "where a literal value should be", at: 9),
    InvalidCase("[a:b LIKE 5]", "after LIKE (it requires a string literal", at: 10),
    InvalidCase("[a:b MATCHES h'00']", "after MATCHES (it requires a string literal", at: 13),
    InvalidCase("[a:b ISSUPERSET true]", "after ISSUPERSET (it requires a string literal", at: 16),
    InvalidCase("[a:b < true]", "requires an orderable literal", at: 7),
    InvalidCase("[a:b >= false]", "requires an orderable literal", at: 8),
    InvalidCase("[a:b EXISTS]", "EXISTS goes before the object path: EXISTS a:b", at: 5),
    InvalidCase("[NOT EXISTS a:b]", "unexpected keyword 'NOT'", at: 1),
    InvalidCase("[EXISTS a:b = 1]", "unexpected '=' in the comparison expression", at: 12),
    InvalidCase("[EXISTS]", "where an object path should start", at: 7),
    InvalidCase("[a:b NOT]", "expected a comparison operator", at: 8),
    InvalidCase("[a:b NOT NOT = 1]", "expected a comparison operator", at: 9),
    InvalidCase("[a:b like 'x%']", "did you mean 'LIKE'?", at: 5),
    InvalidCase("[a:b = TRUE]", "boolean literals are lower-case: 'true'", at: 7),
    InvalidCase("[a:b = AND]", "where a literal value should be", at: 7),
    InvalidCase("[a:b === 1]", "where a literal value should be", at: 7),
    InvalidCase("[a:b => 1]", "where a literal value should be", at: 6),
]

let literalFailCases: [InvalidCase] = [
    InvalidCase("[a:b = 'unterminated]", "unterminated string literal", at: 7),
    InvalidCase(#"[a:b = 'bad \n escape']"#, #"invalid escape sequence '\n'"#, at: 12),
    InvalidCase(#"[a:b = 'bad \"']"#, #"invalid escape sequence '\"'"#, at: 12),
    InvalidCase(#"[a:b = 'trailing \"#, "unterminated string literal", at: 7),
    InvalidCase("[a:b = 01]", "integer literals must not have leading zeros", at: 7),
    InvalidCase("[a:b = -007]", "integer literals must not have leading zeros", at: 7),
    InvalidCase("[a:b = 1.]", "a decimal point must be followed by digits", at: 8),
    InvalidCase("[a:b = 1e5]", "unexpected 'e5' in the comparison expression", at: 8),
    InvalidCase("[a:b = 9223372036854775808]", "integer literal 9223372036854775808 is out of range", at: 7),
    InvalidCase("[a:b = h'abc']", "even number of hex digits (found 3)", at: 7),
    InvalidCase("[a:b = h'zz']", "'z' is not a hex digit", at: 7),
    InvalidCase("[a:b = h'00]", "unterminated hex literal", at: 7),
    InvalidCase("[a:b = b'']", "it must contain base64 data", at: 7),
    InvalidCase("[a:b = b'abc']", "base64 length must be a multiple of 4 (found 3)", at: 7),
    InvalidCase("[a:b = b'ab=c']", "'=' is not a base64 character here", at: 7),
    InvalidCase("[a:b = b'a===']", "'=' is not a base64 character here", at: 7),
    InvalidCase("[a:b = b'ab-_']", "'-' is not a base64 character here", at: 7),
    InvalidCase("[a:b = t'2016-01-01']", "invalid timestamp literal must look like t'2016-01-01T00:00:00Z'", at: 7),
    InvalidCase("[a:b = t'2016-01-01T00:00:00']", "invalid timestamp literal", at: 7),
    InvalidCase("[a:b = t'2016-01-01T00:00:00+00:00']", "invalid timestamp literal", at: 7),
    InvalidCase("[a:b = t'2016-01-01 00:00:00Z']", "invalid timestamp literal", at: 7),
    InvalidCase("[a:b = t'2016-01-01T00:00:00.Z']", "invalid timestamp literal", at: 7),
    InvalidCase("[a:b = t'2016-01-01t00:00:00z']", "invalid timestamp literal", at: 7),
    InvalidCase("[a:b = t'2016-00-10T00:00:00Z']", "month 0 is out of range", at: 7),
    InvalidCase("[a:b = t'2015-02-29T00:00:00Z']", "day 29 does not exist in 2015-02", at: 7),
    InvalidCase("[a:b = t'1900-02-29T00:00:00Z']", "day 29 does not exist in 1900-02", at: 7),
    InvalidCase("[a:b = t'2016-04-31T00:00:00Z']", "day 31 does not exist in 2016-04", at: 7),
    InvalidCase("[a:b = t'2016-01-01T24:00:00Z']", "hour 24 is out of range", at: 7),
    InvalidCase("[a:b = t'2016-01-01T00:60:00Z']", "minute 60 is out of range", at: 7),
    InvalidCase("[a:b = t'2016-01-01T00:00:61Z']", "second 61 is out of range", at: 7),
    InvalidCase("[file:hashes.MD5 = 'cead3f77f6cda6ec00f57d76c9a6879']", "is not a valid MD5 hash", at: 19),
    InvalidCase("[file:hashes.'SHA-1' != 'not-hex-not-hex-not-hex-not-hex-not-hex!']", "is not a valid SHA-1 hash", at: 24),
    InvalidCase("[file:hashes.MD5 IN ('cead3f77f6cda6ec00f57d76c9a6879f', 'nope')]", "'nope' is not a valid MD5 hash", at: 20),
    InvalidCase("[file:hashes.SSDEEP = 'has spaces']", "is not a valid SSDEEP hash", at: 22),
]

let qualifierFailCases: [InvalidCase] = [
    InvalidCase("[a:b = 1] WITHIN 0 SECONDS", "WITHIN requires a positive number of seconds", at: 17),
    InvalidCase("[a:b = 1] WITHIN 0.0 SECONDS", "WITHIN requires a positive number of seconds", at: 17),
    InvalidCase("[a:b = 1] WITHIN 5", "after the WITHIN duration (expected SECONDS", at: 18),
    InvalidCase("[a:b = 1] WITHIN '5' SECONDS", "after WITHIN (expected a positive number of seconds)", at: 17),
    InvalidCase("[a:b = 1] REPEATS 0 TIMES", "REPEATS requires a positive integer count", at: 18),
    InvalidCase("[a:b = 1] REPEATS -2 TIMES", "after REPEATS (expected a positive integer)", at: 18),
    InvalidCase("[a:b = 1] REPEATS 2.5 TIMES", "after REPEATS (expected a positive integer)", at: 18),
    InvalidCase("[a:b = 1] REPEATS 2", "after the REPEATS count (expected TIMES)", at: 19),
    InvalidCase("[a:b = 1] REPEATS 99999999999999999999 TIMES", "REPEATS count 99999999999999999999 is out of range", at: 18),
    InvalidCase("[a:b = 1] START '2016-01-01T00:00:00Z' STOP '2016-01-02T00:00:00Z'", "after START (expected a timestamp literal", at: 16),
    InvalidCase("[a:b = 1] START t'2016-01-01T00:00:00Z'", "after the START timestamp (expected STOP)", at: 39),
    InvalidCase("[a:b = 1] START t'2016-01-01T00:00:00Z' STOP 5", "after STOP (expected a timestamp literal", at: 45),
    InvalidCase("[a:b = 1] STOP t'2016-01-01T00:00:00Z'", "STOP must follow a START timestamp", at: 10),
    InvalidCase("[a:b = 1] START t'2016-01-02T00:00:00Z' STOP t'2016-01-01T00:00:00Z'", "the STOP timestamp must be later than the START timestamp", at: 45),
    InvalidCase("[a:b = 1] START t'2016-01-01T00:00:00.5Z' STOP t'2016-01-01T00:00:00.50Z'", "the STOP timestamp must be later than the START timestamp", at: 47),
    InvalidCase("[a:b = 1] WITHIN 5 SECONDS REPEATS 2 TIMES WITHIN 5 SECONDS", "duplicate WITHIN qualifier", at: 43),
    InvalidCase("[a:b = 1] LAST 5 SECONDS", "unexpected keyword 'LAST' after the observation expression", at: 10),
]

@Test("cti-pattern-validator failing cases are rejected", arguments: validatorFailCases)
func validatorFailCase(_ c: InvalidCase) { expectRejected(c) }

@Test("malformed structure is rejected", arguments: structureFailCases)
func structureFailCase(_ c: InvalidCase) { expectRejected(c) }

@Test("malformed object paths are rejected", arguments: pathFailCases)
func pathFailCase(_ c: InvalidCase) { expectRejected(c) }

@Test("operator / operand mismatches are rejected", arguments: operatorFailCases)
func operatorFailCase(_ c: InvalidCase) { expectRejected(c) }

@Test("malformed literals are rejected", arguments: literalFailCases)
func literalFailCase(_ c: InvalidCase) { expectRejected(c) }

@Test("malformed qualifiers are rejected", arguments: qualifierFailCases)
func qualifierFailCase(_ c: InvalidCase) { expectRejected(c) }

func expectRejected(_ c: InvalidCase, sourceLocation: SourceLocation = #_sourceLocation) {
    do {
        let pattern = try STIXPattern.parse(c.pattern)
        Issue.record("accepted invalid pattern, parsed as \(pattern)", sourceLocation: sourceLocation)
    } catch let error as PatternSyntaxError {
        #expect(error.message.contains(c.message), "message was: \(error.message)", sourceLocation: sourceLocation)
        #expect(error.offset == c.offset, "message was: \(error.message)", sourceLocation: sourceLocation)
        #expect(error.description == "offset \(error.offset): \(error.message)", sourceLocation: sourceLocation)
    } catch {
        Issue.record("threw a non-PatternSyntaxError: \(error)", sourceLocation: sourceLocation)
    }
}

@Test func errorOffsetsCountCharactersNotBytes() {
    // "é" and "🙂" are multi-byte in UTF-8 but one Character each.
    #expect(throws: PatternSyntaxError(message: "unexpected character '?'", offset: 11)) {
        try STIXPattern.parse("[a:b = 'é🙂'?]")
    }
}
