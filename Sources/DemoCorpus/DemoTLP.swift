// DemoCorpus — DemoTLP.swift
// Owns the five TLP 2.0 marking-definition objects exactly as published by OASIS in
// cti-stix-common-objects (extension-definitions/tlp-2.0): fixed ids, created 2022-10-01, and the
// property extension extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d.

/// The TLP 2.0 levels and their official STIX 2.1 marking-definition objects.
///
/// ```swift
/// let ref = DemoTLP.amber.markingID          // "marking-definition--55d920b0-…"
/// let json = DemoTLP.green.markingDefinitionJSON
/// ```
public enum DemoTLP: String, CaseIterable, Sendable {
    case clear, green, amber, amberStrict = "amber+strict", red

    /// The TLP 2.0 property extension's id.
    public static let extensionDefinitionID = "extension-definition--60a3c5c5-0d10-413e-aab3-9e08dde9e88d"

    /// The official marking-definition id of this level.
    public var markingID: String {
        switch self {
        case .clear: "marking-definition--94868c89-83c2-464b-929b-a1a8aa3c8487"
        case .green: "marking-definition--bab4a63c-aed9-4cf5-a766-dfca5abac2bb"
        case .amber: "marking-definition--55d920b0-5e8b-4f79-9ee9-91f868d9b421"
        case .amberStrict: "marking-definition--939a9414-2ddd-4d32-a0cd-375ea402b003"
        case .red: "marking-definition--e828b379-4e03-4974-9ac4-e53a884c97c1"
        }
    }

    /// "TLP:CLEAR", "TLP:AMBER+STRICT", …
    public var name: String { "TLP:" + rawValue.uppercased() }

    /// The compact JSON of the official marking-definition object.
    public var markingDefinitionJSON: String {
        "{\"type\":\"marking-definition\",\"spec_version\":\"2.1\",\"id\":\"\(markingID)\","
            + "\"created\":\"2022-10-01T00:00:00.000Z\",\"name\":\"\(name)\","
            + "\"extensions\":{\"\(DemoTLP.extensionDefinitionID)\":"
            + "{\"extension_type\":\"property-extension\",\"tlp_2_0\":\"\(rawValue)\"}}}"
    }
}
