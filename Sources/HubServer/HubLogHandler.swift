// HubServer log handler: the server's log lines on standard error, in swift-log's stream format,
// with metadata rendered only when a line is written.
//
// swift-log's StreamLogHandler renders its whole metadata dictionary each time one key is set.
// Hummingbird sets the request id on every request's logger, so with StreamLogHandler each request
// paid for sorting and formatting metadata that, at the default `info` level, is never printed.
import Foundation
import Logging

/// Writes log lines to standard error: `2026-12-06T22:06:52+0000 info kakehashi: key=value [source] message`.
/// The level is `LOG_LEVEL` from the environment (trace, debug, info, notice, warning, error,
/// critical), `info` when unset.
///
/// ```swift
/// let logger = Logger(label: "kakehashi") { HubLogHandler(label: $0) }
/// ```
public struct HubLogHandler: LogHandler {
    public let label: String
    public var logLevel: Logger.Level = ProcessInfo.processInfo.environment["LOG_LEVEL"]
        .flatMap { Logger.Level(rawValue: $0.lowercased()) } ?? .info
    public var metadata: Logger.Metadata = [:]
    public var metadataProvider: Logger.MetadataProvider?

    public init(label: String, metadataProvider: Logger.MetadataProvider? = LoggingSystem.metadataProvider) {
        self.label = label
        self.metadataProvider = metadataProvider
    }

    public subscript(metadataKey key: String) -> Logger.Metadata.Value? {
        get { metadata[key] }
        set { metadata[key] = newValue }
    }

    public func log(level: Logger.Level, message: Logger.Message, metadata explicit: Logger.Metadata?,
                    source: String, file: String, function: String, line: UInt) {
        var merged = metadata
        if let provided = metadataProvider?.get() { merged.merge(provided) { _, new in new } }
        if let explicit { merged.merge(explicit) { _, new in new } }
        let rendered = merged.isEmpty ? "" : " " + merged.sorted { $0.key < $1.key }.map { "\($0.key)=\($0.value)" }.joined(separator: " ")
        let text = "\(Self.timestamp()) \(level) \(label):\(rendered) [\(source)] \(message)\n"
        // One write(2) per line: lines from concurrent tasks do not interleave.
        var bytes = text
        bytes.withUTF8 { _ = write(STDERR_FILENO, $0.baseAddress, $0.count) }
    }

    /// Local time as swift-log's stream handler prints it.
    static func timestamp() -> String {
        var now = time(nil)
        var local = tm()
        localtime_r(&now, &local)
        var buffer = [Int8](repeating: 0, count: 64)
        let count = strftime(&buffer, buffer.count, "%Y-%m-%dT%H:%M:%S%z", &local)
        return String(decoding: buffer[0..<count].map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }
}
