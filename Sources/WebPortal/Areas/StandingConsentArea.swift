// WebPortal standing consent (on the consent inbox): an organisation's admin adds a rule (most
// restricted TLP, technical or all content, recipients, anonymised or not) or removes one (after
// confirming). Each change replaces the whole rule list through ConsentDesk.setStandingConsent, the
// JSON API's call (`PUT /api/v1/standing-consent`), with the rules' version read when the page was
// shown: a list changed meanwhile (another admin, the API) is refused rather than overwritten.
import Consent
import Crypto
import Foundation
import Hummingbird
import Storage

enum StandingConsentArea: PortalArea {
    struct Option: Sendable {
        let value: String
        let label: String
        let field: String
    }

    /// The editor under the rules on the consent page (organisation admins only).
    struct EditorModel: Sendable {
        let version: String
        let groups: [Option]
        let tlps: [Option]
        let contents: [Option]
    }

    static let back = "/portal/consent#standing-heading"

    static func addRoutes(to routes: PortalRoutes) {
        routes.form("consent/standing") { page, form in try await ConsentArea.refusing(page) { try await add(page, form) } }
        routes.form("consent/standing/remove") { page, form in
            try await ConsentArea.refusing(page) { try await remove(page, form) }
        }
    }

    /// The version of a rule list: changes whenever the list does (any instance computes the same).
    static func version(_ rules: [StandingConsentRule]) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = .sortedKeys
        let data = (try? encoder.encode(rules)) ?? Data()
        return SHA256.hash(data: data).prefix(12).map { String(format: "%02x", $0) }.joined()
    }

    /// The editor's model for `reader`, nil unless they may set their organisation's standing consent.
    static func editor(_ page: PortalPage, _ reader: PortalReader, rules: [StandingConsentRule]) async throws -> EditorModel? {
        guard reader.principal.user.role == .orgAdmin else { return nil }
        let groups = try await page.environment.store.groups(ofOrganization: reader.principal.organization.id)
        return EditorModel(
            version: version(rules),
            groups: groups.enumerated().map { Option(value: $1.name, label: $1.name, field: "standing-group-\($0)") },
            tlps: [TLPLevel.clear, .green, .amber].map {
                Option(value: $0.rawValue, label: "TLP:" + $0.rawValue.uppercased(), field: "")
            },
            contents: [StandingConsentRule.Content.technical, .all].map {
                Option(value: $0.rawValue, label: page.text(choice: "standing_content_", $0.rawValue), field: "")
            })
    }

    /// The current rules, when the form's version is still theirs; else the "changed meanwhile" refusal.
    static func current(_ page: PortalPage, _ reader: PortalReader, _ form: PortalForm) async throws -> [StandingConsentRule] {
        let rules = try await page.workflows().consent.standingConsent(for: reader.principal)
        guard form["version"] == version(rules) else {
            throw WorkflowRefusal(key: "standing_error_changed", detail: nil, back: back)
        }
        return rules
    }

    static func add(_ page: PortalPage, _ form: PortalForm) async throws -> Response {
        let reader = try page.requireWriter()
        guard let tlp = form["max_tlp"].flatMap(TLPLevel.init(rawValue:)), [.clear, .green, .amber].contains(tlp),
              let content = form["content"].flatMap(StandingConsentRule.Content.init(rawValue:)) else {
            return try ConsentArea.failure(page, "standing_error_rule", nil, back: back)
        }
        let scope = ConsentArea.scope(form)
        guard !scope.isEmpty else { return try ConsentArea.failure(page, "release_error_scope", nil, back: back) }
        let rules = try await current(page, reader, form)
        guard rules.count < 50 else { return try ConsentArea.failure(page, "standing_error_rule", nil, back: back) }
        let rule = StandingConsentRule(maxTLP: tlp, content: content, scope: scope, anonymize: form["anonymize"] == "on")
        _ = try await ConsentArea.decided(page, back: back) {
            try await page.workflows().consent.setStandingConsent(rules + [rule], by: reader.principal)
        }
        return page.redirect(to: back)
    }

    static func remove(_ page: PortalPage, _ form: PortalForm) async throws -> Response {
        let reader = try page.requireWriter()
        let rules = try await current(page, reader, form)
        guard let index = form["rule"].flatMap(Int.init), rules.indices.contains(index) else {
            return try ConsentArea.failure(page, "standing_error_rule", nil, back: back)
        }
        let rule = rules[index]
        let description = ConsentArea.scopeText(page, rule.scope) + " · TLP:" + rule.maxTLP.rawValue.uppercased() + " · "
            + page.text(choice: "standing_content_", rule.content.rawValue)
        if let confirmation = try PortalConfirmation.asked(page, form, action: "/portal/consent/standing/remove",
                                                           fields: [("rule", String(index)), ("version", version(rules))],
                                                           message: page.text("standing_confirm_remove", ["rule": description]),
                                                           button: "standing_remove", back: back) {
            return confirmation
        }
        var remaining = rules
        remaining.remove(at: index)
        _ = try await ConsentArea.decided(page, back: back) {
            try await page.workflows().consent.setStandingConsent(remaining, by: reader.principal)
        }
        return page.redirect(to: back)
    }
}
