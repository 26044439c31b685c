// Storage, freshness sweep: the one write the sweep makes — a new version of a hub-created copy that
// tells consumers it expired (`valid_until`) or was withdrawn (`revoked`), stored like every other
// version (the object log, its audiences, the search and observable indexes) and at most once per
// superseded version, however many hub processes sweep at the same time.
import Foundation

/// A new version of a stored hub-created copy, made by the freshness sweep.
public struct SweptVersion: Sendable {
    /// The feed of the copy.
    public var feedID: String
    /// The position of the version it supersedes (the latest of its series when the sweep read it).
    public var supersedes: Int64
    /// The new version: the same id, a later `modified`, bytes validated by the caller.
    public var object: IncomingObject

    public init(feedID: String, supersedes: Int64, object: IncomingObject) {
        self.feedID = feedID; self.supersedes = supersedes; self.object = object
    }
}

/// Appends the sweep's versions.
///
/// ```swift
/// if let position = try await store.appendSweptVersion(swept, audit: event) { … }   // nil: already swept
/// ```
public protocol FreshnessSweepStore: Sendable {
    /// Appends `version.object` as the next version of the series of the version at
    /// `version.supersedes` (same feed, id, submission, provider and release), readable by exactly the
    /// audiences that version has, with `audit`, in one durable transaction; returns its position.
    /// Returns nil and writes nothing when that version is no longer the latest of its series (another
    /// sweep, or anything else, versioned it first: appends are serialised, so two processes sweeping
    /// the same store add one version), when nobody can read it any more (its release was revoked), or
    /// when its id differs from the new version's.
    func appendSweptVersion(_ version: SweptVersion, audit: AuditEvent) async throws -> Int64?
}
