// STIXPatterningTests — TreeShapeTests: the syntax tree the parser builds (precedence, flattening,
// qualifiers, object paths, operators) and the order of `comparisons`.

import Testing
import STIXPatterning

private func cmp(_ type: String, _ property: String, _ value: PatternLiteral) -> ComparisonExpression {
    ComparisonExpression(path: ObjectPath(objectType: type, components: [.property(property)]),
                         negated: false, op: .equal, value: value)
}

private func obs(_ c: ComparisonExpression) -> ObservationExpression { .observation(.comparison(c)) }

@Test func singleComparison() throws {
    let p = try STIXPattern.parse("[file:size = 1280]")
    #expect(p.root == obs(cmp("file", "size", .integer(1280))))
    #expect(p.comparisons == [cmp("file", "size", .integer(1280))])
}

@Test func observationPrecedenceIsFollowedByThenOrThenAnd() throws {
    let p = try STIXPattern.parse("[a:x = 1] AND [b:x = 2] OR [c:x = 3] FOLLOWEDBY [d:x = 4] AND [e:x = 5]")
    let (a, b, c, d, e) = (obs(cmp("a", "x", .integer(1))), obs(cmp("b", "x", .integer(2))),
                           obs(cmp("c", "x", .integer(3))), obs(cmp("d", "x", .integer(4))),
                           obs(cmp("e", "x", .integer(5))))
    #expect(p.root == .followedBy([.or([.and([a, b]), c]), .and([d, e])]))
    #expect(p.comparisons.map(\.path.objectType) == ["a", "b", "c", "d", "e"])
    #expect(p.objectTypes == ["a", "b", "c", "d", "e"])
}

@Test func sameOperatorChainsAreFlattenedButParenthesesAreKept() throws {
    let a = obs(cmp("a", "x", .integer(1))), b = obs(cmp("b", "x", .integer(2))), c = obs(cmp("c", "x", .integer(3)))
    #expect(try STIXPattern.parse("[a:x = 1] OR [b:x = 2] OR [c:x = 3]").root == .or([a, b, c]))
    #expect(try STIXPattern.parse("([a:x = 1] OR [b:x = 2]) OR [c:x = 3]").root == .or([.or([a, b]), c]))
    #expect(try STIXPattern.parse("[a:x = 1] AND ([b:x = 2] OR [c:x = 3])").root == .and([a, .or([b, c])]))
    #expect(try STIXPattern.parse("((([a:x = 1])))").root == a)
}

@Test func comparisonPrecedenceIsOrThenAnd() throws {
    let p = try STIXPattern.parse("[a:x = 1 OR a:y = 2 AND a:z = 3 OR (a:w = 4 OR a:v = 5)]")
    let x = ComparisonExpressionTree.comparison(cmp("a", "x", .integer(1)))
    let y = ComparisonExpressionTree.comparison(cmp("a", "y", .integer(2)))
    let z = ComparisonExpressionTree.comparison(cmp("a", "z", .integer(3)))
    let w = ComparisonExpressionTree.comparison(cmp("a", "w", .integer(4)))
    let v = ComparisonExpressionTree.comparison(cmp("a", "v", .integer(5)))
    #expect(p.root == .observation(.or([x, .and([y, z]), .or([w, v])])))
    #expect(p.comparisons.map { $0.path.text } == ["a:x", "a:y", "a:z", "a:w", "a:v"])
}

@Test func qualifiersBindTighterThanOperatorsAndNestInOrder() throws {
    let p = try STIXPattern.parse(
        "[a:x = 1] REPEATS 5 TIMES WITHIN 1800 SECONDS AND [b:x = 2] START t'2016-01-01T00:00:00Z' STOP t'2016-02-01T00:00:00Z'")
    let a = obs(cmp("a", "x", .integer(1))), b = obs(cmp("b", "x", .integer(2)))
    #expect(p.root == .and([
        .qualified(.qualified(a, .repeats(times: 5)), .within(seconds: 1800)),
        .qualified(b, .startStop(start: "2016-01-01T00:00:00Z", stop: "2016-02-01T00:00:00Z")),
    ]))
}

@Test func qualifierOnAParenthesisedGroup() throws {
    let p = try STIXPattern.parse("([a:x = 1] FOLLOWEDBY [b:x = 2]) WITHIN 2.5 SECONDS")
    let a = obs(cmp("a", "x", .integer(1))), b = obs(cmp("b", "x", .integer(2)))
    #expect(p.root == .qualified(.followedBy([a, b]), .within(seconds: 2.5)))
    #expect(p.description == "([a:x = 1] FOLLOWEDBY [b:x = 2]) WITHIN 2.5 SECONDS")
}

@Test func repeatedQualifierKindOnAGroupRoundTripsWithParentheses() throws {
    let p = try STIXPattern.parse("([a:x = 1]) WITHIN 5 SECONDS WITHIN 6 SECONDS")
    let a = obs(cmp("a", "x", .integer(1)))
    #expect(p.root == .qualified(.qualified(a, .within(seconds: 5)), .within(seconds: 6)))
    #expect(p.description == "([a:x = 1] WITHIN 5 SECONDS) WITHIN 6 SECONDS")
    #expect(try STIXPattern.parse(p.description) == p)
}

@Test func objectPathComponentsAndCanonicalText() throws {
    let p = try STIXPattern.parse("[file:extensions.'windows-pebinary-ext'.sections[*].entropy > 7.0]")
    let c = try #require(p.comparisons.first)
    #expect(c.path.objectType == "file")
    #expect(c.path.components == [.property("extensions"), .property("windows-pebinary-ext"),
                                  .property("sections"), .anyIndex, .property("entropy")])
    #expect(c.path.text == "file:extensions.'windows-pebinary-ext'.sections[*].entropy")
    #expect(c.path.propertyNames == ["extensions", "windows-pebinary-ext", "sections", "entropy"])
    #expect(c.op == .greaterThan)
    #expect(c.value == .float(7.0))

    let q = try STIXPattern.parse("[obj-type:a.b[*][1][-2].'c-d'.'it\\'s'.'AND'.'plain' NOT ISSUPERSET '1.2.3.4/16']")
    let path = try #require(q.comparisons.first?.path)
    #expect(path.components == [.property("a"), .property("b"), .anyIndex, .index(1), .index(-2),
                                .property("c-d"), .property("it's"), .property("AND"), .property("plain")])
    #expect(path.text == "obj-type:a.b[*][1][-2].'c-d'.'it\\'s'.'AND'.plain")
    #expect(q.comparisons.first?.negated == true)
    #expect(q.comparisons.first?.op == .isSuperset)
}

@Test func hashPathTextIsQuotedOnlyWhenNeeded() throws {
    let p = try STIXPattern.parse(
        "[file:hashes.'SHA-256' = 'aec070645fe53ee3b3763059376134f058cc337247c978add178b6ccdfb0019f' OR file:hashes.'MD5' = 'cead3f77f6cda6ec00f57d76c9a6879f']")
    #expect(p.comparisons.map(\.path.text) == ["file:hashes.'SHA-256'", "file:hashes.MD5"])
}

@Test func everyOperatorIsRecognised() throws {
    let cases: [(String, ComparisonOperator, Bool)] = [
        ("[a:b = 1]", .equal, false), ("[a:b == 1]", .equal, false), ("[a:b != 1]", .notEqual, false),
        ("[a:b <> 1]", .notEqual, false), ("[a:b < 1]", .lessThan, false), ("[a:b <= 1]", .lessThanOrEqual, false),
        ("[a:b > 1]", .greaterThan, false), ("[a:b >= 1]", .greaterThanOrEqual, false),
        ("[a:b IN (1)]", .in, false), ("[a:b NOT IN (1)]", .in, true), ("[a:b LIKE 'x']", .like, false),
        ("[a:b NOT LIKE 'x']", .like, true), ("[a:b MATCHES 'x']", .matches, false),
        ("[a:b ISSUBSET 'x']", .isSubset, false), ("[a:b ISSUPERSET 'x']", .isSuperset, false),
        ("[a:b NOT = 1]", .equal, true), ("[a:b NOT >= 1]", .greaterThanOrEqual, true),
        ("[EXISTS a:b]", .exists, false),
    ]
    for (text, op, negated) in cases {
        let c = try #require(try STIXPattern.parse(text).comparisons.first, "\(text)")
        #expect(c.op == op, "\(text)")
        #expect(c.negated == negated, "\(text)")
        #expect(c.path.text == "a:b", "\(text)")
    }
}

@Test func existsHasNoValue() throws {
    let p = try STIXPattern.parse("[EXISTS windows-registry-key:values[*].name AND windows-registry-key:key = 'k']")
    #expect(p.comparisons.count == 2)
    #expect(p.comparisons[0].op == .exists)
    #expect(p.comparisons[0].value == nil)
    #expect(p.comparisons[0].path.components == [.property("values"), .anyIndex, .property("name")])
    #expect(p.comparisons[0].description == "EXISTS windows-registry-key:values[*].name")
}

@Test func setLiteralsKeepOrderAndTypes() throws {
    let p = try STIXPattern.parse("[network-traffic:dst_port NOT IN (443, 8443, 'x', true, 1.5, h'0a')]")
    let c = try #require(p.comparisons.first)
    #expect(c.negated)
    #expect(c.value == .list([.integer(443), .integer(8443), .string("x"), .bool(true), .float(1.5), .hex("0a")]))
    #expect(try STIXPattern.parse("[a:b IN ()]").comparisons.first?.value == .list([]))
}

@Test func comparisonsAreInOrderOfAppearanceAcrossObservations() throws {
    let p = try STIXPattern.parse(
        "([file:name = 'a' AND (file:size > 1 OR file:size < 0)] FOLLOWEDBY [ipv4-addr:value = '10.0.0.1']) WITHIN 60 SECONDS OR [url:value LIKE 'http%']")
    #expect(p.comparisons.map(\.description) == [
        "file:name = 'a'", "file:size > 1", "file:size < 0", "ipv4-addr:value = '10.0.0.1'", "url:value LIKE 'http%'",
    ])
    #expect(p.objectTypes == ["file", "ipv4-addr", "url"])
}

@Test func subtreeComparisonsMatchWholePattern() throws {
    let p = try STIXPattern.parse("[a:x = 1 AND a:y = 2] OR [b:z = 3]")
    guard case .or(let items) = p.root, case .observation(let first) = items[0] else {
        Issue.record("unexpected tree \(p.root)"); return
    }
    #expect(first.comparisons.map(\.path.text) == ["a:x", "a:y"])
    #expect(items[1].comparisons.map(\.path.text) == ["b:z"])
}
