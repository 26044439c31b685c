// Extraction — VictimMentionsTests.swift
// Tests finding the victim in what the victim side wrote: signatures in several layouts (kanji, kana,
// romaji in both orders, organisations with and without their legal form, English names,
// departments and teams, phone and fax numbers in Japanese formats), internal hosts and addresses,
// Windows accounts, project names, the attacker's salutation; and what must NOT be taken (generic
// addressees, the attacker's own signature style words, company words as names).
import Foundation
import Testing
@testable import Extraction

@Suite("Victim mentions in the victim side's words")
struct VictimMentionsTests {
    func values(_ found: [VictimIdentifier]) -> Set<String> { Set(found.map(\.value)) }

    @Test("Japanese signatures in several layouts")
    func japaneseSignatures() {
        let signatures: [(String, [String])] = [
            ("""
             --
             北斗電力株式会社 情報システム部 セキュリティ課
             田中 一郎 (たなか いちろう) / Ichiro Tanaka
             TEL: 03-1234-5678 / FAX: 03-1234-5679 内線 4321
             """, ["北斗電力株式会社", "情報システム部", "セキュリティ課", "田中 一郎", "たなか いちろう", "Ichiro Tanaka",
                   "03-1234-5678", "03-1234-5679", "内線 4321"]),
            ("""
             ━━━━━━━━━━━━━━━━
             (株)みなと化学　経営企画部
             佐々木 花子
             電話：045-987-6543　携帯：090-1111-2222
             ━━━━━━━━━━━━━━━━
             """, ["(株)みなと化学", "経営企画部", "佐々木 花子", "045-987-6543", "090-1111-2222"]),
            ("""
             ＿＿＿＿＿＿＿＿＿＿
             東都ガス㈱ 総務本部
             スズキ ジロウ
             Tel (03)5555-0101 Fax (03)5555-0102
             """, ["東都ガス㈱", "総務本部", "スズキ ジロウ", "(03)5555-0101", "(03)5555-0102"]),
            ("""
             Regards,
             Kenji WATANABE
             Seiran Petroleum Co., Ltd.  SEIRAN-CSIRT
             Phone: +81-3-6789-0000
             """, ["Kenji WATANABE", "Seiran Petroleum Co., Ltd.", "SEIRAN-CSIRT", "+81-3-6789-0000"]),
            ("""
             みなみ精工株式会社 品質保証部 部長 佐藤 健
             Ken Sato | Quality Manager | Minami Seiko Co., Ltd.
             """, ["みなみ精工株式会社", "品質保証部", "佐藤 健", "Ken Sato", "Minami Seiko Co., Ltd."]),
        ]
        for (text, expected) in signatures {
            let found = values(VictimMentions.inForwarderText(text))
            for value in expected {
                #expect(found.contains(value), "missing \(value) in \(found.sorted())")
            }
        }
    }

    @Test("Self-introductions, internal hosts, accounts and projects in the forwarder's words")
    func forwarderWords() {
        let text = """
            お疲れ様です。経理部の山本です。
            fs01.keiri.hokuto.local と PC-YAMAMOTO07 (192.168.40.12) で確認しました。アカウント HOKUTO\\yamamoto は無効化済み。
            プロジェクト北斗の件で来たメールです。Project NORTHSTAR の資料名を騙っています。
            """
        let found = values(VictimMentions.inForwarderText(text))
        for value in ["経理部", "山本", "fs01.keiri.hokuto.local", "PC-YAMAMOTO07", "192.168.40.12", "HOKUTO\\yamamoto",
                      "プロジェクト北斗", "Project NORTHSTAR"] {
            #expect(found.contains(value), "missing \(value) in \(found.sorted())")
        }
    }

    @Test("Nothing is taken from words that name no one")
    func noFalseVictims() {
        let text = """
            以上、よろしくお願いいたします。
            本件について確認をお願いします。全部で3通届いています。外部からのメールです。
            Best Regards,
            Thank You
            """
        let found = VictimMentions.inForwarderText(text)
        #expect(found.isEmpty, "found \(found.map(\.value))")
    }

    @Test("The attacker's salutation names the victim")
    func salutations() {
        let cases: [(String, [String], [String])] = [
            ("北斗電力株式会社\n情報システム部 田中 一郎 様\n\nいつもお世話になっております。", ["北斗電力株式会社", "情報システム部", "田中 一郎"], []),
            ("株式会社みなと化学 御中\n\n平素より", ["株式会社みなと化学"], []),
            ("Dear Mr. Watanabe,\n\nPlease find attached", ["Watanabe"], []),
            ("お客様各位\n\nご利用ありがとうございます", [], ["お客様"]),
            ("Dear Customer,\n\nYour account", [], ["Customer"]),
            ("ご担当者様\n\n請求書を送付します", [], ["ご担当者"]),
        ]
        for (body, expected, unexpected) in cases {
            let found = values(VictimMentions.inSalutation(body))
            for value in expected { #expect(found.contains(value), "missing \(value) in \(found.sorted())") }
            for value in unexpected { #expect(!found.contains(value), "took \(value) from \(body)") }
        }
    }
}
