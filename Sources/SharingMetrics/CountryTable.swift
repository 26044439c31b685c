// SharingMetrics country table: which country an IP address is registered to, from the Regional
// Internet Registries' delegated-extended statistics files (ARIN, RIPE NCC, APNIC, LACNIC, AFRINIC;
// `scripts/fetch-rir-stats` downloads them). Lines are
// `registry|cc|type|start|value|date|status[|extensions]`: for ipv4 `value` is a count of addresses,
// for ipv6 a prefix length. Only allocated and assigned records with a country are kept; header,
// summary, comment, asn and malformed lines are skipped (malformed ones counted). Look-up is a binary
// search over ranges sorted by start. Domain names and URLs resolve to no country (no DNS look-ups).
import Foundation

/// Address ranges and their countries.
///
/// ```swift
/// let table = try CountryTable.load(directory: URL(fileURLWithPath: "kakehashi-data/rir"))
/// table.country(ofObservable: "ipv4-addr:192.0.2.7")   // "JP" with the shipped test file
/// table.country(ofObservable: "domain-name:c2.example") // nil: names resolve to no country
/// ```
public struct CountryTable: Sendable {
    struct Range4: Sendable { var start: UInt32; var end: UInt32; var country: String }
    struct Range6: Sendable { var start: UInt128; var end: UInt128; var country: String }
    var v4: [Range4] = []
    var v6: [Range6] = []
    /// Lines that looked like records but could not be read (for the operator).
    public private(set) var malformedLines = 0

    /// An empty table: every address resolves to no country.
    public init() {}

    /// How many ranges the table holds.
    public var rangeCount: Int { v4.count + v6.count }

    /// A table of the records in `text` (one delegated-extended file).
    public init(parsing text: String) {
        add(parsing: text)
        finish()
    }

    /// Every `*.txt` file of `directory` (e.g. `DATA/rir`); an absent directory gives an empty table.
    public static func load(directory: URL) throws -> CountryTable {
        var table = CountryTable()
        guard let names = try? FileManager.default.contentsOfDirectory(atPath: directory.path) else { return table }
        for name in names.sorted() where name.hasSuffix(".txt") {
            let data = try Data(contentsOf: directory.appendingPathComponent(name))
            table.add(parsing: String(decoding: data, as: UTF8.self))
        }
        table.finish()
        return table
    }

    mutating func add(parsing text: String) {
        for line in text.split(whereSeparator: \.isNewline) {
            let trimmed = line.drop(while: { $0 == " " || $0 == "\t" })
            guard !trimmed.isEmpty, !trimmed.hasPrefix("#") else { continue }
            let fields = trimmed.split(separator: "|", omittingEmptySubsequences: false)
            // The version header (`2|apnic|20240101|…`) and summaries (`apnic|*|ipv4|*|123|summary`).
            if let first = fields.first, first.allSatisfy({ $0.isNumber || $0 == "." }) { continue }
            if fields.count >= 6, fields[1] == "*" || fields[5] == "summary" { continue }
            guard fields.count >= 7 else { malformedLines += 1; continue }
            let type = fields[2], status = fields[6].lowercased()
            guard type == "ipv4" || type == "ipv6" else { continue }
            guard status == "allocated" || status == "assigned" else { continue }
            let country = fields[1].uppercased()
            guard country.count == 2, country.allSatisfy({ $0.isASCII && $0.isLetter }) else {
                malformedLines += 1; continue
            }
            if type == "ipv4" {
                guard let start = Self.parseV4(fields[3]), let count = UInt64(fields[4]), count > 0,
                      UInt64(start) + count - 1 <= UInt64(UInt32.max) else { malformedLines += 1; continue }
                v4.append(Range4(start: start, end: UInt32(UInt64(start) + count - 1), country: country))
            } else {
                guard let start = Self.parseV6(fields[3]), let length = Int(fields[4]), (1...128).contains(length)
                else { malformedLines += 1; continue }
                let hostBits = UInt128(128 - length)
                let mask: UInt128 = length == 128 ? 0 : (UInt128(1) << hostBits) - 1
                v6.append(Range6(start: start & ~mask, end: start | mask, country: country))
            }
        }
    }

    mutating func finish() {
        v4.sort { $0.start < $1.start }
        v6.sort { $0.start < $1.start }
    }

    /// The country an address (IPv4 dotted quad or IPv6 text) is registered to, if known.
    public func country(ofAddress text: String) -> String? {
        if let address = Self.parseV4(Substring(text)) {
            return Self.find(address, in: v4, start: \.start, end: \.end)?.country
        }
        if let address = Self.parseV6(Substring(text)) {
            return Self.find(address, in: v6, start: \.start, end: \.end)?.country
        }
        return nil
    }

    /// The country of an observable key: `ipv4-addr:` and `ipv6-addr:` keys (a CIDR by its first
    /// address); every other observable (domain names, URLs, hashes, e-mail addresses) has none.
    public func country(ofObservable key: String) -> String? {
        for prefix in ["ipv4-addr:", "ipv6-addr:"] where key.hasPrefix(prefix) {
            var value = String(key.dropFirst(prefix.count))
            if let slash = value.firstIndex(of: "/") { value = String(value[..<slash]) }
            return country(ofAddress: value)
        }
        return nil
    }

    /// The last range starting at or before `address`, if it also ends at or after it.
    static func find<Range, Value: Comparable>(_ address: Value, in ranges: [Range], start: KeyPath<Range, Value>,
                                               end: KeyPath<Range, Value>) -> Range? {
        var low = 0, high = ranges.count
        while low < high {
            let middle = (low + high) / 2
            if ranges[middle][keyPath: start] <= address { low = middle + 1 } else { high = middle }
        }
        guard low > 0 else { return nil }
        let candidate = ranges[low - 1]
        return candidate[keyPath: end] >= address ? candidate : nil
    }

    /// `192.0.2.1` as a number; nil unless four decimal octets.
    static func parseV4(_ text: Substring) -> UInt32? {
        let parts = text.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 4 else { return nil }
        var value: UInt32 = 0
        for part in parts {
            guard !part.isEmpty, part.count <= 3, part.allSatisfy({ $0.isASCII && $0.isNumber }),
                  let octet = UInt32(part), octet <= 255 else { return nil }
            value = value << 8 | octet
        }
        return value
    }

    /// `2001:db8::1` as a number; nil unless valid IPv6 text (an embedded IPv4 tail is accepted).
    static func parseV6(_ text: Substring) -> UInt128? {
        guard text.contains(":"), !text.contains(":::") else { return nil }
        var groups: [UInt16] = []
        var tail: [UInt16] = []
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func read(_ part: String, into out: inout [UInt16], last: Bool) -> Bool {
            guard !part.isEmpty else { return true }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            for (index, piece) in pieces.enumerated() {
                if last, index == pieces.count - 1, piece.contains(".") {
                    guard let v4 = parseV4(piece) else { return false }
                    out.append(UInt16(v4 >> 16)); out.append(UInt16(v4 & 0xFFFF))
                    continue
                }
                guard !piece.isEmpty, piece.count <= 4, let group = UInt16(piece, radix: 16) else { return false }
                out.append(group)
            }
            return true
        }
        if halves.count == 2 {
            guard read(halves[0], into: &groups, last: false), read(halves[1], into: &tail, last: true),
                  groups.count + tail.count <= 7 else { return nil }
            groups += Array(repeating: 0, count: 8 - groups.count - tail.count) + tail
        } else {
            guard read(halves[0], into: &groups, last: true), groups.count == 8 else { return nil }
        }
        return groups.reduce(UInt128(0)) { $0 << 16 | UInt128($1) }
    }
}
