// Distribution — SuricataRules: Suricata 7 rules from selected indicators (IP addresses and
// networks; domains on dns.query, tls.sni and http.host; URLs on http.host + http.uri.raw; file
// hashes through filemd5/filesha1/filesha256 list files), and IP reputation files with their
// category file. Each rule's sid is stable for its indicator value within the local sid range and
// its rev is the indicator's `modified` second, so a changed indicator raises rev.
import Foundation

public enum SuricataRules {
    public static func write(_ set: ExportSet, context: ExportContext) -> [ExportFile] {
        var file = RuleFile(context: context)
        file.add(set.indicators)
        return file.files()
    }

    /// A rule file being written, kept with a cached export: new indicators' rules are appended and
    /// the header block (the value count and the file-hash rules, whose `rev` moves) rewritten in place.
    ///
    /// ```swift
    /// var file = SuricataRules.RuleFile(context: context)
    /// file.add(set.indicators)
    /// let files = file.files()   // the rules, then the hash list files
    /// ```
    public struct RuleFile: Sendable {
        var buffer: ExportBuffer
        var sids: SidAllocator
        let feed: String, sidBase: UInt32, sidCount: UInt32
        var valueCount = 0
        /// Each hash type's values, sorted and unique, and the sids and rev of its file rules.
        var hashes: [ExportValueType: [String]] = [:]
        var hashRev: [ExportValueType: Int64] = [:]
        var hashSids: [ExportValueType: (http: UInt32, smtp: UInt32)] = [:]
        var hashFiles: [ExportValueType: ExportFile] = [:]

        public init(context: ExportContext) {
            feed = context.feedToken; sidBase = context.sidBase; sidCount = context.sidCount
            sids = SidAllocator(base: context.sidBase, count: context.sidCount)
            // Room for the count line and six file-hash rules whatever the feed's name.
            buffer = ExportBuffer(comment: "#", headerLength: 1_600 + 16 * feed.utf8.count)
        }

        public mutating func add(_ indicators: [SelectedIndicator]) {
            var pending: [ExportValueType: [String]] = [:]
            for selected in indicators {
                let indicator = selected.indicator
                valueCount += selected.values.count
                let rev = max(1, min(Int64(UInt32.max), indicator.modifiedMicroseconds / 1_000_000))
                for value in selected.values {
                    switch value.type {
                    case .ipv4, .ipv6, .cidr:
                        let sid = sids.sid(indicator.stixID, "|ip|", value.value)
                        // alert ip any any <> [V] any (msg:"Kakehashi F IP V"; classtype:…
                        buffer.append("alert ip any any <> ["); buffer.append(value.value); buffer.append("] any")
                        openMessage(); buffer.append("IP "); message(value.value); buffer.append("\"; ")
                        close(sid: sid, rev: rev, indicator: indicator.stixID)
                    case .domain:
                        var sid = sids.sid(indicator.stixID, "|dns|", value.value)
                        buffer.append("alert dns any any -> any any"); openMessage(); buffer.append("DNS query "); message(value.value)
                        buffer.append("\"; dns.query; dotprefix; content:\"."); content(value.value); buffer.append("\"; nocase; endswith; ")
                        close(sid: sid, rev: rev, indicator: indicator.stixID)
                        sid = sids.sid(indicator.stixID, "|tls|", value.value)
                        buffer.append("alert tls any any -> any any"); openMessage(); buffer.append("TLS SNI "); message(value.value)
                        buffer.append("\"; tls.sni; dotprefix; content:\"."); content(value.value); buffer.append("\"; nocase; endswith; ")
                        close(sid: sid, rev: rev, indicator: indicator.stixID)
                        sid = sids.sid(indicator.stixID, "|http|", value.value)
                        buffer.append("alert http any any -> any any"); openMessage(); buffer.append("HTTP host "); message(value.value)
                        buffer.append("\"; http.host; dotprefix; content:\"."); content(value.value); buffer.append("\"; endswith; ")
                        close(sid: sid, rev: rev, indicator: indicator.stixID)
                    case .url:
                        guard let parts = ValueRules.urlParts(value.value) else { continue }
                        var path = parts.rest
                        if path.hasPrefix(":") { path = String(path.drop(while: { $0 != "/" && $0 != "?" })) }
                        if let hash = path.firstIndex(of: "#") { path = String(path[..<hash]) }
                        if path.isEmpty || path.hasPrefix("?") { path = "/" + path }
                        let sid = sids.sid(indicator.stixID, "|url|", value.value)
                        buffer.append("alert http any any -> any any"); openMessage(); buffer.append("URL ")
                        message(parts.host); message(String(path.prefix(80)))
                        buffer.append("\"; http.host; content:\""); content(parts.host)
                        buffer.append("\"; startswith; endswith; http.uri.raw; content:\""); content(path); buffer.append("\"; startswith; ")
                        close(sid: sid, rev: rev, indicator: indicator.stixID)
                    case .md5, .sha1, .sha256:
                        if hashSids[value.type] == nil {
                            hashSids[value.type] = (sids.sid(for: "file|" + value.type.rawValue),
                                                    sids.sid(for: "file|\(value.type.rawValue)|smtp"))
                        }
                        pending[value.type, default: []].append(value.value)
                        hashRev[value.type] = max(hashRev[value.type] ?? 1, rev)
                    }
                }
            }
            for (type, added) in pending {
                // Many new values: sort once; a few: insert each in place.
                if added.count > 64 {
                    hashes[type, default: []] += added
                    hashes[type] = Array(Set(hashes[type]!)).sorted()
                } else {
                    if hashes[type] == nil { hashes[type] = [] }
                    for value in added {
                        let at = Self.insertionPoint(of: value, in: hashes[type, default: []])
                        if at == hashes[type]!.count || hashes[type]![at] != value { hashes[type]!.insert(value, at: at) }
                    }
                }
            }
            for type in pending.keys {
                guard let list = hashes[type] else { continue }
                var text = ""
                text.reserveCapacity(list.count * ((list.first?.utf8.count ?? 0) + 1))
                for value in list { text += value; text += "\n" }
                hashFiles[type] = ExportFile(name: hashListName(type, feed: feed), text: text)
            }
        }

        // The rule text is written as bytes into the buffer: a rule is
        // `alert HEADER (msg:"Kakehashi FEED WHAT"; BODYclasstype:trojan-activity; sid:N; rev:R; metadata:kakehashi_indicator ID;)`.

        /// ` (msg:"Kakehashi FEED `
        mutating func openMessage() {
            buffer.append(" (msg:\"Kakehashi "); buffer.append(feed); buffer.append(byte: UInt8(ascii: " "))
        }

        /// `classtype:…; sid:N; rev:R; metadata:kakehashi_indicator ID;)` and the newline.
        mutating func close(sid: UInt32, rev: Int64, indicator: String) {
            buffer.append("classtype:trojan-activity; sid:"); buffer.append(decimal: Int64(sid))
            buffer.append("; rev:"); buffer.append(decimal: rev)
            buffer.append("; metadata:kakehashi_indicator "); buffer.append(indicator); buffer.append(";)\n")
        }

        /// `text` as a `msg` part (`escapeMessage`), written into the buffer.
        mutating func message(_ text: String) {
            var text = text
            let ascii = text.withUTF8 { bytes in
                bytes.allSatisfy { $0 >= 0x20 && $0 < 0x7f && $0 != UInt8(ascii: "\"") && $0 != UInt8(ascii: ";") && $0 != UInt8(ascii: "\\") }
            }
            if ascii { buffer.append(text) } else { buffer.append(SuricataRules.escapeMessage(text)) }
        }

        /// `text` as a rule `content` string (`SuricataRules.content`), written into the buffer.
        mutating func content(_ text: String) {
            var text = text
            let plain = text.withUTF8 { bytes in bytes.allSatisfy(SuricataRules.isPlainContent) }
            if plain { buffer.append(text) } else { buffer.append(SuricataRules.content(text)) }
        }

        static func insertionPoint(of value: String, in list: [String]) -> Int {
            var low = 0, high = list.count
            while low < high {
                let middle = (low + high) / 2
                if list[middle] < value { low = middle + 1 } else { high = middle }
            }
            return low
        }

        /// The rules file (its header block rewritten: count and file-hash rules) and the hash lists.
        public mutating func files() -> [ExportFile] {
            var header = "# Kakehashi feed \(feed): \(valueCount) values, Suricata 7 rules (sid \(sidBase)–\(UInt64(sidBase) + UInt64(sidCount) - 1))\n"
            for type in [ExportValueType.md5, .sha1, .sha256] {
                guard let sid = hashSids[type] else { continue }
                let name = hashListName(type, feed: feed)
                for (proto, protoSid) in [("http", sid.http), ("smtp", sid.smtp)] {
                    header += "alert \(proto) any any -> any any (msg:\"Kakehashi \(feed) file \(type.rawValue) (\(proto))\"; file\(type.rawValue):\(name); classtype:trojan-activity; sid:\(protoSid); rev:\(hashRev[type] ?? 1);)\n"
                }
            }
            _ = buffer.setHeader(header)
            return [ExportFile(name: "kakehashi-\(feed).rules", bytes: buffer.bytes)]
                + [ExportValueType.md5, .sha1, .sha256].compactMap { hashFiles[$0] }
        }
    }

    /// `kakehashi-C2-md5.txt`: the list file a `filemd5` rule loads (from the rules directory).
    public static func hashListName(_ type: ExportValueType, feed: String) -> String { "kakehashi-\(feed)-\(type.rawValue).txt" }

    /// A rule `content` string: printable ASCII as is, `"`, `;`, `\`, `|` and everything else as
    /// `|hex|` runs.
    static func content(_ text: String) -> String {
        var out = "", hex: [String] = []
        func flush() { if !hex.isEmpty { out += "|" + hex.joined(separator: " ") + "|"; hex = [] } }
        for byte in text.utf8 {
            if isPlainContent(byte) {
                flush(); out.append(Character(Unicode.Scalar(byte)))
            } else {
                hex.append(String(format: "%02X", byte))
            }
        }
        flush()
        return out
    }

    /// Whether `byte` stands as itself in a `content` string.
    static func isPlainContent(_ byte: UInt8) -> Bool {
        byte >= 0x20 && byte < 0x7f && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: ";")
            && byte != UInt8(ascii: "\\") && byte != UInt8(ascii: "|")
    }

    /// A `msg` string: ASCII only, `"`, `;` and `\` escaped with a backslash.
    static func escapeMessage(_ text: String) -> String {
        var out = ""
        for scalar in text.unicodeScalars {
            guard scalar.value >= 0x20 && scalar.value < 0x7f else { out += "?"; continue }
            if scalar == "\"" || scalar == ";" || scalar == "\\" { out += "\\" }
            out.unicodeScalars.append(scalar)
        }
        return out
    }
}

/// Stable sids: FNV-1a of the key within the range; a collision moves the later key (in the
/// writer's order, by indicator id) to the next free sid. With 1,000,000 values in the default
/// range of 100,000,000 about 5,000 keys collide and move, always the same way for the same set.
struct SidAllocator {
    let base: UInt32, count: UInt32
    var used: Set<UInt32> = []
    init(base: UInt32, count: UInt32) { self.base = base; self.count = max(1, count) }

    mutating func sid(for key: String) -> UInt32 {
        var hash: UInt64 = 0xcbf29ce484222325
        for byte in key.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 }
        return place(hash)
    }

    /// The sid of the key `id + separator + value` (the same as `sid(for:)` of the joined text, none made).
    mutating func sid(_ id: String, _ separator: StaticString, _ value: String) -> UInt32 {
        var hash: UInt64 = 0xcbf29ce484222325
        func add(_ bytes: UnsafeBufferPointer<UInt8>) { for byte in bytes { hash = (hash ^ UInt64(byte)) &* 0x100000001b3 } }
        var id = id, value = value
        id.withUTF8(add)
        separator.withUTF8Buffer(add)
        value.withUTF8(add)
        return place(hash)
    }

    mutating func place(_ hash: UInt64) -> UInt32 {
        var offset = UInt32(hash % UInt64(count))
        for _ in 0..<count {
            let sid = base &+ offset
            if used.insert(sid).inserted { return sid }
            offset = (offset + 1) % count
        }
        return base
    }
}

/// Suricata IP reputation: `ip,category,score` lines and the category file (`id,name,description`).
public enum SuricataReputation {
    public static func write(_ set: ExportSet, context: ExportContext) -> [ExportFile] {
        let category = "Kakehashi\(context.feedToken.replacingOccurrences(of: "-", with: "_"))"
        var lines: [String: Int] = [:]
        for selected in set.indicators {
            for value in selected.values where value.type.isAddress {
                // Scores are 1–127 (Suricata); the indicator's confidence 0–100 scaled.
                let score = max(1, min(127, selected.indicator.confidence * 127 / 100))
                lines[value.value] = max(lines[value.value] ?? 0, score)
            }
        }
        let body = lines.keys.sorted().map { "\($0),1,\(lines[$0]!)" }.joined(separator: "\n")
        return [ExportFile(name: "kakehashi-\(context.feedToken).list", text: body.isEmpty ? "" : body + "\n"),
                ExportFile(name: "kakehashi-\(context.feedToken)-categories.txt",
                           text: "1,\(category),Kakehashi feed \(context.feedToken)\n")]
    }
}
