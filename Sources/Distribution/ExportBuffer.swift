// Distribution — ExportBuffer: a document's bytes with a fixed-length header block at the front, so
// a cached document can be patched in place: new lines appended at the end, the header (a zone's
// serial, a rule file's count and file-hash rules) rewritten within its block, padded with a comment
// line. Nothing before the body moves, so an incremental export copies nothing it already wrote.
import Foundation

/// Bytes with a rewritable header block of fixed length (`headerLength`), then the body.
///
/// ```swift
/// var buffer = ExportBuffer(comment: ";", headerLength: 512)
/// _ = buffer.setHeader("$TTL 300\n")     // false when the header does not fit its block
/// buffer.append("example.net CNAME .\n")
/// ```
public struct ExportBuffer: Sendable {
    public private(set) var bytes: [UInt8]
    let comment: UInt8
    let headerLength: Int

    public init(comment: Character, headerLength: Int) {
        self.comment = comment.asciiValue ?? UInt8(ascii: "#")
        self.headerLength = headerLength
        bytes = [UInt8](repeating: UInt8(ascii: " "), count: headerLength)
    }

    /// Writes `header` (whole lines) into the block and pads the rest with one comment line of spaces.
    /// False (and nothing changed) when it does not fit.
    public mutating func setHeader(_ header: String) -> Bool {
        let text = Array(header.utf8)
        // The padding line: the comment character, spaces, a newline (at least two bytes).
        guard text.count + 2 <= headerLength else { return false }
        bytes.withUnsafeMutableBufferPointer { buffer in
            for index in 0..<text.count { buffer[index] = text[index] }
            buffer[text.count] = comment
            for index in (text.count + 1)..<(headerLength - 1) { buffer[index] = UInt8(ascii: " ") }
            buffer[headerLength - 1] = UInt8(ascii: "\n")
        }
        return true
    }

    public mutating func append(_ text: String) {
        var text = text
        text.withUTF8 { bytes.append(contentsOf: $0) }
    }

    /// Appends a literal's bytes (no String made).
    public mutating func append(_ text: StaticString) {
        text.withUTF8Buffer { bytes.append(contentsOf: $0) }
    }

    public mutating func append(byte: UInt8) { bytes.append(byte) }

    /// Appends `value` in decimal ASCII (no String made).
    public mutating func append(decimal value: Int64) {
        if value < 0 { bytes.append(UInt8(ascii: "-")) }
        var magnitude = value.magnitude
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // room for 20 digits, written from the end
        var count = 0
        withUnsafeMutableBytes(of: &digits) { raw in
            repeat {
                raw[23 - count] = UInt8(ascii: "0") + UInt8(magnitude % 10)
                magnitude /= 10
                count += 1
            } while magnitude > 0
            bytes.append(contentsOf: raw[(24 - count)...])
        }
    }

    /// Reserves room for `count` more bytes.
    public mutating func reserve(_ count: Int) { bytes.reserveCapacity(bytes.count + count) }

    /// Whether the body holds anything.
    public var bodyIsEmpty: Bool { bytes.count == headerLength }
}
