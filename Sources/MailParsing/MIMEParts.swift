// MailParsing — MIMEParts.swift
// The MIME tree walk: multipart splitting (missing, wrong or unclosed boundaries), transfer decoding,
// sorting leaves into text bodies, HTML bodies, attachments and attached messages; depth and part limits.

import Foundation

/// A summary of one MIME part, in walk order (for display and debugging).
public struct MIMEPartSummary: Sendable, Hashable {
    /// Nesting depth (0 = the message itself).
    public let depth: Int
    /// Lower-cased content type.
    public let contentType: String
    public let filename: String?
    public let transferEncoding: String?
    /// Decoded size in bytes (0 for multiparts).
    public let size: Int
}

struct MIMEWalker {
    static let maxDepth = 32
    static let maxParts = 10_000

    let bytes: ArraySlice<UInt8>
    let depthOffset: Int
    var textBodies: [String] = []
    var htmlBodies: [String] = []
    /// Bodies in MIME order, true = HTML.
    var bodyOrder: [(isHTML: Bool, index: Int)] = []
    var attachments: [Attachment] = []
    var attachedMessages: [MailMessage] = []
    var parts: [MIMEPartSummary] = []
    var warnings: [String] = []
    private var depthWarned = false
    private var partsWarned = false

    init(bytes: ArraySlice<UInt8>, depthOffset: Int) {
        self.bytes = bytes
        self.depthOffset = depthOffset
    }

    mutating func warn(_ message: String) {
        if !warnings.contains(message) { warnings.append(message) }
    }

    /// Walks one entity: `headers` already parsed, body = bytes[bodyRange].
    mutating func walk(headers: MailHeaders, body bodyRange: Range<Int>, depth: Int, defaultType: String) {
        if parts.count >= Self.maxParts {
            if !partsWarned { warn("more than \(Self.maxParts) MIME parts; the rest is not parsed"); partsWarned = true }
            return
        }
        let typeHeader = headers.first("content-type")
        let type = typeHeader.map { ContentParameters.parse($0.rawValue) }
        var contentType = type?.value ?? ""
        if contentType.isEmpty || !contentType.contains("/") {
            if typeHeader != nil, !contentType.isEmpty { warn("malformed Content-Type \"\(contentType)\"") }
            contentType = contentType == "text" ? "text/plain" : defaultType
        }
        let dispositionHeader = headers.first("content-disposition")
        let disposition = dispositionHeader.map { ContentParameters.parse($0.rawValue) }
        let encodingHeader = headers["content-transfer-encoding"]
        let filename = Self.filename(type: type, disposition: disposition)
        let absoluteDepth = depth + depthOffset

        if contentType.hasPrefix("multipart/") {
            parts.append(MIMEPartSummary(depth: absoluteDepth, contentType: contentType, filename: nil,
                                         transferEncoding: encodingHeader, size: 0))
            if absoluteDepth >= Self.maxDepth {
                if !depthWarned { warn("MIME nesting deeper than \(Self.maxDepth) levels; deeper parts are not parsed"); depthWarned = true }
                return
            }
            walkMultipart(type: type, contentType: contentType, body: bodyRange, depth: depth)
            return
        }

        // Leaf: undo the transfer encoding.
        let (encoding, unknown) = TransferEncoding.from(encodingHeader)
        if let unknown { warn("unknown Content-Transfer-Encoding \"\(unknown)\" treated as 8bit") }
        let label = filename ?? contentType
        var issues = TransferDecodingIssues()
        let raw = bytes[bodyRange]
        let decoded: [UInt8]
        switch encoding {
        case .identity: decoded = Array(raw)
        case .base64: decoded = TransferDecoder.base64(raw, issues: &issues)
        case .quotedPrintable: decoded = TransferDecoder.quotedPrintable(raw, issues: &issues)
        case .uuencode: decoded = TransferDecoder.uudecode(raw, issues: &issues)
        }
        if issues.invalidCharacters > 0 { warn("bad base64 in \(label): \(issues.invalidCharacters) invalid characters skipped") }
        if issues.missingPadding { warn("base64 in \(label) is unpadded or truncated") }
        if issues.badEscapes > 0 { warn("bad quoted-printable escapes in \(label) kept literally") }
        parts.append(MIMEPartSummary(depth: absoluteDepth, contentType: contentType, filename: filename,
                                     transferEncoding: encodingHeader, size: decoded.count))

        let dispositionValue = disposition?.value ?? ""
        let isAttachmentDisposition = dispositionValue == "attachment"

        if contentType == "message/rfc822" || contentType == "message/global" || contentType == "message/partial-rfc822" {
            if absoluteDepth + 1 >= Self.maxDepth {
                if !depthWarned { warn("MIME nesting deeper than \(Self.maxDepth) levels; deeper parts are not parsed"); depthWarned = true }
            } else if let inner = try? MailMessage.parse(decoded, depth: absoluteDepth + 1) {
                attachedMessages.append(inner)
                return
            } else {
                warn("attached message \(filename ?? "") has no header; kept as an attachment")
            }
        }

        let isText = contentType == "text/plain" || contentType == "text/html"
        if isText && !isAttachmentDisposition && filename == nil {
            let charset = type?.parameters["charset"]
            var decodedText = Charsets.decode(decoded[...], declared: charset)
            if let problem = decodedText.problem { warn("\(contentType) body: \(problem)") }
            if Self.containsNUL(decodedText.text) {
                decodedText.text = decodedText.text.replacingOccurrences(of: "\0", with: "")
                warn("NUL bytes removed from a \(contentType) body")
            }
            if contentType == "text/html" {
                bodyOrder.append((true, htmlBodies.count))
                htmlBodies.append(decodedText.text)
            } else {
                bodyOrder.append((false, textBodies.count))
                textBodies.append(decodedText.text)
                extractUUEncoded(decoded)
            }
            return
        }
        attachments.append(Attachment(filename: filename, contentType: contentType,
                                      disposition: dispositionValue.isEmpty ? nil : dispositionValue,
                                      contentID: headers["content-id"], data: decoded))
        if let problem = attachments.last?.archiveProblem { warn("archive \(label): \(problem)") }
    }

    static func containsNUL(_ text: String) -> Bool {
        var text = text
        return text.withUTF8 { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, 0, buffer.count) != nil
        }
    }

    static func filename(type: ContentParameters?, disposition: ContentParameters?) -> String? {
        let candidates = [disposition?.parameters["filename"], type?.parameters["name"]]
        for case let candidate? in candidates {
            let trimmed = candidate.trimmingASCIIWhitespace()
            if !trimmed.isEmpty { return trimmed }
        }
        return nil
    }

    private mutating func walkMultipart(type: ContentParameters?, contentType: String, body: Range<Int>, depth: Int) {
        var boundary = type?.parameters["boundary"].map { Array($0.utf8) } ?? []
        // Trailing whitespace in a boundary parameter is never part of delimiter lines.
        while let last = boundary.last, last == 0x20 || last == 0x09 { boundary.removeLast() }
        if boundary.isEmpty {
            if let guessed = guessBoundary(body) {
                boundary = guessed
                warn("multipart without boundary parameter; boundary guessed from the body")
            } else {
                warn("multipart without boundary; body kept as text")
                walkLeafFallback(body: body, depth: depth)
                return
            }
        }
        var delimiter: [UInt8] = [0x2D, 0x2D]
        delimiter += boundary
        var partRanges: [Range<Int>] = []
        var currentStart: Int?
        var closed = false
        var lines = Lines(bytes[body])
        var sawDelimiter = false
        while let (content, next) = lines.nextLine() {
            guard content.count >= delimiter.count, bytes[content.lowerBound] == 0x2D,
                  bytes[content.lowerBound + 1] == 0x2D else { continue }
            guard bytes[content.lowerBound..<(content.lowerBound + delimiter.count)].elementsEqual(delimiter) else { continue }
            var rest = bytes[(content.lowerBound + delimiter.count)..<content.upperBound]
            var isClose = false
            if rest.count >= 2, rest[rest.startIndex] == 0x2D, rest[rest.startIndex + 1] == 0x2D {
                isClose = true
                rest = rest.dropFirst(2)
            }
            guard rest.allSatisfy({ $0 == 0x20 || $0 == 0x09 }) else { continue }
            sawDelimiter = true
            if let start = currentStart {
                partRanges.append(start..<max(start, lineBreakStart(before: content.lowerBound, floor: start)))
            }
            if isClose {
                closed = true
                currentStart = nil
                break
            }
            currentStart = next
        }
        if !sawDelimiter {
            warn("multipart boundary never found; body kept as text")
            walkLeafFallback(body: body, depth: depth)
            return
        }
        if let start = currentStart {
            partRanges.append(start..<body.upperBound)
            if !closed { warn("missing closing boundary (message may be truncated)") }
        }
        let childDefault = contentType == "multipart/digest" ? "message/rfc822" : "text/plain"
        for range in partRanges {
            if parts.count >= Self.maxParts {
                if !partsWarned { warn("more than \(Self.maxParts) MIME parts; the rest is not parsed"); partsWarned = true }
                break
            }
            guard let block = HeaderParser.parse(bytes[range], isTopLevel: false) else { continue }
            for warning in block.warnings { warn("part: \(warning)") }
            walk(headers: block.headers, body: block.bodyStart..<range.upperBound, depth: depth + 1, defaultType: childDefault)
        }
    }

    private mutating func walkLeafFallback(body: Range<Int>, depth: Int) {
        walk(headers: MailHeaders(fields: []), body: body, depth: depth + 1, defaultType: "text/plain")
    }

    /// The start of the line break that precedes the line at `lineStart` (CRLF or LF), not before `floor`.
    private func lineBreakStart(before lineStart: Int, floor: Int) -> Int {
        var end = lineStart
        if end > floor, bytes[end - 1] == 0x0A { end -= 1 }
        if end > floor, bytes[end - 1] == 0x0D { end -= 1 }
        return end
    }

    private func guessBoundary(_ body: Range<Int>) -> [UInt8]? {
        var lines = Lines(bytes[body])
        var checked = 0
        while let (content, _) = lines.nextLine(), checked < 200 {
            checked += 1
            let line = bytes[content]
            if line.count > 3, line.count < 200, line[line.startIndex] == 0x2D, line[line.startIndex + 1] == 0x2D {
                var candidate = Array(line.dropFirst(2))
                while let last = candidate.last, last == 0x20 || last == 0x09 { candidate.removeLast() }
                if candidate.count >= 2, candidate.suffix(2) == [0x2D, 0x2D] { candidate.removeLast(2) }
                if !candidate.isEmpty, !candidate.contains(0x20) { return candidate }
            }
        }
        return nil
    }

    /// uuencoded files inside a plain-text body ("begin 644 name" … "end") become attachments.
    private mutating func extractUUEncoded(_ body: [UInt8]) {
        let slice = body[...]
        guard ByteSearch.firstRange(of: Array("begin ".utf8), in: slice, from: 0) != nil else { return }
        var lines = Lines(slice)
        var current: (name: String, data: [UInt8])?
        var issues = TransferDecodingIssues()
        while let (content, _) = lines.nextLine() {
            let line = slice[content]
            if current == nil {
                guard ByteSearch.hasPrefix(line, "begin ", caseInsensitive: false) else { continue }
                let words = line.split(separator: 0x20, maxSplits: 2)
                guard words.count == 3, words[1].allSatisfy({ $0 >= 0x30 && $0 <= 0x37 }) else { continue }
                current = (Charsets.guess(words[2]).text, [])
                continue
            }
            if ByteSearch.hasPrefix(line, "end", caseInsensitive: false), line.count <= 5 {
                if let file = current {
                    attachments.append(Attachment(filename: file.name, contentType: "application/octet-stream",
                                                  disposition: "uuencode", contentID: nil, data: file.data))
                }
                current = nil
                continue
            }
            TransferDecoder.decodeUULine(line, into: &current!.data, issues: &issues)
        }
        if let file = current {
            warn("uuencoded \(file.name) has no end line")
            attachments.append(Attachment(filename: file.name, contentType: "application/octet-stream",
                                          disposition: "uuencode", contentID: nil, data: file.data))
        }
    }
}
