// Storage submission listing: one page of submissions as the portal's list shows them — newest
// first, each with its feed's and organisation's names, its kind, how many objects it stored and
// whether a release of it is live — read by one indexed statement per page (no per-row reads).
import Foundation

/// One submission as a list shows it.
public struct SubmissionListing: Sendable, Equatable {
    public var id: String
    public var feedID: String
    /// nil when the feed no longer exists.
    public var feedName: String?
    public var organizationID: String
    public var organizationName: String?
    /// STIX timestamp text (the paging key, with `id`).
    public var requestTimestamp: String
    /// nil for a plain STIX write (no submission detail).
    public var kind: SubmissionKind?
    /// Objects it stored (its successes).
    public var objects: Int
    /// A release of it is live (not revoked).
    public var released: Bool

    public init(id: String, feedID: String, feedName: String?, organizationID: String, organizationName: String?,
                requestTimestamp: String, kind: SubmissionKind?, objects: Int, released: Bool) {
        self.id = id; self.feedID = feedID; self.feedName = feedName; self.organizationID = organizationID
        self.organizationName = organizationName; self.requestTimestamp = requestTimestamp; self.kind = kind
        self.objects = objects; self.released = released
    }

    /// Where the next page starts: after this row.
    public var cursor: SubmissionCursor { SubmissionCursor(requestTimestamp: requestTimestamp, id: id) }
}

/// A position in the newest-first order: rows strictly older than (timestamp, id) follow it.
public struct SubmissionCursor: Sendable, Equatable {
    public var requestTimestamp: String
    public var id: String
    public init(requestTimestamp: String, id: String) { self.requestTimestamp = requestTimestamp; self.id = id }

    /// `timestamp~id` (what a page's link carries).
    public var text: String { requestTimestamp + "~" + id }

    /// From `text`; nil when it is not one.
    public init?(text: String) {
        guard let tilde = text.lastIndex(of: "~"), text.count <= 300 else { return nil }
        let timestamp = String(text[..<tilde]), id = String(text[text.index(after: tilde)...])
        guard !timestamp.isEmpty, !id.isEmpty else { return nil }
        self.init(requestTimestamp: timestamp, id: id)
    }
}

/// One page of submissions, newest first, by one statement.
///
/// ```swift
/// let page = try await store.submissionListing(organizationID: org.id, after: nil, limit: 100)
/// let next = try await store.submissionListing(organizationID: org.id, after: page.last?.cursor, limit: 100)
/// ```
public protocol SubmissionListingStore: Sendable {
    /// Up to `limit` submissions of one organisation (every one when nil), newest first
    /// (request timestamp, then id, descending), strictly after `after` in that order.
    func submissionListing(organizationID: String?, after: SubmissionCursor?, limit: Int) async throws -> [SubmissionListing]
}
