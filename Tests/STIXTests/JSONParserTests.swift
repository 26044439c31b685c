// STIXTests — JSONParserTests.swift
// Owns the tests of JSONParser and JSONValue: well-formed documents, every class of malformed
// input with its offset, the depth and string limits, Unicode round trips and serialization.

import Testing
import STIX

private func parse(_ text: String, limits: JSONLimits = .standard) throws -> JSONValue {
    try JSONParser.parse(Array(text.utf8), limits: limits)
}

private func syntaxError(_ bytes: [UInt8], limits: JSONLimits = .standard) -> JSONSyntaxError? {
    do {
        _ = try JSONParser.parse(bytes, limits: limits)
        return nil
    } catch let error as JSONSyntaxError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

struct Malformed: Sendable, CustomTestStringConvertible {
    let label: String
    let bytes: [UInt8]
    let expected: String
    let offset: Int?
    var testDescription: String { label }

    init(_ label: String, _ text: String, _ expected: String, at offset: Int? = nil) {
        self.init(label, Array(text.utf8), expected, at: offset)
    }

    init(_ label: String, _ bytes: [UInt8], _ expected: String, at offset: Int? = nil) {
        self.label = label; self.bytes = bytes; self.expected = expected; self.offset = offset
    }
}

let malformedDocuments: [Malformed] = [
    Malformed("empty input", "", "the input is empty", at: 0),
    Malformed("only whitespace", "  \n ", "expected a value but the input ended"),
    Malformed("trailing comma in array", "[1,2,]", "trailing comma before ']'", at: 5),
    Malformed("trailing comma in object", #"{"a":1,}"#, "trailing comma before '}'", at: 7),
    Malformed("missing comma", #"{"a":1 "b":2}"#, "expected ',' or '}'", at: 7),
    Malformed("missing colon", #"{"a" 1}"#, "expected ':' after a member name", at: 5),
    Malformed("unquoted key", #"{a:1}"#, "expected a member name in double quotes", at: 1),
    Malformed("single quotes", "['a']", "expected a value", at: 1),
    Malformed("unterminated string", #"{"a":"abc"#, "unterminated string", at: 5),
    Malformed("unterminated array", "[1,2", "unterminated array"),
    Malformed("unterminated object", #"{"a":1"#, "unterminated object"),
    Malformed("bad escape", #"["a\qb"]"#, "invalid escape sequence '\\q'", at: 3),
    Malformed("short unicode escape", #"["\u12"]"#, "invalid \\u escape", at: 2),
    Malformed("non-hex unicode escape", #"["\u12G4"]"#, "invalid \\u escape", at: 2),
    Malformed("lone high surrogate", #"["\uD83D"]"#, "lone high surrogate \\uD83D", at: 2),
    Malformed("high surrogate then letter", #"["\uD83Dx"]"#, "lone high surrogate", at: 2),
    Malformed("high surrogate then high surrogate", #"["\uD83D\uD83D"]"#, "lone high surrogate", at: 2),
    Malformed("lone low surrogate", #"["\uDE00"]"#, "lone low surrogate \\uDE00", at: 2),
    Malformed("invalid UTF-8 byte", [0x5B, 0x22, 0x61, 0xFF, 0x22, 0x5D], "invalid UTF-8", at: 3),
    Malformed("truncated UTF-8 sequence", [0x5B, 0x22, 0xE6, 0x97, 0x22, 0x5D], "invalid UTF-8", at: 2),
    Malformed("overlong UTF-8", [0x5B, 0x22, 0xC0, 0xAF, 0x22, 0x5D], "invalid UTF-8", at: 2),
    Malformed("UTF-8 encoded surrogate", [0x5B, 0x22, 0xED, 0xA0, 0x80, 0x22, 0x5D], "invalid UTF-8", at: 2),
    Malformed("UTF-8 beyond U+10FFFF", [0x5B, 0x22, 0xF4, 0x90, 0x80, 0x80, 0x22, 0x5D], "invalid UTF-8", at: 2),
    Malformed("invalid UTF-8 outside strings", [0x5B, 0xC3, 0xA9, 0x5D], "expected a value", at: 1),
    Malformed("raw NUL in string", [0x5B, 0x22, 0x61, 0x00, 0x62, 0x22, 0x5D], "control character 0x00 must be escaped", at: 3),
    Malformed("raw newline in string", "[\"a\nb\"]", "control character 0x0A must be escaped", at: 3),
    Malformed("raw tab in string", "[\"a\tb\"]", "control character 0x09", at: 3),
    Malformed("leading zero", "[01]", "leading zeros", at: 1),
    Malformed("negative leading zero", "[-012]", "leading zeros", at: 1),
    Malformed("plus sign", "[+1]", "expected a value", at: 1),
    Malformed("bare minus", "[-]", "needs a digit after '-'"),
    Malformed("NaN", "[NaN]", "expected a value", at: 1),
    Malformed("Infinity", "[-Infinity]", "needs a digit after '-'"),
    Malformed("trailing decimal point", "[1.]", "expected a digit after the decimal point"),
    Malformed("leading decimal point", "[.5]", "expected a value"),
    Malformed("empty exponent", "[1e]", "expected a digit in the exponent"),
    Malformed("hex number", "[0x10]", "expected ',' or ']'"),
    Malformed("line comment", "[1] // c", "unexpected '/' after the end of the JSON value"),
    Malformed("block comment", "[/* c */ 1]", "expected a value"),
    Malformed("misspelt literal", "[tru]", "invalid literal (expected 'true')"),
    Malformed("capitalised literal", "[True]", "expected a value"),
    Malformed("two documents", "{} {}", "after the end of the JSON value", at: 3),
    Malformed("duplicate keys", #"{"a":1,"b":2,"a":3}"#, "duplicate member name \"a\"", at: 13),
    Malformed("duplicate keys in a nested object", #"{"o":{"x":1,"x":1}}"#, "duplicate member name \"x\""),
    Malformed("duplicate keys after escapes", #"{"a":1,"\u0061":2}"#, "duplicate member name \"a\""),
]

@Suite("JSON parser")
struct JSONParserTests {
    @Test("malformed documents are rejected with a clear reason", arguments: malformedDocuments)
    func malformed(_ document: Malformed) {
        guard let error = syntaxError(document.bytes) else {
            Issue.record("\(document.label) should be rejected")
            return
        }
        #expect(error.message.contains(document.expected), "got: \(error)")
        if let offset = document.offset { #expect(error.offset == offset, "got: \(error)") }
        #expect(error.description.hasPrefix("JSON syntax error at byte \(error.offset): "))
    }

    @Test("duplicate keys are found in large objects too")
    func duplicateInLargeObject() {
        var text = "{"
        for i in 0..<100 { text += "\"k\(i)\":\(i)," }
        text += "\"k57\":0}"
        #expect(syntaxError(Array(text.utf8))?.message.contains("duplicate member name \"k57\"") == true)
    }

    @Test("well-formed values of every kind")
    func wellFormed() throws {
        let value = try parse(#" { "s":"x\"\\\/\b\f\n\r\t\u00e9\ud83d\ude00", "n":[0,-0,1.5,-2e10,3E+2,4e-3,12345678901234567890123], "t":true, "f":false, "z":null, "o":{}, "a":[] } "#)
        #expect(value["s"]?.stringValue == "x\"\\/\u{8}\u{c}\n\r\té😀")
        #expect(value["n"]?.arrayValue?.compactMap(\.numberText) == ["0", "-0", "1.5", "-2e10", "3E+2", "4e-3", "12345678901234567890123"])
        #expect(value["t"] == .bool(true))
        #expect(value["f"] == .bool(false))
        #expect(value["z"] == .null)
        #expect(value["o"] == .object(JSONObject()))
        #expect(value["a"] == .array([]))
        #expect(value.objectValue?.keys == ["s", "n", "t", "f", "z", "o", "a"])
        #expect(try parse("\"top-level string\"") == .string("top-level string"))
        #expect(try parse(" 42 ") == .number("42"))
        #expect(try parse("[\"\\u0000\"]") == .array([.string("\u{0}")]))
    }

    @Test("a UTF-8 byte order mark is ignored")
    func byteOrderMark() throws {
        let value = try JSONParser.parse([0xEF, 0xBB, 0xBF] + Array("{\"a\":1}".utf8))
        #expect(value["a"]?.integerValue == 1)
    }

    @Test("Japanese and other Unicode text round-trips")
    func unicodeRoundTrip() throws {
        let text = "日本語のテキスト、絵文字🇯🇵、結合文字が\u{3099}、ハングル한국어, Ελληνικά"
        let document: JSONValue = ["description": .string(text), "escaped": "\u{1F600}"]
        let bytes = document.serialized()
        #expect(String(decoding: bytes, as: UTF8.self).contains("日本語のテキスト"))
        let reparsed = try JSONParser.parse(bytes)
        #expect(reparsed == document)
        #expect(reparsed["description"]?.stringValue?.unicodeScalars.elementsEqual(text.unicodeScalars) == true)
        // Escaped input decodes to the same text.
        let escaped = try parse(#"{"d":"\u65e5\u672c\ud83c\uddef\ud83c\uddf5"}"#)
        #expect(escaped["d"]?.stringValue == "日本🇯🇵")
    }

    @Test("serialization is compact, ordered, and escapes only what it must")
    func serialization() throws {
        let text = #"{ "b" : [1, 2.50, -3e2], "a" : "line\nbreak \"q\" \\ / \u0001 日本\t\r\b\f\u001F", "c": {"x": null, "y": true} }"#
        let value = try parse(text)
        let out = value.serializedText
        #expect(out == #"{"b":[1,2.50,-3e2],"a":"line\nbreak \"q\" \\ / \u0001 日本\t\r\b\f\u001f","c":{"x":null,"y":true}}"#)
        #expect(try JSONParser.parse(value.serialized()) == value)
    }

    @Test("object equality ignores member order; lookups work for large objects")
    func objectSemantics() throws {
        #expect(try parse(#"{"a":1,"b":[true]}"#) == parse(#"{"b":[true],"a":1}"#))
        #expect(try parse(#"{"a":1}"#) != parse(#"{"a":2}"#))
        var members: [(String, JSONValue)] = []
        for i in 0..<200 { members.append(("key_\(i)", .number(String(i)))) }
        var object = JSONObject(members)
        #expect(object.count == 200)
        #expect(object["key_150"] == .number("150"))
        #expect(object["missing"] == nil)
        object["key_150"] = nil
        #expect(object["key_150"] == nil)
        #expect(object["key_151"] == .number("151"))
        #expect(object.count == 199)
        object["new"] = "value"
        #expect(object.keys.last == "new")
        #expect(object["new"]?.stringValue == "value")
    }

    @Test("the depth bomb is rejected by the depth limit, quickly")
    func depthBomb() {
        let bomb = [UInt8](repeating: UInt8(ascii: "["), count: 100_000) + [UInt8](repeating: UInt8(ascii: "]"), count: 100_000)
        let clock = ContinuousClock()
        var error: JSONSyntaxError?
        let elapsed = clock.measure { error = syntaxError(bomb) }
        #expect(error?.message.contains("nesting is deeper than the limit of 64 levels") == true)
        #expect(error?.offset == 64)
        #expect(elapsed < .seconds(1))
        // Objects too, and a huge configured limit is capped so the stack stays safe.
        let objectBomb = Array(String(repeating: #"{"a":"#, count: 100_000).utf8)
        #expect(syntaxError(objectBomb, limits: JSONLimits(maxDepth: 10_000_000))?.message
            .contains("limit of \(JSONLimits.depthCeiling) levels") == true)
    }

    @Test("nesting up to the depth ceiling parses safely off the main thread")
    func ceilingDepth() async throws {
        let depth = JSONLimits.depthCeiling
        let arrays = Array((String(repeating: "[", count: depth) + String(repeating: "]", count: depth)).utf8)
        let objects = Array((String(repeating: #"{"a":"#, count: depth - 1) + "{}" + String(repeating: "}", count: depth - 1)).utf8)
        let limits = JSONLimits(maxDepth: .max, maxStringBytes: 1 << 20)
        let parsed = try await Task.detached { () throws -> (JSONValue, JSONValue) in
            (try JSONParser.parse(arrays, limits: limits), try JSONParser.parse(objects, limits: limits))
        }.value
        #expect(parsed.0.arrayValue?.count == 1)
        #expect(parsed.1["a"] != nil)
        #expect(parsed.1.serialized().count == objects.count)
    }

    @Test("exactly maxDepth levels are allowed")
    func depthBoundary() throws {
        let limits = JSONLimits(maxDepth: 5)
        let five = Array((String(repeating: "[", count: 5) + String(repeating: "]", count: 5)).utf8)
        let six = Array((String(repeating: "[", count: 6) + String(repeating: "]", count: 6)).utf8)
        _ = try JSONParser.parse(five, limits: limits)
        #expect(syntaxError(six, limits: limits) != nil)
    }

    @Test("a 50 MB string is rejected by maxStringBytes")
    func hugeString() {
        let head = Array(#"{"description":""#.utf8)
        var bytes = [UInt8](repeating: UInt8(ascii: "a"), count: 50_000_000)
        bytes.replaceSubrange(0..<head.count, with: head)
        bytes[bytes.count - 2] = UInt8(ascii: "\"")
        bytes[bytes.count - 1] = UInt8(ascii: "}")
        let clock = ContinuousClock()
        var error: JSONSyntaxError?
        let elapsed = clock.measure { error = syntaxError(bytes) }
        #expect(error?.message == "string is longer than the limit of 16777216 bytes")
        #expect(error?.offset == 15)
        #expect(elapsed < .seconds(5))
    }

    @Test("string limit boundary, including escaped strings and numbers")
    func stringBoundary() throws {
        let limits = JSONLimits(maxDepth: 64, maxStringBytes: 4)
        _ = try JSONParser.parse(Array(#"["abcd"]"#.utf8), limits: limits)
        #expect(syntaxError(Array(#"["abcde"]"#.utf8), limits: limits)?.message.contains("longer than the limit of 4 bytes") == true)
        #expect(syntaxError(Array(#"["ab\ncde"]"#.utf8), limits: limits)?.message.contains("longer than the limit") == true)
        #expect(syntaxError(Array(#"{"abcde":1}"#.utf8), limits: limits)?.message.contains("longer than the limit") == true)
        #expect(syntaxError(Array("[123456]".utf8), limits: limits)?.message.contains("number literal is longer") == true)
    }

    @Test("value accessors")
    func accessors() throws {
        let value = try parse(#"{"i":-42,"f":1.5,"big":99999999999999999999,"s":"x","b":false,"l":[1]}"#)
        #expect(value["i"]?.integerValue == -42)
        #expect(value["f"]?.integerValue == nil)
        #expect(value["f"]?.doubleValue == 1.5)
        #expect(value["big"]?.integerValue == nil)
        #expect(value["s"]?.stringValue == "x")
        #expect(value["s"]?.objectValue == nil)
        #expect(value["b"]?.boolValue == false)
        #expect(value["l"]?.arrayValue?.count == 1)
        #expect(value["missing"] == nil)
        #expect(value["l"]?["x"] == nil)
    }
}
