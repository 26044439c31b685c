// Accounts password change: a signed-in user replaces their own password, proving the current one
// through the same throttle as sign-in; the new hash is stored with its audit entry, and the
// credentials cache forgets the user so that the old password stops at once.
import Foundation
import Storage

/// Why a password change was refused (nothing was changed).
public enum PasswordChangeRefusal: Error, Sendable, Equatable {
    /// The current password given is not the user's.
    case wrongCurrentPassword
    /// The new password is too short (fewer than `PasswordRules.minimumLength` characters) or holds NUL.
    case unacceptable
    /// The user has no password (a token-only account) or no longer exists.
    case noPassword
}

public enum PasswordRules {
    /// The fewest characters a new password may have.
    public static let minimumLength = 10
}

extension Authenticator {
    /// Changes `principal`'s password to `new` after checking `current` (throttled per account and
    /// `address` like a sign-in: throws `SignInRefused` when refused).
    ///
    /// ```swift
    /// try await authenticator.changePassword(of: principal, current: "old…", new: "new…", address: "192.0.2.7")
    /// ```
    public func changePassword(of principal: Principal, current: String, new: String, address: String?) async throws {
        guard new.count >= PasswordRules.minimumLength, Credentials.isAcceptablePassword(new) else {
            throw PasswordChangeRefusal.unacceptable
        }
        guard let user = try await store.user(id: principal.user.id), user.passwordHash != nil else {
            throw PasswordChangeRefusal.noPassword
        }
        guard !Credentials.looksLikeTokenSecret(current),
              let checked = try await self.principal(basicUser: user.email, password: current, address: address),
              checked.user.id == user.id else { throw PasswordChangeRefusal.wrongCurrentPassword }
        let cost = bcryptCost
        let hash = try await bcrypt.run { Credentials.hashPassword(new, cost: cost) }
        let audit = AuditEvent(action: .account, actorUserID: user.id, actorOrganizationID: user.organizationID,
                               subject: user.id, details: ["change": "password-changed"])
        guard try await store.setPasswordHash(userID: user.id, hash: hash, audit: audit) else {
            throw PasswordChangeRefusal.noPassword
        }
        forgetVerifiedCredentials(userID: user.id)
    }

    /// Drops the cached proofs of `userID`'s credentials (after a password change).
    func forgetVerifiedCredentials(userID: String) {
        verified.withLock { verified in verified = verified.filter { $0.value.userID != userID } }
    }
}
