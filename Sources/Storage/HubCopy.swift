// Storage hub copy: what `kakehashi migrate` moves between back ends, written once for all of them —
// the hub's tables in the form both back ends share (HubCopyTables: names, columns, kinds, in the
// order foreign keys need), rows as backend-neutral values, the narrow interface each back end
// implements to read a consistent view of its tables and to fill an empty store verbatim, and the
// per-table row counts and content hashes that show a copy equals its source.
//
// Each back end keeps its own schema knowledge: how a neutral table is named and typed there, and
// the columns it derives from others (SQLite's 64-bit key hashes, PostgreSQL's generated ids). A
// back end refuses to copy while its schema has a table or column this catalogue does not name
// (`HubCopyTables.mismatches`), so a table added to a schema cannot be left out of the copy unseen.
import Crypto
import Foundation

/// One value of one column, as it moves between back ends.
public enum CopyValue: Sendable, Equatable {
    case null
    case integer(Int64)
    case real(Double)
    case text(String)
    case bytes([UInt8])
}

/// A column of a copied table: its name (the same on every back end) and the kind of its values.
public struct CopyColumn: Sendable, Equatable {
    public enum Kind: Sendable, Equatable {
        /// A 64-bit integer.
        case integer
        /// A truth value, carried as the integer 0 or 1 (SQLite stores it so; PostgreSQL as boolean).
        case boolean
        /// A 64-bit floating-point number.
        case real
        /// UTF-8 text.
        case text
        /// Bytes kept exactly (object JSON, audit details, encoded records).
        case bytes
    }

    public let name: String
    public let kind: Kind

    public init(_ name: String, _ kind: Kind) { self.name = name; self.kind = kind }

    /// `value` in this column's kind: the same value read from either back end becomes the same
    /// neutral value (a PostgreSQL boolean an integer, audit details read as text their bytes).
    public func normalised(_ value: CopyValue) throws -> CopyValue {
        switch (kind, value) {
        case (_, .null): return .null
        case (.integer, .integer), (.boolean, .integer), (.real, .real), (.text, .text), (.bytes, .bytes): return value
        case (.real, .integer(let integer)): return .real(Double(integer))
        case (.bytes, .text(let text)): return .bytes(Array(text.utf8))
        case (.text, .bytes(let bytes)):
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw HubCopyError.invalidValue("column \(name): bytes that are not UTF-8 text")
            }
            return .text(text)
        default:
            throw HubCopyError.invalidValue("column \(name): \(value.kindName) where \(kind) is expected")
        }
    }
}

extension CopyValue {
    var kindName: String {
        switch self {
        case .null: return "null"
        case .integer: return "integer"
        case .real: return "real"
        case .text: return "text"
        case .bytes: return "bytes"
        }
    }
}

/// A copied table: its neutral name and columns.
public struct CopyTable: Sendable, Equatable {
    public let name: String
    public let columns: [CopyColumn]

    public init(_ name: String, _ columns: [CopyColumn]) { self.name = name; self.columns = columns }

    /// A row read from a back end, in this table's column order, as neutral values.
    public func normalised(_ row: [CopyValue]) throws -> [CopyValue] {
        guard row.count == columns.count else {
            throw HubCopyError.invalidValue("table \(name): \(row.count) values for \(columns.count) columns")
        }
        return try zip(columns, row).map { try $0.normalised($1) }
    }
}

/// Why a copy did not start or did not finish.
public enum HubCopyError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The target already holds rows (table and count of the first found): nothing was written.
    case targetNotEmpty(String)
    /// A back end's schema and the copy's catalogue differ (tables or columns one names and the other not).
    case schemaMismatch([String])
    /// A value that cannot be carried to the target as it is.
    case invalidValue(String)

    public var description: String {
        switch self {
        case .targetNotEmpty(let what): return "the target is not empty (\(what)); nothing was written"
        case .schemaMismatch(let problems): return "the schema and the copy's catalogue differ: " + problems.joined(separator: "; ")
        case .invalidValue(let what): return "a value cannot be copied: \(what)"
        }
    }
}

/// The hub's tables as every back end holds them, in an order in which each table's references are
/// already filled. Only rows of these tables are copied (besides the counters, `HubCopyTables.counters`);
/// each back end names the rest of its schema (its migration records, the account generation
/// counter, which its own triggers bump) as not copied.
public enum HubCopyTables {
    /// Counters that are not rows: `object_position`, the largest position ever given (positions of
    /// deleted versions are never given again), so a copy goes on numbering where its source stopped.
    public static let counters = ["object_position"]

    public static let all: [CopyTable] = {
        typealias C = CopyColumn
        return [
            CopyTable("organization", [C("id", .text), C("name", .text), C("sector", .text), C("size", .text),
                                       C("country", .text), C("created_at", .real), C("disabled_at", .real),
                                       C("tier", .text)]),
            CopyTable("user", [C("id", .text), C("organization_id", .text), C("email", .text), C("role", .text),
                               C("password_hash", .text), C("created_at", .real), C("disabled_at", .real)]),
            CopyTable("api_token", [C("id", .text), C("user_id", .text), C("secret_hash", .text), C("label", .text),
                                    C("created_at", .real), C("revoked_at", .real)]),
            CopyTable("api_token_use", [C("token_id", .text), C("used_at", .real)]),
            CopyTable("portal_session", [C("token_hash", .text), C("user_id", .text), C("csrf_token", .text),
                                         C("created_at", .real), C("last_seen_at", .real)]),
            CopyTable("feed", [C("key", .integer), C("id", .text), C("name", .text), C("title", .text),
                               C("description", .text), C("severity", .text), C("created_at", .real),
                               C("decay", .text)]),
            CopyTable("feed_grant", [C("feed_id", .text), C("organization_id", .text), C("can_read", .boolean),
                                     C("can_write", .boolean), C("read_since_us", .integer)]),
            CopyTable("trust_group", [C("id", .text), C("name", .text), C("created_at", .real)]),
            CopyTable("trust_group_member", [C("group_id", .text), C("organization_id", .text), C("since_us", .integer)]),
            CopyTable("feed_group_grant", [C("feed_id", .text), C("group_id", .text), C("can_read", .boolean),
                                           C("can_write", .boolean), C("read_since_us", .integer)]),
            CopyTable("organization_identifier", [C("organization_id", .text), C("kind", .text), C("value", .text)]),
            CopyTable("organization_client", [C("organization_id", .text), C("client_id", .text), C("since_us", .integer)]),
            CopyTable("submission", [C("id", .text), C("feed_id", .text), C("organization_id", .text), C("user_id", .text),
                                     C("request_timestamp", .text), C("outcome", .bytes), C("first_position", .integer),
                                     C("last_position", .integer)]),
            CopyTable("object_version", [C("position", .integer), C("feed_key", .integer), C("stix_id", .text),
                                         C("type", .text), C("spec_version", .text), C("version", .text),
                                         C("version_us", .integer), C("date_added_us", .integer), C("is_latest", .boolean),
                                         C("is_first", .boolean), C("submission_id", .text), C("provider_org_id", .text),
                                         C("release_id", .text), C("tlp", .text), C("json", .bytes)]),
            CopyTable("object_search", [C("position", .integer), C("title", .text), C("body", .text)]),
            CopyTable("object_audience", [C("feed_key", .integer), C("audience", .text), C("position", .integer)]),
            CopyTable("release", [C("id", .text), C("submission_id", .text), C("provider_org_id", .text), C("scope", .bytes),
                                  C("anonymized", .boolean), C("kind", .text), C("created_by", .text), C("created_at", .text),
                                  C("revoked_at", .text), C("revoked_by", .text)]),
            CopyTable("delivery", [C("organization_id", .text), C("submission_id", .text), C("release_id", .text),
                                   C("stix_id", .text), C("version", .text), C("delivered_at", .text), C("path", .text)]),
            CopyTable("proposal", [C("id", .text), C("submission_id", .text), C("provider_org_id", .text), C("body", .bytes),
                                   C("state", .text), C("proposed_at", .text)]),
            CopyTable("standing_consent", [C("organization_id", .text), C("rules", .bytes)]),
            CopyTable("submission_detail", [C("submission_id", .text), C("kind", .text), C("detail", .bytes)]),
            CopyTable("sample", [C("sha256", .text), C("submission_id", .text), C("file_object_id", .text), C("name", .text),
                                 C("size", .integer)]),
            CopyTable("observation_hour", [C("feed_key", .integer), C("hour_start_us", .integer), C("source", .text),
                                           C("stix_id", .text), C("submission_id", .text)]),
            CopyTable("observable_report", [C("observable", .text), C("organization_id", .text), C("submission_id", .text),
                                            C("independent", .boolean)]),
            CopyTable("observable_source", [C("observable_hash", .integer), C("submission_id", .text)]),
            CopyTable("observable_entry", [C("position", .integer), C("value_hash", .integer), C("kind", .text),
                                           C("value", .text), C("submission_id", .text), C("organization_id", .text),
                                           C("held_back", .boolean)]),
            CopyTable("observable_backfill", [C("id", .integer), C("after_position", .integer),
                                              C("through_position", .integer)]),
            CopyTable("corroborated_observable", [C("observable", .text), C("released_at", .text)]),
            CopyTable("held_value", [C("value", .text), C("organization_id", .text), C("submission_id", .text),
                                     C("is_range", .boolean)]),
            CopyTable("observable_probe", [C("organization_id", .text), C("submission_id", .text), C("observable", .text),
                                           C("holders", .integer), C("recorded_at", .text)]),
            CopyTable("sighting", [C("id", .text), C("observable", .text), C("organization_id", .text), C("user_id", .text),
                                   C("indicator_id", .text), C("kind", .text), C("count", .integer), C("first_seen", .text),
                                   C("last_seen", .text), C("named", .boolean), C("recorded_at", .text), C("via", .text),
                                   C("stix_id", .text)]),
            CopyTable("sighting_review", [C("observable", .text), C("state", .text), C("organizations", .integer),
                                          C("placed_at", .text), C("cleared_at", .text), C("cleared_by", .text)]),
            CopyTable("submission_traits", [C("sequence", .integer), C("submission_id", .text), C("organization_id", .text),
                                             C("traits", .bytes), C("recorded_at", .text)]),
            CopyTable("campaign", [C("id", .text), C("status", .text), C("record", .bytes), C("updated_at", .text)]),
            CopyTable("alert_subscription", [C("id", .text), C("user_id", .text), C("organization_id", .text),
                                             C("feed_id", .text), C("minimum_severity", .text), C("campaign", .text),
                                             C("sector", .text), C("watched", .text), C("email", .boolean),
                                             C("webhook_url", .text), C("webhook_secret", .text), C("digest", .text),
                                             C("created_at", .text)]),
            CopyTable("alert_delivery", [C("id", .text), C("key", .text), C("subscription_id", .text), C("user_id", .text),
                                         C("channel", .text), C("cadence", .text), C("feed_id", .text), C("stix_id", .text),
                                         C("version", .text), C("status", .text), C("attempts", .integer),
                                         C("next_attempt_us", .integer), C("last_error", .text), C("created_at", .text),
                                         C("sent_at", .text)]),
            CopyTable("alert_cursor", [C("name", .text), C("position", .integer)]),
            CopyTable("audit_entry", [C("sequence", .integer), C("recorded_at", .text), C("action", .text),
                                      C("actor_user_id", .text), C("actor_organization_id", .text), C("subject", .text),
                                      C("details", .bytes), C("previous_hash", .text), C("hash", .text)]),
        ]
    }()

    /// What differs between a back end's schema and this catalogue: `tables` maps each table of the
    /// back end (by its neutral name, those it does not copy left out) to its columns (those it
    /// derives from others left out). Empty when every table and column is covered.
    ///
    /// ```swift
    /// let problems = HubCopyTables.mismatches(["organization": ["id", "name", …], …])
    /// ```
    public static func mismatches(_ tables: [String: Set<String>]) -> [String] {
        var problems: [String] = []
        let named = Set(all.map(\.name))
        for name in tables.keys.sorted() where !named.contains(name) {
            problems.append("table \(name) is not copied")
        }
        for table in all {
            guard let columns = tables[table.name] else {
                problems.append("table \(table.name) is missing from the schema")
                continue
            }
            let expected = Set(table.columns.map(\.name))
            for column in columns.subtracting(expected).sorted() { problems.append("column \(table.name).\(column) is not copied") }
            for column in expected.subtracting(columns).sorted() { problems.append("column \(table.name).\(column) is missing from the schema") }
        }
        return problems
    }
}

/// A consistent view of one store's tables (one read transaction), read table by table.
public protocol HubCopyReading {
    /// Calls `body` with the rows of `table`, in batches of at most `batchSize`, each row in the
    /// table's column order (values as the back end holds them; `CopyTable.normalised` makes them neutral).
    func rows(of table: CopyTable, batchSize: Int, _ body: ([[CopyValue]]) async throws -> Void) async throws
    /// The value of each of `HubCopyTables.counters`.
    func counters() async throws -> [String: Int64]
}

/// Writes rows into a store that was empty, all or nothing (see each back end).
public protocol HubCopyWriting {
    /// Inserts neutral rows of `table` as they are (keys, positions and dates included).
    func insert(_ rows: [[CopyValue]], into table: CopyTable) async throws
    /// Sets each counter to at least the value given (and past every copied row).
    func advance(_ counters: [String: Int64]) async throws
}

/// Per-table figures that show two stores hold the same rows.
public struct HubCopySummary: Sendable, Equatable {
    public struct Table: Sendable, Equatable {
        public let name: String
        public let rows: Int
        /// SHA-256 over the sorted SHA-256s of the table's neutral rows (independent of row order), hex.
        public let hash: String
    }

    public var tables: [Table]
    public var counters: [String: Int64]

    /// Total rows over all tables.
    public var rows: Int { tables.reduce(0) { $0 + $1.rows } }
}

/// Copies every table of `HubCopyTables` and sums them up.
///
/// ```swift
/// let summary = try await source.copyReading { reading in
///     try await target.copyWriting { writing in try await HubCopy.copy(from: reading, to: writing) }
/// }
/// ```
public enum HubCopy {
    /// Rows per batch read from the source and written to the target.
    public static let batchSize = 2_000

    /// Copies every table from `reading` to `writing` in catalogue order, then the counters, and
    /// returns the source's summary (computed from the rows as they were copied).
    public static func copy(from reading: any HubCopyReading, to writing: any HubCopyWriting,
                            progress: (String, Int) -> Void = { _, _ in }) async throws -> HubCopySummary {
        var tables: [HubCopySummary.Table] = []
        for table in HubCopyTables.all {
            var digests = TableDigest()
            try await reading.rows(of: table, batchSize: batchSize) { batch in
                let rows = try batch.map(table.normalised)
                for row in rows { digests.add(row) }
                try await writing.insert(rows, into: table)
            }
            progress(table.name, digests.count)
            tables.append(digests.finish(table.name))
        }
        let counters = try await reading.counters()
        try await writing.advance(counters)
        return HubCopySummary(tables: tables, counters: counters)
    }

    /// Every table's row count and content hash, and the counters, as `reading` sees them.
    public static func summary(of reading: any HubCopyReading) async throws -> HubCopySummary {
        var tables: [HubCopySummary.Table] = []
        for table in HubCopyTables.all {
            var digests = TableDigest()
            try await reading.rows(of: table, batchSize: batchSize) { batch in
                for row in batch { digests.add(try table.normalised(row)) }
            }
            tables.append(digests.finish(table.name))
        }
        return HubCopySummary(tables: tables, counters: try await reading.counters())
    }

    /// The SHA-256 of one neutral row: each value tagged with its kind and, for text and bytes, its length.
    public static func digest(_ row: [CopyValue]) -> SHA256.Digest {
        // Written without intermediate arrays: every row of both sides goes through here (a copy of
        // 400,000 rows hashes each twice).
        var hasher = SHA256()
        for value in row {
            switch value {
            case .null: update(&hasher, tag: 0x6E, nil)
            case .integer(let integer): update(&hasher, tag: 0x69, UInt64(bitPattern: integer))
            case .real(let real): update(&hasher, tag: 0x72, real.bitPattern)
            case .text(var text):
                update(&hasher, tag: 0x74, UInt64(text.utf8.count))
                text.withUTF8 { hasher.update(bufferPointer: UnsafeRawBufferPointer($0)) }
            case .bytes(let bytes):
                update(&hasher, tag: 0x62, UInt64(bytes.count))
                bytes.withUnsafeBytes { hasher.update(bufferPointer: $0) }
            }
        }
        return hasher.finalize()
    }

    /// A kind tag, then (unless nil) a 64-bit number, big-endian.
    static func update(_ hasher: inout SHA256, tag: UInt8, _ number: UInt64?) {
        var header = (tag, number?.bigEndian ?? 0)
        withUnsafeBytes(of: &header.0) { hasher.update(bufferPointer: $0) }
        if number != nil { withUnsafeBytes(of: &header.1) { hasher.update(bufferPointer: $0) } }
    }
}

/// The row digests of one table, summed up independently of the order rows were read in.
struct TableDigest {
    private var digests: [[UInt8]] = []
    var count: Int { digests.count }

    mutating func add(_ row: [CopyValue]) { digests.append(Array(HubCopy.digest(row))) }

    func finish(_ name: String) -> HubCopySummary.Table {
        var hasher = SHA256()
        for digest in digests.sorted(by: { $0.lexicographicallyPrecedes($1) }) { hasher.update(data: digest) }
        let hex = hasher.finalize().map { String(format: "%02x", $0) }.joined()
        return HubCopySummary.Table(name: name, rows: digests.count, hash: hex)
    }
}
