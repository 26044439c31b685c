// Audit: the append-only, hash-chained record of every read that returned objects, every write,
// release, approval, revocation, export and sign-in. Each entry's hash covers the previous entry's
// hash, so an edited or deleted entry breaks the chain from that point on.
import Crypto
import Foundation

/// What happened.
public enum AuditAction: String, Sendable, Codable, CaseIterable {
    case read, write, release, propose, approve, reject, revoke, export, login
    case loginFailed = "login-failed"
    case standingConsent = "standing-consent"
    case download
}

/// One event to record; the store gives it its sequence number, time and hashes.
public struct AuditEvent: Sendable, Equatable, Codable {
    public var action: AuditAction
    public var actorUserID: String?
    public var actorOrganizationID: String?
    /// What the event is about: a feed, submission, release or object id.
    public var subject: String
    /// Further facts, e.g. the object ids a read returned.
    public var details: [String: String]

    public init(action: AuditAction, actorUserID: String?, actorOrganizationID: String?, subject: String,
                details: [String: String] = [:]) {
        self.action = action; self.actorUserID = actorUserID; self.actorOrganizationID = actorOrganizationID
        self.subject = subject; self.details = details
    }
}

/// A recorded event.
public struct AuditEntry: Sendable, Equatable, Codable {
    public var sequence: Int64
    /// RFC 3339 UTC time of recording.
    public var recordedAt: String
    public var event: AuditEvent
    public var previousHash: String
    public var hash: String

    public init(sequence: Int64, recordedAt: String, event: AuditEvent, previousHash: String, hash: String) {
        self.sequence = sequence; self.recordedAt = recordedAt; self.event = event
        self.previousHash = previousHash; self.hash = hash
    }
}

/// The chain's rules: how an entry is hashed, and how a sequence of entries is checked.
///
/// ```swift
/// let problems = AuditChain.verify(entries)   // [] when intact
/// ```
public enum AuditChain {
    /// The `previousHash` of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// SHA-256 (hex) over the previous hash and a canonical text of the entry's content.
    public static func hash(previous: String, sequence: Int64, recordedAt: String, event: AuditEvent) -> String {
        var text = "\(previous)\n\(sequence)\n\(recordedAt)\n\(event.action.rawValue)\n"
        text += "\(event.actorUserID ?? "")\n\(event.actorOrganizationID ?? "")\n\(event.subject)\n"
        for key in event.details.keys.sorted() {
            text += "\(key.count):\(key)=\(event.details[key]!.utf8.count):\(event.details[key]!)\n"
        }
        return SHA256.hash(data: Data(text.utf8)).map { String(format: "%02x", $0) }.joined()
    }

    /// A break in the chain.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let sequence: Int64
        public let description: String
    }

    /// Checks entries given in sequence order, continuing from `previous` (the hash before the first).
    public static func verify(_ entries: [AuditEntry], previous: String = genesis, previousSequence: Int64 = 0) -> [Problem] {
        var problems: [Problem] = []
        var expectedPrevious = previous
        var expectedSequence = previousSequence + 1
        for entry in entries {
            if entry.sequence != expectedSequence {
                problems.append(Problem(sequence: entry.sequence,
                                        description: "entries \(expectedSequence)…\(entry.sequence - 1) are missing"))
            }
            if entry.previousHash != expectedPrevious {
                problems.append(Problem(sequence: entry.sequence,
                                        description: "entry \(entry.sequence) does not follow the entry before it"))
            }
            let recomputed = hash(previous: entry.previousHash, sequence: entry.sequence,
                                  recordedAt: entry.recordedAt, event: entry.event)
            if recomputed != entry.hash {
                problems.append(Problem(sequence: entry.sequence, description: "entry \(entry.sequence) was altered"))
            }
            expectedPrevious = entry.hash
            expectedSequence = entry.sequence + 1
        }
        return problems
    }
}
