// IndicatorExtraction — TextDecoding.swift
// Decoding uploaded CSV bytes: UTF-8 (with or without BOM), UTF-16 with BOM, Shift_JIS/CP932 from Japanese Excel.

import Foundation

/// Turns the bytes of an uploaded file into text.
///
/// ```swift
/// let text = try TextDecoding.decode(Data(contentsOf: csvFile))   // UTF-8, UTF-8 with BOM, UTF-16 with BOM or CP932
/// ```
public enum TextDecoding {
    /// The encoding that `decode` settled on.
    public enum Encoding: String, Sendable { case utf8, utf16, shiftJIS }

    public struct Failure: Error, CustomStringConvertible {
        public let description: String
    }

    /// Decodes `data`; strict UTF-8 first, then Shift_JIS (Foundation's `.shiftJIS`, which covers CP932).
    public static func decode(_ data: Data) throws -> String { try decodeDetectingEncoding(data).text }

    /// Like `decode`, and tells which encoding was used.
    public static func decodeDetectingEncoding(_ data: Data) throws -> (text: String, encoding: Encoding) {
        let bytes = [UInt8](data)
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) {
            guard let text = String(data: Data(bytes.dropFirst(3)), encoding: .utf8) else {
                throw Failure(description: "the file starts with a UTF-8 byte-order mark but is not valid UTF-8")
            }
            return (text, .utf8)
        }
        if bytes.starts(with: [0xFF, 0xFE]) || bytes.starts(with: [0xFE, 0xFF]) {
            guard var text = String(data: data, encoding: .utf16) else {
                throw Failure(description: "the file starts with a UTF-16 byte-order mark but is not valid UTF-16")
            }
            if text.hasPrefix("\u{FEFF}") { text.removeFirst() }
            return (text, .utf16)
        }
        if let text = String(data: data, encoding: .utf8) { return (text, .utf8) }
        if let text = String(data: data, encoding: .shiftJIS) { return (text, .shiftJIS) }
        throw Failure(description: "the file is neither UTF-8 nor Shift_JIS (CP932) text")
    }
}
