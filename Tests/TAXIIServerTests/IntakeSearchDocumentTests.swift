// The intake prepares each version's search document from the object it already parsed, on its
// checking cores, so that the store's writer does not parse the JSON again: that document must be
// exactly the one the store would make from the stored bytes (names, aliases, descriptions, lists
// with non-strings, revocations, Japanese and full-width text, escapes, objects with no text).
import Foundation
@testable import Ingestion
import STIX
import Storage
import Testing

@Suite struct IntakeSearchDocumentTests {
    @Test("the intake's prepared search document equals the one made from the bytes")
    func preparedDocumentMatchesBytes() throws {
        let objects = [
            #"{"type":"malware","id":"malware--1","name":"Emotet","description":"標的型攻撃メール loader","aliases":["Geodo","Heodo"]}"#,
            #"{"type":"indicator","id":"indicator--1","name":"C2 198.51.100.7","labels":["c2",7,null],"revoked":true}"#,
            #"{"type":"ipv4-addr","id":"ipv4-addr--1","value":"198.51.100.7"}"#,
            #"{"type":"report","id":"report--1","name":"","description":""}"#,
            #"{"type":"note","id":"note--1","abstract":"ＡＢＣ","content":"ｻｰﾊﾞ 配布\u0041\n\"quoted\"","sectors":["energy"]}"#,
            #"{"type":"campaign","id":"campaign--1","name":{"not":"a string"},"goals":["steal", "\u6771\u4eac"]}"#,
            #"{"type":"identity","id":"identity--1","name":"x","revoked":false,"roles":[]}"#,
        ]
        for text in objects {
            let bytes = Array(text.utf8)
            let value = try JSONParser.parse(bytes)
            let revoked = value.objectValue?["revoked"]?.boolValue ?? false
            #expect(EnvelopeIntake.searchDocument(of: value, revokes: revoked) == SearchDocument(json: bytes), "\(text)")
        }
    }
}
