// WebPortal messages: the catalogues of every visible word (Messages/<area>.json, merged at start),
// the two languages, and choosing one from the switch's cookie or Accept-Language.
import Foundation

/// The portal's languages.
public enum PortalLanguage: String, Sendable, CaseIterable {
    case ja, en

    /// The language for a request: the switch's cookie when set, else the first of Accept-Language
    /// (by q) that the portal speaks, else Japanese.
    ///
    /// ```swift
    /// PortalLanguage.chosen(cookie: nil, acceptLanguage: "en-US,en;q=0.9,ja;q=0.8")   // .en
    /// ```
    public static func chosen(cookie: String?, acceptLanguage: String?) -> PortalLanguage {
        if let cookie, let language = PortalLanguage(rawValue: cookie) { return language }
        guard let acceptLanguage else { return .ja }
        var best: (language: PortalLanguage, q: Double)?
        for item in acceptLanguage.split(separator: ",") {
            let parts = item.split(separator: ";").map { $0.trimmingCharacters(in: .whitespaces) }
            guard let tag = parts.first?.lowercased(), !tag.isEmpty else { continue }
            let q = parts.dropFirst().first { $0.hasPrefix("q=") }.flatMap { Double($0.dropFirst(2)) } ?? 1
            let primary = tag.split(separator: "-").first.map(String.init) ?? tag
            guard q > 0, let language = PortalLanguage(rawValue: primary) else { continue }
            if best == nil || q > best!.q { best = (language, q) }
        }
        return best?.language ?? .ja
    }
}

/// Every catalogue merged: key → language → text.
///
/// ```swift
/// let messages = try PortalMessages.bundled()
/// messages.table(for: .ja)["signin_title"]   // "サインイン"
/// ```
public struct PortalMessages: Sendable {
    /// key → (language code → text), from every file.
    public let entries: [String: [String: String]]
    /// Which file each key came from (for the duplicate check and error messages).
    public let sources: [String: String]
    let tables: [PortalLanguage: [String: String]]

    public init(entries: [String: [String: String]], sources: [String: String] = [:]) {
        self.entries = entries
        self.sources = sources
        var tables: [PortalLanguage: [String: String]] = [:]
        for language in PortalLanguage.allCases {
            tables[language] = entries.compactMapValues { $0[language.rawValue] ?? $0["en"] }
        }
        self.tables = tables
    }

    /// The texts of one language, for templates (`{{t.key}}`).
    public func table(for language: PortalLanguage) -> [String: String] { tables[language] ?? [:] }

    /// One text; the key itself when no catalogue has it (which the catalogue test forbids).
    public func text(_ key: String, _ language: PortalLanguage) -> String { tables[language]?[key] ?? key }

    /// The catalogues bundled in `Messages/`; throws on unreadable JSON or a key in two files.
    public static func bundled() throws -> PortalMessages {
        try load(directory: PortalResources.directory("Messages"))
    }

    static func load(directory: URL) throws -> PortalMessages {
        var entries: [String: [String: String]] = [:]
        var sources: [String: String] = [:]
        let files = try FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        for file in files {
            let decoded = try JSONDecoder().decode([String: [String: String]].self, from: Data(contentsOf: file))
            for (key, texts) in decoded {
                if let earlier = sources[key] {
                    throw PortalResourceError("message key \(key) is in both \(earlier) and \(file.lastPathComponent)")
                }
                entries[key] = texts
                sources[key] = file.lastPathComponent
            }
        }
        return PortalMessages(entries: entries, sources: sources)
    }
}

/// The module's bundled resource folders.
enum PortalResources {
    static func directory(_ name: String) throws -> URL {
        guard let url = Bundle.module.url(forResource: name, withExtension: nil) else {
            throw PortalResourceError("the portal's \(name) folder is missing from the bundle")
        }
        return url
    }
}

struct PortalResourceError: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }
}
