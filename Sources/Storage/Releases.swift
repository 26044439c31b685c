// Releases: a provider's consent to share a submission with a scope, as stored; and the record of
// which organisation received which object when.
import Foundation

/// To whom a release goes. Absent fields mean empty/false.
public struct ReleaseScope: Sendable, Equatable, Codable {
    /// Trust group names.
    public var groups: [String]
    /// Organisation names.
    public var organizations: [String]
    public var allMembers: Bool
    public var isPublic: Bool
    /// Incident context (victim, damage, response) is released only when the provider says so explicitly.
    public var includeContext: Bool

    public init(groups: [String] = [], organizations: [String] = [], allMembers: Bool = false, isPublic: Bool = false,
                includeContext: Bool = false) {
        self.groups = groups; self.organizations = organizations; self.allMembers = allMembers; self.isPublic = isPublic
        self.includeContext = includeContext
    }

    public var isEmpty: Bool { groups.isEmpty && organizations.isEmpty && !allMembers && !isPublic }

    enum CodingKeys: String, CodingKey {
        case groups, organizations
        case allMembers = "all_members"
        case isPublic = "public"
        case includeContext = "include_context"
    }

    /// Absent fields mean empty/false.
    public init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        groups = try container.decodeIfPresent([String].self, forKey: .groups) ?? []
        organizations = try container.decodeIfPresent([String].self, forKey: .organizations) ?? []
        allMembers = try container.decodeIfPresent(Bool.self, forKey: .allMembers) ?? false
        isPublic = try container.decodeIfPresent(Bool.self, forKey: .isPublic) ?? false
        includeContext = try container.decodeIfPresent(Bool.self, forKey: .includeContext) ?? false
    }
}

/// How a release came about.
public enum ReleaseKind: String, Sendable, Codable {
    /// The provider released it.
    case consent
    /// The provider approved a hub analyst's proposal.
    case approvedProposal = "approved-proposal"
    /// The provider's standing consent matched it on arrival.
    case standingConsent = "standing-consent"
    /// The hub's own content, released to the feed's readers.
    case hubContent = "hub-content"
    /// k organisations reported the observable independently (seed 004, slide 29).
    case corroboration
}

/// One release of (part of) a submission.
public struct Release: Sendable, Equatable, Codable {
    public var id: String
    public var submissionID: String
    public var providerOrganizationID: String
    public var scope: ReleaseScope
    public var anonymized: Bool
    public var kind: ReleaseKind
    public var createdBy: String?
    public var createdAt: String
    public var revokedAt: String?
    public var revokedBy: String?

    public init(id: String = UUID().uuidString.lowercased(), submissionID: String, providerOrganizationID: String,
                scope: ReleaseScope, anonymized: Bool, kind: ReleaseKind, createdBy: String?, createdAt: String,
                revokedAt: String? = nil, revokedBy: String? = nil) {
        self.id = id; self.submissionID = submissionID; self.providerOrganizationID = providerOrganizationID
        self.scope = scope; self.anonymized = anonymized; self.kind = kind; self.createdBy = createdBy
        self.createdAt = createdAt; self.revokedAt = revokedAt; self.revokedBy = revokedBy
    }
}

/// One object delivered to one organisation (from the audit of reads).
public struct Delivery: Sendable, Equatable, Codable {
    public var organizationID: String
    public var submissionID: String
    public var releaseID: String?
    public var stixID: String
    public var version: String
    public var deliveredAt: String
    public var path: String

    public init(organizationID: String, submissionID: String, releaseID: String?, stixID: String, version: String,
                deliveredAt: String, path: String) {
        self.organizationID = organizationID; self.submissionID = submissionID; self.releaseID = releaseID
        self.stixID = stixID; self.version = version; self.deliveredAt = deliveredAt; self.path = path
    }
}
