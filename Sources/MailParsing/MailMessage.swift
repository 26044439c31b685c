// MailParsing — MailMessage.swift
// The parsed e-mail: the entry point `MailMessage.parse`, its people, dates, hops, bodies, links,
// attachments, attached messages and the warnings about what was recovered.

import Foundation

/// Why a byte sequence could not be read as an e-mail at all.
public enum MailParseError: Error, Sendable, Equatable, CustomStringConvertible {
    /// No bytes (or only whitespace).
    case empty
    /// No header field at the start: not an e-mail (binary data, a bare body, garbage).
    case noHeaders(String)

    public var description: String {
        switch self {
        case .empty: return "empty input: no e-mail"
        case .noHeaders(let detail): return "not an e-mail: \(detail)"
        }
    }
}

/// A parsed RFC 5322 / MIME message.
///
/// ```swift
/// let message = try MailMessage.parse(Array(try Data(contentsOf: url)))
/// print(message.subject ?? "", message.from?.address ?? "")
/// for attachment in message.attachments {
///     print(attachment.filename ?? "?", attachment.size, attachment.sha256)
///     for member in attachment.archiveMembers ?? [] { print("  ", member.name, member.sha256 ?? "encrypted") }
/// }
/// print(message.firstExternalHop?.sendingIP?.text ?? "no public hop")
/// ```
public struct MailMessage: Sendable {
    /// Every header field, in order.
    public let headers: MailHeaders
    public let from: MailAddress?
    /// The Sender header, when present.
    public let sender: MailAddress?
    public let replyTo: [MailAddress]
    public let returnPath: [MailAddress]
    public let to: [MailAddress]
    public let cc: [MailAddress]
    public let bcc: [MailAddress]
    public let deliveredTo: [MailAddress]
    public let subject: String?
    public let date: Date?
    /// The Date header as written.
    public let dateString: String?
    /// The Message-ID as written (angle brackets kept).
    public let messageID: String?
    public let inReplyTo: String?
    /// X-Mailer, or User-Agent when there is no X-Mailer.
    public let mailer: String?
    /// Received headers in header order: the first is the last hop (nearest the recipient).
    public let received: [ReceivedHop]
    public let textBodies: [String]
    public let htmlBodies: [String]
    /// Every text body, then each HTML body converted to text, separated by blank lines (in MIME order).
    public let bodyText: String
    /// `bodyText` with defanged URLs, domains and addresses refanged, for indicator extraction.
    public let refangedBodyText: String
    /// http(s)/ftp URLs from text bodies and HTML (href/src/action, then the HTML's text), refanged,
    /// de-duplicated, in order of appearance.
    public let links: [String]
    /// E-mail addresses found in the bodies (refanged, mailto: included), de-duplicated case-insensitively.
    public let bodyAddresses: [String]
    public let attachments: [Attachment]
    /// message/rfc822 parts, parsed.
    public let attachedMessages: [MailMessage]
    /// The MIME parts in walk order.
    public let parts: [MIMEPartSummary]
    /// What was odd and recovered (bad base64, unknown charset, missing boundary, NUL bytes, ...).
    public let warnings: [String]
    /// The bytes the message was parsed from.
    public let raw: [UInt8]
    /// Nesting depth: 0 for a top-level message, 1+ for attached ones.
    public let depth: Int

    /// The earliest (bottom-most) hop whose sending IP is public.
    public var firstExternalHop: ReceivedHop? {
        received.last { $0.sendingIP?.isPublic == true }
    }

    /// The sending IP of `firstExternalHop`.
    public var firstExternalIP: String? { firstExternalHop?.sendingIP?.text }

    /// Parses an e-mail (.eml, optionally with an mbox "From " line, LF or CRLF).
    ///
    /// Throws only when nothing usable is there (empty input, no header); everything else is
    /// recovered and reported in `warnings`.
    ///
    /// ```swift
    /// let message = try MailMessage.parse(Data(eml.utf8))
    /// message.subject     // "【至急】新型ウイルス対策について"
    /// message.warnings    // []
    /// ```
    public static func parse(_ data: Data) throws(MailParseError) -> MailMessage {
        try parse([UInt8](data), depth: 0)
    }

    /// Parses an e-mail from its bytes. See `parse(_:)` for `Data`.
    public static func parse(_ bytes: [UInt8]) throws(MailParseError) -> MailMessage {
        try parse(bytes, depth: 0)
    }

    static func parse(_ bytes: [UInt8], depth: Int) throws(MailParseError) -> MailMessage {
        guard bytes.contains(where: { !ByteSearch.isWhitespace($0) }) else { throw MailParseError.empty }
        let slice = bytes[...]
        guard let block = HeaderParser.parse(slice, isTopLevel: true) else {
            throw MailParseError.noHeaders(describeNonMail(slice))
        }
        var warnings = block.warnings
        var nulCount = 0
        var nulSearch = 0
        while let nul = ByteSearch.firstIndex(of: 0, in: slice, from: nulSearch) {
            nulCount += 1
            nulSearch = nul + 1
        }
        if nulCount > 0 { warnings.append("\(nulCount) NUL byte\(nulCount == 1 ? "" : "s") in the message") }
        let headers = block.headers
        if headers.first("from") == nil && headers.first("subject") == nil && headers.first("received") == nil
            && headers.first("content-type") == nil && headers.first("message-id") == nil && headers.first("date") == nil
            && headers.first("to") == nil && headers.first("mime-version") == nil {
            // Header-looking lines but none of an e-mail's fields: probably not an e-mail.
            if headers.fields.count < 2 { throw MailParseError.noHeaders(describeNonMail(slice)) }
            warnings.append("none of the usual e-mail header fields present")
        }
        if block.bodyStart >= bytes.count && !bytes.isEmpty && headers.first("content-type") != nil {
            // header without body is legal; only note it when a body was announced
            warnings.append("header without body")
        }

        var walker = MIMEWalker(bytes: slice, depthOffset: depth)
        walker.walk(headers: headers, body: block.bodyStart..<bytes.count, depth: 0, defaultType: "text/plain")
        warnings += walker.warnings

        func addresses(_ name: String) -> [MailAddress] {
            headers.fields(named: name).flatMap { MailAddress.parseList($0.rawValue) }
        }
        let fromList = addresses("from")
        let subject = headers["subject"]
        let dateString = headers["date"]
        let date = dateString.flatMap(MailDate.parse)
        if let dateString, date == nil { warnings.append("unreadable Date \"\(dateString.prefix(60))\"") }
        let received = headers.fields(named: "received").map { ReceivedHop(parsing: $0.rawValue) }

        let facts = BodyFacts(walker.bodyOrder.map { body -> (Bool, String) in
            (body.isHTML, body.isHTML ? walker.htmlBodies[body.index] : walker.textBodies[body.index])
        })
        // Encrypted zip members: tried with the passwords the text gives (and `infected`).
        var attachments = walker.attachments
        if attachments.contains(where: \.hasUnopenedMembers) {
            let passwords = PasswordHints.passwords(in: (subject ?? "") + "\n" + facts.bodyText)
            for (index, attachment) in attachments.enumerated() {
                guard let opened = attachment.reopened(with: passwords) else { continue }
                let label = attachment.filename ?? attachment.contentType
                warnings.removeAll { $0 == "archive \(label): \(attachment.archiveProblem ?? "")" }
                if let problem = opened.archiveProblem { warnings.append("archive \(label): \(problem)") }
                attachments[index] = opened
            }
        }

        return MailMessage(
            headers: headers,
            from: fromList.first,
            sender: addresses("sender").first,
            replyTo: addresses("reply-to"),
            returnPath: addresses("return-path"),
            to: addresses("to"),
            cc: addresses("cc"),
            bcc: addresses("bcc"),
            deliveredTo: addresses("delivered-to") + addresses("x-original-to").filter { original in
                !addresses("delivered-to").contains { $0.address.lowercased() == original.address.lowercased() }
            },
            subject: subject,
            date: date,
            dateString: dateString,
            messageID: headers["message-id"],
            inReplyTo: headers["in-reply-to"],
            mailer: headers["x-mailer"] ?? headers["user-agent"],
            received: received,
            textBodies: walker.textBodies,
            htmlBodies: walker.htmlBodies,
            bodyText: facts.bodyText,
            refangedBodyText: facts.refangedBodyText,
            links: facts.links,
            bodyAddresses: facts.bodyAddresses,
            attachments: attachments,
            attachedMessages: walker.attachedMessages,
            parts: walker.parts,
            warnings: warnings,
            raw: bytes,
            depth: depth
        )
    }

    /// A copy with other attachments (archives reopened with passwords found elsewhere in a forward).
    func replacingAttachments(_ attachments: [Attachment]) -> MailMessage {
        MailMessage(headers: headers, from: from, sender: sender, replyTo: replyTo, returnPath: returnPath, to: to, cc: cc,
                    bcc: bcc, deliveredTo: deliveredTo, subject: subject, date: date, dateString: dateString,
                    messageID: messageID, inReplyTo: inReplyTo, mailer: mailer, received: received,
                    textBodies: textBodies, htmlBodies: htmlBodies, bodyText: bodyText, refangedBodyText: refangedBodyText,
                    links: links, bodyAddresses: bodyAddresses, attachments: attachments,
                    attachedMessages: attachedMessages, parts: parts, warnings: warnings, raw: raw, depth: depth)
    }

    private static func describeNonMail(_ bytes: ArraySlice<UInt8>) -> String {
        let sample = bytes.prefix(4096)
        let controls = sample.filter { ($0 < 0x20 && $0 != 0x09 && $0 != 0x0A && $0 != 0x0D) || $0 == 0x7F }.count
        if controls * 10 > sample.count { return "binary data (\(bytes.count) bytes), no header field found" }
        return "the first line is not a header field"
    }
}

// MARK: - Bodies

/// What the bodies say, in MIME order: the text, the text for indicator scanning (character
/// references decoded, defanging undone), links and addresses.
struct BodyFacts {
    var bodyText: String
    var refangedBodyText: String
    var links: [String] = []
    var bodyAddresses: [String] = []

    /// `pieces`: each body as (isHTML, decoded text).
    init(_ pieces: [(Bool, String)]) {
        var textPieces: [String] = []
        var scanPieces: [String] = []
        var linkSet: Set<String> = []
        var mailtoAddresses: [String] = []
        var links: [String] = []
        func addLink(_ url: String) {
            if linkSet.insert(url).inserted { links.append(url) }
        }
        for (isHTML, body) in pieces {
            if isHTML {
                let converted = HTMLText.convert(body)
                for value in converted.attributeURLs {
                    if value.lowercased().hasPrefix("mailto:") {
                        let address = value.dropFirst(7).prefix { $0 != "?" }
                        mailtoAddresses.append(String(address).removingPercentEncoding ?? String(address))
                    } else if let url = BodyLinks.attributeURL(value) {
                        addLink(url)
                    }
                }
                for url in BodyLinks.urls(in: BodyLinks.refang(converted.text)) { addLink(url) }
                textPieces.append(converted.text)
                scanPieces.append(converted.text)
            } else {
                // Character references in a plain body ("&#x30A6;" pasted from HTML) are decoded
                // before scanning, or an IDN written that way is cut to a wrong short domain.
                let decoded = HTMLText.decodeReferencesInText(body)
                for url in BodyLinks.urls(in: BodyLinks.refang(decoded)) { addLink(url) }
                textPieces.append(body)
                scanPieces.append(decoded)
            }
        }
        bodyText = textPieces.joined(separator: "\n\n")
        refangedBodyText = BodyLinks.refang(scanPieces.joined(separator: "\n\n"))
        self.links = links
        var seenAddresses: Set<String> = []
        for address in mailtoAddresses + BodyLinks.addresses(in: refangedBodyText) where !address.isEmpty {
            if seenAddresses.insert(address.lowercased()).inserted { bodyAddresses.append(address) }
        }
    }
}
