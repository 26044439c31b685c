// Distribution — Gzip: an export body as gzip (RFC 1952) for `Accept-Encoding: gzip`: ZIPFoundation's
// raw deflate with the gzip header and CRC-32/size trailer around it.
import Foundation
import ZIPFoundation

public enum Gzip {
    /// `bytes` gzip-compressed.
    ///
    /// ```swift
    /// let body = try Gzip.compress(document.main.bytes)
    /// ```
    public static func compress(_ bytes: [UInt8]) throws -> [UInt8] {
        let input = Data(bytes)
        var out: [UInt8] = [0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 255]
        out.reserveCapacity(bytes.count / 3 + 32)
        let crc = try Data.compress(size: Int64(input.count), bufferSize: 64 * 1024, provider: { position, size in
            input.subdata(in: Int(position)..<Int(position) + size)
        }, consumer: { chunk in out.append(contentsOf: chunk) })
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: crc >> shift)) }
        let size = UInt32(truncatingIfNeeded: bytes.count)
        for shift in stride(from: 0, to: 32, by: 8) { out.append(UInt8(truncatingIfNeeded: size >> shift)) }
        return out
    }
}
