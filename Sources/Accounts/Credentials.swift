// Accounts credentials: password hashing (bcrypt) and API token secrets (random, kept only as SHA-256).
import Crypto
import Foundation
import HummingbirdBcrypt
import Storage

/// How the hub makes and checks secrets. Nothing here logs or returns a secret except `newTokenSecret`.
public enum Credentials {
    /// The bcrypt cost for new passwords (2^cost rounds).
    public static let defaultBcryptCost: UInt8 = 12

    /// Bcrypt reads at most this many bytes of a key; the rest would be ignored.
    public static let bcryptKeyBytes = 72

    /// Marks a hash of a long password: bcrypt of the base64 of its SHA-256 (see `hashPassword`).
    static let prehashedMarker = "$sha256$"

    /// A bcrypt hash of `password`.
    ///
    /// Bcrypt ignores everything after its 72nd byte, so a longer password is first reduced to the
    /// base64 of its SHA-256 (44 bytes, no NUL) and the hash says so with `$sha256$` before the
    /// bcrypt hash: every byte counts, and hashes made before (plain bcrypt) still verify.
    ///
    /// ```swift
    /// let hash = Credentials.hashPassword("correct horse")
    /// Credentials.verifyPassword("correct horse", hash: hash) // true
    /// ```
    public static func hashPassword(_ password: String, cost: UInt8 = defaultBcryptCost) -> String {
        if password.utf8.count > bcryptKeyBytes {
            return prehashedMarker + Bcrypt.hash(prehashed(password), cost: cost)
        }
        return Bcrypt.hash(password, cost: cost)
    }

    /// Whether `password` is the one `hash` was made from. A password containing NUL never is:
    /// bcrypt's C key would end at the NUL, so `secret\0junk` would pass as `secret`.
    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        guard isAcceptablePassword(password) else { return false }
        if hash.hasPrefix(prehashedMarker) {
            return Bcrypt.verify(prehashed(password), hash: String(hash.dropFirst(prehashedMarker.count)))
        }
        return Bcrypt.verify(password, hash: hash)
    }

    /// Whether a password can be set or checked at all: one with NUL cannot.
    public static func isAcceptablePassword(_ password: String) -> Bool {
        !password.utf8.contains(0)
    }

    /// The bcrypt cost a hash was made with (the two digits after `$2b$`), or nil for no bcrypt hash.
    public static func bcryptCost(of hash: String) -> UInt8? {
        let bcrypt = hash.hasPrefix(prehashedMarker) ? hash.dropFirst(prehashedMarker.count) : Substring(hash)
        let parts = bcrypt.split(separator: "$", omittingEmptySubsequences: false)
        guard parts.count >= 4, parts[0].isEmpty, parts[1].hasPrefix("2") else { return nil }
        return UInt8(parts[2])
    }

    static func prehashed(_ password: String) -> String {
        Data(SHA256.hash(data: Data(password.utf8))).base64EncodedString()
    }

    /// A new API token secret: `kh_` and 32 random bytes in base64url. Shown to its owner once.
    public static func newTokenSecret() -> String {
        var generator = SystemRandomNumberGenerator()
        let bytes = (0..<32).map { _ in UInt8.random(in: 0...255, using: &generator) }
        return "kh_" + Data(bytes).base64EncodedString()
            .replacingOccurrences(of: "+", with: "-")
            .replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    /// The stored form of a token secret: lowercase hex SHA-256.
    public static func hashTokenSecret(_ secret: String) -> String {
        HexText.of(SHA256.hash(data: Data(secret.utf8)))
    }

    /// Whether a string has the shape of a token secret (so a password is not looked up as one).
    public static func looksLikeTokenSecret(_ text: String) -> Bool {
        text.hasPrefix("kh_") && text.count == 46
    }
}
