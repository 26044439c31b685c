// MailParsing — Addresses.swift
// Mailboxes in address headers (From, To, Cc, Reply-To, Return-Path, Delivered-To): display names
// (quoted, commented, RFC 2047-encoded, even unquoted with commas), groups, angle addresses.

import Foundation

/// One mailbox: an address and its decoded display name.
public struct MailAddress: Sendable, Hashable, CustomStringConvertible {
    /// The address as written (e.g. "soumu@mhlw-go.example.jp"); may lack '@' in broken mails.
    public let address: String
    /// The decoded display name ("厚生労働省 健康局"), nil when there is none.
    public let displayName: String?

    public init(address: String, displayName: String? = nil) {
        self.address = address
        self.displayName = displayName
    }

    /// The part after the last '@', lower-cased; nil without '@'.
    public var domain: String? {
        guard let at = address.lastIndex(of: "@") else { return nil }
        let domain = address[address.index(after: at)...]
        return domain.isEmpty ? nil : domain.lowercased()
    }

    public var description: String {
        if let displayName { return "\(displayName) <\(address)>" }
        return address
    }

    /// Parses an address list as it stands in a header (encoded words still encoded).
    ///
    /// ```swift
    /// let people = MailAddress.parseList("=?UTF-8?B?5bGx55Sw?= <yamada@example.jp>, sato@example.jp")
    /// people[0].displayName  // "山田"
    /// ```
    public static func parseList(_ raw: String) -> [MailAddress] {
        let scalars = Array(HeaderParser.unfold(raw).unicodeScalars)
        var elements: [[Unicode.Scalar]] = []
        var current: [Unicode.Scalar] = []
        var inQuote = false
        var inAngle = false
        var commentDepth = 0
        var index = 0
        while index < scalars.count {
            let scalar = scalars[index]
            if inQuote {
                current.append(scalar)
                if scalar == "\\", index + 1 < scalars.count { current.append(scalars[index + 1]); index += 2; continue }
                if scalar == "\"" { inQuote = false }
                index += 1
                continue
            }
            if commentDepth > 0 {
                current.append(scalar)
                if scalar == "(" { commentDepth += 1 } else if scalar == ")" { commentDepth -= 1 }
                index += 1
                continue
            }
            switch scalar {
            case "\"": inQuote = true; current.append(scalar)
            case "(": commentDepth = 1; current.append(scalar)
            case "<": inAngle = true; current.append(scalar)
            case ">": inAngle = false; current.append(scalar)
            case ",", ";":
                if inAngle {
                    current.append(scalar)
                } else {
                    elements.append(current)
                    current = []
                }
            case ":" where !inAngle:
                // A group name ("undisclosed-recipients:") unless it looks like part of an address.
                if current.contains("@") { current.append(scalar) } else { current = [] }
            default:
                current.append(scalar)
            }
            index += 1
        }
        elements.append(current)

        var result: [MailAddress] = []
        var carried: [Unicode.Scalar] = []
        for (position, element) in elements.enumerated() {
            var element = element
            if !carried.isEmpty {
                element = carried + [","] + element
                carried = []
            }
            let trimmed = String(String.UnicodeScalarView(element)).trimmingASCIIWhitespace()
            if trimmed.isEmpty { continue }
            let hasAt = element.contains("@")
            let hasAngle = element.contains("<")
            if !hasAt && !hasAngle && position + 1 < elements.count {
                // "Tanaka, Taro <t@example.jp>": an unquoted display name with a comma.
                let next = elements[position + 1]
                if next.contains("<") { carried = element; continue }
            }
            if let mailbox = mailbox(element) { result.append(mailbox) }
        }
        return result
    }

    private static func mailbox(_ element: [Unicode.Scalar]) -> MailAddress? {
        var display: [Unicode.Scalar] = []
        var angle: [Unicode.Scalar]?
        var bare: [Unicode.Scalar] = []
        var comments: [String] = []
        var index = 0
        while index < element.count {
            let scalar = element[index]
            if scalar == "\"" {
                var quoted: [Unicode.Scalar] = []
                index += 1
                while index < element.count, element[index] != "\"" {
                    if element[index] == "\\", index + 1 < element.count { index += 1 }
                    quoted.append(element[index])
                    index += 1
                }
                index += 1
                if angle == nil { display += quoted; bare += ["\""] + quoted + ["\""] } else { display += quoted }
                continue
            }
            if scalar == "(" {
                var depth = 1
                var comment: [Unicode.Scalar] = []
                index += 1
                while index < element.count, depth > 0 {
                    if element[index] == "(" { depth += 1 } else if element[index] == ")" {
                        depth -= 1
                        if depth == 0 { break }
                    }
                    comment.append(element[index])
                    index += 1
                }
                index += 1
                comments.append(String(String.UnicodeScalarView(comment)))
                continue
            }
            if scalar == "<" {
                var inner: [Unicode.Scalar] = []
                index += 1
                while index < element.count, element[index] != ">" {
                    inner.append(element[index])
                    index += 1
                }
                index += 1
                if angle == nil { angle = inner } else { display += ["<"] + inner + [">"] }
                continue
            }
            if angle == nil { display.append(scalar); bare.append(scalar) } else { display.append(scalar) }
            index += 1
        }
        var address: String
        var name: String
        if let angle {
            address = String(String.UnicodeScalarView(angle))
            // Drop an obsolete source route "@a,@b:".
            if address.hasPrefix("@"), let colon = address.firstIndex(of: ":") { address = String(address[address.index(after: colon)...]) }
            name = String(String.UnicodeScalarView(display))
        } else {
            address = String(String.UnicodeScalarView(bare)).replacingOccurrences(of: "\"", with: "")
            name = ""
        }
        address = address.filter { $0 != " " && $0 != "\t" }
        if address.lowercased().hasPrefix("mailto:") { address = String(address.dropFirst(7)) }
        name = EncodedWords.decode(name.trimmingASCIIWhitespace()).trimmingASCIIWhitespaceAndQuotes()
        if name.isEmpty, let comment = comments.first {
            name = EncodedWords.decode(comment.trimmingASCIIWhitespace()).trimmingASCIIWhitespaceAndQuotes()
        }
        if address.isEmpty && name.isEmpty { return nil }
        if address.isEmpty {
            // "Name <>" (null return path) or a bare word: keep a bare word as the address.
            if angle != nil { return name.isEmpty ? nil : MailAddress(address: "", displayName: name) }
            return MailAddress(address: name, displayName: nil)
        }
        return MailAddress(address: address, displayName: name.isEmpty ? nil : name)
    }
}
