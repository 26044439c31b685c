// SharingPolicy object readers: the only way to read stored objects. The engine makes a reader for
// a principal, a feed and a purpose once it has decided the principal may read the feed, or a named
// scope for one of the hub's own tasks; a reader's pages are filtered by the principal's audiences,
// dated for that principal (what it may newly see comes after its last poll) and recorded in the
// audit trail and the delivery ledger when they are returned.
import Accounts
@_spi(ReadGate) import Storage

/// Why a principal reads: the path recorded with each read.
public enum ReadPurpose: String, Sendable, Equatable {
    /// TAXII objects and object reads.
    case taxii
    /// TAXII manifest reads (ids, versions and dates only; recorded all the same).
    case taxiiManifest = "taxii/manifest"
    /// TAXII versions reads.
    case taxiiVersions = "taxii/versions"
    /// The JSON API (observations, samples, submissions).
    case api
    /// An export of what the principal may read.
    case export
    /// An alert (e-mail or webhook) about new indicators, read as its recipient at send time.
    case alert
    /// Full-text search over names and descriptions (`ObjectSearch`).
    case search
    /// Checks before a delete (whether the object exists for the principal, who may write the feed
    /// without reading it): only `contains(objectID:)`; its pages are refused.
    case delete
}

/// One principal's (or one hub task's) reads of one feed, as the policy engine allowed them.
///
/// ```swift
/// guard let reader = try await policy.reader(for: principal, feed: feed, purpose: .taxii, ledger: ledger)
/// else { /* 404 or 403 */ }
/// let page = try await reader.page(ObjectQuery(feedID: feed.id, limit: 100))  // recorded
/// ```
public struct FeedReader: Sendable {
    /// Who reads; nil for the hub's own reads.
    public let principal: Principal?
    public let feedID: String
    public let purpose: ReadPurpose?
    let scope: ReadScope
    let store: any HubStore
    let ledger: DeliveryLedger?

    /// The hub task this reader serves, if it is one of the hub's own.
    public var hubPurpose: HubReadPurpose? { scope.hubPurpose }

    /// One page of what this reader may read, recorded as read by the principal when returned.
    /// `query.feedID` is always the reader's feed.
    public func page(_ query: ObjectQuery) async throws -> ObjectPage {
        let page = try await unrecordedPage(query)
        await record(page.objects)
        return page
    }

    /// One page of at most `query.limit` versions this reader may read that `admit` keeps (a small
    /// member's reduced feed): pages are read on until that many are kept or none are left (at most
    /// `rounds` reads), only the kept versions are recorded as read, and the page's `lastExamined` is
    /// the last version looked at, where the next page resumes even when it was left out.
    ///
    /// ```swift
    /// let page = try await reader.page(query) { objects in try await reduced.keep(objects, feed: feed) }
    /// ```
    public func page(_ query: ObjectQuery, rounds: Int = 20,
                     admitting admit: ([StoredObject]) async throws -> [StoredObject]) async throws -> ObjectPage {
        var query = query
        let limit = query.limit
        var kept: [StoredObject] = []
        var result = ObjectPage(objects: [], more: false, listingStart: query.listingStart)
        for _ in 0..<max(1, rounds) {
            query.limit = limit - kept.count
            let page = try await unrecordedPage(query)
            kept += try await admit(page.objects)
            result.more = page.more
            result.listingStart = page.listingStart
            if let last = page.objects.last { result.lastExamined = (last.position, last.dateAddedMicroseconds) }
            guard page.more, kept.count < limit, let last = page.objects.last else { break }
            query.afterPosition = last.position
            query.afterDateAdded = last.dateAddedMicroseconds
            query.listingStart = page.listingStart
        }
        result.objects = kept
        await record(kept)
        return result
    }

    /// Every page of `query`, recorded: for reads that must take the whole of a submission or feed.
    public func all(_ query: ObjectQuery) async throws -> [StoredObject] {
        var query = query
        var objects: [StoredObject] = []
        while true {
            let page = try await page(query)
            objects += page.objects
            guard page.more, let last = page.objects.last else { return objects }
            query.afterPosition = last.position
            query.afterDateAdded = last.dateAddedMicroseconds
            query.listingStart = page.listingStart
        }
    }

    /// A page that decides something without returning the objects to anyone (whether an object
    /// exists for the reader, which name a sample has for it): filtered alike, not recorded.
    public func unrecordedPage(_ query: ObjectQuery) async throws -> ObjectPage {
        // A delete check is made for a principal that may write the feed and perhaps not read it.
        guard purpose != .delete else { throw ReadRefused(feedID: feedID) }
        var query = query
        query.feedID = feedID
        return try await store.objects(query, for: scope)
    }

    /// Whether any version of `objectID` is visible to this reader (not recorded).
    public func contains(objectID: String) async throws -> Bool {
        let query = ObjectQuery(feedID: feedID, ids: [objectID], versions: .every, limit: 1)
        return !(try await store.objects(query, for: scope).objects.isEmpty)
    }

    /// Ids of the `observed-data` whose hour starts in [from, to) that this reader may read, the
    /// first `limit` in time order.
    public func observationObjectIDs(fromMicroseconds: Int64, toMicroseconds: Int64, source: String?,
                                     limit: Int) async throws -> [String] {
        try await store.observationObjectIDs(feedID: feedID, fromMicroseconds: fromMicroseconds,
                                             toMicroseconds: toMicroseconds, source: source, limit: limit, for: scope)
    }

    func record(_ objects: [StoredObject]) async {
        guard let principal, let ledger, let purpose else { return }
        await ledger.recordRead(of: objects, by: principal, path: purpose.rawValue, subject: feedID)
    }
}

/// A read through a reader made only to check before a delete (`ReadPurpose.delete`).
public struct ReadRefused: Error, Sendable, CustomStringConvertible {
    public let feedID: String
    public var description: String { "a delete check does not read the objects of feed \(feedID)" }
}

extension PolicyEngine {
    /// A reader of `feed` for `principal`, or nil when the principal may not read it. Its reads are
    /// filtered by the principal's audiences and recorded in `ledger` (nil: not recorded, for a
    /// read that the caller records itself, such as an export's one entry).
    public func reader(for principal: Principal, feed: Feed, purpose: ReadPurpose,
                       ledger: DeliveryLedger?) async throws -> FeedReader? {
        let access = try await access(of: principal, to: feed)
        guard access.canRead || (purpose == .delete && access.canWrite) else { return nil }
        return try await makeReader(for: principal, feedID: feed.id, purpose: purpose, ledger: ledger)
    }

    /// A reader of one submission's feed for `principal`: hub staff, the provider (its own
    /// originals, even without read access to the feed) and those who may read the feed; else nil.
    public func submissionReader(for principal: Principal, submission: Submission, purpose: ReadPurpose,
                                 ledger: DeliveryLedger?) async throws -> FeedReader? {
        if !principal.user.role.isHubStaff, submission.organizationID != principal.organization.id {
            guard let feed = try await store.feed(id: submission.feedID),
                  try await access(of: principal, to: feed).canRead else { return nil }
        }
        return try await makeReader(for: principal, feedID: submission.feedID, purpose: purpose, ledger: ledger)
    }

    /// One of the hub's own reads of a feed, named by its purpose; never recorded as a delivery.
    ///
    /// ```swift
    /// let originals = try await policy.hubReader(feedID: submission.feedID, purpose: .anonymisation)
    ///     .all(ObjectQuery(feedID: submission.feedID, versions: .every, submissionID: submission.id))
    /// ```
    public func hubReader(feedID: String, purpose: HubReadPurpose) -> FeedReader {
        FeedReader(principal: nil, feedID: feedID, purpose: nil, scope: .hub(purpose), store: store, ledger: nil)
    }

    func makeReader(for principal: Principal, feedID: String, purpose: ReadPurpose,
                    ledger: DeliveryLedger?) async throws -> FeedReader {
        FeedReader(principal: principal, feedID: feedID, purpose: purpose,
                   scope: try await readScope(for: principal, feedID: feedID), store: store, ledger: ledger)
    }

    /// The principal's audience keys with when each became its own, and when read access to the
    /// feed did: what it may newly see is dated from then (see `ReadScope`).
    func readScope(for principal: Principal, feedID: String) async throws -> ReadScope {
        if principal.user.role.isHubStaff { return ReadScope(audiences: [Audience.hubStaff: 0]) }
        let grants = try await rights(of: principal).grants
        var since: [String: Int64] = [:]
        for key in try await readAudiences(for: principal) { since[key] = 0 }
        for group in grants.groups { since[Audience.group(group.id)] = grants.groupSince[group.id] ?? 0 }
        for patron in grants.patronIDs { since[Audience.clients(of: patron)] = grants.patronSince[patron] ?? 0 }
        for group in grants.patronGroupIDs {
            since[Audience.clients(ofGroup: group)] = grants.patronGroupSince[group] ?? 0
        }
        if !grants.patronIDs.isEmpty {
            since[Audience.clientsOfMembers] = grants.patronIDs.map { grants.patronSince[$0] ?? 0 }.min() ?? 0
        }
        return ReadScope(audiences: since, feedSince: grants.feedReadSince[feedID] ?? 0)
    }
}
