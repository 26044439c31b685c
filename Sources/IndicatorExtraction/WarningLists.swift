// IndicatorExtraction — WarningLists.swift
// The set of warning lists in force: the bundled ones plus an operator-supplied directory.

import Foundation

/// The warning lists an extraction is checked against.
///
/// ```swift
/// let lists = try WarningLists.load(extraDirectory: URL(fileURLWithPath: "/etc/kakehashi/warninglists"))
/// let extractor = IndicatorExtractor(warningLists: lists)
/// lists.match(Indicator(kind: .ipv4, value: "10.1.2.3", original: "10.1.2.3", line: 1))?.name
/// // "List of RFC 1918 CIDR blocks"
/// ```
public struct WarningLists: Sendable {
    public private(set) var lists: [WarningList]
    /// Files that were not used (regex lists, unreadable files), with the reason.
    public private(set) var skipped: [(file: String, reason: String)]

    public init(lists: [WarningList] = []) {
        self.lists = lists
        self.skipped = []
    }

    /// The bundled lists (MISP subset and Kakehashi's own), loaded once.
    public static let bundled: WarningLists = {
        do { return try load(extraDirectory: nil) } catch {
            fatalError("IndicatorExtraction: bundled warning lists unreadable: \(error)")
        }
    }()

    /// Loads the bundled lists plus every `*.json` list (MISP format, searched recursively, so a
    /// checkout of misp-warninglists' `lists/` works too) in `extraDirectory`. Unreadable or regex
    /// lists in the extra directory are skipped and reported in `skipped`.
    public static func load(extraDirectory: URL?) throws -> WarningLists {
        var result = WarningLists()
        let bundledDirectory = BundledData.url("warninglists")
        for file in jsonFiles(in: bundledDirectory) {
            let list = try WarningList(json: Data(contentsOf: file), source: file.lastPathComponent)
            result.add(list, file: file.lastPathComponent)
        }
        if let extraDirectory {
            guard FileManager.default.fileExists(atPath: extraDirectory.path) else {
                throw WarningListError.malformed(extraDirectory.path, "directory not found")
            }
            for file in jsonFiles(in: extraDirectory) {
                do {
                    let list = try WarningList(json: Data(contentsOf: file), source: file.path)
                    result.add(list, file: file.path)
                } catch {
                    result.skipped.append((file.path, "\(error)"))
                }
            }
        }
        return result
    }

    /// Adds a list (regex lists are recorded in `skipped` instead).
    public mutating func add(_ list: WarningList, file: String = "") {
        if list.type == .regex {
            skipped.append((file.isEmpty ? list.name : file, "regex lists are not supported"))
        } else {
            lists.append(list)
        }
    }

    /// The first list the indicator matches, if any. A URL whose host is an IP address is also
    /// matched as that address (so `http://192.168.1.1/admin` falls under RFC 1918).
    public func match(_ indicator: Indicator) -> WarningList? {
        let candidates = WarningList.candidates(indicator)
        if let list = lists.first(where: { $0.matches(kind: indicator.kind, candidates: candidates) }) { return list }
        if indicator.kind == .url, candidates.count == 2, let address = IPAddress(candidates[1]) {
            let kind: IndicatorKind
            switch address { case .v4: kind = .ipv4; case .v6: kind = .ipv6 }
            let asAddress = Indicator(kind: kind, value: address.text, original: indicator.original, line: indicator.line)
            return lists.first { $0.matches(asAddress) }
        }
        return nil
    }

    private static func jsonFiles(in directory: URL) -> [URL] {
        guard let enumerator = FileManager.default.enumerator(at: directory, includingPropertiesForKeys: nil) else { return [] }
        var files: [URL] = []
        for case let url as URL in enumerator where url.pathExtension.lowercased() == "json" {
            files.append(url)
        }
        return files.sorted { $0.path < $1.path }
    }
}
