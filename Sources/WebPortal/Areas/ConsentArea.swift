// WebPortal consent area: a provider's own submissions and the consent inbox. The submission page
// shows what was extracted, the warnings (what was dropped and why), the exact anonymised preview,
// the releases (release to a trust group/SIG, revoke), "who received what I gave" from the
// recipients record, and the correlations; hub staff propose releases from it. The inbox lists the
// hub's proposals with the diff of what would be shared (approve/reject) and the standing consent.
// Every decision is ConsentDesk's (the JSON API's desk); every read asks the policy engine.
import Consent
import Correlation
import Foundation
import Hummingbird
import SharingPolicy
import STIX
import Storage

enum ConsentArea: PortalArea {
    struct Row: Sendable {
        let id: String
        let kind: String
        let feed: String
        let organization: String
        let received: String
        let objects: Int
        let status: String
    }

    struct ListModel: Sendable {
        let rows: [Row]
        let hasRows: Bool
        let canSubmit: Bool
        /// The next (older) page's address, when there is one.
        let next: String?
    }

    /// Rows a page of the submission list shows.
    static let listPageSize = 100

    struct Line: Sendable {
        let label: String
        let value: String
    }

    struct ReleaseRow: Sendable {
        let id: String
        let scope: String
        let anonymized: Bool
        let created: String
        let revoked: String?
        let canRevoke: Bool
    }

    struct RecipientRow: Sendable {
        let organization: String
        let objects: Int
        let first: String
    }

    struct GroupOption: Sendable {
        let name: String
        let field: String
    }

    struct DetailModel: Sendable {
        let id: String
        let kind: String
        let feed: String
        let sourceName: String?
        let received: String
        let extracted: [Line]
        let extractedCount: Int
        let warnings: [String]
        let hasWarnings: Bool
        let victimIdentifiers: Int
        let previewObjects: [Line]
        let previewJSON: String
        let withheld: [String]
        let hasWithheld: Bool
        let blocked: String?
        let releases: [ReleaseRow]
        let hasReleases: Bool
        let recipients: [RecipientRow]
        let hasRecipients: Bool
        let isProvider: Bool
        let canRelease: Bool
        let canPropose: Bool
        let groups: [GroupOption]
        let correlations: [Line]
        let hasCorrelations: Bool
        let correlationSummary: String
        let editable: [EditRow]
        let hasEditable: Bool
    }

    /// One object in the analyst's processed-version editor.
    struct EditRow: Sendable {
        let index: Int
        let id: String
        let type: String
        let name: String?
        let description: String?
        let hasName: Bool
        let hasDescription: Bool
    }

    struct ProposalRow: Sendable {
        let id: String
        let submission: String
        let scope: String
        let anonymized: Bool
        let note: String?
        let proposed: String
        let state: String
        let pending: Bool
        let canDecide: Bool
        let added: [String]
        let removed: [String]
        let changed: [String]
        let unchanged: Int
        let shared: String
        let refusal: String?
    }

    struct RuleRow: Sendable {
        let index: Int
        let scope: String
        let maxTLP: String
        let content: String
        let anonymize: Bool
    }

    struct InboxModel: Sendable {
        let proposals: [ProposalRow]
        let hasProposals: Bool
        let rules: [RuleRow]
        let hasRules: Bool
        /// The standing consent editor, for organisation admins.
        let editor: StandingConsentArea.EditorModel?
    }

    struct ErrorModel: Sendable {
        let message: String
        let detail: String?
        let back: String
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("submissions") { page in try await list(page) }
        routes.page("submissions/{id}") { page in try await detail(page) }
        routes.form("submissions/{id}/release") { page, form in try await refusing(page) { try await release(page, form) } }
        routes.form("submissions/{id}/propose") { page, form in try await refusing(page) { try await propose(page, form) } }
        routes.form("releases/{id}/revoke") { page, _ in try await refusing(page) {
            let reader = try page.requireWriter()
            let release = try await decided(page, back: "/portal/submissions") {
                try await page.workflows().consent.revoke(releaseID: try page.parameter("id"), by: reader.principal)
            }
            return page.redirect(to: "/portal/submissions/\(release.submissionID)#releases")
        } }
        routes.page("consent") { page in try await inbox(page) }
        routes.form("proposals/{id}/approve") { page, _ in try await refusing(page) {
            let reader = try page.requireWriter()
            _ = try await decided(page, back: "/portal/consent") {
                try await page.workflows().consent.approve(proposalID: try page.parameter("id"), by: reader.principal)
            }
            return page.redirect(to: "/portal/consent")
        } }
        routes.form("proposals/{id}/reject") { page, form in try await refusing(page) {
            let reader = try page.requireWriter()
            let reason = (form["reason"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
            _ = try await decided(page, back: "/portal/consent") {
                try await page.workflows().consent.reject(proposalID: try page.parameter("id"),
                                                          reason: reason.isEmpty ? nil : String(reason.prefix(2000)),
                                                          by: reader.principal)
            }
            return page.redirect(to: "/portal/consent")
        } }
    }

    /// Renders a `WorkflowRefusal` thrown by `body` as the translated refusal page (400).
    static func refusing(_ page: PortalPage, _ body: () async throws -> Response) async throws -> Response {
        do {
            return try await body()
        } catch let refusal as WorkflowRefusal {
            return try failure(page, refusal.key, refusal.detail, back: refusal.back)
        }
    }

    // MARK: - Submissions

    static func list(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        // One statement a page (newest first); `after` is the last row of the page before.
        let after = page.query("after").flatMap(SubmissionCursor.init(text:))
        let listing = try await page.environment.policy.visibleSubmissionListing(for: reader.principal, after: after,
                                                                                 limit: listPageSize + 1)
        let shown = listing.prefix(listPageSize)
        let next = listing.count > listPageSize ? shown.last.map { cursor in
            "/portal/submissions?after=" + (cursor.cursor.text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
        } : nil
        let rows = shown.map { row(page, $0) }
        return try page.render("submissions", title: "submissions_title",
                               ListModel(rows: rows, hasRows: !rows.isEmpty, canSubmit: reader.principal.user.role.mayWrite,
                                         next: next))
    }

    /// A list row from the listing's one statement (no further reads).
    static func row(_ page: PortalPage, _ listing: SubmissionListing) -> Row {
        Row(id: listing.id, kind: page.text(choice: "kind_", listing.kind?.rawValue ?? "stix"),
            feed: listing.feedName ?? "?", organization: listing.organizationName ?? "?",
            received: timestamp(page, listing.requestTimestamp), objects: listing.objects,
            status: page.text(listing.released ? "submission_released" : "submission_held"))
    }

    static func row(_ page: PortalPage, _ submission: Submission, names: inout [String: String]) async throws -> Row {
        let store = page.environment.store
        let detail = try await store.submissionDetail(id: submission.id)
        let releases = try await store.releases(submissionID: submission.id)
        if names[submission.organizationID] == nil {
            names[submission.organizationID] = try await store.organization(id: submission.organizationID)?.name ?? "?"
        }
        if names[submission.feedID] == nil { names[submission.feedID] = try await store.feed(id: submission.feedID)?.name ?? "?" }
        let live = releases.filter { $0.revokedAt == nil }
        return Row(id: submission.id, kind: page.text(choice: "kind_", (detail?.kind.rawValue ?? "stix")),
                   feed: names[submission.feedID] ?? "", organization: names[submission.organizationID] ?? "",
                   received: timestamp(page, submission.requestTimestamp), objects: submission.successes.count,
                   status: page.text(live.isEmpty ? "submission_held" : "submission_released"))
    }

    static func timestamp(_ page: PortalPage, _ text: String) -> String {
        STIXTimestamp(text).map { page.date(microseconds: $0.microsecondsSinceEpoch) } ?? text
    }

    /// The submission if the reader may see it (its provider's users and hub staff): else 404, the
    /// same page whether it exists or not.
    static func visible(_ page: PortalPage, _ reader: PortalReader) async throws -> Submission {
        guard let submission = try await page.environment.policy.visibleSubmission(id: try page.parameter("id"),
                                                                                   for: reader.principal)
        else { throw PortalError.notFound }
        return submission
    }

    static func detail(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        let submission = try await visible(page, reader)
        let workflows = try page.workflows()
        let store = page.environment.store
        let principal = reader.principal
        let isProvider = submission.organizationID == principal.organization.id
        let detail = try await store.submissionDetail(id: submission.id)
        let feed = try await store.feed(id: submission.feedID)

        // What was extracted: the stored objects by type.
        var byType: [String: Int] = [:]
        for outcome in submission.successes {
            byType[outcome.id?.components(separatedBy: "--").first ?? "?", default: 0] += 1
        }
        let extracted = byType.sorted { $0.key < $1.key }.map { Line(label: $0.key, value: String($0.value)) }

        // The exact anonymised preview (what a release to all members would share).
        let preview = try await workflows.consent.preview(submissionID: submission.id, by: principal)
        let previewObjects = preview.objects.map { object -> Line in
            let fields = (try? JSONSerialization.jsonObject(with: Data(object.serialized()))) as? [String: Any] ?? [:]
            let type = fields["type"] as? String ?? "?"
            let value = (fields["pattern"] ?? fields["name"] ?? fields["value"] ?? fields["id"]).map { "\($0)" } ?? ""
            return Line(label: type, value: value)
        }

        let releases = try await store.releases(submissionID: submission.id)
        var recipients: [RecipientRow] = []
        if isProvider || principal.user.role.isHubStaff {
            await page.environment.ledger.flush()
            recipients = try await workflows.consent.recipients(submissionID: submission.id, by: principal).map {
                RecipientRow(organization: $0.organization, objects: $0.objects.count,
                             first: $0.objects.map(\.receivedAt).min().map { timestamp(page, $0) } ?? "")
            }
        }
        let groups = isProvider ? try await store.groups(ofOrganization: principal.organization.id) : []
        var correlations: [Line] = []
        var summary = ""
        if let view = try await workflows.correlations.correlations(of: submission.id, for: principal) {
            summary = page.text("correlations_summary", ["reports": String(view.matches.reports),
                                                         "organizations": String(view.matches.organizations)])
            correlations = view.links.prefix(100).map { link in
                Line(label: link.organization + " · " + link.submission,
                     value: link.shared.prefix(20).map { "\($0.kind): \($0.value)" }.joined(separator: ", "))
            }
        }
        var editable: [EditRow] = []
        if principal.user.role.isHubStaff && principal.user.role.mayWrite {
            editable = try await workflows.consent.editableObjects(submissionID: submission.id, by: principal)
                .prefix(Self.editableLimit).enumerated().map { index, object in
                    EditRow(index: index, id: object.id, type: object.type, name: object.name, description: object.description,
                            hasName: object.name != nil, hasDescription: object.description != nil)
                }
        }
        let model = DetailModel(
            id: submission.id, kind: page.text(choice: "kind_", (detail?.kind.rawValue ?? "stix")), feed: feed?.name ?? "",
            sourceName: detail?.sourceName, received: timestamp(page, submission.requestTimestamp),
            extracted: extracted, extractedCount: submission.successes.count,
            warnings: Array((detail?.warnings ?? []).prefix(200)), hasWarnings: !(detail?.warnings ?? []).isEmpty,
            victimIdentifiers: detail?.victimIdentifiers.count ?? 0,
            previewObjects: previewObjects, previewJSON: pretty(preview.bundle.serialized()),
            withheld: preview.withheld, hasWithheld: !preview.withheld.isEmpty, blocked: preview.blocked,
            releases: releases.map { release in
                ReleaseRow(id: release.id, scope: scopeText(page, release.scope), anonymized: release.anonymized,
                           created: timestamp(page, release.createdAt), revoked: release.revokedAt.map { timestamp(page, $0) },
                           canRevoke: isProvider && release.revokedAt == nil && principal.user.role.mayWrite)
            },
            hasReleases: !releases.isEmpty, recipients: recipients, hasRecipients: !recipients.isEmpty,
            isProvider: isProvider, canRelease: isProvider && principal.user.role.mayWrite,
            canPropose: principal.user.role.isHubStaff && principal.user.role.mayWrite,
            groups: groups.enumerated().map { GroupOption(name: $1.name, field: "group-\($0)") },
            correlations: correlations, hasCorrelations: !correlations.isEmpty, correlationSummary: summary,
            editable: editable, hasEditable: !editable.isEmpty)
        return try page.render("submission", title: "submission_title", model)
    }

    static func pretty(_ bytes: [UInt8]) -> String {
        guard let object = try? JSONSerialization.jsonObject(with: Data(bytes)),
              let data = try? JSONSerialization.data(withJSONObject: object,
                                                     options: [.prettyPrinted, .withoutEscapingSlashes, .sortedKeys])
        else { return String(decoding: bytes, as: UTF8.self) }
        return String(decoding: data, as: UTF8.self)
    }

    static func scopeText(_ page: PortalPage, _ scope: ReleaseScope) -> String {
        var parts = scope.groups.map { page.text("scope_group") + " " + $0 }
        parts += scope.organizations.map { page.text("scope_organization") + " " + $0 }
        if scope.allMembers { parts.append(page.text("scope_all_members")) }
        if scope.isPublic { parts.append(page.text("scope_public")) }
        if scope.includeContext { parts.append(page.text("scope_with_context")) }
        return parts.joined(separator: ", ")
    }

    /// The release scope a form names: ticked groups, organisations one per line or comma, all members.
    static func scope(_ form: PortalForm) -> ReleaseScope {
        let organizations = (form["organizations"] ?? "").split(whereSeparator: { $0 == "," || $0.isNewline })
            .map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        return ReleaseScope(groups: form.values("group").filter { !$0.isEmpty }, organizations: organizations,
                            allMembers: form["all_members"] == "on", includeContext: form["include_context"] == "on")
    }

    static func release(_ page: PortalPage, _ form: PortalForm) async throws -> Response {
        let reader = try page.requireWriter()
        let submission = try await visible(page, reader)
        let back = "/portal/submissions/\(submission.id)"
        let scope = scope(form)
        guard !scope.isEmpty else { return try failure(page, "release_error_scope", nil, back: back) }
        _ = try await decided(page, back: back) {
            try await page.workflows().consent.release(submissionID: submission.id, scope: scope,
                                                        anonymize: form["anonymize"] == "on", by: reader.principal)
        }
        return page.redirect(to: back + "#releases")
    }

    /// At most this many objects are offered in the processed-version editor (a larger submission is
    /// edited as a pasted bundle).
    static let editableLimit = 200

    static func propose(_ page: PortalPage, _ form: PortalForm) async throws -> Response {
        let reader = try page.requireStaff(writing: true)
        let submission = try await visible(page, reader)
        let back = "/portal/submissions/\(submission.id)"
        let scope = scope(form)
        guard !scope.isEmpty else { return try failure(page, "release_error_scope", nil, back: back) }
        let processed = (form["processed_bundle"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        if !processed.isEmpty {
            do { _ = try Array(processed.utf8).withUnsafeBufferPointer { try JSONParser.parse(UnsafeRawBufferPointer($0)) } }
            catch { return try failure(page, "propose_error_bundle", "\(error)", back: back) }
        }
        let note = (form["note"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        // The structured editor's fields, when no bundle was pasted: objects left out, names and
        // descriptions rewritten, made into the processed version by the desk.
        var bundle: [UInt8]? = processed.isEmpty ? nil : Array(processed.utf8)
        if bundle == nil {
            let edits = (0..<Self.editableLimit).compactMap { index -> ObjectEdit? in
                guard let id = form["edit_\(index)"] else { return nil }
                return ObjectEdit(id: id, keep: form["keep_\(index)"] == "on", name: form["name_\(index)"],
                                  description: form["description_\(index)"])
            }
            if !edits.isEmpty {
                bundle = try await decided(page, back: back) {
                    try await page.workflows().consent.processedVersion(submissionID: submission.id, edits: edits,
                                                                        by: reader.principal)
                }
            }
        }
        _ = try await decided(page, back: back) {
            try await page.workflows().consent.propose(submissionID: submission.id, scope: scope,
                                                        anonymize: form["anonymize"] == "on",
                                                        processedBundle: bundle,
                                                        note: note.isEmpty ? nil : String(note.prefix(2000)),
                                                        by: reader.principal)
        }
        return page.redirect(to: back)
    }

    /// Runs a consent decision; the desk's refusals (bad scope, a leak found by the final check) are
    /// shown as a translated page with the desk's reason, and nothing was changed.
    static func decided<T>(_ page: PortalPage, back: String, _ body: () async throws -> T) async throws -> T {
        do {
            return try await body()
        } catch let error as ConsentError {
            switch error.kind {
            case .notFound: throw PortalError.notFound
            case .forbidden: throw PortalError.forbidden
            case .invalid: throw WorkflowRefusal(key: "consent_error_invalid", detail: error.description, back: back)
            case .leak: throw WorkflowRefusal(key: "consent_error_leak", detail: error.description, back: back)
            }
        }
    }

    static func failure(_ page: PortalPage, _ key: String, _ detail: String?, back: String) throws -> Response {
        try page.render("workflow-error", title: "error_invalid_title",
                        ErrorModel(message: page.text(key), detail: detail, back: back), status: .badRequest)
    }

    // MARK: - Inbox

    static func inbox(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        let workflows = try page.workflows()
        let principal = reader.principal
        var rows: [ProposalRow] = []
        for proposal in try await workflows.consent.proposals(for: principal)
            .sorted(by: { ($0.state == .pending ? 0 : 1, $1.proposedAt) < ($1.state == .pending ? 0 : 1, $0.proposedAt) }).prefix(200) {
            let review = try await workflows.consent.review(proposal)
            func describe(_ object: DiffedObject) -> String {
                object.type + " " + object.id + (object.properties.isEmpty ? "" : " (" + object.properties.joined(separator: ", ") + ")")
            }
            rows.append(ProposalRow(
                id: proposal.id, submission: proposal.submissionID, scope: scopeText(page, proposal.scope),
                anonymized: proposal.anonymized, note: proposal.note, proposed: timestamp(page, proposal.proposedAt),
                state: page.text(choice: "proposal_state_", proposal.state.rawValue), pending: proposal.state == .pending,
                canDecide: proposal.state == .pending && proposal.providerOrganizationID == principal.organization.id
                    && principal.user.role.mayWrite,
                added: review.diff.added.map(describe), removed: review.diff.removed.map(describe),
                changed: review.diff.changed.map(describe), unchanged: review.diff.unchanged.count,
                shared: review.shared.map { pretty($0.bundle.serialized()) } ?? "", refusal: review.refusal))
        }
        let standing = try await workflows.consent.standingConsent(for: principal)
        let rules = standing.enumerated().map { index, rule in
            RuleRow(index: index, scope: scopeText(page, rule.scope), maxTLP: "TLP:" + rule.maxTLP.rawValue.uppercased(),
                    content: page.text(choice: "standing_content_", rule.content.rawValue), anonymize: rule.anonymize)
        }
        let editor = try await StandingConsentArea.editor(page, reader, rules: standing)
        return try page.render("consent", title: "consent_title",
                               InboxModel(proposals: rows, hasProposals: !rows.isEmpty, rules: rules, hasRules: !rules.isEmpty,
                                          editor: editor))
    }
}

/// A refusal of a workflow step with the domain's reason: rendered by `WorkflowRefusal.page`.
struct WorkflowRefusal: Error {
    let key: String
    let detail: String?
    let back: String
}
