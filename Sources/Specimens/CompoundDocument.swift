// Specimens — CompoundDocument.swift
// OLE2 compound documents (D0 CF 11 E0): legacy Word, Excel and PowerPoint files, MSI installers and
// Outlook .msg mails, told apart by the names in the storage directory and the root's CLSID. The
// directory is found through the FAT; every chain walk is bounded.

import Foundation

enum CompoundDocument {
    static let endOfChain: UInt32 = 0xFFFF_FFFA   // this and above are special sector ids

    static func kind(_ w: ByteWindow) -> FileKind {
        let generic = FileKind(mimeType: "application/x-ole-storage", label: "OLE 2 compound document")
        guard let (names, rootCLSID) = directory(w) else { return generic }
        let installer: [UInt8] = [0x84, 0x10, 0x0C, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]
        let patch: [UInt8] = [0x86, 0x10, 0x0C, 0x00, 0, 0, 0, 0, 0xC0, 0, 0, 0, 0, 0, 0, 0x46]
        if rootCLSID == installer { return FileKind(mimeType: "application/x-msi", label: "MSI installer") }
        if rootCLSID == patch { return FileKind(mimeType: "application/x-ms-patch", label: "MSI patch") }
        let macros = names.contains("Macros") || names.contains("_VBA_PROJECT_CUR") || names.contains("VBA")
        let suffix = macros ? ", with macros" : ""
        if names.contains("WordDocument") {
            return FileKind(mimeType: "application/msword", label: "Microsoft Word 97-2003 document\(suffix)")
        }
        if names.contains("Workbook") || names.contains("Book") {
            return FileKind(mimeType: "application/vnd.ms-excel", label: "Microsoft Excel 97-2003 workbook\(suffix)")
        }
        if names.contains("PowerPoint Document") {
            return FileKind(mimeType: "application/vnd.ms-powerpoint", label: "Microsoft PowerPoint 97-2003 presentation\(suffix)")
        }
        if names.contains(where: { $0.hasPrefix("__substg1.0_") }) {
            return FileKind(mimeType: "application/vnd.ms-outlook", label: "Microsoft Outlook message")
        }
        return generic
    }

    /// The names of all directory entries and the root entry's CLSID, or nil when the header is unusable.
    static func directory(_ w: ByteWindow) -> (names: Set<String>, rootCLSID: [UInt8])? {
        guard let shift = w.u16(0x1E), shift == 9 || shift == 12, let directoryStart = w.u32(0x30) else { return nil }
        let sectorSize = 1 << Int(shift)
        func sectorOffset(_ sector: UInt32) -> Int { (Int(sector) + 1) * sectorSize }

        // The FAT, from the 109 sector ids in the header (enough for files up to ~7 MB with 512-byte sectors,
        // ~3.5 GB with 4096) plus any further DIFAT sectors, bounded.
        var fatSectors: [UInt32] = (0..<109).compactMap { w.u32(0x4C + 4 * $0) }.filter { $0 < endOfChain }
        var difat = w.u32(0x44) ?? endOfChain
        var difatSeen = 0
        while difat < endOfChain, difatSeen < 1000 {
            let base = sectorOffset(difat)
            let perSector = sectorSize / 4 - 1
            fatSectors += (0..<perSector).compactMap { w.u32(base + 4 * $0) }.filter { $0 < endOfChain }
            difat = w.u32(base + 4 * perSector) ?? endOfChain
            difatSeen += 1
        }
        var fat: [UInt32] = []
        for sector in fatSectors.prefix(100_000) {
            let base = sectorOffset(sector)
            guard w.contains(base, sectorSize) else { break }
            fat += (0..<(sectorSize / 4)).map { w.u32(base + 4 * $0)! }
        }

        var names = Set<String>()
        var root: [UInt8] = []
        var sector = directoryStart
        var visited = Set<UInt32>()
        while sector < endOfChain, visited.count < 10_000, visited.insert(sector).inserted {
            let base = sectorOffset(sector)
            guard w.contains(base, sectorSize) else { break }
            for entry in 0..<(sectorSize / 128) {
                let at = base + entry * 128
                guard let length = w.u16(at + 0x40), length >= 2, length <= 64, let type = w.u8(at + 0x42), type != 0 else { continue }
                let units = (0..<(Int(length) / 2 - 1)).compactMap { w.u16(at + 2 * $0) }
                names.insert(String(decoding: units, as: UTF16.self))
                if type == 5, root.isEmpty, let clsid = w.slice(at + 0x50, 16) { root = Array(clsid) }
            }
            sector = Int(sector) < fat.count ? fat[Int(sector)] : endOfChain
        }
        return names.isEmpty ? nil : (names, root)
    }
}
