// IndicatorExtraction — AttackTechniques.swift
// MITRE ATT&CK Enterprise technique ids and names (from misp-galaxy's mitre-attack-pattern cluster).

/// The bundled MITRE ATT&CK Enterprise techniques and sub-techniques.
///
/// ```swift
/// AttackTechniques.name(of: "T1566.001")   // "Phishing: Spearphishing Attachment"
/// AttackTechniques.name(of: "T9999")       // nil
/// ```
public enum AttackTechniques {
    static let names: [String: String] = {
        var names: [String: String] = [:]
        for line in BundledData.text("attack-techniques.tsv").split(whereSeparator: \.isNewline) {
            if line.hasPrefix("#") { continue }
            let parts = line.split(separator: "\t", maxSplits: 1)
            if parts.count == 2 { names[String(parts[0])] = String(parts[1]) }
        }
        return names
    }()

    /// The technique's name, or nil when `id` is no known Enterprise technique.
    public static func name(of id: String) -> String? { names[id.uppercased()] }

    /// The number of bundled technique ids.
    public static var count: Int { names.count }
}
