// IndicatorExtraction — InternationalNameTests.swift
// Tests Punycode both ways against Python's IDNA codec, and Unicode host names found whole in text
// (URLs, bare names between spaces or brackets), reported as written.
import Testing
@testable import IndicatorExtraction

@Suite("Internationalised host names")
struct InternationalNameTests {
    /// Expected forms from Python's `str.encode('idna')`.
    static let pairs = [
        ("ログイン確認.net", "xn--eckxa6p0a9892gimwa.net"),
        ("ほくせい-ポータル.net", "xn----07t6aycxjmqxg6dtg.net"),
        ("請求書-確認.info", "xn----826b59m42o4vvrka.info"),
        ("bücher.de", "xn--bcher-kva.de"),
        ("münchen-büro.example.com", "xn--mnchen-bro-9dbh.example.com"),
    ]

    @Test("Punycode matches Python's IDNA codec both ways", arguments: pairs)
    func punycode(_ pair: (String, String)) {
        #expect(InternationalNames.ascii(pair.0) == pair.1)
        #expect(InternationalNames.unicode(pair.1) == pair.0)
    }

    @Test("Unicode hosts in URLs and standing alone are found whole")
    func unicodeHostsInText() {
        let text = """
            こちら https://ほくせい-ポータル.net/download/a.zip からどうぞ
            詳細は 「ログイン確認.com」 をご覧ください。
            URLはhttp://請求書-確認.info/login?id=1です
            """
        let result = IndicatorExtractor().extract(from: text)
        #expect(result.values(.url) == ["https://ほくせい-ポータル.net/download/a.zip", "http://請求書-確認.info/login?id=1"])
        #expect(result.values(.domain).contains("ログイン確認.com"))
        #expect(!result.values(.domain).contains { $0.hasPrefix("xn--") })
    }

    @Test("A reserved name in a link's query does not drop the link")
    func reservedNameInQuery() {
        let result = IndicatorExtractor().extract(from: "https://secure-docs.xyz/owa/auth.php?email=user@example.jp")
        #expect(result.values(.url) == ["https://secure-docs.xyz/owa/auth.php?email=user@example.jp"])
    }
}
