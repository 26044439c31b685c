// STIXTests — EnvelopeScannerTests.swift
// Owns the tests of EnvelopeScanner: exact byte ranges (whitespace and escapes as submitted,
// Japanese intact), other top-level members, and malformed envelopes.

import Testing
import STIX

private func scanError(_ text: String) -> JSONSyntaxError? {
    do {
        _ = try EnvelopeScanner.scan(Array(text.utf8))
        return nil
    } catch let error as JSONSyntaxError {
        return error
    } catch {
        Issue.record("unexpected error type \(error)")
        return nil
    }
}

@Suite("Envelope scanner")
struct EnvelopeScannerTests {
    static let bundle = """
    {
      "type": "bundle",
      "id": "bundle--5d0092c5-5f74-4287-9642-33f4c354e56d",
      "objects": [
        {
          "type": "identity",
          "spec_version": "2.1",
          "id": "identity--7b0e3a52-4c1f-4d8e-9a61-2f5c8d4b1e07",
          "created": "2026-01-01T00:00:00.000Z",
          "modified": "2026-01-01T00:00:00.000Z",
          "name": "株式会社かけはし",
          "description": "改行\\nとエスケープ \\u65e5\\u672c と \\"引用\\""
        } ,
        {"type":"indicator","spec_version":"2.1","id":"indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f","created":"2016-04-06T20:03:48.000Z","modified":"2016-04-06T20:03:48.000Z","pattern":"[ipv4-addr:value = '198.51.100.1']","pattern_type":"stix","valid_from":"2016-01-01T00:00:00Z"},
    \t{ "type" : "x-acme-thing", "id" : "x-acme-thing--7f4a5c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b", "nested": { "deep": [1, [2, [3]]] } }
      ]
    }
    """

    @Test("each object's bytes are exactly what was submitted and re-parse to the same value")
    func exactBytes() throws {
        let input = Array(Self.bundle.utf8)
        let envelope = try EnvelopeScanner.scan(input)
        #expect(envelope.objects.count == 3)
        for object in envelope.objects {
            #expect(object.bytes.first == UInt8(ascii: "{"))
            #expect(object.bytes.last == UInt8(ascii: "}"))
            #expect(Array(input[object.range]) == Array(object.bytes))
            #expect(try JSONParser.parse(Array(object.bytes)) == object.value)
        }
        let first = String(decoding: envelope.objects[0].bytes, as: UTF8.self)
        #expect(first.hasPrefix("{\n      \"type\": \"identity\",\n"))
        #expect(first.contains("\"name\": \"株式会社かけはし\""))
        #expect(first.contains(#"\u65e5\u672c"#))  // escapes kept as written
        #expect(first.hasSuffix("\"\n    }"))
        #expect(envelope.objects[0].value["name"]?.stringValue == "株式会社かけはし")
        #expect(envelope.objects[0].value["description"]?.stringValue == "改行\nとエスケープ 日本 と \"引用\"")
        let third = String(decoding: envelope.objects[2].bytes, as: UTF8.self)
        #expect(third == #"{ "type" : "x-acme-thing", "id" : "x-acme-thing--7f4a5c1e-2b3d-4e5f-8a9b-0c1d2e3f4a5b", "nested": { "deep": [1, [2, [3]]] } }"#)
    }

    @Test("objects are handed over in batches as they are scanned, the first batch smaller")
    func handingOver() throws {
        let objects = (0..<123).map { #"{"type":"x-test","id":"x-test--\#($0)","n":\#($0)}"# }
        let text = #"{"more":false,"objects":[ "# + objects.joined(separator: " , ") + #" ],"next":"7"}"#
        var sizes: [Int] = []
        var handed: [String] = []
        let envelope = try EnvelopeScanner.scan(Array(text.utf8), handingOver: 50, firstBatch: 10) { batch in
            sizes.append(batch.count)
            handed += batch.map { String(decoding: $0.bytes, as: UTF8.self) }
        }
        #expect(sizes == [10, 50, 50, 13])
        #expect(handed == objects)
        #expect(envelope.objects.count == 123)
        #expect(envelope.otherMembers["next"]?.stringValue == "7")

        // A fault after 60 objects: the batches before it were handed over, the rest never is,
        // and the document is refused.
        let broken = #"{"objects":[ "# + objects.prefix(60).joined(separator: ",") + #", {"type": } ]}"#
        sizes = []
        #expect(throws: JSONSyntaxError.self) {
            _ = try EnvelopeScanner.scan(Array(broken.utf8), handingOver: 50, firstBatch: 10) { sizes.append($0.count) }
        }
        #expect(sizes == [10, 50])
    }

    @Test("other top-level members are reported in order")
    func otherMembers() throws {
        let envelope = try EnvelopeScanner.scan(Array(Self.bundle.utf8))
        #expect(envelope.otherMembers.keys == ["type", "id"])
        #expect(envelope.otherMembers["type"]?.stringValue == "bundle")
        let taxii = try EnvelopeScanner.scan(Array(#"{"more":true,"next":"abc","objects":[]}"#.utf8))
        #expect(taxii.objects.isEmpty)
        #expect(taxii.otherMembers["more"] == .bool(true))
        #expect(taxii.otherMembers["next"]?.stringValue == "abc")
    }

    @Test("scanned objects validate")
    func scannedObjectsValidate() throws {
        let envelope = try EnvelopeScanner.scan(Array(Self.bundle.utf8))
        let results = envelope.objects.map { STIXValidator.validate($0.value) }
        #expect(try results[0].get().type == "identity")
        #expect(try results[1].get().pattern != nil)
        #expect(try results[2].get().kind == .custom)
    }

    @Test("an envelope without objects, and non-object elements")
    func edgeShapes() throws {
        #expect(try EnvelopeScanner.scan(Array("{}".utf8)).objects.isEmpty)
        #expect(try EnvelopeScanner.scan(Array(#" {"more":false} "#.utf8)).objects.isEmpty)
        let mixed = try EnvelopeScanner.scan(Array(#"{"objects":[1,"x",null,{"a":[]}]}"#.utf8))
        #expect(mixed.objects.map { String(decoding: $0.bytes, as: UTF8.self) } == ["1", "\"x\"", "null", #"{"a":[]}"#])
        if case .success = STIXValidator.validate(mixed.objects[0].value) { Issue.record("a number is not a STIX object") }
    }

    @Test("the top level must be an object")
    func topLevelNotObject() {
        #expect(scanError("[{\"type\":\"indicator\"}]")?.message == "the top level must be a JSON object (a TAXII envelope or STIX bundle) but found an array")
        #expect(scanError("\"bundle\"")?.message.contains("but found a string") == true)
        #expect(scanError("")?.message.contains("the input is empty") == true)
        #expect(scanError("   ")?.message.contains("the input is empty") == true)
    }

    @Test("objects must be an array")
    func objectsNotArray() {
        #expect(scanError(#"{"objects":{"type":"indicator"}}"#)?.message == "\"objects\" must be an array of STIX objects but found an object")
        #expect(scanError(#"{"objects":"none"}"#)?.message.contains("but found a string") == true)
        #expect(scanError(#"{"objects":null}"#)?.message.contains("but found null") == true)
    }

    @Test("malformed envelopes are rejected whole")
    func malformed() {
        #expect(scanError(#"{"objects":[{"a":1},]}"#)?.message.contains("trailing comma before ']'") == true)
        #expect(scanError(#"{"objects":[{"a":1}],}"#)?.message.contains("trailing comma before '}'") == true)
        #expect(scanError(#"{"objects":[],"objects":[]}"#)?.message.contains("duplicate member name \"objects\"") == true)
        #expect(scanError(#"{"type":"bundle","type":"bundle"}"#)?.message.contains("duplicate member name \"type\"") == true)
        #expect(scanError(#"{"objects":[{"a":1,"a":2}]}"#)?.message.contains("duplicate member name \"a\"") == true)
        #expect(scanError(#"{"objects":[{"a":"\ud800"}]}"#)?.message.contains("lone high surrogate") == true)
        #expect(scanError(#"{"objects":[{"a":01}]}"#)?.message.contains("leading zeros") == true)
        #expect(scanError(#"{"objects":[{"a":"x}]}"#)?.message.contains("unterminated string") == true)
        #expect(scanError(#"{"objects":[{"a":1}]} x"#)?.message.contains("after the end of the JSON value") == true)
        #expect(scanError(#"{"objects":[{"a":1}]"#)?.message.contains("unterminated object") == true)
        var invalidUTF8 = Array(#"{"objects":[{"a":"#.utf8)
        invalidUTF8 += [0x22, 0xE3, 0x81, 0x22, 0x7D, 0x5D, 0x7D]
        #expect((try? EnvelopeScanner.scan(invalidUTF8)) == nil)
    }

    @Test("depth counts from the envelope; the depth bomb inside objects is rejected")
    func depth() throws {
        let limits = JSONLimits(maxDepth: 4)
        _ = try EnvelopeScanner.scan(Array(#"{"objects":[{"a":[]}]}"#.utf8), limits: limits)
        #expect(throws: JSONSyntaxError.self) {
            try EnvelopeScanner.scan(Array(#"{"objects":[{"a":[[]]}]}"#.utf8), limits: limits)
        }
        let bomb = Array(#"{"objects":["#.utf8) + [UInt8](repeating: UInt8(ascii: "["), count: 100_000)
        #expect(throws: JSONSyntaxError.self) { try EnvelopeScanner.scan(bomb) }
    }

    @Test("a huge string inside an object is rejected by the limit")
    func hugeString() {
        let limits = JSONLimits(maxDepth: 64, maxStringBytes: 1_000)
        let text = #"{"objects":[{"description":""# + String(repeating: "あ", count: 2_000) + #""}]}"#
        do {
            _ = try EnvelopeScanner.scan(Array(text.utf8), limits: limits)
            Issue.record("should be rejected")
        } catch {
            #expect("\(error)".contains("string is longer than the limit of 1000 bytes"))
        }
    }
}
