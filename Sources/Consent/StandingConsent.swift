// Standing consent: an organisation's rules that release matching objects of each new submission at
// once (e.g. technical indicators at TLP:GREEN to its SIG, anonymised).
import Accounts
import Foundation
import SharingPolicy
import STIX
import Storage

extension ConsentDesk {
    public func standingConsent(for principal: Principal) async throws -> [StandingConsentRule] {
        try await store.standingConsent(organizationID: principal.organization.id)
    }

    /// Replaces the organisation's standing consent; organisation admins only.
    public func setStandingConsent(_ rules: [StandingConsentRule], by principal: Principal) async throws {
        guard principal.user.role == .orgAdmin else {
            throw ConsentError(.forbidden, "only the organisation's admin sets its standing consent")
        }
        for rule in rules {
            guard !rule.scope.isEmpty else { throw ConsentError(.invalid, "a standing consent rule names no recipients") }
            _ = try await resolve(rule.scope)
        }
        try await store.setStandingConsent(rules, organizationID: principal.organization.id, audit: AuditEvent(
            action: .standingConsent, actorUserID: principal.user.id, actorOrganizationID: principal.organization.id,
            subject: principal.organization.id, details: ["rules": String(rules.count)]))
    }

    /// Applies the provider's standing consent to a new submission; returns the releases made.
    public func applyStandingConsent(to submission: Submission, provider: Principal) async throws -> [Release] {
        try await applyStandingConsent(try await store.standingConsent(organizationID: submission.organizationID),
                                       to: submission, provider: provider)
    }

    /// `applyStandingConsent(to:provider:)` with the provider's rules read already (an intake reads
    /// them while the submission is being stored).
    public func applyStandingConsent(_ rules: [StandingConsentRule], to submission: Submission,
                                     provider: Principal) async throws -> [Release] {
        guard !rules.isEmpty else { return [] }
        let originals = try await originals(of: submission)
        var releases: [Release] = []
        for rule in rules {
            let matching = originals.filter { object in
                (object.tlp ?? policy.defaultTLP) <= rule.maxTLP
                    && (rule.content == .all || PolicyEngine.technicalTypes.contains(object.type))
            }
            guard !matching.isEmpty else { continue }
            releases.append(try await performRelease(submission, scope: rule.scope, anonymize: rule.anonymize,
                                                     kind: .standingConsent, objects: matching, actor: provider))
        }
        return releases
    }
}
