// WebPortal dashboard: what is new for the reader's organisation (its latest submissions and their
// state), submissions waiting for its consent (the hub's pending proposals), campaign updates (hub
// staff), and the sharing metrics (SharingMetrics, as the reader may see them) as a chart with the
// numbers one click away as CSV (`/portal/dashboard/{daily,coverage,lead-time}.csv`).
import Foundation
import HTTPTypes
import Hummingbird
import PortalCharts
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
        /// The coverage matrix (organisations × sectors whose members also reported their values).
        let coverageChart: String
        /// The lead-time distribution.
        let leadTimeChart: String
    }

    static func addRoutes(to routes: PortalRoutes) {
        routes.page("dashboard") { page in try await dashboard(page) }
        routes.page("dashboard/{metric}") { page in try await csv(page) }
    }

    static func dashboard(_ page: PortalPage) async throws -> Response {
        let reader = try page.requireReader()
        let principal = reader.principal
        let workflows = try page.workflows()
        // The organisation's ten latest submissions, by one statement.
        let recent = try await page.environment.store.submissionListing(organizationID: principal.organization.id,
                                                                        after: nil, limit: 10)
            .map { ConsentArea.row(page, $0) }
        let waiting = try await workflows.consent.proposals(for: principal)
            .filter { $0.state == .pending && $0.providerOrganizationID == principal.organization.id }.count
        var updates = 0, candidates = 0
        if principal.user.role.isHubStaff, let desk = workflows.campaigns {
            let records = try await desk.list(includeCandidates: true, by: principal)
            updates = records.reduce(0) { $0 + $1.updates.count }
            candidates = records.filter { $0.status == .candidate }.count
        }
        let viewer = MetricsViewer(principal)
        let report = try await workflows.metrics.daily(for: viewer, principal: principal)
        var perDay: [String: Int] = [:]
        for row in report.rows { perDay[row.day, default: 0] += row.count }
        let days = perDay.sorted { $0.key < $1.key }.suffix(30).map { Day(day: $0.key, count: $0.value) }
        let coverage = try await workflows.metrics.coverage(for: viewer, principal: principal)
        let leadTime = try await workflows.metrics.leadTime(for: viewer, principal: principal)
        return try page.render("dashboard", title: "dashboard_title", Model(
            recent: recent, hasRecent: !recent.isEmpty, waiting: waiting, campaignUpdates: updates,
            candidates: candidates, isStaff: principal.user.role.isHubStaff, days: Array(days), hasDays: !days.isEmpty,
            chart: dailyChart(report, page: page).svg,
            coverageChart: coverageChart(coverage, page: page).svg,
            leadTimeChart: leadTimeChart(leadTime, page: page).svg))
    }

    /// New indicators per day over the last 30 days (UTC, as the metrics count days), stacked by class
    /// (C2, phishing, malware hosting); days without any are drawn empty.
    static func dailyChart(_ report: DailyReport, page: PortalPage, now: Date = Date()) -> DailyCountsChart {
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "UTC")
        formatter.dateFormat = "yyyy-MM-dd"
        let through = formatter.string(from: now), from = formatter.string(from: now.addingTimeInterval(-29 * 86_400))
        let rows = report.rows.filter { $0.day >= from && $0.day <= through }
            .map { (day: $0.day, key: $0.indicatorClass.rawValue, count: $0.count) }
        return DailyCountsChart(
            id: "daily", text: ChartText(title: page.text("dashboard_chart_title"), description: page.text("dashboard_chart_description"),
                                         emptyMessage: page.text("dashboard_chart_empty")),
            series: IndicatorClass.allCases.map { ChartSeries(key: $0.rawValue, label: label(of: $0, page: page)) },
            bars: DailyCountsChart.bars(rows, from: from, through: through))
    }

    static func label(of indicatorClass: IndicatorClass, page: PortalPage) -> String {
        switch indicatorClass {
        case .c2: return page.text("dashboard_class_c2")
        case .phishing: return page.text("dashboard_class_phishing")
        case .malwareHosting: return page.text("dashboard_class_malware_hosting")
        }
    }

    /// Each organisation's (or, for members, its own) share of reported values that members of each
    /// sector also reported.
    static func coverageChart(_ report: CoverageReport, page: PortalPage) -> CoverageMatrixChart {
        let sectors = Array(Set(report.rows.flatMap { $0.bySector.map(\.sector) })).sorted()
        let values: [[Double?]] = report.rows.map { row in
            sectors.map { sector in row.bySector.first { $0.sector == sector }.map(\.share) }
        }
        return CoverageMatrixChart(
            id: "coverage", text: ChartText(title: page.text("dashboard_coverage_title"),
                                            description: page.text("dashboard_coverage_description"),
                                            emptyMessage: page.text("dashboard_chart_empty")),
            rowLabels: report.rows.map(\.organization), columnLabels: sectors, values: values, format: .percent)
    }

    /// How long before a member held a value itself the hub had already delivered it.
    static func leadTimeChart(_ report: LeadTimeReport, page: PortalPage) -> HistogramChart {
        HistogramChart(
            id: "lead-time", text: ChartText(title: page.text("dashboard_lead_time_title"),
                                             description: page.text("dashboard_lead_time_description"),
                                             emptyMessage: page.text("dashboard_chart_empty")),
            bins: report.overall.histogram.map { HistogramBin(label: $0.label, count: $0.count) })
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

}
