// WebPortal workflows: the domain desks the portal's submit, consent, analyst and dashboard pages
// call — the very instances the JSON API uses (HubApplication hands them over), so that a page and
// its API route take the same decisions.
import CampaignDesk
import Consent
import Correlation
import Foundation
import IndicatorExtraction
import Ingestion
import SharingMetrics
import Storage

/// The desks behind the portal's workflows.
///
/// ```swift
/// environment.workflows = PortalWorkflows(consent: api.desk, submissions: api.submissionDesk,
///                                         metrics: api.sharingMetrics, campaigns: campaigns,
///                                         correlations: api.correlations, warningLists: lists)
/// ```
public struct PortalWorkflows: Sendable {
    public let consent: ConsentDesk
    public let submissions: SubmissionDesk
    public let metrics: SharingMetrics
    public let campaigns: CampaignDesk?
    public let correlations: CorrelationDesk
    public let warningLists: WarningLists

    public init(consent: ConsentDesk, submissions: SubmissionDesk, metrics: SharingMetrics,
                campaigns: CampaignDesk?, correlations: CorrelationDesk, warningLists: WarningLists) {
        self.consent = consent; self.submissions = submissions; self.metrics = metrics
        self.campaigns = campaigns; self.correlations = correlations; self.warningLists = warningLists
    }
}

extension PortalPage {
    /// The workflows' desks; the 500 page when the hub was composed without them.
    func workflows() throws -> PortalWorkflows {
        guard let workflows = environment.workflows else { throw PortalError.unavailable }
        return workflows
    }

    /// The reader, when their role may change things (submit, release, approve): else the 403 page.
    func requireWriter() throws -> PortalReader {
        let reader = try requireReader()
        guard reader.principal.user.role.mayWrite else { throw PortalError.forbidden }
        return reader
    }

    /// The reader, when they are hub staff: else the 403 page (members never reach staff pages).
    func requireStaff(writing: Bool = false) throws -> PortalReader {
        let reader = try requireReader()
        guard reader.principal.user.role.isHubStaff, !writing || reader.principal.user.role.mayWrite else {
            throw PortalError.forbidden
        }
        return reader
    }

    /// The text of one of a set of choices: the catalogue key `prefix` + `value` (`kind_` + `email`).
    func text(choice prefix: String, _ value: String) -> String { text(prefix + value) }

    /// A text of the catalogues with `{name}` placeholders filled in.
    func text(_ key: String, _ values: [String: String]) -> String {
        values.reduce(text(key)) { $0.replacingOccurrences(of: "{\($1.key)}", with: $1.value) }
    }
}
