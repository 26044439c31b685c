// SQLiteStorage online backup: a consistent copy of `hub.sqlite` taken while the server runs (SQLite's
// backup API inside one read transaction, so writers go on), written 0600, then checked: integrity,
// the same number of object versions as the database had at the copied instant, and the audit chain
// recomputed on the copy with the hub's audit key.
import Foundation
import GRDB
import Storage

/// Takes and checks a copy of a hub's database.
///
/// ```swift
/// let report = try await OnlineBackup.take(directory: dataURL, to: URL(fileURLWithPath: "/backup/hub-2026-12-07.sqlite"))
/// print(report.objectVersions, report.audit.isIntact)
/// ```
///
/// Only the database is copied: the key files beside it (`audit.key`, `vault.key`, `hub.json`) and
/// the sample vault (`samples/`) are backed up as files, once (the keys do not change).
public enum OnlineBackup {
    /// What the copy holds and what its checks found.
    public struct Report: Sendable {
        /// Object versions in the copy (equal to the live database's at the copied instant).
        public var objectVersions: Int
        /// Organisations, users, feeds, submissions and audit entries in the copy.
        public var organizations: Int, users: Int, feeds: Int, submissions: Int
        /// The audit chain recomputed on the copy.
        public var audit: AuditVerification
        /// The copy's size in bytes.
        public var bytes: Int64
    }

    /// Copies `directory/hub.sqlite` to `destination` (which must not exist yet; created 0600), then
    /// verifies the copy. On any failure the partial copy is removed and nothing else is changed.
    public static func take(directory: URL, to destination: URL) async throws -> Report {
        let source = directory.appendingPathComponent("hub.sqlite").path
        guard FileManager.default.fileExists(atPath: source) else {
            throw StoreError.notFound("no hub database at \(source)")
        }
        let target = destination.standardizedFileURL.path
        guard !FileManager.default.fileExists(atPath: target) else {
            throw StoreError.duplicate("\(target) exists; choose a new file for the backup")
        }
        // Created here, 0600, so the copy is never readable by others even for a moment.
        let fd = open(target, O_CREAT | O_EXCL | O_WRONLY, 0o600)
        guard fd >= 0 else { throw StoreError.unavailable("cannot create \(target): \(String(cString: strerror(errno)))") }
        close(fd)
        do {
            let copied = try copy(from: source, to: target)
            let report = try await check(copy: target, directory: directory, expectedObjects: copied)
            return report
        } catch {
            for suffix in ["", "-wal", "-shm", "-journal"] { try? FileManager.default.removeItem(atPath: target + suffix) }
            throw error
        }
    }

    /// The backup itself: one read transaction on the source holds a snapshot while every page is
    /// copied in one step; returns the number of object versions in that snapshot.
    static func copy(from source: String, to target: String) throws -> Int {
        var config = Configuration()
        config.busyMode = .timeout(30)
        let from = try DatabaseQueue(path: source, configuration: config)
        let to = try DatabaseQueue(path: target)
        var objects = 0
        try from.inDatabase { sourceDB in
            try to.inDatabase { targetDB in
                try sourceDB.inTransaction(.deferred) {
                    objects = try Int.fetchOne(sourceDB, sql: "SELECT count(*) FROM object_version") ?? 0
                    try sourceDB.backup(to: targetDB)
                    return .commit
                }
            }
        }
        try to.close()
        try from.close()
        return objects
    }

    /// Integrity, counts and the audit chain of the copy.
    static func check(copy target: String, directory: URL, expectedObjects: Int) async throws -> Report {
        let counts: [Int] = try {
            let queue = try DatabaseQueue(path: target)
            defer { try? queue.close() }
            return try queue.inDatabase { db in
                let integrity = try String.fetchAll(db, sql: "PRAGMA integrity_check")
                guard integrity == ["ok"] else {
                    throw StoreError.unavailable("integrity check of the copy failed: \(integrity.prefix(5).joined(separator: "; "))")
                }
                return try ["object_version", "organization", "user", "feed", "submission"].map { table in
                    try Int.fetchOne(db, sql: "SELECT count(*) FROM \(table)") ?? 0
                }
            }
        }()
        guard counts[0] == expectedObjects else {
            throw StoreError.unavailable("the copy holds \(counts[0]) object versions, the database had \(expectedObjects)")
        }
        // The chain is recomputed with the hub's key; the head recorded beside the live database may be
        // newer than the copy, so the copy is checked against a head of its own (none yet).
        let scratch = FileManager.default.temporaryDirectory
            .appendingPathComponent("kakehashi-backup-check-\(UUID().uuidString.lowercased())", isDirectory: true)
        try FileManager.default.createDirectory(at: scratch, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: scratch) }
        let audit: AuditVerification = try await {
            let store = try SQLiteHubStore(path: target, auditKey: directory.appendingPathComponent("audit.key"),
                                           auditHead: scratch.appendingPathComponent("audit.head"))
            defer { try? store.close() }
            return try await store.verifyAuditTrail()
        }()
        guard audit.isIntact else {
            throw StoreError.unavailable("the audit chain of the copy does not verify: \(audit.problems.first.map { "\($0.description)" } ?? "")")
        }
        let bytes = ((try? FileManager.default.attributesOfItem(atPath: target))?[.size] as? NSNumber)?.int64Value ?? 0
        return Report(objectVersions: counts[0], organizations: counts[1], users: counts[2], feeds: counts[3],
                      submissions: counts[4], audit: audit, bytes: bytes)
    }
}
