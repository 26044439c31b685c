// Extraction — SampleSubmission.swift
// Owns describing an uploaded sample (検体) in STIX 2.1: the `file` (hashes with TLSH, size, name,
// MIME type, the `windows-pebinary-ext` extension for PE files), the `artifact` holding its
// content when the hub can serve it, an `indicator` on its SHA-256, and a `report` tying them.
import Foundation
import Specimens
import STIX

/// A sample handed over by a member, as STIX 2.1.
public enum SampleSubmission {
    /// Describes a sample from its facts (the bytes stay in the vault; nothing here reads them).
    ///
    /// - `file`: `hashes` (MD5, SHA-1, SHA-256, SHA-512, TLSH as 70 hex digits), `size`, `name` (the submitted file
    ///   name), `mime_type`, and for PE files `extensions.windows-pebinary-ext` (pe_type, imphash,
    ///   machine_hex, number_of_sections, time_date_stamp, characteristics_hex, optional_header,
    ///   sections with name, size and entropy).
    /// - `artifact` (only with `downloadURL`): `mime_type`, `url`, `hashes` of the sample's content;
    ///   `file.content_ref` points at it. The hub hands samples out wrapped in a ZIP with the
    ///   password `infected` (`x_kakehashi_download_packaging` says so); the hashes are the sample's.
    /// - `indicator` on `[file:hashes.'SHA-256' = '…']` (`based-on` the file) and a `report`
    ///   (`report_types: ["malware"]`).
    ///
    /// ```swift
    /// let facts = try SampleFacts.examine(contentsOf: upload, originalFilename: "請求書.pdf.exe")
    /// let extracted = SampleSubmission.describe(facts, downloadURL: "https://hub.example/api/v1/samples/\(facts.digests.sha256)")
    /// extracted.samples[0].fileObjectID   // "file--…" (deterministic)
    /// ```
    public static func describe(_ facts: SampleFacts, downloadURL: String?,
                                author: STIXAuthoring = STIXAuthoring()) -> ExtractedSubmission {
        var author = author
        let hashes = JSONValue.object(JSONObject(stixHashes(facts.digests).map { ($0.0, JSONValue.string($0.1)) }))
        let name = facts.originalFilename.flatMap { $0.isEmpty ? nil : $0 }

        var artifactID: String? = nil
        if let downloadURL, !downloadURL.isEmpty {
            artifactID = author.observable("artifact", [
                "mime_type": .string(facts.kind.mimeType),
                "url": .string(downloadURL),
                "hashes": hashes,
                "x_kakehashi_download_packaging": .string("zip, password \"\(InfectedZip.conventionalPassword)\""),
            ])
        }
        var extensions: JSONValue = .null
        if let pe = facts.portableExecutable {
            extensions = .object(JSONObject([("windows-pebinary-ext", .object(peExtension(pe)))]))
        }
        let fileID = author.observable("file", [
            "hashes": hashes,
            "size": .number(String(facts.size)),
            "name": name.map { .string($0) } ?? .null,
            "mime_type": .string(facts.kind.mimeType),
            "content_ref": artifactID.map { .string($0) } ?? .null,
            "extensions": extensions,
        ])
        let label = name ?? facts.digests.sha256
        let indicatorID = author.indicator(
            pattern: PatternText.equals("file:hashes.'SHA-256'", facts.digests.sha256),
            name: "sample \(label)", description: "File submitted as a sample (\(facts.kind.label)).",
            refersTo: fileID)
        author.domainObject("report", [
            ("name", .string("Sample \(label)")),
            ("description", .string("\(facts.kind.label), \(facts.size) bytes, SHA-256 \(facts.digests.sha256)")),
            ("report_types", ["malware"]),
            ("published", .string(author.now)),
            ("object_refs", .array(([fileID] + (artifactID.map { [$0] } ?? []) + [indicatorID]).map { .string($0) })),
        ])
        var warnings: [String] = []
        if let anomalies = facts.portableExecutable?.anomalies, !anomalies.isEmpty {
            warnings = anomalies.map { "PE: \($0)" }
        }
        return ExtractedSubmission(
            objects: author.objects, warnings: warnings,
            samples: [ExtractedSample(sha256: facts.digests.sha256, fileObjectID: fileID, name: name, size: facts.size)])
    }

    /// The sample's hashes as STIX writes them, in algorithm order. TLSH is given without the
    /// "T1" version prefix: the STIX 2.1 schemas (and the OASIS validator) expect its 70 hex
    /// digits, the form TLSH had before the prefix was introduced (both denote the same digest).
    static func stixHashes(_ digests: SampleDigests) -> [(String, String)] {
        var hashes = [("MD5", digests.md5), ("SHA-1", digests.sha1), ("SHA-256", digests.sha256), ("SHA-512", digests.sha512)]
        if var tlsh = digests.tlsh {
            if tlsh.count == 72, tlsh.hasPrefix("T1") { tlsh.removeFirst(2) }
            if tlsh.count == 70 { hashes.append(("TLSH", tlsh)) }
        }
        return hashes
    }

    /// The `windows-pebinary-ext` extension (STIX 2.1 section 6.7.2.3) for a PE file.
    static func peExtension(_ pe: PortableExecutable) -> JSONObject {
        let peType = pe.isDLL ? "dll" : (pe.subsystem == 1 ? "sys" : "exe")
        var members: [(String, JSONValue)] = [("pe_type", .string(peType))]
        if let imphash = pe.imphash { members.append(("imphash", .string(imphash))) }
        members += [
            ("machine_hex", .string(hex(UInt64(pe.machine), digits: 4))),
            ("number_of_sections", .number(String(pe.sections.count))),
            ("time_date_stamp", .string(STIXAuthoring.timestamp(pe.compiledAt).replacingOccurrences(of: ".000Z", with: "Z"))),
            ("characteristics_hex", .string(hex(UInt64(pe.characteristics), digits: 4))),
        ]
        var optionalHeader: [(String, JSONValue)] = [
            ("magic_hex", .string(pe.is64Bit ? "020b" : "010b")),
            ("address_of_entry_point", .number(String(pe.entryPoint))),
            ("file_alignment", .number(String(pe.fileAlignment))),
            ("subsystem_hex", .string(hex(UInt64(pe.subsystem), digits: 4))),
        ]
        if pe.imageBase <= UInt64(Int64.max) { optionalHeader.insert(("image_base", .number(String(pe.imageBase))), at: 2) }
        members.append(("optional_header", .object(JSONObject(optionalHeader))))
        if !pe.sections.isEmpty {
            members.append(("sections", .array(pe.sections.map { section in
                var properties: [(String, JSONValue)] = [("name", .string(section.name))]
                properties.append(("size", .number(String(section.rawSize))))
                if section.entropy.isFinite { properties.append(("entropy", .number(String(format: "%.4f", section.entropy)))) }
                return .object(JSONObject(properties))
            })))
        }
        return JSONObject(members)
    }

    /// Lowercase hex with an even number of digits, at least `digits`.
    static func hex(_ value: UInt64, digits: Int) -> String {
        var text = String(value, radix: 16)
        while text.count < digits || text.count % 2 == 1 { text = "0" + text }
        return text
    }
}
