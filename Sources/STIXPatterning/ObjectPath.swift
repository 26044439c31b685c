// STIXPatterning — ObjectPath: `object-type:property(.property | [index] | [*])*` and its canonical text.

/// One step of an object path after the object type.
public enum PathComponent: Sendable, Hashable {
    /// A property name (`.name` or `.'quoted-name'`; the first component is always a property).
    case property(String)
    /// A list index `[3]` (negative indexes are allowed by the grammar).
    case index(Int64)
    /// `[*]`: any element of the list.
    case anyIndex
}

/// An object path such as `file:hashes.'SHA-256'` or
/// `file:extensions.'windows-pebinary-ext'.sections[*].entropy`.
public struct ObjectPath: Sendable, Equatable, Hashable, CustomStringConvertible {
    /// The object type before the colon, e.g. "file", "network-traffic", "x-acme-widget".
    public let objectType: String
    /// The property names and indexes after the colon, in order.
    public let components: [PathComponent]

    public init(objectType: String, components: [PathComponent]) {
        self.objectType = objectType
        self.components = components
    }

    /// Canonical text: property names that are not plain identifiers (or that are
    /// keywords) are single-quoted, e.g. `file:hashes.'SHA-256'`.
    public var text: String {
        var out = objectType + ":"
        for (i, component) in components.enumerated() {
            switch component {
            case .property(let name):
                if i > 0 { out += "." }
                out += Self.renderPropertyName(name)
            case .index(let n): out += "[\(n)]"
            case .anyIndex: out += "[*]"
            }
        }
        return out
    }

    public var description: String { text }

    /// The property names only (indexes dropped), e.g. ["hashes", "SHA-256"].
    public var propertyNames: [String] {
        components.compactMap { if case .property(let n) = $0 { n } else { nil } }
    }

    static func renderPropertyName(_ name: String) -> String {
        isPlainIdentifier(name) && !Keyword.isReserved(name) ? name : quoteString(name)
    }

    /// `[a-zA-Z_][a-zA-Z0-9_]*`
    static func isPlainIdentifier(_ name: String) -> Bool {
        var first = true
        for b in name.utf8 {
            let ok = first ? CharClass.isIdentifierStart(b) : CharClass.isIdentifierBody(b)
            if !ok { return false }
            first = false
        }
        return !first
    }
}
