// Consent proposals: hub analysts propose a release (optionally with their processed version of the
// objects); it takes effect only when the provider approves it, having seen exactly what would be
// shared and how it differs from what it gave (ProposalDiff). A processed version that lowers a
// marking of the provider's or adds objects that are not the hub's own analysis is refused when it is
// proposed and again when it is approved.
import Accounts
import Foundation
import SharingPolicy
import STIX
import Storage

extension ConsentDesk {
    /// A hub analyst proposes releasing a submission. `processedBundle`, when given, is a STIX bundle
    /// of the analyst's processed objects, released instead of the originals on approval.
    public func propose(submissionID: String, scope: ReleaseScope, anonymize: Bool, processedBundle: [UInt8]?,
                        note: String?, by principal: Principal) async throws -> Proposal {
        guard principal.user.role.isHubStaff else {
            throw ConsentError(.forbidden, "only hub analysts propose releases; providers release their own submissions")
        }
        guard let submission = try await store.submission(id: submissionID) else {
            throw ConsentError(.notFound, "no submission \(submissionID)")
        }
        guard !scope.isEmpty else { throw ConsentError(.invalid, "the proposal names no recipients") }
        let resolved = try await resolve(scope)
        if let processedBundle {
            let processed = try processedObjects(processedBundle, submission: submission)
            try gate.check(processed: processed, originals: try await originals(of: submission))
            // The final leak check an anonymised release runs, now: an edit that names the provider
            // (or any of its identifiers, in any encoding the check decodes) is refused when proposed,
            // not only when the provider approves.
            if anonymize {
                _ = try await releasedCopies(of: submission, objects: processed, to: resolved, anonymize: true,
                                             includeContext: scope.includeContext)
            }
        }
        let proposal = Proposal(submissionID: submission.id, providerOrganizationID: submission.organizationID,
                                scope: scope, anonymized: anonymize, processedBundle: processedBundle.map { Data($0) },
                                note: note, proposedBy: principal.user.id, proposedAt: STIXTimestamp.now().text)
        try await store.createProposal(proposal, audit: AuditEvent(
            action: .propose, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: submission.id, details: ["proposal": proposal.id, "scope": Self.describe(scope),
                                              "anonymized": String(anonymize),
                                              "processed": String(processedBundle != nil)]))
        return proposal
    }

    /// The provider's inbox (hub staff: every proposal).
    public func proposals(for principal: Principal) async throws -> [Proposal] {
        try await store.proposals(providerOrganizationID: principal.user.role.isHubStaff ? nil : principal.organization.id)
    }

    /// The provider approves: the proposal becomes a release.
    public func approve(proposalID: String, by principal: Principal) async throws -> Release {
        var proposal = try await pendingProposal(proposalID, principal: principal)
        guard let submission = try await store.submission(id: proposal.submissionID) else {
            throw ConsentError(.notFound, "no submission \(proposal.submissionID)")
        }
        let objects: [StoredObject]
        if let bundle = proposal.processedBundle {
            // Checked again: the rules may have been tightened since it was proposed.
            objects = try processedObjects(Array(bundle), submission: submission)
            try gate.check(processed: objects, originals: try await originals(of: submission))
        } else {
            objects = try await originals(of: submission)
        }
        let release = try await performRelease(submission, scope: proposal.scope, anonymize: proposal.anonymized,
                                               kind: .approvedProposal, objects: objects, actor: principal)
        proposal.state = .approved
        proposal.decidedBy = principal.user.id
        proposal.decidedAt = STIXTimestamp.now().text
        proposal.releaseID = release.id
        try await store.decideProposal(proposal, audit: AuditEvent(
            action: .approve, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: submission.id, details: ["proposal": proposal.id, "release": release.id]))
        return release
    }

    /// What approving the proposal would do, for the provider to decide on: the difference between
    /// the processed version and the submission, exactly what would be stored and served (for a
    /// pending proposal), and why approval would be refused, if it would.
    ///
    /// ```swift
    /// for proposal in try await desk.proposals(for: provider) {
    ///     let review = try await desk.review(proposal)
    ///     review.diff.changed   // per object: properties changed, markings before and after
    ///     review.shared?.objects // the objects exactly as the release would store them
    /// }
    /// ```
    public func review(_ proposal: Proposal) async throws -> ProposalReview {
        var review = ProposalReview(diff: ProposalDiff(originals: [], processed: [], defaultTLP: policy.defaultTLP))
        guard let submission = try await store.submission(id: proposal.submissionID) else {
            review.refusal = "submission \(proposal.submissionID) is no longer in the hub"
            return review
        }
        let originals = try await originals(of: submission)
        var objects = originals
        do {
            if let bundle = proposal.processedBundle {
                objects = try processedObjects(Array(bundle), submission: submission)
                review.diff = ProposalDiff(originals: originals, processed: objects, defaultTLP: policy.defaultTLP)
                try gate.check(processed: objects, originals: originals)
            } else {
                review.diff = ProposalDiff(originals: originals, processed: objects, defaultTLP: policy.defaultTLP)
            }
        } catch let error as ConsentError {
            review.refusal = error.description
            return review
        }
        guard proposal.state == .pending else { return review }
        do {
            let (copies, withheld) = try await releasedCopies(of: submission, objects: objects,
                                                              to: try await resolve(proposal.scope),
                                                              anonymize: proposal.anonymized,
                                                              includeContext: proposal.scope.includeContext)
            review.shared = ReleasePreview(objects: try copies.map { try JSONParser.parse($0.bytes) },
                                           withheld: withheld, blocked: nil)
        } catch let error as ConsentError where error.kind == .leak {
            review.shared = ReleasePreview(objects: [], withheld: [], blocked: error.description)
        } catch let error as ConsentError {
            review.refusal = error.description
        }
        return review
    }

    /// One proposal, for its provider's users and hub staff (anyone else: not found).
    public func proposal(id: String, for principal: Principal) async throws -> Proposal {
        guard let proposal = try await store.proposal(id: id),
              proposal.providerOrganizationID == principal.organization.id || principal.user.role.isHubStaff
        else { throw ConsentError(.notFound, "no proposal \(id)") }
        return proposal
    }

    var gate: ProposalGate { ProposalGate(hubIdentityID: anonymization.hubIdentityID, defaultTLP: policy.defaultTLP) }

    /// The provider rejects: nothing is released.
    public func reject(proposalID: String, reason: String?, by principal: Principal) async throws -> Proposal {
        var proposal = try await pendingProposal(proposalID, principal: principal)
        proposal.state = .rejected
        proposal.decidedBy = principal.user.id
        proposal.decidedAt = STIXTimestamp.now().text
        try await store.decideProposal(proposal, audit: AuditEvent(
            action: .reject, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: proposal.submissionID, details: ["proposal": proposal.id, "reason": reason ?? ""]))
        return proposal
    }

    func pendingProposal(_ id: String, principal: Principal) async throws -> Proposal {
        guard let proposal = try await store.proposal(id: id),
              proposal.providerOrganizationID == principal.organization.id || principal.user.role.isHubStaff
        else { throw ConsentError(.notFound, "no proposal \(id)") }
        guard proposal.providerOrganizationID == principal.organization.id, principal.user.role.mayWrite else {
            throw ConsentError(.forbidden, "only the provider decides on proposal \(id)")
        }
        guard proposal.state == .pending else { throw ConsentError(.invalid, "proposal \(id) was already \(proposal.state.rawValue)") }
        return proposal
    }

    /// The analyst's processed objects as release sources: a STIX 2.1 bundle (`type` bundle, a
    /// `bundle--` id, at least one object) whose every object is valid STIX 2.1.
    func processedObjects(_ bundle: [UInt8], submission: Submission) throws -> [StoredObject] {
        let envelope: ScannedEnvelope
        do { envelope = try EnvelopeScanner.scan(bundle) } catch {
            throw ConsentError(.invalid, "the processed version is not a STIX bundle: \(error)")
        }
        guard envelope.otherMembers["type"]?.stringValue == "bundle" else {
            throw ConsentError(.invalid, "the processed version is not a STIX bundle: its \"type\" must be \"bundle\"")
        }
        guard let id = envelope.otherMembers["id"]?.stringValue, STIXIdentifier(id)?.type == "bundle" else {
            throw ConsentError(.invalid, "the processed version is not a STIX bundle: its \"id\" must be bundle--<UUID>")
        }
        guard !envelope.objects.isEmpty else {
            throw ConsentError(.invalid, "the processed version is an empty bundle: it would release nothing")
        }
        var objects: [StoredObject] = []
        for scanned in envelope.objects {
            if let properties = scanned.value.objectValue, let level = TLPMarking.customDeclaration(in: properties) {
                throw ConsentError(.invalid, "the processed version has a marking-definition declaring TLP level \"\(level)\" under an id of its own; use the well-known TLP ids")
            }
            switch STIXValidator.validate(scanned.value) {
            case .failure(let error):
                throw ConsentError(.invalid, "the processed version has an invalid object: \(error.description)")
            case .success(let facts):
                objects.append(StoredObject(
                    position: 0, feedID: submission.feedID, stixID: facts.id, type: facts.type,
                    specVersion: facts.specVersion, version: facts.version ?? "", dateAddedMicroseconds: 0,
                    bytes: Data(scanned.bytes), submissionID: submission.id,
                    providerOrganizationID: submission.organizationID, releaseID: nil,
                    tlp: PolicyEngine.tlpLevel(of: facts),
                    versionMicroseconds: facts.version.flatMap { STIXTimestamp($0)?.microsecondsSinceEpoch }))
            }
        }
        return objects
    }
}

/// What approving a proposal would do (`ConsentDesk.review`).
public struct ProposalReview: Sendable {
    /// The processed version against the provider's submission.
    public var diff: ProposalDiff
    /// Exactly what the release would store and serve, and what it would withhold (pending proposals).
    public var shared: ReleasePreview?
    /// Why approving would be refused (a processed version that breaks the rules), if it would.
    public var refusal: String?
}
