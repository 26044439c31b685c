// Accounts credentials: password hashing (bcrypt) and API token secrets (random, kept only as SHA-256).
import Crypto
import Foundation
import HummingbirdBcrypt
import Storage

/// How the hub makes and checks secrets. Nothing here logs or returns a secret except `newTokenSecret`.
public enum Credentials {
    /// The bcrypt cost for new passwords (2^cost rounds).
    public static let defaultBcryptCost: UInt8 = 12

    /// A bcrypt hash of `password`.
    ///
    /// ```swift
    /// let hash = Credentials.hashPassword("correct horse")
    /// Credentials.verifyPassword("correct horse", hash: hash) // true
    /// ```
    public static func hashPassword(_ password: String, cost: UInt8 = defaultBcryptCost) -> String {
        Bcrypt.hash(password, cost: cost)
    }

    public static func verifyPassword(_ password: String, hash: String) -> Bool {
        Bcrypt.verify(password, hash: hash)
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
