// MailParsing — TransferEncodings.swift
// Content-Transfer-Encoding decoders: base64 (tolerant of whitespace, garbage and missing padding),
// quoted-printable (soft breaks, bad escapes kept literally) and uuencode.

enum TransferEncoding: Sendable {
    case identity, base64, quotedPrintable, uuencode

    static func from(_ header: String?) -> (TransferEncoding, unknown: String?) {
        guard let header else { return (.identity, nil) }
        let value = header.trimmingASCIIWhitespaceAndQuotes().lowercased()
        switch value {
        case "", "7bit", "8bit", "binary", "7-bit", "8-bit", "none": return (.identity, nil)
        case "base64", "base-64", "b": return (.base64, nil)
        case "quoted-printable", "quotedprintable", "qp": return (.quotedPrintable, nil)
        case "x-uuencode", "uuencode", "x-uue", "uue": return (.uuencode, nil)
        default:
            if value.contains("base64") { return (.base64, nil) }
            if value.contains("quoted") { return (.quotedPrintable, nil) }
            return (.identity, value)
        }
    }
}

/// What went wrong while decoding a transfer encoding (the decoding still returns what it could).
struct TransferDecodingIssues {
    var invalidCharacters = 0
    var missingPadding = false
    var dataAfterPadding = false
    var badEscapes = 0
}

enum TransferDecoder {
    private static let base64Table: [UInt8] = {
        var table = [UInt8](repeating: 0xFF, count: 256)
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        for (index, byte) in alphabet.enumerated() { table[Int(byte)] = UInt8(index) }
        // URL-safe variants seen from broken senders.
        table[Int(UInt8(ascii: "-"))] = 62
        table[Int(UInt8(ascii: "_"))] = 63
        return table
    }()

    /// Base64 that skips whitespace and characters outside the alphabet, accepts missing padding and
    /// continues after a premature '=' (concatenated base64 blocks).
    static func base64(_ input: ArraySlice<UInt8>, issues: inout TransferDecodingIssues) -> [UInt8] {
        let capacity = input.count / 4 * 3 + 3
        var pendingAtEnd = 0
        var invalid = 0
        let output = [UInt8](unsafeUninitializedCapacity: capacity) { out, initialized in
            var written = 0
            var accumulator: UInt32 = 0
            var pending = 0
            base64Table.withUnsafeBufferPointer { table in
                input.withUnsafeBufferPointer { buffer in
                    let count = buffer.count
                    var index = 0
                    while index < count {
                        // Fast path: four valid characters in a row at a quantum boundary.
                        if pending == 0, index + 4 <= count {
                            let a = table[Int(buffer[index])], b = table[Int(buffer[index + 1])]
                            let c = table[Int(buffer[index + 2])], d = table[Int(buffer[index + 3])]
                            if (a | b | c | d) & 0xC0 == 0 {
                                let value = UInt32(a) << 18 | UInt32(b) << 12 | UInt32(c) << 6 | UInt32(d)
                                out[written] = UInt8(truncatingIfNeeded: value >> 16)
                                out[written + 1] = UInt8(truncatingIfNeeded: value >> 8)
                                out[written + 2] = UInt8(truncatingIfNeeded: value)
                                written += 3
                                index += 4
                                continue
                            }
                        }
                        let byte = buffer[index]
                        index += 1
                        let value = table[Int(byte)]
                        if value == 0xFF {
                            if byte == UInt8(ascii: "=") {
                                // Padding closes the quantum (also mid-stream: concatenated blocks).
                                if pending == 2 {
                                    out[written] = UInt8(truncatingIfNeeded: accumulator >> 4); written += 1
                                } else if pending == 3 {
                                    out[written] = UInt8(truncatingIfNeeded: accumulator >> 10)
                                    out[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                                    written += 2
                                }
                                accumulator = 0
                                pending = 0
                            } else if byte != 0x20 && byte != 0x0A && byte != 0x0D && byte != 0x09 {
                                invalid += 1
                            }
                            continue
                        }
                        accumulator = (accumulator << 6) | UInt32(value)
                        pending += 1
                        if pending == 4 {
                            out[written] = UInt8(truncatingIfNeeded: accumulator >> 16)
                            out[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 8)
                            out[written + 2] = UInt8(truncatingIfNeeded: accumulator)
                            written += 3
                            accumulator = 0
                            pending = 0
                        }
                    }
                }
            }
            switch pending {
            case 2:
                out[written] = UInt8(truncatingIfNeeded: accumulator >> 4); written += 1
            case 3:
                out[written] = UInt8(truncatingIfNeeded: accumulator >> 10)
                out[written + 1] = UInt8(truncatingIfNeeded: accumulator >> 2)
                written += 2
            default: break
            }
            pendingAtEnd = pending
            initialized = written
        }
        if pendingAtEnd != 0 { issues.missingPadding = true }
        issues.invalidCharacters += invalid
        return output
    }

    @inline(__always) private static func hexValue(_ byte: UInt8) -> UInt8? {
        switch byte {
        case 0x30...0x39: return byte - 0x30
        case 0x41...0x46: return byte - 0x41 + 10
        case 0x61...0x66: return byte - 0x61 + 10
        default: return nil
        }
    }

    /// Quoted-printable. `header` switches to the RFC 2047 "Q" flavour where '_' is a space.
    static func quotedPrintable(_ input: ArraySlice<UInt8>, header: Bool = false, issues: inout TransferDecodingIssues) -> [UInt8] {
        var output = [UInt8]()
        output.reserveCapacity(input.count)
        var index = input.startIndex
        let end = input.endIndex
        var badEscapes = 0
        // Trailing whitespace before a line break is not part of the text (RFC 2045 6.7 rule 3).
        var lineStartInOutput = 0
        while index < end {
            let byte = input[index]
            if byte == UInt8(ascii: "=") {
                // Soft line break: "=" then optional spaces then CRLF or LF.
                var probe = index + 1
                while probe < end, input[probe] == 0x20 || input[probe] == 0x09 { probe += 1 }
                if probe < end, input[probe] == 0x0A {
                    index = probe + 1; continue
                }
                if probe + 1 < end, input[probe] == 0x0D, input[probe + 1] == 0x0A {
                    index = probe + 2; continue
                }
                if probe < end, input[probe] == 0x0D { index = probe + 1; continue }
                if probe == end { index = end; continue } // "=" at the very end: soft break
                if index + 2 < end, let high = hexValue(input[index + 1]), let low = hexValue(input[index + 2]) {
                    output.append(high << 4 | low)
                    index += 3
                    continue
                }
                badEscapes += 1
                output.append(byte)
                index += 1
                continue
            }
            if header && byte == UInt8(ascii: "_") {
                output.append(0x20)
                index += 1
                continue
            }
            if !header && byte == 0x0A {
                // Drop transport-added trailing whitespace of the line.
                var trimmed = output.count
                while trimmed > lineStartInOutput, output[trimmed - 1] == 0x20 || output[trimmed - 1] == 0x09 { trimmed -= 1 }
                if trimmed < output.count { output.removeSubrange(trimmed...) }
                output.append(byte)
                lineStartInOutput = output.count
                index += 1
                continue
            }
            output.append(byte)
            index += 1
        }
        issues.badEscapes += badEscapes
        return output
    }

    /// uuencode: the lines between "begin NNN name" and "end" (the begin line may be absent).
    static func uudecode(_ input: ArraySlice<UInt8>, issues: inout TransferDecodingIssues) -> [UInt8] {
        var output = [UInt8]()
        var started = false
        for line in Lines(input) {
            let bytes = input[line]
            if !started {
                if bytes.starts(with: Array("begin ".utf8)) { started = true; continue }
                // No begin line: decode from the start.
                started = true
            }
            if bytes.starts(with: Array("end".utf8)) && bytes.count <= 5 { break }
            decodeUULine(bytes, into: &output, issues: &issues)
        }
        return output
    }

    static func decodeUULine(_ line: ArraySlice<UInt8>, into output: inout [UInt8], issues: inout TransferDecodingIssues) {
        guard let first = line.first else { return }
        let length = Int((first &- 0x20) & 0x3F)
        if length == 0 { return }
        var values = [UInt8]()
        values.reserveCapacity(line.count)
        for byte in line.dropFirst() where byte >= 0x20 && byte <= 0x60 { values.append((byte &- 0x20) & 0x3F) }
        var produced = 0
        var index = 0
        while index + 3 < values.count + 3 && produced < length {
            let a = index < values.count ? values[index] : 0
            let b = index + 1 < values.count ? values[index + 1] : 0
            let c = index + 2 < values.count ? values[index + 2] : 0
            let d = index + 3 < values.count ? values[index + 3] : 0
            let bytes = [a << 2 | b >> 4, b << 4 | c >> 2, c << 6 | d]
            for byte in bytes where produced < length {
                output.append(byte)
                produced += 1
            }
            index += 4
            if index >= values.count && produced < length { issues.invalidCharacters += 1; break }
        }
    }
}
