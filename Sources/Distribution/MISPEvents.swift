// Distribution — MISPEvents: MISP event JSON, and a MISP feed (one event per submission, named by
// its uuid, with manifest.json and hashes.csv as MISP's feed generator writes them). Events are
// attributed to the hub, never to the provider, and carry the TLP tag of their most restricted
// indicator. Uuids are derived from the feed and submission, so the same event keeps its uuid.
import Crypto
import Foundation
import STIX

public enum MISPEvents {
    /// Every selected indicator in one event.
    public static func single(_ set: ExportSet, context: ExportContext) -> ExportFile {
        let event = event(uuid: uuid("event|\(context.feedName)|all"), info: "Kakehashi feed \(context.feedName)",
                          indicators: set.indicators, context: context)
        return ExportFile(name: "kakehashi-\(context.feedToken)-event.json", bytes: (["Event": event.object] as JSONValue).serialized())
    }

    /// A MISP feed directory: `<uuid>.json` per submission, `manifest.json`, `hashes.csv`.
    public static func feed(_ set: ExportSet, context: ExportContext) -> [ExportFile] {
        var groups: [String: [SelectedIndicator]] = [:]
        for selected in set.indicators { groups[selected.indicator.submissionID, default: []].append(selected) }
        var manifest = JSONObject()
        var hashes = ""
        var files: [ExportFile] = []
        for submission in groups.keys.sorted() {
            let members = groups[submission]!
            let eventUUID = uuid("event|\(context.feedName)|\(submission)")
            let first = members.map(\.indicator.name).first(where: { !$0.isEmpty }) ?? "indicators"
            let made = event(uuid: eventUUID, info: "Kakehashi \(context.feedName): \(first)", indicators: members, context: context)
            files.append(ExportFile(name: "\(eventUUID).json", bytes: (["Event": made.object] as JSONValue).serialized()))
            manifest[eventUUID] = made.manifest
            for value in made.values { hashes += "\(Insecure.MD5.hash(data: Array(value.utf8)).hex),\(eventUUID)\n" }
        }
        return [ExportFile(name: "manifest.json", bytes: JSONValue.object(manifest).serialized())]
            + files + [ExportFile(name: "hashes.csv", text: hashes)]
    }

    struct Made { var object: JSONValue; var manifest: JSONValue; var values: [String] }

    static func event(uuid eventUUID: String, info: String, indicators: [SelectedIndicator], context: ExportContext) -> Made {
        let newest = indicators.map(\.indicator.modifiedMicroseconds).max() ?? context.builtMicroseconds
        let timestamp = String(newest / 1_000_000)
        let date = String(iso(newest).prefix(10))
        let tlp = indicators.compactMap(\.indicator.tlp).max { rank($0) < rank($1) }
        let tags: [JSONValue] = tlp.map { [["name": .string("tlp:\($0)"), "colour": .string(colour($0)),
                                     "local": .bool(false), "relationship_type": .string("")]] } ?? []
        let threat = (indicators.map(\.indicator.confidence).max() ?? 50) >= 75 ? 1 : 2
        let orgc: JSONValue = ["name": .string(context.hubName), "uuid": .string(uuid("org|\(context.hubName)"))]
        var attributes: [JSONValue] = []
        var values: [String] = []
        for selected in indicators {
            for value in selected.values {
                let (type, category) = mispType(value.type)
                attributes.append([
                    "uuid": .string(uuid("attribute|\(selected.indicator.stixID)|\(value.type.rawValue)|\(value.value)")),
                    "type": .string(type), "category": .string(category), "value": .string(value.value),
                    "to_ids": .bool(true), "comment": .string(selected.indicator.stixID),
                    "timestamp": .string(String(selected.indicator.modifiedMicroseconds / 1_000_000)),
                    "disable_correlation": .bool(false),
                ])
                values.append(value.value)
            }
        }
        let object: JSONValue = [
            "uuid": .string(eventUUID), "info": .string(info), "date": .string(date), "timestamp": .string(timestamp),
            "publish_timestamp": .string(timestamp), "published": .bool(true), "analysis": .string("2"),
            "threat_level_id": .string(String(threat)), "Orgc": orgc, "Tag": .array(tags),
            "Attribute": .array(attributes),
        ]
        let manifest: JSONValue = [
            "Orgc": orgc, "Tag": .array(tags), "info": .string(info), "date": .string(date),
            "analysis": .number("2"), "threat_level_id": .number(String(threat)), "timestamp": .number(timestamp),
        ]
        return Made(object: object, manifest: manifest, values: values)
    }

    static func mispType(_ type: ExportValueType) -> (String, String) {
        switch type {
        case .ipv4, .ipv6, .cidr: ("ip-dst", "Network activity")
        case .domain: ("domain", "Network activity")
        case .url: ("url", "Network activity")
        case .md5: ("md5", "Payload delivery")
        case .sha1: ("sha1", "Payload delivery")
        case .sha256: ("sha256", "Payload delivery")
        }
    }

    static func rank(_ tlp: String) -> Int { ExportFilter.tlpOrder.firstIndex(of: tlp) ?? 0 }

    static func colour(_ tlp: String) -> String {
        switch tlp { case "red": "#CC0033"; case "amber", "amber+strict": "#FFC000"; case "green": "#339900"; default: "#ffffff" }
    }

    /// A version-5-shaped uuid from SHA-256 of `name` (stable for the same feed, submission, value).
    static func uuid(_ name: String) -> String {
        var bytes = Array(SHA256.hash(data: Array(("kakehashi-misp|" + name).utf8)).prefix(16))
        bytes[6] = (bytes[6] & 0x0f) | 0x50
        bytes[8] = (bytes[8] & 0x3f) | 0x80
        let hex = bytes.map { String(format: "%02x", $0) }.joined()
        let h = Array(hex)
        return String(h[0..<8]) + "-" + String(h[8..<12]) + "-" + String(h[12..<16]) + "-" + String(h[16..<20]) + "-" + String(h[20..<32])
    }

    static func iso(_ microseconds: Int64) -> String { STIXTimestamp(microsecondsSinceEpoch: microseconds).text }
}

extension Digest {
    var hex: String { map { String(format: "%02x", $0) }.joined() }
}
