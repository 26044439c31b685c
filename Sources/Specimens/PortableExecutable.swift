// Specimens — PortableExecutable.swift
// Facts about a Windows PE file (EXE, DLL, SYS): machine, subsystem, DLL flag, compile timestamp,
// sections with entropy, imports and imphash. Every read is bounds-checked and every table has a
// ceiling, so a hostile or truncated file yields partial facts or nil, never a crash.

import Foundation

/// What a PE file's headers and import table say.
///
/// ```swift
/// if let pe = PortableExecutable(Data(contentsOf: url)) {
///     print(pe.label, pe.compiledAt, pe.imphash ?? "no imports")
/// }
/// ```
public struct PortableExecutable: Sendable, Hashable, Codable {
    /// One section of the image.
    public struct Section: Sendable, Hashable, Codable {
        public var name: String
        public var virtualAddress: UInt32
        public var virtualSize: UInt32
        public var rawSize: UInt32
        public var rawOffset: UInt32
        public var characteristics: UInt32
        /// Shannon entropy of the section's bytes in the file, in bits per byte (packed or encrypted data is near 8).
        public var entropy: Double
    }

    /// One imported library and the functions taken from it, in table order.
    public struct ImportedLibrary: Sendable, Hashable, Codable {
        public var name: String
        public var functions: [ImportedFunction]
    }

    /// One imported function: by name, or by ordinal (with the name pefile's tables give it, if any).
    public struct ImportedFunction: Sendable, Hashable, Codable {
        public var name: String?
        public var ordinal: UInt16?
    }

    /// IMAGE_FILE_HEADER.Machine (0x14c Intel 80386, 0x8664 x86-64, 0xaa64 ARM64, …).
    public var machine: UInt16
    /// True for PE32+ (64-bit images).
    public var is64Bit: Bool
    /// True when the DLL characteristic is set.
    public var isDLL: Bool
    /// IMAGE_OPTIONAL_HEADER.Subsystem (2 GUI, 3 console, 1 native, 10 EFI application, …).
    public var subsystem: UInt16
    /// The raw TimeDateStamp (seconds since 1970; often forged, or a build hash in reproducible builds).
    public var timeDateStamp: UInt32
    public var characteristics: UInt16
    public var entryPoint: UInt32
    public var imageBase: UInt64
    /// IMAGE_OPTIONAL_HEADER.FileAlignment.
    public var fileAlignment: UInt32
    public var sections: [Section]
    public var imports: [ImportedLibrary]
    /// Problems met while parsing (truncated tables, out-of-range addresses); empty for a well-formed file.
    public var anomalies: [String]

    /// The compile timestamp as a date.
    public var compiledAt: Date { Date(timeIntervalSince1970: TimeInterval(timeDateStamp)) }

    /// The machine's name as `file(1)` words it.
    public var machineName: String {
        switch machine {
        case 0x014C: return "Intel 80386"
        case 0x8664: return "x86-64"
        case 0xAA64: return "Aarch64"
        case 0x01C0: return "ARM"
        case 0x01C4: return "ARMv7 Thumb"
        case 0x0200: return "Intel Itanium"
        case 0x0EBC: return "EFI byte code"
        default: return String(format: "machine 0x%04x", machine)
        }
    }

    /// The subsystem's name as `file(1)` words it.
    public var subsystemName: String {
        switch subsystem {
        case 1: return "native"
        case 2: return "GUI"
        case 3: return "console"
        case 5: return "OS/2"
        case 7: return "POSIX"
        case 9: return "Windows CE GUI"
        case 10: return "EFI application"
        case 11: return "EFI boot service driver"
        case 12: return "EFI runtime driver"
        case 13: return "EFI ROM"
        case 14: return "XBOX"
        case 16: return "boot application"
        default: return "subsystem \(subsystem)"
        }
    }

    /// A one-line description, e.g. "PE32 executable (GUI) Intel 80386" or "PE32+ executable (DLL) (console) x86-64".
    public var label: String {
        "\(is64Bit ? "PE32+" : "PE32") executable \(isDLL ? "(DLL) " : "")(\(subsystemName)) \(machineName)"
    }

    /// The imphash as pefile computes it (MD5 of "library.function" pairs, lowercase, comma-joined), or
    /// nil when the file imports nothing.
    public var imphash: String? {
        guard !imports.isEmpty else { return nil }
        return Imphash.compute(imports)
    }

    // MARK: Parsing

    static let maximumSections = 96
    static let maximumLibraries = 4096
    static let maximumFunctionsPerLibrary = 16384

    /// Parses `data`; nil when it is not a PE file (no MZ, no PE signature, no usable headers).
    ///
    /// ```swift
    /// let pe = PortableExecutable(try Data(contentsOf: sampleURL, options: .alwaysMapped))
    /// ```
    public init?(_ data: some DataProtocol) {
        self.init(window: ByteWindow(data))
    }

    init?(window w: ByteWindow) {
        guard w.matches([0x4D, 0x5A]), let lfanew = w.u32(0x3C).map(Int.init),
              w.matches([0x50, 0x45, 0, 0], at: lfanew) else { return nil }
        let coff = lfanew + 4
        guard let machine = w.u16(coff), let sectionCount = w.u16(coff + 2), let stamp = w.u32(coff + 4),
              let optionalSize = w.u16(coff + 16), let characteristics = w.u16(coff + 18) else { return nil }
        let optional = coff + 20
        guard let magic = w.u16(optional), magic == 0x10B || magic == 0x20B else { return nil }
        let is64 = magic == 0x20B
        self.machine = machine
        self.is64Bit = is64
        self.characteristics = characteristics
        self.isDLL = characteristics & 0x2000 != 0
        self.timeDateStamp = stamp
        self.subsystem = w.u16(optional + 68) ?? 0
        self.entryPoint = w.u32(optional + 16) ?? 0
        self.imageBase = is64 ? (w.u64(optional + 24) ?? 0) : UInt64(w.u32(optional + 28) ?? 0)
        self.fileAlignment = w.u32(optional + 36) ?? 0
        self.sections = []
        self.imports = []
        self.anomalies = []

        // Section table.
        let sectionTable = optional + Int(optionalSize)
        if Int(sectionCount) > Self.maximumSections { anomalies.append("\(sectionCount) sections; only the first \(Self.maximumSections) read") }
        for index in 0..<min(Int(sectionCount), Self.maximumSections) {
            let at = sectionTable + 40 * index
            guard let nameBytes = w.slice(at, 8), let virtualSize = w.u32(at + 8), let virtualAddress = w.u32(at + 12),
                  let rawSize = w.u32(at + 16), let rawOffset = w.u32(at + 20), let flags = w.u32(at + 36) else {
                anomalies.append("section table truncated at entry \(index)")
                break
            }
            let name = String(decoding: nameBytes.prefix { $0 != 0 }, as: UTF8.self)
            let start = min(Int(rawOffset), w.count)
            let end = min(w.count, start + Int(rawSize))
            sections.append(Section(name: name, virtualAddress: virtualAddress, virtualSize: virtualSize, rawSize: rawSize,
                                    rawOffset: rawOffset, characteristics: flags,
                                    entropy: shannonEntropy(w.bytes[start..<end])))
        }

        // Import directory (data directory 1).
        let directoryCountOffset = optional + (is64 ? 108 : 92)
        let directories = optional + (is64 ? 112 : 96)
        if let count = w.u32(directoryCountOffset), count > 1, let importRVA = w.u32(directories + 8), importRVA != 0 {
            parseImports(w, rva: importRVA)
        }
    }

    /// The file offset of a relative virtual address: inside a section's raw data, or inside the headers.
    func offset(ofRVA rva: UInt32) -> Int? {
        for section in sections {
            let span = max(section.virtualSize, section.rawSize)
            if rva >= section.virtualAddress, UInt64(rva) < UInt64(section.virtualAddress) + UInt64(span) {
                let delta = rva - section.virtualAddress
                guard delta < section.rawSize || section.rawSize == 0 else { return nil }
                // pefile aligns PointerToRawData down to 512 bytes when FileAlignment is at least 512, as the loader does.
                let base = fileAlignment >= 0x200 ? section.rawOffset / 0x200 * 0x200 : section.rawOffset
                return Int(base) + Int(delta)
            }
        }
        let firstSection = sections.map(\.rawOffset).filter { $0 > 0 }.min() ?? UInt32.max
        return rva < firstSection ? Int(rva) : nil
    }

    private mutating func parseImports(_ w: ByteWindow, rva start: UInt32) {
        var rva = start
        var failures = 0
        for _ in 0..<Self.maximumLibraries {
            guard let at = offset(ofRVA: rva), w.contains(at, 20) else {
                anomalies.append(String(format: "import descriptor at RVA 0x%x is outside the file", rva))
                return
            }
            let lookup = w.u32(at)!, nameRVA = w.u32(at + 12)!, addressTable = w.u32(at + 16)!
            if (0..<20).allSatisfy({ w.bytes[at + $0] == 0 }) { return }
            rva &+= 20
            var functions = parseThunks(w, table: lookup)
            if functions.isEmpty { functions = parseThunks(w, table: addressTable) }
            if functions.isEmpty {
                failures += 1
                anomalies.append(String(format: "import descriptor at RVA 0x%x has no readable functions", rva &- 20))
                if failures > 5 { return }
                continue
            }
            guard let nameOffset = offset(ofRVA: nameRVA), var name = w.cString(nameOffset, limit: 0x200), !name.isEmpty else {
                anomalies.append(String(format: "import descriptor at RVA 0x%x has no library name", rva &- 20))
                continue
            }
            if !name.allSatisfy(Imphash.isFileNameByte) { name = Array("*invalid*".utf8) }
            let library = String(decoding: name, as: UTF8.self)
            if let table = ordinalNames[library.lowercased()] {
                for i in functions.indices where functions[i].name == nil {
                    functions[i].name = functions[i].ordinal.map { table[$0] ?? "ord\($0)" }
                }
            }
            imports.append(ImportedLibrary(name: library, functions: functions))
        }
        anomalies.append("more than \(Self.maximumLibraries) imported libraries; the rest ignored")
    }

    private func parseThunks(_ w: ByteWindow, table: UInt32) -> [ImportedFunction] {
        guard table != 0, var at = offset(ofRVA: table) else { return [] }
        let width = is64Bit ? 8 : 4
        var functions: [ImportedFunction] = []
        for _ in 0..<Self.maximumFunctionsPerLibrary {
            guard let entry = is64Bit ? w.u64(at) : w.u32(at).map(UInt64.init) else { break }
            if entry == 0 { break }
            at += width
            let byOrdinal = is64Bit ? entry & (1 << 63) != 0 : entry & (1 << 31) != 0
            if byOrdinal {
                let ordinal = UInt16(truncatingIfNeeded: entry)
                if ordinal != 0 { functions.append(ImportedFunction(name: nil, ordinal: ordinal)) }
                continue
            }
            let hintRVA = UInt32(truncatingIfNeeded: entry & (is64Bit ? 0x7FFF_FFFF_FFFF_FFFF : 0x7FFF_FFFF))
            guard let nameOffset = offset(ofRVA: hintRVA &+ 2), let name = w.cString(nameOffset, limit: 0x200) else {
                return functions.isEmpty ? [] : functions   // pefile abandons the table at an unreadable entry
            }
            guard !name.isEmpty, name.allSatisfy(Imphash.isFunctionNameByte) else { continue }   // pefile skips "*invalid*"
            functions.append(ImportedFunction(name: String(decoding: name, as: UTF8.self), ordinal: nil))
        }
        return functions
    }
}
