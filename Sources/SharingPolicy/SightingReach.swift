// SharingPolicy for sightings: who may report a sighting, and which indicators a principal may read
// when it reports one or asks for the counts (by STIX id, or among the submissions that carried a
// value). Reads go through the engine's readers; they decide something and return no object to
// anyone, so they are not recorded as deliveries.
import Accounts
import Storage

extension PolicyEngine {
    /// Whether the principal may report sightings: a member's user who may write (not read-only), of
    /// an organisation that may write some feed (a contributing member, by its own grant or a trust
    /// group's; not a client that only receives, through its patrons or the corroborated feed), and
    /// not hub staff (sightings are members' reports).
    ///
    /// ```swift
    /// guard try await policy.maySight(principal) else { throw HubError.forbidden("…") }
    /// ```
    public func maySight(_ principal: Principal) async throws -> Bool {
        let role = principal.user.role
        guard role.mayWrite, !role.isHubStaff else { return false }
        let grants = try await rights(of: principal).grants
        return grants.grants.contains(where: \.canWrite) || grants.groupGrants.contains(where: \.canWrite)
    }

    /// The newest version of the indicator `id` that the principal may read (in any feed it may
    /// read), or nil: nil alike when there is no such indicator and when the principal may not read it.
    public func readableIndicator(id: String, for principal: Principal) async throws -> StoredObject? {
        for (feed, access) in try await visibleFeeds(for: principal) where access.canRead {
            guard let reader = try await reader(for: principal, feed: feed, purpose: .api, ledger: nil) else { continue }
            let page = try await reader.unrecordedPage(ObjectQuery(feedID: feed.id, ids: [id], types: ["indicator"], limit: 1))
            if let object = page.objects.first { return object }
        }
        return nil
    }

    /// The indicators of these submissions (their originals and the copies their releases made)
    /// that the principal may read.
    public func readableIndicators(inSubmissions ids: [String], for principal: Principal) async throws -> [StoredObject] {
        var found: [StoredObject] = []
        for id in ids {
            guard let submission = try await store.submission(id: id),
                  let reader = try await submissionReader(for: principal, submission: submission, purpose: .api,
                                                          ledger: nil) else { continue }
            var query = ObjectQuery(feedID: submission.feedID, types: ["indicator"], limit: 1000, submissionID: submission.id)
            query.includeReleasedCopies = true
            found += try await reader.unrecordedPage(query).objects
        }
        return found
    }
}
