// Correlation — CorrelationExclusions.swift
// Owns which values never link submissions: those on an exclusion list (MISP warning-list format):
// the Correlation module's bundled lists (public resolvers, sinkholes, CDN ranges, URL shorteners,
// free-mail domains as domains; Resources/README.md says where each comes from), the extraction's
// bundled warning lists, and the operator's own in DATA/warninglists/. A matched value is reported
// as excluded with the list's name, never dropped in silence.
import Foundation
import IndicatorExtraction
import Storage

/// The exclusion lists correlation applies.
///
/// ```swift
/// let exclusions = try CorrelationExclusions.load(operatorLists: dataURL.appendingPathComponent("warninglists"))
/// exclusions.list(excluding: IndexedObservable(kind: "ipv4-addr", value: "8.8.8.8"))   // "List of known IPv4 public DNS resolvers"
/// ```
public struct CorrelationExclusions: Sendable {
    public let lists: WarningLists

    public init(lists: WarningLists) { self.lists = lists }

    /// The bundled exclusion lists with `warningLists` (the extraction's bundled lists, and the
    /// operator's when loaded with them, e.g. `HandOver.warningLists(dataDirectory:)`).
    public static func with(_ warningLists: WarningLists) -> CorrelationExclusions {
        var lists = warningLists
        for list in bundled { lists.add(list, file: list.source) }
        return CorrelationExclusions(lists: lists)
    }

    /// The bundled lists with the extraction's bundled lists and the operator's in `operatorLists`
    /// (when that folder exists).
    public static func load(operatorLists: URL?) throws -> CorrelationExclusions {
        guard let operatorLists, FileManager.default.fileExists(atPath: operatorLists.path) else { return .with(.bundled) }
        return .with(try WarningLists.load(extraDirectory: operatorLists))
    }

    /// The standard lists (bundled only).
    public static let standard = CorrelationExclusions.with(.bundled)

    /// The Correlation module's own lists, read once.
    /// A missing or unreadable bundled list is a packaging error, as for IndicatorExtraction's data.
    static let bundled: [WarningList] = {
        let base = Bundle.module.resourceURL ?? Bundle.module.bundleURL
        let nested = base.appendingPathComponent("Resources/exclusionlists", isDirectory: true)
        let directory = FileManager.default.fileExists(atPath: nested.path) ? nested : base.appendingPathComponent("exclusionlists")
        let files = ((try? FileManager.default.contentsOfDirectory(at: directory, includingPropertiesForKeys: nil)) ?? [])
            .filter { $0.pathExtension == "json" }.sorted { $0.lastPathComponent < $1.lastPathComponent }
        guard !files.isEmpty else { fatalError("Correlation: bundled exclusion lists missing: \(directory.path)") }
        return files.map { file in
            do { return try WarningList(json: Data(contentsOf: file), source: file.lastPathComponent) } catch {
                fatalError("Correlation: bundled exclusion list unreadable: \(file.path): \(error)")
            }
        }
    }()

    /// The name of the first list that excludes `entry`, or nil when it may link submissions.
    /// Addresses are matched as addresses, host-like values (domains, URL hosts, e-mail and
    /// Message-ID domains) as domains, URLs as URLs (and by their host), e-mail addresses exactly
    /// (a free-mail domain excludes the domain, never an address at it), hashes by algorithm.
    public func list(excluding entry: IndexedObservable) -> String? {
        guard let kind = Self.indicatorKind(of: entry) else { return nil }
        let indicator = Indicator(kind: kind, value: entry.value, original: entry.value, line: 0)
        for list in lists.lists where list.applies(to: kind) {
            if kind == .email, list.type == .hostname || list.type == .cidr { continue }
            if list.matches(indicator) { return list.name }
        }
        return nil
    }

    static func indicatorKind(of entry: IndexedObservable) -> IndicatorKind? {
        switch entry.kind {
        case "ipv4-addr": return .ipv4
        case "ipv6-addr": return .ipv6
        case "email-message:first-external-hop": return entry.value.contains(":") ? .ipv6 : .ipv4
        case "domain-name", "url:host", "email-addr:domain", "email-message:message-id-domain":
            if entry.value.contains(":") { return .ipv6 }
            if entry.value.split(separator: ".").count == 4, entry.value.allSatisfy({ $0.isNumber || $0 == "." }) { return .ipv4 }
            return .domain
        case "url": return .url
        case "email-addr", "email-message:reply-to": return .email
        case "file:hashes.MD5": return .md5
        case "file:hashes.SHA-1", "file:hashes.SHA1": return .sha1
        case "file:hashes.SHA-256", "file:hashes.SHA256": return .sha256
        case "file:hashes.SHA-512", "file:hashes.SHA512": return .sha512
        default: return nil
        }
    }
}
