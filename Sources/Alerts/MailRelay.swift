// Alerts — MailRelay: a small SMTP client over SwiftNIO that hands one message at a time to the
// operator's relay (RFC 5321: EHLO, optional STARTTLS and AUTH PLAIN, MAIL FROM, RCPT TO, DATA with
// dot-stuffing, QUIT), and the message text itself (RFC 5322 headers, RFC 2047 encoded UTF-8
// subjects, a text/plain UTF-8 body in 8bit when the relay offers 8BITMIME, else base64).
import Foundation
import NIOCore
import NIOPosix
import NIOSSL

/// One e-mail to send.
public struct OutgoingMail: Sendable, Equatable {
    public var to: String
    public var subject: String
    public var text: String
    /// The `Message-ID` (without angle brackets), stable per alert so a relay or reader can dedupe.
    public var messageID: String

    public init(to: String, subject: String, text: String, messageID: String) {
        self.to = to; self.subject = subject; self.text = text; self.messageID = messageID
    }
}

/// Sends mail through the operator's relay; each `send` is one connection.
///
/// ```swift
/// let relay = MailRelay(settings: MailRelaySettings(host: "127.0.0.1", port: 2525, from: "hub@example.jp"))
/// try await relay.send(OutgoingMail(to: "soc@member.example", subject: "緊急: 新しい指標", text: "…", messageID: "a1@hub"))
/// ```
public struct MailRelay: Sendable {
    public let settings: MailRelaySettings
    public var timeout: TimeAmount = .seconds(30)

    public init(settings: MailRelaySettings) { self.settings = settings }

    /// Delivers `mail` to the relay; throws `MailRelayError` with the relay's reply when refused.
    public func send(_ mail: OutgoingMail) async throws {
        guard Self.isPlainAddress(mail.to), Self.isPlainAddress(settings.from) else {
            throw MailRelayError("an address is not a plain mailbox (no spaces, angle brackets or line breaks)")
        }
        let replies = SMTPReplies()
        let channel = try await ClientBootstrap(group: MultiThreadedEventLoopGroup.singleton)
            .connectTimeout(timeout)
            .channelInitializer { channel in
                channel.eventLoop.makeCompletedFuture {
                    try channel.pipeline.syncOperations.addHandler(ByteToMessageHandler(SMTPReplyDecoder()))
                    try channel.pipeline.syncOperations.addHandler(SMTPReplyHandler(replies: replies))
                }
            }
            .connect(host: settings.host, port: settings.port).get()
        // One deadline for the whole conversation: the connection is closed when it passes.
        let deadline = channel.eventLoop.scheduleTask(in: timeout) { channel.close(promise: nil) }
        defer { deadline.cancel() }
        do {
            try await converse(mail, channel: channel, replies: replies)
            try? await channel.close()
        } catch {
            try? await channel.close()
            throw error
        }
    }

    func converse(_ mail: OutgoingMail, channel: any Channel, replies: SMTPReplies) async throws {
        var conversation = SMTPConversation(channel: channel, replies: replies)
        try await conversation.expect(220)
        var features = try await conversation.command("EHLO \(Self.heloName)", expect: 250).lines
        if settings.startTLS {
            guard features.contains(where: { $0.uppercased().hasPrefix("STARTTLS") }) else {
                throw MailRelayError("the relay does not offer STARTTLS, which alerts.json requires")
            }
            _ = try await conversation.command("STARTTLS", expect: 220)
            var tls = TLSConfiguration.makeClientConfiguration()
            if let caFile = settings.caFile { tls.trustRoots = .file(caFile) }
            let context = try NIOSSLContext(configuration: tls)
            let serverName = Self.isIPAddress(settings.host) ? nil : settings.host
            try await channel.eventLoop.submit {
                let handler = try NIOSSLClientHandler(context: context, serverHostname: serverName)
                try channel.pipeline.syncOperations.addHandler(handler, position: .first)
            }.get()
            features = try await conversation.command("EHLO \(Self.heloName)", expect: 250).lines
        }
        if let username = settings.username, let password = settings.password {
            guard settings.startTLS || Self.isLoopback(settings.host) else {
                throw MailRelayError("refusing to send the relay password without STARTTLS")
            }
            let token = Data(("\0" + username + "\0" + password).utf8).base64EncodedString()
            // Not through `command`, so that no error or log ever carries the line.
            _ = try await conversation.command("AUTH PLAIN \(token)", expect: 235, redacted: "AUTH PLAIN")
        }
        let eightBit = features.contains { $0.uppercased().hasPrefix("8BITMIME") }
        let message = MailText.message(mail, from: settings.from, eightBit: eightBit)
        _ = try await conversation.command("MAIL FROM:<\(settings.from)>" + (eightBit ? " BODY=8BITMIME" : ""), expect: 250)
        _ = try await conversation.command("RCPT TO:<\(mail.to)>", expect: 250, alsoAccept: [251])
        _ = try await conversation.command("DATA", expect: 354)
        try await conversation.write(MailText.dotStuffed(message) + ".\r\n")
        try await conversation.expect(250)
        _ = try? await conversation.command("QUIT", expect: 221)
    }

    static let heloName: String = {
        let name = ProcessInfo.processInfo.hostName
        return name.isEmpty || name.contains(" ") ? "kakehashi.localdomain" : name
    }()

    static func isPlainAddress(_ address: String) -> Bool {
        address.contains("@") && !address.contains(where: { $0 == "<" || $0 == ">" || $0.isWhitespace || $0 == "\r" || $0 == "\n" })
    }

    static func isLoopback(_ host: String) -> Bool {
        host == "localhost" || host == "::1" || host.hasPrefix("127.")
    }

    static func isIPAddress(_ host: String) -> Bool {
        host.contains(":") || host.allSatisfy { $0.isNumber || $0 == "." }
    }
}

/// The relay refused, closed or did not answer in time.
public struct MailRelayError: Error, CustomStringConvertible {
    public let description: String
    init(_ description: String) { self.description = description }
}

// MARK: - Message text

/// The text of a message: headers, encoded subject, body and dot-stuffing.
public enum MailText {
    /// The whole message with CRLF line ends (not yet dot-stuffed).
    public static func message(_ mail: OutgoingMail, from: String, eightBit: Bool, date: Date = Date()) -> String {
        let body = normalisedLines(mail.text)
        let longLine = body.split(separator: "\n").contains { $0.utf8.count > 990 }
        let plain = body.allSatisfy(\.isASCII) && !longLine
        var headers = [
            "From: Kakehashi <\(from)>",
            "To: <\(mail.to)>",
            "Subject: " + encodedHeader(mail.subject),
            "Date: " + rfc5322Date(date),
            "Message-ID: <\(mail.messageID)>",
            "MIME-Version: 1.0",
            "Content-Type: text/plain; charset=UTF-8",
            "Auto-Submitted: auto-generated",
        ]
        let text: String
        if plain || (eightBit && !longLine) {
            headers.append("Content-Transfer-Encoding: " + (plain ? "7bit" : "8bit"))
            text = body
        } else {
            headers.append("Content-Transfer-Encoding: base64")
            text = Data(body.utf8).base64EncodedString(options: [.lineLength76Characters, .endLineWithLineFeed])
        }
        var lines = headers + [""] + text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        if lines.last == "" { lines.removeLast() }
        return lines.joined(separator: "\r\n") + "\r\n"
    }

    /// A header value as RFC 2047 encoded words (UTF-8, base64) when it is not plain ASCII; each
    /// word at most 75 characters, never splitting a character, folded onto continuation lines.
    ///
    /// ```swift
    /// MailText.encodedHeader("緊急: C2")   // "=?UTF-8?B?57eK5oClOiBDMg==?="
    /// ```
    public static func encodedHeader(_ value: String) -> String {
        let clean = value.replacingOccurrences(of: "\r", with: " ").replacingOccurrences(of: "\n", with: " ")
        if clean.allSatisfy({ $0.isASCII }) && clean.utf8.count <= 900 { return clean }
        // 45 bytes of UTF-8 make 60 base64 characters: with "=?UTF-8?B?" and "?=", 72.
        var words: [String] = []
        var chunk: [UInt8] = []
        for character in clean {
            let bytes = Array(String(character).utf8)
            if chunk.count + bytes.count > 45 {
                words.append(Data(chunk).base64EncodedString()); chunk = []
            }
            chunk += bytes
        }
        if !chunk.isEmpty { words.append(Data(chunk).base64EncodedString()) }
        return words.map { "=?UTF-8?B?\($0)?=" }.joined(separator: "\r\n ")
    }

    /// Lines that begin with "." get another (RFC 5321 4.5.2), so that none ends the DATA early.
    public static func dotStuffed(_ message: String) -> String {
        message.split(separator: "\r\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix(".") ? "." + $0 : String($0) }
            .joined(separator: "\r\n")
    }

    /// `text` with every line end a single LF and a final line end.
    static func normalisedLines(_ text: String) -> String {
        var text = text.replacingOccurrences(of: "\r\n", with: "\n").replacingOccurrences(of: "\r", with: "\n")
        if !text.hasSuffix("\n") { text += "\n" }
        return text
    }

    static func rfc5322Date(_ date: Date) -> String {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss '+0000'"
        return formatter.string(from: date)
    }
}

// MARK: - Conversation

/// One SMTP reply: its code and the text of each of its lines.
struct SMTPReply: Sendable {
    var code: Int
    var lines: [String]
}

/// Replies as they arrive, for the one task conducting the conversation.
final class SMTPReplies: Sendable {
    let stream: AsyncStream<SMTPReply>
    let continuation: AsyncStream<SMTPReply>.Continuation
    init() { (stream, continuation) = AsyncStream.makeStream(of: SMTPReply.self) }
}

/// Splits the relay's bytes into replies (multi-line replies joined: `250-…` lines then `250 …`).
struct SMTPReplyDecoder: ByteToMessageDecoder {
    typealias InboundOut = SMTPReply
    var lines: [String] = []

    mutating func decode(context: ChannelHandlerContext, buffer: inout ByteBuffer) throws -> DecodingState {
        guard let end = buffer.readableBytesView.firstIndex(of: UInt8(ascii: "\n")) else {
            if buffer.readableBytes > 64 * 1024 { throw MailRelayError("the relay sent a line longer than 64 KiB") }
            return .needMoreData
        }
        let length = end - buffer.readerIndex + 1
        var line = buffer.readString(length: length) ?? ""
        while line.hasSuffix("\n") || line.hasSuffix("\r") { line.removeLast() }
        let bytes = Array(line.utf8)
        guard bytes.count >= 3, let code = Int(String(line.prefix(3))) else {
            throw MailRelayError("the relay answered something that is not SMTP")
        }
        lines.append(String(line.dropFirst(4)))
        if bytes.count > 3 && bytes[3] == UInt8(ascii: "-") { return .continue }
        context.fireChannelRead(wrapInboundOut(SMTPReply(code: code, lines: lines)))
        lines = []
        return .continue
    }
}

final class SMTPReplyHandler: ChannelInboundHandler, Sendable {
    typealias InboundIn = SMTPReply
    let replies: SMTPReplies
    init(replies: SMTPReplies) { self.replies = replies }

    func channelRead(context: ChannelHandlerContext, data: NIOAny) {
        replies.continuation.yield(unwrapInboundIn(data))
    }

    func channelInactive(context: ChannelHandlerContext) {
        replies.continuation.finish()
        context.fireChannelInactive()
    }

    func errorCaught(context: ChannelHandlerContext, error: any Error) {
        replies.continuation.finish()
        context.close(promise: nil)
    }
}

/// Commands and their expected replies, one after another.
struct SMTPConversation {
    let channel: any Channel
    var iterator: AsyncStream<SMTPReply>.Iterator

    init(channel: any Channel, replies: SMTPReplies) {
        self.channel = channel; self.iterator = replies.stream.makeAsyncIterator()
    }

    mutating func command(_ line: String, expect code: Int, alsoAccept: [Int] = [], redacted: String? = nil) async throws -> SMTPReply {
        try await write(line + "\r\n")
        return try await expect(code, alsoAccept: alsoAccept, after: redacted ?? line)
    }

    @discardableResult
    mutating func expect(_ code: Int, alsoAccept: [Int] = [], after what: String = "connecting") async throws -> SMTPReply {
        // A relay that does not answer in time has its connection closed (see MailRelay.send), which
        // ends the replies.
        guard let reply = await iterator.next() else {
            throw MailRelayError("the relay closed the connection or did not answer in time after \(what)")
        }
        guard reply.code == code || alsoAccept.contains(reply.code) else {
            throw MailRelayError("the relay answered \(what) with \(reply.code) \(reply.lines.last ?? "")")
        }
        return reply
    }

    func write(_ text: String) async throws {
        try await channel.writeAndFlush(ByteBuffer(string: text)).get()
    }
}
