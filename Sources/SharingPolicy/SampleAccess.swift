// SharingPolicy sample access: who may fetch a sample (検体) from the vault — whoever may read a
// `file` object describing it (the provider, hub staff, recipients of a release that carried it) —
// and under which name. One rule for the JSON API's download and the portal's specimen page.
import Accounts
import STIX
import Storage

/// A sample as one principal may see it: the submission that brought it and the name it has for them.
public struct ReadableSample: Sendable, Equatable {
    public let reference: SampleReference
    /// The stored original name for whoever reads the original (the provider, hub staff), the
    /// released copy's `name` for a recipient (scrubbed when the release was anonymised); nil: none.
    public let name: String?
}

extension PolicyEngine {
    /// The sample with this SHA-256 if `principal` may read a `file` object of it (asked through the
    /// reader the engine makes, like every read); nil otherwise, exactly as for an unknown sample.
    /// The look-up is not recorded: the caller audits the download itself.
    ///
    /// ```swift
    /// guard let sample = try await policy.readableSample(sha256: hash, for: principal) else { /* 404 */ }
    /// ```
    public func readableSample(sha256: String, for principal: Principal) async throws -> ReadableSample? {
        for reference in try await store.sampleReferences(sha256: sha256) {
            guard let submission = try await store.submission(id: reference.submissionID),
                  let reader = try await submissionReader(for: principal, submission: submission, purpose: .api,
                                                          ledger: nil) else { continue }
            var query = ObjectQuery(feedID: submission.feedID, versions: .every, limit: 1000, submissionID: submission.id)
            query.types = ["file"]
            query.includeReleasedCopies = true
            // Only the file's name is taken from these objects.
            let page = try await reader.unrecordedPage(query)
            let describing = page.objects.filter { String(decoding: $0.bytes, as: UTF8.self).contains(sha256) }
            if describing.contains(where: { $0.releaseID == nil }) { return ReadableSample(reference: reference, name: reference.name) }
            if let copy = describing.last {
                let name = (try? JSONParser.parse(Array(copy.bytes)))?["name"]?.stringValue
                return ReadableSample(reference: reference, name: name)
            }
        }
        return nil
    }
}
