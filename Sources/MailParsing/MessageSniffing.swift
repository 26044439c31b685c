// MailParsing — MessageSniffing.swift
// Telling an e-mail inside other bytes: an attachment or zip member that is an RFC 822 message
// whatever its declared type (application/octet-stream, application/x-message, a `.eml` name, no
// type at all), and the RFC 822 header block that `.msg`-like wrappers carry (as text, or UTF-16LE
// transport headers in an Outlook .msg).

enum MessageSniffing {
    /// Header fields that only an e-mail's header block has; two of them make a message.
    private static let messageFields: Set<String> = [
        "from", "to", "cc", "subject", "date", "received", "return-path", "message-id", "mime-version",
        "delivered-to", "x-mailer", "reply-to", "sender", "x-original-to", "content-type", "authentication-results",
        "dkim-signature", "received-spf", "thread-topic", "x-ms-exchange-organization-authas",
    ]

    /// True for names that members give saved e-mails.
    static func hasMessageName(_ name: String?) -> Bool {
        guard let name = name?.lowercased() else { return false }
        return name.hasSuffix(".eml") || name.hasSuffix(".msg") || name.hasSuffix(".emlx")
    }

    /// Cheap test: may these bytes (named `name`) be an e-mail? (a message name, or a header-like start)
    static func mayBeMessage<C: Collection>(name: String?, content: C) -> Bool where C.Element == UInt8, C.Index == Int {
        hasMessageName(name) || startsWithHeaders(content)
    }

    /// True when the bytes open with an RFC 822 header block with at least two of an e-mail's fields
    /// (an mbox "From " line first is allowed). Looks at the first 8 KB only, and stops at the first
    /// line that is not a header field, so binary files cost a few bytes.
    static func startsWithHeaders<C: Collection>(_ content: C) -> Bool where C.Element == UInt8, C.Index == Int {
        var index = content.startIndex
        let end = min(content.endIndex, content.startIndex + 8192)
        var known = 0
        var lineNumber = 0
        while index < end {
            var lineEnd = index
            while lineEnd < end, content[lineEnd] != 0x0A { lineEnd += 1 }
            var contentEnd = lineEnd
            if contentEnd > index, content[contentEnd - 1] == 0x0D { contentEnd -= 1 }
            defer { lineNumber += 1 }
            if contentEnd == index { return known >= 2 } // the blank line ending the header block
            let first = content[index]
            if first == 0x20 || first == 0x09 {
                if lineNumber == 0 { return false }
            } else if lineNumber == 0, contentEnd - index > 5, content[index] == 0x46, content[index + 1] == 0x72,
                      content[index + 2] == 0x6F, content[index + 3] == 0x6D, content[index + 4] == 0x20 {
                // "From " (mbox separator)
            } else {
                var colon = index
                while colon < contentEnd, content[colon] != 0x3A {
                    let byte = content[colon]
                    guard byte > 0x20, byte < 0x7F else { return false }
                    colon += 1
                }
                guard colon < contentEnd, colon > index, colon - index <= 76 else { return false }
                let name = String(decoding: content[index..<colon], as: UTF8.self).lowercased()
                if messageFields.contains(name) { known += 1 }
            }
            if lineEnd >= end { break }
            index = lineEnd + 1
        }
        return known >= 2
    }

    /// The RFC 822 message a wrapper carries: the bytes themselves when they open with headers,
    /// else the first header block found at a line start ("Received:", "Return-Path:", "From:" …)
    /// as ASCII text or as UTF-16LE (Outlook's transport headers), with what follows it.
    static func embeddedMessage(_ data: [UInt8]) -> [UInt8]? {
        if startsWithHeaders(data) { return data }
        let limit = min(data.count, 4 << 20)
        for marker in ["Received: ", "Return-Path: ", "MIME-Version: ", "From: "] {
            let ascii = Array(marker.utf8)
            var from = 0
            while let found = ByteSearch.firstRange(of: ascii, in: data[..<limit], from: from) {
                from = found.upperBound
                guard found.lowerBound == 0 || data[found.lowerBound - 1] == 0x0A else { continue }
                let candidate = data[found.lowerBound...]
                if startsWithHeaders(candidate) { return Array(candidate) }
            }
            var wide: [UInt8] = []
            for byte in ascii { wide += [byte, 0] }
            if let found = ByteSearch.firstRange(of: wide, in: data[..<limit], from: 0) {
                var text: [UInt8] = []
                var index = found.lowerBound
                // UTF-16LE up to a NUL character; non-ASCII characters kept as UTF-8.
                while index + 1 < data.count, text.count < 1 << 20 {
                    let unit = UInt16(data[index]) | UInt16(data[index + 1]) << 8
                    if unit == 0 { break }
                    if unit < 0x80 {
                        text.append(UInt8(unit))
                    } else if let scalar = Unicode.Scalar(unit) {
                        text += Array(String(Character(scalar)).utf8)
                    }
                    index += 2
                }
                if startsWithHeaders(text + [0x0A]) || startsWithHeaders(text) { return text }
            }
        }
        return nil
    }
}
