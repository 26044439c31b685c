// WebPortal analyst queue (hub staff only): triage of new submissions (each opens the submission
// page with its correlations, preview and the propose-release form) and the campaign candidates —
// confirm and name, merge, split, reject — each with a server-drawn SVG graph of its linked
// submissions. Every change is CampaignDesk's (the JSON API's desk); members get the 403 page.
import Accounts
import CampaignDesk
import Foundation
import Hummingbird
import SharingPolicy
import Storage

enum AnalystArea: PortalArea {
    struct Member: Sendable {
        let id: String
        let short: String
        let field: String
        let isUpdate: Bool
    }

    struct Campaign: Sendable {
        let id: String
        let name: String
        let status: String
        let isCandidate: Bool
        let members: [Member]
        let evidence: [String]
        let updates: Int
        let hasUpdates: Bool
        let graph: String
        let mergeField: String
    }

    struct Model: Sendable {
        let submissions: [ConsentArea.Row]
        let hasSubmissions: Bool
        let campaigns: [Campaign]
        let hasCampaigns: Bool
        let canChange: Bool
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("analyst") { page in try await queue(page) }
        routes.form("analyst/campaigns/{id}/confirm") { page, form in
            try await change(page) { desk, principal in
                _ = try await desk.confirm(try page.parameter("id"), name: name(form), by: principal)
            }
        }
        routes.form("analyst/campaigns/{id}/reject") { page, _ in
            try await change(page) { desk, principal in _ = try await desk.reject(try page.parameter("id"), by: principal) }
        }
        routes.form("analyst/campaigns/{id}/split") { page, form in
            try await change(page) { desk, principal in
                _ = try await desk.split(try page.parameter("id"), leaving: form.values("leaving"), name: name(form), by: principal)
            }
        }
        routes.form("analyst/campaigns/merge") { page, form in
            try await change(page) { desk, principal in
                _ = try await desk.merge(form.values("campaign"), name: name(form), by: principal)
            }
        }
    }

    static func name(_ form: PortalForm) -> String? {
        let name = (form["name"] ?? "").trimmingCharacters(in: .whitespacesAndNewlines)
        return name.isEmpty ? nil : name
    }

    /// A campaign change by a writing hub analyst; the desk's refusals are the translated refusal page.
    static func change(_ page: PortalPage,
                       _ body: (CampaignDesk, Principal) async throws -> Void) async throws -> Response {
        let reader = try page.requireStaff(writing: true)
        guard let desk = try page.workflows().campaigns else { throw PortalError.unavailable }
        do {
            try await body(desk, reader.principal)
        } catch let error as CampaignDeskError {
            switch error.kind {
            case .notFound: throw PortalError.notFound
            case .forbidden: throw PortalError.forbidden
            case .invalid, .conflict, .leak:
                return try ConsentArea.failure(page, "campaign_error", error.description, back: "/portal/analyst#campaigns")
            }
        }
        return page.redirect(to: "/portal/analyst#campaigns")
    }

    static func queue(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireStaff()
        let principal = reader.principal
        let submissions = try await page.environment.policy.visibleSubmissions(for: principal)
            .sorted { $0.requestTimestamp > $1.requestTimestamp }.prefix(50)
        var names: [String: String] = [:]
        var rows: [ConsentArea.Row] = []
        for submission in submissions { rows.append(try await ConsentArea.row(page, submission, names: &names)) }
        var campaigns: [Campaign] = []
        if let desk = try page.workflows().campaigns {
            for (index, record) in try await desk.list(includeCandidates: true, by: principal).prefix(100).enumerated() {
                let updates = Set(record.updates)
                let members = record.submissionIDs.enumerated().map { position, id in
                    Member(id: id, short: String(id.prefix(8)), field: "leave-\(index)-\(position)", isUpdate: updates.contains(id))
                }
                campaigns.append(Campaign(
                    id: record.id, name: record.name ?? page.text("campaign_unnamed"),
                    status: page.text(choice: "campaign_status_", record.status.rawValue),
                    isCandidate: record.status == .candidate, members: members,
                    evidence: record.evidence.prefix(20).map { "\($0.kind): \($0.values.prefix(5).joined(separator: ", ")) (\($0.links))" },
                    updates: updates.count, hasUpdates: !updates.isEmpty,
                    graph: graph(members: members, label: record.name ?? String(record.id.prefix(12)),
                                 title: page.text("campaign_graph_title")),
                    mergeField: "merge-\(index)"))
            }
        }
        return try page.render("analyst", title: "analyst_title",
                               Model(submissions: rows, hasSubmissions: !rows.isEmpty, campaigns: campaigns,
                                     hasCampaigns: !campaigns.isEmpty, canChange: principal.user.role.mayWrite))
    }

    /// The campaign's linked submissions as a star: the campaign in the middle, each submission on a
    /// circle around it (updates not yet seen drawn in the alert colour). A minimal local drawing,
    /// to be replaced by PortalCharts' graph once that module is merged.
    static func graph(members: [Member], label: String, title: String) -> String {
        let size = 240.0, centre = size / 2, radius = size / 2 - 34
        var svg = "<svg class=\"campaign-graph\" role=\"img\" viewBox=\"0 0 \(Int(size)) \(Int(size))\" width=\"\(Int(size))\" height=\"\(Int(size))\" xmlns=\"http://www.w3.org/2000/svg\">"
        svg += "<title>\(escape(title + ": " + label))</title>"
        let shown = members.prefix(24)
        for (index, member) in shown.enumerated() {
            let angle = 2 * Double.pi * Double(index) / Double(max(shown.count, 1)) - Double.pi / 2
            let x = centre + radius * cos(angle), y = centre + radius * sin(angle)
            svg += "<line x1=\"\(f(centre))\" y1=\"\(f(centre))\" x2=\"\(f(x))\" y2=\"\(f(y))\" stroke=\"#888\"/>"
            svg += "<circle cx=\"\(f(x))\" cy=\"\(f(y))\" r=\"9\" fill=\"\(member.isUpdate ? "#a40e26" : "#0b5cad")\"/>"
            svg += "<text x=\"\(f(x))\" y=\"\(f(y + 22))\" font-size=\"10\" text-anchor=\"middle\">\(escape(member.short))</text>"
        }
        svg += "<circle cx=\"\(f(centre))\" cy=\"\(f(centre))\" r=\"14\" fill=\"#1a7f37\"/>"
        svg += "<text x=\"\(f(centre))\" y=\"\(f(centre + 28))\" font-size=\"11\" text-anchor=\"middle\">\(escape(String(label.prefix(24))))</text>"
        return svg + "</svg>"
    }

    static func f(_ value: Double) -> String { String(format: "%.1f", value) }

    static func escape(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;").replacingOccurrences(of: "\"", with: "&quot;")
    }
}
