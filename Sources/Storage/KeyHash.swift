// Storage key hashes: the 64-bit hash that stands in for a STIX id or an observable in indexes
// (SQLite's id_hash, observable_hash and value_hash columns; PostgreSQL's observable_source), one
// function for every back end so that rows copied between them keep their hashes.
//
// STIX ids and observables are random-looking text of 40 to 100 bytes. Indexed as text, each new
// object inserted a long key at a random place in a large B-tree, so one 500-object submission
// dirtied (and logged) a page per key. Indexed by this 8-byte hash instead, the same indexes are
// five to eight times smaller and a submission's keys fall on far fewer pages. Every read compares
// the text as well, so two values that share a hash are never confused.

/// FNV-1a over the UTF-8 bytes, as a signed 64-bit integer (the databases' integer).
public enum KeyHash {
    /// ```swift
    /// let hash = KeyHash.of("indicator--8e2e2d2b-17d4-4cbf-938f-98ee46b3cd3f")
    /// ```
    /// Stored in databases: never change it without a migration that recomputes every hash.
    public static func of(_ text: String) -> Int64 {
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
}
