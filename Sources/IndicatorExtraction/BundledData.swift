// IndicatorExtraction — BundledData.swift
// Where the bundled data files (PSL, TLDs, ATT&CK ids, warning lists) are found at run time.

import Foundation

/// The module's data directory: `Resources/` inside the SwiftPM resource bundle.
enum BundledData {
    /// Set `KAKEHASHI_INDICATOR_DATA` to a directory with the same layout to use other data files.
    static let directory: URL = {
        if let override = ProcessInfo.processInfo.environment["KAKEHASHI_INDICATOR_DATA"], !override.isEmpty {
            return URL(fileURLWithPath: override, isDirectory: true)
        }
        let bundle = Bundle.module
        let base = bundle.resourceURL ?? bundle.bundleURL
        let nested = base.appendingPathComponent("Resources", isDirectory: true)
        return FileManager.default.fileExists(atPath: nested.appendingPathComponent("tlds.txt").path) ? nested : base
    }()

    static func url(_ name: String) -> URL { directory.appendingPathComponent(name) }

    /// The text of a bundled file; a missing file is a packaging error.
    static func text(_ name: String) -> String {
        let url = url(name)
        guard let data = try? Data(contentsOf: url), let text = String(data: data, encoding: .utf8) else {
            fatalError("IndicatorExtraction: bundled data file missing or unreadable: \(url.path)")
        }
        return text
    }
}
