// AuditTrail: the append-only, hash-chained record of every read that returned objects, every write,
// release, approval, revocation, export and sign-in — its events, the chain's rules, the seal and the
// head recorded outside the database. Each entry's hash covers the previous entry's hash, so an
// edited or deleted entry breaks the chain from that point on. Stores append entries in the same
// transaction as the change they record (`AuditStore`); who received what is recorded by the
// `DeliveryLedger` (SharingPolicy), which decides deliveries.
import Crypto
import Foundation

/// What happened.
public enum AuditAction: String, Sendable, Codable, CaseIterable {
    case read, write, release, propose, approve, reject, revoke, export, login
    case loginFailed = "login-failed"
    case standingConsent = "standing-consent"
    case download
    /// Account administration: a token revoked, a user disabled, re-enabled or removed, an
    /// organisation disabled or re-enabled (`details["change"]` says which).
    case account
    /// A member reported values that match other organisations' held data (k-corroboration probing).
    case corroborationProbe = "corroboration-probe"
    /// A member reported a sighting (seen, false positive, expired) of an indicator.
    case sighting
    /// A value was put on review by false-positive reports, or an analyst cleared it
    /// (`details["change"]` says which).
    case review
    /// An analyst confirmed, renamed, merged, split, rejected, re-clustered or released a campaign
    /// (`details["change"]` says which).
    case campaign
    /// A member subscribed to alerts or unsubscribed, or an administrator retried a dead letter
    /// (`details["change"]` says which); the alerts sent are recorded as reads.
    case alert
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

/// The secret that seals the audit chain: every entry's hash is an HMAC-SHA256 under this key, and
/// the recorded head carries a MAC too. The key lives outside the database (a 0600 file in the data
/// directory, or wherever the operator puts it), so someone who can write the database but not read
/// the key cannot rewrite entries or forge a new head.
///
/// ```swift
/// let seal = try AuditSeal.loadOrCreate(at: dataDirectory.appendingPathComponent("audit.key"))
/// let hash = AuditChain.hash(previous: AuditChain.genesis, sequence: 1, recordedAt: now, event: event, seal: seal)
/// ```
public struct AuditSeal: Sendable {
    let key: [UInt8]

    public init(key: [UInt8]) { self.key = key }

    /// HMAC-SHA256 of `text`, lowercase hex.
    public func mac(_ text: String) -> String {
        HexText.of(HMAC<SHA256>.authenticationCode(for: Data(text.utf8), using: SymmetricKey(data: key)))
    }

    /// Reads the 32-byte key at `url`, creating it (random, mode 0600) when absent. A key that
    /// others can read is refused: whoever reads it can rewrite the chain.
    public static func loadOrCreate(at url: URL) throws -> AuditSeal {
        let manager = FileManager.default
        if !manager.fileExists(atPath: url.path) {
            var bytes = [UInt8](repeating: 0, count: 32)
            var generator = SystemRandomNumberGenerator()
            for i in bytes.indices { bytes[i] = generator.next() }
            try manager.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
            guard manager.createFile(atPath: url.path, contents: Data(bytes), attributes: [.posixPermissions: 0o600]) else {
                throw AuditAnchorError("cannot create the audit key \(url.path)")
            }
            return AuditSeal(key: bytes)
        }
        let attributes = try manager.attributesOfItem(atPath: url.path)
        if let mode = (attributes[.posixPermissions] as? NSNumber)?.intValue, mode & 0o077 != 0 {
            throw AuditAnchorError("the audit key \(url.path) is readable by others (mode \(String(mode, radix: 8))); run chmod 600 on it")
        }
        let data = try Data(contentsOf: url)
        guard data.count == 32 else { throw AuditAnchorError("the audit key \(url.path) is not 32 bytes") }
        return AuditSeal(key: [UInt8](data))
    }
}

/// A problem with the audit key or the recorded head.
public struct AuditAnchorError: Error, CustomStringConvertible, Sendable {
    public let description: String
    public init(_ description: String) { self.description = description }
}

/// The newest entry as last recorded outside the database (sequence and hash, sealed with the
/// audit key). Deleting the newest entries, or rewriting them, no longer verifies: the database
/// must still hold an entry at `sequence` with exactly this hash.
///
/// ```swift
/// let head = AuditHead(sequence: 42, hash: entries.last!.hash, seal: seal)
/// try head.write(to: dataDirectory.appendingPathComponent("audit.head"))
/// ```
public struct AuditHead: Sendable, Equatable, Codable {
    public var sequence: Int64
    public var hash: String
    public var mac: String

    public init(sequence: Int64, hash: String, seal: AuditSeal) {
        self.sequence = sequence; self.hash = hash
        self.mac = seal.mac("head\n\(sequence)\n\(hash)")
    }

    /// True when the head was sealed with this key and not edited since.
    public func isSealed(by seal: AuditSeal) -> Bool { mac == seal.mac("head\n\(sequence)\n\(hash)") }

    /// Replaces the file atomically: writes and syncs a temporary file (mode 0600), then renames it.
    public func write(to url: URL) throws {
        let bytes = Array("\(sequence) \(hash) \(mac)\n".utf8)
        let temporary = url.appendingPathExtension("tmp").path
        let descriptor = open(temporary, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
        guard descriptor >= 0 else { throw AuditAnchorError("cannot write \(temporary)") }
        let written = bytes.withUnsafeBytes { Foundation.write(descriptor, $0.baseAddress, $0.count) }
        let synced = fsync(descriptor) == 0
        close(descriptor)
        guard written == bytes.count, synced else { throw AuditAnchorError("cannot write \(temporary)") }
        if rename(temporary, url.path) != 0 { throw AuditAnchorError("cannot replace \(url.path)") }
    }

    /// The head recorded at `url`, nil when none was recorded yet.
    public static func read(from url: URL) throws -> AuditHead? {
        guard let data = FileManager.default.contents(atPath: url.path) else { return nil }
        let parts = String(decoding: data, as: UTF8.self).split(whereSeparator: \.isWhitespace)
        guard parts.count == 3, let sequence = Int64(parts[0]) else {
            throw AuditAnchorError("the audit head \(url.path) is unreadable")
        }
        var head = AuditHead(sequence: sequence, hash: String(parts[1]), mac: String(parts[2]))
        head.mac = String(parts[2])
        return head
    }

    init(sequence: Int64, hash: String, mac: String) { self.sequence = sequence; self.hash = hash; self.mac = mac }
}

/// The chain's rules: how an entry is hashed, and how a sequence of entries is checked.
///
/// ```swift
/// let problems = AuditChain.verify(entries, seal: seal, head: recordedHead)   // [] when intact
/// ```
public enum AuditChain {
    /// The `previousHash` of the first entry.
    public static let genesis = String(repeating: "0", count: 64)

    /// HMAC-SHA256 (hex, under the audit key) over the previous hash and a canonical text of the
    /// entry's content.
    public static func hash(previous: String, sequence: Int64, recordedAt: String, event: AuditEvent,
                            seal: AuditSeal) -> String {
        var text = "\(previous)\n\(sequence)\n\(recordedAt)\n\(event.action.rawValue)\n"
        text += "\(event.actorUserID ?? "")\n\(event.actorOrganizationID ?? "")\n\(event.subject)\n"
        for key in event.details.keys.sorted() {
            text += "\(key.count):\(key)=\(event.details[key]!.utf8.count):\(event.details[key]!)\n"
        }
        return seal.mac(text)
    }

    /// A break in the chain.
    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public let sequence: Int64
        public let description: String
    }

    /// Checks entries given in sequence order, continuing from `previous` (the hash before the first).
    /// With `head` (the head recorded outside the database), also checks that the entry it names is
    /// still there, unchanged: the newest entries cannot be deleted or rewritten unnoticed. Pass the
    /// head only with the last batch of entries.
    public static func verify(_ entries: [AuditEntry], seal: AuditSeal, previous: String = genesis,
                              previousSequence: Int64 = 0, head: AuditHead? = nil) -> [Problem] {
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
                                  recordedAt: entry.recordedAt, event: entry.event, seal: seal)
            if recomputed != entry.hash {
                problems.append(Problem(sequence: entry.sequence, description: "entry \(entry.sequence) was altered"))
            }
            expectedPrevious = entry.hash
            expectedSequence = entry.sequence + 1
        }
        if let head {
            let last = entries.last?.sequence ?? previousSequence
            let hashAtHead = entries.first(where: { $0.sequence == head.sequence })?.hash
            if let problem = check(head: head, lastSequence: last, hashAtHeadSequence: hashAtHead, seal: seal) {
                problems.append(problem)
            }
        }
        return problems
    }

    /// Checks the recorded head against the chain read from the database: its seal, that the
    /// database still reaches its sequence, and that the entry there has the recorded hash.
    public static func check(head: AuditHead, lastSequence: Int64, hashAtHeadSequence: String?,
                             seal: AuditSeal) -> Problem? {
        if !head.isSealed(by: seal) {
            return Problem(sequence: head.sequence,
                           description: "the recorded head was edited or not sealed with this hub's audit key")
        }
        if head.sequence > lastSequence {
            return Problem(sequence: lastSequence + 1, description:
                "entries \(lastSequence + 1)…\(head.sequence) were deleted (the recorded head is entry \(head.sequence))")
        }
        if let hashAtHeadSequence, hashAtHeadSequence != head.hash {
            return Problem(sequence: head.sequence,
                           description: "entry \(head.sequence) differs from the recorded head: the chain was rewritten")
        }
        return nil
    }
}

/// What `verifyAuditTrail()` found.
public struct AuditVerification: Sendable {
    public var entryCount: Int
    /// The hash of the newest entry in the database.
    public var headHash: String
    /// The head recorded outside the database (nil before the first entry).
    public var recordedHead: AuditHead?
    public var problems: [AuditChain.Problem]
    public var isIntact: Bool { problems.isEmpty }

    public init(entryCount: Int, headHash: String, recordedHead: AuditHead?, problems: [AuditChain.Problem]) {
        self.entryCount = entryCount; self.headHash = headHash; self.recordedHead = recordedHead; self.problems = problems
    }
}

/// Lowercase hexadecimal text of bytes (without Foundation's `String(format:)`, which is slow).
///
/// ```swift
/// HexText.of([0xde, 0xad])   // "dead"
/// ```
public enum HexText {
    static let digits = Array("0123456789abcdef".utf8)

    public static func of<Bytes: Sequence>(_ bytes: Bytes) -> String where Bytes.Element == UInt8 {
        var out: [UInt8] = []
        out.reserveCapacity(64)
        for byte in bytes {
            out.append(digits[Int(byte >> 4)])
            out.append(digits[Int(byte & 0x0F)])
        }
        return String(decoding: out, as: UTF8.self)
    }
}
