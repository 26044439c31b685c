// Distribution — ExportFormat: the formats a feed is exported in, the files each export is made of,
// and the one entry point that hands a selected set to its writer.
import Foundation

/// Export formats (`?format=` and `--format`).
public enum ExportFormat: String, Sendable, CaseIterable {
    case stix, suricata
    case suricataIPRep = "suricata-iprep"
    case rpz, zeek
    case mispFeed = "misp-feed"
    case mispEvent = "misp-event"
    case plain, csv

    /// The MIME type of the format's main file.
    public var contentType: String {
        switch self {
        case .stix, .mispEvent, .mispFeed: "application/json"
        case .csv: "text/csv; charset=utf-8"
        default: "text/plain; charset=utf-8"
        }
    }
}

/// One file of an export.
public struct ExportFile: Sendable, Equatable {
    public var name: String
    public var bytes: [UInt8]
    public init(name: String, bytes: [UInt8]) { self.name = name; self.bytes = bytes }
    public init(name: String, text: String) { self.name = name; self.bytes = Array(text.utf8) }
}

/// What the writers need besides the indicators.
public struct ExportContext: Sendable {
    /// The feed's name (rule messages, Zeek `meta.source`, categories).
    public var feedName: String
    /// The hub's name (MISP `Orgc`): released copies never name their provider.
    public var hubName: String
    /// When the export was built, microseconds (RPZ serial, MISP dates).
    public var builtMicroseconds: Int64
    /// Suricata's local sid range: [sidBase, sidBase + sidCount).
    public var sidBase: UInt32
    public var sidCount: UInt32

    public init(feedName: String, hubName: String = "Kakehashi", builtMicroseconds: Int64,
                sidBase: UInt32 = 1_000_000_000, sidCount: UInt32 = 100_000_000) {
        self.feedName = feedName; self.hubName = hubName; self.builtMicroseconds = builtMicroseconds
        self.sidBase = sidBase; self.sidCount = sidCount
    }

    /// The feed name as an identifier for rule messages, categories and file names (`C2`, `feed_3`).
    var feedToken: String {
        let mapped = String(feedName.unicodeScalars.map { scalar -> Character in
            (scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_" || scalar == "-")) ? Character(scalar) : "_"
        })
        return mapped.isEmpty ? "feed" : mapped
    }
}

public enum ExportWriters {
    /// The files of `set` in `format` (the first is the main one). `plain` needs exactly one value
    /// type in `types`. STIX bundles are written from the stored objects, not here.
    ///
    /// ```swift
    /// let files = try ExportWriters.write(set, format: .rpz, types: [], context: context)
    /// files[0].name   // "kakehashi-C2.rpz"
    /// ```
    public static func write(_ set: ExportSet, format: ExportFormat, types: Set<ExportValueType>,
                             context: ExportContext) throws -> [ExportFile] {
        switch format {
        case .suricata: return SuricataRules.write(set, context: context)
        case .suricataIPRep: return SuricataReputation.write(set, context: context)
        case .rpz: return [ResponsePolicyZone.write(set, context: context)]
        case .zeek: return [ZeekIntel.write(set, context: context)]
        case .mispEvent: return [MISPEvents.single(set, context: context)]
        case .mispFeed: return MISPEvents.feed(set, context: context)
        case .plain:
            guard types.count == 1, let type = types.first else { throw ExportRequestError("plain lists are one value type each: name one with type=ipv4|ipv6|cidr|domain|url|md5|sha1|sha256") }
            return [PlainLists.plain(set, type: type, context: context)]
        case .csv: return [PlainLists.csv(set, context: context)]
        case .stix: throw ExportRequestError("STIX bundles are written from the stored objects")
        }
    }
}

/// A request the exporter cannot answer as asked (bad format, type or filter): said plainly.
public struct ExportRequestError: Error, Sendable, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
