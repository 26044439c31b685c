// MailParsing — OutlookItem.swift
// Outlook .msg files (a MAPI item in an OLE compound file, [MS-CFB] / [MS-OXMSG]) as members attach
// them when they drag the suspicious mail into their report: the item's transport headers, plain
// body and attachments, rewritten as an RFC 822 message so that the usual parser reads it.

enum OutlookItem {
    private static let magic: [UInt8] = [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]
    private static let endOfChain: UInt32 = 0xFFFF_FFFA

    static func isCompoundFile(_ data: [UInt8]) -> Bool {
        data.count >= 512 && Array(data.prefix(8)) == magic
    }

    private struct Entry {
        var name: String
        var type: UInt8
        var left: UInt32
        var right: UInt32
        var child: UInt32
        var start: UInt32
        var size: Int
    }

    /// The item as RFC 822 bytes: its transport headers (else From/To/Subject from its properties),
    /// its plain-text body and its attachments. Nil when the file is not a readable compound file.
    ///
    /// ```swift
    /// if let eml = OutlookItem.message(msgBytes) { let attack = try MailMessage.parse(eml) }
    /// ```
    static func message(_ data: [UInt8]) -> [UInt8]? {
        guard isCompoundFile(data), let file = CompoundFile(data) else { return nil }
        let root = file.children(of: 0)
        func text(_ entries: [Int], _ tag: String) -> String? {
            if let index = entries.first(where: { file.entries[$0].name.uppercased() == "__SUBSTG1.0_\(tag)001F" }) {
                let bytes = file.read(index)
                var units: [UInt16] = []
                var offset = 0
                while offset + 1 < bytes.count {
                    let unit = UInt16(bytes[offset]) | UInt16(bytes[offset + 1]) << 8
                    if unit == 0 { break }
                    units.append(unit)
                    offset += 2
                }
                return String(decoding: units, as: UTF16.self)
            }
            if let index = entries.first(where: { file.entries[$0].name.uppercased() == "__SUBSTG1.0_\(tag)001E" }) {
                let bytes = file.read(index).prefix { $0 != 0 }
                return Charsets.guess(bytes[...]).text
            }
            return nil
        }
        func binary(_ entries: [Int], _ tag: String) -> [UInt8]? {
            entries.first(where: { file.entries[$0].name.uppercased() == "__SUBSTG1.0_\(tag)0102" }).map { file.read($0) }
        }
        var header = ""
        if let transport = text(root, "007D"), !transport.isEmpty {
            // Keep the fields that say who and how; the MIME fields describe the original body, which
            // is rewritten below.
            var keep = true
            for line in transport.split(omittingEmptySubsequences: false, whereSeparator: { $0 == "\r\n" || $0 == "\n" }) {
                if line.isEmpty { break }
                if line.first != " " && line.first != "\t" {
                    let name = line.prefix { $0 != ":" }.lowercased()
                    keep = !(name.hasPrefix("content-") || name == "mime-version")
                }
                if keep { header += line + "\r\n" }
            }
        } else {
            let address = text(root, "5D01") ?? text(root, "0C1F") ?? text(root, "0065") ?? ""
            let name = text(root, "0042") ?? text(root, "0C1A") ?? ""
            header += "From: \(name.isEmpty ? "" : "\"\(name)\" ")<\(address)>\r\n"
            if let to = text(root, "0E04"), !to.isEmpty { header += "To: \(to)\r\n" }
            if let cc = text(root, "0E03"), !cc.isEmpty { header += "Cc: \(cc)\r\n" }
        }
        if !header.lowercased().contains("subject:"), let subject = text(root, "0037") { header += "Subject: \(subject)\r\n" }
        guard !header.isEmpty else { return nil }
        let boundary = "=_kakehashi_msg_item"
        var out = Array(header.utf8)
        out += Array("MIME-Version: 1.0\r\nContent-Type: multipart/mixed; boundary=\"\(boundary)\"\r\n\r\n".utf8)
        if let body = text(root, "1000") {
            out += Array("--\(boundary)\r\nContent-Type: text/plain; charset=utf-8\r\nContent-Transfer-Encoding: base64\r\n\r\n".utf8)
            out += base64Lines(Array(body.utf8))
        }
        for storage in root where file.entries[storage].type == 1 && file.entries[storage].name.hasPrefix("__attach_version1.0_") {
            let parts = file.children(of: storage)
            guard let data = binary(parts, "3701") else { continue }
            let name = (text(parts, "3707") ?? text(parts, "3704") ?? "attachment")
                .replacingQuotes()
            let type = text(parts, "370E") ?? "application/octet-stream"
            out += Array("--\(boundary)\r\nContent-Type: \(type); name*=UTF-8''\(percentEncoded(name))\r\n".utf8)
            out += Array("Content-Disposition: attachment; filename*=UTF-8''\(percentEncoded(name))\r\nContent-Transfer-Encoding: base64\r\n\r\n".utf8)
            out += base64Lines(data)
        }
        out += Array("--\(boundary)--\r\n".utf8)
        return out
    }

    private static func percentEncoded(_ text: String) -> String {
        var result = ""
        for byte in text.utf8 {
            if (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A) || byte == 0x2E || byte == 0x2D || byte == 0x5F {
                result.append(Character(Unicode.Scalar(byte)))
            } else {
                result += "%" + Hex.string([byte]).uppercased()
            }
        }
        return result
    }

    private static func base64Lines(_ data: [UInt8]) -> [UInt8] {
        let alphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/".utf8)
        var out: [UInt8] = []
        out.reserveCapacity(data.count * 4 / 3 + data.count / 38 + 8)
        var index = 0
        var column = 0
        while index < data.count {
            let chunk = data[index..<min(index + 3, data.count)]
            let b0 = chunk[chunk.startIndex]
            let b1 = chunk.count > 1 ? chunk[chunk.startIndex + 1] : 0
            let b2 = chunk.count > 2 ? chunk[chunk.startIndex + 2] : 0
            out.append(alphabet[Int(b0 >> 2)])
            out.append(alphabet[Int((b0 & 3) << 4 | b1 >> 4)])
            out.append(chunk.count > 1 ? alphabet[Int((b1 & 0xF) << 2 | b2 >> 6)] : 0x3D)
            out.append(chunk.count > 2 ? alphabet[Int(b2 & 0x3F)] : 0x3D)
            index += 3
            column += 4
            if column >= 76 { out += [0x0D, 0x0A]; column = 0 }
        }
        out += [0x0D, 0x0A]
        return out
    }

    /// The sectors, directory and streams of a compound file; every chain walk is bounded.
    private struct CompoundFile {
        let data: [UInt8]
        let sectorSize: Int
        let miniSectorSize: Int
        let cutoff: Int
        var fat: [UInt32] = []
        var miniFAT: [UInt32] = []
        var entries: [Entry] = []
        var miniStream: [UInt8] = []

        init?(_ data: [UInt8]) {
            self.data = data
            let sectorShift = Self.u16(data, 30), miniShift = Self.u16(data, 32)
            guard sectorShift == 9 || sectorShift == 12, miniShift == 6 else { return nil }
            sectorSize = 1 << sectorShift
            miniSectorSize = 1 << miniShift
            cutoff = Int(Self.u32(data, 56))
            // The FAT's sectors: 109 in the header, the rest in the DIFAT chain.
            var fatSectors: [UInt32] = []
            for index in 0..<109 {
                let sector = Self.u32(data, 76 + index * 4)
                if sector < OutlookItem.endOfChain { fatSectors.append(sector) }
            }
            var difat = Self.u32(data, 68)
            var guardCount = 0
            while difat < OutlookItem.endOfChain, guardCount < 10_000 {
                guardCount += 1
                let base = (Int(difat) + 1) * sectorSize
                guard base + sectorSize <= data.count else { break }
                for index in 0..<(sectorSize / 4 - 1) {
                    let sector = Self.u32(data, base + index * 4)
                    if sector < OutlookItem.endOfChain { fatSectors.append(sector) }
                }
                difat = Self.u32(data, base + sectorSize - 4)
            }
            for sector in fatSectors.prefix(100_000) {
                let base = (Int(sector) + 1) * sectorSize
                guard base + sectorSize <= data.count else { continue }
                for index in 0..<(sectorSize / 4) { fat.append(Self.u32(data, base + index * 4)) }
            }
            let directory = readChain(Self.u32(data, 48), size: nil)
            var offset = 0
            while offset + 128 <= directory.count {
                let nameLength = min(64, Int(Self.u16(directory, offset + 64)))
                var units: [UInt16] = []
                var position = offset
                while position + 1 < offset + max(0, nameLength - 2) {
                    units.append(UInt16(directory[position]) | UInt16(directory[position + 1]) << 8)
                    position += 2
                }
                entries.append(Entry(name: String(decoding: units, as: UTF16.self), type: directory[offset + 66],
                                     left: Self.u32(directory, offset + 68), right: Self.u32(directory, offset + 72),
                                     child: Self.u32(directory, offset + 76), start: Self.u32(directory, offset + 116),
                                     size: Int(Self.u32(directory, offset + 120))))
                offset += 128
            }
            guard let root = entries.first, root.type == 5 else { return nil }
            let miniFATBytes = readChain(Self.u32(data, 60), size: nil)
            var index = 0
            while index + 4 <= miniFATBytes.count { miniFAT.append(Self.u32(miniFATBytes, index)); index += 4 }
            miniStream = readChain(root.start, size: root.size)
        }

        static func u16(_ bytes: [UInt8], _ offset: Int) -> Int {
            offset + 2 <= bytes.count ? Int(bytes[offset]) | Int(bytes[offset + 1]) << 8 : 0
        }

        static func u32(_ bytes: [UInt8], _ offset: Int) -> UInt32 {
            guard offset + 4 <= bytes.count else { return OutlookItem.endOfChain }
            return UInt32(bytes[offset]) | UInt32(bytes[offset + 1]) << 8 | UInt32(bytes[offset + 2]) << 16 | UInt32(bytes[offset + 3]) << 24
        }

        func readChain(_ start: UInt32, size: Int?) -> [UInt8] {
            var out: [UInt8] = []
            var sector = start
            var steps = 0
            while sector < OutlookItem.endOfChain, Int(sector) < fat.count, steps <= fat.count {
                let base = (Int(sector) + 1) * sectorSize
                guard base + sectorSize <= data.count else { break }
                out += data[base..<(base + sectorSize)]
                if let size, out.count >= size { break }
                sector = fat[Int(sector)]
                steps += 1
            }
            if let size, out.count > size { out.removeLast(out.count - size) }
            return out
        }

        func read(_ index: Int) -> [UInt8] {
            let entry = entries[index]
            guard entry.size > 0, entry.size < 64 << 20 else { return [] }
            if entry.size >= cutoff { return readChain(entry.start, size: entry.size) }
            var out: [UInt8] = []
            var sector = entry.start
            var steps = 0
            while sector < OutlookItem.endOfChain, Int(sector) < miniFAT.count, steps <= miniFAT.count, out.count < entry.size {
                let base = Int(sector) * miniSectorSize
                guard base + miniSectorSize <= miniStream.count else { break }
                out += miniStream[base..<(base + miniSectorSize)]
                sector = miniFAT[Int(sector)]
                steps += 1
            }
            if out.count > entry.size { out.removeLast(out.count - entry.size) }
            return out
        }

        /// The entries directly inside a storage (its red-black tree walked, each entry once).
        func children(of storage: Int) -> [Int] {
            guard storage < entries.count else { return [] }
            var result: [Int] = []
            var seen: Set<UInt32> = []
            var stack: [UInt32] = [entries[storage].child]
            while let id = stack.popLast() {
                guard id < OutlookItem.endOfChain, Int(id) < entries.count, seen.insert(id).inserted else { continue }
                result.append(Int(id))
                stack.append(entries[Int(id)].left)
                stack.append(entries[Int(id)].right)
            }
            return result
        }
    }
}

private extension String {
    func replacingQuotes() -> String { String(map { $0 == "\"" || $0 == "\r" || $0 == "\n" ? "_" : $0 }) }
}
