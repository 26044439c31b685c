// MailParsing — ReceivedChain.swift
// Received headers as hops: from/by hosts, the sending IP (Postfix, Sendmail, Exim, Exchange and
// qmail styles), envelope recipient ("for"), date; and the first hop sent from a public address.

import Foundation

/// One Received header.
public struct ReceivedHop: Sendable, Hashable {
    /// The unfolded header value.
    public let raw: String
    /// The name after "from" (usually the HELO/EHLO name the sender claimed).
    public let fromHost: String?
    /// The reverse-DNS name the receiver recorded in the from-comment, when present ("unknown" dropped).
    public let fromReverseHost: String?
    /// Every IP literal of the from-clause; the first is the sending IP.
    public let fromIPs: [MailIPAddress]
    /// The receiving host after "by".
    public let byHost: String?
    /// IP literals in the by-clause (Exchange writes them).
    public let byIPs: [MailIPAddress]
    /// The "with" protocol (ESMTP, ESMTPS, LMTP, SMTP, ...).
    public let protocolName: String?
    /// The envelope recipient of the "for" clause.
    public let forAddress: String?
    /// The date after the last ';'.
    public let date: Date?
    public let dateString: String?

    /// The address the message came from at this hop.
    public var sendingIP: MailIPAddress? { fromIPs.first }

    /// Parses one Received value.
    ///
    /// ```swift
    /// let hop = ReceivedHop(parsing: "from evil.example (unknown [203.0.113.7]) by mx.example.jp with ESMTP; Mon, 1 Jun 2020 10:00:00 +0900")
    /// hop.sendingIP?.text  // "203.0.113.7"
    /// ```
    public init(parsing value: String) {
        let unfolded = HeaderParser.unfold(value)
        raw = unfolded
        var clauses = Substring(unfolded)
        var dateText: Substring?
        if let semicolon = unfolded.lastIndex(of: ";") {
            clauses = unfolded[..<semicolon]
            dateText = unfolded[unfolded.index(after: semicolon)...]
        }
        let trimmedDate = dateText.map { String($0).trimmingASCIIWhitespace() }
        dateString = trimmedDate?.isEmpty == false ? trimmedDate : nil
        date = dateString.flatMap(MailDate.parse)

        // Tokens as byte ranges of the clause part, split at whitespace and parentheses.
        let bytes = Array(clauses.utf8)
        struct Token { var range: Range<Int>; var inComment: Bool }
        var tokens: [Token] = []
        var depth = 0
        var tokenStart = -1
        for index in 0...bytes.count {
            let byte: UInt8 = index < bytes.count ? bytes[index] : 0x20
            if byte == 0x20 || byte == 0x28 || byte == 0x29 || byte == 0x0D || byte == 0x0A || byte == 0x09 {
                if tokenStart >= 0 { tokens.append(Token(range: tokenStart..<index, inComment: depth > 0)); tokenStart = -1 }
                if byte == 0x28 { depth += 1 } else if byte == 0x29 { depth = max(0, depth - 1) }
            } else if tokenStart < 0 {
                tokenStart = index
            }
        }
        enum Clause: Int { case from, by, via, with, id, forRecipient }
        func keyword(_ range: Range<Int>) -> Clause? {
            guard range.count >= 2, range.count <= 4 else { return nil }
            var key: UInt32 = 0
            for index in range { key = key << 8 | UInt32(ByteSearch.lower(bytes[index])) }
            switch key {
            case 0x6672_6F6D: return .from   // "from"
            case 0x6279: return .by          // "by"
            case 0x76_6961: return .via      // "via"
            case 0x7769_7468: return .with   // "with"
            case 0x6964: return .id          // "id"
            case 0x66_6F72: return .forRecipient // "for"
            default: return nil
            }
        }
        var clauseTokens = [[Token]?](repeating: nil, count: 6)
        var current: Clause?
        for token in tokens {
            if !token.inComment, let clause = keyword(token.range), clauseTokens[clause.rawValue] == nil {
                current = clause
                clauseTokens[clause.rawValue] = []
                continue
            }
            if let current { clauseTokens[current.rawValue]?.append(token) }
        }
        func trimmed(_ range: Range<Int>, _ junk: (UInt8) -> Bool) -> Range<Int> {
            var lower = range.lowerBound, upper = range.upperBound
            while lower < upper, junk(bytes[lower]) { lower += 1 }
            while upper > lower, junk(bytes[upper - 1]) { upper -= 1 }
            return lower..<upper
        }
        func isHostJunk(_ byte: UInt8) -> Bool { byte == 0x3C || byte == 0x3E || byte == 0x3B || byte == 0x2C }
        func string(_ range: Range<Int>) -> String { String(decoding: bytes[range], as: UTF8.self) }
        func host(_ clause: [Token]?) -> String? {
            guard let first = clause?.first(where: { !$0.inComment }) else { return nil }
            let range = trimmed(first.range, isHostJunk)
            return range.isEmpty ? nil : string(range)
        }
        func ip(in tokenRange: Range<Int>) -> MailIPAddress? {
            var range = tokenRange
            // Claimed HELO names are not the sending address.
            if ByteSearch.hasPrefix(bytes[range], "helo=") || ByteSearch.hasPrefix(bytes[range], "ehlo=") { return nil }
            if let equals = bytes[range].lastIndex(of: 0x3D) { range = (equals + 1)..<range.upperBound }
            range = trimmed(range) { $0 == 0x5B || $0 == 0x3C || $0 == 0x2C || $0 == 0x5D || $0 == 0x3E || $0 == 0x3B }
            if let close = bytes[range].firstIndex(of: 0x5D) { range = range.lowerBound..<close }
            range = trimmed(range) { $0 == 0x5B || $0 == 0x5D || $0 == 0x3C || $0 == 0x3E || $0 == 0x2C || $0 == 0x3B || $0 == 0x3A || $0 == 0x2E }
            guard range.count >= 2, range.count <= 52 else { return nil }
            var colons = 0, dots = 0, firstColon = -1
            for index in range {
                let byte = bytes[index]
                if byte == 0x3A { colons += 1; if firstColon < 0 { firstColon = index } } else if byte == 0x2E { dots += 1 }
                else if !((byte >= 0x30 && byte <= 0x39) || (byte >= 0x61 && byte <= 0x66) || (byte >= 0x41 && byte <= 0x46)
                          || byte == 0x25 || ByteSearch.lower(byte) == 0x69 || ByteSearch.lower(byte) == 0x70 || ByteSearch.lower(byte) == 0x76) {
                    return nil
                }
            }
            if colons == 1, dots == 3, bytes[range.lowerBound..<firstColon].contains(0x2E) {
                range = range.lowerBound..<firstColon // "1.2.3.4:port"
            }
            guard dots == 3 || colons >= 2 else { return nil }
            return MailIPAddress(string(range))
        }
        let fromClause = clauseTokens[Clause.from.rawValue]
        fromHost = host(fromClause)
        var commentIPs: [MailIPAddress] = []
        var plainIPs: [MailIPAddress] = []
        var reverse: String?
        for token in fromClause ?? [] {
            if let address = ip(in: token.range) {
                if token.inComment { commentIPs.append(address) } else { plainIPs.append(address) }
            } else if token.inComment, reverse == nil {
                let range = trimmed(token.range) { $0 == 0x5B || $0 == 0x5D || isHostJunk($0) }
                var hasDot = false, hasLetter = false, valid = !range.isEmpty
                for index in range {
                    let byte = bytes[index]
                    if byte == 0x2E { hasDot = true } else if (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) { hasLetter = true }
                    else if !((byte >= 0x30 && byte <= 0x39) || byte == 0x2D || byte == 0x5F) { valid = false; break }
                }
                if valid, hasDot, hasLetter { reverse = string(range) }
            }
        }
        var ips: [MailIPAddress] = []
        for address in commentIPs + plainIPs where !ips.contains(address) { ips.append(address) }
        fromIPs = ips
        fromReverseHost = reverse
        byHost = host(clauseTokens[Clause.by.rawValue])
        var byAddresses: [MailIPAddress] = []
        for token in clauseTokens[Clause.by.rawValue] ?? [] {
            if let address = ip(in: token.range), !byAddresses.contains(address) { byAddresses.append(address) }
        }
        byIPs = byAddresses
        protocolName = host(clauseTokens[Clause.with.rawValue])
        if let forToken = clauseTokens[Clause.forRecipient.rawValue]?.first(where: { !$0.inComment }) {
            let range = trimmed(forToken.range, isHostJunk)
            forAddress = range.isEmpty ? nil : string(range)
        } else {
            forAddress = nil
        }
    }
}
