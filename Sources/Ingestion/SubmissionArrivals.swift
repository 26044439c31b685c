// Ingestion arrivals: the one hook told of every submission once it is durable, whichever way it
// came in (TAXII, the JSON API, `kakehashi submit`/`import`), for work that follows arrival
// (campaign clustering: CampaignDesk). Kept to one call so that intake stays about intake.
import Accounts
import Extraction
import Storage

/// Told of each stored submission, after it is durable; failures are its own to record (the
/// submission is stored whatever happens here).
///
/// ```swift
/// var intake = EnvelopeIntake(store: store, policy: policy)
/// intake.arrivals = campaignDesk          // CampaignDesk clusters each arrival
/// ```
public protocol SubmissionArrivals: Sendable {
    /// `extracted` is what extraction made of a member's hand-over (nil for STIX posted as it is).
    func stored(_ submission: Submission, extracted: ExtractedSubmission?, by principal: Principal) async
}
