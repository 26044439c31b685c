// KakehashiBenchmark — MailThroughput.swift
// E-mail parsing throughput: a typical ~50 KB targeted-attack mail (ISO-2022-JP headers, text+HTML
// alternative, base64 zip attachment of ~35 KB) parsed over and over on one core.

#if canImport(MailParsing)

import Foundation
import MailParsing

/// Measures how many typical attack e-mails `MailMessage.parse` handles per second on one core.
///
/// ```swift
/// print(MailParsingThroughput.run(messages: 5_000))
/// // "mail parsing: 5000 messages of 50.3 KB in 1.21 s = 4132 messages/s (207.9 MB/s), one core"
/// ```
public enum MailParsingThroughput {
    /// Parses `messages` copies of the sample mail and reports messages per second.
    public static func run(messages: Int) -> String {
        let sample = sampleMessage()
        // Warm up (iconv modules, caches) and check the sample parses as intended.
        guard let check = try? MailMessage.parse(sample),
              check.attachments.count == 1, check.attachments[0].archiveMembers?.count == 2,
              check.subject == "【至急】新型ウイルス対策について", check.htmlBodies.count == 1 else {
            return "mail parsing: the sample message did not parse as expected"
        }
        let count = max(1, messages)
        var attachmentsSeen = 0
        let clock = ContinuousClock()
        let elapsed = clock.measure {
            for _ in 0..<count {
                if let message = try? MailMessage.parse(sample) { attachmentsSeen &+= message.attachments.count }
            }
        }
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        let rate = Double(count) / max(seconds, 1e-9)
        let megabytes = Double(sample.count * count) / 1_000_000 / max(seconds, 1e-9)
        precondition(attachmentsSeen == count)
        // What the MD5 + SHA-1 + SHA-256 of the attachment and its members alone cost per message.
        let hashed = [check.attachments[0].data] + zipMembers(check)
        let hashRounds = max(1, count / 4)
        let hashing = clock.measure {
            for _ in 0..<hashRounds { for data in hashed { _ = Digests(data) } }
        }
        let hashSeconds = Double(hashing.components.seconds) + Double(hashing.components.attoseconds) / 1e18
        return String(format: "mail parsing: %d messages of %.1f KB in %.2f s = %.0f messages/s (%.1f MB/s), one core; "
                      + "of which MD5+SHA-1+SHA-256 of the attachment and its zip members: %.0f µs/message",
                      count, Double(sample.count) / 1000, seconds, rate, megabytes, hashSeconds / Double(hashRounds) * 1e6)
    }

    private static func zipMembers(_ message: MailMessage) -> [[UInt8]] {
        // The members are stored (uncompressed) in the sample: their bytes follow their local headers.
        let data = message.attachments[0].data
        var result: [[UInt8]] = []
        var offset = 0
        while offset + 30 <= data.count, data[offset] == 0x50, data[offset + 1] == 0x4B, data[offset + 2] == 3, data[offset + 3] == 4 {
            let size = Int(data[offset + 22]) | Int(data[offset + 23]) << 8 | Int(data[offset + 24]) << 16 | Int(data[offset + 25]) << 24
            let start = offset + 30 + (Int(data[offset + 26]) | Int(data[offset + 27]) << 8) + (Int(data[offset + 28]) | Int(data[offset + 29]) << 8)
            guard start + size <= data.count else { break }
            result.append(Array(data[start..<(start + size)]))
            offset = start + size
        }
        return result
    }

    /// The benchmark mail: ISO-2022-JP headers and text, an HTML alternative with links, a zip with two members.
    public static func sampleMessage() -> [UInt8] {
        var generator = LCG(seed: 42)
        var exe: [UInt8] = [0x4D, 0x5A, 0x90, 0x00]
        for _ in 0..<31_000 { exe.append(generator.next()) }
        let readme = Array(String(repeating: "Run the installer to update the virus countermeasure tool.\n", count: 40).utf8)
        let zip = storedZip([("tool/setup.exe", exe), ("readme.txt", readme)])
        let textJIS = "GyRCNFg3ODxUM0YwTBsoQgoKGyRCOHxAOE8rRi8+SjdyOS82SSRHJDkhIxsoQgobJEIhWjtqNV4hWz83Nz8lJiUkJWslOUJQOnYkSyREJCQkRiEiRTpJVTtxTkEkciQ0M05HJyQvJEAkNSQkISMbKEIK"
        var text = [UInt8](Data(base64Encoded: textJIS) ?? Data())
        text += Array("URL: hxxp://mhlw-go[.]example[.]com/covid/info.php?id=3\r\n".utf8)
        var html = "<html><head><style>p{font-size:12px}</style></head><body>\r\n"
        for index in 0..<20 {
            html += "<p>Paragraph \(index): please read the <a href=\"https://mhlw-go.example.com/covid/\(index)?a=1&amp;b=2\">guidance</a> and reply to info@mhlw-go.example.com.</p>\r\n"
        }
        html += "</body></html>\r\n"
        var mail = ""
        mail += "Return-Path: <kenkou@mhlw-go.example.com>\r\n"
        mail += "Received: from mx01.denryoku-a.example.jp (mx01.denryoku-a.example.jp [10.20.0.5])\r\n\tby mbox.denryoku-a.example.jp (Postfix) with ESMTP id 4AB12\r\n\tfor <tanaka@denryoku-a.example.jp>; Mon, 1 Jun 2020 10:00:05 +0900 (JST)\r\n"
        mail += "Received: from mail.mhlw-go.example.com (unknown [203.0.113.45])\r\n\tby mx01.denryoku-a.example.jp (Postfix) with ESMTP id 99F1;\r\n\tMon, 1 Jun 2020 10:00:03 +0900 (JST)\r\n"
        mail += "Received: from [192.168.1.23] (unknown [192.168.1.23])\r\n\tby mail.mhlw-go.example.com (Postfix) with ESMTPSA id 11A;\r\n\tMon, 1 Jun 2020 01:00:01 +0000\r\n"
        mail += "From: =?ISO-2022-JP?B?GyRCOHxAOE8rRi8+ShsoQiAbJEI3cjkvNkkbKEI=?= <kenkou@mhlw-go.example.com>\r\n"
        mail += "To: =?ISO-2022-JP?B?GyRCRURDZhsoQiAbJEJCQE86GyhC?= <tanaka@denryoku-a.example.jp>\r\n"
        mail += "Subject: =?ISO-2022-JP?B?GyRCIVo7ajVeIVs/Nzc/JSYlJCVrJTlCUDp2JEskRCQkJEYbKEI=?=\r\n"
        mail += "Date: Mon, 1 Jun 2020 10:00:00 +0900\r\nMessage-ID: <20200601100000.1234@mhlw-go.example.com>\r\n"
        mail += "X-Mailer: Microsoft Outlook 16.0\r\nMIME-Version: 1.0\r\n"
        mail += "Content-Type: multipart/mixed; boundary=\"----=_Part_0_1\"\r\n\r\n"
        mail += "------=_Part_0_1\r\nContent-Type: multipart/alternative; boundary=\"----=_Part_0_2\"\r\n\r\n"
        mail += "------=_Part_0_2\r\nContent-Type: text/plain; charset=ISO-2022-JP\r\nContent-Transfer-Encoding: 7bit\r\n\r\n"
        var bytes = Array(mail.utf8) + text
        mail = "\r\n------=_Part_0_2\r\nContent-Type: text/html; charset=UTF-8\r\nContent-Transfer-Encoding: quoted-printable\r\n\r\n"
        mail += html.replacingOccurrences(of: "=", with: "=3D") + "\r\n------=_Part_0_2--\r\n\r\n"
        mail += "------=_Part_0_1\r\nContent-Type: application/zip; name=\"=?ISO-2022-JP?B?GyRCQlA6djtxTkEbKEIuemlw?=\"\r\n"
        mail += "Content-Transfer-Encoding: base64\r\n"
        mail += "Content-Disposition: attachment; filename=\"=?ISO-2022-JP?B?GyRCQlA6djtxTkEbKEIuemlw?=\"\r\n\r\n"
        let encoded = Data(zip).base64EncodedString(options: [.lineLength76Characters, .endLineWithCarriageReturn, .endLineWithLineFeed])
        mail += encoded + "\r\n------=_Part_0_1--\r\n"
        bytes += Array(mail.utf8)
        return bytes
    }

    private struct LCG {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt8 {
            state = state &* 6364136223846793005 &+ 1442695040888963407
            return UInt8(truncatingIfNeeded: state >> 33)
        }
    }

    private static func crc32(_ bytes: [UInt8]) -> UInt32 {
        var table = [UInt32](repeating: 0, count: 256)
        for index in 0..<256 {
            var value = UInt32(index)
            for _ in 0..<8 { value = value & 1 == 1 ? 0xEDB8_8320 ^ (value >> 1) : value >> 1 }
            table[index] = value
        }
        var crc: UInt32 = 0xFFFF_FFFF
        for byte in bytes { crc = table[Int((crc ^ UInt32(byte)) & 0xFF)] ^ (crc >> 8) }
        return crc ^ 0xFFFF_FFFF
    }

    /// A zip with stored (uncompressed) members.
    private static func storedZip(_ members: [(String, [UInt8])]) -> [UInt8] {
        func le16(_ value: Int) -> [UInt8] { [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF)] }
        func le32(_ value: UInt32) -> [UInt8] { le16(Int(value & 0xFFFF)) + le16(Int(value >> 16)) }
        var local: [UInt8] = []
        var central: [UInt8] = []
        for (name, data) in members {
            let nameBytes = Array(name.utf8)
            let crc = crc32(data)
            let offset = UInt32(local.count)
            local += le32(0x0403_4B50) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x5821) + le32(crc)
            local += le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(nameBytes.count) + le16(0) + nameBytes + data
            central += le32(0x0201_4B50) + le16(20) + le16(20) + le16(0) + le16(0) + le16(0) + le16(0x5821) + le32(crc)
            central += le32(UInt32(data.count)) + le32(UInt32(data.count)) + le16(nameBytes.count) + le16(0) + le16(0)
            central += le16(0) + le16(0) + le32(0) + le32(offset) + nameBytes
        }
        let end = le32(0x0605_4B50) + le16(0) + le16(0) + le16(members.count) + le16(members.count)
            + le32(UInt32(central.count)) + le32(UInt32(local.count)) + le16(0)
        return local + central + end
    }
}
#endif
