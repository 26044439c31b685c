// MailParsing — ZipContents.swift
// Listing zip attachments: our own central-directory reader (names in UTF-8 or CP932, encrypted
// members, zip64, prefixed archives), ZIPFoundation to inflate readable members for hashing,
// ZipCrypto members opened with the passwords the mail gives, zips inside zips opened (bounded
// nesting and inflated size, so a zip bomb costs little), and e-mails inside zips kept for the forward.

import Foundation
import ZIPFoundation

/// One member of a zip attachment.
public struct ArchiveMember: Sendable, Hashable {
    /// The path inside the archive, decoded (UTF-8 flag, Info-ZIP Unicode path, else UTF-8/CP932 guess).
    public let name: String
    /// Uncompressed size as recorded in the central directory.
    public let size: Int
    public let compressedSize: Int
    /// True when the member is encrypted (ZipCrypto or AES); hashed only when a known password opened it.
    public let isEncrypted: Bool
    public let isDirectory: Bool
    /// Lower-case hex digests of the uncompressed content; nil when it could not be read.
    public let md5: String?
    public let sha1: String?
    public let sha256: String?
    /// Why the member could not be hashed, if so.
    public let problem: String?
    /// The password that opened an encrypted member (from the mail's text, or `infected`); nil otherwise.
    public let password: String?
    /// 0 for the attachment's own members, 1 for members of a zip inside it, and so on; a nested
    /// member's `name` is the path of its archive, "/", and its path there ("inner.zip/payload.exe").
    public let nestingDepth: Int
    /// The content, kept only for members that may be an e-mail (.eml/.msg names, header-like start).
    let messageContent: [UInt8]?

    /// The name's extension, lower-cased.
    public var fileExtension: String? {
        let last = name.split(separator: "/").last.map(String.init) ?? name
        guard let dot = last.lastIndex(of: "."), dot != last.startIndex else { return nil }
        let ext = last[last.index(after: dot)...]
        return ext.isEmpty ? nil : ext.lowercased()
    }
}

enum ZipContents {
    static let maxMemberSize = 64 << 20
    static let maxTotalSize = 256 << 20
    static let maxMembers = 10_000
    /// Zips inside zips are opened this many levels deep (the attachment's own members are level 0).
    static let maxNesting = 3
    /// A member kept for the forward check (a possible e-mail) is at most this large.
    static let maxMessageSize = 32 << 20

    struct Listing {
        var members: [ArchiveMember]
        var problem: String?
    }

    /// What one listing (with its nested archives) may still inflate: bytes and members, shared
    /// down the nesting so that a bomb of nested zips stops at the same totals as a flat one.
    struct Budget {
        var bytes = ZipContents.maxTotalSize
        var members = ZipContents.maxMembers
    }

    private struct CentralEntry {
        var name: String
        var flags: UInt16
        var method: UInt16
        var crc: UInt32
        var compressedSize: Int
        var size: Int
        var recordRange: Range<Int>
        var localHeaderOffset: Int
        var isEncrypted: Bool { flags & 1 != 0 }
        var isDirectory: Bool { name.hasSuffix("/") || name.hasSuffix("\\") }
    }

    static func looksLikeZip<C: Collection>(_ data: C) -> Bool where C.Element == UInt8, C.Index == Int {
        guard data.count >= 22 else { return false }
        let start = data.startIndex
        if data[start] == 0x50, data[start + 1] == 0x4B,
           (data[start + 2] == 0x03 && data[start + 3] == 0x04) || (data[start + 2] == 0x05 && data[start + 3] == 0x06) {
            return true
        }
        return false
    }

    @inline(__always) private static func u16(_ data: [UInt8], _ offset: Int) -> Int {
        Int(data[offset]) | Int(data[offset + 1]) << 8
    }

    @inline(__always) private static func u32(_ data: [UInt8], _ offset: Int) -> Int {
        u16(data, offset) | u16(data, offset + 2) << 16
    }

    @inline(__always) private static func u64(_ data: [UInt8], _ offset: Int) -> Int {
        let low = u32(data, offset), high = u32(data, offset + 4)
        return high > 0x7FFF ? Int.max : low | high << 32
    }

    /// Lists the members of a zip archive and hashes the readable ones; encrypted members are tried
    /// with `passwords`.
    static func list(_ data: [UInt8], passwords: [String] = []) -> Listing {
        var budget = Budget()
        return list(data, passwords: passwords, nesting: 0, budget: &budget)
    }

    static func list(_ data: [UInt8], passwords: [String], nesting: Int, budget: inout Budget) -> Listing {
        guard let eocd = findEndOfCentralDirectory(data) else {
            return Listing(members: [], problem: "no end of central directory (truncated or damaged zip)")
        }
        var entryCount = u16(data, eocd + 10)
        var directorySize = u32(data, eocd + 12)
        var directoryOffset = u32(data, eocd + 16)
        var eocdStart = eocd
        // Zip64 end of central directory.
        if (entryCount == 0xFFFF || directorySize == 0xFFFF_FFFF || directoryOffset == 0xFFFF_FFFF),
           eocd >= 20, u32(data, eocd - 20) == 0x0706_4B50 {
            let record = u64(data, eocd - 20 + 8)
            if record >= 0, record + 56 <= data.count, u32(data, record) == 0x0606_4B50 {
                entryCount = u64(data, record + 32)
                directorySize = u64(data, record + 40)
                directoryOffset = u64(data, record + 48)
                eocdStart = record
            }
        }
        // Data before the archive (self-extractors, junk) shifts every offset.
        var prefix = 0
        if directorySize <= eocdStart {
            let actual = eocdStart - directorySize
            if actual != directoryOffset { prefix = actual - directoryOffset }
        }
        var entries: [CentralEntry] = []
        var position = directoryOffset + prefix
        var problem: String?
        let allowed = min(entryCount, max(0, budget.members))
        while entries.count < allowed {
            guard position >= 0, position + 46 <= data.count, u32(data, position) == 0x0201_4B50 else {
                problem = "central directory damaged after \(entries.count) of \(entryCount) entries"
                break
            }
            let flags = UInt16(u16(data, position + 8))
            let method = UInt16(u16(data, position + 10))
            let crc = UInt32(u32(data, position + 16))
            var compressed = u32(data, position + 20)
            var size = u32(data, position + 24)
            var localOffset = u32(data, position + 42)
            let nameLength = u16(data, position + 28)
            let extraLength = u16(data, position + 30)
            let commentLength = u16(data, position + 32)
            let recordEnd = position + 46 + nameLength + extraLength + commentLength
            guard recordEnd <= data.count else { problem = "central directory truncated"; break }
            let nameBytes = data[(position + 46)..<(position + 46 + nameLength)]
            var name: String
            if flags & (1 << 11) != 0 {
                name = String(decoding: nameBytes, as: UTF8.self)
            } else {
                name = memberName(nameBytes)
            }
            // Extra fields: zip64 sizes (0x0001) and the Info-ZIP Unicode path (0x7075).
            var extra = position + 46 + nameLength
            let extraEnd = extra + extraLength
            while extra + 4 <= extraEnd {
                let id = u16(data, extra)
                let length = u16(data, extra + 2)
                let body = extra + 4
                guard body + length <= extraEnd else { break }
                if id == 0x0001 {
                    var field = body
                    if size == 0xFFFF_FFFF, field + 8 <= body + length { size = u64(data, field); field += 8 }
                    if compressed == 0xFFFF_FFFF, field + 8 <= body + length { compressed = u64(data, field); field += 8 }
                    if localOffset == 0xFFFF_FFFF, field + 8 <= body + length { localOffset = u64(data, field); field += 8 }
                } else if id == 0x7075, length > 5 {
                    if let unicode = Charsets.strictUTF8(data[(body + 5)..<(body + length)]) { name = unicode }
                }
                extra = body + length
            }
            entries.append(CentralEntry(name: name, flags: flags, method: method, crc: crc, compressedSize: compressed,
                                        size: size, recordRange: position..<recordEnd, localHeaderOffset: localOffset))
            position = recordEnd
        }
        budget.members -= entries.count
        if entryCount > allowed { problem = "more than \(maxMembers) members; the rest is not listed" }

        var results = hashReadableMembers(data, entries: entries, prefix: prefix, directoryStart: directoryOffset + prefix,
                                          passwords: passwords, nesting: nesting, budget: &budget)
        openEncryptedMembers(data, entries: entries, prefix: prefix, passwords: passwords, nesting: nesting,
                             budget: &budget, into: &results)
        var members: [ArchiveMember] = []
        members.reserveCapacity(entries.count)
        for (index, entry) in entries.enumerated() {
            let result = results[index]
            members.append(ArchiveMember(name: entry.name, size: entry.size, compressedSize: entry.compressedSize,
                                         isEncrypted: entry.isEncrypted, isDirectory: entry.isDirectory,
                                         md5: result?.digests?.md5, sha1: result?.digests?.sha1,
                                         sha256: result?.digests?.sha256, problem: result?.problem,
                                         password: result?.password, nestingDepth: nesting,
                                         messageContent: result?.messageContent))
            // A zip inside: its members follow their archive, named by path.
            if let inner = result?.nested {
                for member in inner {
                    members.append(ArchiveMember(name: entry.name + "/" + member.name, size: member.size,
                                                 compressedSize: member.compressedSize, isEncrypted: member.isEncrypted,
                                                 isDirectory: member.isDirectory, md5: member.md5, sha1: member.sha1,
                                                 sha256: member.sha256, problem: member.problem, password: member.password,
                                                 nestingDepth: member.nestingDepth, messageContent: member.messageContent))
                }
            }
        }
        if problem == nil, entries.indices.contains(where: { entries[$0].isEncrypted && results[$0]?.digests == nil }) {
            problem = "encrypted members are listed but not hashed"
        }
        if problem == nil, let nestedProblem = results.lazy.compactMap({ $0?.nestedProblem }).first {
            problem = nestedProblem
        }
        return Listing(members: members, problem: problem)
    }

    /// A member name without the UTF-8 flag: ASCII, else strict UTF-8 (macOS, 7-Zip), else CP932
    /// (Japanese Windows: Explorer, Lhaplus) before EUC-JP, because a run of half-width katakana
    /// ("ｱｲｳｴ") is valid EUC-JP too and zips from Japanese Windows are by far the usual case.
    static func memberName(_ bytes: ArraySlice<UInt8>) -> String {
        if Charsets.isASCII(bytes) || Charsets.strictUTF8(bytes) != nil { return Charsets.guess(bytes).text }
        if let text = Charsets.iconvDecode(bytes, from: "CP932", lossy: false) { return text }
        return Charsets.guess(bytes).text
    }

    private static func findEndOfCentralDirectory(_ data: [UInt8]) -> Int? {
        guard data.count >= 22 else { return nil }
        var position = data.count - 22
        let lowest = max(0, data.count - 22 - 0xFFFF)
        while position >= lowest {
            if data[position] == 0x50, data[position + 1] == 0x4B, data[position + 2] == 0x05, data[position + 3] == 0x06 {
                return position
            }
            position -= 1
        }
        return nil
    }

    private struct MemberResult {
        var digests: Digests?
        var problem: String?
        var password: String?
        var messageContent: [UInt8]?
        var nested: [ArchiveMember]?
        var nestedProblem: String?
    }

    private struct TooLarge: Error {}

    /// Hashes a member's content, keeps it when it may be an e-mail, and lists it when it is a zip.
    private static func examine<C: DataProtocol>(_ content: C, name: String, passwords: [String], nesting: Int,
                                                 budget: inout Budget) -> MemberResult where C.Index == Int {
        var result = MemberResult(digests: Digests(content), problem: nil)
        if MessageSniffing.mayBeMessage(name: name, content: content), content.count <= maxMessageSize {
            result.messageContent = Array(content)
        }
        if looksLikeZip(content) {
            if nesting + 1 > maxNesting {
                result.nestedProblem = "zip nested deeper than \(maxNesting) levels is not opened"
            } else {
                let inner = list(Array(content), passwords: passwords, nesting: nesting + 1, budget: &budget)
                result.nested = inner.members
                result.nestedProblem = inner.problem.map { "\(name): \($0)" }
            }
        }
        return result
    }

    /// Raw deflate with an output limit (ZIPFoundation's inflater, fed from memory).
    static func inflate(_ compressed: [UInt8], limit: Int) throws -> [UInt8] {
        let source = Data(compressed)
        let chunkSize = 64 * 1024
        var output: [UInt8] = []
        var paddedOnce = false
        _ = try Data.decompress(size: Int64(source.count), bufferSize: chunkSize, skipCRC32: true, provider: { position, size in
            // The inflater takes a full chunk each time: pad the last one, and refuse to run past it.
            let start = Int(position)
            if start >= source.count {
                if paddedOnce { throw TooLarge() }
                paddedOnce = true
                return Data(count: size)
            }
            var chunk = source.subdata(in: start..<min(source.count, start + size))
            if chunk.count < size { chunk.append(Data(count: size - chunk.count)); paddedOnce = true }
            return chunk
        }, consumer: { chunk in
            if output.count + chunk.count > limit { throw TooLarge() }
            output += chunk
        })
        return output
    }

    /// Tries the passwords on ZipCrypto members; an opened member is inflated, CRC-checked and hashed.
    private static func openEncryptedMembers(_ data: [UInt8], entries: [CentralEntry], prefix: Int, passwords: [String],
                                             nesting: Int, budget: inout Budget, into results: inout [MemberResult?]) {
        guard !passwords.isEmpty else { return }
        for index in entries.indices where entries[index].isEncrypted && !entries[index].isDirectory {
            let member = entries[index]
            guard member.method == 0 || member.method == 8 else {
                if member.method == 99 { results[index] = MemberResult(digests: nil, problem: "encrypted (AES)") }
                continue
            }
            let header = member.localHeaderOffset + prefix
            guard header >= 0, header + 30 <= data.count, u32(data, header) == 0x0403_4B50 else { continue }
            let start = header + 30 + u16(data, header + 26) + u16(data, header + 28)
            guard member.compressedSize >= 12, start + member.compressedSize <= data.count else { continue }
            if member.size > maxMemberSize || member.size > budget.bytes {
                results[index] = MemberResult(digests: nil, problem: "encrypted, too large to open (\(member.size) bytes)")
                continue
            }
            let payload = data[start..<(start + member.compressedSize)]
            let check = member.flags & 0x8 != 0 ? UInt8(truncatingIfNeeded: u16(data, header + 10) >> 8)
                                                : UInt8(truncatingIfNeeded: member.crc >> 24)
            for password in passwords {
                guard let plain = ZipDecryption.open(payload, check: check, password: password) else { continue }
                let content: [UInt8]
                if member.method == 8 {
                    guard let inflated = try? inflate(plain, limit: min(maxMemberSize, budget.bytes)) else { continue }
                    content = inflated
                } else {
                    content = plain
                }
                // One wrong password in 256 passes the header check: the CRC decides.
                guard content.count == member.size, ZipCRC32.checksum(content) == member.crc else { continue }
                budget.bytes -= content.count
                var result = examine(content, name: member.name, passwords: passwords, nesting: nesting, budget: &budget)
                result.password = password
                results[index] = result
                break
            }
        }
    }

    /// Inflates readable members with ZIPFoundation. Its iterator stops at the first encrypted entry,
    /// so when there is one it reads a copy of the archive whose central directory leaves those out.
    private static func hashReadableMembers(_ data: [UInt8], entries: [CentralEntry], prefix: Int,
                                            directoryStart: Int, passwords: [String], nesting: Int,
                                            budget: inout Budget) -> [MemberResult?] {
        var results = [MemberResult?](repeating: nil, count: entries.count)
        let readable = entries.indices.filter { !entries[$0].isEncrypted }
        for index in entries.indices where entries[index].isEncrypted {
            results[index] = MemberResult(digests: nil, problem: "encrypted")
        }
        // Stored members are read in place; only deflated ones go through ZIPFoundation.
        var needsInflate = false
        for index in readable {
            let member = entries[index]
            if member.isDirectory { continue }
            if member.method == 8 { needsInflate = true; continue }
            if member.method != 0 {
                results[index] = MemberResult(digests: nil, problem: "compression method \(member.method) not supported")
                continue
            }
            let header = member.localHeaderOffset + prefix
            guard header >= 0, header + 30 <= data.count, u32(data, header) == 0x0403_4B50 else {
                results[index] = MemberResult(digests: nil, problem: "local header missing")
                continue
            }
            let start = header + 30 + u16(data, header + 26) + u16(data, header + 28)
            guard member.compressedSize == member.size, start + member.size <= data.count else {
                results[index] = MemberResult(digests: nil, problem: "member data truncated")
                continue
            }
            results[index] = examine(data[start..<(start + member.size)], name: member.name, passwords: passwords,
                                     nesting: nesting, budget: &budget)
        }
        guard needsInflate else { return results }
        var archiveBytes: [UInt8]
        if readable.count == entries.count {
            archiveBytes = prefix > 0 ? Array(data[prefix...]) : data
            if prefix < 0 { return results.map { $0 ?? MemberResult(digests: nil, problem: "archive offsets inconsistent") } }
        } else {
            guard prefix >= 0, directoryStart <= data.count else { return results }
            archiveBytes = Array(data[prefix..<directoryStart])
            let directoryOffset = archiveBytes.count
            for index in readable { archiveBytes += data[entries[index].recordRange] }
            let directorySize = archiveBytes.count - directoryOffset
            let count = min(readable.count, 0xFFFF)
            archiveBytes += [0x50, 0x4B, 0x05, 0x06, 0, 0, 0, 0]
            archiveBytes += [UInt8(count & 0xFF), UInt8(count >> 8), UInt8(count & 0xFF), UInt8(count >> 8)]
            for value in [directorySize, directoryOffset] {
                archiveBytes += [UInt8(value & 0xFF), UInt8((value >> 8) & 0xFF), UInt8((value >> 16) & 0xFF), UInt8((value >> 24) & 0xFF)]
            }
            archiveBytes += [0, 0]
        }
        guard let archive = try? Archive(data: Data(archiveBytes), accessMode: .read, pathEncoding: nil) else {
            for index in readable { results[index] = MemberResult(digests: nil, problem: "archive not readable") }
            return results
        }
        let iterator = archive.makeIterator()
        for index in readable {
            guard let entry = iterator.next() else {
                results[index] = MemberResult(digests: nil, problem: "member not readable")
                continue
            }
            let member = entries[index]
            if member.isDirectory || entry.type == .directory || member.method != 8 { continue }
            if member.size > maxMemberSize || member.size > budget.bytes {
                results[index] = MemberResult(digests: nil, problem: "too large to inflate (\(member.size) bytes)")
                continue
            }
            var content = Data()
            content.reserveCapacity(member.size)
            do {
                let limit = min(maxMemberSize, budget.bytes)
                // CRC checking in ZIPFoundation is slow; a damaged stream fails inflation anyway.
                _ = try archive.extract(entry, bufferSize: 64 * 1024, skipCRC32: true) { chunk in
                    if content.count + chunk.count > limit { throw TooLarge() }
                    content.append(chunk)
                }
                budget.bytes -= content.count
                let problem: String? = content.count != member.size ? "inflated size differs from the directory" : nil
                var result = examine(content, name: member.name, passwords: passwords, nesting: nesting, budget: &budget)
                result.problem = problem
                results[index] = result
            } catch {
                results[index] = MemberResult(digests: nil, problem: error is TooLarge ? "inflates beyond \(maxMemberSize) bytes" : "damaged (\(error))")
            }
        }
        return results
    }
}
