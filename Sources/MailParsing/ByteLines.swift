// MailParsing — ByteLines.swift
// Line iteration over raw bytes (LF or CRLF, a lone CR is kept as content) and small byte helpers.

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The lines of a byte slice: each element is the line's content range (without CR LF); `next`
/// gives where the following line starts. Linear, no copying.
struct Lines: Sequence, IteratorProtocol {
    let bytes: ArraySlice<UInt8>
    var position: Int

    init(_ bytes: ArraySlice<UInt8>) {
        self.bytes = bytes
        self.position = bytes.startIndex
    }

    mutating func next() -> Range<Int>? {
        guard let line = nextLine() else { return nil }
        return line.content
    }

    /// The next line's content range and the index just past its terminator.
    mutating func nextLine() -> (content: Range<Int>, next: Int)? {
        let end = bytes.endIndex
        guard position < end else { return nil }
        let start = position
        let newline = ByteSearch.firstIndex(of: 0x0A, in: bytes, from: start) ?? end
        var contentEnd = newline
        if contentEnd > start, bytes[contentEnd - 1] == 0x0D { contentEnd -= 1 }
        position = newline < end ? newline + 1 : end
        return (start..<contentEnd, position)
    }
}

enum ByteSearch {
    /// memchr over the slice.
    @inline(__always)
    static func firstIndex(of byte: UInt8, in bytes: ArraySlice<UInt8>, from start: Int) -> Int? {
        guard start < bytes.endIndex else { return nil }
        return bytes.withUnsafeBufferPointer { buffer -> Int? in
            let offset = start - bytes.startIndex
            guard let base = buffer.baseAddress else { return nil }
            guard let found = memchr(base + offset, Int32(byte), buffer.count - offset) else { return nil }
            return bytes.startIndex + (UnsafeRawPointer(found) - UnsafeRawPointer(base))
        }
    }

    /// First occurrence of `needle` in `bytes[from...]`.
    static func firstRange(of needle: [UInt8], in bytes: ArraySlice<UInt8>, from start: Int) -> Range<Int>? {
        guard let first = needle.first else { return nil }
        var position = start
        let end = bytes.endIndex
        while position + needle.count <= end {
            guard let candidate = firstIndex(of: first, in: bytes, from: position) else { return nil }
            if candidate + needle.count > end { return nil }
            var matched = true
            var offset = 1
            while offset < needle.count {
                if bytes[candidate + offset] != needle[offset] { matched = false; break }
                offset += 1
            }
            if matched { return candidate..<(candidate + needle.count) }
            position = candidate + 1
        }
        return nil
    }

    /// ASCII case-insensitive prefix test.
    static func hasPrefix(_ bytes: ArraySlice<UInt8>, _ prefix: String, caseInsensitive: Bool = true) -> Bool {
        var index = bytes.startIndex
        for byte in prefix.utf8 {
            guard index < bytes.endIndex else { return false }
            let candidate = bytes[index]
            if caseInsensitive ? lower(candidate) != lower(byte) : candidate != byte { return false }
            index += 1
        }
        return true
    }

    @inline(__always) static func lower(_ byte: UInt8) -> UInt8 {
        byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte
    }

    @inline(__always) static func isWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0D || byte == 0x0A
    }

    static func trimmed(_ bytes: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
        var start = bytes.startIndex
        var end = bytes.endIndex
        while start < end, isWhitespace(bytes[start]) { start += 1 }
        while end > start, isWhitespace(bytes[end - 1]) { end -= 1 }
        return bytes[start..<end]
    }
}

enum Hex {
    private static let digits: [UInt8] = Array("0123456789abcdef".utf8)

    static func string<S: Sequence>(_ bytes: S) -> String where S.Element == UInt8 {
        var output = [UInt8]()
        output.reserveCapacity(64)
        for byte in bytes {
            output.append(digits[Int(byte >> 4)])
            output.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: output, as: UTF8.self)
    }
}
