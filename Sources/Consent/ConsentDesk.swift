// Consent: the provider's side of sharing. A submission stays held (its provider and hub staff only)
// until its provider releases it with a scope, attributed or anonymised; releases can be revoked;
// the provider can always ask who received what it gave.
import Accounts
import Anonymization
import Foundation
import SharingPolicy
import STIX
import Storage

/// Why a consent operation was refused; nothing was changed.
public struct ConsentError: Error, Sendable, Equatable, CustomStringConvertible {
    public enum Kind: Sendable, Equatable { case notFound, forbidden, invalid, leak }
    public let kind: Kind
    public let description: String
    public init(_ kind: Kind, _ description: String) { self.kind = kind; self.description = description }
}

extension ConsentError: HubErrorConvertible {
    /// A refused release is a 422 when it cannot be done, a 409 when the final leak check blocks it.
    public var hubError: HubError {
        switch kind {
        case .notFound: return .notFound(description)
        case .forbidden: return .forbidden(description)
        case .invalid: return .unprocessable(description)
        case .leak: return .conflict(description)
        }
    }
}

/// The organisations that received objects of one submission, with which objects and when.
public struct Recipient: Sendable, Equatable, Codable {
    public var organization: String
    public var organizationID: String
    public var objects: [ReceivedObject]
    /// When the recipient is a recorded client of organisations (TLP:AMBER reaches clients through
    /// their patrons): those organisations' names.
    public var clientOf: [String]?

    enum CodingKeys: String, CodingKey {
        case organization, objects
        case organizationID = "organization_id"
        case clientOf = "client_of"
    }
}

public struct ReceivedObject: Sendable, Equatable, Codable {
    public var id: String
    public var version: String
    public var receivedAt: String
    public var path: String
    public var releaseID: String?

    enum CodingKeys: String, CodingKey {
        case id, version, path
        case receivedAt = "received_at"
        case releaseID = "release_id"
    }
}

/// What an anonymised release would share.
public struct ReleasePreview: Sendable {
    /// The objects exactly as they would be stored and served.
    public var objects: [JSONValue]
    /// Objects that would stay held, each with why.
    public var withheld: [String]
    /// Set when the final leak check would block the release.
    public var blocked: String?

    /// `{"type":"bundle",...}` of the objects.
    public var bundle: JSONValue {
        .bundle(of: objects)
    }
}

/// Releases, revocations and the recipients report.
///
/// ```swift
/// let desk = ConsentDesk(store: store, policy: PolicyEngine(store: store), anonymization: settings)
/// let release = try await desk.release(submissionID: id, scope: ReleaseScope(groups: ["電力SIG"]),
///                                      anonymize: true, by: provider)
/// let recipients = try await desk.recipients(submissionID: id, by: provider)
/// ```
public struct ConsentDesk: Sendable {
    public let store: any HubStore
    public let policy: PolicyEngine
    public let anonymization: AnonymizationSettings

    public init(store: any HubStore, policy: PolicyEngine, anonymization: AnonymizationSettings) {
        self.store = store; self.policy = policy; self.anonymization = anonymization
    }

    /// The provider releases its submission to `scope`. Objects whose TLP marking does not allow the
    /// scope stay held (TLP:RED goes only to organisations named individually). An anonymised release
    /// is checked for every known identifier of the provider before anything is stored; a hit refuses
    /// the whole release and names what was found.
    public func release(submissionID: String, scope: ReleaseScope, anonymize: Bool, by principal: Principal,
                        kind: ReleaseKind = .consent) async throws -> Release {
        let submission = try await ownSubmission(submissionID, principal: principal, action: "release")
        guard principal.user.role.mayWrite else {
            throw ConsentError(.forbidden, "read-only users cannot release submissions")
        }
        return try await performRelease(submission, scope: scope, anonymize: anonymize, kind: kind,
                                        objects: try await originals(of: submission), actor: principal)
    }

    /// Releases `objects` of the submission to `scope` (the checks on who may do it are the caller's).
    func performRelease(_ submission: Submission, scope: ReleaseScope, anonymize: Bool, kind: ReleaseKind,
                        objects: [StoredObject], actor: Principal) async throws -> Release {
        guard !scope.isEmpty else {
            throw ConsentError(.invalid, "the release names no recipients: give groups, organizations, all_members or public")
        }
        let resolved = try await resolve(scope)
        let (copies, withheld) = try await releasedCopies(of: submission, objects: objects, to: resolved,
                                                          anonymize: anonymize, includeContext: scope.includeContext)
        let release = Release(submissionID: submission.id, providerOrganizationID: submission.organizationID,
                              scope: scope, anonymized: anonymize, kind: kind, createdBy: actor.user.id,
                              createdAt: STIXTimestamp.now().text)
        var details = ["release": release.id, "released": String(copies.count), "withheld": String(withheld.count),
                       "anonymized": String(anonymize), "scope": Self.describe(scope), "kind": kind.rawValue]
        if !withheld.isEmpty { details["withheld_objects"] = withheld.prefix(50).joined(separator: "; ") }
        try await store.recordRelease(release, feedID: submission.feedID, copies: copies, audit: AuditEvent(
            action: .release, actorUserID: actor.user.id, actorOrganizationID: actor.organization.id,
            subject: submission.id, details: details))
        return release
    }

    /// The copies a release to `resolved` would store, and what it would withhold (with why).
    /// Incident context (objects marked `x_kakehashi_context`) leaves only with `includeContext`.
    func releasedCopies(of submission: Submission, objects: [StoredObject], to resolved: ResolvedScope,
                        anonymize: Bool, includeContext: Bool) async throws -> (copies: [IncomingObject], withheld: [String]) {
        var session: AnonymizationSession? = nil
        if anonymize {
            var profile = try await victimProfile(of: submission.organizationID, objects: objects)
            // Learn from the whole submission first: e-mail recipients, and which observables are
            // withheld or re-identified, so no other object keeps pointing at them.
            profile.addIdentifiers(foundIn: objects.compactMap { try? JSONParser.parse(Array($0.bytes)) })
            let detail = try await store.submissionDetail(id: submission.id)
            profile.add(victimIdentifiers: detail?.victimIdentifiers ?? [], kinds: detail?.victimIdentifierKinds ?? [:])
            session = AnonymizationSession(profile: profile, settings: anonymization)
        }

        var copies: [IncomingObject] = []
        var withheld: [String] = []
        for original in objects {
            let audiences = policy.releaseAudiences(resolved, tlp: original.tlp)
            guard !audiences.isEmpty else {
                withheld.append("\(original.stixID): its \(original.tlp?.rawValue ?? policy.defaultTLP.rawValue) marking does not allow this scope")
                continue
            }
            var copy = IncomingObject(stixID: original.stixID, type: original.type, specVersion: original.specVersion,
                                      version: Self.versionText(original),
                                      versionMicroseconds: Self.versionMicroseconds(original),
                                      bytes: Array(original.bytes), tlp: original.tlp, audiences: audiences)
            copy.originalID = original.stixID
            let parsed = try JSONParser.parse(Array(original.bytes))
            if !includeContext, parsed.objectValue?["x_kakehashi_context"]?.boolValue == true {
                withheld.append("\(original.stixID): incident context leaves only when the release includes it (include_context)")
                continue
            }
            // Granular markings: properties marked TLP:RED stay only with organisations named
            // individually, properties marked AMBER+STRICT (or RED) never reach recipients' clients,
            // properties above TLP:CLEAR never reach public output. One copy serves all of an
            // object's audiences, so it takes the strictest form any of them requires.
            if let properties = parsed.objectValue, properties.contains("granular_markings") {
                let (red, notClients, notPublic) = GranularMarkings.restrictedSelectors(in: properties)
                var remove: [String] = []
                if audiences.contains(where: { !$0.hasPrefix("org:") }) { remove += red }
                // The clients' keys are what TLP:AMBER adds to the audiences of AMBER+STRICT.
                let strict = Set(policy.releaseAudiences(resolved, tlp: .amberStrict))
                if audiences.contains(where: { !strict.contains($0) }) { remove += notClients }
                if audiences.contains(Audience.publicOutput) { remove += notPublic }
                if !remove.isEmpty { copy.bytes = GranularMarkings.removing(remove, from: parsed).serialized() }
            }
            if let session {
                let value = try JSONParser.parse(copy.bytes)
                switch session.anonymize(value) {
                case .withheld(let reason):
                    withheld.append("\(original.stixID): \(reason)")
                    continue
                case .released(let anonymized):
                    copy.bytes = anonymized.serialized()
                    copy.stixID = anonymized.objectValue?["id"]?.stringValue
                        ?? Anonymizer.releasedID(for: original.stixID, settings: anonymization)
                }
                let findings = session.leaks(in: copy.bytes)
                if let first = findings.first {
                    throw ConsentError(.leak, "release blocked: the anonymised copy of \(original.stixID) still contains '\(first.identifier)' (\(first.excerpt)); nothing was released")
                }
            }
            copies.append(copy)
        }
        return (copies, withheld)
    }

    /// What an anonymised release of the submission to all members would share, exactly, without
    /// storing anything. The provider's users may ask, and so may hub staff: analysts prepare the
    /// proposals a provider approves, so they see what a release would share (they read the
    /// originals already). Anyone else is told there is no such submission.
    ///
    /// ```swift
    /// let preview = try await desk.preview(submissionID: id, by: provider)
    /// preview.objects    // the anonymised STIX objects; preview.withheld: what stays and why
    /// ```
    public func preview(submissionID: String, by principal: Principal) async throws -> ReleasePreview {
        let submission = try await ownSubmission(submissionID, principal: principal, action: "preview", staffMaySee: true)
        let objects = try await originals(of: submission)
        do {
            let (copies, withheld) = try await releasedCopies(of: submission, objects: objects,
                                                              to: ResolvedScope(allMembers: true), anonymize: true,
                                                              includeContext: false)
            return ReleasePreview(objects: try copies.map { try JSONParser.parse($0.bytes) }, withheld: withheld, blocked: nil)
        } catch let error as ConsentError where error.kind == .leak {
            return ReleasePreview(objects: [], withheld: [], blocked: error.description)
        }
    }

    /// Revokes a release: its copies disappear from every later read; the audit keeps who had them.
    /// The anonymised copies (the hub created them) each get a last version, `revoked: true`, that
    /// only the organisations which received them can read, so their TAXII clients and devices drop
    /// them; copies released under the provider's own name are not the hub's to version.
    public func revoke(releaseID: String, by principal: Principal) async throws -> Release {
        guard let release = try await store.release(id: releaseID) else {
            throw ConsentError(.notFound, "no release \(releaseID)")
        }
        _ = try await ownSubmission(release.submissionID, principal: principal, action: "revoke releases of")
        guard principal.user.role.mayWrite else {
            throw ConsentError(.forbidden, "read-only users cannot revoke releases")
        }
        guard release.revokedAt == nil else { throw ConsentError(.invalid, "release \(releaseID) is already revoked") }
        let now = STIXTimestamp.now().text
        var notice: WithdrawalNotice = { _ in nil }
        if release.anonymized { notice = WithdrawalNotices.revoked(creator: anonymization.hubIdentityID) }
        try await store.revokeRelease(id: releaseID, revokedBy: principal.user.id, at: now, notice: notice, audit: AuditEvent(
            action: .revoke, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: release.submissionID, details: ["release": releaseID]))
        return try await store.release(id: releaseID) ?? release
    }

    /// Who received objects of the submission, which and when (from the audit of reads).
    public func recipients(submissionID: String, by principal: Principal) async throws -> [Recipient] {
        _ = try await ownSubmission(submissionID, principal: principal, action: "see the recipients of", staffMaySee: true)
        let deliveries = try await store.deliveries(submissionID: submissionID)
        var byOrganization: [String: [ReceivedObject]] = [:]
        for delivery in deliveries {
            byOrganization[delivery.organizationID, default: []].append(ReceivedObject(
                id: delivery.stixID, version: delivery.version, receivedAt: delivery.deliveredAt,
                path: delivery.path, releaseID: delivery.releaseID))
        }
        var recipients: [Recipient] = []
        for (organizationID, objects) in byOrganization {
            let name = try await store.organization(id: organizationID)?.name ?? organizationID
            let patrons = try await store.patrons(ofClient: organizationID).map(\.name)
            recipients.append(Recipient(organization: name, organizationID: organizationID, objects: objects,
                                        clientOf: patrons.isEmpty ? nil : patrons))
        }
        return recipients.sorted { $0.organization < $1.organization }
    }

    // MARK: - Helpers

    func ownSubmission(_ id: String, principal: Principal, action: String, staffMaySee: Bool = false) async throws -> Submission {
        guard let submission = try await store.submission(id: id) else {
            throw ConsentError(.notFound, "no submission \(id)")
        }
        let standing = policy.standing(of: principal, towards: submission)
        guard standing == .provider || (staffMaySee && standing == .hubStaff) else {
            if standing == .hubStaff {
                throw ConsentError(.forbidden, "only the provider may \(action) submission \(id); hub staff may propose a release")
            }
            throw ConsentError(.notFound, "no submission \(id)")
        }
        return submission
    }

    func resolve(_ scope: ReleaseScope) async throws -> ResolvedScope {
        var resolved = ResolvedScope(allMembers: scope.allMembers, isPublic: scope.isPublic)
        for name in scope.groups {
            guard let group = try await store.group(named: name) else { throw ConsentError(.invalid, "no trust group named \(name)") }
            resolved.groupIDs.append(group.id)
        }
        for name in scope.organizations {
            guard let organization = try await store.organization(named: name) else {
                throw ConsentError(.invalid, "no organization named \(name)")
            }
            resolved.organizationIDs.append(organization.id)
        }
        return resolved
    }

    func originals(of submission: Submission) async throws -> [StoredObject] {
        try await policy.hubReader(feedID: submission.feedID, purpose: .anonymisation)
            .all(ObjectQuery(feedID: submission.feedID, versions: .every, limit: 5000, submissionID: submission.id))
    }

    /// Everything the hub knows identifies the provider: its profile and its identity objects.
    func victimProfile(of organizationID: String, objects: [StoredObject]) async throws -> VictimProfile {
        guard let organization = try await store.organization(id: organizationID) else {
            throw ConsentError(.notFound, "no organization \(organizationID)")
        }
        var profile = VictimProfile()
        profile.organizationNames = [organization.name]
        profile.sector = organization.sector
        profile.size = organization.size
        for identifier in try await store.identifiers(organizationID: organizationID) {
            switch identifier.kind {
            case .alias: profile.organizationNames.append(identifier.value)
            case .domain: profile.domains.append(identifier.value)
            case .email: profile.emailAddresses.append(identifier.value)
            case .host: profile.hostNames.append(identifier.value)
            case .addressRange: profile.addressRanges.append(identifier.value)
            case .project: profile.projectNames.append(identifier.value)
            case .person: profile.personNames.append(identifier.value)
            case .phone: profile.phoneNumbers.append(identifier.value)
            case .department: profile.departmentNames.append(identifier.value)
            case .account: profile.accountNames.append(identifier.value)
            }
        }
        // The provider's users' e-mail addresses are its identifiers too: the hub knows them, and one
        // typed into a description (by the provider or by an analyst editing the processed version)
        // names the provider as surely as its name. (Their domains are not taken: a free-mail domain
        // would be redacted everywhere; a member's own domain is registered as a `domain` identifier.)
        for user in try await store.users(organizationID: organizationID) where !profile.emailAddresses.contains(user.email) {
            profile.emailAddresses.append(user.email)
        }
        // The provider's own identity objects: identities whose name is one of its names, and the
        // creator of what it submitted.
        let names = Set(profile.organizationNames.map { $0.lowercased() })
        for object in objects where object.type == "identity" {
            if let value = try? JSONParser.parse(Array(object.bytes)),
               let name = value.objectValue?["name"]?.stringValue, names.contains(name.lowercased()) {
                profile.identityIDs.append(object.stixID)
            }
        }
        for object in objects {
            if let value = try? JSONParser.parse(Array(object.bytes)),
               let creator = value.objectValue?["created_by_ref"]?.stringValue, !profile.identityIDs.contains(creator),
               creator != anonymization.hubIdentityID {
                profile.identityIDs.append(creator)
            }
        }
        return profile
    }

    static func versionText(_ object: StoredObject) -> String? {
        object.versionMicroseconds == nil || object.version.isEmpty ? nil : object.version
    }

    static func versionMicroseconds(_ object: StoredObject) -> Int64? {
        object.versionMicroseconds
    }

    static func describe(_ scope: ReleaseScope) -> String {
        var parts: [String] = []
        if !scope.groups.isEmpty { parts.append("groups: " + scope.groups.joined(separator: ", ")) }
        if !scope.organizations.isEmpty { parts.append("organizations: " + scope.organizations.joined(separator: ", ")) }
        if scope.allMembers { parts.append("all members") }
        if scope.isPublic { parts.append("public") }
        return parts.joined(separator: "; ")
    }
}
