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

    /// The first list the indicator matches, if any. A URL whose host is a special-purpose IP address
    /// is also matched as that address (so `http://192.168.1.1/admin` falls under RFC 1918).
    public func match(_ indicator: Indicator) -> WarningList? {
        let candidates = WarningList.candidates(indicator)
        if let list = lists.first(where: { $0.matches(kind: indicator.kind, candidates: candidates) }) { return list }
        if indicator.kind == .url, candidates.count == 2, let address = IPAddress(candidates[1]) {
            let kind: IndicatorKind
            switch address { case .v4: kind = .ipv4; case .v6: kind = .ipv6 }
            // An address that is not routable (private, documentation, loopback, …) makes the link
            // meaningless; one on a shared network's list (a CDN's ranges) does not: the link names
            // one resource there, while the bare address would block the whole network.
            guard SpecialPurposeAddresses.contains(address) else { return nil }
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

/// The IANA special-purpose address blocks (RFC 6890 and its updates) that no Internet host has:
/// private, shared, loopback, link-local, documentation, benchmarking, multicast and reserved space.
enum SpecialPurposeAddresses {
    static let blocks: [CIDRBlock] = [
        "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12", "192.0.0.0/24",
        "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24", "203.0.113.0/24",
        "224.0.0.0/4", "240.0.0.0/4", "::/128", "::1/128", "64:ff9b::/96", "100::/64", "2001::/23", "2001:db8::/32",
        "fc00::/7", "fe80::/10", "ff00::/8",
    ].compactMap(CIDRBlock.init)

    static func contains(_ address: IPAddress) -> Bool { blocks.contains { $0.contains(address) } }
}
