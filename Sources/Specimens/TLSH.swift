// Specimens — TLSH.swift
// TLSH, Trend Micro's locality-sensitive fuzzy hash, in its default form: 128 buckets, a 1-byte
// checksum, a 5-byte sliding window, version prefix "T1" (70 hexadecimal characters after it).
// Follows the reference implementation (github.com/trendmicro/tlsh) byte for byte, including its
// Pearson table, length buckets, quartile ratios, nibble swaps and validity rules (at least 50
// bytes, more than half of the 128 buckets non-empty, a non-zero third quartile).

import Foundation

/// A streaming TLSH computation.
///
/// ```swift
/// var tlsh = TLSH()
/// tlsh.update(firstChunk)
/// tlsh.update(secondChunk)
/// let digest = tlsh.finalize()   // "T1…" (72 characters), or nil if the input is too short or too uniform
/// ```
public struct TLSH: Sendable {
    /// The fewest bytes the reference hashes (its default, non-conservative mode).
    public static let minimumLength = 50

    private var buckets = [UInt32](repeating: 0, count: 256)
    private var window: (UInt8, UInt8, UInt8, UInt8) = (0, 0, 0, 0)   // the four previous bytes, newest first
    private var checksum: UInt8 = 0
    /// Bytes fed so far.
    public private(set) var length: UInt64 = 0

    public init() {}

    /// The TLSH of a whole buffer, or nil when the reference would give no hash.
    ///
    /// ```swift
    /// let digest = TLSH.hash(of: Data(contentsOf: url))
    /// ```
    public static func hash(of bytes: some DataProtocol) -> String? {
        var tlsh = TLSH()
        tlsh.update(bytes)
        return tlsh.finalize()
    }

    /// Feeds more bytes; any chunking gives the same hash.
    ///
    /// ```swift
    /// tlsh.update(chunk)
    /// ```
    public mutating func update(_ bytes: some DataProtocol) {
        for region in bytes.regions {
            region.withUnsafeBytes { raw in update(raw) }
        }
    }

    /// Feeds more bytes from raw memory.
    ///
    /// ```swift
    /// buffer.withUnsafeBytes { tlsh.update($0) }
    /// ```
    public mutating func update(_ raw: UnsafeRawBufferPointer) {
        guard !raw.isEmpty else { return }
        var state = WindowState(a1: window.0, a2: window.1, a3: window.2, a4: window.3, checksum: checksum, fed: length)
        buckets.withUnsafeMutableBufferPointer { bucket in
            tlshPearsonTable.withUnsafeBufferPointer { table in
                Self.feed(raw, table: table.baseAddress!, buckets: bucket.baseAddress!, state: &state)
            }
        }
        window = (state.a1, state.a2, state.a3, state.a4)
        checksum = state.checksum
        length = state.fed
    }

    private struct WindowState {
        var a1, a2, a3, a4: UInt8   // a1 is the byte just before the current one
        var checksum: UInt8
        var fed: UInt64
    }

    /// The hot loop, on plain pointers and locals so that everything stays in registers.
    @inline(__always)
    private static func feed(_ raw: UnsafeRawBufferPointer, table: UnsafePointer<UInt8>, buckets: UnsafeMutablePointer<UInt32>,
                             state: inout WindowState) {
        var a1 = state.a1, a2 = state.a2, a3 = state.a3, a4 = state.a4
        var check = state.checksum
        var fed = state.fed
        @inline(__always) func mix(_ salt: UInt8, _ i: UInt8, _ j: UInt8, _ k: UInt8) -> Int {
            Int(table[Int(table[Int(table[Int(salt ^ i)] ^ j)] ^ k)])
        }
        var index = 0
        let count = raw.count
        // The first four bytes of the whole input only fill the window.
        while fed < 4 && index < count {
            let a0 = raw[index]
            a4 = a3; a3 = a2; a2 = a1; a1 = a0
            fed &+= 1
            index &+= 1
        }
        while index < count {
            let a0 = raw[index]
            // Salts are v_table[s] for the reference's salts 0, 2, 3, 5, 7, 11, 13.
            check = UInt8(truncatingIfNeeded: mix(1, a0, a1, check))
            buckets[mix(49, a0, a1, a2)] &+= 1
            buckets[mix(12, a0, a1, a3)] &+= 1
            buckets[mix(178, a0, a2, a3)] &+= 1
            buckets[mix(166, a0, a2, a4)] &+= 1
            buckets[mix(84, a0, a1, a4)] &+= 1
            buckets[mix(230, a0, a3, a4)] &+= 1
            a4 = a3; a3 = a2; a2 = a1; a1 = a0
            index &+= 1
        }
        state = WindowState(a1: a1, a2: a2, a3: a3, a4: a4, checksum: check, fed: state.fed + UInt64(count))
    }

    /// The hash ("T1" and 70 uppercase hexadecimal characters), or nil when the input is shorter than
    /// 50 bytes or has too little variety for the reference to hash it.
    ///
    /// ```swift
    /// let digest = tlsh.finalize() ?? "-"
    /// ```
    public func finalize() -> String? {
        guard length >= UInt64(Self.minimumLength), length <= UInt64(UInt32.max) else { return nil }
        let sorted = buckets[0..<128].sorted()
        let q1 = sorted[31], q2 = sorted[63], q3 = sorted[95]
        guard q3 != 0 else { return nil }
        let nonZero = buckets[0..<128].reduce(0) { $0 + ($1 > 0 ? 1 : 0) }
        guard nonZero > 64 else { return nil }

        var code = [UInt8](repeating: 0, count: 32)
        for i in 0..<32 {
            var h: UInt8 = 0
            for j in 0..<4 {
                let k = buckets[4 * i + j]
                if q3 < k { h &+= 3 << (j * 2) } else if q2 < k { h &+= 2 << (j * 2) } else if q1 < k { h &+= 1 << (j * 2) }
            }
            code[i] = h
        }
        let lValue = Self.lengthCapture(UInt32(length))
        // The reference computes the ratios in single precision.
        let q1Ratio = UInt8(UInt32(Float(q1 &* 100) / Float(q3)) % 16)
        let q2Ratio = UInt8(UInt32(Float(q2 &* 100) / Float(q3)) % 16)
        let qByte = q1Ratio | (q2Ratio << 4)

        var out: [UInt8] = [Self.swapNibbles(checksum), Self.swapNibbles(lValue), Self.swapNibbles(qByte)]
        out.append(contentsOf: code.reversed())
        return "T1" + out.hexEncoded(uppercase: true)
    }

    static func swapNibbles(_ byte: UInt8) -> UInt8 { (byte << 4) | (byte >> 4) }

    /// The reference's logarithmic length bucket (l_capturing): the index of the first bound not below `length`.
    static func lengthCapture(_ length: UInt32) -> UInt8 {
        var bottom = 0, top = 170, index = 85
        while true {
            if index == 0 { return 0 }
            if index >= tlshLengthBounds.count { return UInt8(tlshLengthBounds.count - 1) }
            if length <= tlshLengthBounds[index] && length > tlshLengthBounds[index - 1] { return UInt8(index) }
            if length < tlshLengthBounds[index] { top = index - 1 } else { bottom = index + 1 }
            index = (bottom + top) / 2
        }
    }
}

/// Pearson's permutation of 0…255 as the reference uses it (v_table).
let tlshPearsonTable: [UInt8] = [
    1, 87, 49, 12, 176, 178, 102, 166, 121, 193, 6, 84, 249, 230, 44, 163,
    14, 197, 213, 181, 161, 85, 218, 80, 64, 239, 24, 226, 236, 142, 38, 200,
    110, 177, 104, 103, 141, 253, 255, 50, 77, 101, 81, 18, 45, 96, 31, 222,
    25, 107, 190, 70, 86, 237, 240, 34, 72, 242, 20, 214, 244, 227, 149, 235,
    97, 234, 57, 22, 60, 250, 82, 175, 208, 5, 127, 199, 111, 62, 135, 248,
    174, 169, 211, 58, 66, 154, 106, 195, 245, 171, 17, 187, 182, 179, 0, 243,
    132, 56, 148, 75, 128, 133, 158, 100, 130, 126, 91, 13, 153, 246, 216, 219,
    119, 68, 223, 78, 83, 88, 201, 99, 122, 11, 92, 32, 136, 114, 52, 10,
    138, 30, 48, 183, 156, 35, 61, 26, 143, 74, 251, 94, 129, 162, 63, 152,
    170, 7, 115, 167, 241, 206, 3, 150, 55, 59, 151, 220, 90, 53, 23, 131,
    125, 173, 15, 238, 79, 95, 89, 16, 105, 137, 225, 224, 217, 160, 37, 123,
    118, 73, 2, 157, 46, 116, 9, 145, 134, 228, 207, 212, 202, 215, 69, 229,
    27, 188, 67, 124, 168, 252, 42, 4, 29, 108, 21, 247, 19, 205, 39, 203,
    233, 40, 186, 147, 198, 192, 155, 33, 164, 191, 98, 204, 165, 180, 117, 76,
    140, 36, 210, 172, 41, 54, 159, 8, 185, 232, 113, 196, 231, 47, 146, 120,
    51, 65, 28, 144, 254, 221, 93, 189, 194, 139, 112, 43, 71, 109, 184, 209,
]

/// Upper bounds of the reference's 170 length buckets (topval).
let tlshLengthBounds: [UInt32] = [
    1, 2, 3, 5, 7, 11, 17, 25, 38, 57, 86, 129, 194, 291, 437, 656, 854, 1110, 1443, 1876, 2439, 3171,
    3475, 3823, 4205, 4626, 5088, 5597, 6157, 6772, 7450, 8195, 9014, 9916, 10907, 11998, 13198, 14518,
    15970, 17567, 19323, 21256, 23382, 25720, 28292, 31121, 34233, 37656, 41422, 45564, 50121, 55133,
    60646, 66711, 73382, 80721, 88793, 97672, 107439, 118183, 130002, 143002, 157302, 173032, 190335,
    209369, 230306, 253337, 278670, 306538, 337191, 370911, 408002, 448802, 493682, 543050, 597356,
    657091, 722800, 795081, 874589, 962048, 1058252, 1164078, 1280486, 1408534, 1549388, 1704327,
    1874759, 2062236, 2268459, 2495305, 2744836, 3019320, 3321252, 3653374, 4018711, 4420582, 4862641,
    5348905, 5883796, 6472176, 7119394, 7831333, 8614467, 9475909, 10423501, 11465851, 12612437,
    13873681, 15261050, 16787154, 18465870, 20312458, 22343706, 24578077, 27035886, 29739474, 32713425,
    35984770, 39583245, 43541573, 47895730, 52685306, 57953837, 63749221, 70124148, 77136564, 84850228,
    93335252, 102668779, 112935659, 124229227, 136652151, 150317384, 165349128, 181884040, 200072456,
    220079703, 242087671, 266296456, 292926096, 322218735, 354440623, 389884688, 428873168, 471760495,
    518936559, 570830240, 627913311, 690704607, 759775136, 835752671, 919327967, 1011260767, 1112386880,
    1223623232, 1345985727, 1480584256, 1628642751, 1791507135, 1970657856, 2167723648, 2384496256,
    2622945920, 2885240448, 3173764736, 3491141248, 3840255616, 4224281216,
]
