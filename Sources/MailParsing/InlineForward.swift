// MailParsing — InlineForward.swift
// Forwards written into the body instead of attached: the marker lines and quoted header blocks of
// Outlook (-----Original Message----- / From: Sent: To: Cc: Subject:, 差出人: 送信日時: 宛先: 件名:),
// Thunderbird (-------- Forwarded Message -------- / 転送メッセージ with 件名 日付 差出人 宛先 返信先),
// Gmail (---------- Forwarded message ---------), Japanese clients (----- 転送メッセージ -----,
// -------- Original Message --------), Apple Mail and `>`-quoted forwards at any depth; and the
// message such a block describes, rebuilt from it (people, subject, date as the client wrote it,
// the quoted text as its body).

import Foundation

/// One line of a body with its quote depth (the number of leading '>') and its text without them.
struct QuotedLine {
    var depth: Int
    var text: Substring

    /// Splits a body into lines and strips quote prefixes ("> ", ">>", "> > ").
    static func split(_ body: String) -> [QuotedLine] {
        var lines: [QuotedLine] = []
        for raw in body.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\n" || $0 == "\r\n" || $0 == "\r" }) {
            var depth = 0
            var rest = raw[...]
            while true {
                let afterSpaces = rest.drop { $0 == " " }
                guard afterSpaces.first == ">" || afterSpaces.first == "＞" else { break }
                // Leading spaces before a '>' belong to the quote only when there was a '>' before them.
                if depth == 0, afterSpaces.startIndex != rest.startIndex, rest.distance(from: rest.startIndex, to: afterSpaces.startIndex) > 3 { break }
                depth += 1
                rest = afterSpaces.dropFirst()
            }
            if depth > 0, rest.first == " " { rest = rest.dropFirst() }
            lines.append(QuotedLine(depth: depth, text: rest))
        }
        return lines
    }

    var isBlank: Bool { text.allSatisfy { $0 == " " || $0 == "\t" || $0 == "　" } }
}

/// The header fields a forwarding client writes above the forwarded text.
struct QuotedHeaderBlock {
    enum Field: String {
        case from = "From", date = "Date", to = "To", cc = "Cc", subject = "Subject", replyTo = "Reply-To"
    }

    /// Labels in the clients' languages; Outlook's "Sent" and "送信日時" are the date.
    static let labels: [String: Field] = [
        "from": .from, "差出人": .from, "送信者": .from, "発信者": .from, "von": .from, "de": .from,
        "date": .date, "sent": .date, "送信日時": .date, "日付": .date, "日時": .date, "送信日": .date, "gesendet": .date,
        "to": .to, "宛先": .to, "宛て先": .to, "送信先": .to, "an": .to, "à": .to,
        "cc": .cc, "ｃｃ": .cc,
        "subject": .subject, "件名": .subject, "表題": .subject, "betreff": .subject, "objet": .subject,
        "reply-to": .replyTo, "返信先": .replyTo,
    ]

    var fields: [(field: Field, label: String, value: String)] = []

    func value(_ field: Field) -> String? { fields.first { $0.field == field }?.value }

    var from: MailAddress? { value(.from).flatMap { Self.people($0).first } }
    var to: [MailAddress] { value(.to).map(Self.people) ?? [] }
    var cc: [MailAddress] { value(.cc).map(Self.people) ?? [] }
    var replyTo: [MailAddress] { value(.replyTo).map(Self.people) ?? [] }
    var subject: String? { value(.subject) }
    var dateText: String? { value(.date) }

    /// True when the block names a sender and a date or subject: a forwarded message's header.
    var isComplete: Bool { value(.from) != nil && (value(.date) != nil || value(.subject) != nil) }

    /// The label and value of a "Label: value" line whose label is a header label; nil otherwise.
    static func labelled(_ line: Substring) -> (Field, String, String)? {
        var text = line.drop { $0 == " " || $0 == "\t" || $0 == "*" || $0 == "　" }
        guard let colon = text.prefix(24).firstIndex(where: { $0 == ":" || $0 == "：" }) else { return nil }
        var label = text[..<colon]
        while let last = label.last, last == " " || last == "*" || last == "\t" || last == "　" { label = label.dropLast() }
        guard let field = labels[label.lowercased()] else { return nil }
        text = text[text.index(after: colon)...]
        let value = text.drop { $0 == " " || $0 == "\t" || $0 == "*" || $0 == "　" }
        var trimmed = String(value)
        while let last = trimmed.last, last == " " || last == "\t" || last == "\r" || last == "　" { trimmed.removeLast() }
        return (field, String(label), trimmed)
    }

    /// People as quoted: "山田 太郎 <yamada@example.jp>", Outlook's "山田 [mailto:yamada@example.jp]",
    /// lists split by ';' or ',', names without an address kept as display names.
    static func people(_ value: String) -> [MailAddress] {
        var text = value
        // Outlook: "Name [mailto:a@b]" → "Name <a@b>"
        while let open = text.range(of: "[mailto:", options: .caseInsensitive),
              let close = text[open.upperBound...].firstIndex(of: "]") {
            text.replaceSubrange(open.lowerBound...close, with: "<" + text[open.upperBound..<close] + ">")
        }
        if !text.contains("@") {
            let separator: Character = text.contains(";") ? ";" : (text.contains("、") ? "、" : ",")
            return text.split(separator: separator).compactMap { piece in
                let name = piece.trimmingCharacters(in: .whitespaces).trimmingCharacters(in: CharacterSet(charactersIn: "\"'"))
                return name.isEmpty ? nil : MailAddress(address: "", displayName: name)
            }
        }
        // Outlook separates with ';': a piece without '@' is a name (its spaces kept).
        let pieces = text.contains(";") ? text.split(separator: ";").map(String.init) : [text]
        return pieces.flatMap { piece -> [MailAddress] in
            guard piece.contains("@") else {
                let name = piece.trimmingCharacters(in: .whitespaces)
                return name.isEmpty ? [] : [MailAddress(address: "", displayName: name)]
            }
            return MailAddress.parseList(piece).map { person in
                if person.address.contains("@") { return person }
                return MailAddress(address: "", displayName: person.displayName ?? person.address)
            }
        }
    }
}

/// A forward written inline: where it is, what the forwarder wrote above it, the quoted header
/// and the forwarded text.
struct InlineForward {
    /// The client style, for `ForwardedAttack.attackSelection` ("Outlook", "Gmail", "Thunderbird" …).
    let style: String
    /// True for markers that say "forwarded" (Gmail, Thunderbird, 転送メッセージ, Apple Mail); false for
    /// Outlook's "Original Message" and bare header blocks, which replies write too.
    let isExplicit: Bool
    /// The forwarder's text above the marker (signature included).
    let ownText: String
    let block: QuotedHeaderBlock
    /// The forwarded message's text, quote prefixes of its level removed.
    let inner: [QuotedLine]

    /// The forwarded text; lines quoted deeper than the forward keep their '>' (a forward inside it
    /// is found again from them).
    var innerText: String {
        inner.map { line in
            line.depth == 0 ? String(line.text) : String(repeating: ">", count: line.depth) + " " + String(line.text)
        }.joined(separator: "\n")
    }

    private static let blockSearchLimit = 4

    /// The first inline forward in `lines`, if any. One pass over the lines; a block is parsed only
    /// where a marker or a header label stands, and at most 24 lines of it.
    static func find(in lines: [QuotedLine], subject: String? = nil) -> InlineForward? {
        var index = 0
        while index < lines.count {
            let line = lines[index]
            if let marker = marker(line.text) {
                var start = index + 1
                while start < lines.count, start - index <= blockSearchLimit, lines[start].isBlank { start += 1 }
                if start < lines.count, case let (block, end)? = parseBlock(lines, at: start), block.isComplete {
                    var style = marker.style
                    if marker.style == "転送メッセージ", block.fields.first?.field == .subject { style = "Thunderbird" }
                    return make(lines, ownEnd: index, block: block, blockDepth: lines[start].depth, end: end,
                                style: style, explicit: marker.explicit)
                }
                index += 1
                continue
            }
            if line.depth == 0, !line.isBlank, let attribution = attribution(line.text, subject: subject) {
                // "On Tue, 3 Nov 2026 at 10:02, Name <addr> wrote:" / 「2026年11月3日(火) 10:02 Name <addr>:」 above '>' lines.
                var next = index + 1
                while next < lines.count, next - index <= 2, lines[next].isBlank { next += 1 }
                if next < lines.count, lines[next].depth > 0 {
                    return make(lines, ownEnd: index, block: attribution, blockDepth: lines[next].depth, end: next,
                                style: "quoted reply", explicit: false)
                }
            }
            if let labelled = QuotedHeaderBlock.labelled(line.text), labelled.0 == .from,
               case let (block, end)? = parseBlock(lines, at: index), block.isComplete {
                // Outlook without a marker (its HTML forwards draw a rule "____" above the block).
                var ownEnd = index
                var previous = index - 1
                while previous >= 0, lines[previous].isBlank { previous -= 1 }
                if previous >= 0, lines[previous].text.trimmingCharacters(in: .whitespaces).allSatisfy({ $0 == "_" || $0 == "─" || $0 == "━" }),
                   lines[previous].text.count >= 8 {
                    ownEnd = previous
                }
                let labels = Set(block.fields.map(\.label))
                let style = labels.contains("差出人") && labels.contains("送信日時") ? "Outlook, Japanese"
                    : (labels.contains { $0.lowercased() == "sent" } ? "Outlook" : (line.depth > 0 ? "quoted" : "header block"))
                return make(lines, ownEnd: ownEnd, block: block, blockDepth: line.depth, end: end, style: style, explicit: false)
            }
            index += 1
        }
        return nil
    }

    private static func make(_ lines: [QuotedLine], ownEnd: Int, block: QuotedHeaderBlock, blockDepth: Int, end: Int,
                             style: String, explicit: Bool) -> InlineForward {
        var own: [String] = lines[..<ownEnd].map { line -> String in
            line.depth == 0 ? String(line.text) : String(repeating: ">", count: line.depth) + " " + String(line.text)
        }
        while own.last?.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "　" }) == true { own.removeLast() }
        var inner: [QuotedLine] = []
        var cursor = end
        while cursor < lines.count, lines[cursor].isBlank { cursor += 1 }
        while cursor < lines.count {
            let line = lines[cursor]
            // A quoted forward ends where the text falls back below the block's quote level.
            if blockDepth > 0, line.depth < blockDepth, !line.isBlank { break }
            inner.append(QuotedLine(depth: max(0, line.depth - blockDepth), text: line.text))
            cursor += 1
        }
        while inner.last?.isBlank == true { inner.removeLast() }
        // What the forwarder wrote below a quoted forward (a signature, a note) is theirs too.
        if cursor < lines.count {
            own.append("")
            own += lines[cursor...].map { line in
                line.depth == 0 ? String(line.text) : String(repeating: ">", count: line.depth) + " " + String(line.text)
            }
        }
        return InlineForward(style: style, isExplicit: explicit, ownText: own.joined(separator: "\n"), block: block, inner: inner)
    }

    nonisolated(unsafe) static let attributionLine = try! NSRegularExpression(
        pattern: #"^\s*(?:On\s+)?(.*?)[,、，]?\s*([^<>,、，]*?)\s*[<＜]([^<>\s]+@[^<>\s]+)[>＞]\s*(?:wrote|さんは書きました|は書きました|のメッセージ|が書きました)?\s*[:：]\s*$"#)

    /// The header block an attribution line stands for (sender, date when written, and the forward's
    /// own subject without its RE:/FW: prefixes, since such quotes do not repeat it).
    static func attribution(_ text: Substring, subject: String?) -> QuotedHeaderBlock? {
        guard text.contains("@"), text.hasSuffix(":") || text.hasSuffix("：") else { return nil }
        let line = String(text)
        guard let match = attributionLine.firstMatch(in: line, range: NSRange(line.startIndex..., in: line)),
              let dateRange = Range(match.range(at: 1), in: line), let nameRange = Range(match.range(at: 2), in: line),
              let addressRange = Range(match.range(at: 3), in: line) else { return nil }
        var block = QuotedHeaderBlock()
        let name = line[nameRange].trimmingCharacters(in: CharacterSet(charactersIn: " \"'"))
        block.fields.append((.from, "From", name.isEmpty ? "<\(line[addressRange])>" : "\(name) <\(line[addressRange])>"))
        let date = line[dateRange].trimmingCharacters(in: CharacterSet(charactersIn: " ,、"))
        if date.contains(where: \.isNumber) { block.fields.append((.date, "Date", date)) }
        if let subject = ForwardDecision.withoutReplyPrefixes(subject), !subject.isEmpty {
            block.fields.append((.subject, "Subject", subject))
        }
        return block.isComplete ? block : nil
    }

    /// Marker lines: the dashed titles clients write above a forwarded header.
    private static func marker(_ text: Substring) -> (style: String, explicit: Bool)? {
        // Most lines start with something else: skip them before any trimming.
        guard let first = text.first(where: { $0 != " " && $0 != "\t" && $0 != "　" && $0 != "*" }),
              first == "-" || first == "=" || first == "ー" || first == "―" || first == "B" || first == "b" else { return nil }
        let trimmed = text.trimmingCharacters(in: CharacterSet(charactersIn: " \t　*"))
        guard trimmed.count >= 12 || trimmed.hasPrefix("Begin forwarded") else { return nil }
        if trimmed.lowercased().hasPrefix("begin forwarded message") { return ("Apple Mail", true) }
        guard trimmed.hasPrefix("--") || trimmed.hasPrefix("ー") || trimmed.hasPrefix("―") || trimmed.hasPrefix("==") else { return nil }
        let title = trimmed.trimmingCharacters(in: CharacterSet(charactersIn: "-=ー― \t　")).lowercased()
        switch title {
        case "original message": return (trimmed.hasPrefix("-----O") ? "Outlook" : "Original Message", false)
        case "元のメッセージ", "オリジナルメッセージ": return ("Outlook, Japanese", false)
        case "forwarded message":
            return (trimmed.contains("Forwarded message") ? "Gmail" : "Thunderbird", true)
        case "forward message", "転送メッセージ", "転送されたメッセージ", "転送メール": return ("転送メッセージ", true)
        default: return nil
        }
    }

    /// A header block starting at `start`: label lines at one quote depth, with continuation lines
    /// for long To/Cc lists; ends at a blank line or a line that is neither. Returns the block and
    /// the index after it.
    private static func parseBlock(_ lines: [QuotedLine], at start: Int) -> (QuotedHeaderBlock, Int)? {
        var block = QuotedHeaderBlock()
        let depth = lines[start].depth
        var index = start
        var cellStyle = false // label and value on separate lines, rows apart (an HTML header table)
        while index < lines.count, index - start < 24 {
            let line = lines[index]
            if cellStyle, line.isBlank, index + 1 < lines.count, lines[index + 1].depth == depth,
               let next = QuotedHeaderBlock.labelled(lines[index + 1].text), !block.fields.contains(where: { $0.field == next.0 }) {
                index += 1
                continue
            }
            guard line.depth == depth, !line.isBlank else { break }
            if case let (field, label, value)? = QuotedHeaderBlock.labelled(line.text) {
                if block.fields.contains(where: { $0.field == field }) { break } // a second block begins
                block.fields.append((field, label, value))
            } else if let last = block.fields.last, last.value.isEmpty {
                // The value on the next line: HTML forwards as text (Thunderbird's header table puts
                // "Subject:" and its value in two cells).
                block.fields[block.fields.count - 1].value = line.text.trimmingCharacters(in: .whitespaces)
                cellStyle = true
            } else if let last = block.fields.last, last.field == .to || last.field == .cc,
                      line.text.contains("@") || line.text.contains(";") || line.text.first == " " || line.text.first == "\t" {
                block.fields[block.fields.count - 1].value += " " + line.text.trimmingCharacters(in: .whitespaces)
            } else if let last = block.fields.last, last.field == .subject || last.field == .date,
                      line.text.first == " " || line.text.first == "\t" {
                block.fields[block.fields.count - 1].value += " " + line.text.trimmingCharacters(in: .whitespaces)
            } else {
                break
            }
            index += 1
        }
        return block.fields.isEmpty ? nil : (block, index)
    }
}

// MARK: - The forwarded message, rebuilt

extension MailMessage {
    /// The message an inline forward quotes, rebuilt from its header block: From (display name and
    /// address), To/Cc/Reply-To, Subject, the Date as the client wrote it, the quoted text as body,
    /// and the forward's attachments (clients re-attach the forwarded message's files). Message-ID and
    /// Received are not in the quote, so they stay unknown.
    ///
    /// `carriedLinks` are links of the forwarding message that its text does not show (HTML hrefs of
    /// the quoted part): the forward's own links minus those in what the forwarder wrote.
    static func rebuilt(from forward: InlineForward, attachments: [Attachment], carriedLinks: [String], depth: Int,
                        defaultOffsetMinutes: Int?) -> MailMessage {
        let block = forward.block
        var headerFields: [MailHeader] = []
        for field in block.fields {
            headerFields.append(MailHeader(name: field.field.rawValue, rawValue: field.value, value: field.value,
                                           lowercasedName: field.field.rawValue.lowercased()))
        }
        let body = forward.innerText
        let dateText = block.dateText
        var facts = BodyFacts([(false, body)])
        for link in carriedLinks where !facts.links.contains(link) { facts.links.append(link) }
        var raw = block.fields.map { "\($0.field.rawValue): \($0.value)" }.joined(separator: "\n")
        raw += "\n\n" + body
        return MailMessage(
            headers: MailHeaders(fields: headerFields), from: block.from, sender: nil, replyTo: block.replyTo,
            returnPath: [], to: block.to, cc: block.cc, bcc: [], deliveredTo: [], subject: block.subject,
            date: dateText.flatMap { MailDate.parseQuoted($0, defaultOffsetMinutes: defaultOffsetMinutes) },
            dateString: dateText, messageID: nil, inReplyTo: nil, mailer: nil, received: [],
            textBodies: [body], htmlBodies: [], bodyText: facts.bodyText, refangedBodyText: facts.refangedBodyText,
            links: facts.links, bodyAddresses: facts.bodyAddresses, attachments: attachments, attachedMessages: [],
            parts: [MIMEPartSummary(depth: depth, contentType: "text/plain", filename: nil, transferEncoding: nil,
                                    size: body.utf8.count)],
            warnings: [], raw: Array(raw.utf8), depth: depth)
    }
}
