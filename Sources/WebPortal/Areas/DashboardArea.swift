// WebPortal dashboard: what is new for the reader's organisation (its latest submissions and their
// state), submissions waiting for its consent (the hub's pending proposals), campaign updates (hub
// staff), and the sharing metrics (SharingMetrics, as the reader may see them) as a chart with the
// numbers one click away as CSV (`/portal/dashboard/{daily,coverage,lead-time}.csv`).
import Foundation
import HTTPTypes
import Hummingbird
import SharingMetrics
import Storage

enum DashboardArea: PortalArea {
    struct Day: Sendable {
        let day: String
        let count: Int
    }

    struct Model: Sendable {
        let recent: [ConsentArea.Row]
        let hasRecent: Bool
        let waiting: Int
        let campaignUpdates: Int
        let candidates: Int
        let isStaff: Bool
        let days: [Day]
        let hasDays: Bool
        let chart: String
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("dashboard") { page in try await dashboard(page) }
        routes.page("dashboard/{metric}") { page in try await csv(page) }
    }

    static func dashboard(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        let principal = reader.principal
        let workflows = try page.workflows()
        let own = try await page.environment.store.submissions(organizationID: principal.organization.id)
            .sorted { $0.requestTimestamp > $1.requestTimestamp }.prefix(10)
        var names: [String: String] = [:]
        var recent: [ConsentArea.Row] = []
        for submission in own { recent.append(try await ConsentArea.row(page, submission, names: &names)) }
        let waiting = try await workflows.consent.proposals(for: principal)
            .filter { $0.state == .pending && $0.providerOrganizationID == principal.organization.id }.count
        var updates = 0, candidates = 0
        if principal.user.role.isHubStaff, let desk = workflows.campaigns {
            let records = try await desk.list(includeCandidates: true, by: principal)
            updates = records.reduce(0) { $0 + $1.updates.count }
            candidates = records.filter { $0.status == .candidate }.count
        }
        let report = try await workflows.metrics.daily(for: MetricsViewer(principal), principal: principal)
        var perDay: [String: Int] = [:]
        for row in report.rows { perDay[row.day, default: 0] += row.count }
        let days = perDay.sorted { $0.key < $1.key }.suffix(30).map { Day(day: $0.key, count: $0.value) }
        return try page.render("dashboard", title: "dashboard_title", Model(
            recent: recent, hasRecent: !recent.isEmpty, waiting: waiting, campaignUpdates: updates,
            candidates: candidates, isStaff: principal.user.role.isHubStaff, days: Array(days), hasDays: !days.isEmpty,
            chart: chart(Array(days), title: page.text("dashboard_chart_title"))))
    }

    /// A metric's numbers as CSV (the same report and the same visibility as the API's `?format=csv`).
    static func csv(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        let workflows = try page.workflows()
        let viewer = MetricsViewer(reader.principal)
        let report: any MetricsReport
        switch try page.parameter("metric") {
        case "daily.csv": report = try await workflows.metrics.daily(for: viewer, principal: reader.principal)
        case "coverage.csv": report = try await workflows.metrics.coverage(for: viewer, principal: reader.principal)
        case "lead-time.csv": report = try await workflows.metrics.leadTime(for: viewer, principal: reader.principal)
        default: throw PortalError.notFound
        }
        var headers: HTTPFields = [.contentType: "text/csv; charset=utf-8"]
        headers[.contentDisposition] = "attachment; filename=\"\(try page.parameter("metric"))\""
        return Response(status: .ok, headers: headers, body: .init(byteBuffer: ByteBuffer(string: report.csv)))
    }

    /// Daily counts as bars. A minimal local drawing, marked for replacement by PortalCharts.
    static func chart(_ days: [Day], title: String) -> String {
        let width = 600.0, height = 160.0, top = Double(max(days.map(\.count).max() ?? 1, 1))
        let bar = days.isEmpty ? 0 : width / Double(days.count)
        var svg = "<svg class=\"chart\" role=\"img\" viewBox=\"0 0 600 180\" xmlns=\"http://www.w3.org/2000/svg\"><title>\(AnalystArea.escape(title))</title>"
        for (index, day) in days.enumerated() {
            let h = height * Double(day.count) / top
            svg += "<rect x=\(q(Double(index) * bar + 1)) y=\(q(height - h)) width=\(q(max(bar - 2, 1))) height=\(q(h)) fill=\"#0b5cad\"><title>\(AnalystArea.escape(day.day)): \(day.count)</title></rect>"
        }
        if let first = days.first, let last = days.last {
            svg += "<text x=\"0\" y=\"176\" font-size=\"11\">\(AnalystArea.escape(first.day))</text>"
            svg += "<text x=\"600\" y=\"176\" font-size=\"11\" text-anchor=\"end\">\(AnalystArea.escape(last.day))</text>"
        }
        return svg + "</svg>"
    }

    static func q(_ value: Double) -> String { "\"" + AnalystArea.f(value) + "\"" }
}
