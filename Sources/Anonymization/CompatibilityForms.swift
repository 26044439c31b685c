// Anonymization — CompatibilityForms.swift
// Owns the compatibility characters (NFKC's territory) that are folded before identifiers are
// searched: enclosed and parenthesised legal forms (㈱, ㍿, ㊑), circled and parenthesised digits and
// letters, Roman numerals, the many dashes and the ideographic full stop in host names. Full-width
// ASCII and half-width katakana are folded in `FoldedText` itself. A table rather than Foundation's
// NFKC: it runs on every scalar of every outgoing release, and these are the forms that hide names.

enum CompatibilityForms {
    /// The folded text for `scalar`, or nil when it folds to itself.
    ///
    /// ```swift
    /// CompatibilityForms.replacement(for: "㈱")   // "(株)"
    /// CompatibilityForms.replacement(for: "①")   // "1"
    /// ```
    static func replacement(for scalar: Unicode.Scalar) -> String? {
        let value = scalar.value
        guard value >= 0x2010 else { return nil }
        if let fixed = table[value] { return fixed }
        switch value {
        case 0x2460...0x2473: return String(value - 0x2460 + 1)            // ①..⑳
        case 0x2474...0x2487: return "(" + String(value - 0x2474 + 1) + ")" // ⑴..⒇
        case 0x2488...0x249B: return String(value - 0x2488 + 1) + "."       // ⒈..⒛
        case 0x249C...0x24B5: return "(" + String(Character(Unicode.Scalar(value - 0x249C + 0x61)!)) + ")"  // ⒜..⒵
        case 0x24B6...0x24CF: return String(Character(Unicode.Scalar(value - 0x24B6 + 0x61)!))  // Ⓐ..Ⓩ
        case 0x24D0...0x24E9: return String(Character(Unicode.Scalar(value - 0x24D0 + 0x61)!))  // ⓐ..ⓩ
        case 0x2160...0x216B: return romanUpper[Int(value - 0x2160)].lowercased()
        case 0x2170...0x217B: return romanUpper[Int(value - 0x2170)].lowercased()
        default: return nil
        }
    }

    private static let romanUpper = ["I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX", "X", "XI", "XII"]

    private static let table: [UInt32: String] = [
        // Dashes and minus signs: "denryoku‐a" is "denryoku-a".
        0x2010: "-", 0x2011: "-", 0x2012: "-", 0x2013: "-", 0x2014: "-", 0x2015: "-", 0x2212: "-", 0xFE63: "-",
        0x2024: ".",
        0x2100: "a/c", 0x2116: "no", 0x2121: "tel", 0x2122: "tm",
        // Parenthesised and circled ideographs of legal forms and their siblings.
        0x3231: "(株)", 0x3232: "(有)", 0x3233: "(社)", 0x3234: "(名)", 0x3235: "(特)", 0x3236: "(財)",
        0x3237: "(祝)", 0x3238: "(労)", 0x3239: "(代)", 0x323A: "(呼)", 0x323B: "(学)", 0x323C: "(監)",
        0x323D: "(企)", 0x323E: "(資)", 0x323F: "(協)", 0x3240: "(祭)", 0x3241: "(休)", 0x3242: "(自)",
        0x3243: "(至)", 0x3290: "日", 0x3291: "株", 0x3292: "有", 0x3293: "社", 0x3294: "名", 0x3295: "特",
        0x3296: "財", 0x3297: "祝", 0x3298: "労", 0x3299: "秘", 0x329A: "男", 0x329B: "女", 0x329C: "適",
        0x329D: "優", 0x329E: "印", 0x329F: "注", 0x32A0: "項", 0x32A1: "休", 0x32A2: "写", 0x32A3: "正",
        0x32A4: "上", 0x32A5: "中", 0x32A6: "下", 0x32A7: "左", 0x32A8: "右", 0x32A9: "医", 0x32AA: "宗",
        0x32AB: "学", 0x32AC: "監", 0x32AD: "企", 0x32AE: "資", 0x32AF: "協", 0x32B0: "夜",
        0x337F: "株式会社", 0x337B: "平成", 0x337C: "昭和", 0x337D: "大正", 0x337E: "明治", 0x32FF: "令和",
        0x3250: "pte",
    ]
}
