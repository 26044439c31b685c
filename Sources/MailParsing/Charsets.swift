// MailParsing — Charsets.swift
// Turning bytes in a declared (or guessed) charset into Swift Strings: UTF-8 fast path, an own
// ISO-2022-JP decoder (via EUC-JP-MS, so NEC special characters survive), glibc iconv for the rest.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// How a run of bytes was turned into text.
struct DecodedText {
    var text: String
    /// The charset actually used (lower-case iconv name or "utf-8").
    var charset: String
    /// `nil` when the declared charset worked; otherwise what happened.
    var problem: String?
}

enum Charsets {
    /// Decodes `bytes` declared as `declared` (a MIME charset label, maybe nil), falling back to
    /// UTF-8, then CP932, then the declared charset with replacement characters, then Latin-1.
    static func decode(_ bytes: ArraySlice<UInt8>, declared: String?) -> DecodedText {
        if isASCII(bytes) && !bytes.contains(0x1B) {
            return DecodedText(text: String(decoding: bytes, as: UTF8.self), charset: "us-ascii", problem: nil)
        }
        let label = declared.map(normalizedLabel) ?? ""
        if label.isEmpty || label == "us-ascii" || label == "unknown-8bit" || label == "x-unknown" {
            // Nothing (or nothing true) declared: guess.
            let guessed = guess(bytes)
            let problem: String? = label.isEmpty ? nil : "8-bit text declared as \(declared ?? "") decoded as \(guessed.charset)"
            return DecodedText(text: guessed.text, charset: guessed.charset, problem: problem)
        }
        if let text = strict(bytes, label: label) {
            return DecodedText(text: text, charset: label, problem: nil)
        }
        let known = iconvName(for: label) != nil || label == "utf-8" || label == "iso-2022-jp"
        let what = known ? "text not valid in declared charset \(declared ?? "")" : "unknown charset \(declared ?? "")"
        if label != "utf-8", let text = strictUTF8(bytes) {
            return DecodedText(text: text, charset: "utf-8", problem: what + ", decoded as utf-8")
        }
        if bytes.contains(0x1B), let text = decodeISO2022JP(bytes) {
            return DecodedText(text: text, charset: "iso-2022-jp", problem: what + ", decoded as iso-2022-jp")
        }
        if label != "cp932", let text = iconvDecode(bytes, from: "CP932", lossy: false) {
            return DecodedText(text: text, charset: "cp932", problem: what + ", decoded as cp932")
        }
        if known, let text = lossy(bytes, label: label) {
            return DecodedText(text: text, charset: label, problem: what + ", undecodable bytes replaced")
        }
        return DecodedText(text: latin1(bytes), charset: "iso-8859-1", problem: what + ", decoded as latin-1")
    }

    /// Guesses the charset of undeclared 8-bit bytes (raw header values, zip member names).
    static func guess(_ bytes: ArraySlice<UInt8>) -> (text: String, charset: String) {
        if isASCII(bytes) && !bytes.contains(0x1B) { return (String(decoding: bytes, as: UTF8.self), "us-ascii") }
        if let text = strictUTF8(bytes) {
            if bytes.contains(0x1B), let jis = decodeISO2022JP(bytes) { return (jis, "iso-2022-jp") }
            return (text, "utf-8")
        }
        // Bytes 0x80–0xA0 (other than SS2/SS3) never occur in EUC-JP but are Shift_JIS lead bytes.
        var sjisOnly = false
        for byte in bytes where byte >= 0x80 && byte <= 0xA0 && byte != 0x8E && byte != 0x8F {
            sjisOnly = true
            break
        }
        let order = sjisOnly ? ["CP932", "EUC-JP-MS"] : ["EUC-JP-MS", "CP932"]
        for name in order {
            if let text = iconvDecode(bytes, from: name, lossy: false) { return (text, name == "CP932" ? "cp932" : "euc-jp") }
        }
        return (latin1(bytes), "iso-8859-1")
    }

    // MARK: - Labels

    static func normalizedLabel(_ label: String) -> String {
        var value = label.trimmingASCIIWhitespaceAndQuotes().lowercased()
        if value.hasPrefix("x-") && value != "x-sjis" && value != "x-euc-jp" && value != "x-mac-japanese" {
            // x-user-defined and friends stay as they are; "x-sjis" handled below.
        }
        switch value {
        case "utf8", "utf-8", "unicode-1-1-utf-8", "x-unicode20utf8": value = "utf-8"
        case "ascii", "us-ascii", "ansi_x3.4-1968", "iso646-us", "us": value = "us-ascii"
        default: break
        }
        return value
    }

    /// The glibc iconv name for a MIME label, with supersets preferred (CP932 for Shift_JIS,
    /// GB18030 for GB2312/GBK, CP949 for EUC-KR, windows-1252 for ISO-8859-1).
    static func iconvName(for label: String) -> String? {
        switch label {
        case "shift_jis", "shift-jis", "sjis", "x-sjis", "ms_kanji", "csshiftjis", "cp932", "windows-31j",
             "ms932", "x-ms-cp932", "shift_jisx0213", "sjis-win":
            return "CP932"
        case "euc-jp", "x-euc-jp", "eucjp", "euc-jp-ms", "cseucpkdfmtjapanese", "ujis", "eucjp-ms", "cp51932":
            return "EUC-JP-MS"
        case "iso-2022-jp-2": return "ISO-2022-JP-2"
        case "iso-2022-jp-3": return "ISO-2022-JP-3"
        case "gb2312", "gbk", "gb18030", "cp936", "x-gbk", "euc-cn", "csgb2312", "chinese", "x-euc-cn":
            return "GB18030"
        case "big5", "big-5", "cn-big5", "x-x-big5", "csbig5", "cp950": return "CP950"
        case "big5-hkscs": return "BIG5-HKSCS"
        case "euc-kr", "ks_c_5601-1987", "ks_c_5601", "cp949", "ksc5601", "uhc", "cseuckr", "korean":
            return "CP949"
        case "iso-2022-kr": return "ISO-2022-KR"
        case "iso-2022-cn": return "ISO-2022-CN"
        case "koi8-r": return "KOI8-R"
        case "koi8-u": return "KOI8-U"
        case "iso-8859-1", "latin1", "latin-1", "l1", "iso8859-1", "iso_8859-1", "cp819", "windows-1252", "cp1252":
            return "CP1252"
        case "utf-16": return "UTF-16"
        case "utf-16le": return "UTF-16LE"
        case "utf-16be": return "UTF-16BE"
        case "utf-7": return "UTF-7"
        case "tis-620", "windows-874", "cp874": return "CP874"
        default: break
        }
        if label.hasPrefix("iso-8859-") || label.hasPrefix("iso8859-") || label.hasPrefix("iso_8859-") {
            let number = label.split(separator: "-").last.map(String.init) ?? ""
            if Int(number) != nil { return "ISO-8859-" + number }
        }
        if label.hasPrefix("windows-125") || label.hasPrefix("cp125") {
            let digits = label.filter(\.isNumber)
            if digits.count == 4 { return "CP" + digits }
        }
        return nil
    }

    // MARK: - Decoders

    static func strict(_ bytes: ArraySlice<UInt8>, label: String) -> String? {
        switch label {
        case "utf-8": return strictUTF8(bytes)
        case "iso-2022-jp", "csiso2022jp", "iso-2022-jp-ms", "cp50220", "cp50221", "cp50222", "x-windows-iso2022jp":
            if let text = decodeISO2022JP(bytes) { return text }
            return iconvDecode(bytes, from: "ISO-2022-JP-3", lossy: false)
                ?? iconvDecode(bytes, from: "ISO-2022-JP-2", lossy: false)
        default:
            guard let name = iconvName(for: label) else {
                // Not in our table: glibc may still know it.
                return iconvDecode(bytes, from: label.uppercased(), lossy: false)
            }
            if name == "CP1252" {
                // windows-1252 leaves five bytes undefined; ISO-8859-1 maps them to C1 controls.
                return iconvDecode(bytes, from: "CP1252", lossy: false) ?? latin1(bytes)
            }
            return iconvDecode(bytes, from: name, lossy: false)
        }
    }

    static func lossy(_ bytes: ArraySlice<UInt8>, label: String) -> String? {
        switch label {
        case "utf-8": return String(decoding: bytes, as: UTF8.self)
        case "iso-2022-jp", "csiso2022jp", "iso-2022-jp-ms", "cp50220", "cp50221", "cp50222":
            return decodeISO2022JP(bytes, lossy: true)
        default:
            guard let name = iconvName(for: label) else { return nil }
            return iconvDecode(bytes, from: name, lossy: true)
        }
    }

    static func strictUTF8(_ bytes: ArraySlice<UInt8>) -> String? {
        bytes.withUnsafeBufferPointer { String(validating: $0, as: UTF8.self) }
    }

    static func latin1(_ bytes: ArraySlice<UInt8>) -> String {
        var scalars = String.UnicodeScalarView()
        scalars.reserveCapacity(bytes.count)
        for byte in bytes { scalars.append(Unicode.Scalar(byte)) }
        return String(scalars)
    }

    static func isASCII(_ bytes: ArraySlice<UInt8>) -> Bool {
        bytes.withUnsafeBufferPointer { buffer in
            var index = 0
            let count = buffer.count
            // Eight bytes at a time.
            if let base = buffer.baseAddress {
                let raw = UnsafeRawPointer(base)
                while index + 8 <= count {
                    if raw.loadUnaligned(fromByteOffset: index, as: UInt64.self) & 0x8080_8080_8080_8080 != 0 { return false }
                    index += 8
                }
            }
            while index < count {
                if buffer[index] >= 0x80 { return false }
                index += 1
            }
            return true
        }
    }

    /// ISO-2022-JP (and CP5022x) → EUC-JP bytes → EUC-JP-MS via iconv. Returns nil on an escape
    /// sequence it does not know (JIS X 0213, ISO-2022-JP-2's other sets) or, unless lossy, on bad bytes.
    static func decodeISO2022JP(_ bytes: ArraySlice<UInt8>, lossy: Bool = false) -> String? {
        enum Mode { case ascii, jis0208, katakana, jis0212 }
        var euc = [UInt8]()
        euc.reserveCapacity(bytes.count)
        var mode = Mode.ascii
        var shiftedOut = false
        var index = bytes.startIndex
        let end = bytes.endIndex
        while index < end {
            let byte = bytes[index]
            if byte == 0x1B {
                let next = index + 1 < end ? bytes[index + 1] : 0
                let third = index + 2 < end ? bytes[index + 2] : 0
                if next == 0x28, third == 0x42 || third == 0x4A || third == 0x48 { mode = .ascii; index += 3; continue }
                if next == 0x28, third == 0x49 { mode = .katakana; index += 3; continue }
                if next == 0x24, third == 0x40 || third == 0x42 { mode = .jis0208; index += 3; continue }
                if next == 0x24, third == 0x28 || third == 0x29, index + 3 < end {
                    let fourth = bytes[index + 3]
                    if fourth == 0x44 { mode = .jis0212; index += 4; continue }
                    if fourth == 0x42 || fourth == 0x40 { mode = .jis0208; index += 4; continue }
                }
                if next == 0x26, third == 0x40 { index += 3; continue } // JIS X 0208-1990 announcer
                if lossy { index += 1; continue }
                return nil
            }
            if byte == 0x0E { shiftedOut = true; index += 1; continue }
            if byte == 0x0F { shiftedOut = false; index += 1; continue }
            if byte == 0x0A || byte == 0x0D {
                // Lines start in ASCII; a missing ESC ( B before a line break is common.
                mode = .ascii
                shiftedOut = false
                euc.append(byte)
                index += 1
                continue
            }
            if byte >= 0x80 {
                if byte >= 0xA1 && byte <= 0xDF {
                    // 8-bit half-width katakana (JIS7/8 mix seen in the wild).
                    euc.append(0x8E); euc.append(byte); index += 1; continue
                }
                if lossy { euc.append(0x3F); index += 1; continue }
                return nil
            }
            if shiftedOut || mode == .katakana {
                if byte >= 0x21 && byte <= 0x5F { euc.append(0x8E); euc.append(byte | 0x80) } else { euc.append(byte) }
                index += 1
                continue
            }
            switch mode {
            case .ascii, .katakana:
                euc.append(byte)
                index += 1
            case .jis0208, .jis0212:
                if byte < 0x21 || byte > 0x7E {
                    euc.append(byte)
                    index += 1
                    continue
                }
                guard index + 1 < end, bytes[index + 1] >= 0x21, bytes[index + 1] <= 0x7E else {
                    if lossy { euc.append(0x3F); index += 1; continue }
                    return nil
                }
                if mode == .jis0212 { euc.append(0x8F) }
                euc.append(byte | 0x80)
                euc.append(bytes[index + 1] | 0x80)
                index += 2
            }
        }
        return iconvDecode(euc[...], from: "EUC-JP-MS", lossy: lossy)
    }

    /// glibc iconv into UTF-8. Strict mode returns nil on the first invalid or incomplete sequence;
    /// lossy mode replaces each bad byte with U+FFFD. Returns nil when iconv does not know `name`.
    static func iconvDecode(_ bytes: ArraySlice<UInt8>, from name: String, lossy: Bool) -> String? {
        let descriptor = iconv_open("UTF-8", name)
        if descriptor == iconv_t(bitPattern: -1) { return nil }
        defer { iconv_close(descriptor) }
        var output = [UInt8](repeating: 0, count: bytes.count * 3 + 16)
        var written = 0
        let ok: Bool = bytes.withUnsafeBufferPointer { input -> Bool in
            guard let inputBase = input.baseAddress else { return true }
            var inPointer = UnsafeMutablePointer<CChar>(mutating: UnsafeRawPointer(inputBase).assumingMemoryBound(to: CChar.self))
            var inLeft = input.count
            while true {
                let capacity = output.count
                let (result, produced): (Int, Int) = output.withUnsafeMutableBufferPointer { out in
                    var outPointer: UnsafeMutablePointer<CChar>? = UnsafeMutableRawPointer(out.baseAddress! + written)
                        .assumingMemoryBound(to: CChar.self)
                    var outLeft = capacity - written
                    var inOptional: UnsafeMutablePointer<CChar>? = inPointer
                    let result = iconv(descriptor, &inOptional, &inLeft, &outPointer, &outLeft)
                    inPointer = inOptional ?? inPointer
                    return (result, (capacity - written) - outLeft)
                }
                written += produced
                if result != -1 {
                    // Flush any shift state.
                    return true
                }
                let error = errno
                if error == E2BIG {
                    output.append(contentsOf: repeatElement(0, count: max(64, inLeft * 4)))
                    continue
                }
                // EILSEQ or EINVAL (incomplete sequence at the end).
                if !lossy { return false }
                if inLeft == 0 { return true }
                if output.count - written < 3 { output.append(contentsOf: repeatElement(0, count: 64)) }
                output[written] = 0xEF; output[written + 1] = 0xBF; output[written + 2] = 0xBD
                written += 3
                inPointer += 1
                inLeft -= 1
                if inLeft == 0 { return true }
            }
        }
        guard ok else { return nil }
        return String(decoding: output[0..<written], as: UTF8.self)
    }
}

extension String {
    func trimmingASCIIWhitespaceAndQuotes() -> String {
        var scalars = Substring(self)
        while let first = scalars.first, first == " " || first == "\t" || first == "\"" || first == "'" || first == "\r" || first == "\n" {
            scalars = scalars.dropFirst()
        }
        while let last = scalars.last, last == " " || last == "\t" || last == "\"" || last == "'" || last == "\r" || last == "\n" || last == ";" {
            scalars = scalars.dropLast()
        }
        return String(scalars)
    }

    func trimmingASCIIWhitespace() -> String {
        var utf8 = Substring(self).utf8[...]
        while let first = utf8.first, first == 0x20 || first == 0x09 || first == 0x0D || first == 0x0A { utf8 = utf8.dropFirst() }
        while let last = utf8.last, last == 0x20 || last == 0x09 || last == 0x0D || last == 0x0A { utf8 = utf8.dropLast() }
        return String(Substring(utf8))
    }
}
