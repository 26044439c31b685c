// SQLiteStorage key hashes: Storage's KeyHash as an SQL function, for migrations that fill the
// hash of stored rows.
import GRDB
import Storage

extension KeyHash {
    /// `kakehashi_key_hash(text)` in SQL.
    static let function = DatabaseFunction("kakehashi_key_hash", argumentCount: 1, pure: true) { values in
        guard let text = String.fromDatabaseValue(values[0]) else { return nil }
        return KeyHash.of(text)
    }
}
