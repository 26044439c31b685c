// Specimens — InfectedZip.swift
// Samples handed out as the field expects them: a ZIP protected with traditional PKWARE encryption
// (ZipCrypto) under the password "infected", which `unzip -P infected`, 7-Zip, Windows Explorer and
// Python's `zipfile` all open. Entries are stored (not compressed), streamed in one pass with a data
// descriptor (flag bit 3: CRC and sizes after the data, the password check byte from the DOS time),
// and named in UTF-8 (flag bit 11), so Japanese file names survive. No Zip64: each entry and the
// whole archive must stay under 4 GiB (the vault's limit is far below).

import Foundation

/// Writing password-protected ZIP archives of samples.
///
/// ```swift
/// try InfectedZip.write(entries: [
///     .init(name: "請求書.exe") { emit in try vault.read(sha256: digest, into: emit) },
/// ], to: downloadURL)
/// ```
public enum InfectedZip {
    /// The password the field uses for sample archives.
    public static let conventionalPassword = "infected"

    /// One file in the archive: its name, modification time, and a producer that hands its bytes to
    /// the given closure chunk by chunk (called exactly once).
    public struct Entry {
        public var name: String
        public var modified: Date
        public var produce: ((Data) throws -> Void) throws -> Void

        /// An entry whose bytes come from `produce`.
        ///
        /// ```swift
        /// InfectedZip.Entry(name: "sample.bin") { emit in try vault.read(sha256: digest, into: emit) }
        /// ```
        public init(name: String, modified: Date = Date(), produce: @escaping ((Data) throws -> Void) throws -> Void) {
            self.name = name
            self.modified = modified
            self.produce = produce
        }

        /// An entry holding `bytes`.
        ///
        /// ```swift
        /// InfectedZip.Entry(name: "note.txt", bytes: Data("hello".utf8))
        /// ```
        public init(name: String, bytes: Data, modified: Date = Date()) {
            self.init(name: name, modified: modified) { emit in try emit(bytes) }
        }

        /// An entry read from a file in 1 MiB chunks.
        ///
        /// ```swift
        /// InfectedZip.Entry(name: "dropper.js", file: url)
        /// ```
        public init(name: String, file: URL, modified: Date = Date()) {
            self.init(name: name, modified: modified) { emit in
                let handle = try FileHandle(forReadingFrom: file)
                defer { try? handle.close() }
                while let chunk = try handle.read(upToCount: 1 << 20), !chunk.isEmpty { try emit(chunk) }
            }
        }
    }

    /// A failure while writing an archive.
    public enum Failure: Error, CustomStringConvertible, Equatable {
        case tooLarge(entry: String)
        case invalidName(String)

        public var description: String {
            switch self {
            case .tooLarge(let entry): return "\(entry) does not fit a ZIP without Zip64 (4 GiB)"
            case .invalidName(let name): return "\"\(name)\" cannot name a ZIP entry (empty, absolute, or longer than 65535 bytes)"
            }
        }
    }

    /// Writes the archive to `url` (replacing it); a partial file is removed on failure.
    ///
    /// ```swift
    /// try InfectedZip.write(entries: [.init(name: "a.exe", file: sampleURL)], to: zipURL)
    /// ```
    public static func write(entries: [Entry], password: String = conventionalPassword, to url: URL) throws {
        guard FileManager.default.createFile(atPath: url.path, contents: nil, attributes: [.posixPermissions: 0o600]) else {
            throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: url.path])
        }
        let handle = try FileHandle(forWritingTo: url)
        do {
            var buffer = Data()
            try write(entries: entries, password: password) { chunk in
                buffer.append(chunk)
                if buffer.count >= 1 << 20 { try handle.write(contentsOf: buffer); buffer.removeAll(keepingCapacity: true) }
            }
            try handle.write(contentsOf: buffer)
            try handle.close()
        } catch {
            try? handle.close()
            try? FileManager.default.removeItem(at: url)
            throw error
        }
    }

    /// Writes the archive as a stream of chunks to `output` (for example an HTTP response body).
    ///
    /// ```swift
    /// try InfectedZip.write(entries: entries) { chunk in try socket.send(chunk) }
    /// ```
    public static func write(entries: [Entry], password: String = conventionalPassword,
                             into output: (Data) throws -> Void) throws {
        var offset: UInt64 = 0
        var central = Data()
        func emit(_ data: Data) throws {
            try output(data)
            offset += UInt64(data.count)
        }
        let flags: UInt16 = 0x0001 | 0x0008 | 0x0800   // encrypted, data descriptor, UTF-8 name
        for entry in entries {
            let name = Data(entry.name.utf8)
            guard !name.isEmpty, name.count <= 0xFFFF, !entry.name.hasPrefix("/") else { throw Failure.invalidName(entry.name) }
            let (time, date) = dosDateTime(entry.modified)
            guard offset <= 0xFFFF_FFFF else { throw Failure.tooLarge(entry: entry.name) }
            let headerOffset = UInt32(offset)

            var local = ZipRecord()
            local.u32(0x0403_4B50); local.u16(20); local.u16(flags); local.u16(0)
            local.u16(time); local.u16(date); local.u32(0); local.u32(0); local.u32(0)
            local.u16(UInt16(name.count)); local.u16(0)
            local.bytes.append(name)
            try emit(local.bytes)

            var cipher = ZipCrypto(password: password)
            var generator = SystemRandomNumberGenerator()
            var encryptionHeader = (0..<11).map { _ in UInt8.random(in: 0...255, using: &generator) }
            encryptionHeader.append(UInt8(time >> 8))   // with a data descriptor the check byte is the time's high byte
            cipher.encrypt(&encryptionHeader)
            try emit(Data(encryptionHeader))

            var crc = CRC32()
            var size: UInt64 = 0
            try entry.produce { chunk in
                crc.update(chunk)
                size += UInt64(chunk.count)
                guard size + 12 <= 0xFFFF_FFFF else { throw Failure.tooLarge(entry: entry.name) }
                try emit(cipher.encrypt(chunk))
            }
            let stored = UInt32(size + 12)

            var descriptor = ZipRecord()
            descriptor.u32(0x0807_4B50); descriptor.u32(crc.value); descriptor.u32(stored); descriptor.u32(UInt32(size))
            try emit(descriptor.bytes)

            var record = ZipRecord()
            record.u32(0x0201_4B50); record.u16(0x0314); record.u16(20); record.u16(flags); record.u16(0)
            record.u16(time); record.u16(date); record.u32(crc.value); record.u32(stored); record.u32(UInt32(size))
            record.u16(UInt16(name.count)); record.u16(0); record.u16(0); record.u16(0); record.u16(0)
            record.u32(UInt32(0o100644) << 16); record.u32(headerOffset)
            record.bytes.append(name)
            central.append(record.bytes)
        }
        guard offset <= 0xFFFF_FFFF, entries.count <= 0xFFFF else { throw Failure.tooLarge(entry: "the archive") }
        let centralOffset = UInt32(offset)
        try emit(central)
        var end = ZipRecord()
        end.u32(0x0605_4B50); end.u16(0); end.u16(0); end.u16(UInt16(entries.count)); end.u16(UInt16(entries.count))
        end.u32(UInt32(central.count)); end.u32(centralOffset); end.u16(0)
        try emit(end.bytes)
    }

    /// MS-DOS time and date fields (local time, two-second resolution, 1980…2107).
    static func dosDateTime(_ date: Date) -> (time: UInt16, date: UInt16) {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = .current
        let c = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
        let year = min(max((c.year ?? 1980) - 1980, 0), 127)
        let time = UInt16((c.hour ?? 0) << 11 | (c.minute ?? 0) << 5 | (c.second ?? 0) / 2)
        let day = UInt16(year << 9 | (c.month ?? 1) << 5 | (c.day ?? 1))
        return (time, day)
    }
}

/// Little-endian record building for ZIP headers.
struct ZipRecord {
    var bytes = Data()
    mutating func u16(_ value: UInt16) { bytes.append(UInt8(value & 0xFF)); bytes.append(UInt8(value >> 8)) }
    mutating func u32(_ value: UInt32) { u16(UInt16(value & 0xFFFF)); u16(UInt16(value >> 16)) }
}
