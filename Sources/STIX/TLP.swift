// STIX — TLP.swift
// Owns the well-known Traffic Light Protocol marking definitions: TLP 2.0 (OASIS extension
// extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d) and the TLP 1.0 markings predefined
// by STIX 2.1 section 7.2.1.4, with their ids and full JSON objects.

/// A well-known TLP marking definition.
///
/// ```swift
/// TLPMarking.amberStrict.id      // "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
/// TLPMarking.amberStrict.name    // "TLP:AMBER+STRICT"
/// TLPMarking(id: "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9")  // .white (TLP 1.0)
/// let bytes = Array(TLPMarking.red.json.utf8)   // the full marking-definition object
/// ```
public enum TLPMarking: String, Sendable, Hashable, CaseIterable, CustomStringConvertible {
    // TLP 2.0
    case clear, green, amber, amberStrict, red
    // TLP 1.0, as predefined by STIX 2.1
    case white, greenV1, amberV1, redV1

    /// The extension definition that carries TLP 2.0 levels.
    public static let tlp2ExtensionID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

    /// The TLP 2.0 markings, least to most restrictive.
    public static let tlp2: [TLPMarking] = [.clear, .green, .amber, .amberStrict, .red]
    /// The TLP 1.0 markings, least to most restrictive.
    public static let tlp1: [TLPMarking] = [.white, .greenV1, .amberV1, .redV1]

    /// The marking definition's id.
    public var id: String {
        switch self {
        case .clear: return "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
        case .green: return "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        case .amber: return "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        case .amberStrict: return "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        case .red: return "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        case .white: return "marking-definition--613f2e26-407d-48c7-9eca-b8e91df99dc9"
        case .greenV1: return "marking-definition--34098fce-860f-48ae-8e50-ebd3cc5e41da"
        case .amberV1: return "marking-definition--f88d31f6-486f-44da-b317-01333bde0b82"
        case .redV1: return "marking-definition--5e57c739-391a-4eb3-b6be-7d15ca92d5ed"
        }
    }

    /// The level as written in the marking ("clear", "amber+strict", "white", ...).
    public var level: String {
        switch self {
        case .clear: return "clear"
        case .green, .greenV1: return "green"
        case .amber, .amberV1: return "amber"
        case .amberStrict: return "amber+strict"
        case .red, .redV1: return "red"
        case .white: return "white"
        }
    }

    /// The marking's `name`, e.g. "TLP:AMBER+STRICT".
    public var name: String { "TLP:" + level.uppercased() }

    /// 2 for TLP 2.0, 1 for TLP 1.0.
    public var tlpVersion: Int { Self.tlp2.contains(self) ? 2 : 1 }

    /// Restrictiveness: 0 clear/white, 1 green, 2 amber, 3 amber+strict, 4 red.
    public var rank: Int {
        switch self {
        case .clear, .white: return 0
        case .green, .greenV1: return 1
        case .amber, .amberV1: return 2
        case .amberStrict: return 3
        case .red, .redV1: return 4
        }
    }

    public var description: String { name + (tlpVersion == 1 ? " (TLP 1.0)" : "") }

    /// The marking for a well-known id; nil for any other id.
    public init?(id: String) {
        guard let marking = Self.byID[id] else { return nil }
        self = marking
    }

    static let byID: [String: TLPMarking] = Dictionary(uniqueKeysWithValues: allCases.map { ($0.id, $0) })

    /// Every well-known TLP marking id.
    public static var allIDs: Set<String> { Set(byID.keys) }

    /// The complete marking-definition object as published (compact JSON).
    public var json: String {
        switch tlpVersion {
        case 2:
            return #"{"type":"marking-definition","spec_version":"2.1","id":"\#(id)","created":"2022-10-01T00:00:00.000Z","name":"\#(name)","extensions":{"\#(Self.tlp2ExtensionID)":{"extension_type":"property-extension","tlp_2_0":"\#(level)"}}}"#
        default:
            return #"{"type":"marking-definition","spec_version":"2.1","id":"\#(id)","created":"2017-01-20T00:00:00.000Z","definition_type":"tlp","name":"\#(name)","definition":{"tlp":"\#(level)"}}"#
        }
    }

    /// The marking-definition object, parsed.
    public var object: JSONValue {
        // The text above is fixed and well-formed.
        (try? JSONParser.parse(Array(json.utf8))) ?? .null
    }

    /// The TLP level a marking-definition object declares: `definition.tlp` (TLP 1.0) or the TLP 2.0
    /// extension's `tlp_2_0`; nil when it declares none.
    public static func declaredLevel(in object: JSONObject) -> String? {
        if object["definition_type"]?.stringValue == "tlp", let level = object["definition"]?["tlp"]?.stringValue {
            return level
        }
        return object["extensions"]?[tlp2ExtensionID]?["tlp_2_0"]?.stringValue
    }

    /// The TLP level a marking-definition declares under an id of its own (not one of the well-known
    /// TLP ids), or nil. Such a definition would make the objects it marks look unmarked to anyone
    /// who only knows the well-known ids; its `name` ("TLP:RED") counts as a declaration too.
    public static func customDeclaration(in object: JSONObject) -> String? {
        guard object["type"]?.stringValue == "marking-definition", let id = object["id"]?.stringValue,
              TLPMarking(id: id) == nil else { return nil }
        if let level = declaredLevel(in: object) { return level }
        if object["definition_type"]?.stringValue == "tlp" { return "unknown" }
        if let extensions = object["extensions"]?.objectValue,
           let level = extensions.values.lazy.compactMap({ $0["tlp_2_0"]?.stringValue }).first {
            return level
        }
        if let name = object["name"]?.stringValue, name.uppercased().hasPrefix("TLP:") {
            return String(name.dropFirst(4)).lowercased()
        }
        return nil
    }
}
