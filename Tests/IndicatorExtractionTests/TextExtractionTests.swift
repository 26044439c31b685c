// IndicatorExtractionTests — TextExtractionTests.swift
// Indicators from Japanese and English report text: kinds, normalisation, spans, lines, edge cases.

import Testing
@testable import IndicatorExtraction

@Suite struct TextExtractionTests {
    let extractor = IndicatorExtractor()

    static let sha256 = "9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08"
    static let sha512 = "0f9c5b2a8d1e3f4c6b7a8d9e0f1a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c"
        + "4d5e6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f8091a2b3c"

    @Test func japaneseAdvisory() {
        let text = """
        【注意喚起】標的型攻撃メールに関する注意喚起（JPCERT/CC）
        攻撃者は、こちら(hxxps://evil[.]example-bad.com/a)から不正なファイルをダウンロードさせます。
        通信先：update-check［．］jp-evil［．］com、45.77.12［．］9：8443
        送信元アドレス：info［at］mail-jp-evil.com
        添付ファイル「請求書.zip」（MD5: 0A1B2C3D4E5F60718293A4B5C6D7E8F9）を開くと感染します。
        悪用される脆弱性：cve-2023-4966。手法：T1566.001、T1059.001、T9999。
        """
        let result = extractor.extract(from: text)
        #expect(result.values(.url) == ["https://evil.example-bad.com/a"])
        #expect(result.values(.domain) == ["update-check.jp-evil.com"])
        #expect(result.values(.ipv4) == ["45.77.12.9"])
        #expect(result.indicators.first { $0.kind == .ipv4 }?.port == 8443)
        #expect(result.values(.email) == ["info@mail-jp-evil.com"])
        #expect(result.values(.md5) == ["0a1b2c3d4e5f60718293a4b5c6d7e8f9"])
        #expect(result.values(.cve) == ["CVE-2023-4966"])
        #expect(result.values(.attackTechnique) == ["T1566.001", "T1059.001"])
        let technique = result.indicators.first { $0.value == "T1566.001" }
        #expect(technique?.name == "Phishing: Spearphishing Attachment")
        #expect(result.dropped.contains { $0.indicator.value == "T9999" && $0.reason.contains("not a known") })
        let url = result.indicators.first { $0.kind == .url }
        #expect(url?.original == "hxxps://evil[.]example-bad.com/a")
        #expect(url?.line == 2)
        let domain = result.indicators.first { $0.kind == .domain }
        #expect(domain?.original == "update-check［．］jp-evil［．］com")
        #expect(domain?.line == 3)
    }

    @Test func englishVendorReport() {
        let text = """
        Threat Report: OPERATION PAPER LANTERN (TLP:CLEAR)

        The actor delivered invoice.exe and report.pdf via spearphishing (T1566.002). The loader
        beacons to hxxp://cdn-update[.]net:8080/gate.php?id=7, then to 2001:db8::dead:beef and
        2a01:4f8:c2c:1a2b::25 (as of 12:30:45 UTC on 2024-05-01T12:30:45Z). Version 10.0.19041.1
        of readme.txt was not involved; see setup.py and update.zip for the dropper.

        | File              | SHA-256 |
        |-------------------|---------|
        | loader.dll        | \(Self.sha256) |
        | stage2.bin        | \(Self.sha512) |
        | empty.txt         | e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855 |

        Exploits CVE-2021-44228 (Log4Shell) and CVE-2024-3400. Contact: soc@paper-lantern.org.
        """
        let result = extractor.extract(from: text)
        #expect(result.values(.url) == ["http://cdn-update.net:8080/gate.php?id=7"])
        #expect(result.values(.ipv6) == ["2a01:4f8:c2c:1a2b::25"])
        #expect(result.dropped.contains { $0.indicator.value == "2001:db8::dead:beef" && $0.reason.contains("3849") })
        #expect(result.values(.sha256) == [Self.sha256])
        #expect(result.values(.sha512) == [Self.sha512])
        #expect(result.dropped.contains { $0.indicator.value.hasPrefix("e3b0c442") && $0.reason.hasPrefix("warning list:") })
        #expect(result.values(.cve) == ["CVE-2021-44228", "CVE-2024-3400"])
        #expect(result.values(.email) == ["soc@paper-lantern.org"])
        // File names are not domains unless the extension is a real TLD, and then they carry a note.
        let domains = result.values(.domain)
        for name in ["invoice.exe", "report.pdf", "readme.txt", "loader.dll", "stage2.bin", "empty.txt"] {
            #expect(!domains.contains(name))
        }
        #expect(domains.contains("setup.py") && domains.contains("update.zip"))
        #expect(result.indicators.first { $0.value == "update.zip" }?.note?.contains("file name") == true)
        #expect(result.values(.ipv4).isEmpty)
    }

    @Test func privateAndDocumentationValuesAreDroppedWithReasons() {
        let text = """
        Internal hosts 10.1.2.3, 172.16.5.4, 192.168.0.10, 127.0.0.1, 169.254.1.1, 100.64.3.2 and 224.0.0.251.
        Docs: 192.0.2.44, 198.51.100.7, 203.0.113.9, fe80::1, ::1, fd12:3456::1.
        Names: www.example.com, mail.example.co.jp, host.test, printer.local, user@example.org.
        Benign: update.microsoft.com, www.google.com. Real: 185.220.101.34 and bad-actor.xyz.
        """
        let result = extractor.extract(from: text)
        #expect(result.values(.ipv4) == ["185.220.101.34"])
        #expect(result.values(.ipv6).isEmpty)
        #expect(result.values(.domain) == ["bad-actor.xyz"])
        #expect(result.values(.email).isEmpty)
        let dropped = Dictionary(result.dropped.map { ($0.indicator.value, $0.reason) }, uniquingKeysWith: { a, _ in a })
        #expect(dropped["10.1.2.3"]?.contains("1918") == true)
        #expect(dropped["100.64.3.2"]?.contains("6598") == true)
        #expect(dropped["198.51.100.7"]?.contains("5735") == true)
        #expect(dropped["224.0.0.251"] != nil)
        #expect(dropped["fe80::1"] != nil && dropped["::1"] != nil && dropped["fd12:3456::1"] != nil)
        #expect(dropped["www.example.com"] != nil && dropped["mail.example.co.jp"] != nil)
        #expect(dropped["host.test"] != nil && dropped["printer.local"] != nil && dropped["user@example.org"] != nil)
        #expect(dropped["update.microsoft.com"] != nil && dropped["www.google.com"] != nil)
    }

    @Test func edgeCases() {
        let text = """
        Meeting at 12:30:45, MAC 00:1a:2b:3c:4d:5e, ratio 1:2, C++ std::vector.
        Bad IP 256.1.1.1 and 1.2.3.4.5; good 8.8.4.4:53.
        See https://evil.com/path). And (https://evil.net/a_(b)). Also 「https://evil.org/x」。
        URL: http://[2a01:4f8::3]:8443/p, done.
        Duplicate: 8.8.4.4 again. CVE-2024-12345 and T1059.
        """
        let result = extractor.extract(from: text)
        #expect(result.values(.ipv6) == [])
        #expect(result.values(.ipv4) == ["8.8.4.4"])
        #expect(result.indicators.first { $0.kind == .ipv4 }?.port == 53)
        #expect(result.values(.url) == ["https://evil.com/path", "https://evil.net/a_(b)", "https://evil.org/x",
                                        "http://[2a01:4f8::3]:8443/p"])
        #expect(result.values(.cve) == ["CVE-2024-12345"])
        #expect(result.values(.attackTechnique) == ["T1059"])
        #expect(result.indicators.first { $0.value == "T1059" }?.name == "Command and Scripting Interpreter")
    }

    @Test func hashKindsAndStixNames() {
        let sha1 = "da39a3ee5e6b4b0d3255bfef95601890afd80709"  // empty file: dropped
        let realSha1 = "3395856ce81f2b7382dee72602f798b642f14140"
        let result = extractor.extract(from: "\(sha1) \(realSha1) \(Self.sha512.uppercased())x \(Self.sha512)")
        #expect(result.values(.sha1) == [realSha1])
        #expect(result.values(.sha512) == [Self.sha512])
        #expect(result.values(.sha256).isEmpty)
        #expect(result.indicators.first { $0.kind == .sha1 }?.hashAlgorithm == "SHA-1")
        #expect(IndicatorKind.sha512.stixHashAlgorithm == "SHA-512")
        #expect(IndicatorKind.md5.stixHashAlgorithm == "MD5")
    }

    @Test func ipv6Forms() {
        let result = extractor.extract(from: "2A01:04F8:0000:0000:0000:0000:0000:0001 2606:4700:4700::1111 ::ffff:8.8.8.8")
        #expect(result.values(.ipv6) == ["2a01:4f8::1", "2606:4700:4700::1111"])
        #expect(result.dropped.contains { $0.indicator.value == "::ffff:808:808" })
    }
}

@Suite struct ExtractionDetailsTests {
    @Test func linesDeduplicationAndCRLF() {
        let result = IndicatorExtractor().extract(from: "first line\r\nC2: evil-c2[.]top\r\n\r\nagain EVIL-C2.TOP and hxxp://Evil-C2.top/x\rlast 8.8.4.4")
        #expect(result.indicators.map(\.value) == ["evil-c2.top", "http://evil-c2.top/x", "8.8.4.4"])
        #expect(result.indicators.map(\.line) == [2, 4, 5])
        #expect(result.indicators[0].original == "evil-c2[.]top")
        #expect(result.indicators[1].host == "evil-c2.top")
        #expect(result.indicators[1].registrableDomain == "evil-c2.top")
        #expect(result.indicators[0].kind.stixType == "domain-name")
    }

    @Test func emptyAndNoiseText() {
        #expect(IndicatorExtractor().extract(from: "").indicators.isEmpty)
        let noise = IndicatorExtractor().extract(from: "本文のみ。数値 3.14、バージョン 1.2.3、時刻 09:30、e.g. i.e. a.k.a. Mr. Smith. node.js Vue.js 報告書.docx")
        #expect(noise.indicators.isEmpty)
    }
}

@Suite struct URLHostTests {
    @Test func urlsWithAddressHosts() {
        let result = IndicatorExtractor().extract(from: "hxxp://45.77.12[.]9/a.php http://192.168.1.1/admin hxxps://[fd00::1]/x https://docs.google.com/d/1")
        #expect(result.values(.url) == ["http://45.77.12.9/a.php"])
        #expect(result.values(.ipv4).isEmpty)
        #expect(Set(result.dropped.map(\.indicator.value)) == ["http://192.168.1.1/admin", "https://[fd00::1]/x", "https://docs.google.com/d/1"])
    }
}
