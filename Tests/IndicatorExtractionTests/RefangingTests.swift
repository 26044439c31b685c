// IndicatorExtractionTests — RefangingTests.swift
// Defanged notation, full-width characters and zero-width spaces.

import Testing
@testable import IndicatorExtraction

@Suite struct RefangingTests {
    @Test(arguments: [
        ("hxxp://evil[.]com/x", "http://evil.com/x"),
        ("hXXps[://]evil(.)com", "https://evil.com"),
        ("fxp://files{.}evil[dot]net", "ftp://files.evil.net"),
        ("evil (dot) co [.] jp", "evil.co.jp"),
        ("evil [ . ] com", "evil.com"),
        ("1.2.3[.]4[:]8080", "1.2.3.4:8080"),
        ("user[at]evil[.]com", "user@evil.com"),
        ("user(at)evil.com and x[@]y.org", "user@evil.com and x@y.org"),
        ("ｅｖｉｌ．ｃｏｍ／ｐａｔｈ", "evil.com/path"),
        ("ｈｘｘｐｓ：／／ｂａｄ［．］ｊｐ", "https://bad.jp"),
        ("ev\u{200B}il.c\u{200D}om", "evil.com"),
        ("It's on the table (at) home", "It's on the table (at) home"),
    ])
    func refang(_ input: String, _ expected: String) {
        #expect(Refanging.refang(input) == expected)
    }
}
