// WebPortal markings: an object's TLP (FIRST TLP 2.0, coloured text on black) and PAP as the pages
// show them, read from the object's own markings.
import SharingPolicy
import STIX
import Storage

/// A marking badge: its text ("TLP:AMBER+STRICT") and CSS class ("tlp-amber-strict").
public struct MarkingBadge: Sendable, Equatable {
    public let label: String
    public let css: String
    /// True when the object carries no TLP marking and the hub's default applies.
    public let assumed: Bool

    /// The TLP badge of a stored version: its own marking, else the hub's default (marked as assumed).
    ///
    /// ```swift
    /// MarkingBadge.tlp(object.tlp, default: policy.defaultTLP)   // TLP:AMBER, "tlp-amber"
    /// ```
    public static func tlp(_ level: TLPLevel?, default fallback: TLPLevel) -> MarkingBadge {
        let shown = level ?? fallback
        return MarkingBadge(label: "TLP:" + shown.rawValue.uppercased(),
                            css: "tlp-" + shown.rawValue.replacingOccurrences(of: "+", with: "-"),
                            assumed: level == nil)
    }

    /// The PAP badge for a level name (`clear`, `green`, `amber`, `red`); nil for anything else.
    public static func pap(_ level: String?) -> MarkingBadge? {
        guard let level = level?.lowercased(), ["clear", "green", "amber", "red"].contains(level) else { return nil }
        return MarkingBadge(label: "PAP:" + level.uppercased(), css: "pap-" + level, assumed: false)
    }
}
