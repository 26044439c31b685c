// Proposals and standing consent: a hub analyst's proposed release awaiting the provider's approval,
// and an organisation's standing rules that release matching objects on arrival.
import Foundation

/// A release proposed by hub staff; it takes effect only when the provider approves it.
public struct Proposal: Sendable, Equatable, Codable {
    public enum State: String, Sendable, Codable { case pending, approved, rejected }
    public var id: String
    public var submissionID: String
    public var providerOrganizationID: String
    public var scope: ReleaseScope
    public var anonymized: Bool
    /// The analyst's processed version of the objects (a STIX bundle), released instead of the
    /// originals when approved; nil releases the originals.
    public var processedBundle: Data?
    public var note: String?
    public var proposedBy: String
    public var proposedAt: String
    public var state: State
    public var decidedBy: String?
    public var decidedAt: String?
    public var releaseID: String?

    public init(id: String = UUID().uuidString.lowercased(), submissionID: String, providerOrganizationID: String,
                scope: ReleaseScope, anonymized: Bool, processedBundle: Data?, note: String?, proposedBy: String,
                proposedAt: String, state: State = .pending, decidedBy: String? = nil, decidedAt: String? = nil,
                releaseID: String? = nil) {
        self.id = id; self.submissionID = submissionID; self.providerOrganizationID = providerOrganizationID
        self.scope = scope; self.anonymized = anonymized; self.processedBundle = processedBundle; self.note = note
        self.proposedBy = proposedBy; self.proposedAt = proposedAt; self.state = state
        self.decidedBy = decidedBy; self.decidedAt = decidedAt; self.releaseID = releaseID
    }
}

/// One rule of an organisation's standing consent, e.g. "technical indicators at TLP:GREEN or less
/// go to my SIG at once, anonymised".
public struct StandingConsentRule: Sendable, Equatable, Codable {
    public enum Content: String, Sendable, Codable { case technical, all }
    /// The most restricted marking the rule releases (unmarked objects count as the hub default).
    public var maxTLP: TLPLevel
    public var content: Content
    public var scope: ReleaseScope
    public var anonymize: Bool

    public init(maxTLP: TLPLevel, content: Content, scope: ReleaseScope, anonymize: Bool) {
        self.maxTLP = maxTLP; self.content = content; self.scope = scope; self.anonymize = anonymize
    }

    enum CodingKeys: String, CodingKey {
        case content, scope, anonymize
        case maxTLP = "max_tlp"
    }
}
