// SQLiteStorage key hashes: the 64-bit hash that stands in for a STIX id or an observable in the
// SQLite indexes.
//
// STIX ids and observables are random-looking text of 40 to 100 bytes. Indexed as text, each new
// object inserted a long key at a random place in a large B-tree, so one 500-object submission
// dirtied (and logged) a page per key. Indexed by this 8-byte hash instead, the same indexes are
// five to eight times smaller and a submission's keys fall on far fewer pages. Every read compares
// the text as well, so two values that share a hash are never confused.
import GRDB

enum KeyHash {
    /// FNV-1a over the UTF-8 bytes, as a signed 64-bit integer (SQLite's integer).
    ///
    /// ```swift
    /// let hash = KeyHash.of("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
    /// ```
    /// Stored in the database: never change it without a migration that recomputes every hash.
    static func of(_ text: String) -> Int64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        var text = text
        text.withUTF8 { bytes in
            for byte in bytes {
                hash ^= UInt64(byte)
                hash &*= 0x0000_0100_0000_01b3
            }
        }
        return Int64(bitPattern: hash)
    }

    /// `kakehashi_key_hash(text)` in SQL, for migrations that fill the hash of stored rows.
    static let function = DatabaseFunction("kakehashi_key_hash", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return KeyHash.of(text)
    }
}
